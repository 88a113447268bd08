"""A value-dependent test that stops a loop, where the work after the loop reads state the loop
changes at each pass (a count of the passes made, a list grown, a flag set before the break), is
explored stopping at each of its executions, not only at the first and never (late_stops.py).

Each program's test answers False for its first executions and True from a later one, in every
run (``(res >= 0.0) == (step >= k)``: a norm is never negative, which flopcast does not know). The
work after the loop is largest when the loop stops mid-way, so the run's count lay above the two
alike paths' interval. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 2, 2**41))

#: a count of the passes made sizes the work after the break: largest when it stops mid-way
PASSES_SIZE_LATER_WORK = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        used = 0
        for step in range(6):
            v = w @ v
            used += 1
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 3):  # the test
                break
        a = fnp.ones((used * (6 - used) + 1, mlp.width))
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(a @ a.T) + fnp.sum(v)
"""

#: a flag set before the break chooses the dear way after the loop; the pass it broke at, how dear
FLAG_BEFORE_BREAK = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        found = False
        for step in range(5):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 3):  # the test
                found = True
                break
        if found:
            v = fnp.sum((w @ w) @ (w @ w), axis=0) + v
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v)
"""

PROGRAMS = {"a count of passes sizing the work after a break": PASSES_SIZE_LATER_WORK,
            "a flag set before the break choosing the dear way after the loop": FLAG_BEFORE_BREAK}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", PROGRAMS)
def test_a_run_stopping_the_loop_mid_way_is_inside_the_interval(tmp_path, name, point):
    path = write_program(tmp_path, PROGRAMS[name])
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)
    assert not report.total.exact and not report.lower_bound
