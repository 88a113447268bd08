"""The hand-written cost model: FLOPs of each product engine, memoised."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    leaf: int = 8
    rank_share: float = 0.25
    threshold: float = 0.05
    min_samples: int = 16
    max_samples: int = 512
    reserve: float = 0.35


@functools.lru_cache(maxsize=None)
def strassen_cost(n: int, leaf: int) -> int:
    if n <= leaf or n % 2:
        return 2 * n ** 3
    h = n // 2
    return 7 * strassen_cost(h, leaf) + 18 * h * h


@functools.lru_cache(maxsize=None)
def blocked_cost(n: int, block: int) -> int:
    full, rest = divmod(n, block)
    return 2 * n * n * (full * block + rest)


@functools.lru_cache(maxsize=None)
def sketch_cost(n: int, rank: int) -> int:
    # x @ omega, qr, q.T @ a, q @ small
    return 2 * n * n * rank + 4 * n * rank * rank + 2 * n * n * rank + 2 * n * n * rank


def engine_cost(kind: str, n: int, cfg: Config) -> int:
    if kind == "strassen":
        return strassen_cost(n, cfg.leaf)
    if kind == "blocked":
        return blocked_cost(n, max(cfg.leaf, n // 4))
    if kind == "sketch":
        return sketch_cost(n, max(2, int(cfg.rank_share * n)))
    return 2 * n ** 3


def choose_engine(n: int, depth: int, budget: int, cfg: Config) -> str:
    """Cheapest engine whose two products per layer fit in the budget's reserve."""
    kinds = ("plain", "blocked", "strassen", "sketch")
    costs = {k: engine_cost(k, n, cfg) for k in kinds}
    room = cfg.reserve * budget
    fits = [k for k in kinds if 2 * depth * costs[k] <= room]
    if not fits:
        return "none"
    # the sketch is lossy: only when nothing exact fits
    exact = [k for k in fits if k != "sketch"]
    return min(exact or fits, key=lambda k: (costs[k], k))


def sample_count(width: int, depth: int, budget: int, cfg: Config, fitted: int) -> int:
    per = 2 * width * width * depth + 4 * width * depth
    n = int(0.1 * budget / max(per, 1))
    n = max(cfg.min_samples, min(cfg.max_samples, n))
    # round to the head's fitted count when close
    if abs(n - fitted) < fitted // 4:
        n = fitted
    return n
