"""statistics.mean, median, median_low and median_high of a list of Python floats read from data
are a Python float whatever the values (the installed CPython's: no raise for a non-empty list, a
NaN or an infinity passed on), as fmean's is: the count goes on past them. Before, each was an
unmodelled call and the total a lower bound. math.fsum and statistics.fmean raise at an infinity
and its negative (ValueError) and past the largest float (OverflowError): inside a try that may
catch that, whether they do is a site (it was presumed away, a false exact); outside one the
count presumes they do not, and says so. So do stdev/pstdev (AttributeError at a NaN or an
infinity) and stdev/variance/pvariance (OverflowError past the largest float), as the installed
CPython says."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "float_statistics"


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_the_statistics_of_python_floats_are_python_floats(point):
    report = analyze(FIXTURES / "of_floats.py", point)
    assert report.exact and not report.unpriced
    assert report.total.lo == measure(FIXTURES / "of_floats.py", point).total


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_fmean_of_floats_in_a_try_may_raise(point):
    report = analyze(FIXTURES / "fmean_in_try.py", point)
    runtime = measure(FIXTURES / "fmean_in_try.py", point).total
    assert report.total.contains(runtime) and not report.total.exact, (report.total, runtime)


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_fsum_of_floats_outside_a_try_is_exact_only_presuming_it_does_not_raise(point):
    report = analyze(FIXTURES / "fsum_outside_try.py", point)
    assert report.exact and report.total.lo == measure(FIXTURES / "fsum_outside_try.py", point).total
    listed = to_json(report)["total"]["presumes_no_raise"]
    assert [(p["line"], p["op"], p["exception"]) for p in listed] == [
        (12, "math.fsum()", "ValueError"), (12, "math.fsum()", "OverflowError")]


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_the_spread_statistics_of_python_floats_are_exact_presuming_they_do_not_raise(point):
    # before: each was an unmodelled call and the total a lower bound
    report = analyze(FIXTURES / "spread_of_floats.py", point)
    assert report.exact and report.total.lo == measure(FIXTURES / "spread_of_floats.py", point).total
    listed = to_json(report)["total"]["presumes_no_raise"]
    assert [(p["line"], p["op"], p["exception"]) for p in listed] == [
        (12, "statistics.stdev()", "AttributeError"), (12, "statistics.stdev()", "OverflowError"),
        (13, "statistics.pstdev()", "AttributeError"), (14, "statistics.variance()", "OverflowError"),
        (15, "statistics.pvariance()", "OverflowError")]


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_stdev_of_an_infinity_in_a_try_catching_attribute_error_may_raise(point):
    report = analyze(FIXTURES / "stdev_inf_in_try.py", point)
    runtime = measure(FIXTURES / "stdev_inf_in_try.py", point).total
    assert not report.unpriced and report.total.contains(runtime) and not report.total.exact, (report.total, runtime)
