"""FC001-FC003 and FC204: rules that read the analyzer's report."""

from __future__ import annotations

from flopcast.model import Machine

from .helpers import Interval, Uncertainty, Unpriced, charge, codes, report, span

SIMPLE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)
        y = x @ x.T
        z = y * 2.0
        return x
"""


# FC001 budget overrun ------------------------------------------------------------

def test_fc001_fires_when_the_prediction_exceeds_the_budget(check):
    found = check(SIMPLE, select="FC001",
                  report=lambda p: report(p, [charge(p, 8, 1_500_000), charge(p, 9, 100_000)]))
    assert codes(found) == ["FC001"]
    assert found[0].level.value == "error"
    assert "1,600,000" in found[0].message and "1,000,000" in found[0].message


def test_fc001_names_the_dominant_lines_with_their_share(check):
    found = check(SIMPLE, select="FC001", report=lambda p: report(
        p, [charge(p, 8, 900_000), charge(p, 9, 300_000), charge(p, 7, 100_000), charge(p, 10, 1)]))
    message = found[0].message
    assert "line 8 (69.2%), line 9 (23.1%), line 7 (7.7%)" in message
    assert "line 10" not in message  # only the top three


def test_fc001_is_placed_on_the_predict_definition(check):
    found = check(SIMPLE, select="FC001", report=lambda p: report(p, [charge(p, 8, 2_000_000)]))
    assert found[0].line == 6


def test_fc001_fires_when_only_the_upper_end_of_the_range_exceeds_the_budget(check):
    found = check(SIMPLE, select="FC001", report=lambda p: report(
        p, [charge(p, 8, 500_000)], total=Interval(500_000, 1_200_000)))
    assert codes(found) == ["FC001"]
    assert "upper end" in found[0].message


def test_fc001_is_quiet_within_the_budget(check):
    found = check(SIMPLE, select="FC001", report=lambda p: report(p, [charge(p, 8, 1_000_000)]))
    assert found == []


# FC002 unpriced ------------------------------------------------------------------

def test_fc002_reports_each_unpriced_op_as_a_lower_bound_warning(check):
    found = check(SIMPLE, select="FC002", report=lambda p: report(
        p, [charge(p, 8, 10)], unpriced=[Unpriced(span(p, 9), "fnp.frobnicate", "unknown op")]))
    assert codes(found) == ["FC002"]
    assert found[0].level.value == "warning"
    assert found[0].line == 9
    assert "lower bound" in found[0].message and "fnp.frobnicate" in found[0].message


def test_fc002_is_quiet_when_everything_is_priced(check):
    assert check(SIMPLE, select="FC002", report=lambda p: report(p, [charge(p, 8, 10)])) == []


# FC003 value-dependent cost ------------------------------------------------------

def test_fc003_reports_each_value_dependent_place(check):
    found = check(SIMPLE, select="FC003", report=lambda p: report(
        p, [charge(p, 8, 10)], total=Interval(10, 20),
        uncertain=[Uncertainty(span(p, 9), "branch", "condition reads array values")]))
    assert codes(found) == ["FC003"]
    assert found[0].line == 9
    assert "[10, 20]" in found[0].message


def test_fc003_reports_an_inexact_total_even_without_a_located_cause(check):
    found = check(SIMPLE, select="FC003",
                  report=lambda p: report(p, [charge(p, 8, 10)], total=Interval(10, 20)))
    assert codes(found) == ["FC003"]
    assert found[0].line == 6


def test_fc003_is_quiet_for_an_exact_prediction(check):
    assert check(SIMPLE, select="FC003", report=lambda p: report(p, [charge(p, 8, 10)])) == []


# FC204 return shape --------------------------------------------------------------

def test_fc204_fires_on_a_returned_shape_other_than_depth_by_width(check):
    found = check(SIMPLE, select="FC204",
                  report=lambda p: report(p, [charge(p, 8, 10)], returned=((3, 64), "float32")))
    assert codes(found) == ["FC204"]
    assert found[0].level.value == "error"
    assert found[0].line == 10  # the return statement
    assert "(3, 64)" in found[0].message and "(4, 64)" in found[0].message


def test_fc204_recognises_a_transposed_result(check):
    found = check(SIMPLE, select="FC204",
                  report=lambda p: report(p, [charge(p, 8, 10)], returned=((64, 4), "float32")))
    assert "transposed" in found[0].message


def test_fc204_is_quiet_for_the_right_shape_or_an_unknown_one(check):
    assert check(SIMPLE, select="FC204",
                 report=lambda p: report(p, [charge(p, 8, 10)], returned=((4, 64), "float32"))) == []
    assert check(SIMPLE, select="FC204", report=lambda p: report(p, [charge(p, 8, 10)])) == []


def test_fc001_names_lines_of_sibling_modules_by_their_file(check):
    def made(p):
        helper = str(__import__("pathlib").Path(p).parent / "helpers.py")
        return report(p, [charge(helper, 3, 2_000_000), charge(p, 8, 10)])
    found = check(SIMPLE, select="FC001", report=made, others={"helpers.py": "import math\n\n\n"})
    assert "helpers.py:3 (100.0%)" in found[0].message


# FC205 raises ------------------------------------------------------------------------

def test_fc205_fires_on_a_raise_the_analyzer_found(check):
    from flopcast.model import Raise

    def with_raise(p):
        r = report(p, [charge(p, 8, 10)])
        r.raises.append(Raise(span(p, 9), "IndexError: list index out of range", every_path=False))
        return r

    found = check(SIMPLE, select="FC205", report=with_raise)
    assert codes(found) == ["FC205"] and found[0].level.value == "error"
    assert "on some value-dependent paths" in found[0].message and found[0].span.line == 9


def test_fc205_is_quiet_when_nothing_raises(check):
    assert check(SIMPLE, select="FC205", report=lambda p: report(p, [charge(p, 8, 10)])) == []


# FC303 machine-steered -------------------------------------------------------------

def test_fc303_flags_a_site_whose_value_came_from_a_clock_or_the_environment_once_a_line(check):
    found = check(SIMPLE, select="FC303", report=lambda p: report(
        p, [charge(p, 8, 10)], total=Interval(10, 20),
        uncertain=[Uncertainty(span(p, 8), "branch", "`t > 1` depends on values (result of time.perf_counter())",
                               Machine.CLOCK),
                   Uncertainty(span(p, 9), "branch", "`m` depends on values (the truth of an array's value)")],
        unpriced=[Unpriced(span(p, 8), "os.environ lookup", "os.environ['A'] is read from the environment"),
                  Unpriced(span(p, 10), "os.environ lookup", "os.environ['B'] is read from the environment")]))
    assert [(f.code, f.line) for f in found] == [("FC303", 8), ("FC303", 10)]
    assert found[0].message.startswith("a clock reading") and found[1].message.startswith("an environment variable")


def test_fc303_reads_where_the_value_came_from_not_how_the_reason_is_worded(check):
    # a site decided by a clock reading whose reason says so in other words is flagged; a reason
    # that quotes a clock call for a value not read from one (a user function's name) is not
    found = check(SIMPLE, select="FC303", report=lambda p: report(
        p, [charge(p, 8, 10)], total=Interval(10, 20),
        uncertain=[Uncertainty(span(p, 8), "branch", "`late` depends on the wall clock", Machine.CLOCK),
                   Uncertainty(span(p, 9), "branch", "`m` depends on values (result of time.perf_counter())")]))
    assert [(f.code, f.line) for f in found] == [("FC303", 8)]
    assert found[0].message.startswith("a clock reading")
