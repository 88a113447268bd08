"""Comprehensions over the layers repeat like `for` loops (repeats.SteadyLoop.watch_comprehension).

A list comprehension or a generator expression with one `for` is watched as the loop it stands
for: once the state settles its iterations are skipped, the items it would have made cloned.
The fixture's comprehensions each have iterations that must still run (an item of another
dtype, a counter compared, a filter on the counter's parity, a helper whose state grows);
the counts are flopscope's, and the work does not grow with the depth.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flopcast.model import Point
from test_paths import Counting, assert_counted_exactly

from flopcast.analyzer.interpreter import Decisions
from flopcast.analyzer.program import load_program

COMPREHENSIONS = Path(__file__).resolve().parent / "fixtures" / "steady" / "comprehensions.py"


@pytest.mark.parametrize("width,depth", [(16, 9), (16, 40), (24, 5)])
def test_comprehensions_over_the_layers_are_counted_exactly(width, depth):
    assert_counted_exactly(COMPREHENSIONS, Point(width, depth, 2**41))


class _Evaluating(Counting):
    """Counts the expressions evaluated by line (a comprehension's element is no statement)."""

    def eval(self, node: ast.expr):
        self.evaluated[node.lineno] = self.evaluated.get(node.lineno, 0) + 1
        return super().eval(node)


def _evaluated(depth: int) -> dict:
    interp = _Evaluating(load_program(COMPREHENSIONS), 16, depth, 2**41, Decisions())
    interp.executed, interp.evaluated = {}, {}
    interp.run("Estimator")
    return interp.evaluated


def test_comprehensions_over_the_layers_are_skipped():
    lines = {t.strip().split(" = ")[0]: n + 1 for n, t in enumerate(COMPREHENSIONS.read_text().splitlines())}
    small, large = _evaluated(40), _evaluated(400)
    for name in ("outs", "gated", "evens", "pairs", "rows"):
        line = lines[name]
        assert large[line] == small[line] < 40 * 8, name
    # each call of `grow` differs (a size read from its growing log): every one runs
    assert large[lines["total"]] > 400


YIELDING = Path(__file__).resolve().parent / "fixtures" / "steady" / "yielding_layers.py"


@pytest.mark.parametrize("width,depth", [(16, 9), (16, 40), (24, 6)])
def test_generators_that_yield_per_layer_are_counted_exactly(width, depth):
    assert_counted_exactly(YIELDING, Point(width, depth, 2**41))


def test_generators_that_yield_per_layer_are_skipped():
    lines = {t.strip(): n + 1 for n, t in enumerate(YIELDING.read_text().splitlines())}
    executed = {}
    for depth in (40, 400):
        interp = Counting(load_program(YIELDING), 16, depth, 2**41, Decisions())
        interp.executed = {}
        interp.run("Estimator")
        executed[depth] = interp.executed
    for text in ("m = Moments(mu, m.var @ (w * w))", "x = fnp.tanh(x @ w)"):
        line = lines[text]
        assert executed[400][line] == executed[40][line] < 20, text


UNITS = Path(__file__).resolve().parent / "fixtures" / "steady" / "unit_comprehensions.py"


@pytest.mark.parametrize("width,depth", [(16, 6), (24, 9)])
def test_comprehensions_over_units_inside_a_watched_layer_loop_are_counted_exactly(width, depth):
    assert_counted_exactly(UNITS, Point(width, depth, 2**41))


def test_comprehensions_over_units_inside_a_watched_layer_loop_are_skipped():
    """The unit comprehensions skip in every layer, the one the layer loop watches too (nested):
    what runs of them does not grow with the width, and the layer loop still skips layers. The
    growing slice's comprehension reads the layer counter: the layer loop runs every layer (its
    comprehensions still skip units). The one after `None` reads the unit counter: every unit."""
    text = UNITS.read_text().splitlines()
    lines = {t.strip().split(" = ")[0]: n + 1 for n, t in enumerate(text)}
    growing = next(n + 1 for n, t in enumerate(text) if "growing.append" in t)

    def run(width: int) -> _Evaluating:
        interp = _Evaluating(load_program(UNITS), width, 12, 2**41, Decisions())
        interp.executed, interp.evaluated = {}, {}
        interp.run("Estimator")
        return interp

    small, large = run(16), run(128)
    for line in (lines["cols"], lines["lasts"], growing):
        assert large.evaluated[line] == small.evaluated[line], text[line - 1]
    assert large.executed[lines["h"]] < 6
    assert large.executed[growing] == 12
    assert large.evaluated[lines["added"]] >= 128
