"""A call counter used only as a seed (``fnp.random.default_rng(1000 * CALLS + 7)``) steers the values
drawn, never a cost: the calls settle and every MLP's count is exact. The seed's refusal check
(numpy refuses a negative seed) read the counter's value, which counted as the counter steering
the work: the later calls were never followed and the total was a lower bound (corpus
knapsack_gather's module-level ``_CALLS``). The check is now made by comparisons the watch records
(ops/random.py ``_accepted_counter``): a counter that would turn negative (``5 - CALLS``) still
leaves the calls past the fourth unfollowed.
"""

from __future__ import annotations

import pytest
from oracle import measure_calls, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """
import flopscope.numpy as fnp
from whestbench import BaseEstimator

CALLS = 0


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        global CALLS
        CALLS += 1
        rng = fnp.random.default_rng({seed})
        x = rng.standard_normal((4, mlp.width))
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
"""

POINTS = (Point(8, 2, 10**6), Point(16, 3, 10**6))


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_call_counter_used_as_a_seed_leaves_every_call_exact(tmp_path, point):
    path = write_program(tmp_path, PROGRAM, seed="1000 * CALLS + 7")
    report = analyze(path, point)
    assert not report.unpriced and report.total.exact, ([(u.what, u.reason) for u in report.unpriced], report.total)
    assert {m.total for m in measure_calls(path, point, 3)} == {report.total.lo}

