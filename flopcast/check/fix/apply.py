"""`flopcast check --fix` / `--diff`: apply the findings' fixes one at a time, each
re-analysed before it is kept.

A fix is kept only when (1) libcst's rewrite parses and means what the fix says
(``rewrite.apply_edits``) and (2) the static analysis of the rewritten code predicts
exactly the count before minus the announced saving, with the same returned shape and
dtype. Anything else is *refused*: the file is left as it was for that fix and the
reason is reported. After each kept fix the submission is checked again, so the next
fix is located in the new text; the loop ends when no applicable fix is left, which
is also why a second `--fix` changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from flopcast.check import engine
from flopcast.check.findings import Finding
from flopcast.check.selection import Selection
from flopcast.check.source import Submission, parse_file
from flopcast.model import Point, Report

#: Fixes applied to one submission before giving up (each one re-analyses it twice).
MAX_FIXES = 32


@dataclass
class FixResult:
    original: Submission
    fixed: Submission
    applied: list[Finding] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)
    #: The check of the fixed code (what is left to report).
    final: Optional[engine.TargetResult] = None

    def changed_files(self) -> list[tuple[Path, str, str]]:
        """(path, text before, text after) of every file the fixes changed."""
        before = {f.path: f.text for f in self.original.files}
        return [(f.path, before[f.path], f.text) for f in self.fixed.files if before.get(f.path) != f.text]


def analyze_submission(submission: Submission, point: Point, *, scorer_cast: bool = True,
                       class_name: Optional[str] = None) -> Report:
    """The analysis of the submission's texts as they are in memory."""
    return engine.analyze(
        str(submission.analysis_path), point, include_scorer_cast=scorer_cast, formula=False, trace=True, memory=True,
        source=submission.entry.text,
        sources={str(f.path): f.text for f in submission.others},
        **({"class_name": class_name} if class_name else {}))


def with_text(submission: Submission, path: Path, text: str) -> Submission:
    entry = submission.entry
    others = list(submission.others)
    if entry.path == path:
        entry = parse_file(path, text)
    else:
        others = [parse_file(path, text) if f.path == path else f for f in others]
    return dataclasses.replace(submission, entry=entry, others=others)


def fix_submission(submission: Submission, point: Point, selection: Selection = Selection(), *,
                   unsafe: bool = False, scorer_cast: bool = True, class_name: Optional[str] = None,
                   per_file_ignores: Optional[dict] = None, config_root: Optional[Path] = None) -> FixResult:
    from flopcast.check.fix.rewrite import FixError, apply_edits

    result = FixResult(submission, submission)
    refused_keys: set = set()
    current = submission
    report = analyze_submission(current, point, scorer_cast=scorer_cast, class_name=class_name)
    for _ in range(MAX_FIXES + 1):
        checked = engine.check_target(current, point, selection, per_file_ignores=per_file_ignores,
                                      config_root=config_root, scorer_cast=scorer_cast,
                                      class_name=class_name, report=report)
        result.final = checked
        todo = [f for f in checked.findings
                if f.fix is not None and (f.fix.safe or unsafe) and _key(f) not in refused_keys]
        if not todo or len(result.applied) >= MAX_FIXES:
            break
        finding = todo[0]
        file = next((f for f in current.files if f.display == finding.fix.path), None)
        try:
            if file is None:
                raise FixError(f"{finding.fix.path} is not a file of this submission")
            new = with_text(current, file.path, apply_edits(file.text, finding.fix.edits))
            new_report = analyze_submission(new, point, scorer_cast=scorer_cast, class_name=class_name)
            problem = saving_problem(report, new_report, finding.fix.saving)
            if problem:
                raise FixError(problem)
        except FixError as exc:
            refused_keys.add(_key(finding))
            result.refused.append((finding, str(exc)))
            continue
        result.applied.append(finding)
        current, report = new, new_report
    result.fixed = current
    return result


def saving_problem(before: Report, after: Report, saving: Optional[int]) -> Optional[str]:
    """Why the re-analysis does not confirm the fix (None when it does)."""
    if after.returned != before.returned:
        return (f"after the rewrite predict would return {_returned(after)} instead of {_returned(before)}; "
                "the fix was not applied")
    if after.lower_bound and not before.lower_bound:
        return "after the rewrite some operation could not be priced; the fix was not applied"
    if not (before.exact and after.exact):
        return None if after.total.hi <= before.total.hi else (
            f"after the rewrite the cost could reach {after.total.hi:,} FLOPs, more than {before.total.hi:,}; "
            "the fix was not applied")
    if saving is not None and after.total.lo != before.total.lo - saving:
        return (f"the re-analysis of the rewritten code predicts {after.total.lo:,} FLOPs, not the announced "
                f"{before.total.lo:,} - {saving:,}; the fix was not applied")
    if after.total.lo > before.total.lo:
        return f"the rewrite would cost {after.total.lo - before.total.lo:,} FLOPs more; the fix was not applied"
    return None


def _returned(report: Report) -> str:
    if report.returned is None:
        return "a value of unknown shape"
    shape, dtype = report.returned
    return f"a {dtype} array of shape {shape}"


def _key(finding: Finding) -> tuple:
    return (finding.code, finding.fix.title if finding.fix else "", finding.message)
