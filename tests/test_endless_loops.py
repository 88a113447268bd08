"""A loop that only value-dependent tests keep going, whose state changes at every iteration,
stops its path after limits.MAX_HELD_ITERATIONS iterations in a row (Loops.count_held).

A path answers a site alike at every execution, so where the answer is "go on" such a loop never
ends on that path, yet its state never repeats (a count the test reads, a list it grows and
measures): the checks that prove a loop endless never fire, and it ran to the 100,000-iteration
cap, a minute or more per path (`while (norm(v) >= 0) != (step >= 3):` growing a list; a `for` over
a list it appends to had no cap at all). Each such loop now ends its path with a named reason at
its line, the total a lower bound the real run lies above. The caps are lowered here so a loop
that runs to them fails in seconds instead of minutes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.analyzer.interpreter import limits
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            v = fnp.sum(w, axis=0)
    {loop}
            made = fnp.stack(rows, axis=0)
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(made @ made.T)
    """
#: the line in PROGRAM where each loop's text below starts
LOOP_LINE = 9

#: loops whose run ends after 3 iterations, where the path answering their test "go on" never does
LOOPS = {
    # the test compares a site's truth with a count it steps
    "while_test_reads_a_count": """\
        rows = []
        step = 0
        while (float(fnp.linalg.norm(v)) >= 0.0) != (step >= 3):
            v = w @ v
            rows.append(v)
            step += 1
        rows.append(v)""",
    # `while True:` whose break a site decides, the count read in its test
    "break_reads_a_count": """\
        rows = []
        step = 0
        while True:
            v = w @ v
            rows.append(v)
            step += 1
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 3):
                break""",
    # the test reads the length of the list the loop grows
    "while_test_reads_the_list": """\
        rows = []
        while float(fnp.linalg.norm(v)) >= 1e-300 * len(rows):
            v = w @ v
            rows.append(v)
            if len(rows) >= 3 and float(fnp.max(v)) > -1e300:
                break""",
    # a dict growing by key, its size read by the test
    "while_test_reads_a_growing_dict": """\
        seen = {}
        while float(fnp.linalg.norm(v)) / (1 + len(seen)) >= 0.0:
            seen[len(seen)] = v
            v = w @ v
            if len(seen) >= 3 and float(fnp.max(v)) > -1e300:
                break
        rows = list(seen.values())""",
    # a for over a list its body appends to while a site says so
    "for_over_a_list_it_appends_to": """\
        rows = [v]
        for r in rows:
            if (float(fnp.linalg.norm(r)) >= 0.0) != (len(rows) >= 3):
                rows.append(w @ r)""",
}


@pytest.fixture(autouse=True)
def low_caps(monkeypatch):
    """Caps far above MAX_HELD_ITERATIONS but low enough that running to them takes seconds."""
    monkeypatch.setattr(limits, "MAX_LOOP_ITERATIONS", 2_000)
    monkeypatch.setattr(limits, "MAX_STEPS", 30_000)


def _written(tmp_path: Path, name: str) -> Path:
    loop = textwrap.indent(textwrap.dedent(LOOPS[name]), "        ")
    return write_program(tmp_path, PROGRAM, loop=loop)


def _loop_line(name: str) -> int:
    """The line of the loop statement in the program written for ``name``."""
    return LOOP_LINE + next(i for i, line in enumerate(textwrap.dedent(LOOPS[name]).splitlines())
                           if line.startswith(("while", "for")))


@pytest.mark.parametrize("name", sorted(LOOPS))
def test_the_path_stops_at_the_loop_with_a_named_reason_below_the_run(tmp_path, name):
    path = _written(tmp_path, name)
    point = Point(8, 2, 2**41)
    report = analyze(path, point)
    line = _loop_line(name)
    assert path.read_text().splitlines()[line - 1].lstrip().startswith(("while", "for"))
    held = [u for u in report.unpriced if "only because value-dependent tests answered" in u.reason]
    assert held and all(u.span.line == line for u in held), [u.reason for u in report.unpriced]
    assert f"{limits.MAX_HELD_ITERATIONS:,} iterations in a row" in held[0].reason
    assert not [u for u in report.unpriced if u.what == "internal error"]
    assert not report.exact
    assert report.total.lo <= measure(path, point).total
