"""Tuples (and lists) holding numbers read from data are ordered as Python orders them: item by
item, the first pair known unequal deciding (``key = (score, -cost)``, ``if key > best_key:``, a
planner's choice). flopcast took any such comparison as depending on values, so a choice that a
known score settles became a site, and the interval took in plans no run picks (spectral_stages:
its low end fell from 178,271 to 10,575 at 16x2 once its rank was read from data).

The program compares ``(11.0, -(3k + 5))`` with ``(9.0, -(2k + 100))``, ``k`` a count read from
data: the first items decide. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        k = int(fnp.sum(w[0] > 0.0))
        a = {a}
        b = {b}
        if a {op} b:
            out = fnp.sum(w @ w)
        else:
            out = fnp.sum(w)
        return fnp.zeros((mlp.depth, mlp.width)) + out
"""

CASES = {
    "first_items_decide": ("(11.0, -(3 * k + 5))", "(9.0, -(2 * k + 100))", ">"),
    "equal_first_items_pass_to_the_next": ("[2, 7.5, k]", "[2, 3.0, -k]", "<="),
    "a_known_tuple_against_one_read_from_data": ("(1.0, 2)", "(3.0, k)", "<"),
}


@pytest.mark.parametrize("point", (Point(8, 2, 2**41), Point(32, 3, 2**41)), ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_first_items_known_unequal_decide_the_order(tmp_path, case, point):
    a, b, op = case
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(a=a, b=b, op=op))
    report = analyze(path, point)
    assert not report.unpriced and not report.uncertain
    assert report.total.lo == report.total.hi == measure(path, point).total


def test_an_unknown_pair_before_the_deciding_one_leaves_it_to_the_data(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(a="(k, 1.0)", b="(3, 2.0)", op=">"))
    point = Point(8, 2, 2**41)
    report = analyze(path, point)
    assert report.uncertain
    assert report.total.lo <= measure(path, point).total <= report.total.hi
