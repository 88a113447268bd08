"""A site a path answers alike at every execution (alike.py), met before the program reads the FLOPs
spent: a run answering it otherwise at some executions only has spent, at the read, what no path
has, and what it does next follows it. A loop that spends what is left after a guard in a loop
whose answers mix (tests/fixtures/alike/guards_then_meter.py) runs another number of passes than
every path: its count lies below every path's at one point and above at another. The report opens
the high end there, the low end what the paths had spent where they met the guard
(api._open_at_budget_reads). So with a value that stops a loop mid-way before the meter; one that
stops the meter's own loop inside its `while` test is not opened (test_budget_bounded_counts.py).
A read every use of which answers alike over the spends the paths had there (a gate whose threshold
is far from all of them) is moot: nothing is opened, and the interval holds every mix
(spent_ranges.py); where the gate's answer changes within them, the high end stays open."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "alike"
GUARDS_THEN_METER = FIXTURES / "guards_then_meter.py"  # guard: line 12
STOP_THEN_METER = FIXTURES / "stop_then_meter.py"  # the first loop's `while` test: line 12
GUARDS_THEN_EXHAUST = FIXTURES / "guards_then_exhaust.py"  # guard: line 12
GUARDS_THEN_GATE = FIXTURES / "guards_then_gate.py"  # guard: line 12; `if <remaining> > 12000:` after the loop
SIGN_CHANGE_GATE = FIXTURES / "sign_change_gate.py"  # guard: line 12; `if <remaining> > 18000:` after the loop

#: The paths' interval was [17,352, 18,134] at 8x2 (the runs 15,482 to 16,764 at seeds 0-7) and
#: [17,608, 18,278] at 16x2 with 22,000 (the runs 18,508 to 20,148): every run outside it.
POINTS = [Point(8, 2, 20_000), Point(16, 2, 22_000)]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_meter_after_guards_whose_answers_mix_holds_every_run(point):
    _holds_every_run(GUARDS_THEN_METER, point)


def test_a_meter_after_a_loop_a_value_stops_mid_way_holds_every_run():
    # a run stopping the loop at its k-th test has spent what neither path (stopping at the first
    # test or never) has when the meter reads: [17,352, 18,134] at 8x2, the runs 15,282 to 18,348
    _holds_every_run(STOP_THEN_METER, Point(8, 2, 20_000))


def test_a_budget_run_out_into_a_handler_after_guards_whose_answers_mix_holds_every_run():
    # the BudgetExhaustedError caught tells the program the FLOPs spent as a read does: the run
    # whose guards mix runs out at another pass ([19,168, 19,950] at 8x2, the runs 18,380 to 19,860)
    _holds_every_run(GUARDS_THEN_EXHAUST, Point(8, 2, 20_000))


def test_a_gate_far_from_every_spend_the_guards_leave_keeps_the_interval():
    # with 20,000 the remaining budget lies in [17,168, 20,000] whatever the guards answer: the
    # gate opens for every mix (main: a lower bound [0, 4,910]; the runs 2,986 to 4,322 at seeds 0-11)
    point = Point(8, 2, 20_000)
    report = analyze(GUARDS_THEN_GATE, point)
    assert not report.lower_bound and not report.unpriced, report.total
    for seed in (0, 2):
        run = measure(GUARDS_THEN_GATE, point, seed=seed).total
        assert report.total.lo <= run <= report.total.hi, (seed, run, report.total)


def test_a_gate_the_guards_mixes_answer_otherwise_stays_open():
    # with 13,500 the gate opens where the guards spent under 1,500: the paths (none, 2,064, and
    # all, 2,896) cost at most 2,896, but a mix spending ~1,400 opens the gate too (seed 0: 3,574)
    point = Point(8, 2, 13_500)
    report = analyze(GUARDS_THEN_GATE, point)
    run = measure(GUARDS_THEN_GATE, point, seed=0).total
    assert report.lower_bound and report.total.lo <= run and run > report.total.hi, (run, report.total)
    assert [(u.span.line, u.what) for u in report.unpriced] == [(12, "budget read")]


def test_a_gate_after_guards_whose_mixes_spend_outside_every_path_stays_open():
    # the guard's arms cost 100 then 400 in one layer and 400 then 100 in the other: both alike
    # paths spend the same before the gate (which stays shut: 2,092), but a mix spends 800 less and
    # opens it (seed 5: 3,292). A range of the spends at the read taken from the paths' own spends
    # calls the gate moot and the total 2,092; the stretches' sums reach the mix's (spent_ranges.py)
    point = Point(8, 2, 20_000)
    report = analyze(SIGN_CHANGE_GATE, point)
    run = measure(SIGN_CHANGE_GATE, point, seed=5).total
    assert report.lower_bound and report.total.lo <= run and run > report.total.hi, (run, report.total)


def _holds_every_run(path: Path, point: Point) -> None:
    report = analyze(path, point)
    for seed in (0, 2):  # (each outside the paths' interval on land)
        run = measure(path, point, seed=seed).total
        assert report.total.lo <= run and (report.lower_bound or run <= report.total.hi), (seed, run, report.total)
    assert [(u.span.line, u.what) for u in report.unpriced] == [(12, "budget read")]
