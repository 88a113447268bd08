"""Budget planners: from the per-layer cost of each stage, one stage name per layer."""

from __future__ import annotations

import functools
import itertools

from registry import planner

ORDER = ("full", "lowrank", "diag", "mean")


def _affordable(costs: dict, per_layer: int) -> list[str]:
    return sorted((k for k in ORDER if costs[k] <= per_layer), key=lambda k: -costs[k])


@planner("uniform")
def uniform(costs: dict, depth: int, budget: int) -> list[str]:
    fits = _affordable(costs, budget // max(depth, 1))
    return [fits[0] if fits else "mean"] * depth


@planner("greedy")
def greedy(costs: dict, depth: int, budget: int) -> list[str]:
    """The richest stage for the first layers, then whatever is left allows; every layer
    keeps at least the cheapest stage's cost in hand for the layers after it."""
    cheapest = min(costs.values())
    plan: list[str] = []
    left = budget
    for i in range(depth):
        keep = cheapest * (depth - i - 1)
        pick = next((k for k in ORDER if costs[k] <= left - keep), "mean")
        plan.append(pick)
        left -= costs[pick]
    # a richer stage never follows a poorer one: the covariance it needs is gone
    rank = {k: r for r, k in enumerate(ORDER)}
    plan = list(itertools.accumulate(plan, lambda a, b: b if rank[b] >= rank[a] else a))
    return plan


@functools.lru_cache(maxsize=None)
def spent(costs_key: tuple, plan_key: tuple) -> int:
    costs = dict(costs_key)
    return functools.reduce(lambda acc, k: acc + costs[k], plan_key, 0)
