"""Sites whose costs add up (flopcast/analyzer/joins.py): a branch that leaves the program in
the same state either way is priced from the nominal path and one run per flipped site, and
the interval is exactly the one running every combination gives — past the path cap too.

The oracle is twofold: full enumeration of the paths by the same analyzer (no cap), and the
real flopscope count, which must lie inside.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exploring import both_ways, interval
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.paths import MAX_PATHS
from flopcast.model import Point

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "separable"
CORPUS = HERE / "realistic" / "estimators"
POINT = Point(16, 3, 10**9)


@pytest.mark.parametrize("name", ["safety_nets", "rescales"])
def test_independent_sites_are_priced_from_one_run_per_site_not_every_combination(name):
    separate, every = both_ways(FIXTURES / f"{name}.py", POINT)
    assert separate.combined is not None, "the sites' costs add up: they should be priced separately"
    assert len(separate.results) < len(every.results)
    assert not every.capped
    assert interval(separate) == interval(every)


@pytest.mark.parametrize("point", [POINT, Point(32, 2, 10**9)], ids=lambda p: f"{p.width}x{p.depth}")
def test_past_the_path_cap_the_interval_is_closed_and_holds_the_real_count(point):
    path = FIXTURES / "rescales.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert len(report.uncertain) == 8 and 2 ** 8 > MAX_PATHS
    real = measure(path, point).total
    assert report.total.lo < report.total.hi
    assert report.total.contains(real), f"{report.total} vs the run's {real:,}"


def test_choices_inside_assignments_rejoin_like_if_statements():
    """`x = x / s if s > limit else x` and `default_rng(seed or None)` end where their statement
    ends, as an `if` does: seven of them are priced from eight runs, the interval the 128 give."""
    separate, every = both_ways(FIXTURES / "chosen_values.py", POINT)
    assert separate.combined is not None, "the choices' costs add up: they should be priced separately"
    assert not every.capped and len(every.results) == 2 ** 7 > MAX_PATHS
    assert interval(separate) == interval(every)


@pytest.mark.parametrize("point", [POINT, Point(32, 2, 10**9)], ids=lambda p: f"{p.width}x{p.depth}")
def test_choices_inside_assignments_past_the_cap_hold_the_real_count(point):
    path = FIXTURES / "chosen_values.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert len(report.uncertain) == 7
    real = measure(path, point).total
    assert report.total.contains(real), f"{report.total} vs the run's {real:,}"


def test_fallback_ladders_that_return_from_their_try_rejoin_at_the_callers_statement():
    """`try: return cholesky(c)` / `except LinAlgError: return fallback`: the rung ends where the
    caller binds the value, and joins there; seven such ladders are priced from eight runs, the
    interval the 128 give."""
    separate, every = both_ways(FIXTURES / "fallback_ladders.py", POINT)
    assert separate.combined is not None, "the ladders' costs add up: they should be priced separately"
    assert not every.capped and len(every.results) == 2 ** 7 > MAX_PATHS
    assert interval(separate) == interval(every)


@pytest.mark.parametrize("point", [POINT, Point(32, 2, 10**9)], ids=lambda p: f"{p.width}x{p.depth}")
def test_fallback_ladders_past_the_cap_hold_the_real_count(point):
    path = FIXTURES / "fallback_ladders.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert len(report.uncertain) == 7
    real = measure(path, point).total
    assert report.total.contains(real), f"{report.total} vs the run's {real:,}"


def test_sites_inside_helpers_rejoin_through_generators_method_arguments_and_fresh_objects():
    """Safety nets and rescales reached the way helpers are written: layers handed out by a
    generator that only yields (its body, run ahead of the loop, moves no charge and consults
    nothing), a check called as the argument of `rows.append(...)` (the caller waits holding only
    the bound method), and `Propagator(cfg).run(mlp)` (the new object is the method's `self`).
    Seven sites are priced from a run per site; a rescale met in every layer may answer
    differently per layer, so the interval holds every same-answer combination and more."""
    separate, every = both_ways(FIXTURES / "kept_helpers.py", POINT)
    assert separate.combined is not None, "the sites' costs add up: they should be priced separately"
    assert len(separate.results) < len(every.results) and not every.capped
    lo, hi = interval(separate)
    assert lo <= interval(every)[0] and interval(every)[1] <= hi


@pytest.mark.parametrize("point", [POINT, Point(32, 2, 10**9)], ids=lambda p: f"{p.width}x{p.depth}")
def test_sites_inside_helpers_past_the_cap_hold_the_real_count(point):
    path = FIXTURES / "kept_helpers.py"
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    real = measure(path, point).total
    assert report.total.lo < report.total.hi
    assert report.total.contains(real), f"{report.total} vs the run's {real:,}"


def test_fallback_ladders_whose_rungs_return_what_the_caller_tells_apart_run_every_combination():
    separate, every = both_ways(FIXTURES / "persisting_ladders.py", Point(16, 2, 10**9))
    assert separate.combined is None
    assert interval(separate) == interval(every)


def test_sites_whose_choices_persist_are_run_in_every_combination():
    separate, every = both_ways(FIXTURES / "entangled.py", POINT)
    assert separate.combined is None
    assert interval(separate) == interval(every)


#: corpus files whose paths are known to pass the cap at 16x2, or too many or too slow to enumerate in a test (the
#: enumeration below would take minutes to find that out and skip)
_CAPPED = {"ridge_sweep": "past the 64-path cap at 16x2 (95 s to enumerate, session 25's CI)",
           "portfolio_atlas": "past the 64-path cap at 16x2 with its diagnostics on (71 paths, 39 s to enumerate, session 41)",
           # (the floor a capped exploration reports is checked on fixtures: test_paths.py,
           # test_capped_floor_is_below_every_path_not_run and the capped-interval fuzz)
           "riccati_filter": "1,140 paths at any size, every one enumerated: 50-60 CPU s, the suite's longest test "
                             "(session 41); its separate pricing passes the cap and reports a floor",
           "ritz_deflation": "past the 64-path cap at 16x2 in its Krylov arm (17 s to find that out, session 42)",
           # session 47: their loop stops now switch where the later work's state changes
           # (late_stops.py), which multiplies the combinations to enumerate (CI CPU seconds)
           "active_threshold": "every combination of its switched stops: 275 s to enumerate (session 47's CI)",
           "twin_gram": "every combination of its switched stops: 68 s to enumerate (session 47's CI)",
           "adaptive_simpson": "every combination of its switched stops: 40 s to enumerate (session 47's CI)",
           "logspace_ladder": "every combination of its switched stops: 27 s to enumerate (session 47's CI)",
           "reduce_compose": "every combination of its switched stops: 22 s to enumerate (session 47's CI)",
           # session 48: the files whose enumeration took over 4 s in session 47's CI. Each of their site
           # kinds is enumerated in other files here, and power_deflate (3.6 s) still passes the cap
           # (the floor's branch below).
           "whitened_moments": "16 s to enumerate (session 47's CI)",
           "precision_tags": "10 s to enumerate (session 47's CI)",
           "lstsq_ladder": "8.4 s to enumerate (session 47's CI)",
           "enum_tactics": "5.7 s to enumerate (session 47's CI)",
           "locked_subspace": "5.1 s to enumerate (session 47's CI)",
           "portfolio_planner": "4.8 s to enumerate (session 47's CI)",
           "krylov_sampler": "4.6 s to enumerate (session 47's CI)",
           "anderson_moments": "4.1 s to enumerate (session 47's CI)",
           # session 49: every combination of its switched stops and sites
           "hasty_sketch": "513 s to enumerate (session 49's CI)",
           # session 52: 16 batches at 16x2 1e8, each a finite net and a standard-error stop
           "mc_batches": "6.2 CPU s to enumerate (session 52, loaded machine)"}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.skip(reason=_CAPPED[p.stem])) if p.stem in _CAPPED
                                  else p for p in sorted(CORPUS.glob("*.py"))], ids=lambda p: p.stem)
def test_on_the_corpus_separate_pricing_never_changes_theinterval(path):
    separate, every = both_ways(path, Point(16, 2, 10**8), share_calls=True)
    if every.capped:
        pytest.skip("more paths than a test can enumerate")
    lo, hi = interval(every)
    if separate.capped and separate.combined is None:
        # The sites did not prove separable and their combinations pass the cap: the report's
        # low end is the least of what it explored and of the floor of the paths it did not (a
        # path not run may be the cheapest: riccati_filter's is), and the upper end is open.
        assert min(interval(separate)[0], separate.floor) <= lo and interval(separate)[1] <= hi
        return
    assert interval(separate) == (lo, hi)


@pytest.mark.parametrize("name", ["entangled", "rescales"])
def test_memory_is_reported_whether_or_not_the_sites_separate(name):
    """Runs made by a separate-pricing attempt that did not prove out leave no trace behind to
    be paired with the wrong path."""
    report = analyze(FIXTURES / f"{name}.py", POINT, memory=True)
    assert report.memory is not None and report.memory.peak > 0
