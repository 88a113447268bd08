"""Sampling helpers shared by our submissions (copied between repos, hence the generality)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import flopscope.numpy as fnp

#: per-sample cost of one layer, in units of width^2 (2 for the matmul, slack for the relu)
LAYER_UNITS = 2.2
DRAW_UNITS = 18          # the normal draw is billed ~16/element in float64, ~8 in float32


def plan_samples(width: int, depth: int, budget: int, share: float, lo: int = 16, hi: int = 512) -> int:
    per_sample = DRAW_UNITS * width + LAYER_UNITS * depth * width * width
    n = int(share * budget / per_sample)
    n = max(lo, min(hi, n))
    return n - n % 4


def chunks(n: int, size: int):
    """Yield (start, stop) pairs covering range(n) in pieces of at most ``size``."""
    start = 0
    while start < n:
        stop = min(n, start + size)
        yield start, stop
        start = stop


@dataclass
class Running:
    """Running first and second moments over sample chunks."""

    total: object = None
    total_sq: object = None
    active: object = None
    count: int = 0

    def add(self, h):
        s = fnp.sum(h, axis=0)
        q = fnp.sum(h * h, axis=(0,))
        a = fnp.sum(h > 0, axis=0)
        if self.total is None:
            self.total, self.total_sq, self.active = s, q, a
        else:
            self.total = self.total + s
            self.total_sq = self.total_sq + q
            self.active = self.active + a
        self.count += h.shape[0]

    @property
    def mean(self):
        return self.total / self.count

    @property
    def var(self):
        m = self.mean
        return fnp.maximum(self.total_sq / self.count - m * m, 0.0)

    def stderr(self) -> float:
        return math.sqrt(float(fnp.max(self.var)) / max(self.count, 1))


class Sampler:
    """Draws standard normal inputs; antithetic pairs when ``n`` is even."""

    def __init__(self, seed: int, antithetic: bool = True):
        self.rng = fnp.random.default_rng(seed)
        self.antithetic = antithetic

    def __call__(self, n: int, width: int):
        if self.antithetic and n % 2 == 0:
            half = self.rng.standard_normal((n // 2, width)).astype(fnp.float32)
            return fnp.concatenate([half, -half])
        return self.rng.standard_normal((n, width)).astype(fnp.float32)
