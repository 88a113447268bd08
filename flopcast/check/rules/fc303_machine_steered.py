"""FC303: work chosen by the machine the estimator runs on: a wall-clock reading or an
environment variable reaches a value-dependent site of the prediction.

The grader is other hardware, shared and slower than a laptop, and it sets none of the
participant's environment variables; whestbench scores FLOPs, which are the same everywhere.
A choice made on either is made otherwise there, so the rule reads the report's sites (each
names the machine its deciding value was read from: ``Uncertainty.machine``) rather than every
clock read: a timing that is only logged steers nothing.
"""

from __future__ import annotations

from typing import Iterator

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule
from flopcast.model import Machine

CLOCK_ADVICE = ("the grader's machine is shared and slower than yours, so its clock may choose the other "
                "work there (whestbench's guidance: wall-clock deadlines and wall-time-adaptive sample "
                "counts invert the allocation); choose by `budget`, which is the same on every machine")
ENVIRONMENT_ADVICE = ("the grader sets none of your environment variables, so there this takes the path of an "
                      "unset variable; keep such switches out of the submission, or make that path the one "
                      "you tested")


class MachineSteered(Rule):
    code = "FC303"
    name = "machine-steered"
    level = Level.WARNING
    summary = "a wall-clock reading or an environment variable chooses the work in predict()"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if report is None:
            return
        places = [(u.span, u.kind, u.reason, u.machine) for u in report.uncertain if u.machine is not None]
        # `os.environ["X"]` is unpriced (it raises where unset); a branch on it is a site too: one finding a line
        lines = {(s.path, s.line) for s, _, _, _ in places if s is not None}
        places += [(u.span, u.what, u.reason, Machine.ENVIRONMENT) for u in report.unpriced
                   if u.what == "os.environ lookup" and (u.span is None or (u.span.path, u.span.line) not in lines)]
        for at, kind, reason, machine in places:
            advice = CLOCK_ADVICE if machine is Machine.CLOCK else ENVIRONMENT_ADVICE
            yield self.finding(at or ctx.predict_span(),
                               f"{machine.value} chooses the work here ({kind}: {reason.rstrip('.')}): {advice}; "
                               f"the predicted total is {report.total} FLOPs")
