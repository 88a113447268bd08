"""FC205: the analyzer found an exception predict() (or setup(), or the entry file's load) raises."""

from __future__ import annotations

from typing import Iterator

from flopcast.check.context import CheckContext
from flopcast.analyzer.render import load_advice
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule


class Raises(Rule):
    code = "FC205"
    name = "raises"
    level = Level.ERROR
    summary = ("predict(), setup() or loading the estimator raises an exception (on every path, or on some "
               "value-dependent ones)")
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if report is None:
            return
        for raised in report.raises:
            if raised.budget or raised.memory:
                continue  # FC001's and FC004's concern: they name the line where the run dies
            where = raised.stage
            when = "" if raised.every_path else " on some value-dependent paths"
            consequence = ("the whole submission fails" if raised.fails_submission
                           else "whestbench records an error and the prediction scores as failed")
            if raised.at_load:
                consequence += f"; {load_advice(raised.what)}"
            yield self.finding(raised.span or ctx.predict_span(), f"{where} raises {raised.what}{when} at "
                                            f"{ctx.point.width}x{ctx.point.depth}; {consequence}")
