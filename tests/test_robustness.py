"""The boundary between the program's errors and flopcast's (docs/pipeline.md).

A bug inside the interpreter never escapes ``analyze()`` and never leaves an exact-looking
total: it becomes an "internal error" entry at the expression (which turns unknown) or at the
statement (where the path ends). The bugs are injected by replacing one interpreter helper
with a function that raises; flopscope itself is not replaced.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flopcast.analyzer import analyze
from flopcast.analyzer import indexing
from flopcast.analyzer.interpreter import Interpreter
from flopcast.analyzer.render import render_json, render_text
from flopcast.check import engine
from flopcast.check.output import RENDERERS, Results
from flopcast.check.source import load_submission
from flopcast.model import Interval, Point, Raise, Report, Uncertainty, Unpriced

POINT = Point(8, 1, 2**30)

SOURCE = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        row = w[0]
        h = fnp.exp(row)
        return fnp.zeros((mlp.depth, mlp.width)) + h
'''


@pytest.fixture
def estimator(tmp_path: Path) -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(SOURCE)
    return path


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_a_bug_while_evaluating_an_expression_makes_it_unpriced_at_its_place(estimator, monkeypatch):
    monkeypatch.setattr(indexing, "index_array", _boom)
    report = analyze(estimator, POINT)
    bugs = [u for u in report.unpriced if u.what == "internal error"]
    assert [(u.span.line, u.span.col) for u in bugs] == [(8, 14)]
    assert "flopcast could not model this: RuntimeError: boom" in bugs[0].reason
    assert report.lower_bound
    # the rest of the file is still analysed: the zeros and the scorer cast are priced
    assert any(c.op == "zeros" for c in report.charges)
    assert "lower bound" in render_text(report)


def test_a_bug_in_a_statement_ends_the_path_there_as_a_lower_bound(estimator, monkeypatch):
    monkeypatch.setattr(Interpreter, "assign", _boom)
    report = analyze(estimator, POINT)
    bugs = [u for u in report.unpriced if u.what == "internal error"]
    assert [u.span.line for u in bugs] == [7]
    assert report.lower_bound
    assert report.charges == []


def test_the_programs_own_error_on_known_values_is_a_raise_not_an_internal_error(estimator):
    report = analyze(estimator, POINT, source=SOURCE.replace("w[0]", "w[100]"))
    assert [(r.span.line, r.what, r.every_path) for r in report.raises] == [
        (8, "IndexError: index 100 is out of bounds for axis 0 with size 8", True)]
    assert not report.unpriced


def test_entries_without_a_place_render_in_every_format(estimator):
    report = Report(
        path=str(estimator), point=POINT, total=Interval(0, 0),
        unpriced=[Unpriced(None, "something", "no place")],
        uncertain=[Uncertainty(None, "branch", "no place")],
        raises=[Raise(None, "ValueError: no place", True)],
    )
    assert "something: no place" in render_text(report)
    data = json.loads(render_json(report))
    assert data["unpriced"][0]["line"] is None and data["raises"][0]["path"] is None
    target = engine.check_target(load_submission(str(estimator)), POINT, report=report)
    codes = {f.code for f in target.findings}
    assert {"FC002", "FC003", "FC205"} <= codes
    # whole-estimator findings go to the `def predict` line
    assert {f.span.line for f in target.findings if f.code in ("FC002", "FC003", "FC205")} == {6}
    for render in RENDERERS.values():
        assert render(Results([target]))


def test_a_bug_outside_the_interpreter_reaches_the_command_lines_last_line_of_defence(estimator, monkeypatch, capsys):
    from flopcast.analyzer import render
    from flopcast.cli import main

    monkeypatch.setattr(render, "render_text", _boom)
    assert main(["analyze", str(estimator), "--width", "8", "--depth", "1", "--no-formula"]) == 2
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err and "This is a flopcast bug" in err


def test_nesting_deeper_than_pythons_recursion_limit_ends_the_path_as_a_lower_bound(monkeypatch):
    import sys

    from flopcast.analyzer.interpreter import limits

    deep = Path(__file__).parent / "adversarial" / "deep_nesting.py"  # a 900-term sum
    previous = sys.getrecursionlimit()
    monkeypatch.setattr(limits, "_RECURSION_LIMIT", 600)
    sys.setrecursionlimit(600)
    try:
        report = analyze(deep, POINT)
    finally:
        sys.setrecursionlimit(previous)
    stopped = [u for u in report.unpriced if "nested too deeply for flopcast to follow" in u.reason]
    assert stopped and stopped[0].span.line == 12 and report.lower_bound


SNIPPET = '''\
import math
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        {line}
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
'''


@pytest.mark.parametrize("line, raised", [
    # each a crash or a false claim the mutation fuzzer or the probes found
    ("z = fnp.astype(w)", "TypeError: astype() missing 1 required positional argument: 'dtype'"),
    ("z = fnp.argsort(fnp.sum(w))", None),
    ("z = w[..., ...]", "IndexError: an index can only have a single ellipsis ('...')"),
    ("z = w[8]", "IndexError: index 8 is out of bounds for axis 0 with size 8"),
    ("z = w[:, ::0]", "ValueError: slice step cannot be zero"),
    ("z = fnp.sum(w)[0]", "IndexError: too many indices for array: array is 0-dimensional, but 1 were indexed"),
    ("z = [x for x in fnp.sum(w)]", "TypeError: iteration over a 0-d array"),
    ("assert w", "ValueError: The truth value of an array with more than one element is ambiguous"),
    ("z = 1 if w[0] else 2", "ValueError: The truth value of an array with more than one element is ambiguous"),
    ("raise", "RuntimeError: No active exception to reraise"),
    ("raise 3", "TypeError: exceptions must derive from BaseException"),
    ("z = budget()", "TypeError: 'int' object is not callable"),
    ("z = math.exp(budget)", "OverflowError: math range error"),
    ("z = math.factorial(10**6) + 1", None),  # not evaluated (minutes of work), so unknown
    # flopscope refuses these tags (ValueError, tests/ops/test_ops_raises.py checks the type)
    ("z = flops.as_symmetric(fnp.eye(8), symmetry=(3, 1)) + fnp.ones((2, 8, 8))",
     "ValueError: symmetry axes are out of range for ndim=2"),
    ("z = flops.as_symmetric(fnp.eye(8), symmetry=(0, 0))", "ValueError: symmetry axes contain duplicate entries"),
])
def test_regressions_are_findings_never_internal_errors(tmp_path, line, raised):
    from exercise import exercise

    path = tmp_path / "estimator.py"
    path.write_text(SNIPPET.replace("{line}", line))
    report = exercise(path, POINT)
    assert [r.what for r in report.raises] == ([raised] if raised else [])


def test_a_known_axis_out_of_range_is_never_priced_as_if_valid(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(SNIPPET.replace("{line}", "z = fnp.sum(w, axis=2)"))
    report = analyze(path, POINT)
    assert [r.what for r in report.raises] == ["AxisError: axis 2 is out of bounds for array of dimension 2"]


def test_a_traced_path_stopped_by_the_step_limit_before_any_charge_is_a_lower_bound(tmp_path, monkeypatch):
    """segment_planner at 4096x64: its planner ran out of steps before predict charged anything,
    and attaching loops to no charges raised IndexError (an internal error)."""
    from flopcast.analyzer.interpreter import limits

    monkeypatch.setattr(limits, "MAX_STEPS", 500)
    path = tmp_path / "estimator.py"
    path.write_text(SOURCE.replace("        w = ", "        n = 0\n        for i in range(10**6):\n"
                                   "            n = (n * 31 + i) % 1009\n        w = ", 1))
    report = analyze(path, POINT, trace=True)
    assert report.total.lo == 0 and report.unpriced, report.unpriced
