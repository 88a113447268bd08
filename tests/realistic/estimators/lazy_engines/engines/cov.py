"""The covariance engine: a full covariance pushed through each layer."""

from __future__ import annotations

import flopscope.numpy as fnp

from . import diag as _diag
from ._registry import register
from .base import relu_moments


@register("cov", rank=3)
class CovEngine(_diag.DiagEngine):
    def cost(self, width: int, depth: int) -> int:
        return depth * (5 * width ** 3 + 20 * width * width + 150 * width)

    def start(self, width: int):
        return fnp.zeros(width), fnp.eye(width)

    def step(self, state, w):
        mu, cov = state
        m = mu @ w
        c = w.T @ cov @ w
        v = fnp.diag(c)
        mean, var, slope = relu_moments(m, v)
        out = c * fnp.outer(slope, slope)
        out = out - fnp.diag(fnp.diag(out)) + fnp.diag(var)
        return mean, out

    def upgrade(self):
        return self
