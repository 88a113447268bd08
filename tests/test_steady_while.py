"""`while` loops capped by a counter against a known bound are skipped once they repeat
(repeats.SteadyLoop.watch_while), as `for` loops are: the counts are flopscope's, the report is
the one running every iteration gives, and only a few iterations run however long the loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer import analyze, repeats
from flopcast.analyzer.render import to_json
from flopcast.model import Point
from oracle import measure
from test_paths import assert_counted_exactly, line_runs

HERE = Path(__file__).resolve().parent
COUNTED = HERE / "fixtures" / "steady" / "counted_while.py"
CORPUS = HERE / "realistic" / "estimators"


@pytest.mark.parametrize("width,depth", [(8, 5), (16, 12), (8, 40)])
def test_counted_while_loops_are_counted_exactly(width, depth):
    assert_counted_exactly(COUNTED, Point(width, depth, 2**41))


#: One worker runs this module (make test: --dist loadgroup), so the module's `runs` are made once, not once per worker.
pytestmark = pytest.mark.xdist_group("steady-while")


@pytest.fixture(scope="module")
def runs():
    """How many times each line ran at depth 8 and at depth 200 (width 8), by its text."""
    return line_runs(COUNTED, 8, (8, 200))


@pytest.mark.parametrize("text", ["y = y @ t", "v = w.T @ (w @ v)", "log.append(k)", "x = x * 0.99 + 0.01",
                                  "hist.append(x * 0.5)"])
def test_a_counted_while_loop_runs_only_until_it_repeats(runs, text):
    ran = runs(text)
    assert ran[200] < 40 and ran[200] - ran[8] < 24  # (each stops where an answer changes: a few more run)


def test_a_counter_read_as_a_shape_keeps_every_iteration(runs):
    assert runs("total = total + fnp.sum(fnp.ones(k) * x[0])") == {8: 7, 200: 199}


@pytest.mark.parametrize("path,point", [
    (COUNTED, Point(8, 9, 2**41)),
    (CORPUS / "anderson_moments.py", Point(16, 3, 2**41)),
    (CORPUS / "tolerance_loops.py", Point(16, 3, 2**41)),
], ids=lambda v: v.stem if isinstance(v, Path) else v.label())
def test_skipping_while_iterations_changes_no_report(path: Path, point: Point, monkeypatch) -> None:
    """The files are those on which a `while` loop is watched and iterations are skipped at
    this point (session 48, counted by wrapping watch_while): anderson_moments (45 of 57
    watches skip) and tolerance_loops (14 of 22). active_threshold was dropped: no `while`
    loop of it is ever watched, so the comparison could not fail there."""
    skipping = to_json(analyze(path, point))
    with monkeypatch.context() as m:
        m.setattr(repeats.SteadyLoop, "watch_while", classmethod(lambda cls, *args: None))
        running = to_json(analyze(path, point))
    assert skipping == running


@pytest.mark.parametrize("width,depth", [(8, 4), (16, 10)])
def test_a_while_loop_that_stops_on_values_is_within_the_interval(tmp_path, width, depth):
    """The test's value-dependent part keeps one answer on a path: the run (which never
    converges here) costs the interval's high end."""
    path = tmp_path / "tolerance.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        x = fnp.ones(mlp.width)\n        it = 0\n        cap = 3 * mlp.depth\n"
        "        while float(fnp.min(x)) > -1.0 and it < cap:\n"
        "            x = fnp.tanh(x @ mlp.weights[0]) + 1.0\n            it += 1\n"
        "        return fnp.zeros((mlp.depth, mlp.width)) + x\n")
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert report.total.hi == measure(path, point).total


def test_a_loop_capped_past_the_iteration_cap_ends_its_path_there_as_before(tmp_path, monkeypatch):
    """`it < cap` with a cap beyond the interpreter's iteration cap: skipped iterations stop short
    of it, so the path ends at the cap with the charges running every iteration gives."""
    from flopcast.analyzer.interpreter import limits

    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        x = fnp.ones(mlp.width)\n        it = 0\n        cap = 10 ** 12\n"
        "        while float(fnp.max(x)) > -1.0 and it < cap:\n"
        "            x = fnp.tanh(x) + 1.0\n            it += 1\n"
        "        return fnp.zeros((mlp.depth, mlp.width)) + x\n")
    point = Point(8, 2, 2**41)
    monkeypatch.setattr(limits, "MAX_LOOP_ITERATIONS", 60)
    skipping = analyze(path, point)
    assert any("did not end within 60 iterations" in u.reason for u in skipping.unpriced), skipping.unpriced
    with monkeypatch.context() as m:
        m.setattr(repeats.SteadyLoop, "watch_while", classmethod(lambda cls, *args: None))
        running = analyze(path, point)
    assert to_json(skipping) == to_json(running)
