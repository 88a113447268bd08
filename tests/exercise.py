"""Run every front end of flopcast on one estimator, so an internal error anywhere surfaces.

An *internal error* is a Python exception escaping ``flopcast.analyzer.analyze`` or a
renderer of its report, as opposed to a finding in the report (an unpriced entry, a raise,
a value-dependent site). The only exceptions that are not internal errors are the two
errors for people: a file that does not parse or holds no estimator class
(``SourceError``, ``ProgramError``); :func:`exercise` returns ``None`` for them.

Used by tests/adversarial (hand-written hostile files) and tests/fuzz/test_mutations.py
(single-line mutants of the samples and the participant-style corpus).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from flopcast.analyzer import analyze
from flopcast.analyzer.program import ProgramError
from flopcast.analyzer.render import render_json, render_text
from flopcast.analyzer.source import SourceError
from flopcast.check import engine
from flopcast.check.output import RENDERERS, Results
from flopcast.check.source import Submission, local_module_names, parse_file
from flopcast.model import Point, Report


def exercise(path: Path, point: Point, source: Optional[str] = None,
             sources: Optional[dict[str, str]] = None) -> Optional[Report]:
    """Analyse ``path`` (with ``source`` as its text and ``sources`` as the text of sibling
    modules, if given) and render the report in every format `analyze`, `check` and the
    editor produce; any exception raised is an internal error."""
    try:
        report = analyze(path, point, source=source, sources=sources, formula=False)
    except (SourceError, ProgramError) as exc:
        assert str(exc), "an error for people must say what happened"
        return None
    assert_no_internal_error(report)
    render_text(report)
    json.dumps(json.loads(render_json(report)))
    text = source if source is not None else Path(path).read_text()
    entry = parse_file(Path(path), text)
    # The sibling modules given as text are the ones checked: read from disk, the check would
    # run its rules' analyses on a program other than the one reported.
    others = [parse_file(Path(p), t) for p, t in (sources or {}).items()]
    submission = Submission(str(path), entry, others, local_module_names(entry.path.parent), entry.path,
                            folder_mode=False)
    with _analyses_made_once():
        target = engine.check_target(submission, point, report=report)
        for render in RENDERERS.values():
            render(Results([target]))
        if not sources:
            # The editor checks one buffer, with its siblings as saved: a report of other
            # siblings' texts is not one it can be handed.
            _editor_diagnostics(str(entry.path), text, point, report)
    return report


@contextmanager
def _analyses_made_once():
    """`check` and the editor run the same rules on the same report, so their rules ask for the
    same analyses of the same rewrites (FC107's budget probes, the fixes' savings): each is made
    once and handed to both, as a result or as the exception it raised. Both names are set:
    ``engine.session()`` compares them and still gives the savings a Session of their own."""
    real, saved, made = engine.analyze, engine._real_analyze, {}

    def analyze_once(path, point, **kwargs):
        key = (str(path), point, repr(sorted(kwargs.items())))
        if key not in made:
            try:
                made[key] = (real(path, point, **kwargs), None)
            except Exception as exc:  # noqa: BLE001 - the rules catch it; the second check gets it too
                made[key] = (None, exc)
        report, error = made[key]
        if error is not None:
            raise error
        return report

    engine.analyze = engine._real_analyze = analyze_once
    try:
        yield
    finally:
        engine.analyze, engine._real_analyze = real, saved


def assert_no_internal_error(report: Report) -> None:
    """flopcast's interpreter turns its own bugs into "internal error" entries (a lower bound
    instead of a crash); for a test they are failures all the same."""
    bugs = [f"{u.span}: {u.reason}" for u in report.unpriced if u.what == "internal error"]
    assert not bugs, "flopcast could not model:\n" + "\n".join(bugs)


def _editor_diagnostics(path: str, text: str, point: Point, report: Report) -> None:
    from flopcast.lsp.diagnostics import check_findings, to_diagnostic
    from flopcast.lsp.positions import Lines

    lines = Lines.of(text)
    for found in check_findings(path, text, point, report, None):
        to_diagnostic(found, lines)
