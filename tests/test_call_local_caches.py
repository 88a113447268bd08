"""An ``lru_cache`` table made inside a call of ``predict`` is part of the state later calls can
read only while something they can read holds its function (analyzer/carried.py).

A recursive cost model memoised by a closure made at each call (the corpus's expert_gate
knapsack) leaves a table no later call can look up: the calls settle at once and each is exact.
A class made inside a call whose instance is kept on ``self`` holds its cached method, though
only the instance names the class: a later call that adds an entry to that table changes what
the next one costs.

Each estimator runs for real on one instance for several MLPs, as whestbench runs it, at two sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure_calls

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 10**6), Point(16, 3, 10**6))
CALLS = 3

CLOSURE_PLANNER = """
import functools

import flopscope.numpy as fnp
from whestbench import BaseEstimator


def knapsack(costs, room):
    @functools.lru_cache(maxsize=None)
    def go(i, left):
        if i == len(costs):
            return 0
        skip = go(i + 1, left)
        if costs[i] > left:
            return skip
        return max(skip, 1 + go(i + 1, left - costs[i]))

    return go(0, room)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        out = fnp.zeros((mlp.depth, mlp.width))
        for _ in range(knapsack((mlp.width, 2 * mlp.width, 3 * mlp.width), 4 * mlp.width)):
            out = out + fnp.sum(w @ w, axis=0)
        return out
"""

LOCAL_CLASS_KEPT = """
import functools

import flopscope.numpy as fnp
from whestbench import BaseEstimator


def make_helper(w):
    class Helper:
        @functools.lru_cache(maxsize=None)
        def gram(self, n):
            return fnp.sum(w.T @ w, axis=0) * n

    return Helper()


class Estimator(BaseEstimator):
    helper = None

    def predict(self, mlp, budget):
        if self.helper is None:
            self.helper = make_helper(mlp.weights[0])
            return fnp.zeros((mlp.depth, mlp.width)) + self.helper.gram(1)
        return fnp.zeros((mlp.depth, mlp.width)) + self.helper.gram(2)
"""


def _per_call_exact(path: Path, point: Point) -> list:
    report = analyze(path, point, formula=False)
    real = [m.total for m in measure_calls(path, point, CALLS)]
    said = [report.per_call[min(i, len(report.per_call) - 1)] for i in range(CALLS)] if report.per_call \
        else [report.total] * CALLS
    assert not report.lower_bound and all(i.exact for i in said), f"not exact at {point}: {said}"
    assert [i.lo for i in said] == real, f"at {point}: {[i.lo for i in said]} != {real}"
    return real


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_cache_made_and_dropped_in_each_call_leaves_every_call_exact(tmp_path, point):
    path = tmp_path / "estimator.py"
    path.write_text(CLOSURE_PLANNER)
    real = _per_call_exact(path, point)
    assert len(set(real)) == 1


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_cached_method_of_a_class_made_in_a_call_and_kept_is_hit_by_later_calls(tmp_path, point):
    path = tmp_path / "estimator.py"
    path.write_text(LOCAL_CLASS_KEPT)
    # the second call fills gram(2), which the third finds
    first, second, third = _per_call_exact(path, point)
    assert second == first > third
