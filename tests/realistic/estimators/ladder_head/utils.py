"""Budget arithmetic: how many layers carry a covariance, how many refinement sweeps fit."""
from __future__ import annotations

import math

COV_FACTOR = 4
MEAN_FACTOR = 4


def mean_cost(width: int) -> int:
    return MEAN_FACTOR * width * width + 60 * width


def cov_cost(width: int) -> int:
    return COV_FACTOR * width ** 3 + 3 * width * width


def factor_cost(width: int) -> int:
    # cholesky + two triangular solves, padded towards eigh's price: the fallback must fit too
    return width ** 3 + 2 * width * width


def plan_layers(width: int, depth: int, budget: int) -> tuple[int, int]:
    """(layers with covariance, refinement sweeps) that fit in half the budget (the moments, the
    head and the checks cost about as much again)."""
    room = 0.5 * budget - depth * mean_cost(width)
    if room <= 0:
        return 0, 0
    cov_layers = min(depth, max(0, int(room // cov_cost(width))))
    room -= cov_layers * cov_cost(width)
    sweeps = 0
    if room > factor_cost(width):
        sweeps = int(math.floor(math.log2(room / factor_cost(width))))
        sweeps = max(1, min(sweeps, 5))
    return cov_layers, sweeps


def clamp_keep(width: int, frac: float) -> int:
    return max(2, min(width, int(math.ceil(frac * width))))
