"""A report that says it is a lower bound (some op unpriced) makes one claim: the run counts at
least its low end. `flopcast verify` calls a run at or above it `above lower bound`, a match that
names where the analyzer said it could not price; a low end above the run is a false claim and
stays a MISMATCH. Its upper end is open, so a run out of budget is above lower bound too."""

from __future__ import annotations

import pytest

from flopcast.model import Charge, Interval, Point, Report, Span, Unpriced
from flopcast.runtime.diff import ABOVE_LOWER_BOUND, INSIDE, MISMATCH, RAISES, compare
from flopcast.runtime.protocol import BUDGET_EXHAUSTED, OK, RunResult
from flopcast.runtime.render import render_text
from flopcast.runtime.verify import verify_point

#: an expert picked by a heap ordered by data, its index taken modulo 1000 (a heap pop alone is one
#: of its items, priced since corpus57; a remainder modulo the depth picks each layer on a path since
#: session 56, tests/test_pick_by_remainder.py): 1000 values are past the 16 a pick is analysed at,
#: so the pick, and the matmul it feeds, are unpriced
HEAP_PICK = """\
import heapq

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        heap = []
        for i, w in enumerate(mlp.weights):
            heapq.heappush(heap, (float(fnp.max(w)), i))
        j = heapq.heappop(heap)[1] % 1000
        g = fnp.sum(mlp.weights[j] @ mlp.weights[0])
        return fnp.zeros((mlp.depth, mlp.width)) + g
"""


@pytest.mark.parametrize("point", (Point(8, 3, 10**7), Point(16, 4, 10**8)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_run_past_a_lower_bound_is_consistent_and_names_the_unpriced_sites(tmp_path, point):
    path = tmp_path / "estimator.py"
    path.write_text(HEAP_PICK)
    result = verify_point(path, point, memory_mib=None)
    assert result.report.lower_bound and result.dynamic_total > result.report.total.hi
    assert result.verdict == ABOVE_LOWER_BOUND and result.matched
    text = render_text(path, [result], seed=0)
    past = result.dynamic_total - result.report.total.hi
    assert f"{past:,} FLOPs past the priced {result.report.total.hi:,}; not priced, as the analyzer reported, at:" in text
    assert "estimator.py:13: list indexing (the index depends on values)" in text
    assert "MISMATCH" not in text


@pytest.mark.parametrize("point", (Point(8, 3, 10**7), Point(16, 4, 10**8)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_run_out_of_budget_at_an_op_a_lower_bound_could_not_price_is_consistent(tmp_path, point):
    # the budget covers the priced range but not the unpriced matmul: the run stops there, at
    # an op the report could not place a raise at (verify called it OVER BUDGET, a failure;
    # expert_gate at 6x1, budget 5,000, stopped so on a path past the 64-path cap)
    path = tmp_path / "estimator.py"
    path.write_text(HEAP_PICK)
    priced = verify_point(path, point, memory_mib=None).report.total.hi
    point = Point(point.width, point.depth, priced + 10)
    result = verify_point(path, point, memory_mib=None)
    assert result.report.lower_bound and not result.report.raises
    assert result.run.status == BUDGET_EXHAUSTED and result.run.error.span.line == 13
    assert result.verdict == ABOVE_LOWER_BOUND and result.matched
    text = render_text(path, [result], seed=0)
    assert "estimator.py:13:" in text.split("the run stopped at ")[1].split("\n")[0]
    assert "matmul would cost" in text and "estimator.py:13: list indexing" in text


#: a rank read from data (the energy of an eigh) sizes each layer's products inside a `try` whose
#: `except Exception` falls back to dearer products: where the budget runs out inside the `try` on
#: some paths, the counts between the explored ranks are not bounded (a lower bound), and the
#: fallback runs out too, at an op the report names as a raise on some paths
RANKED_FALLBACK = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def trunc(ev, kmax):
    e = fnp.flip(fnp.maximum(ev, 0.0))
    c = fnp.cumsum(e) / float(fnp.sum(e))
    return min(int(fnp.argmax(c >= 0.99)) + 1, kmax)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        ws = mlp.weights
        n = ws[0].shape[0]
        k = n // 2
        f = fnp.eye(n)[:, :k]
        m = fnp.ones(n)
        rows = []
        try:
            for w in ws:
                g = w.T @ f
                s = g.T @ g
                ev, u = fnp.linalg.eigh(s)
                r = trunc(ev, k)
                f = g @ u[:, s.shape[0] - r:]
                m = fnp.maximum(m @ w, 0.0)
                rows.append(m)
        except Exception:
            rows = []
            for w in ws:
                m = fnp.maximum(m @ (w.T @ w), 0.0)
                rows.append(m)
        return fnp.stack(rows)
"""


def test_a_run_out_of_budget_at_a_raise_a_lower_bound_names_is_consistent_at_every_explored_rank(tmp_path):
    # whestbench's seed-0 MLP keeps a rank the two ends of the rank's range do not take (its eigh
    # counts 134,478 FLOPs; those ends at most 73,764: verify said MISMATCH once, then "above the
    # lower bound"). The rank (1..16) sizes the products before an `except Exception` that catches
    # the budget running out, so every rank is explored (session 52, test_budget_after_data_sizes):
    # the run's charges stay inside each expression's range and it raises where the report says
    path = tmp_path / "estimator.py"
    path.write_text(RANKED_FALLBACK)
    result = verify_point(path, Point(32, 3, 360_000), memory_mib=None)
    assert result.report.lower_bound and result.report.raises
    assert result.run.status == BUDGET_EXHAUSTED
    assert all(r.dynamic <= r.static.hi for r in result.expressions)
    assert result.verdict == RAISES and result.matched
    assert "MISMATCH" not in render_text(path, [result], seed=0)


PATH = "/sub/estimator.py"
MUL = Span(PATH, 10, 8, 10, 13)
FFT = Span(PATH, 12, 4, 12, 14)
POINT = Point(width=32, depth=2, budget=10**6)


def charge(span, op, flops):
    return Charge(span=span, op=op, flops=flops, dtype="float32", function="Estimator.predict")


def _lower_bound(flops: int) -> Report:
    return Report(PATH, POINT, Interval(flops, flops), charges=[charge(MUL, "multiply", flops)],
                  unpriced=[Unpriced(FFT, "fnp.fft.rfft", "no cost model for fft")])


def test_a_lower_bound_matches_from_its_low_end_up_and_is_a_mismatch_below_it():
    verdicts = {}
    for multiply, fft in ((300, 100), (500, 0), (500, 400), (600, 0)):
        run = RunResult(OK, charges=[charge(MUL, "multiply", multiply), charge(FFT, "fft.rfft", fft)],
                        flops_used=multiply + fft)
        verdicts[multiply + fft] = compare(POINT, _lower_bound(500), run).verdict
    # 400: the low end claimed 500 FLOPs the run never charged, a false claim; 500: every
    # expression as priced, inside (a lower bound is never exact)
    assert verdicts == {400: MISMATCH, 500: INSIDE, 900: ABOVE_LOWER_BOUND, 600: ABOVE_LOWER_BOUND}


def test_every_later_mlp_must_reach_the_lower_bound_too():
    verdicts = []
    for later in (200, 10):
        run = RunResult(OK, charges=[charge(MUL, "multiply", 64), charge(FFT, "fft.rfft", 100)], flops_used=164,
                        later=[(later, later)])
        verdicts.append(compare(POINT, _lower_bound(64), run).verdict)
    assert verdicts == [ABOVE_LOWER_BOUND, MISMATCH]
