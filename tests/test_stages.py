"""The parts of an ensemble are priced as stages (joins.stage_groups): each part's paths run
alone, and the interval is the one every combination gives — closed past the path cap, with
the real flopscope count inside."""

from __future__ import annotations

from pathlib import Path

from exploring import both_ways
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.paths import MAX_PATHS
from flopcast.model import Point

ENSEMBLE = Path(__file__).resolve().parent / "fixtures" / "stages" / "ensemble.py"


def test_an_ensemble_past_the_path_cap_is_a_closed_interval_holding_the_real_count():
    for point in (Point(8, 2, 10**8), Point(16, 3, 10**8)):
        report = analyze(ENSEMBLE, point)
        assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
        assert len({u.span for u in report.uncertain}) >= 8  # 2^8 > MAX_PATHS combinations at least
        real = measure(ENSEMBLE, point).total
        assert report.total.lo < report.total.hi
        assert report.total.contains(real), f"{report.total} vs the run's {real:,}"


def test_the_stages_give_the_interval_every_combination_gives():
    staged, every = both_ways(ENSEMBLE, Point(8, 2, 10**8))
    assert staged.combined is not None and not every.capped
    assert len(every.results) > MAX_PATHS > len(staged.results)
    totals = [r.total for r in every.results]
    assert staged.combined == (min(totals), max(totals))
