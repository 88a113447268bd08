"""Files that run at small sizes and raise at the round's: the raise is reported, not priced.

Each ``round_*.py`` of this folder runs to the end at small widths (the static count is the
real flopscope's, exactly) and raises at 1024x16 (a pad with a negative extent, a fixed
512-column basis, a 600-entry table indexed by the width). There `analyze` names the raise
with its exception class and line, which the real flopscope confirms by running the same
file, and `verify`'s comparison calls the run "raises as predicted".
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point
from flopcast.runtime.counter import run_in_process
from flopcast.runtime.diff import EXACT, RAISES, compare
from flopcast.runtime.protocol import EXCEPTION, RunRequest

HERE = Path(__file__).resolve().parent

ROUND = Point(1024, 16, 2**41)
SMALL = [Point(8, 1, 2**41), Point(16, 2, 2**41), Point(32, 2, 2**41)]
# file: (the exception class at the round, a text on the raising line)
RAISES_AT_THE_ROUND = {
    "round_padded_features": ("ValueError", "fnp.zeros(FEATURES - mlp.width"),
    "round_fixed_basis": ("ValueError", "coords = w @ basis"),
    "round_lookup_table": ("IndexError", "damping[mlp.width]"),
}


def run(path, point):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_in_process(RunRequest(str(path), point.width, point.depth, point.budget))


def line_of(path, text):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("point", SMALL, ids=lambda p: p.label())
@pytest.mark.parametrize("name", sorted(RAISES_AT_THE_ROUND))
def test_at_small_sizes_the_file_runs_and_verifies_exact(name, point):
    path = HERE / f"{name}.py"
    report = analyze(path, point)
    assert not report.raises
    assert compare(point, report, run(path, point)).verdict == EXACT


@pytest.mark.parametrize("name", sorted(RAISES_AT_THE_ROUND))
def test_at_the_round_analyze_reports_the_raise_flopscope_makes(name):
    exc_type, text = RAISES_AT_THE_ROUND[name]
    path = HERE / f"{name}.py"
    report = analyze(path, ROUND)
    (raised,) = report.raises
    assert raised.exc_type == exc_type and raised.every_path
    assert raised.span.line == line_of(path, text)
    assert not report.unpriced  # what follows the raise never runs: nothing to price
    runtime = run(path, ROUND)
    assert runtime.status == EXCEPTION and runtime.error.type == exc_type
    assert runtime.error.span.line == raised.span.line
    assert compare(ROUND, report, runtime).verdict == RAISES
