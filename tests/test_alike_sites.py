"""An interval rests on each value-dependent site answering the same at every execution on a
path (decisions.py); the report names the sites that may run more than once (alike.py), since a
real run that answers differently from one execution to the next can fall outside."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point

RESCALE = Path(__file__).resolve().parent / "fixtures" / "alike" / "rescale_casts.py"  # site at line 12


def test_a_branch_in_a_layer_loop_is_named_and_a_run_mixing_answers_can_fall_outside(tmp_path):
    point = Point(8, 3, 2**41)
    report = analyze(RESCALE, point)
    assert not report.total.exact and [s.line for s in report.alike] == [12]
    # the rescale taken in the first layer only: float64 from there on, and every later tanh dearer
    mixed = tmp_path / "estimator.py"
    mixed.write_text(RESCALE.read_text().replace("if float(fnp.max(fnp.abs(x))) > 4.0:",
                                                 "if float(fnp.max(fnp.abs(x))) > 4.0 or len(rows) == 0:"
                                                 "  # noqa").replace("else:", "elif len(rows) > 0:"))
    assert measure(mixed, point).total > report.total.hi


def _report(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent('''
        import flopscope as flops
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def guard(x):
            if float(fnp.max(x)) > 1e30:
                x = x / 2.0
            return x


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = mlp.weights[0] @ mlp.weights[1]
    ''') + textwrap.indent(textwrap.dedent(body), " " * 8)
        + "        return fnp.zeros((mlp.depth, mlp.width)) + x[0]\n")
    return analyze(path, Point(8, 2, 2**41))


def test_a_site_that_runs_once_is_not_named(tmp_path):
    report = _report(tmp_path, "x = guard(x)\nif float(fnp.sum(x)) > 0.0:\n    x = x * 2.0\n")
    assert not report.total.exact and report.alike == []
    assert json.loads(json.dumps(to_json(report)))["total"]["assumes_alike"] == []


def test_a_site_in_a_helper_called_twice_is_named(tmp_path):
    report = _report(tmp_path, "x = guard(x)\nx = guard(x @ x)\n")
    assert [s.line for s in report.alike] == [8]
    assert to_json(report)["total"]["assumes_alike"][0]["line"] == 8
