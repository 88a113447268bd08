"""A `while` loop whose exit tests come out known and whose whole state repeats never ends
(analyzer/endless.py): its path ends with the iteration cap's finding, as running 100,000
iterations gave, after a few of them (a planner's loop that keeps replacing the same kernel ran
to the cap in half a minute; calib_mix at 5x4, budget 2e3, in more than five minutes)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Optional

import pytest

from oracle import first_call_unpriced, measure
from test_paths import run_counting

from flopcast.analyzer import analyze, endless
from flopcast.analyzer.api import WorkMeter, run_point
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.render import render_text, to_json
from flopcast.analyzer.program import estimator_class, load_program
from flopcast.model import Point

#: `worst` is always the first kernel, already a "moment" one: the test stays true for ever.
PLANNER = '''import flopscope.numpy as fnp
from whestbench import BaseEstimator


class K:
    def __init__(self, name, cost):
        self.name, self.cost = name, cost


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width) @ mlp.weights[0]
        ks = [K("moment", 10), K("sample", 5)]
        total = sum(k.cost for k in ks)
        while total > 1 and any(k.name != "moment" for k in ks):
            worst = max(range(2), key=lambda j: (ks[j].cost, -j))
            ks[worst] = K("moment", 10)
            total = sum(k.cost for k in ks)
        return fnp.zeros((mlp.depth, mlp.width)) + h[0]
'''
WHILE_LINE = 15


@pytest.fixture
def planner(tmp_path) -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(PLANNER)
    return path


class _PastTheCap(Exception):
    pass


def _charged_at_the_cap(path: Path, point: Point) -> Optional[int]:
    """What the real run charged when it tests the loop for the cap's time and one more (it is
    stopped there); None when it ends before."""
    import flopscope as flops

    for name in ("whestbench.generation", "whestbench.scoring"):
        importlib.import_module(name)  # measure's imports, made before the trace (tracing them takes seconds)

    assert path.read_text().splitlines()[WHILE_LINE - 1].lstrip().startswith("while ")
    tests, charged = 0, None

    def line(frame, event, arg):
        nonlocal tests, charged
        if event == "line" and frame.f_lineno == WHILE_LINE:
            tests += 1
            if tests > limits.MAX_LOOP_ITERATIONS:
                charged = flops.current_budget().flops_used
                raise _PastTheCap
        return line

    def calls(frame, event, arg):
        return line if frame.f_code.co_name == "predict" and frame.f_code.co_filename == str(path) else None

    sys.settrace(calls)
    try:
        measure(path, point)
    except _PastTheCap:
        pass
    finally:
        sys.settrace(None)
    return charged


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_the_path_ends_at_the_cap_with_what_the_run_charged_by_then(planner, monkeypatch, width, depth):
    monkeypatch.setattr(limits, "MAX_LOOP_ITERATIONS", 2000)
    point = Point(width, depth, 2**41)
    report = analyze(planner, point)
    assert [u.reason for u in first_call_unpriced(report)] == [
        f"{planner}:{WHILE_LINE}:9: the while loop did not end within 2,000 iterations; analysis stopped"]
    assert "lower bound (some ops are not priced)" in render_text(report)
    assert report.total.lo == _charged_at_the_cap(planner, point)
    assert run_counting(planner, width, depth)[1].executed[WHILE_LINE + 1] < 10


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_only_a_few_iterations_run_before_the_cap(planner, width, depth):
    result, counting = run_counting(planner, width, depth)
    assert counting.executed[WHILE_LINE + 1] < 10
    assert [u.reason for u in result.unpriced] == [
        f"{planner}:{WHILE_LINE}:9: the while loop did not end within 100,000 iterations; analysis stopped"]


@pytest.mark.parametrize("cap,steps", [(500, 3_000_000), (100_000, 5_000)], ids=["the cap", "the step limit"])
def test_the_report_is_the_one_running_every_iteration_gives(planner, monkeypatch, cap, steps):
    """Whichever limit the iterations reach first, the iteration cap or the step limit."""
    monkeypatch.setattr(limits, "MAX_LOOP_ITERATIONS", cap)
    monkeypatch.setattr(limits, "MAX_STEPS", steps)
    point = Point(8, 2, 2**41)
    watched = to_json(analyze(planner, point))
    assert run_counting(planner, point.width, point.depth)[1].executed[WHILE_LINE + 1] < 10
    with monkeypatch.context() as m:
        m.setattr(endless.EndlessWatch, "watch", classmethod(lambda cls, *args: None))
        running = to_json(analyze(planner, point))
    assert watched == running


#: PLANNER with costs read from data: `total > 1` and `max`'s pick are sites. The run picks the
#: dearer "sample" kernel and stops after one pass; the path that picks the first kernel at every
#: pass (a path answers a site alike) replaces a "moment" kernel with another for ever.
DATA_PLANNER = PLANNER.replace('''        ks = [K("moment", 10), K("sample", 5)]''', '''        unit = float(fnp.max(fnp.abs(h)))
        ks = [K("moment", unit), K("sample", 2 * unit + 1)]''').replace('K("moment", 10)', 'K("moment", unit)')
DATA_WHILE_LINE = WHILE_LINE + 1


@pytest.fixture
def data_planner(tmp_path) -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(DATA_PLANNER)
    assert path.read_text().splitlines()[DATA_WHILE_LINE - 1].lstrip().startswith("while ")
    return path


def test_a_loop_only_alike_answers_keep_repeating_costs_a_few_iterations_of_work(data_planner, monkeypatch):
    """Every path explored, run together, executes a few hundred steps (a mutant of calib_mix whose
    kernel costs were unknown ran 100,000 iterations on each of two paths, minutes at 16x2). The
    cap is lowered so that running to it fails in a second."""
    monkeypatch.setattr(limits, "MAX_LOOP_ITERATIONS", 2000)
    program = load_program(data_planner)
    meter = WorkMeter(10**9)
    run_point(program, estimator_class(program, None), Point(8, 2, 2**41), True, meter=meter)
    assert meter.spent < 1000, meter.spent


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_a_loop_only_alike_answers_keep_repeating_never_ends_on_that_path(data_planner, monkeypatch, width, depth):
    """The path ends at the loop's line, never ending, its total a lower bound the run lies above."""
    monkeypatch.setattr(limits, "MAX_LOOP_ITERATIONS", 2000)
    point = Point(width, depth, 2**41)
    report = analyze(data_planner, point)
    assert [u.reason for u in first_call_unpriced(report)] == [
        f"{data_planner}:{DATA_WHILE_LINE}:9: on this path the while loop never ends (nothing its exits depend on "
        "changes); at run time it runs until the budget is exhausted"]
    assert report.total.lo <= measure(data_planner, point).total
