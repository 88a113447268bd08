"""Diagnostics: `flopcast check`'s findings for the open buffer, plus analysis failures.

The findings come from flopcast.check's rules run on the *buffer* (parsed from the
editor's text) with the report the server already has for that text, so a keystroke
costs one analysis, not two. ``flopcast.check.engine.check_target`` always analyses
the file on disk itself, so :func:`check_findings` mirrors its few lines (rules ->
context -> noqa / per-file-ignores) with the report handed in. If flopcast.check
cannot be imported, :func:`report_findings` derives the report-based checks (budget,
unpriced ops, float64 leaks) from the report alone; ``FINDINGS`` picks one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types

from flopcast.lsp.positions import Lines
from flopcast.lsp.state import Analysis, Failure
from flopcast.model import SCORER_SPAN, Point, Report

log = logging.getLogger(__name__)

SOURCE = "flopcast"


@dataclass(frozen=True)
class Found:
    """One finding, in analyzer coordinates, for this document (1-based line, byte cols)."""

    code: str
    error: bool
    message: str
    line: int
    col: int
    end_line: int
    end_col: int


def check_findings(path: str, text: str, point: Point, report: Report, config: Any,
                   scorer_cast: bool = True) -> list[Found]:
    """`flopcast check`'s findings for one buffer (file mode), with a report made already."""
    from flopcast.check import engine
    from flopcast.check.context import CheckContext
    from flopcast.check.findings import Level
    from flopcast.check.selection import Selection
    from flopcast.check.source import Submission, local_module_names, parse_file

    entry = parse_file(Path(path), text)
    submission = Submission(path, entry, [], local_module_names(entry.path.parent),
                            entry.path, folder_mode=False)
    selection = Selection()
    if config is not None:
        selection = Selection(select=config.select if config.select is not None else ("FC",),
                              ignore=config.ignore or ())
    result = engine.check_target(submission, point, selection,
                                 per_file_ignores=config.per_file_ignores if config is not None else None,
                                 config_root=config.root if config is not None else None,
                                 scorer_cast=scorer_cast, report=report)
    ctx = CheckContext(submission, point, result.report, None)
    found = []
    for f in result.findings:
        span = f.span
        if span.path == SCORER_SPAN.path or span.line <= 0:
            span = ctx.predict_span()
        if span.path != entry.display:
            continue  # a finding in a sibling module belongs to that file
        found.append(Found(f.code, f.level == Level.ERROR, f.message,
                           span.line, span.col, span.end_line, span.end_col))
    return found


def to_diagnostic(found: Found, lines: Lines) -> types.Diagnostic:
    start = lines.from_byte_col(found.line, found.col)
    if (found.end_line, found.end_col) <= (found.line, found.col):
        end = lines.end_of_line(found.line)  # a line finding: underline the line
        text = lines.text(found.line - 1)
        start = types.Position(line=start.line, character=len(text) - len(text.lstrip()))
    else:
        end = lines.from_byte_col(found.end_line, found.end_col)
    return types.Diagnostic(
        range=types.Range(start=start, end=end),
        message=found.message,
        severity=types.DiagnosticSeverity.Error if found.error else types.DiagnosticSeverity.Warning,
        code=found.code,
        source=SOURCE,
    )


def failure_diagnostic(failure: Failure, lines: Lines, path: str) -> types.Diagnostic:
    from flopcast.lsp.costs import same_file

    here = failure.path is None or same_file(failure.path, path)
    if failure.syntax and here and failure.line:
        line0 = failure.line - 1
        col0 = max((failure.col or 1) - 1, 0)  # SyntaxError offsets are 1-based characters
        start = types.Position(line=line0, character=col0)
        if failure.end_line and failure.end_col and (failure.end_line, failure.end_col) > (failure.line, failure.col or 1):
            end = types.Position(line=failure.end_line - 1, character=max(failure.end_col - 1, col0 + 1))
        else:
            end = types.Position(line=line0, character=col0 + 1)
        message = f"{failure.message} (flopcast keeps showing the last analysis that parsed)"
        return types.Diagnostic(range=types.Range(start=start, end=end), message=message,
                                severity=types.DiagnosticSeverity.Error, code="syntax", source=SOURCE)
    where = "" if here else f" (in {failure.path}" + (f", line {failure.line})" if failure.line else ")")
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0), end=lines.end_of_line(1)),
        message=f"flopcast could not analyse this file: {failure.message}{where}",
        # Not an error in the user's code (a helper module has no estimator class, say).
        severity=types.DiagnosticSeverity.Error if failure.syntax else types.DiagnosticSeverity.Information,
        code="analysis", source=SOURCE,
    )


def diagnostics_for(path: str, text: str, outcome: Optional[Analysis | Failure], point: Point,
                    config: Any, scorer_cast: bool = True,
                    encoding: str = types.PositionEncodingKind.Utf16) -> list[types.Diagnostic]:
    """Everything to publish for ``text`` (an empty list clears the editor's markers)."""
    if outcome is None:
        return []
    lines = Lines.of(text, encoding)
    if isinstance(outcome, Failure):
        return [failure_diagnostic(outcome, lines, path)]
    try:
        found = check_findings(path, text, point, outcome.report, config, scorer_cast)
    except Exception:  # noqa: BLE001 - the check layer failing must not take hints down
        log.exception("flopcast: checks failed on %s; no diagnostics this time", path)
        return []
    return [to_diagnostic(f, lines) for f in found]
