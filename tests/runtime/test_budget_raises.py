"""A budget exhausted midway: flopscope raises BudgetExhaustedError at the first charge that
costs more than what is left (``cost > budget - used``, checked before charging). The
analysis names that charge's line as a Raise, keeps the total as if the run were unbounded
(what FC001 and `fit` read), and `verify` calls the run that stops there a match."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Interval, Point
from flopcast.runtime.diff import RAISES, compare
from flopcast.runtime.protocol import BUDGET_EXHAUSTED
from flopcast.runtime.verify import verify_point

from .helpers import fixture, run_here

PATH = fixture("budget_midway")
UNBOUNDED = Point(16, 4, 2**41)


def half_budget() -> Point:
    return replace(UNBOUNDED, budget=analyze(PATH, UNBOUNDED).total.lo // 2)


def test_the_raise_is_at_the_charge_where_flopscope_stops():
    point = half_budget()
    report = analyze(PATH, point)
    (raised,) = report.raises
    assert raised.budget and raised.every_path and raised.exc_type == "BudgetExhaustedError"
    runtime = run_here(PATH, point.width, point.depth, point.budget)
    assert runtime.status == BUDGET_EXHAUSTED
    assert (raised.span.line, runtime.error.op) == (runtime.error.span.line, report.charges[raised.charges_before].op)
    assert sum(c.flops for c in report.charges[:raised.charges_before]) == runtime.flops_used
    assert f"only {runtime.error.flops_remaining:,} remain" in raised.what


def test_the_total_stays_the_count_of_the_whole_run():
    point = half_budget()
    assert analyze(PATH, point).total.lo == run_here(PATH, UNBOUNDED.width, UNBOUNDED.depth).flops_used


def test_a_budget_that_suffices_raises_nothing():
    report = analyze(PATH, replace(UNBOUNDED, budget=analyze(PATH, UNBOUNDED).total.lo))
    assert not report.raises


def test_verify_calls_the_run_that_stops_there_raises_as_predicted():
    result = verify_point(PATH, half_budget(), timeout=120)
    assert result.verdict == RAISES and result.matched
    assert result.dynamic_total == result.run.flops_used


def test_a_run_that_stops_elsewhere_is_not_a_match():
    point = half_budget()
    report = analyze(PATH, point)
    runtime = run_here(PATH, point.width, point.depth, point.budget)
    moved = replace(report.raises[0], span=replace(report.raises[0].span, line=report.raises[0].span.line + 1))
    report.raises[:] = [moved]
    assert compare(point, report, runtime).verdict == "OVER BUDGET"


def test_nothing_is_claimed_after_an_op_flopcast_cannot_price(tmp_path):
    # an unpriced op first: the running total is not known, so neither is the line of the raise
    text = PATH.read_text().replace("rows = []", "rows = [fnp.sum(fnp.gradient(x, x))]")  # coordinate spacing: unpriced
    path = tmp_path / "estimator.py"
    path.write_text(text)
    report = analyze(path, half_budget())
    assert report.lower_bound and not report.raises


def test_an_overrun_the_report_cannot_place_is_a_match_when_every_path_passes_the_budget():
    # a generator's charges are filed ahead of its consumer's: no Raise names the op, but the
    # total says the run cannot finish; what it charged before stopping is at most the report's
    path = fixture("budget_in_generator")
    point = replace(UNBOUNDED, budget=analyze(path, UNBOUNDED).total.lo // 2)
    report = analyze(path, point)
    assert not report.raises and not report.unpriced and report.total.lo > point.budget
    result = verify_point(path, point, timeout=120)
    assert result.run.status == BUDGET_EXHAUSTED
    assert result.verdict == RAISES and result.matched


def test_an_overrun_the_report_cannot_place_is_a_match_when_some_paths_pass_the_budget():
    # the same, on the paths where a test of the data holds: the report says "over budget on
    # some paths" with no Raise naming the op (verify called the run's stop a mismatch)
    path = fixture("budget_in_generator_some_paths")
    point = replace(UNBOUNDED, budget=analyze(path, UNBOUNDED).total.hi // 2)
    report = analyze(path, point)
    assert not report.raises and not report.unpriced and report.total.lo <= point.budget < report.total.hi
    result = verify_point(path, point, timeout=120)
    assert result.run.status == BUDGET_EXHAUSTED
    assert result.verdict == RAISES and result.matched


def test_a_run_over_a_budget_the_report_says_suffices_is_over_budget():
    path = fixture("budget_in_generator")
    point = replace(UNBOUNDED, budget=analyze(path, UNBOUNDED).total.lo // 2)
    report = analyze(path, point)
    report.total = Interval(report.total.lo // 4, point.budget)  # a report that says the run fits
    assert compare(point, report, run_here(path, point.width, point.depth, point.budget)).verdict == "OVER BUDGET"


def test_a_generator_body_that_charges_nothing_leaves_the_line_of_the_raise_known(tmp_path):
    # the body runs ahead of its consumer, but handing out layers (or chunk bounds) charges
    # nothing, so the running total at each charge is still the run's
    text = PATH.read_text().replace("class Estimator", "def layers(mlp):\n    for w in mlp.weights:\n"
                                    "        yield w\n\n\nclass Estimator", 1)
    path = tmp_path / "estimator.py"
    path.write_text(text.replace("for w in mlp.weights:\n            x =", "for w in layers(mlp):\n            x ="))
    point = half_budget()
    (raised,) = analyze(path, point).raises
    assert raised.budget and raised.every_path
    result = verify_point(path, point, timeout=120)
    assert result.verdict == RAISES and result.matched


#: A generator of column sums (``{body}``) its consumer takes whole with list(), then a
#: value-dependent branch (always taken at run time) whose matmuls make that path pass a budget
#: the other path fits in: flopscope stops the run at one of those matmuls.
LISTED_GENERATOR = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def columns(w):
        {body}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            feats = fnp.stack(list(columns(w)))
            x = fnp.ones((mlp.width, mlp.width), dtype=fnp.float32)
            if float(fnp.max(w)) > -1e30:
                for v in mlp.weights:
                    x = x @ v
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(feats) + fnp.sum(x)
    """


def _stops_where_the_report_says(path, width: int, depth: int) -> None:
    paths = analyze(path, Point(width, depth, 2**41)).total
    point = Point(width, depth, (paths.lo + paths.hi) // 2)  # the cheap path fits, the dear one does not
    report = analyze(path, point)
    runtime = run_here(path, width, depth, point.budget)
    assert runtime.status == BUDGET_EXHAUSTED
    (raised,) = [r for r in report.raises if r.budget]
    assert not raised.every_path and raised.span == runtime.error.span
    assert f"{runtime.error.op} would cost {runtime.error.flop_cost:,} FLOPs" in raised.what
    assert compare(point, report, runtime).verdict == RAISES


@pytest.mark.parametrize("width, depth", [(8, 4), (12, 3)])
def test_a_generator_list_takes_whole_leaves_the_op_the_budget_runs_out_at_known(tmp_path, width, depth):
    # list() charges nothing between the items: the body's charges come in the run's order
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(LISTED_GENERATOR).format(
        body="for k in range(3):\n        yield fnp.sum(w * float(k + 1), axis=0)"))
    _stops_where_the_report_says(path, width, depth)


@pytest.mark.parametrize("width, depth", [(8, 4), (12, 3)])
def test_a_generator_expression_a_listed_generator_yields_from_keeps_the_run_order(tmp_path, width, depth):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(LISTED_GENERATOR).format(
        body="yield fnp.sum(w, axis=0)\n    yield from (fnp.sum(w * float(k), axis=0) for k in range(2, 4))"))
    _stops_where_the_report_says(path, width, depth)


def test_a_run_answering_the_sites_in_a_combination_no_path_takes_may_stop_at_an_op_no_raise_names():
    # the Raises are the explored paths' own: the run, True at the first layer's site only, spends
    # otherwise and stops at the exp at line 18, which no path stops at (verify said OVER BUDGET,
    # a failure, though the report's interval holds the run: kept_features at 11x3, budget 7,000)
    path = fixture("budget_stops_elsewhere")
    point = Point(8, 3, 1100)
    report = analyze(path, point)
    assert report.total.lo > point.budget and not report.unpriced
    assert 18 not in [r.span.line for r in report.raises] and report.budget_stops_elsewhere
    result = verify_point(path, point, timeout=120)
    assert result.run.status == BUDGET_EXHAUSTED and result.run.error.span.line == 18
    assert result.verdict == RAISES and result.matched
