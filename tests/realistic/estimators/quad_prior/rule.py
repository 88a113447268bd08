"""The quadrature side: a Gauss-Hermite rule trimmed by weight, ReLU moments through it."""

from __future__ import annotations

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp


def trimmed(nodes: np.ndarray, weights: np.ndarray, cut) -> tuple:
    """The nodes whose weight is at least ``cut`` (the table is sorted by decreasing weight),
    the weights renormalised to sum to one."""
    keep = int(np.searchsorted(-weights, -cut))
    keep = max(keep, 2)
    w = weights[:keep]
    return nodes[:keep], w / w.sum()


def relu_mean(mu, sd, nodes, weights):
    """E[relu(mu + sd z)] through the rule: a (k, n) grid of points, one weighted sum."""
    grid = mu[None, :] + fnp.asarray(nodes)[:, None] * sd[None, :]
    return fnp.asarray(weights) @ fnp.maximum(grid, 0.0)


def relu_second(mu, var):
    """E[relu(h)^2] in closed form (the rule is spent on the mean only)."""
    sd = fnp.sqrt(var)
    a = mu / sd
    return (mu * mu + var) * flops.stats.norm.cdf(a) + mu * sd * flops.stats.norm.pdf(a)


def propagate(weights_list, width: int, nodes, rule_w, floor: float):
    """Mean-field moments through every layer; yields each layer's (mean, var)."""
    mu = fnp.zeros(width)
    var = fnp.ones(width)
    for w in weights_list:
        pre_mu = mu @ w
        pre_var = fnp.maximum(var @ (w * w), floor)
        sd = fnp.sqrt(pre_var)
        mu = relu_mean(pre_mu, sd, nodes, rule_w)
        var = fnp.maximum(relu_second(pre_mu, pre_var) - mu * mu, floor)
        yield mu, var
