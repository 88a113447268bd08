"""Sites consulted by every MLP's call of predict (joins.py, "Later calls of predict").

whestbench calls predict on one instance for every MLP; when the first call leaves state a later
one reads, flopcast follows the later calls. The joins of every call are kept, so sites whose
costs add up in every call are priced from the nominal path and one run per flipped site, each
call's interval its own — past the path cap too, where every call's interval is closed.

The oracle is twofold: every combination of options run by the same analyzer (no cap), whose
per-call intervals the separated ones equal, and the real flopscope count of each MLP's call on
one instance, which lies inside its call's interval.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exploring import both_ways
from oracle import measure_calls

from flopcast.analyzer import analyze
from flopcast.analyzer.api import _per_call
from flopcast.analyzer.paths import MAX_PATHS
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "separable"
POINTS = [Point(16, 3, 10**9), Point(32, 2, 10**9)]
ids = [f"{p.width}x{p.depth}" for p in POINTS]


def per_call(explored) -> list:
    return _per_call(explored.results, [r.total for r in explored.results], explored.per_call or ())


@pytest.mark.parametrize("name", ["later_rescales", "later_safety_nets", "later_second_net", "first_call_guards"])
@pytest.mark.parametrize("point", POINTS, ids=ids)
def test_sites_every_call_consults_are_priced_separately_each_call_as_every_combination_prices_it(name, point):
    """Rescale guards in every call (a projection made by the first call makes the second cheaper),
    with a safety net that raises out of the first call, or out of the second (it is consulted
    from the second call on)."""
    separate, every = both_ways(FIXTURES / f"{name}.py", point)
    assert separate.combined is not None, "the sites' costs add up in every call: they should be priced separately"
    assert not every.capped and len(every.results) > MAX_PATHS
    assert len(per_call(every)) == 2
    assert per_call(separate) == per_call(every)


@pytest.mark.parametrize("name", ["later_rescales", "later_safety_nets"])
@pytest.mark.parametrize("point", POINTS, ids=ids)
def test_past_the_path_cap_each_calls_interval_is_closed_and_holds_the_real_count(name, point):
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert len(report.per_call) == 2 and report.per_call_settled
    assert report.per_call[0] != report.per_call[1]
    for i, real in enumerate(measure_calls(path, point, 3)):
        call = report.per_call[min(i, len(report.per_call) - 1)]
        assert call.contains(real.total), f"call {i + 1}: {call} vs the run's {real.total:,}"


@pytest.mark.parametrize("point", POINTS, ids=ids)
def test_a_guard_whose_effect_a_later_call_reads_is_not_priced_separately(point):
    """The first guard keeps its scale on self when it fires, and every later call pays for it:
    that guard's `if` does not rejoin, so no sum is claimed; past the cap the total stays a lower
    bound whose high end is open."""
    path = FIXTURES / "later_scale_kept.py"
    separate, every = both_ways(path, point)
    assert separate.combined is None and separate.capped
    report = analyze(path, point)
    assert "paths" in {u.what for u in report.unpriced}
    assert not every.capped and per_call(every)[1].lo < per_call(separate)[1].lo


@pytest.mark.parametrize("point", POINTS, ids=ids)
def test_guards_of_the_first_call_alone_leave_every_later_call_priced(point):
    """Guards consulted by the first call only (making what later calls reuse): the separated
    paths' later calls are priced too, each call's interval closed and holding the real call."""
    path = FIXTURES / "first_call_guards.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert len(report.per_call) == 2 and report.per_call[1].exact and not report.per_call[0].exact
    for i, real in enumerate(measure_calls(path, point, 3)):
        call = report.per_call[min(i, len(report.per_call) - 1)]
        assert call.contains(real.total), f"call {i + 1}: {call} vs the run's {real.total:,}"
