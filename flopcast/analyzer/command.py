"""`flopcast analyze`: predict, then print text or JSON."""

from __future__ import annotations

import argparse
import sys

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
    try:
        report = analyzer(ns.path, point, class_name=ns.class_name,
                          include_scorer_cast=ns.scorer_cast, formula=ns.formula, trace=True, memory=True)
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
