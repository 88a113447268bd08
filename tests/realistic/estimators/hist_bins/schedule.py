"""The stage plan: frozen stage records matched by class in predict(), picked by a heap of
cost per unit of benefit until the budget share is spent, cached per (width, depth, budget)."""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

BIN_CHOICES = (8, 32)
EXTRA_BINS = [16]  # tried later, kept in order by heapq.merge
SAMPLE_FLOOR, SAMPLE_CEIL = 16, 1024
KEEP_CEIL = 12


@dataclass(frozen=True)
class MeanField:
    floor: float = 1e-12


@dataclass(frozen=True)
class Histogram:
    bins: int
    samples: int


@dataclass(frozen=True)
class Subsample:
    keep: int
    samples: int


@dataclass(frozen=True)
class Smooth:
    weight: float


@dataclass
class Plan:
    width: int
    depth: int
    budget: int
    stages: list = field(default_factory=list)
    spent: int = 0
    sizes: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the sizes every stage's cost is written in: set once from the width
        half = max(2, self.width // 2)
        self.sizes = {"w2": self.width * self.width, "half": half, "keep": min(KEEP_CEIL, half),
                      "log_w": max(1, math.ceil(math.log2(self.width)))}

    @property
    def left(self) -> int:
        return self.budget - self.spent

    def add(self, stage, cost: int) -> bool:
        if cost > self.left:
            return False
        self.stages.append(stage)
        self.spent += cost
        return True


def samples_for(share: float, per_sample: int) -> int:
    """A power of two of samples the share pays for, clamped."""
    raw = share / max(per_sample, 1)
    if raw < SAMPLE_FLOOR:
        return 0
    n = 2 ** math.floor(math.log2(raw))
    return int(min(SAMPLE_CEIL, max(SAMPLE_FLOOR, n)))


def mean_field_cost(w: int, d: int) -> int:
    return d * (4 * w * w + 40 * w)


def histogram_cost(w: int, d: int, bins: int, n: int, keep: int) -> int:
    return d * (2 * n * w * w + 2 * n * w) + d * keep * (6 * n + 8 * bins)


def subsample_cost(w: int, d: int, keep: int, n: int) -> int:
    return d * (2 * n * w * w + 2 * n * w + 8 * w) + 2 * n * w


class Planner:
    _cache: dict = {}

    def __init__(self, share: float = 0.6) -> None:
        self.share = share

    def plan(self, width: int, depth: int, budget: int) -> Plan:
        key = (width, depth, budget, self.share)
        if key in Planner._cache:
            return Planner._cache[key]
        plan = Plan(width, depth, budget)
        if not plan.add(MeanField(), mean_field_cost(width, depth)):
            Planner._cache[key] = plan
            return plan
        keep = plan.sizes["keep"]
        room = self.share * plan.left
        heap: list = []
        order = itertools.count()
        for bins in heapq.merge(BIN_CHOICES, EXTRA_BINS):
            n = samples_for(room / 2, histogram_cost(width, depth, bins, 1, keep))
            if n:
                cost = histogram_cost(width, depth, bins, n, keep)
                heapq.heappush(heap, (cost / (bins * n), next(order), Histogram(bins, n), cost))
        n = samples_for(room / 2, subsample_cost(width, depth, keep, 1))
        if n:
            cost = subsample_cost(width, depth, keep, n)
            heapq.heappush(heap, (cost / (keep * n), next(order), Subsample(keep, n), cost))
        taken = {"MeanField"}
        while heap:
            _, _, stage, cost = heapq.heappop(heap)
            if type(stage).__name__ in taken:
                continue
            if plan.add(stage, cost):
                taken.add(type(stage).__name__)
        if len(plan.stages) > 1:
            weight = float(np.clip(1.0 / len(plan.stages), 0.2, 0.5))
            plan.stages.append(Smooth(weight))
        Planner._cache[key] = plan
        return plan
