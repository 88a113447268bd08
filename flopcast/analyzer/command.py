"""`flopcast analyze`: predict, then print text or JSON."""

from __future__ import annotations

import argparse
import sys
import time

from flopcast.analyzer.program import ProgramError
from flopcast.analyzer.source import SourceError


def run(ns: argparse.Namespace) -> int:
    from flopcast.analyzer.render import render_json, render_text
    from flopcast.check.engine import session
    from flopcast.installed import resolve_point

    point = resolve_point(ns.round_tag, ns.width, ns.depth, ns.budget)
    # One session for the analysis and the savings' re-analyses: the calls the analysis recorded
    # (a planner's dynamic programme) are reused by the rewrites' (analyzer/lasting.py).
    analyzer = session()
    beside = _SavingsBesideFit(ns, analyzer)
    try:
        report = analyzer(ns.path, point, class_name=ns.class_name,
                          include_scorer_cast=ns.scorer_cast, formula=ns.formula, trace=True, memory=True,
                          **beside.option())
    except (ProgramError, SourceError) as exc:
        print(f"flopcast: error: {exc}", file=sys.stderr)
        return 2
    if getattr(ns, "calibrate", None):
        from flopcast.runtime.calibrate import CalibrationError, calibrate, parse_size

        try:
            size = None if ns.calibrate == "auto" else parse_size(ns.calibrate)
            report.calibration = calibrate(ns.path, report, size=size, class_name=ns.class_name)
        except CalibrationError as exc:
            print(f"flopcast: error: {exc}", file=sys.stderr)
            return 2
    from flopcast.check import savings

    found = beside.found()
    if found is None:
        found = savings.savings(ns.path, report, ns.class_name, formulas=ns.formula, analyzer=analyzer)
    if ns.format == "json":
        import json

        document = json.loads(render_json(report))
        document.update(savings.to_json(report, found))
        print(json.dumps(document, indent=2))
    else:
        sys.stdout.write(render_text(report, top=ns.top))
        sys.stdout.write("\n" + savings.render_memory(report))
        sys.stdout.write(savings.render_savings(found))
    return 0


class _SavingsBesideFit:
    """The savings made in a helper process while this one fits the formula (ahead.Alongside):
    they read the report made at the point, not its formula. Only where paths may run on more
    than one core, and with the analyzer of api.Session (a test's stand-in takes no hook)."""

    #: CPU seconds the analysis at the point must have taken for a helper to pay: the savings and
    #: the fit of a quicker one are shorter than forking and sending the findings back (a sample's
    #: whole `analyze` took 0.45 s alone and 0.55 s with the helper).
    MIN_SECONDS = 0.3

    def __init__(self, ns: argparse.Namespace, analyzer) -> None:
        from flopcast.analyzer import ahead
        from flopcast.analyzer.api import Session

        self.ns, self.analyzer = ns, analyzer
        self.helper = None
        self.wanted = ns.formula and isinstance(getattr(analyzer, "__self__", None), Session) and ahead.jobs() > 1
        self.started = time.process_time()

    def option(self) -> dict:
        return {"beside_fit": self.start} if self.wanted else {}

    def start(self, report) -> None:
        from flopcast.analyzer.ahead import Alongside
        from flopcast.check import savings

        if time.process_time() - self.started < self.MIN_SECONDS:
            return
        ns = self.ns
        try:
            self.helper = Alongside((), lambda: savings.savings(ns.path, report, ns.class_name, formulas=ns.formula,
                                                                 analyzer=self.analyzer))
        except OSError:
            self.helper = None  # no process to spare: the savings are made after the fit

    def found(self):
        """The helper's savings; None when none was started or it could not send them."""
        return None if self.helper is None else self.helper.result()
