"""Cost arithmetic and small helpers shared by the models (no fnp calls here: the planner
must be free)."""

from __future__ import annotations

import math
from dataclasses import dataclass


def clamp(x: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, x))


def moment_cost(width: int) -> int:
    """One layer of diagonal moments: two matvecs, the squared weights, the rectified
    Gaussian formulas (norm.cdf/pdf are ~ a dozen FLOPs a unit)."""
    return 10 * width * width + 80 * width


def gram_cost(width: int, k: int) -> int:
    """The cross term of k active units: a (w, k) slice, its Gram and a Cholesky."""
    return 2 * width * k * k + 2 * width * k + k ** 3 + 10 * k * k


def head_cost(width: int, n_features: int, hidden: int) -> int:
    return 2 * width * n_features * hidden + 2 * width * hidden + 12 * width * n_features


def sample_cost(width: int, depth: int, n: int) -> int:
    # the draws themselves are charged too (flopscope prices a normal draw like a few ops)
    return n * depth * (4 * width * width + 6 * width) + 40 * n * width  # float64 is billed double


@dataclass(frozen=True)
class Share:
    """A slice of the budget with a name, for the log."""

    name: str
    flops: int

    def fits(self, budget: int, used: int) -> bool:
        return used + self.flops <= budget

    def __str__(self) -> str:
        return f"{self.name}:{self.flops:.3g}" if self.flops > 1e6 else f"{self.name}:{self.flops}"


def chunks(n: int, size: int):
    """Sizes of the chunks n samples are drawn in: full chunks, then the rest."""
    full, rest = divmod(n, size)
    for _ in range(full):
        yield size
    if rest:
        yield rest


def std_error(m2_max: float, n: int) -> float:
    if n < 2:
        return math.inf
    return math.sqrt(m2_max / (n - 1) / n)
