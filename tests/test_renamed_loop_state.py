"""A `while` loop that puts a new object of the same contents in its name at every iteration
(`box = shrink(box)`, a new instance holding an array of the same shape) repeats itself: on the
path where its value-dependent test says "go on" it never ends, which is found after a few
iterations (renamed_state.py) instead of at the 100,000-iteration cap (a minute of analysis for
a mutant of mixture_prune at 8x1). Where the new objects are not alike all the way down (a
chain that grows past the three levels a state's signature looks into, which the loop ends by
a raise), the loop runs as before."""

from __future__ import annotations

import pytest

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**30), Point(16, 3, 2**30))

PROGRAM = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HUGE = 1e30


class Box:
    def __init__(self, h, below=None):
        self.h = h
        self.below = below


def shrink(box):
    {shrink}


def depth_of(box):
    n = 0
    while box is not None:
        n += 1
        box = box.below
    return n


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            h = fnp.maximum(h @ w, 0.0)
            box = Box(h * 1e40)
            try:
                while float(fnp.max(box.h)) > HUGE:
                    box = shrink(box)
            except ValueError:
                box = Box(h)
            rows.append(box.h)
        return fnp.stack(rows)
"""

#: a new Box of the same contents at every iteration
FRESH = "return Box(box.h * 0.5)  # step"
#: a new Box holding the last one: a chain that grows, and raises past its eighth link
CHAIN = """if depth_of(box) > 8:
        raise ValueError("too deep")
    return Box(box.h * 0.5, box)  # step"""


def _write(tmp_path, shrink: str):
    path = tmp_path / "estimator.py"
    source = PROGRAM.format(shrink=shrink)
    path.write_text(source)
    step = next(i + 1 for i, line in enumerate(source.splitlines()) if "# step" in line)
    loop = next(i + 1 for i, line in enumerate(source.splitlines()) if "while float" in line)
    return path, step, loop


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_loop_making_a_new_object_alike_each_iteration_ends_its_path_unbounded(tmp_path, point):
    path, step, loop = _write(tmp_path, FRESH)
    report = analyze(path, point, formula=False)
    ends = [u for u in report.unpriced if u.what == "unbounded"]
    assert ends and all(u.span.line == loop for u in ends), report.unpriced
    assert sum(1 for c in report.charges if c.span.line == step) <= 5 * point.depth  # not the cap's 100,000
    assert measure(path, point).total >= report.total.lo


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_chain_growing_past_three_levels_is_not_alike_and_runs_to_its_raise(tmp_path, point):
    path, _, _ = _write(tmp_path, CHAIN)
    report = analyze(path, point, formula=False)
    assert not [u for u in report.unpriced if u.what == "unbounded"], report.unpriced
    runtime = measure(path, point).total
    assert report.total.lo <= runtime <= report.total.hi, (report.total, runtime)


#: lists nested one level deeper at each iteration, which sign alike past signature's few levels
#: (lists are signed without identity); the loop ends by a raise at the ninth level
NESTED_LISTS = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HUGE = 1e30


def depth_of(x):
    n = 0
    while isinstance(x, list):
        n += 1
        x = x[0]
    return n


def grow(x, h):
    if depth_of(x) > 8:
        raise ValueError("too deep")
    return [x, h * 0.5]


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            h = fnp.maximum(h @ w, 0.0)
            x = [h * 1e40]
            try:
                while float(fnp.max(x[-1])) > HUGE:
                    x = grow(x, x[-1])
            except ValueError:
                pass
            rows.append(h)
        return fnp.stack(rows)
"""


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_lists_nesting_deeper_each_iteration_are_not_a_loop_that_never_ends(tmp_path, point):
    path = tmp_path / "estimator.py"
    path.write_text(NESTED_LISTS)
    report = analyze(path, point, formula=False)
    assert not [u for u in report.unpriced if u.what == "unbounded"], report.unpriced
    runtime = measure(path, point).total
    assert report.total.lo <= runtime <= report.total.hi, (report.total, runtime)
