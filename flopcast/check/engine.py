"""Check one submission: run the enabled rules, then drop what is suppressed."""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Callable, Optional

from flopcast.analyzer import rollup
from flopcast.analyzer.paths import NotExact
from flopcast.analyzer.trace import RenamedPaths
from flopcast.check import noqa
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding
from flopcast.check.rules import ALL_RULES
from flopcast.check.selection import Selection
from flopcast.check.source import Submission
from flopcast.model import Point, Report, Span

AnalyzeFn = Callable[..., Report]


def _real_analyze(path, point, **kwargs) -> Report:
    from flopcast.analyzer import analyze

    return analyze(path, point, **kwargs)


#: The analyzer entry point; tests replace it with a stand-in that returns a
#: hand-made Report.
analyze: AnalyzeFn = _real_analyze


def session() -> AnalyzeFn:
    """An analyzer entry for one command that analyses the same submission (and rewrites of
    it) many times: each text parsed once (``api.Session``); the stand-in when a test set one."""
    if analyze is not _real_analyze:
        return analyze
    from flopcast.analyzer.api import Session

    return Session().analyze


@dataclass
class TargetResult:
    submission: Submission
    point: Point
    findings: list[Finding] = field(default_factory=list)
    report: Optional[Report] = None
    #: Set when the analysis was needed but failed: the report rules did not run.
    analysis_error: Optional[str] = None
    #: Set when --calibrate was asked for and the small run failed (the report rules still ran).
    calibration_error: Optional[str] = None
    suppressed: int = 0


def check_target(
    submission: Submission,
    point: Point,
    selection: Selection = Selection(),
    *,
    per_file_ignores: Optional[dict[str, tuple[str, ...]]] = None,
    config_root: Optional[Path] = None,
    scorer_cast: bool = True,
    class_name: Optional[str] = None,
    report: Optional[Report] = None,
    calibrate: Optional[str] = None,
    analyzer: Optional[AnalyzeFn] = None,
    savings_for: Optional[frozenset[str]] = None,
    exact_only: bool = False,
) -> TargetResult:
    """Run the enabled rules on one submission; ``report`` reuses an analysis already made
    (the editor analyses the unsaved buffer once for hints and diagnostics alike); ``calibrate``
    ("auto" or "WxD") adds the calibrated prediction to the report (FC001 shows it);
    ``analyzer`` replaces :data:`analyze` (a :func:`session` shared by several checks);
    ``savings_for``: the findings (``Finding.key``) whose fixes' savings are wanted, when not
    all (the others' rewrites are not analysed; their findings may then go without a saving);
    ``exact_only``: the report is wanted only when its total is one number (a saving formula's
    point): the analysis stops as soon as two paths prove it is not, and the result has no report."""
    run = analyzer or analyze
    rules = [rule() for rule in ALL_RULES if selection.enabled(rule.code)]
    result = TargetResult(submission, point)
    if report is not None:
        result.report = localize(report, submission)
    elif any(rule.wants_report for rule in rules):
        try:
            raw = run(str(submission.analysis_path), point,
                      include_scorer_cast=scorer_cast, formula=False,
                      trace=any(rule.wants_loops for rule in rules),
                      memory=any(rule.wants_memory for rule in rules),
                      **({"class_name": class_name} if class_name else {}),
                      **({"exact_only": True} if exact_only else {}))
        except NotExact:
            pass  # no report: the caller wanted only an exact one
        except Exception as exc:  # noqa: BLE001 - reported, and the source rules still run
            result.analysis_error = f"{type(exc).__name__}: {exc}"
        else:
            if calibrate:
                result.calibration_error = _calibrate(raw, submission, calibrate, class_name)
            result.report = localize(raw, submission)
    ctx = CheckContext(submission, point, result.report, class_name, reanalyze=run, savings_for=savings_for)
    found: list[Finding] = []
    for rule in rules:
        # Report rules stay quiet without a report; FC102 falls back to the pattern alone.
        found.extend(rule.check(ctx))
    kept = [f for f in found if not _suppressed(f, submission, per_file_ignores or {}, config_root)]
    result.suppressed = len(found) - len(kept)
    result.findings = sorted(kept, key=Finding.sort_key)
    return result


def _calibrate(raw: Report, submission: Submission, size: str, class_name: Optional[str]) -> Optional[str]:
    """Set ``raw.calibration``; the error message when the small run (or the size) is refused."""
    from flopcast.runtime.calibrate import CalibrationError, calibrate, parse_size

    try:
        raw.calibration = calibrate(str(submission.analysis_path), raw,
                                    size=None if size == "auto" else parse_size(size), class_name=class_name)
    except CalibrationError as exc:
        return str(exc)
    return None


def _suppressed(finding: Finding, submission: Submission,
                per_file_ignores: dict[str, tuple[str, ...]], root: Optional[Path]) -> bool:
    file = next((f for f in submission.files if f.display == finding.path), None)
    if file is None:
        return False
    if 1 <= finding.line <= len(file.lines) and noqa.suppressed(file.lines[finding.line - 1], finding.code):
        return True
    if per_file_ignores:
        rel = os.path.relpath(file.path, root) if root else file.display
        rel = Path(rel).as_posix()
        for pattern, codes in per_file_ignores.items():
            if (fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(file.path.name, pattern)) and \
                    any(finding.code.startswith(c) for c in codes):
                return True
    return False


def _copied(value, **changes):
    """``dataclasses.replace`` of a frozen dataclass without ``__post_init__`` (a Charge),
    made directly: a loop's charges are tens of thousands of distinct objects,
    and a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``."""
    copy = object.__new__(type(value))
    fields = copy.__dict__
    fields.update(value.__dict__)
    fields.update(changes)
    return copy


def localize(report: Report, submission: Submission) -> Report:
    """The report with every span naming its file the way findings do."""
    known = submission.by_resolved()
    base = submission.analysis_path if submission.folder_mode else submission.analysis_path.parent
    cache: dict[str, str] = {}

    def name(path: str) -> str:
        if path not in cache:
            shown = path
            p = Path(path)
            for candidate in ((p,) if p.is_absolute() else (Path.cwd() / p, base / p)):
                try:
                    resolved = candidate.resolve()
                except OSError:
                    continue
                if resolved in known:
                    shown = known[resolved].display
                    break
            cache[path] = shown
        return cache[path]

    spans: dict[Span, Span] = {}
    # Looked up by identity first: tens of thousands of charges share a few span objects, and
    # a span's hash is computed from its fields at every lookup.
    by_id: dict = {}  # id of a span -> (the span, its renamed copy); the span is held, so its id stays its own

    def span(s: Optional[Span]) -> Optional[Span]:
        if s is None:
            return None
        found = by_id.get(id(s))
        if found is not None:
            return found[1]
        if s not in spans:
            spans[s] = dataclasses.replace(s, path=name(s.path))
        by_id[id(s)] = (s, spans[s])
        return spans[s]

    # Repeated loops and reused calls share charge objects (a steady recursion's two million
    # charges can be a hundred objects): each distinct one is renamed once, the rest are C loops,
    # and the renamed list's roll-up is the original's, renamed.
    counts = rollup.counted(report.charges)
    renamed = {id(c): _copied(c, span=span(c.span), dtype_origin=span(c.dtype_origin)) for c, _ in counts}
    places = rollup.positions(report.charges)
    if places is not None and len(places) > 1:
        charges = list(itemgetter(*places)([renamed[id(c)] for c, _ in counts]))  # in C, no int per charge
    else:
        charges = list(map(renamed.__getitem__, map(id, report.charges)))
    rollup.remember(charges, [(renamed[id(c)], n) for c, n in counts], places)
    loop_entries = {span(k): n for k, n in report.loop_entries.items()}
    # Every loop a charge was made in was entered: its path was named above.
    renamed_paths = {path: shown for path, shown in cache.items() if path != shown}
    loops = report.loops.mapped(RenamedPaths(renamed_paths)) if report.loops is not None and renamed_paths \
        else report.loops

    return dataclasses.replace(
        report,
        charges=charges,
        loop_entries=loop_entries,
        loops=loops,
        memory=None if report.memory is None else dataclasses.replace(
            report.memory, largest_span=span(report.memory.largest_span), peak_span=span(report.memory.peak_span),
            setup_largest_span=span(report.memory.setup_largest_span),
            setup_peak_span=span(report.memory.setup_peak_span),
            over_limit_span=span(report.memory.over_limit_span),
            setup_over_limit_span=span(report.memory.setup_over_limit_span),
            caught_span=span(report.memory.caught_span), setup_caught_span=span(report.memory.setup_caught_span)),
        unpriced=[dataclasses.replace(u, span=span(u.span)) for u in report.unpriced],
        uncertain=[dataclasses.replace(u, span=span(u.span)) for u in report.uncertain],
        raises=[dataclasses.replace(r, span=span(r.span)) for r in report.raises],
    )
