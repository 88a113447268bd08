"""What every model shares: the rectified-Gaussian moments of a layer and the plan API."""

from __future__ import annotations

import flopscope as flops
import flopscope.numpy as fnp


def relu_moments(mu, var):
    """Mean, variance and the slope P(z > 0) of relu(z), z ~ N(mu, var)."""
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def diagonal_layer(weight, mean, var):
    mu = weight.T @ mean
    v = (weight * weight).T @ var
    return mu, v


class Model:
    """A model plans its cost from (width, depth, budget) and the head's constants, then runs."""

    name = "model"

    def __init__(self, head, width: int, depth: int, budget: int) -> None:
        self.head = head
        self.width, self.depth, self.budget = width, depth, budget

    def cost(self) -> int:
        raise NotImplementedError

    def run(self, mlp):
        raise NotImplementedError
