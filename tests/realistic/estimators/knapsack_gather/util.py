"""Helpers of knapsack_gather: integer tricks, a memoised knapsack, a heap of refinements.

Nothing here touches the network's values: costs are plain ints, choices plain tuples.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from itertools import accumulate, product


def ceil_pow2(n: int) -> int:
    """Smallest power of two >= n (n >= 1), by bit_length."""
    return 1 << (n - 1).bit_length()


def floor_log2(n: int) -> int:
    return max(n.bit_length() - 1, 0)


def popcount(n: int) -> int:
    return bin(n).count("1")


def knapsack(items: list, capacity: int, unit: int) -> tuple:
    """0/1 knapsack over (name, cost, value) in units of `unit` FLOPs, memoised in a dict.

    Returns (best value, chosen names in item order).  The capacity is coarsened by the unit
    so the table stays small whatever the budget.
    """
    cap = capacity // unit
    weights = [-(-cost // unit) for _, cost, _ in items]   # ceil division
    memo: dict = {}

    def best(i: int, room: int) -> tuple:
        if i == len(items) or room <= 0:
            return 0.0, ()
        key = (i, room)
        if key in memo:
            return memo[key]
        skip = best(i + 1, room)
        take = (-1.0, ())
        if weights[i] <= room:
            val, chosen = best(i + 1, room - weights[i])
            take = (val + items[i][2], (items[i][0],) + chosen)
        memo[key] = max(skip, take)
        return memo[key]

    return best(0, cap)


def schedule(layers: int, chosen: tuple, width: int) -> list:
    """Which layer gets which refinement: a heap by (expected gain, layer), popped greedily.

    A refinement's gain halves every time it is given again (divmod gives the round and slot).
    """
    heap = []
    for layer, name in product(range(layers), chosen):
        gain = (layer + 1) * (3 if name == "gather" else 2)
        heapq.heappush(heap, (-gain, layer, name))
    per_layer: dict = {}
    used = Counter()
    queue = deque()
    while heap:
        neg_gain, layer, name = heapq.heappop(heap)
        rnd, slot = divmod(used[name], max(layers // 2, 1))
        if rnd > 0 and slot == 0:
            continue
        used[name] += 1
        per_layer.setdefault(layer, []).append(name)
        queue.append((layer, name, -neg_gain >> rnd))
    return [tuple(sorted(per_layer.get(i, ()))) for i in range(layers)]


def prefix_caps(costs: list) -> list:
    """Running totals of the plan's costs (for the log)."""
    return list(accumulate(costs))


def chunk_bounds(n: int, k: int) -> list:
    """k near-equal chunks of range(n) by divmod, as (start, stop) pairs."""
    q, r = divmod(n, k)
    bounds, start = [], 0
    for i in range(k):
        stop = start + q + (1 if i < r else 0)
        if stop > start:
            bounds.append((start, stop))
        start = stop
    return bounds
