"""A first call of ``predict`` that flopcast does not price to its end leaves a state it does not
know: an ``lru_cache`` table, a matrix kept on ``self``, filled before (or after) the op it cannot
price, makes every later MLP cheaper than the first call's lower bound. The report then claims
nothing of the later calls ("later calls" unpriced), where it used to claim the first call's
lower bound for each (interpreter core / later_calls._later_calls_unfollowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer.api import analyze
from flopcast.model import Point
from oracle import first_call, measure_calls, write_program

#: the cached basis is the first call's bulk; the endless generator taken by next() is not priced
CACHED_THEN_UNPRICED = """\
    import functools
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    @functools.lru_cache(maxsize=None)
    def basis(n):
        q = fnp.ones((n, n)) / n
        return q @ q


    def running():
        total = None
        while True:
            x = yield total
            total = x if total is None else total + x


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            basis(mlp.width)
            acc = running()
            next(acc)
            return fnp.stack([acc.send(fnp.ones(mlp.width))] * mlp.depth)
    """


#: the basis is kept on self after the stop: the state at the stop is the one the call found
KEPT_AFTER_THE_STOP = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def running():
        total = None
        while True:
            x = yield total
            total = x if total is None else total + x


    class Estimator(BaseEstimator):
        kept = None

        def predict(self, mlp, budget):
            if self.kept is None:
                q = fnp.ones((mlp.width, mlp.width)) / mlp.width
                basis = q @ q
            else:
                basis = self.kept
            acc = running()
            next(acc)
            self.kept = basis
            return fnp.stack([acc.send(fnp.ones(mlp.width))] * mlp.depth)
    """


@pytest.mark.parametrize("program", [CACHED_THEN_UNPRICED, KEPT_AFTER_THE_STOP], ids=["cached", "kept_after"])
def test_later_calls_after_an_unpriced_first_call_claim_nothing(tmp_path: Path, program: str) -> None:
    point = Point(4, 2, 10**5)
    path = write_program(tmp_path, program)
    report = analyze(path, point)
    first, second = (m.total for m in measure_calls(path, point, 2))
    assert report.lower_bound and first_call(report).lo <= first
    assert second < first_call(report).lo, "the fixture no longer shows a later call below the first's bound"
    assert not report.per_call_settled
    assert any(u.what == "later calls" for u in report.unpriced)


#: the state is written after a loop flopcast cannot bound (the path ends there), by a write that
#: names no attribute or item of its own: the scan (analyzer/may_carry.py) must see it
WRITTEN_SIDEWAYS_AFTER_THE_STOP = """\
    import heapq
    import operator
    import os
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    MARK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "marker")


    def ticks():
        while True:
            yield 1


    class Estimator(BaseEstimator):
        def __init__(self, kept=None):
            self.kept = kept
            self.log = []

        def predict(self, mlp, budget):
            log = self.log
            if {unset}:
                q = fnp.ones((mlp.width, mlp.width)) / mlp.width
                q = q @ q @ q
            mu = fnp.abs(mlp.weights[0][0]) + 1.0
            for _ in ticks():
                mu = mu * 0.5
                if float(fnp.max(mu)) < 1e-3:
                    break
            out = fnp.stack([mu] * mlp.depth)
            {write}
            return out
    """


@pytest.mark.parametrize("unset, write", [
    ("not log", "log += [1]"),
    ("not log", "operator.setitem(self.log, slice(0, 0), [1])"),
    ("self.kept is None", "self.__init__(1)"),
    ("not log", "heapq.heappush(self.log, 1)"),
    ("not os.path.exists(MARK)", "open(MARK, 'w').close()"),
], ids=["augmented_alias", "operator_setitem", "init_again", "heappush", "file"])
def test_a_write_by_another_route_after_the_stop_leaves_later_calls_unfollowed(
        tmp_path: Path, unset: str, write: str) -> None:
    point = Point(4, 2, 10**5)
    path = write_program(tmp_path, WRITTEN_SIDEWAYS_AFTER_THE_STOP, unset=unset, write=write)
    report = analyze(path, point)
    first, second = (m.total for m in measure_calls(path, point, 2))
    assert report.lower_bound and first_call(report).lo <= first
    assert second < first_call(report).lo, "the fixture no longer shows a later call below the first's bound"
    assert any(u.what == "later calls" for u in report.unpriced)
