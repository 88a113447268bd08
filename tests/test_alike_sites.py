"""A path takes one option per value-dependent site (decisions.py); a real run may answer differently
from one execution to the next. Where the sites' executions are proven to add up each on its own
(joins.Separation), the total covers every mix of answers; the sites that are not proven are named
(alike.py), since a run mixing their answers can fall outside, and such a total is never exact."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text, to_json
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "alike"
RESCALE = FIXTURES / "rescale_casts.py"  # site at line 12
LAYER_DEPENDENT = FIXTURES / "layer_dependent.py"  # site at line 12
COMPREHENSION = FIXTURES / "comprehension_steps.py"  # site at line 12, run by `[state.step(W) for W in ...]`


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


def _forced(tmp_path, source: Path, name: str, answer: str, x: str = "x") -> Path:
    """``source`` with its site's test evaluated as before but answered by ``answer``."""
    path = tmp_path / name
    path.write_text(source.read_text().replace(f"if float(fnp.max(fnp.abs({x}))) > 4.0:",
                                               f"if [float(fnp.max(fnp.abs({x}))) > 4.0, {answer}][1]:"))
    return path


POINTS = [Point(8, 4, 2**41), Point(16, 3, 2**41)]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_guard_in_each_call_a_comprehension_makes_is_proven_per_execution(tmp_path, point):
    report = analyze(COMPREHENSION, point)
    assert report.alike == [] and not report.exact
    source = COMPREHENSION.read_text().replace("def step(self, W):", "def step(self, W):\n        self.i = getattr(self, 'i', -1) + 1")
    stepped = tmp_path / "stepped.py"
    stepped.write_text(source)
    for i, answer in enumerate(("True", "False", "self.i == 1", "self.i != 1")):
        count = measure(_forced(tmp_path, stepped, f"{i}.py", answer, "self.x"), point).total
        assert report.total.contains(count), (answer, count, report.total)


def test_a_guard_in_a_comprehensions_calls_whose_option_persists_is_named(tmp_path):
    casts = tmp_path / "estimator.py"
    casts.write_text(COMPREHENSION.read_text().replace("self.x = self.x / 4.0", "self.x = self.x.astype(fnp.float64) / 4.0"))
    report = analyze(casts, Point(8, 4, 2**41))
    assert [s.line for s in report.alike] == [12]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_executions_that_each_rejoin_make_an_interval_holding_every_mix_of_answers(tmp_path, point):
    report = analyze(LAYER_DEPENDENT, point)
    assert report.alike == [] and not report.exact
    runs = {answer: measure(_forced(tmp_path, LAYER_DEPENDENT, f"{i}.py", answer), point).total
            for i, answer in enumerate(("True", "False", "i < 2", "i >= 2"))}
    # taken in every layer or in none costs the same; the mixes cost less and more
    assert runs["True"] == runs["False"] and runs["i < 2"] < runs["True"] < runs["i >= 2"]
    assert (report.total.lo, report.total.hi) == (runs["i < 2"], runs["i >= 2"])
    assert report.total.contains(measure(LAYER_DEPENDENT, point).total)


def test_paths_that_cost_the_same_are_not_exact_when_a_mix_is_not_proven(tmp_path):
    point = Point(8, 4, 2**41)
    tagged = tmp_path / "estimator.py"  # each option leaves a different number in `tags`: no rejoin
    tagged.write_text(LAYER_DEPENDENT.read_text()
                      .replace("rows = []", "rows, tags = [], []")
                      .replace("x[:, : i + 1]))", "x[:, : i + 1]))\n                tags.append(i + 1)")
                      .replace("x[:, : mlp.depth - i]))", "x[:, : mlp.depth - i]))\n                tags.append(mlp.depth - i)")
                      .replace("return fnp.stack(rows)", "return fnp.stack(rows) * float(len(tags))"))
    report = analyze(tagged, point)
    assert report.total.exact and not report.exact and [s.line for s in report.alike] == [12]
    assert to_json(report)["total"]["exact"] is False
    assert measure(tagged, point).total != report.total.lo  # the run mixes answers


def _report(tmp_path, body: str, guarded: str = "x = x / 2.0"):
    path = tmp_path / "estimator.py"
    path.write_text((textwrap.dedent('''
        import flopscope as flops
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def guard(x):
            if float(fnp.max(x)) > 1e30:
                GUARDED
            return x


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = mlp.weights[0] @ mlp.weights[1]
    ''') + textwrap.indent(textwrap.dedent(body), " " * 8)
        + "        return fnp.zeros((mlp.depth, mlp.width)) + x[0]\n").replace("GUARDED", guarded))
    return analyze(path, Point(8, 2, 2**41))


def test_a_site_that_runs_once_is_not_named(tmp_path):
    report = _report(tmp_path, "x = guard(x)\nif float(fnp.sum(x)) > 0.0:\n    x = x * 2.0\n")
    assert not report.total.exact and report.alike == []
    assert json.loads(json.dumps(to_json(report)))["total"]["assumes_alike"] == []


def test_a_rescale_in_a_helper_called_twice_is_proven_per_call(tmp_path):
    report = _report(tmp_path, "x = guard(x)\nx = guard(x @ x)\n")
    assert not report.total.exact and report.alike == []


def test_a_site_in_a_helper_called_twice_whose_option_casts_is_named(tmp_path):
    report = _report(tmp_path, "x = guard(x)\nx = guard(x @ x)\n", "x = x.astype(fnp.float64) / 2.0")
    assert [s.line for s in report.alike] == [8]
    assert to_json(report)["total"]["assumes_alike"][0]["line"] == 8


SEED_STEPS = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        acc = fnp.zeros(mlp.width)
        for k in range(mlp.seed // 4):
            acc = acc + w[k] * 2.0
        self.acc = acc
        return fnp.zeros((mlp.depth, mlp.width)) + acc
"""


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=str)
def test_a_site_on_an_integer_read_without_a_place_is_named_where_it_is_used(point, tmp_path):
    # mlp.seed has no span of its own; predict keeps state on self, so the second MLP's call
    # meets the range() site again (the analysis failed sorting the named sites on a None span).
    # (`mlp.seed // 4` keeps mlp.seed's missing place; `mlp.seed % 4` was the example until a
    # remainder became an integer of its own, placed at the `%`: tests/test_pick_by_remainder.py)
    path = tmp_path / "estimator.py"
    path.write_text(SEED_STEPS)
    report = analyze(path, point)
    assert [(s.line, s.col) for s in report.alike] == [(9, 17)]
    assert report.unpriced and report.total.lo <= measure(path, point).total


#: A guard in a loop counted into a list whose length sizes later work, dearest at the alike ends
#: (none or all picked) and cheapest when half are; an op flopcast does not price makes it a lower bound.
PICKED_COUNT = FIXTURES / "picked_count_unpriced.py"  # site at line 11


def test_a_lower_bound_names_the_sites_it_assumes_alike_as_a_run_mixing_them_falls_below():
    point = Point(8, 2, 100_000)
    report = analyze(PICKED_COUNT, point)
    assert report.lower_bound and [s.line for s in report.alike] == [11]
    assert measure(PICKED_COUNT, point).total < report.total.lo  # seed 0 picks 4 of 8
    assert "lower bound (some ops are not priced); it assumes each site answers the same at every execution " \
           "(line 11; a run that mixes answers may fall outside)" in render_text(report)
