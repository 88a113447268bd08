"""A conditional expression whose body is arithmetic on numbers read from data and whose orelse
is a float literal (``num / den if den > 0 else 0.0``) takes its body without a site: the body's
path covers the orelse's, which charges the same and knows one float the body leaves unknown
(covered_arms.py). Seven such guards per layer passed the 64-path cap (a lower bound); the float
left unknown still steers what reads it both ways, and the test's bound holds only in the body."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point
from flopcast.runtime.calibrate import calibrate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "covered_arms"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]


def _sites(report) -> list:
    return sorted(u.span.line for u in report.uncertain if u.span is not None)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_guarded_ratios_kept_for_a_log_take_no_site_and_the_count_is_exact(point):
    report = analyze(FIXTURES / "diagnostics.py", point)
    assert _sites(report) == []
    assert report.exact and not report.lower_bound
    assert report.total.lo == measure(FIXTURES / "diagnostics.py", point).total


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_the_float_a_guard_leaves_unknown_steers_later_code_both_ways(tmp_path, point):
    path = FIXTURES / "steering.py"
    report = analyze(path, point)
    assert _sites(report) == [19]  # `if ratio > 1e300:`, not the guard at line 18
    # The run where the guard takes its orelse (`low` is 0: the ratio is inf) charges line 20.
    source = path.read_text()
    guard = "if low > 0 else"
    assert guard in source
    forced = tmp_path / "orelse.py"
    forced.write_text(source.replace(guard, "if [low > 0, False][1] else"))
    counts = (measure(path, point).total, measure(forced, point).total)
    assert (report.total.lo, report.total.hi) == (min(counts), max(counts))
    # `low > 0` bounds `low` inside the guard's body only: the division after it may be by zero.
    assert [(r.span.line, r.exception) for r in report.presumes_no_raise] == [(21, "ZeroDivisionError")]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_calibration_watches_a_covered_guard_and_replays_the_arm_the_run_took(point):
    # The static paths ask no site at the guard, but the replay does: unwatched, it took the body
    # ("not reached by the small run") and ran the loop the real run skips.
    path = FIXTURES / "calibrated.py"
    report = analyze(path, point)
    calibration = calibrate(path, report, size=(8, 2))
    guard = [s for s in calibration.sites if s.span.line == 16]
    assert [(s.kind, s.approximate) for s in guard] == [("branch", False)]
    assert calibration.total == measure(path, point).total
