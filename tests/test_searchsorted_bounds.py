"""searchsorted's insertion points lie in [0, len(a)] whatever the values (NaN sorts last).

``fnp.bincount(fnp.searchsorted(edges, z), minlength=len(edges) + 1)`` (a histogram of z over
fixed bucket edges) then has a known length: minlength covers every insertion point, so the
counts' shape, and the work on them, does not depend on z. Without the bound flopcast left
the bincount unpriced (its length "depends on the largest value of x").
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, assert_interval_holds_run, measure, pinned_run, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            edges = fnp.linspace(-1.0, 1.0, 7)
            z = fnp.sum(mlp.weights[0], axis=0)
            counts = fnp.bincount(fnp.searchsorted(edges, z), minlength=edges.shape[0] + 1)
            share = counts / z.shape[0]
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(share * share)
    """


def test_bincount_of_insertion_points_has_a_known_length(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM))
    for point in (Point(16, 2, 2**41), Point(32, 3, 2**41)):
        report = analyze(path, point)
        assert not report.unpriced and not report.uncertain, (report.unpriced, report.uncertain)
        assert_exact_match(report, measure(path, point))


RANK_PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            s = fnp.sqrt(fnp.sum(w * w, axis=0))
            cum = fnp.cumsum(s * s)
            k = {rank}
            acc = fnp.zeros(mlp.width)
            for _ in range(k):
                acc = acc + s * (acc @ w)
            return fnp.zeros((mlp.depth, mlp.width)) + acc
    """

RANKS = {"searchsorted": "int(fnp.searchsorted(cum, 0.9 * cum[-1])) + 1",
         "digitize": "int(fnp.digitize(0.5 * cum[-1], cum))"}


@pytest.mark.parametrize("point", (Point(8, 2, 2**41), Point(16, 3, 2**41)), ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("rank", RANKS.values(), ids=RANKS.keys())
def test_one_needles_insertion_point_is_a_bounded_count(tmp_path, rank, point):
    assert_interval_holds_run(write_program(tmp_path, RANK_PROGRAM, rank=rank), point)


ONE_NEEDLE = """
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        cum = fnp.cumsum(fnp.sort(fnp.sum(w * w, axis=0)))
        k = int(fnp.searchsorted(cum, 0.5 * cum[-1]))
        {pin}
        x = fnp.ones(mlp.width)
        for _ in range(k):
            x = fnp.tanh(x @ w)
        return fnp.zeros((mlp.depth, mlp.width)) + x
"""


@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_loop_counted_by_one_insertion_point_is_priced_at_zero_and_at_the_haystacks_length(tmp_path, point):
    path = tmp_path / "estimator.py"
    path.write_text(ONE_NEEDLE.replace("{pin}", "pass"))
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert (report.total.lo, report.total.hi) == (_pinned(tmp_path, 0, point), _pinned(tmp_path, point.width, point))
    assert report.total.contains(measure(path, point).total)


def _pinned(tmp_path, k: int, point: Point) -> int:
    """The run's count where the insertion point is ``k``."""
    return pinned_run(tmp_path, ONE_NEEDLE, "{pin}", f"k = {k}", point)
