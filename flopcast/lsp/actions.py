"""Code actions: each `flopcast check` fix as a quick fix, its saving in the title.

The fix is made on the buffer's text with the same libcst rewrite `flopcast check --fix`
uses (so untouched bytes stay), and sent as one text edit spanning the changed lines. The
editor version does not re-analyse the rewrite before offering it (that would cost an
analysis per fix on every request); `flopcast check --fix` does.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from flopcast.lsp.positions import Lines
from flopcast.model import Point, Report

log = logging.getLogger(__name__)


def code_actions(uri: str, path: str, text: str, point: Point, report: Report, config: Any,
                 wanted: types.Range, lines: Lines, scorer_cast: bool = True) -> list[types.CodeAction]:
    from flopcast.check import engine
    from flopcast.check.fix.rewrite import FixError, apply_edits
    from flopcast.check.selection import Selection
    from flopcast.check.source import Submission, local_module_names, parse_file

    entry = parse_file(Path(path), text)
    submission = Submission(path, entry, [], local_module_names(entry.path.parent), entry.path, folder_mode=False)
    selection = Selection()
    if config is not None:
        selection = Selection(select=config.select if config.select is not None else ("FC",),
                              ignore=config.ignore or ())
    result = engine.check_target(submission, point, selection, scorer_cast=scorer_cast, report=report)
    actions = []
    for finding in result.findings:
        fix = finding.fix
        if fix is None or fix.path != entry.display or not _overlaps(finding, wanted, lines):
            continue
        try:
            new_text = apply_edits(text, fix.edits)
        except FixError as exc:
            log.info("flopcast: fix not offered at line %d: %s", finding.line, exc)
            continue
        saved = f"saves {fix.saving:,} FLOPs" if fix.saving is not None else "saving not exact"
        kind = "" if fix.safe else ", may change numerics"
        actions.append(types.CodeAction(
            title=f"flopcast: {fix.title} ({saved}{kind})",
            kind=types.CodeActionKind.QuickFix,
            is_preferred=fix.safe,
            edit=types.WorkspaceEdit(changes={uri: [_edit(text, new_text, lines)]}),
        ))
    return actions


def _overlaps(finding, wanted: types.Range, lines: Lines) -> bool:
    first, last = wanted.start.line + 1, wanted.end.line + 1
    return finding.span.line <= last and finding.span.end_line >= first


def _edit(old: str, new: str, lines: Lines) -> types.TextEdit:
    """One edit replacing the lines that differ (the rest of the buffer is not resent)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    return types.TextEdit(
        range=types.Range(start=types.Position(line=start, character=0),
                          end=types.Position(line=end_a, character=0)),
        new_text="".join(b[start:end_b]),
    )
