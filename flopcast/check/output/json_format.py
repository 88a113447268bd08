"""JSON: a stable, versioned surface (bump SCHEMA_VERSION on any incompatible change)."""

from __future__ import annotations

import json
from pathlib import Path

from flopcast.check.output.common import Results

SCHEMA_VERSION = "1.0"


def document(results: Results) -> dict:
    from flopcast import __version__
    from flopcast.installed import flopscope_version, whestbench_version

    # Machines get absolute paths (people get the display paths of the text formats).
    files = results.files()
    targets = []
    for t in results.targets:
        report = t.report
        targets.append({
            "path": str(Path(t.submission.given).resolve()),
            "entry": str(t.submission.entry.path),
            "point": {"width": t.point.width, "depth": t.point.depth,
                      "budget": t.point.budget, "round": t.point.tag},
            "prediction": None if report is None else {
                "lo": report.total.lo, "hi": report.total.hi,
                "exact": report.exact, "lower_bound": report.lower_bound,
                # ops outside any `try` the prediction presumes do not raise (README)
                "presumes_no_raise": [{"path": p.span.path, "line": p.span.line, "op": p.op, "exception": p.exception,
                                       "reason": p.reason} for p in report.presumes_no_raise],
                **calibrated(report),
            },
            "analysis_error": t.analysis_error,
            "calibration_error": t.calibration_error,
        })
    findings = [{
        "code": x.finding.code,
        "level": x.finding.level.value,
        "message": x.finding.message,
        "path": str(files[x.finding.path].path) if x.finding.path in files else x.finding.path,
        "line": x.line,
        "column": x.col,
        "end_line": x.end_line,
        "end_column": x.end_col,
        "fix": None if x.finding.fix is None else {
            "title": x.finding.fix.title,
            "safe": x.finding.fix.safe,
            "saving": x.finding.fix.saving,
            "saving_formula": x.finding.fix.formula,
        },
        "properties": dict(x.finding.properties),
    } for x in results.located()]
    return {
        "schema_version": SCHEMA_VERSION,
        "flopcast_version": __version__,
        "flopscope_version": flopscope_version(),
        "whestbench_version": whestbench_version(),
        "targets": targets,
        "findings": findings,
        "summary": {"errors": results.errors, "warnings": results.warnings},
    }


def calibrated(report) -> dict:
    """`calibrated` and `calibrated_from` when --calibrate ran (analyze --format json's names)."""
    cal = report.calibration
    if cal is None:
        return {}
    return {"calibrated": cal.total, "calibrated_lower_bound": cal.lower_bound,
            "calibrated_from": {"width": cal.point.width, "depth": cal.point.depth,
                                "budget": cal.point.budget, "seed": cal.seed}}


def render(results: Results) -> str:
    return json.dumps(document(results), indent=2) + "\n"
