"""A test of an integer read from data (``if n:``, ``if n == 0:``, ``if n > 1:``) is answered at the
value the path takes for it, its one site, not at a site of its own (dataints.tested).

Each program counts the leading items of a boolean array that the run answers True for its first
``stop`` items and False after (``fnp.abs(x) >= 0.0`` then ``< 0.0``: always so at run time,
unknown to flopcast), leaving ``n`` in 0..width (first_break.py). A test of ``n`` then picks a cheap
arm that multiplies the ``n`` leading columns, and splits the weights at ``n`` (a product that
costs nothing at 0 or at the width and the most in between), or a dear fallback. The count's site
is analysed at both ends of each stretch of counts where the test answers alike: a run stopping
at the low end of the cheap arm's stretch costs less than every run at the range's ends, so it
is inside the interval only because that end is analysed. Checked against the real flopscope at
two sizes, with the run stopping at the stretch's low end and inside it.
"""

from __future__ import annotations

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        stop = {stop}
        conv = fnp.concatenate([fnp.abs(w[0, :stop]) >= 0.0, fnp.abs(w[0, stop:]) < 0.0])
        n = 0
        for flag in conv:
            if not bool(flag):
                break
            n += 1
        {test}
            extra = fnp.sum(w[:, :n] @ w[:n, :]) + fnp.sum(w[:, :n].T @ w[:, n:])
        else:
            extra = fnp.sum(w @ w @ w)
        return fnp.zeros((mlp.depth, mlp.width)) + extra
"""

#: the test, and the count of leading columns at which the cheap arm's stretch begins
TESTS = {"truth": ("if n:", 1), "equal_to_zero_swapped": ("if not n == 0:", 1), "above_one": ("if n > 1:", 2)}
TEST_LINE = PROGRAM.splitlines().index("        {test}") + 1


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("inside", [False, True], ids=["stops_at_the_stretch_low_end", "stops_inside_it"])
@pytest.mark.parametrize("test", TESTS.values(), ids=TESTS.keys())
def test_a_test_of_a_count_read_from_data_is_answered_by_the_count(tmp_path, test, inside, point):
    text, low_end = test
    stop = point.width // 2 if inside else low_end
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(stop=stop, test=text))
    counted = measure(path, point).total
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert report.total.lo <= counted <= report.total.hi, (counted, report.total)
    lines = {u.span.line for u in report.uncertain}
    assert TEST_LINE not in lines, [(u.span.line, u.reason) for u in report.uncertain]
    assert lines, "the count is still a value-dependent site"

