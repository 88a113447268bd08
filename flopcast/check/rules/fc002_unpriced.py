"""FC002: an op the analyzer could not price, so the total is only a lower bound."""

from __future__ import annotations

from typing import Iterator

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule


class UnpricedOp(Rule):
    code = "FC002"
    name = "unpriced-op"
    level = Level.WARNING
    summary = "an operation flopcast could not price: the predicted total is a lower bound"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.report is None:
            return
        for item in ctx.report.unpriced:
            reason = item.reason.rstrip(".")
            yield self.finding(
                item.span or ctx.predict_span(),  # a finding without a place goes to predict
                f"`{item.what}` is not priced ({reason}); the predicted total "
                f"{ctx.report.total} FLOPs is a lower bound",
            )
