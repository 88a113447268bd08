"""The diagonal engine: independent Gaussian neurons."""

from __future__ import annotations

import flopscope.numpy as fnp

from ._registry import register
from .base import Engine, relu_moments


@register("diag", rank=1)
class DiagEngine(Engine):
    def cost(self, width: int, depth: int) -> int:
        return depth * (5 * width * width + 150 * width)

    def start(self, width: int):
        return fnp.zeros(width), fnp.ones(width)

    def step(self, state, w):
        mu, var = state[0], state[1]
        m = mu @ w
        v = var @ (w * w)
        mean, out_var, _ = relu_moments(m, v)
        return mean, out_var

    def upgrade(self):
        """The next richer engine (a late import: engines.cov imports this module at its top)."""
        from .cov import CovEngine

        return CovEngine(**self.opts)
