"""Mutation fuzzing: single-line mutants of real estimators never make flopcast fail.

Every file of samples/ and tests/realistic/estimators/ (globbed, so new corpus files join
automatically) is mutated one line at a time, the way a user edits: a line deleted,
duplicated or swapped with the next; a number, an arithmetic operator or a comparison
changed; a called op renamed to another op the corpus calls. Mutants that do not parse
are skipped; the rest are analysed in-process and rendered in every format
(tests/exercise.py). The analysis may say anything — unpriced, raises, unbounded — but an
exception escaping it is an internal error, and a mutant running past the wall-time guard
is a hang. Both fail the test.

The committed run is derandomized (fixed seed) and takes MUTANTS valid mutants in all (one
per file by default), spread evenly over the files. To hunt, run far more, e.g.::

    FLOPCAST_MUTANTS=10000 FLOPCAST_MUTANTS_SEED=3 .venv/bin/pytest tests/fuzz/test_mutations.py -q -x

Whether what the analysis says about a mutant is true (against the real flopscope) is the
question of tests/fuzz/mutation_verify.py, a slower hunting script.
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import itertools
import math
import os
import random
import re
import signal
import tokenize
import traceback
from pathlib import Path
from typing import Callable, NamedTuple

import pytest
from exercise import exercise

from flopcast.model import Point

ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("FLOPCAST_MUTANTS_SEED", "0"))
#: Small, to keep the mutants cheap: of a file's mutants seven in eight at 8x1, the eighth at 16x2
#: (two layers to loop over; the committed run's one mutant per file is at 8x1, hunting runs reach
#: 16x2). The budgets keep the round's ratio to w²·d (2**17), so files that pick an algorithm or a
#: sample count from the budget take their usual branch.
POINTS = (Point(8, 1, 2**23),) * 7 + (Point(16, 2, 2**26),)
#: CPU seconds one mutant may take before it counts as a hang (CPU time, so a loaded machine
#: does not turn a slow analysis into a failure; one mutant takes about 0.1 s, rarely 15 s).
HANG_SECONDS = 30


def corpus() -> list[Path]:
    files = sorted((ROOT / "samples").rglob("*.py")) + sorted((ROOT / "tests/realistic/estimators").rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


class Mutant(NamedTuple):
    what: str  # e.g. "line 12: delete", for the failure message
    text: str


_ARITH = ["+", "-", "*", "/", "//", "%", "**", "@"]
_COMPARE = ["<", "<=", ">", ">=", "==", "!="]
_NUMBERS = ["0", "1", "2", "-1", "3", "1e30", "0.5"]


def _called_names(files: list[Path]) -> list[str]:
    """Names called as attributes (`fnp.NAME(`, `x.NAME(`) anywhere in the corpus."""
    names: set[str] = set()
    for f in files:
        names.update(re.findall(r"\.([a-z_][a-z0-9_]*)\(", f.read_text()))
    return sorted(names)


class Run(NamedTuple):
    """``count`` mutants of one line or token, in a fixed order; ``make(k)`` describes the k-th
    and gives a function that writes it out."""
    count: int
    make: Callable[[int], tuple[str, Callable[[], str]]]


def mutant_runs(text: str, op_names: list[str]) -> list[Run]:
    """Every single-line mutant of ``text`` (some do not parse), as runs in a fixed order: the
    corpus has over five million mutants and a run draws hundreds, so a mutant is only
    described and written when it is drawn."""
    lines = text.splitlines(keepends=True)
    runs = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        edits = [(f"line {i + 1}: delete", lambda i=i: "".join(lines[:i] + lines[i + 1:])),
                 (f"line {i + 1}: duplicate", lambda i=i: "".join(lines[:i + 1] + lines[i:]))]
        if i + 1 < len(lines):
            edits.append((f"line {i + 1}: swap with the next",
                          lambda i=i: "".join(lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2:])))
        runs.append(Run(len(edits), edits.__getitem__))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return runs
    for k, tok in enumerate(tokens):
        if tok.type == tokenize.NUMBER:
            choices = [n for n in _NUMBERS if n != tok.string]
        elif tok.type == tokenize.OP and tok.string in _ARITH:
            choices = [o for o in _ARITH if o != tok.string]
        elif tok.type == tokenize.OP and tok.string in _COMPARE:
            choices = [o for o in _COMPARE if o != tok.string]
        elif (tok.type == tokenize.NAME and 0 < k < len(tokens) - 1 and tokens[k - 1].string == "."
              and tokens[k + 1].string == "("):
            choices = [n for n in op_names if n != tok.string]
        else:
            continue
        (row, col), (end_row, end_col) = tok.start, tok.end
        if row != end_row:
            continue
        runs.append(Run(len(choices), lambda j, row=row, col=col, end_col=end_col, old=tok.string, choices=choices:
                        _replaced(lines, row, col, end_col, old, choices[j])))
    return runs


def _replaced(lines: list[str], row: int, col: int, end_col: int, old: str, new: str) -> tuple[str, Callable[[], str]]:
    changed = lines[row - 1][:col] + new + lines[row - 1][end_col:]
    return f"line {row}: {old!r} -> {new!r}", lambda: "".join(lines[:row - 1] + [changed] + lines[row:])


def sample_mutants(path: Path, count: int, seed: int, op_names: list[str]) -> list[Mutant]:
    """``count`` distinct valid (parsing) mutants of ``path``, drawn with a fixed seed: the
    order of every mutant's index shuffled (the same draws as shuffling the mutants)."""
    text = path.read_text()
    runs = mutant_runs(text, op_names)
    starts = list(itertools.accumulate((r.count for r in runs), initial=0))
    order = list(range(starts[-1]))
    random.Random(f"{seed}:{path.name}").shuffle(order)
    chosen, seen = [], {text}
    for n in order:
        if len(chosen) >= count:
            break
        r = bisect.bisect_right(starts, n) - 1
        what, write = runs[r].make(n - starts[r])
        m = Mutant(what, write())
        if m.text in seen:
            continue
        seen.add(m.text)
        try:
            ast.parse(m.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        chosen.append(m)
    return chosen


class Hang(BaseException):
    """A mutant ran past HANG_SECONDS (BaseException: nothing in flopcast may swallow it)."""


def _on_alarm(signum, frame):
    raise Hang()


def analysed_as(path: Path, text: str) -> tuple[Path, dict]:
    """The estimator to analyse for a mutant of ``path``, and the texts standing in for files:
    a helper module of a submission folder is analysed through the folder's estimator.py."""
    entry = path.parent / "estimator.py"
    if path.name != "estimator.py" and entry.is_file():
        return entry, {"sources": {str(path): text}}
    return path, {"source": text}


FILES = corpus()
OP_NAMES = _called_names(FILES)
#: One per file of the corpus (session 48): two per file were 14% of the suite's test time, five a sixth
#: of its 15 minutes. Each file's mutant is still analysed in every format; hunting runs take more.
MUTANTS = int(os.environ.get("FLOPCAST_MUTANTS", str(len(FILES))))


#: One worker runs this module (make test: --dist loadgroup), so each file's mutants are drawn once
#: (drawn_mutants) for the count test and the file's own: the draw shuffles the index of every mutant
#: of the file (the corpus has millions), 7 of the module's 136 s in session 50's CI, and as much again.
pytestmark = pytest.mark.xdist_group("mutations")


@functools.cache
def drawn_mutants(path: Path) -> list[Mutant]:
    """The committed run's valid mutants of ``path``: MUTANTS spread evenly over the files."""
    return sample_mutants(path, math.ceil(MUTANTS / len(FILES)), SEED, OP_NAMES)


def test_the_corpus_gives_the_valid_mutants_asked_for_per_run():
    total = sum(len(drawn_mutants(f)) for f in FILES)
    assert total >= MUTANTS


#: Files some of whose mutants are analysed past HANG_SECONDS (slow, not an internal error; issue 10).
#: Skipped, not xfailed: each slow mutant spends the whole guard, and these two files alone took
#: 8 of the suite's CPU minutes in session 25 (its draws moved when the corpus grew).
SLOW_MUTANTS = {
    "tests/realistic/estimators/strassen_levels/estimator.py":
        "open (issue 10): mutants such as line 88 '-' -> '**' and line 150 'mean' -> 'default' run past "
        "30 CPU s at 8x1 (found session 23)",
    "tests/realistic/estimators/strassen_levels/make_head.py":
        "open (issue 10): this file's mutants, analysed through strassen_levels/estimator.py, took 312 s "
        "(session 25's CI)",
    "tests/realistic/estimators/tolerance_loops.py":
        "open (issue 10): line 125 '1' -> '0' (a Newton while loop on Python floats whose counter never "
        "steps) runs past 30 CPU s at 8x1 on main too; drawn once the corpus grew (session 45)",
}


@pytest.mark.parametrize("path", [pytest.param(f, marks=pytest.mark.skip(reason=SLOW_MUTANTS[str(f.relative_to(ROOT))]))
                                  if str(f.relative_to(ROOT)) in SLOW_MUTANTS else f for f in FILES],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_mutant_makes_an_internal_error(path: Path):
    failures = []
    previous = signal.signal(signal.SIGVTALRM, _on_alarm)
    try:
        for i, m in enumerate(drawn_mutants(path)):
            point = POINTS[i % len(POINTS)]
            target, texts = analysed_as(path, m.text)
            signal.setitimer(signal.ITIMER_VIRTUAL, HANG_SECONDS)
            try:
                exercise(target, point, **texts)
            except Hang:
                failures.append(f"{m.what} at {point.width}x{point.depth}: no result after {HANG_SECONDS} CPU s")
            except Exception:  # noqa: BLE001 - the failure under test
                tail = "".join(traceback.format_exc().splitlines(keepends=True)[-6:])
                failures.append(f"{m.what} at {point.width}x{point.depth}:\n{tail}")
            finally:
                signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    finally:
        signal.signal(signal.SIGVTALRM, previous)
    assert not failures, f"{len(failures)} mutants of {path.name} fail:\n" + "\n".join(failures)
