"""Per-neuron features for the learned head, and the mean-field pass that produces them.

Everything here is pure flopscope; shapes are (width,) per layer unless said otherwise.
"""

from __future__ import annotations

import math

import flopscope as flops
import flopscope.numpy as fnp

#: number of columns ``layer_features`` returns (the head's input width)
N_FEATURES = 5
EPS = 1e-8
SQRT_2PI = math.sqrt(2.0 * math.pi)


def relu_gauss(mu, var):
    """Mean and variance of relu(z), z ~ N(mu, var)."""
    sd = fnp.sqrt(fnp.maximum(var, EPS))
    a = mu / sd
    phi = fnp.exp(-0.5 * a * a) / SQRT_2PI
    big_phi = flops.stats.norm.cdf(a)
    m = mu * big_phi + sd * phi
    s = (mu * mu + var) * big_phi + mu * sd * phi
    return m, fnp.maximum(s - m * m, 0.0), a


def mean_field(weights, width):
    """Yields (mu_pre, var_pre, mean, var, alpha) per layer."""
    mean = fnp.zeros(width, dtype=fnp.float32)
    var = fnp.ones(width, dtype=fnp.float32)
    second = var + mean * mean
    for w in weights:
        mu_pre = w.T @ mean
        var_pre = (w * w).T @ second - mu_pre * mu_pre
        var_pre = fnp.maximum(var_pre, EPS)
        m, v, a = relu_gauss(mu_pre, var_pre)
        yield mu_pre, var_pre, m, v, a
        mean, var = m.astype(fnp.float32), v.astype(fnp.float32)
        second = var + mean * mean


def layer_features(mu_pre, var_pre, alpha, frac):
    """(width, N_FEATURES): alpha, log var, tanh(mu), gate, layer fraction."""
    cols = [
        alpha,
        fnp.log(var_pre + EPS),
        fnp.tanh(mu_pre),
        flops.stats.norm.cdf(alpha),
        fnp.full(alpha.shape, frac, dtype=fnp.float32),
    ]
    feats = fnp.stack(cols, axis=1)
    return feats.astype(fnp.float32)


def standardise(feats, centre=None, scale=None):
    """Column-standardise with the stats shipped in the head file (or the batch's own)."""
    if centre is None:
        centre = fnp.mean(feats, axis=0)
    if scale is None:
        scale = fnp.std(feats, axis=0) + EPS
    return (feats - centre) / scale


def _old_features_v1(mu_pre, var_pre):  # superseded; kept to reproduce old runs
    return fnp.stack([mu_pre, var_pre], axis=1)
