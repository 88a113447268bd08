"""A `while` loop that steps an attribute nothing reads (`self.scale_exp += 100` in a rescale
loop) repeats itself when its state is alike but for that number (open_loops.unread_steps): on
the path where its value-dependent test says "go on" it never ends, which is found after a few
iterations, as for a plain local, instead of at the 100,000-iteration cap (46 s of analysis for
a participant's rescale-past-1e30 loop). Where the number can be read while the loop runs (a
function of the program, a `__setattr__`, a property), the loop runs as before."""

from __future__ import annotations

import ast
import textwrap

import pytest

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.loop_syntax import unread_attributes
from flopcast.model import Point

POINTS = (Point(8, 2, 2**30), Point(16, 3, 2**30))

PROGRAM = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HUGE = 1e30
{helpers}

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            h = fnp.maximum(h @ w, 0.0)
            c = Spectrum(h * 1e40)
            try:
                c.rescale()
            except ValueError:
                h = h * 0.5
            rows.append(h + c.scale_exp)
        return fnp.stack(rows)
"""

RESCALE = """
class Spectrum:
    def __init__(self, s):
        self.spectrum = s
        self.scale_exp = 0

    def rescale(self):
        while float(fnp.max(self.spectrum)) > HUGE:
            self.spectrum = self.spectrum * 2.0 ** -100  # step
            self.scale_exp += 100
"""

#: Each reads `scale_exp` while the loop runs, and ends the loop by it (a ValueError) at the third iteration.
READ = {
    "by_a_function_of_the_program": RESCALE.replace("self.scale_exp += 100", "self.scale_exp += 100\n"
                                                    "            check(LAST)") + """
LAST = []


def check(last):
    if last[0].scale_exp > 200:
        raise ValueError("too far")
""",
    "by_a_property": RESCALE + """
    @property
    def scale_exp(self):
        return self._exp

    @scale_exp.setter
    def scale_exp(self, value):
        if value > 200:
            raise ValueError("too far")
        self._exp = value
""",
    "by_setattr": RESCALE + """
    def __setattr__(self, name, value):
        if name == "scale_exp" and value > 200:
            raise ValueError("too far")
        object.__setattr__(self, name, value)
""",
}


def _write(tmp_path, helpers: str):
    path = tmp_path / "estimator.py"
    source = PROGRAM.format(helpers=textwrap.dedent(helpers))
    if "LAST = []" in source:
        source = source.replace("c = Spectrum(h * 1e40)", "c = Spectrum(h * 1e40)\n            LAST[:] = [c]")
    path.write_text(source)
    step = next(i + 1 for i, line in enumerate(source.splitlines()) if "# step" in line)
    return path, step


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_rescale_loop_stepping_an_unread_attribute_ends_its_path_unbounded(tmp_path, point):
    path, step = _write(tmp_path, RESCALE)
    report = analyze(path, point, formula=False)
    ends = [u for u in report.unpriced if u.what == "unbounded"]
    assert ends and all(u.span.line == step - 1 for u in ends), report.unpriced
    assert sum(1 for c in report.charges if c.span.line == step) <= 5 * point.depth  # not the cap's 100,000
    assert measure(path, point).total >= report.total.lo


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", sorted(READ))
def test_an_attribute_read_while_the_loop_runs_keeps_it_running(tmp_path, name, point):
    path, _ = _write(tmp_path, READ[name])
    report = analyze(path, point, formula=False)
    assert not [u for u in report.unpriced if u.what == "unbounded"], report.unpriced
    runtime = measure(path, point).total
    assert report.total.lo <= runtime <= report.total.hi, (report.total, runtime)


def _stepped(source: str) -> dict:
    loop = next(n for n in ast.walk(ast.parse(textwrap.dedent(source))) if isinstance(n, ast.While))
    return {name: stepped for name, (stepped, _) in unread_attributes(loop).items()}


def test_only_attributes_the_loop_only_steps_by_a_literal_are_unread():
    assert _stepped("while f(s.x) > 1:\n    s.x = s.x * 0.5\n    s.k += 100\n    s.j -= 1.5\n") == \
        {"s": frozenset({"k", "j"})}
    # read elsewhere in the loop, stepped by a value, the name passed on, a method called on
    # it, the name bound, a namespace read, a nested scope: none
    for loop in ("while s.k < 9:\n    s.k += 1\n", "while f(s.x):\n    s.k += s.x\n",
                 "while f(s.x):\n    s.k += 1\n    g(s)\n", "while f(s.x):\n    s.k += 1\n    s.tick()\n",
                 "while f(s.x):\n    s.k += 1\n    s = t\n", "while f(s.x):\n    s.k += 1\n    getattr(s, 'k')\n",
                 "while f(s.x):\n    s.k += 1\n    g = lambda: s.k\n"):
        assert _stepped(loop) == {}, loop
