"""A planner written by someone who knows Python better than numerics ("idiom_planner").

Every size comes from the budget and the shapes through ordinary Python: a registry kept in a
``defaultdict`` seeded with defaults, a chunker that uses ``itertools.batched`` where the Python
has it and slices otherwise, a memo of Gram products behind ``functools.lru_cache(maxsize=2)``
(the eviction order decides what is recomputed), a work queue appended to while it is iterated
(recursive halving of the width into tiles), a heap of tiles refined largest first, a
``try/finally`` whose ``break`` swallows a ValueError, a ``while ... else``, arithmetic errors
caught into defaults (ZeroDivisionError, OverflowError, ValueError), a history kept in a mutable
default argument (it grows across MLPs), and a per-sample cost measured by reading the meter on
the first call and kept for the later ones, with a warm-started basis.

No branch reads array values: the count is exact, call by call.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from collections import OrderedDict, defaultdict

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

TILE_FLOOR = 2
REFINE_STEPS = 5


# ----------------------------------------------------------------------------- registry


def default_registry(width: int) -> defaultdict:
    """Stages per kind; the defaults are passed in as a mapping, the rest appended."""
    reg = defaultdict(list, {"warm": ["gram"], "cold": ["tiles", "gram"]}, spare=["norms"])
    if width > 4:
        reg["wide"].append("tiles")
    return reg


def chunks(seq: list, n: int) -> list:
    if hasattr(itertools, "batched"):
        return [list(c) for c in itertools.batched(seq, n)]
    return [seq[i:i + n] for i in range(0, len(seq), n)]


def history(width: int, seen=[]) -> int:  # noqa: B006  (the history is meant to persist)
    seen.append(width)
    return len(seen)


# ----------------------------------------------------------------------------- cost model


def tiles(n: int, floor: int = TILE_FLOOR) -> list[int]:
    """Halve [0, n) until every piece is at most ``floor`` wide (a queue grown while iterated)."""
    queue = [(0, n)]
    out = []
    for lo, hi in queue:
        if hi - lo > floor:
            mid = (lo + hi) // 2
            queue.append((lo, mid))
            queue.append((mid, hi))
        else:
            out.append(hi - lo)
    return out


def refine_order(width: int, steps: int) -> list[int]:
    """Sizes popped largest first from a heap of halves."""
    heap = [(-width, 0)]
    out = []
    for _ in range(steps):
        neg, tag = heapq.heappop(heap)
        size = -neg
        out.append(size)
        if size > 1:
            heapq.heappush(heap, (-(size // 2), 2 * tag + 1))
            heapq.heappush(heap, (-(size - size // 2), 2 * tag + 2))
    return out


def first_bad(n: int) -> int:
    """The index a check fails at, found by a loop whose finally breaks out of the raise."""
    for i in range(n):
        try:
            if i == 2:
                raise ValueError("stage 2 rejected")
        finally:
            if i == 2:
                break
    else:
        return n
    return i


def stride(n: int) -> int:
    k = 0
    while k < n:
        k += 3
        if k == 7:
            break
    else:
        k += 1
    return k


def safe_ratio(a: int, b: int) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        return 2.0


def growth(budget: int) -> int:
    try:
        g = math.exp(budget / 100.0)
    except OverflowError:
        return 3
    return int(g) % 5 + 1


def log_floor(x: float) -> int:
    try:
        return int(math.log(x))
    except ValueError:
        return 4


@functools.lru_cache(maxsize=2)
def gram_size(n: int) -> int:
    g = fnp.ones((n, n)) @ fnp.ones((n, n))
    return int(g.shape[0])


# ----------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    calls = 0

    def __init__(self) -> None:
        self.per_sample = None
        self.basis = None
        self.memo = OrderedDict()

    def remembered(self, key: int, make):
        """A two-slot LRU of our own (OrderedDict.move_to_end / popitem(last=False))."""
        if key in self.memo:
            self.memo.move_to_end(key)
            return self.memo[key]
        made = make()
        self.memo[key] = made
        if len(self.memo) > 2:
            self.memo.popitem(last=False)
        return made

    def sample_pass(self, mlp: MLP, z):
        for w in mlp.weights:
            z = fnp.maximum(z @ w, 0.0)
        return z

    def bookkeeping(self, width: int, budget: int) -> None:
        """Sizes from the Python above, each charged as a small reduction."""
        reg = default_registry(width)
        stages = sum(len(v) for v in reg.values()) + len(reg)
        fnp.sum(fnp.ones(stages))
        fnp.sum(fnp.ones(history(width) + 1))
        fnp.sum(fnp.ones(type(self).calls + 1))
        for n in (2, 3, 2, 4, 3, 2, width):
            gram_size(n)
        for n in (5, 6, 5, 7, 6, 5):
            self.remembered(n, lambda n=n: fnp.ones((n, n)) @ fnp.ones(n))
        for piece in tiles(3 * width + 1):
            fnp.sum(fnp.ones(piece + 1))
        for size in refine_order(width, REFINE_STEPS):
            fnp.sum(fnp.ones(size + 1))
        fnp.sum(fnp.ones(first_bad(width + 3) + stride(width) + 1))
        fnp.sum(fnp.ones(int(safe_ratio(width, width - width)) + growth(budget) + log_floor(0.0)))

    def predict(self, mlp: MLP, budget: int):
        width = mlp.width
        type(self).calls += 1
        self.bookkeeping(width, budget)
        rng = np.random.default_rng(mlp.seed)
        if self.per_sample is None:
            before = flops.current_budget().flops_remaining
            self.sample_pass(mlp, fnp.asarray(rng.standard_normal((1, width))))
            self.per_sample = before - flops.current_budget().flops_remaining
        reserve = 4 * width * width * (2 if self.basis is None else 1) + 64 * width
        left = flops.current_budget().flops_remaining
        n = min(64, max(1, (left - reserve) // (4 * self.per_sample)))
        z = fnp.asarray(rng.standard_normal((n, width)))
        rows = []
        for group in chunks(list(mlp.weights), 2):
            for w in group:
                z = fnp.maximum(z @ w, 0.0)
                rows.append(fnp.mean(z, axis=0))
        g = z.T @ z / n
        q = self.basis
        if q is None:
            q, _ = fnp.linalg.qr(fnp.asarray(rng.standard_normal((width, 2))))
        for _ in range(2):
            q, _ = fnp.linalg.qr(g @ q)
        self.basis = q
        return fnp.stack(rows)
