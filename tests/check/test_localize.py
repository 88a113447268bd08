"""check.localize renames a report's spans to display paths and changes nothing else.

A speed change (session 17) renames a loop run's tuple of visits once and keys visits by their
renamed span: every charge, visit and span must still be the original's with only its path shown
as findings show it, and equal visits share one renamed copy."""

import os
from pathlib import Path

from flopcast.analyzer.api import analyze
from flopcast.check.engine import localize
from flopcast.check.source import load_submission
from flopcast.model import Point

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "strassen.py"


def _shown(path: str) -> str:
    # the scorer's pseudo-location is kept as it is
    return path if path.startswith("<") else "samples/strassen.py"


def test_localize_renames_every_span_and_keeps_the_rest(monkeypatch):
    monkeypatch.chdir(ROOT)
    submission = load_submission(str(SAMPLE))
    report = analyze(str(submission.analysis_path), Point(width=16, depth=3, budget=10**12), trace=True)
    assert os.path.isabs(report.charges[0].span.path)
    shown = localize(report, submission)
    assert len(shown.charges) == len(report.charges)
    for old, new in zip(report.charges, shown.charges):
        assert new.span.path == _shown(old.span.path)
        assert (new.span.line, new.span.col, new.span.end_line, new.span.end_col) == \
            (old.span.line, old.span.col, old.span.end_line, old.span.end_col)
        assert {k: v for k, v in vars(new).items() if k not in ("span", "dtype_origin")} == \
            {k: v for k, v in vars(old).items() if k not in ("span", "dtype_origin")}
    visits = {}
    with_loops = 0
    everywhere = range(len(report.charges))
    for old_loops, new_loops in zip(report.loops.at(everywhere), shown.loops.at(everywhere)):
        assert len(new_loops) == len(old_loops)
        with_loops += bool(new_loops)
        for a, b in zip(old_loops, new_loops):
            assert (b.entry, b.index) == (a.entry, a.index)
            assert b.loop.path == _shown(a.loop.path) and b.loop.line == a.loop.line
            # equal visits share one renamed copy
            assert visits.setdefault((a.loop, a.entry, a.index), b) is b
    assert [k.path for k in shown.loop_entries] == [_shown(k.path) for k in report.loop_entries]
    assert sum(shown.loop_entries.values()) == sum(report.loop_entries.values())
