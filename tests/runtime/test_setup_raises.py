"""setup() raises on every path: the analysis names the raise (in setup, off the meter) and
`verify` calls a run whose setup() raises the same exception on the same line a match — it was
reported FAILED, since only predict's raises were compared."""

from __future__ import annotations

from dataclasses import replace

from flopcast.analyzer import analyze
from flopcast.model import Point
from flopcast.runtime.diff import RAISES, compare
from flopcast.runtime.protocol import SETUP_ERROR

from .helpers import run_here

PROGRAM = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def setup(self, context):
        self.table = {"a": 1}
        self.k = self.table["b"]

    def predict(self, mlp, budget):
        return fnp.zeros((mlp.depth, mlp.width)) + mlp.weights[0][0]
'''
POINT = Point(16, 2, 2**41)


def test_a_setup_raise_the_analysis_names_is_a_match(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM)
    report = analyze(path, POINT)
    assert [(r.span.line, r.exc_type, r.in_setup, r.every_path) for r in report.raises] == [(8, "KeyError", True, True)]
    assert not report.notes, report.notes  # not "predict is never called": the raise says why
    runtime = run_here(path, POINT.width, POINT.depth, POINT.budget)
    assert runtime.status == SETUP_ERROR
    result = compare(POINT, report, runtime)
    assert result.verdict == RAISES and result.matched


def test_a_setup_raise_on_another_line_is_not_a_match(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM)
    report = analyze(path, POINT)
    report.raises[:] = [replace(report.raises[0], span=replace(report.raises[0].span, line=7))]
    assert not compare(POINT, report, run_here(path, POINT.width, POINT.depth, POINT.budget)).matched
