"""FC003: a cost that depends on array values, so the prediction is a range."""

from __future__ import annotations

from typing import Iterator

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule


class ValueDependentCost(Rule):
    code = "FC003"
    name = "value-dependent-cost"
    level = Level.WARNING
    summary = "the cost depends on array values (a branch, loop or shape decided at run time)"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if report is None:
            return
        for item in report.uncertain:
            reason = item.reason.rstrip(".")
            yield self.finding(
                item.span or ctx.predict_span(),  # a finding without a place goes to predict
                f"the cost depends on values here ({item.kind}: {reason}); "
                f"the prediction is the range {report.total} FLOPs",
            )
        if not report.uncertain and not report.exact:
            yield self.finding(
                ctx.predict_span(),
                f"the prediction is the range {report.total} FLOPs: the cost depends on values",
            )
