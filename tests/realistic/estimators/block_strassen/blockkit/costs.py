"""Cost models: plain matmul against Strassen with a leaf size, memoised."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    method: str        # "plain" | "strassen"
    leaf: int
    cost: int


@functools.lru_cache(maxsize=None)
def plain_cost(n: int) -> int:
    return 2 * n ** 3


@functools.lru_cache(maxsize=None)
def strassen_cost(n: int, leaf: int) -> int:
    """FLOPs of one n x n product by Strassen down to ``leaf`` (odd sizes pad by one)."""
    if n <= leaf:
        return plain_cost(n)
    m = n + (n & 1)
    h = m // 2
    return 7 * strassen_cost(h, leaf) + 18 * h * h


@functools.lru_cache(maxsize=64)
def choose_product(n: int, leaves: tuple = (4, 8, 16)) -> Choice:
    best = Choice("plain", n, plain_cost(n))
    for leaf in leaves:
        if leaf >= n:
            continue
        if (c := strassen_cost(n, leaf)) < best.cost:
            best = Choice("strassen", leaf, c)
    return best
