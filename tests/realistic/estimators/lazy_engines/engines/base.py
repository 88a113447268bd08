"""Shared pieces of the engines: the ReLU moment formulas and the Engine base class."""

from __future__ import annotations

import math

import flopscope.numpy as fnp

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
VAR_FLOOR = 1e-9


def gauss_cdf(z):
    """Phi(z) by the tanh approximation (no erf in flopscope.numpy)."""
    return 0.5 * (1.0 + fnp.tanh(SQRT_2_OVER_PI * (z + 0.044715 * z * z * z)))


def relu_moments(mean, var):
    """Mean and variance of relu(x) for x ~ N(mean, var), elementwise."""
    var = fnp.maximum(var, VAR_FLOOR)
    sd = fnp.sqrt(var)
    z = mean / sd
    cdf = gauss_cdf(z)
    pdf = INV_SQRT_2PI * fnp.exp(-0.5 * z * z)
    m1 = mean * cdf + sd * pdf
    m2 = (mean * mean + var) * cdf + mean * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


class Engine:
    kind = "?"
    rank = 0

    def __init__(self, **opts) -> None:
        self.opts = dict(opts)

    def cost(self, width: int, depth: int) -> int:
        raise NotImplementedError

    def start(self, width: int):
        raise NotImplementedError

    def step(self, state, w):
        raise NotImplementedError

    def means(self, state):
        return state[0]

    def run(self, weights, width: int):
        state = self.start(width)
        rows = []
        for w in weights:
            state = self.step(state, w)
            rows.append(self.means(state))
        return rows, state

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kind}, {self.opts})"
