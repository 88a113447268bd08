"""The join of static and runtime charges on (span, op), and the verdict per point.

These use hand-written static charges (no analyzer) against hand-written runtime
results, so each rule of the verdict is pinned down on its own.
"""

from __future__ import annotations

from flopcast.model import SCORER_SPAN, Charge, Interval, Point, Report, Span, Unpriced
from flopcast.runtime.diff import EXACT, INSIDE, MISMATCH, ANALYZER_ERROR, compare
from flopcast.runtime.protocol import BUDGET_EXHAUSTED, OK, TIMEOUT, RunError, RunResult

POINT = Point(width=32, depth=2, budget=10**6)
PATH = "/sub/estimator.py"
MUL = Span(PATH, 10, 8, 10, 13)
ADD = Span(PATH, 10, 8, 10, 17)
EXP = Span(PATH, 12, 4, 12, 14)


def charge(span, op, flops, certain=True):
    return Charge(span=span, op=op, flops=flops, dtype="float32", function="Estimator.predict", certain=certain)


def report(*charges, total=None, unpriced=()):
    if total is None:
        lo = sum(c.flops for c in charges if c.certain)
        total = Interval(lo, sum(c.flops for c in charges))
    return Report(PATH, POINT, total, charges=list(charges), unpriced=list(unpriced))


def ran(*charges):
    return RunResult(OK, charges=list(charges), flops_used=sum(c.flops for c in charges))


def test_identical_logs_are_exact():
    log = [charge(MUL, "multiply", 64), charge(ADD, "add", 64)]
    result = compare(POINT, report(*log), ran(*log))
    assert result.verdict == EXACT
    assert result.matched
    assert result.dynamic_total == 128


def test_charges_are_summed_per_expression_before_comparing():
    # One static charge per loop pass or one for the whole loop: both join.
    static = report(charge(MUL, "multiply", 128))
    dynamic = ran(charge(MUL, "multiply", 64), charge(MUL, "multiply", 64))
    assert compare(POINT, static, dynamic).verdict == EXACT


def test_a_count_inside_a_value_dependent_range_is_inside():
    static = report(charge(MUL, "multiply", 64), charge(EXP, "exp", 1024, certain=False))
    dynamic = ran(charge(MUL, "multiply", 64))  # the branch with exp was not taken
    result = compare(POINT, static, dynamic)
    assert result.verdict == INSIDE
    assert result.matched


def test_a_differing_expression_is_a_mismatch_and_listed_first():
    static = report(charge(MUL, "multiply", 64), charge(ADD, "add", 64), charge(EXP, "exp", 1024))
    dynamic = ran(charge(MUL, "multiply", 64), charge(ADD, "add", 64), charge(EXP, "exp", 2048))
    result = compare(POINT, static, dynamic)
    assert result.verdict == MISMATCH
    assert not result.matched
    first = result.expressions[0]
    assert (first.span, first.op, first.static, first.dynamic, first.diff) == (EXP, "exp", Interval(1024, 1024), 2048, 1024)
    assert [r.matches for r in result.expressions] == [False, True, True]


def test_same_span_different_op_do_not_join():
    static = report(charge(MUL, "multiply", 64))
    dynamic = ran(charge(MUL, "add", 64))
    result = compare(POINT, static, dynamic)
    assert result.verdict == MISMATCH
    assert {(r.op, r.static.hi, r.dynamic) for r in result.expressions} == {("multiply", 64, 0), ("add", 0, 64)}


def test_equal_totals_with_charges_at_different_spans_are_still_a_mismatch():
    static = report(charge(MUL, "multiply", 64))
    dynamic = ran(charge(ADD, "multiply", 64))
    assert compare(POINT, static, dynamic).verdict == MISMATCH


def test_lines_and_ops_are_rolled_up_from_the_expressions():
    static = report(charge(MUL, "multiply", 64), charge(ADD, "add", 64), charge(EXP, "exp", 1024))
    dynamic = ran(charge(MUL, "multiply", 64), charge(ADD, "add", 100), charge(EXP, "exp", 1024))
    result = compare(POINT, static, dynamic)
    assert [(r.span.line, r.static.hi, r.dynamic) for r in result.lines] == [(10, 128, 164), (12, 1024, 1024)]
    assert [(r.op, r.matches) for r in result.ops][0] == ("add", False)


def test_a_runtime_charge_the_analyzer_could_not_price_carries_its_reason():
    unpriced = Unpriced(EXP, "fnp.fft.rfft", "no cost model for fft")
    static = report(charge(MUL, "multiply", 64), unpriced=[unpriced])
    dynamic = ran(charge(MUL, "multiply", 64), charge(EXP, "fft.rfft", 1860))
    row = compare(POINT, static, dynamic).expressions[0]
    assert (row.span, row.op, row.dynamic) == (EXP, "fft.rfft", 1860)
    assert "not priced by the analyzer: fnp.fft.rfft" in row.note


def test_no_scorer_cast_leaves_the_scorer_charge_out_of_the_comparison():
    static = report(charge(MUL, "multiply", 64))
    dynamic = ran(charge(MUL, "multiply", 64), charge(SCORER_SPAN, "asarray", 128))
    assert compare(POINT, static, dynamic, include_scorer=False).verdict == EXACT
    assert compare(POINT, static, dynamic, include_scorer=True).verdict == MISMATCH


def test_a_run_that_went_over_budget_is_reported_with_what_the_analyzer_predicted_there():
    big = Span(PATH, 12, 16, 12, 21)
    # a total that fits the budget on every path: the report does not say the run passes it
    # (one whose upper end passes it says so on some paths: test_budget_raises)
    static = report(charge(big, "matmul", 4_000_000, certain=False), total=Interval(0, POINT.budget))
    error = RunError("BudgetExhaustedError", "matmul would cost ...", span=big, op="matmul", flop_cost=4_000_000, flops_remaining=10)
    result = compare(POINT, static, RunResult(BUDGET_EXHAUSTED, flops_used=999_990, error=error))
    assert result.verdict == "OVER BUDGET"
    assert not result.matched
    assert result.static_at_stop() == Interval(0, 4_000_000)


def test_a_failed_run_is_never_a_match():
    result = compare(POINT, report(), RunResult(TIMEOUT, error=RunError("Timeout", "did not finish")))
    assert result.verdict == "TIMEOUT"
    assert not result.matched


def test_a_missing_static_report_is_an_analyzer_error_not_a_match():
    result = compare(POINT, None, ran(charge(MUL, "multiply", 64)), static_error="the static analyzer failed")
    assert result.verdict == ANALYZER_ERROR
    assert not result.matched
