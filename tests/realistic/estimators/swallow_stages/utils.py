"""Shared helpers of the stage pipeline. Only what __all__ lists leaves with a star import."""
import math

import flopscope.numpy as fnp

__all__ = ["StageError", "Degenerate", "Overspend", "plan_rows", "relu_moments", "SQRT_2PI"]

SQRT_2PI = math.sqrt(2 * math.pi)


class StageError(Exception):
    """Anything a stage gives up on."""


class Degenerate(StageError):
    """A stage whose input has no spread left to work with."""


class Overspend(StageError):
    """A stage that would not fit what the plan left it."""


def plan_rows(width: int, depth: int, budget: int, share: float) -> int:
    per_row = 2 * width * width * depth + 4 * width * depth
    rows = int(math.floor(budget * share / per_row))
    if rows < 2:
        return 0
    return 1 << min(int(math.log2(rows)), 7)


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z ** 3)))
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0)


def _legacy_moments(mu, var):
    # kept for old notebooks; __all__ leaves it out, so the estimator's fallback runs
    return mu * 0.5, var * 0.25
