"""match statements (PEP 634), proven against the real flopscope.

On known values a match runs the case Python would run (value, class, sequence and mapping
patterns, captures, guards): the prediction is exact. On a number read from data each
pattern test is a branch site, like one `if` of an if-chain, and the interval contains
the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"
BUDGET = 2**41


# 8 and 16: a dataclass class pattern with keywords; 32: a mapping pattern with **rest and a
# guard; 72: a builtin class pattern `int(n)` with a guard, then a positional class pattern
@pytest.mark.parametrize("width,depth", [(8, 1), (16, 2), (32, 2), (72, 1)])
def test_match_on_known_values_runs_the_matching_case_exactly(width, depth):
    path = FIXTURES / "match_known.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    where = f" — match_known.py at {width}x{depth}"
    assert not report.unpriced, f"unpriced {report.unpriced}{where}"
    assert not report.uncertain, f"value-dependent sites {report.uncertain}{where}"
    assert_exact_match(report, measure(path, point), where)


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 2)])
def test_match_on_a_number_read_from_data_is_a_branch_site_per_pattern(width, depth):
    path = FIXTURES / "match_data.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.unpriced
    patterns = {(u.span.line, u.reason.split(" depends")[0]) for u in report.uncertain if "case" in u.reason}
    assert patterns == {(11, "`case 0`"), (13, "`case 1`"), (13, "`case 2`")}
    assert not report.total.exact and report.total.contains(runtime), f"{report.total} vs the run's {runtime:,}"
