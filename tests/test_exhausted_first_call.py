"""A first call of predict that runs out of budget: flopscope refuses the op that passes the budget,
whestbench zeroes that MLP and calls predict on the same instance for the next one, from the state
the instance had at the refused op (scoring.evaluate_estimator). flopcast prices the first call
whole (how far over budget it goes) and starts the later calls from the state at that op
(interpreter/exhausted_calls.py); where that state is not known, the later calls are a lower bound
from 0. Each fixture is held against the real flopscope running three MLPs on one instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer.api import analyze
from flopcast.model import Point
from oracle import measure_calls, measure_capped

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exhausted"
# (the smallest points whose first call runs out of budget: a 200-step chain of w @ w)
POINTS = [Point(8, 2, 100_000), Point(4, 3, 10_000)]
CALLS = 4  # the third follows a second call that runs out of budget


def _charged_before_refusal(report, budget: int) -> int:
    """What flopscope charges before it refuses the op that would pass the budget."""
    used = 0
    for charge in report.charges:
        if charge.flops > budget - used:
            return used
        used += charge.flops
    raise AssertionError("the path never passes the budget")


def _runs(name: str, point: Point) -> tuple:
    path = FIXTURES / f"{name}.py"
    return analyze(path, point), measure_calls(path, point, CALLS, go_on=True)


@pytest.mark.parametrize("name", ["flag_then_exhaust", "flag_then_exhaust_in_empty_finally"])
@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_the_next_call_starts_from_the_state_at_the_refused_op(name: str, point: Point) -> None:
    """`self.warm = True`, then a loop past the budget; `if not self.warm:` the dear work. The
    first MLP runs out of budget with the flag set, every later one skips the dear work (8x2:
    99,840 exhausted then 64; before, flopcast said an exact 192,159 for every MLP). A `finally`
    that does nothing (`pass`) changes nothing as the exception leaves."""
    report, runs = _runs(name, point)
    assert runs[0].exhausted and report.total.hi > point.budget
    assert runs[0].total == _charged_before_refusal(report, point.budget)
    assert not report.lower_bound and not report.unpriced
    later = report.per_call[1]
    assert all(not m.exhausted and m.total == later.lo == later.hi for m in runs[1:])


@pytest.mark.parametrize("name", ["exhaust_then_flag", "exhaust_in_reused_call"])
@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_state_changed_only_after_the_refused_op_repeats_the_first_call(name: str, point: Point) -> None:
    """The flag is set after the work that runs the budget out: every MLP starts unset and runs
    out alike. The op refused falls where flopcast adds charges at once (a skipped loop's
    iterations; a helper called again with equal arguments, its result reused): those adds stop
    short of it, so the state is taken there (not knowing it would leave a lower bound)."""
    report, runs = _runs(name, point)
    assert all(m.exhausted and m.total == _charged_before_refusal(report, point.budget) for m in runs)
    assert report.exact and not report.per_call


@pytest.mark.parametrize("name, predict_line, refused_line", [("changed_after_exhaust", 11, 18),
                                                             ("stepped_in_loop", 11, 18),
                                                             ("cleared_in_finally", 13, 21)])
@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_state_at_the_refused_op_not_known_leaves_a_lower_bound_from_zero(name: str, predict_line: int,
                                                                            refused_line: int, point: Point) -> None:
    """The state the next call starts from is neither the one the first started from nor the one
    it ends with (a mode set again after the loop that runs out; a counter stepped in it), or
    code runs as the exception leaves (a `finally` clearing the flag): the later calls are not
    followed, and the total is a lower bound low enough for any of them."""
    report, runs = _runs(name, point)
    assert runs[0].exhausted
    assert report.lower_bound and all(report.total.lo <= m.total for m in runs[1:])
    assert [(u.what, u.span.line) for u in report.unpriced if f"runs out of budget at line {refused_line}" in u.reason] \
        == [("later calls", predict_line)]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_later_call_that_runs_out_of_budget_hands_on_the_state_at_the_refused_op(point: Point) -> None:
    """The second call sets the mode, then runs the budget out; the third and later do the least
    (8x2: 2,079, 99,840 exhausted, 64, 64). flopcast stopped at the second call with a lower bound
    of 2,079, above the third MLP's 64; the third call is now followed from the state at the op
    refused, and every call is exact."""
    report, runs = _runs("second_call_exhausts", point)
    assert runs[1].exhausted and report.per_call[1].lo > point.budget
    assert not report.lower_bound and not report.unpriced
    assert [(i.lo, i.hi) for i in report.per_call[::2]] == [(m.total, m.total) for m in runs[::2]]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_later_call_whose_state_at_the_refused_op_is_not_known_leaves_a_lower_bound_from_zero(point: Point) -> None:
    """As above, but the mode is set again after the loop: the third call's start is not known."""
    report, runs = _runs("second_call_changed_after", point)
    assert runs[1].exhausted
    assert report.lower_bound and all(report.total.lo <= m.total for m in runs)
    assert [u.span.line for u in report.unpriced if "call 2 runs out of budget at line 22" in u.reason] == [12]


@pytest.mark.parametrize("point", [Point(4, 2, 10_000)], ids=lambda p: p.label())
def test_a_call_that_dies_of_memory_error_leaves_the_later_calls_a_lower_bound(point: Point) -> None:
    """`self.warm = True` after an array past whestbench's memory limit: numpy refuses it, so the
    flag is never set and every MLP dies there alike (whestbench records the error and calls
    predict again on the same instance). Call 2 is a fresh instance's call 1 under the cap. Before,
    flopcast followed call 2 from the state the path ends with (warm) and said an exact 318 for it
    at 4x2; the run counts 15 (a lower bound from 0 now: that state is not followed)."""
    path = FIXTURES / "flag_after_memory_error.py"
    report = analyze(path, point)
    second = measure_capped(path, point, seed=1)
    assert second.error == "MemoryError" and second.line == 12
    later = report.per_call[1]
    assert later.lo <= second.total <= later.hi
    assert report.lower_bound


@pytest.mark.parametrize("point", [Point(4, 2, 10_000)], ids=lambda p: p.label())
def test_a_later_call_that_dies_of_memory_error_leaves_the_calls_after_it_unknown(point: Point) -> None:
    """Call 1 steps `self.calls` to 1; call 2 makes an array past whestbench's memory limit before
    it steps it to 2, so it and every later call die there after 15 FLOPs at 4x2 (the first
    fixture's call 1, under the cap: the same ops up to the allocation). Before, flopcast said
    "exact for each call; call 2 63; call 3 and every later call 318", naming no MemoryError."""
    report = analyze(FIXTURES / "second_call_memory_error.py", point)
    dying = measure_capped(FIXTURES / "flag_after_memory_error.py", point, seed=1)
    assert dying.error == "MemoryError"
    assert report.lower_bound
    assert all(later.lo <= dying.total for later in report.per_call[1:])
