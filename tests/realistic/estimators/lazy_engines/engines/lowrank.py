"""A low-rank engine: the covariance kept as diag + basis @ core @ basis.T (basis from the head)."""

from __future__ import annotations

import flopscope.numpy as fnp

from ._registry import register
from .base import relu_moments
from .diag import DiagEngine


@register("lowrank", rank=2)
class LowRankEngine(DiagEngine):
    def cost(self, width: int, depth: int) -> int:
        r = int(self.opts.get("rank", 4))
        return depth * (6 * width * width * r + 8 * width * width + 60 * width)

    def start(self, width: int):
        r = int(self.opts.get("rank", 4))
        return fnp.zeros(width), fnp.ones(width), fnp.zeros((r, r))

    def step(self, state, w):
        mu, var, core = state
        basis = self.opts["basis"]
        m = mu @ w
        wb = w.T @ basis
        v = var @ (w * w) + fnp.sum((wb @ core) * wb, axis=1)
        mean, out_var, slope = relu_moments(m, v)
        proj = basis.T @ (slope[:, None] * wb)
        core = proj @ core @ proj.T + 0.1 * fnp.eye(core.shape[0])
        return mean, out_var, core
