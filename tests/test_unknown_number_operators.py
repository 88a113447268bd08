"""An operator between a number whose value flopcast does not know (`float(fnp.max(w))`) and an
instance of the program's classes is Python's: the number's method returns NotImplemented, so
the instance's reflected method answers (`__radd__`), or Python raises TypeError. Beside the
result of something unpriced, the result is unknown too, never a number: it was taken for an
int or a float, which priced `fnp.sum` of an array as a scalar's (a false exact: 129 predicted,
254 counted) and claimed an IndexError on every path where the run raises another error at
another line. Checked against the real flopscope at two sizes."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

HEADER = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Shift:
    def __init__(self, a):
        self.a = a

    def __radd__(self, x):
        return self.a + x


class Plain:
    def __init__(self, a):
        self.a = a


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
"""

EXACT = {
    "the_reflected_method_answers": "        s = float(fnp.max(w)) + Shift(w)\n",
    "no_method_raises_type_error": ("        try:\n            s = float(fnp.max(w)) * Plain(w)\n"
                                    "        except TypeError:\n            s = w @ w\n"),
}


@pytest.mark.parametrize("body", EXACT.values(), ids=EXACT.keys())
def test_an_unknown_number_and_an_instance_run_as_python_runs_them(tmp_path, body):
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + body + "        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(s)\n")
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_an_unpriced_result_and_an_instance_stay_unknown(tmp_path, point):
    # `fnp.dot(x, Plain(w))` is unpriced (flopscope's dot refuses the object dtype, which the run
    # shows); in each layer the unknown x meets Plain(w) at `@`: no number comes of it, and no
    # IndexError is claimed at `x[0]`
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + "        x = fnp.dot(fnp.ones((3, mlp.width)), Plain(w))\n        rows = []\n"
                    "        for w in mlp.weights:\n            x = fnp.maximum(x @ Plain(w), 0.0)\n"
                    "            rows.append(x[0])\n        return fnp.stack(rows)\n")
    with pytest.raises(Exception, match="not billable"):
        measure(path, point)
    report = analyze(path, point)
    assert not report.raises, report.raises
    assert report.lower_bound and any("InstanceVal" in u.reason for u in report.unpriced)
