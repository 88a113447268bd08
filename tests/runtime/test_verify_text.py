"""What `flopcast verify` prints for a point, beyond the tables: the caveats a differing
point's report carried, so a reader can tell a broken assumption from an analyzer bug."""

from __future__ import annotations

from pathlib import Path

from flopcast.model import Charge, Interval, Point, Report, Span
from flopcast.runtime.diff import MISMATCH, compare
from flopcast.runtime.protocol import OK, RunResult
from flopcast.runtime.render import render_text

POINT = Point(width=32, depth=2, budget=10**6)
PATH = "/sub/estimator.py"
LOCK = Span(PATH, 12, 8, 12, 30)
DEFLATE = Span(PATH, 20, 11, 20, 40)


def charge(span, op, flops, certain=True):
    return Charge(span=span, op=op, flops=flops, dtype="float64", function="block_power", certain=certain)


def test_a_mismatch_under_sites_assumed_alike_names_the_assumption_and_its_lines():
    # The report priced every path whose site at line 12 answers the same each time; the run
    # mixed its answers and charged an expression (line 20) no such path reaches.
    report = Report(PATH, POINT, Interval(100, 400), charges=[charge(LOCK, "matmul", 400, certain=False)],
                    alike=[LOCK])
    run = RunResult(OK, charges=[charge(LOCK, "matmul", 200), charge(DEFLATE, "subtract", 50)], flops_used=250)
    result = compare(POINT, report, run)
    assert result.verdict == MISMATCH
    text = render_text(Path(PATH), [result], seed=0)
    assert "the prediction assumes each site answers the same at every execution (line 12; " \
           "a run that mixes answers may fall outside)" in text


def test_a_mismatch_with_no_site_assumed_alike_says_nothing_of_it():
    report = Report(PATH, POINT, Interval(400, 400), charges=[charge(LOCK, "matmul", 400)])
    run = RunResult(OK, charges=[charge(LOCK, "matmul", 200)], flops_used=200)
    text = render_text(Path(PATH), [compare(POINT, report, run)], seed=0)
    assert "assumes each site" not in text


def test_sites_assumed_alike_are_told_apart_by_column_on_one_line_and_by_file_in_a_helper():
    # two sites on line 12 read "line 12, 12" and a helper module's line read as the entry's
    twin = Span(PATH, 12, 40, 12, 52)
    helper = Span("/sub/nbkit/gauss.py", 73, 20, 73, 44)
    report = Report(PATH, POINT, Interval(100, 400), charges=[charge(LOCK, "matmul", 400, certain=False)],
                    alike=[LOCK, twin, helper])
    run = RunResult(OK, charges=[charge(LOCK, "matmul", 200), charge(DEFLATE, "subtract", 50)], flops_used=250)
    text = render_text(Path(PATH), [compare(POINT, report, run)], seed=0)
    assert "at every execution (lines 12:9, 12:41, gauss.py:73; " in text
