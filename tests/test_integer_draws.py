"""A scalar ``rng.integers(low, high)`` is an integer read from data within [low, high - 1].

It had no bounds: an array it sized was unpriced (a lower bound). Now each read of the one draw
(``int(k)`` twice) asks the one site where it was drawn, so both arrays are sized by the same
number and the interval's ends are the counts at k = 2 and k = 5 (not a mix, which no run makes);
the run's count is inside, at two sizes (the real flopscope).
"""

from __future__ import annotations

from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rng = fnp.random.default_rng(mlp.seed)
            k = {draw}
            x = fnp.ones((int(k), mlp.width))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            y = fnp.ones((int(k), 3 * mlp.width))
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x) + fnp.sum(y)
    """


def _written(folder, draw):
    folder.mkdir()
    return write_program(folder, PROGRAM, draw=draw)


def test_one_scalar_draw_sizes_every_array_it_is_read_for_alike(tmp_path):
    path = _written(tmp_path / "drawn", "rng.integers(2, 6)")
    fixed = [_written(tmp_path / f"k{k}", f"(rng.integers(2, 6), {k})[1]") for k in (2, 5)]  # (drawn too)
    for point in (Point(8, 1, 2**41), Point(16, 2, 2**41)):
        ends = [analyze(p, point).total.lo for p in fixed]
        report = analyze(path, point)
        assert not report.unpriced, report.unpriced
        assert [u.span.line for u in report.uncertain] == [8], report.uncertain  # the draw's line, once
        assert (report.total.lo, report.total.hi) == tuple(ends), (report.total, ends)
        assert report.total.contains(measure(path, point).total)
