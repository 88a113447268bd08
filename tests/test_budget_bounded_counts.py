"""A `while` loop bounded by a count read from data with no bound and by the budget left
(`while drawn < rows and flops.current_budget().flops_remaining > cost:`), as a participant's
sampling loop draws chunks while the meter has room.

`drawn < rows` is a value-dependent site at every iteration; on the path where it answers "go
on", the budget's answer ends the loop, and that answer is known at every iteration. The
count can be anything from none to the budget's, so the total is an interval whose ends are
the runs where the count is 0 and where it never ends the loop. That path used to run one
iteration at a time: tens of thousands of iterations, or up to the 3,000,000-step limit
(counters.CounterWatch follows the counter, whose comparison with the unbounded count answers
alike whatever it holds, and the budget's answers, so the repeated iterations are skipped).
"""

from __future__ import annotations

import textwrap

import pytest

from oracle import measure
from test_paths import Counting

from flopcast.analyzer import analyze
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter import Decisions
from flopcast.analyzer.program import load_program
from flopcast.model import Point

PROGRAM = """\
    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator, MLP


    class Estimator(BaseEstimator):
        def predict(self, mlp: MLP, budget: int):
            w = mlp.weights[0]
            x = fnp.ones((8, mlp.width), dtype=fnp.float32)
            rows = int(float(fnp.max(fnp.abs(w))) * 8000.0){count}
            chunk = x.shape[0]
            cost = 2 * chunk * mlp.width * mlp.width
            drawn = 0
            while drawn < rows and flops.current_budget().flops_remaining > cost:
                x = x @ w
                drawn += chunk
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(x) * 0.0
    """

STEP = "x = x @ w"

#: Budgets where the budget ends the run's loop (a few hundred chunks' worth), and where the
#: count read from data does (tens of thousands of chunks' worth, over the run's count).
BY_BUDGET, BY_COUNT = 2**20, 2**25


def _write(tmp_path, name: str, count: str = ""):
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(count=count))
    return path


def _going_on(path, point: Point) -> tuple[list, int]:
    """The path where `drawn < rows` says "go on" (the first option, Decisions()): the charges
    of the loop's step, and how many times the step ran."""
    step = next(n + 1 for n, line in enumerate(path.read_text().splitlines()) if line.strip() == STEP)
    interp = Counting(load_program(path), point.width, point.depth, point.budget, Decisions())
    interp.executed = {}
    result = interp.run("Estimator")
    return [c for c in result.charges if c.span.line == step], interp.executed[step]


@pytest.mark.parametrize("width,depth,budget,ended_by", [(16, 2, BY_BUDGET, "budget"), (16, 2, BY_COUNT, "count"),
                                                         (32, 3, BY_BUDGET, "budget"), (32, 3, BY_COUNT, "count")])
def test_the_interval_runs_from_no_chunk_to_the_budget_s_last(tmp_path, width, depth, budget, ended_by):
    point = Point(width, depth, budget)
    path = _write(tmp_path, "estimator")
    report = analyze(path, point, formula=False)
    assert not report.total.exact and not report.unpriced, (report.total, report.unpriced)
    # the ends are real runs: the count 0, and a count the budget always ends first
    endless = measure(_write(tmp_path, "endless", " + 10**12"), point)
    assert report.total.lo == measure(_write(tmp_path, "none", " * 0"), point).total
    assert report.total.hi == endless.total
    run = measure(_write(tmp_path, "run"), point).total
    assert report.total.lo < run <= report.total.hi
    assert (run == report.total.hi) == (ended_by == "budget")
    # the path to the budget's last chunk (hundreds or thousands of them) runs a few
    chunks, ran = _going_on(path, point)
    assert sum(c.flops for c in chunks) == endless.per_op["matmul"] and len(chunks) > 60
    assert ran < 40


def test_a_budget_with_room_past_the_iteration_cap_ends_the_path_at_once(tmp_path):
    # 2**41 leaves room for 554 million chunks at 16x2: the path that goes on ends as unbounded
    # where it finds that out (it ran the 100,000 iterations of the cap, 7 s, before)
    point = Point(16, 2, 2**41)
    path = _write(tmp_path, "estimator")
    report = analyze(path, point, formula=False)
    assert not report.total.exact
    ends = [u for u in report.unpriced if u.what == "unbounded"]
    assert ends and "more than 100,000 iterations" in ends[0].reason, report.unpriced
    assert measure(path, point).total >= report.total.lo
    assert _going_on(path, point)[1] < 40


def test_chunks_past_the_step_limit_end_the_path_at_once(tmp_path, monkeypatch):
    # 8,456 chunks of a few steps each pass a limit of 20,000 steps: running them one by one
    # would only reach the limit
    monkeypatch.setattr(limits, "MAX_STEPS", 20_000)
    point = Point(16, 2, BY_COUNT)
    path = _write(tmp_path, "estimator")
    report = analyze(path, point, formula=False)
    ends = [u for u in report.unpriced if u.what == "unbounded"]
    assert ends and "past the analysis' step limit" in ends[0].reason, report.unpriced
    assert measure(path, point).total >= report.total.lo
    assert _going_on(path, point)[1] < 40


def test_past_an_op_not_priced_the_budget_s_answers_are_unknown_and_the_loop_open(tmp_path):
    # after fnp.unwrap (not modelled) the budget query answers numbers flopcast does not know:
    # on the path that goes on both tests answer "go on", so nothing ends the loop there, as for
    # a counter against an unknown alone (open_loops.py); it ran the 100,000 iterations of the cap
    point = Point(16, 2, 2**41)
    path = _write(tmp_path, "estimator")
    path.write_text(path.read_text().replace("        chunk = x.shape[0]\n",
                                             "        fnp.unwrap(w)\n        chunk = x.shape[0]\n"))
    report = analyze(path, point, formula=False)
    ends = [u for u in report.unpriced if u.what == "unbounded"]
    assert ends and "a number flopcast does not know" in ends[0].reason, report.unpriced
    assert measure(path, point).total >= report.total.lo
    assert _going_on(path, point)[1] < 40
