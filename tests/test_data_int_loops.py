"""A loop that shrinks an integer read from data ends where the integer's range settles its
test, instead of running to the iteration cap.

``k = min(max(int(searchsorted(...)) + 1, 2), width)`` is an integer read from data with a
range; ``while k > 2 and 2.0 * k**3 > 600: k = max(2, k * 3 // 4)`` (a participant's clamp
of a block size) took the loop test as one value-dependent answer every time through, so the
loop ran on: 2 minutes at 8x2 and not finished (each step also copied a growing chain of
arithmetic). Now a chain that gives both ends of the range one value is that value, and a
comparison every value of the range answers alike is answered. The analysis ends in seconds
with an interval that holds the run's count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            energy = fnp.cumsum(fnp.sort(fnp.sum(w * w, axis=0)))
            k = min(max(int(fnp.searchsorted(energy, 0.5 * float(energy[-1]))) + 1, 2), mlp.width)
            {loop}
            x = fnp.ones((k, mlp.width))
            for layer in mlp.weights:
                x = fnp.maximum(x @ layer, 0.0)
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

LOOPS = {
    "shrink_by_a_quarter": "while k > 2 and 2.0 * k ** 3 > 600:\n                k = max(2, k * 3 // 4)",
    "step_down_by_one": "while k > 2 and 2.0 * k ** 3 > 600:\n                k = k - 1",
    "step_down_in_place": "while k >= 3:\n                k -= 1",
    "equality_outside_the_range": "while k != -1 and k > 2:\n                k -= 2",
}


@pytest.mark.parametrize("loop", LOOPS.values(), ids=LOOPS.keys())
def test_a_shrinking_data_integer_ends_its_loop(tmp_path, loop):
    path = write_program(tmp_path, PROGRAM, loop=loop)
    for point in POINTS:
        report = analyze(path, point)
        counted = measure(path, point).total
        assert not report.lower_bound, report.unpriced
        assert report.total.lo <= counted <= report.total.hi, (report.total, counted, point)
