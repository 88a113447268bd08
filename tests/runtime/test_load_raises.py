"""The entry file raises while whestbench loads it (a relative import in a file loaded in no
package, a top-level `raise`): the report names it as a raise at load, `flopcast check` fails
with FC205, and `verify` calls the run's LOAD ERROR at that line a match. It was only a note under
a "lower bound" headline, `check` found no error, and verify reported a mismatch."""

from __future__ import annotations

import json

import pytest

from flopcast.analyzer import analyze
from flopcast.cli import main
from flopcast.model import Point
from flopcast.runtime.diff import RAISES, compare
from flopcast.runtime.protocol import LOAD_ERROR

from .helpers import run_here

PREDICT = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator
{top}


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(w @ w)
'''
RELATIVE = "from .util import width_of"
TOP_RAISE = 'raise RuntimeError("not ready")'
POINT = Point(8, 2, 10**6)


def _submission(tmp_path, top: str):
    (tmp_path / "util.py").write_text("def width_of(mlp):\n    return mlp.width\n")
    path = tmp_path / "estimator.py"
    path.write_text(PREDICT.format(top=top))
    return path


@pytest.mark.parametrize("top, exc_type", [(RELATIVE, "ImportError"), (TOP_RAISE, "RuntimeError")])
def test_a_raise_at_the_entry_files_top_level_is_a_raise_at_load_on_every_path(tmp_path, top, exc_type):
    report = analyze(_submission(tmp_path, top), POINT)
    assert [(r.span.line, r.exc_type, r.at_load, r.in_setup, r.every_path) for r in report.raises] == [
        (3, exc_type, True, False, True)]


def test_a_relative_import_fails_check_with_fc205_and_says_what_to_do(tmp_path, capsys):
    path = _submission(tmp_path, RELATIVE)
    code = main(["check", str(path), "--width", "8", "--depth", "2", "--budget", "1000000", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    found = [f for f in doc["findings"] if f["code"] == "FC205"]
    assert code == 1 and [(f["line"], f["level"]) for f in found] == [(3, "error")]
    assert "the whole submission fails" in found[0]["message"]
    assert "from util import" in found[0]["message"]


@pytest.mark.parametrize("top", [RELATIVE, TOP_RAISE])
def test_verify_calls_the_runs_load_error_at_the_predicted_line_a_match(tmp_path, top):
    path = _submission(tmp_path, top)
    runtime = run_here(path, POINT.width, POINT.depth, POINT.budget)
    assert runtime.status == LOAD_ERROR
    result = compare(POINT, analyze(path, POINT), runtime)
    assert result.verdict == RAISES and result.matched


def test_the_text_headline_says_it_does_not_load_and_the_json_raise_carries_the_flag(tmp_path):
    from flopcast.analyzer.render import render_json, render_text

    report = analyze(_submission(tmp_path, RELATIVE), POINT)
    head = render_text(report).split("Predicted FLOPs")[0]
    assert "DOES NOT LOAD: " in head and "estimator.py:3" in head and "from util import" in head
    assert "once the load is fixed" in head
    assert [r["at_load"] for r in json.loads(render_json(report))["raises"]] == [True]
