"""`flopcast report PATH` and `flopcast verify PATH --html FILE`: write the page, say where."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from flopcast.model import Point, Report
from flopcast.report.gather import gather


def default_output(path: str) -> Path:
    """``estimator-flopcast.html`` (or ``<folder>-flopcast.html``) in the working folder."""
    given = Path(path)
    stem = given.resolve().name if given.is_dir() else given.stem
    return Path(f"{stem}-flopcast.html")


def write_page(path: str, point: Point, output: Path, *, class_name: Optional[str] = None,
               scorer_cast: bool = True, report: Optional[Report] = None,
               runtime_lines: Optional[dict[tuple[str, int], int]] = None,
               runtime_summary: Optional[str] = None, calibrate: Optional[str] = None) -> Path:
    """Analyse (unless ``report`` is given), draw and write the page; returns where.

    ``calibrate`` ("auto" or "WxD") adds the calibrated prediction (``analyze --calibrate``):
    the estimator runs once at a small size in a sandboxed child."""
    from flopcast.report.charts import chart_svg
    from flopcast.report.page import build_page, chart_view
    from flopcast.report.render import render_html

    gathered = gather(path, point, class_name=class_name, scorer_cast=scorer_cast, report=report)
    if calibrate:
        from flopcast.runtime.calibrate import calibrate as calibrated, parse_size

        size = None if calibrate == "auto" else parse_size(calibrate)
        gathered.report.calibration = calibrated(path, gathered.report, size=size, class_name=class_name)
    page = build_page(gathered, runtime_lines, runtime_summary)
    page.charts = [chart_view(c, chart_svg(c) if any(p.total.hi > 0 for p in c.points) else None, path)
                   for c in gathered.curves]
    html = render_html(page)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return output


def run(ns: argparse.Namespace) -> int:
    from flopcast.analyzer.program import ProgramError
    from flopcast.analyzer.source import SourceError
    from flopcast.check.source import CheckUsageError
    from flopcast.installed import resolve_point
    from flopcast.runtime.calibrate import CalibrationError

    point = resolve_point(ns.round_tag, ns.width, ns.depth, ns.budget)
    output = Path(ns.output) if ns.output else default_output(ns.path)
    try:
        written = write_page(ns.path, point, output, class_name=ns.class_name, scorer_cast=ns.scorer_cast,
                             calibrate=getattr(ns, "calibrate", None))
    except (ProgramError, SourceError, CheckUsageError, CalibrationError) as exc:
        print(f"flopcast: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"flopcast: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(written)
    return 0


def write_verify_page(ns: argparse.Namespace, result) -> bool:
    """``verify --html FILE``: the page of the first verified point (a runtime ``PointResult``;
    not imported here, so runtime and report do not import each other), with flopscope's
    count per line beside the prediction. Says where it wrote (on stderr: stdout is verify's)."""
    if result.report is None:
        print(f"flopcast verify: error: no page written: {result.static_error}", file=sys.stderr)
        return False
    runtime_lines = None
    if result.run.ok:
        runtime_lines = {(row.span.path, row.span.line): row.dynamic for row in result.lines if row.span is not None}
        summary = f"{result.dynamic_total:,} FLOPs charged by flopscope: {result.verdict}"
    else:
        summary = f"the run did not finish: {result.verdict}"
    output = Path(ns.html)
    try:
        write_page(ns.path, result.point, output, class_name=ns.class_name,
                   scorer_cast=getattr(ns, "scorer_cast", True), report=result.report,
                   runtime_lines=runtime_lines, runtime_summary=summary)
    except OSError as exc:
        print(f"flopcast verify: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    print(f"flopcast verify: wrote {output}", file=sys.stderr)
    return True
