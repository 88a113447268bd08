"""Budget arithmetic: a recursive cost model of the blocked covariance pass and a bisection
over sample counts. Everything here is plain Python on ints (no flopscope calls)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache, reduce


def clamp(x, lo, hi):
    return min(max(x, lo), hi)


@dataclass
class Budget:
    total: int
    reserve_frac: float = 0.45
    spent: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a budget below 1 is treated as 1 so the log2 planner stays defined
        self.total = max(int(self.total), 1)
        self.reserve = int(self.total * self.reserve_frac)

    @property
    def usable(self) -> int:
        return self.total - self.reserve - sum(self.spent.values())

    @property
    def level(self) -> int:
        return int(math.log2(self.total))

    def charge(self, what: str, amount: int) -> None:
        self.spent[what] = self.spent.get(what, 0) + int(amount)


class CostModel:
    """Hand-written FLOP model. ``block_cost`` recurses: a square block of side n is split in
    halves (divmod) until the side is at most ``leaf``."""

    def __init__(self, leaf: int = 8) -> None:
        self.leaf = leaf

    @lru_cache(maxsize=None)
    def block_cost(self, n: int) -> int:
        if n <= self.leaf:
            return 2 * n * n * n
        half, rest = divmod(n, 2)
        # two halves and a cross term; the odd row is a rank-one update
        return 2 * self.block_cost(half) + self.block_cost(half + rest) + 2 * n * n * rest + n * n

    def moment_layer(self, width: int, full: bool) -> int:
        if full:
            # two dense products (the block model is the blocked one's floor) and the gain
            return max(4 * width ** 3, 2 * self.block_cost(width)) + 48 * width * width
        return 4 * width * width + 10 * width

    def sample_cost(self, width: int, depth: int, n: int) -> int:
        # draw + root, each layer's forward pass, the centring and the batched Gram matrices
        per = [2 * n * width * width + 4 * n * width for _ in range(depth + 2)]
        return reduce(lambda a, b: a + b, per, 16 * n * width) + 24 * width ** 3

    def plan_cost(self, width: int, depth: int, full_layers: int, n: int) -> int:
        layers = [self.moment_layer(width, i < full_layers) for i in range(depth)]
        return sum(layers) + self.sample_cost(width, depth, n)


def bisect_samples(model: CostModel, width: int, depth: int, full_layers: int, room: int,
                   cap: int = 1 << 12) -> int:
    """Largest n in [0, cap] whose plan fits ``room`` (bisection; the model is monotone in n)."""
    lo, hi = 0, cap
    if model.plan_cost(width, depth, full_layers, 0) > room:
        return -1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if model.plan_cost(width, depth, full_layers, mid) <= room:
            lo = mid
        else:
            hi = mid - 1
    return lo
