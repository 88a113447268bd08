"""Join the static prediction and the runtime count on (span, op), and give each point a verdict.

Both sides list :class:`~flopcast.model.Charge` records keyed by the source span
of the expression that made the call and flopscope's op name, so the join is
exact. A static expression may be a range (charges made only on some paths are
``certain=False``): the runtime count matches when it falls inside.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from flopcast.model import SCORER_SPAN, Charge, Interval, Point, Raise, Report, Span, Uncertainty, Unpriced
from flopcast.runtime.protocol import (
    BUDGET_EXHAUSTED,
    CRASH,
    EXCEPTION,
    LOAD_ERROR,
    SCORER_ERROR,
    SETUP_ERROR,
    TIMEOUT,
    RunResult,
)

# Verdicts. The first four are matches; everything else makes `verify` exit non-zero.
EXACT = "exact"  # every expression and the total agree to the FLOP
INSIDE = "inside"  # every expression and the total fall inside the predicted ranges
# The run raised what the analyzer said it raises on every path, or on some paths (same class,
# same line; for flopscope's BudgetExhaustedError, on every path, the same op), and the FLOPs
# charged before it agree expression by expression with the analyzer's.
RAISES = "raises as predicted"
# The report said it is a lower bound (some op unpriced) and the run counted at least its low end,
# on every MLP: the analyzer told the truth, the run charged what it said it could not price.
ABOVE_LOWER_BOUND = "above lower bound"
MISMATCH = "MISMATCH"
ANALYZER_ERROR = "ANALYZER ERROR"  # the static side failed: a flopcast bug (exit 2)
RUN_VERDICTS = {
    BUDGET_EXHAUSTED: "OVER BUDGET",
    EXCEPTION: "EXCEPTION",
    LOAD_ERROR: "LOAD ERROR",
    SETUP_ERROR: "SETUP ERROR",
    SCORER_ERROR: "REJECTED OUTPUT",
    TIMEOUT: "TIMEOUT",
    CRASH: "CRASH",
}


@dataclass(frozen=True)
class Row:
    """One line of a comparison table: an expression (span + op), a source line, or an op name."""

    static: Interval
    dynamic: int
    span: Optional[Span] = None  # expression rows: the expression; line rows: the line (cols 0)
    op: Optional[str] = None  # expression rows and op rows
    note: str = ""  # why it may differ (an op the analyzer could not price, a value-dependent branch)

    @property
    def matches(self) -> bool:
        return self.static.contains(self.dynamic)

    @property
    def diff(self) -> int:
        """How far the runtime count is outside the predicted range (0 inside it)."""
        if self.dynamic > self.static.hi:
            return self.dynamic - self.static.hi
        if self.dynamic < self.static.lo:
            return self.dynamic - self.static.lo
        return 0


@dataclass
class PointResult:
    """The outcome of verifying one point."""

    point: Point
    verdict: str
    run: RunResult
    report: Optional[Report] = None
    static_error: Optional[str] = None
    expressions: list[Row] = field(default_factory=list)
    lines: list[Row] = field(default_factory=list)
    ops: list[Row] = field(default_factory=list)
    # The scorer cast was left out of both sides (--no-scorer-cast).
    scorer_excluded: bool = False
    # whestbench calls predict on one instance for every MLP: the calls after the first that the
    # run made, each as (its number from 1, the predicted total for it, the counted total); the
    # prediction is None past the calls the analyzer followed (report.per_call_settled False).
    calls: list = field(default_factory=list)
    # The report's raise the failed run agrees with (_predicted_raise), if any.
    predicted_raise: Optional[Raise] = None

    @property
    def matched(self) -> bool:
        return self.verdict in (EXACT, INSIDE, RAISES, ABOVE_LOWER_BOUND)

    @property
    def static_total(self) -> Optional[Interval]:
        return self.report.total if self.report is not None else None

    @property
    def dynamic_total(self) -> Optional[int]:
        return sum(r.dynamic for r in self.ops) if self.run.ok or self.verdict in (RAISES, ABOVE_LOWER_BOUND) else None

    def static_at_stop(self) -> Optional[Interval]:
        """For a budget overrun: what the analyzer predicted for the op that would have exceeded."""
        error = self.run.error
        if self.report is None or error is None or error.span is None:
            return None
        found = [c for c in self.report.charges if c.span == error.span and c.op == error.op]
        return _interval(found) if found else None


def compare(
    point: Point,
    report: Optional[Report],
    run: RunResult,
    *,
    static_error: Optional[str] = None,
    include_scorer: bool = True,
) -> PointResult:
    """Join one static report with one runtime result and decide the verdict."""
    result = PointResult(point, MISMATCH, run, report, static_error, scorer_excluded=not include_scorer)
    kept = _scored(run.charges, include_scorer)
    if not run.ok:
        raised = result.predicted_raise = _predicted_raise(report, run)
        if raised is None:
            if _overrun_unplaced(report, run, point):
                _join_overrun(result, report, kept, include_scorer)
                return result
            if report is not None and report.lower_bound and run.status == BUDGET_EXHAUSTED:
                # a lower bound's upper end is open (an op not priced, paths past the cap not
                # explored): any run may pass the budget, at an op the report could not place,
                # and its stop comes before the low end a finished run reaches
                _join(result, report, _scored(report.charges, include_scorer), kept)
                result.verdict = ABOVE_LOWER_BOUND
                return result
            result.verdict = RUN_VERDICTS.get(run.status, run.status.upper())
            return result
        assert report is not None
        if raised.fails_submission:
            # the load and setup() run off the meter: a raise there leaves nothing counted on either side
            _join(result, report, [], kept)
            result.verdict = RAISES if not kept else MISMATCH
            return result
        if raised.charges_before is None and (raised.budget or raised.memory):
            _join_overrun(result, report, kept, include_scorer)
            return result
        if raised.charges_before is None:
            _join_raise_interval(result, report, kept, include_scorer)
            return result
        static = _scored(report.charges[:raised.charges_before], include_scorer)
        # Some flopscope ops charge before numpy refuses the shapes: the raising call's own
        # charge follows the prefix, at the raise's own expression; the analyzer has none.
        own = kept[len(static):]
        _join(result, report, static, kept[:len(static)])
        matches = all(c.span == run.error.span for c in own) and all(r.matches and r.static.exact
                                                                      for r in result.expressions)
        result.verdict = RAISES if matches else MISMATCH
        return result
    dynamic = kept
    if report is None:
        result.verdict = ANALYZER_ERROR
        result.ops = _rows_by(lambda c: c.op, [], dynamic, lambda key: dict(op=key))
        return result

    _join(result, report, list(report.charges), dynamic)
    total = sum(c.flops for c in dynamic)
    # The charges are the first call's; with state carried between calls, so is per_call[0].
    first = report.per_call[0] if report.per_call else report.total
    result.calls = _later_calls(report, run, include_scorer)
    later_match = all(static is not None and static.contains(counted) for _, static, counted in result.calls)
    if all(r.matches for r in result.expressions) and first.contains(total) and later_match:
        exact = (all(i.exact for i in report.per_call) and not report.alike
                 if report.per_call else report.exact) and not report.unpriced \
            and all(r.static.exact for r in result.expressions)  # a lower bound is never exact
        result.verdict = EXACT if exact else INSIDE
    elif report.lower_bound and first.lo <= total and all(static is None or static.lo <= counted
                                                          for _, static, counted in result.calls):
        # a lower bound claims only its low end (what is charged before the first unpriced op):
        # a run past the priced range is the unpriced work, a run below the low end a false claim;
        # of a call it did not follow it claims nothing (its "later calls" entry says so)
        result.verdict = ABOVE_LOWER_BOUND
    else:
        result.verdict = MISMATCH
    return result


def _later_calls(report: Report, run: RunResult, include_scorer: bool) -> list:
    """(call number, predicted total, counted total) for each call after the first the run made.
    Without per-call totals the report says every call costs its total; past the calls the
    analyzer followed it says nothing (None: the report, a lower bound, claims nothing of it)."""
    out = []
    for i, (with_cast, without) in enumerate(run.later, 2):
        counted = with_cast if include_scorer else without
        if not report.per_call:
            static: Optional[Interval] = report.total
        elif i <= len(report.per_call):
            static = report.per_call[i - 1]
        else:
            static = report.per_call[-1] if report.per_call_settled else None
        out.append((i, static, counted))
    return out


def _join(result: PointResult, report: Report, static: list[Charge], dynamic: list[Charge]) -> None:
    """The expression, line and op rows of both logs."""
    result.expressions = _annotate(
        _rows_by(lambda c: (c.span, c.op), static, dynamic, lambda key: dict(span=key[0], op=key[1])),
        report.unpriced,
        report.uncertain,
    )
    result.lines = _rows_by(
        lambda c: (c.span.path, c.span.line), static, dynamic, lambda key: dict(span=Span(key[0], key[1], 0, key[1], 0))
    )
    result.ops = _rows_by(lambda c: c.op, static, dynamic, lambda key: dict(op=key))
    result.ops.sort(key=lambda r: (r.matches, -r.dynamic, r.op or ""))


def _join_raise_interval(result: PointResult, report: Report, kept: list[Charge], include_scorer: bool) -> None:
    """A raise every path makes, where the paths' charges before it differ (or one is unpriced),
    or that only some paths make: the report's charges are every path's (up to the raise, where
    every path makes it), so the run must lie within them, line by line and in total. The raising
    call's own charge (flopscope bills some ops before numpy refuses the shapes) is left out where
    the analyzer has none at that expression."""
    static = _scored(report.charges, include_scorer)
    error_span = result.run.error.span if result.run.error is not None else None
    static_keys = {(c.span, c.op) for c in static}
    dynamic = [c for c in kept if c.span != error_span or (c.span, c.op) in static_keys]
    _join(result, report, static, dynamic)
    total = sum(c.flops for c in dynamic)
    matches = all(r.matches for r in result.expressions) and report.total.contains(total)
    result.verdict = RAISES if matches else MISMATCH


def _join_overrun(result: PointResult, report: Report, kept: list[Charge], include_scorer: bool) -> None:
    """flopscope's BudgetExhaustedError predicted at the op the run stopped at, or a MemoryError at
    the allocating line, where the report follows several paths (the raise on some of them, or on
    all after charges that differ): the report counts each path on past it (as if the budget and
    the memory were unlimited), so the run, stopped there, lies at or below it, expression by
    expression and in total."""
    static = _scored(report.charges, include_scorer)
    _join(result, report, static, kept)
    total = sum(c.flops for c in kept)
    matches = all(r.dynamic <= r.static.hi for r in result.expressions) and total <= report.total.hi
    # a lower bound's high ends are open (a path past those explored may get further before the
    # budget runs out, an expression counting more than any explored path): as at an unplaced stop
    result.verdict = RAISES if matches else ABOVE_LOWER_BOUND if report.lower_bound else MISMATCH


def _overrun_unplaced(report: Optional[Report], run: RunResult, point: Point) -> bool:
    """A budget overrun the report saw coming without naming its op: every path, or some (the
    interval's upper end, "over budget on some paths"), counts past the budget, nothing unpriced,
    but no charge is the one flopscope refuses -- where generator bodies ran their charges are
    filed ahead of their consumer's, not in the run's order (interpreter._budget_overrun), and
    combinations summed from single flips (joins.py) are not run. The run must stop somewhere;
    what it charged before is compared as for an overrun on some paths (_join_overrun). So is an
    overrun at an op no listed Raise names where the listing is the explored paths' alone
    (Report.budget_stops_elsewhere)."""
    if report is None or run.status != BUDGET_EXHAUSTED or report.unpriced:
        return False
    if any(r.budget for r in report.raises) and not report.budget_stops_elsewhere:
        return False
    first = report.per_call[0] if report.per_call else report.total
    return first.hi > point.budget


def _scored(charges: Iterable[Charge], include_scorer: bool) -> list[Charge]:
    """The charges compared: without whestbench's float32 cast when it is left out (--no-scorer-cast)."""
    return [c for c in charges if include_scorer or c.span != SCORER_SPAN]


def _predicted_raise(report: Optional[Report], run: RunResult) -> Optional[Raise]:
    """The analyzer's Raise this failed run agrees with: raised on every path (or on some paths,
    where the report follows several: its charges are then every path's), in setup() when the
    run's setup() raised (at load when its load failed), of the run's exception class, on the run's line (for a budget overrun,
    at the same op)."""
    error = run.error
    if report is None or error is None or error.span is None \
            or run.status not in (EXCEPTION, BUDGET_EXHAUSTED, SETUP_ERROR, LOAD_ERROR):
        return None
    budget = run.status == BUDGET_EXHAUSTED
    in_setup = run.status == SETUP_ERROR
    at_load = run.status == LOAD_ERROR
    for r in report.raises:
        # (one raised on some paths only is compared as the report's paths, _join_raise_interval)
        if ((r.every_path or r.charges_before is None) and r.in_setup == in_setup and r.at_load == at_load
                and r.budget == budget
                and r.span is not None and r.exc_type == error.type
                and (r.span.path, r.span.line) == (error.span.path, error.span.line)
                and (not budget or r.what.startswith(f"BudgetExhaustedError: {error.op} "))):
            return r
    return None


def _interval(charges: Iterable[Charge]) -> Interval:
    """Certain charges always happen; uncertain ones may or may not."""
    lo = hi = 0
    for c in charges:
        hi += c.flops
        if c.certain:
            lo += c.flops
    return Interval(lo, hi)


def _rows_by(key, static: list[Charge], dynamic: list[Charge], fields) -> list[Row]:
    """Group both logs by ``key``; rows that differ come first, then in key order."""
    by_static: dict = defaultdict(list)
    by_dynamic: dict = defaultdict(int)
    for c in static:
        by_static[key(c)].append(c)
    for c in dynamic:
        by_dynamic[key(c)] += c.flops
    keys = sorted(set(by_static) | set(by_dynamic), key=_sort_key)
    rows = [Row(static=_interval(by_static.get(k, ())), dynamic=by_dynamic.get(k, 0), **fields(k)) for k in keys]
    return [r for r in rows if not r.matches] + [r for r in rows if r.matches]


def _sort_key(key):
    # Keys mix Span, str and int; compare them as a tuple of strings and numbers.
    if isinstance(key, tuple):
        return tuple(_sort_key(k) for k in key)
    if isinstance(key, Span):
        return (key.path, key.line, key.col, key.end_line, key.end_col)
    return (key,)


def _contains(outer: Optional[Span], inner: Optional[Span]) -> bool:
    return (
        outer is not None and inner is not None
        and outer.path == inner.path
        and (outer.line, outer.col) <= (inner.line, inner.col)
        and (outer.end_line, outer.end_col) >= (inner.end_line, inner.end_col)
    )


def _annotate(rows: list[Row], unpriced: list[Unpriced], uncertain: list[Uncertainty]) -> list[Row]:
    """Say why a differing expression may differ, when the analyzer told us."""
    out = []
    for row in rows:
        if row.matches or row.span is None:
            out.append(row)
            continue
        notes = []
        by_reason: dict[str, list[str]] = {}
        for u in unpriced:
            # The unpriced call itself, or an expression around it (which consumes its result).
            if _contains(u.span, row.span) or _contains(row.span, u.span):
                by_reason.setdefault(u.reason, [])
                if u.what not in by_reason[u.reason]:
                    by_reason[u.reason].append(u.what)
        for reason, whats in by_reason.items():
            notes.append(f"not priced by the analyzer: {', '.join(whats)} ({reason})")
        for u in uncertain:
            if _contains(u.span, row.span):
                notes.append(f"value-dependent {u.kind}: {u.reason}")
        out.append(Row(row.static, row.dynamic, row.span, row.op, "; ".join(dict.fromkeys(notes))))
    return out
