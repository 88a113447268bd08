"""A branch whose other answer ends the path's choices (flopcast/analyzer/ending_guards.py): a
safety net at the end of predict, caught by a fallback, doubles every path before it; its other
answer is priced from one run that took it in an equal state, not run on every path, and the
interval is the one running every combination gives, past the 64-path cap too.

The oracle is twofold: full enumeration of the paths by the same analyzer (no cap, nothing
priced), and the real flopscope count, which must lie inside.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exploring import both_ways, interval
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.paths import MAX_PATHS
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ending_guards"
POINTS = [Point(8, 2, 10**6), Point(16, 3, 10**6)]
PROGRAMS = ["net_after_a_search", "fallback_reads_a_choice"]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", PROGRAMS)
def test_the_nets_other_answer_is_priced_from_an_ending_run_in_an_equal_state(name, point):
    """fallback_reads_a_choice: the state at the net differs by ``rows``, so each of its two
    values needs an ending run of its own, and each prices only the paths that share it."""
    priced, every = both_ways(FIXTURES / f"{name}.py", point)
    assert not every.capped and len(every.results) > MAX_PATHS
    assert priced.priced is not None and not priced.capped and len(priced.results) < MAX_PATHS
    assert interval(priced) == interval(every)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", PROGRAMS)
def test_past_the_path_cap_the_report_is_an_interval_holding_the_real_count(name, point):
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    real = measure(path, point).total
    assert report.total.lo < report.total.hi
    assert report.total.contains(real), f"{report.total} vs the run's {real:,}"
