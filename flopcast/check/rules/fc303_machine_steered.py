"""FC303: work chosen by the machine the estimator runs on: a wall-clock reading or an
environment variable reaches a value-dependent site of the prediction.

The grader is other hardware, shared and slower than a laptop, and it sets none of the
participant's environment variables; whestbench scores FLOPs, which are the same everywhere.
A choice made on either is made otherwise there, so the rule reads the report's sites (their
reasons name where the value came from) rather than every clock read: a timing that is only
logged steers nothing.
"""

from __future__ import annotations

import re
from typing import Iterator

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule

#: the analyzer's reasons for a value read from a clock (builtins: "result of time.perf_counter()")
CLOCK = re.compile(r"result of (time\.(time|perf_counter|monotonic|process_time|thread_time)(_ns)?"
                   r"|datetime\.datetime\.(now|utcnow|today))\(\)")
#: ... and from the environment (os.environ.get / os.getenv, `"X" in os.environ`, `os.environ["X"]`)
ENVIRONMENT = re.compile(r"result of os\.(environ\.get|getenv)\(\)|read from the environment")

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
        places = [(u.span, u.kind, u.reason) for u in report.uncertain]
        # `os.environ["X"]` is unpriced (it raises where unset); a branch on it is a site too: one finding a line
        lines = {(s.path, s.line) for s, _, _ in places if s is not None}
        places += [(u.span, u.what, u.reason) for u in report.unpriced if u.what == "os.environ lookup"
                   and (u.span is None or (u.span.path, u.span.line) not in lines)]
        for at, kind, reason in places:
            reason = reason.rstrip(".")
            if CLOCK.search(reason):
                what, advice = "a clock reading", CLOCK_ADVICE
            elif ENVIRONMENT.search(reason):
                what, advice = "an environment variable", ENVIRONMENT_ADVICE
            else:
                continue
            yield self.finding(at or ctx.predict_span(),
                               f"{what} chooses the work here ({kind}: {reason}): {advice}; "
                               f"the predicted total is {report.total} FLOPs")
