"""Moment helpers and the factorisation ladder (cholesky -> eigh -> pinv)."""
from __future__ import annotations

import math

import numpy as np
import flopscope.numpy as fnp

VAR_FLOOR = 1e-10
SQRT2PI = math.sqrt(2.0 * math.pi)


def relu_moments(mu, var):
    s = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / s
    pdf = fnp.exp(-0.5 * z * z) / SQRT2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.79788456 * (z + 0.044715 * z ** 3)))
    mean = mu * cdf + s * pdf
    second = (mu * mu + var) * cdf + mu * s * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


class Ladder:
    """Which rung factorised the last matrix; kept for logging only."""

    def __init__(self):
        self.rungs: list[str] = []

    def inverse_sqrt_apply(self, cov, vec, ridge):
        n = cov.shape[0]
        try:
            chol = fnp.linalg.cholesky(cov + ridge * fnp.eye(n))
            self.rungs.append("chol")
            return fnp.linalg.solve(chol, vec)
        except np.linalg.LinAlgError:
            pass
        try:
            vals, vecs = fnp.linalg.eigh(cov)
            vals = fnp.maximum(vals, ridge)
            self.rungs.append("eigh")
            return vecs @ ((vecs.T @ vec) / fnp.sqrt(vals))
        except np.linalg.LinAlgError:
            self.rungs.append("pinv")
            return fnp.linalg.pinv(cov) @ vec


def standardise(feats, eps=1e-8):
    mu = fnp.mean(feats, axis=0)
    sd = fnp.std(feats, axis=0)
    return (feats - mu) / (sd + eps)
