"""Numbers kept in a loop's state that change at every iteration (flopcast/analyzer/counters.py).

A loop is skipped once such a number is proven to steer nothing; wherever it is read
another way (a shape, text, a reused call), every iteration runs. The counts are
flopscope's either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer import analyze
from flopcast.analyzer.values import Known
from flopcast.model import Point
from test_paths import assert_counted_exactly, line_runs, run_counting

COUNTERS = Path(__file__).resolve().parent / "fixtures" / "steady" / "state_counters.py"


@pytest.mark.parametrize("width,depth", [(8, 9), (16, 12), (16, 40)])
def test_loops_with_numbers_that_change_each_iteration_are_counted_exactly(width, depth):
    assert_counted_exactly(COUNTERS, Point(width, depth, 2**41))


#: One worker runs this module (make test: --dist loadgroup), so the module's `runs` are made once, not once per worker.
pytestmark = pytest.mark.xdist_group("state-counters")


@pytest.fixture(scope="module")
def runs():
    """How many times each line ran at depth 8 and at depth 400 (width 16), by its text."""
    return line_runs(COUNTERS, 16, (8, 400))


def test_a_count_that_only_weighs_arrays_is_skipped(runs):
    assert runs("acc = acc.update(x)")[400] == runs("acc = acc.update(x)")[8] < 8


def test_a_number_that_is_only_compared_is_skipped_up_to_where_an_answer_changes(runs):
    assert runs("y = fnp.tanh(state.x @ w)")[400] < 100  # `state.layer == half`: the layers around it run
    assert runs("x = x @ w")[400] < 40  # a doubling count crosses `grow.n > 40` early


def test_a_log_only_appended_to_is_skipped(runs):
    assert runs("x = fnp.tanh(x @ w) * 0.5")[400] == runs("x = fnp.tanh(x @ w) * 0.5")[8] < 8


def test_a_log_only_appended_to_is_skipped_with_array_memory_traced():
    # `analyze` traces memory: its walks of the live arrays pass through the log, which is
    # the analysis reading it, not the program.
    from flopcast.analyzer.interpreter import Decisions
    from flopcast.analyzer.memory import MemoryTracker
    from flopcast.analyzer.program import load_program
    from flopcast.analyzer.trace import Trace
    from test_paths import Counting

    line = next(n + 1 for n, t in enumerate(COUNTERS.read_text().splitlines()) if t.strip() == "log.note(\"tanh\")")
    executed = {}
    for depth in (8, 400):
        interp = Counting(load_program(COUNTERS), 16, depth, 2**41, Decisions(), trace=Trace(memory=MemoryTracker()))
        interp.executed = {}
        interp.run("Estimator")
        executed[depth] = interp.executed.get(line, 0)
    assert executed[400] == executed[8] < 8


def test_a_division_by_a_count_that_reaches_zero_runs_the_layer_that_raises(runs):
    assert runs("x = x * (1.0 / zero.n)")[400] < 100
    assert runs("x = x @ w + 1.0") == {8: 1, 400: 1}


@pytest.mark.parametrize("text", [
    "x = fnp.tanh(x @ w) + fnp.sum(fnp.ones((reads.n % 3 + 1, width)))",  # a shape
    "x = x @ w if len(str(text.n)) > 2 else fnp.tanh(x)",  # text
    "x = scaled(x @ w, called.n)",  # a call that branches on it (`k % 4 == 3`)
    "x = x @ w if len(seen.used) < 5 else fnp.tanh(x)",  # a log read inside the loop
])
def test_a_number_read_any_other_way_keeps_every_iteration(runs, text):
    assert runs(text) == {8: 8, 400: 400}


def test_the_hook_that_watches_numbers_is_gone_after_the_analysis():
    analyze(COUNTERS, Point(8, 9, 2**41), formula=False)
    assert "value" not in Known.__dict__


REBOUND = Path(__file__).resolve().parent / "fixtures" / "steady" / "rebound_names.py"


@pytest.mark.parametrize("width,depth", [(8, 3), (16, 8)])
def test_a_count_watched_past_names_the_first_iteration_binds_is_counted_exactly(width, depth):
    assert_counted_exactly(REBOUND, Point(width, depth, 2**41))


def test_a_count_watched_past_names_the_first_iteration_binds_is_skipped():
    """Before the first chunk `layer` is unbound: the walk before the second chunk meets the last
    layer first, through `layer`, so the list of layers holds fewer of the numbers it met; its
    scales are not compared as numbers that changed (repeats._restocked). The count is watched;
    the chunk where it equals `8 * depth` still runs."""
    lines = {t.strip(): n + 1 for n, t in enumerate(REBOUND.read_text().splitlines())}
    chunk, middle = lines["acc = acc + fnp.mean(h, axis=0)"], lines["z = z * 0.5"]
    for depth in (8, 40):
        executed = run_counting(REBOUND, 16, depth)[1].executed
        assert executed[middle] == 1
        assert executed[chunk] < 10, depth
