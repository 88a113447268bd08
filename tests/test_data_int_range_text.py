"""The range a value-dependent size site names is the integer's own, its clamps applied.

A statistician sizes the bootstrap from the data: ``rounds = int(min(12, max(4, ceil(4 cv²))))``.
The site said "from no lower bound to no upper bound" (the range of ``ceil(4 cv²)``, the value
read from data) while analysing 4 and 12 rounds: a reader could not tell what was priced. It now
says "from 4 to 12", and the interval holds the run's count at two sizes (the real flopscope).
"""

from __future__ import annotations

from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import math

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rng = fnp.random.default_rng(mlp.seed)
            x = fnp.maximum(rng.standard_normal((16, mlp.width)) @ mlp.weights[0], 0.0)
            cv = float(fnp.std(x) / (fnp.mean(x) + 1e-9))
            rounds = {rounds}
            means = [fnp.mean(x[rng.integers(0, 16, size=16)], axis=0) for _ in range(rounds)]
            return fnp.stack([fnp.mean(fnp.stack(means), axis=0)] * mlp.depth)
    """
POINTS = (Point(8, 1, 2**41), Point(16, 2, 2**41))


def _size_reasons(report) -> list:
    return [u.reason for u in report.uncertain if "integer read from data" in u.reason]


def test_a_clamped_data_integer_is_named_by_its_clamps(tmp_path):
    path = write_program(tmp_path, PROGRAM, rounds="int(min(12, max(4, math.ceil(4.0 * cv * cv))))")
    for point in POINTS:
        report = analyze(path, point)
        reasons = _size_reasons(report)
        assert reasons and all("from 4 to 12" in r for r in reasons), reasons
        assert report.total.contains(measure(path, point).total), report.total


def test_a_side_no_clamp_bounds_is_named_unbounded(tmp_path):
    # floor-dividing an unbounded count keeps it unbounded (no huge number passed off as a bound)
    path = write_program(tmp_path, PROGRAM, rounds="max(1, math.ceil(1000.0 * cv) // 100)")
    for point in POINTS:
        reasons = _size_reasons(analyze(path, point))
        assert reasons and all("from 1 to no upper bound" in r for r in reasons), reasons
