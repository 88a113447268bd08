"""Recursive cost model for Strassen with a fixed number of levels."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    total: int
    mc_share: float = 0.25
    summary_share: float = 0.2
    min_samples: int = 16
    max_samples: int = 1024

    @property
    def mc(self) -> float:
        return self.mc_share * self.total

    @property
    def summary(self) -> float:
        return self.summary_share * self.total


@functools.lru_cache(maxsize=None)
def product_cost(n: int, levels: int) -> int:
    """FLOPs of an n x n product with ``levels`` Strassen levels (plain below)."""
    if levels == 0 or n % 2 or n < 4:
        return 2 * n ** 3
    h = n // 2
    return 7 * product_cost(h, levels - 1) + 18 * h * h


@functools.lru_cache(maxsize=None)
def best_levels(n: int, cap: int) -> int:
    costs = [(product_cost(n, k), k) for k in range(cap + 1)]
    return min(costs)[1]
