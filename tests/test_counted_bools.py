"""An unknown boolean that Python counts is 0 or 1: ``int(x > t)``, ``count += x > t``,
``sum([... > t for ...])``, ``2 + (x > t)``.

flopcast took each as an integer read from data with no bounds, so a size made from it left
the total a lower bound with no high end. Each program below sizes an array by such a count;
its comparison is ``>= 0.0`` of a magnitude (always True at run time) or ``< 0.0`` of one
(always False), neither of which flopcast can tell. The interval is exactly the run where every
boolean is False up to the run where every one is True. Checked against the real flopscope at
two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        count = 0
{count}
        x = fnp.ones((count + 1, mlp.width))
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
"""

TEST = "float(fnp.max(fnp.abs(w))) {cmp} 0.0"
COUNTS = {
    "int_of_a_comparison": f"w = mlp.weights[0]\ncount = int({TEST})",
    "count_grown_in_a_loop": f"for w in mlp.weights:\n    count += {TEST}",
    "sum_of_a_list_of_bools": f"count = sum([{TEST} for w in mlp.weights])",
    "int_plus_a_comparison": f"w = mlp.weights[0]\ncount = 2 + ({TEST})",
}


def _write(path, count: str, cmp: str):
    path.write_text(PROGRAM.format(count=textwrap.indent(count.format(cmp=cmp), " " * 8)))
    return path


@pytest.mark.parametrize("count", COUNTS.values(), ids=COUNTS.keys())
def test_a_counted_boolean_spans_the_all_false_to_the_all_true_run(tmp_path, count):
    true, false = _write(tmp_path / "true.py", count, ">="), _write(tmp_path / "false.py", count, "<")
    for point in POINTS:
        expected = (measure(false, point).total, measure(true, point).total)
        for path in (true, false):
            report = analyze(path, point)
            assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
            assert (report.total.lo, report.total.hi) == expected, (path.name, point)
