"""FC001: the prediction, or the upper end of its range, exceeds the budget."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from flopcast.check import fmt
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule

TOP_LINES = 3


class BudgetOverrun(Rule):
    code = "FC001"
    name = "budget-overrun"
    level = Level.ERROR
    summary = "predicted FLOPs (or the upper end of their range) exceed the round's budget"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if report is None:
            return
        budget = ctx.point.budget
        total = report.total
        if total.hi <= budget:
            return
        if total.lo > budget or report.exact:
            head = (f"predicted {fmt.flops(total.hi)} FLOPs exceed the budget "
                    f"{fmt.flops(budget)} by {fmt.share(total.hi - budget, budget)}")
        else:
            head = (f"the upper end of the predicted range {total} FLOPs exceeds the budget "
                    f"{fmt.flops(budget)} (the cost depends on values, see FC003)")
        if report.lower_bound:
            head += "; some ops are not priced, so the real count is higher still (see FC002)"
        calibrated, properties = self._calibrated(ctx)
        yield self.finding(ctx.predict_span(),
                           f"{head} at {fmt.where_point(ctx.point)}{calibrated}{self._dominant(ctx)}{self._stops(ctx)}",
                           properties=properties)

    @staticmethod
    def _stops(ctx: CheckContext) -> str:
        """'; flopscope raises BudgetExhaustedError at line 12 ...': where the run stops."""
        report = ctx.report
        assert report is not None
        found = [r for r in report.raises if r.budget and r.span is not None]
        if not found:
            return ""
        r = found[0]
        when = "" if r.every_path else " on some value-dependent paths"
        return (f"; flopscope raises BudgetExhaustedError at {ctx.where(r.span)}{when} (the running total "
                "passes the budget there)")

    @staticmethod
    def _calibrated(ctx: CheckContext) -> tuple[str, tuple]:
        """'; calibrated 1.2e11 (from a run at 32x2)': information only, the verdict stays the upper end's."""
        report = ctx.report
        assert report is not None
        cal = report.calibration
        if cal is None:
            return "", ()
        below = " or more" if cal.lower_bound else ""
        text = (f"; calibrated {fmt.flops(cal.total)}{below} FLOPs (from a run at {cal.point.width}x{cal.point.depth}, "
                f"{fmt.share(cal.total, ctx.point.budget)} of the budget)")
        props = (("calibrated", cal.total), ("calibrated_lower_bound", cal.lower_bound),
                 ("calibrated_from", {"width": cal.point.width, "depth": cal.point.depth,
                                      "budget": cal.point.budget, "seed": cal.seed}))
        return text, props

    @staticmethod
    def _dominant(ctx: CheckContext) -> str:
        """', mostly line 23 (62.1%), line 25 (30.0%), ...': where to cut first."""
        report = ctx.report
        assert report is not None
        by_line: dict[tuple[str, int], int] = defaultdict(int)
        spans = {}
        for charge, n in ctx.charge_counts:  # distinct objects in order of first occurrence
            key = (charge.span.path, charge.span.line)
            by_line[key] += charge.flops * n
            spans.setdefault(key, charge.span)
        whole = sum(by_line.values())
        if not whole:
            return ""
        top = sorted(by_line.items(), key=lambda kv: -kv[1])[:TOP_LINES]
        parts = [f"{ctx.where(spans[key])} ({fmt.share(n, whole)})" for key, n in top]
        return "; most FLOPs come from " + ", ".join(parts)
