"""`flopcast verify` runs several MLPs on one estimator instance, as whestbench does, and holds
each call against the analyzer's per-call totals (analyzer/carried.py): a difference between
calls is never called a match."""

from __future__ import annotations

import dataclasses

from flopcast.model import Interval, Point
from flopcast.runtime.diff import EXACT, INSIDE, MISMATCH, compare
from flopcast.runtime.verify import static_report, verify_point

from .helpers import ROOT

CARRIED = ROOT / "tests" / "fixtures" / "carried"
POINT = Point(8, 2, 10**12)


def test_each_later_call_is_held_against_its_own_prediction():
    result = verify_point(CARRIED / "self_cache.py", POINT, memory_mib=None)
    assert result.verdict == EXACT
    assert [i for i, _, _ in result.calls] == [2, 3]
    assert all(static.exact and static.lo == counted for _, static, counted in result.calls)
    assert result.calls[0][2] != result.dynamic_total  # the second MLP costs less than the first


def test_a_report_of_one_number_for_calls_that_differ_is_a_mismatch():
    """The first call's count alone (what flopcast reported before it followed later calls)
    agrees with the first MLP, expression by expression: the second MLP's count is what tells."""
    path = CARRIED / "lru_helper.py"
    result = verify_point(path, POINT, memory_mib=None)
    assert result.verdict == EXACT
    report, _ = static_report(path, POINT, class_name=None, scorer=True)
    first = report.per_call[0]
    one_number = dataclasses.replace(report, per_call=[], total=Interval(first.lo, first.hi))
    assert compare(POINT, one_number, result.run).verdict == MISMATCH


def test_calls_past_those_followed_are_not_run_and_the_rest_match_inside():
    result = verify_point(CARRIED / "counter_unsettled.py", POINT, memory_mib=None)
    assert result.verdict == INSIDE  # a lower bound is never exact
    assert len(result.calls) == len(result.report.per_call) - 1
    assert all(static.contains(counted) for _, static, counted in result.calls)


def test_state_that_nothing_reads_needs_one_number():
    result = verify_point(CARRIED / "setup_only.py", POINT, memory_mib=None)
    assert result.verdict == EXACT and not result.report.per_call
    assert [counted for _, _, counted in result.calls] == [result.dynamic_total]
