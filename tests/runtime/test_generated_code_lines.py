"""Code flopcast writes for what Python does in C (`operator.methodcaller`: syntax.lambda_at) has
no line of its own in the run: flopscope files its charges at the call into it, in the caller's
function. flopcast filed them at the line that made the methodcaller, so verify failed a point
whose every count matched."""

from __future__ import annotations

import textwrap

from flopcast.analyzer import analyze
from flopcast.model import Point

from .helpers import assert_verified_exact

PROGRAM = """\
    import operator

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    COL_SUMS = operator.methodcaller("sum", axis=0)


    def projected(ws, v):
        dot = operator.methodcaller("dot", v)
        return [dot(w) for w in ws]


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rows = [COL_SUMS(w) for w in mlp.weights]
            v = fnp.ones(mlp.width)
            extra = projected(mlp.weights, v)
            return fnp.stack(rows) + fnp.stack(extra)
    """


def test_a_methodcallers_charges_are_filed_at_the_call_into_it(tmp_path):
    assert_verified_exact(tmp_path, PROGRAM, (Point(8, 2, 2**41), Point(16, 3, 2**41)))


def test_a_methodcallers_work_is_its_callers_own(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM))
    report = analyze(path, Point(8, 2, 2**41))
    functions = {c.function for c in report.charges}
    assert functions == {"Estimator.predict", "projected", "<whestbench scorer>"}, functions
