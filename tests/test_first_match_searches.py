"""A search for the first item whose test depends on values stops at any item, not only at the
first or at none (first_index.stop_answer): ``next(<genexp with one if>, default)`` whose test
charges or that finds an item, ``itertools.takewhile``/``dropwhile`` over a sequence, a generator
or a map, and ``filter`` (``next(filter(...), default)``, ``list(filter(...))``).

Presumed alike at every item, the search stopped at the first item or ran through all of them:
a run stopping at a middle item (its tests charged up to there, its index or item sizing what
follows) lay outside the interval, or was called exact. Each program stops at a middle item at
run time; checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, assert_interval_holds_run, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
import itertools

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
{body}
"""

#: the run's flags: True for the first `width // 4` items, False after; flopcast cannot read them
FLAGS = ("head = mlp.width // 4\n"
         "conv = fnp.concatenate([fnp.abs(w[0, :head]) >= 0.0, fnp.abs(w[0, head:]) < 0.0])\n")

#: the split at the count a search leaves: nothing at either end, the most in between
SPLIT = ("kept, rest = w[:, :n], w[:, n:]\n"
         "return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(kept.T @ rest)\n")

SEARCHES = {
    # the test charges a mean per item tested; the run finds the third of `depth` items
    "next_whose_test_charges": (
        "xs = [fnp.ones(mlp.width) * (i + 1.0) for i in range(mlp.depth)]\n"
        "first = next((i for i, v in enumerate(xs) if float(fnp.mean(v)) > 2.5), len(xs))\n"
        "split = fnp.ones((first * (len(xs) - first), 64 * mlp.width))\n"
        "return fnp.stack(xs) + fnp.sum(split)\n"),
    # the item found, not its index: a middle one is larger than the default, the first item
    "next_of_an_item": (
        "xs = [fnp.ones(mlp.width * (i + 1)) * (i + 1.0) for i in range(mlp.depth)]\n"
        "found = next((v for v in xs if float(fnp.max(v)) > 2.5), xs[0])\n"
        "return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.outer(found, found))\n"),
    "takewhile_over_flags": (
        FLAGS + "n = len(list(itertools.takewhile(lambda f: bool(f), conv)))\n" + SPLIT),
    "dropwhile_over_flags": (
        FLAGS + "n = mlp.width - len(list(itertools.dropwhile(lambda f: bool(f), conv)))\n" + SPLIT),
    # filter() is the search for the first item passing: next() of it stops at the third item
    "next_of_a_filter": (
        "xs = [fnp.ones(mlp.width * (i + 1)) * (i + 1.0) for i in range(mlp.depth)]\n"
        "found = next(filter(lambda v: float(fnp.max(v)) > 2.5, xs), xs[0])\n"
        "return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.outer(found, found))\n"),
    # every item's test charges; how many pass (all but the first) sizes what follows
    "list_of_a_filter": (
        "xs = [fnp.ones(mlp.width) * (i + 1.0) for i in range(mlp.depth)]\n"
        "n = len(list(filter(lambda v: float(fnp.mean(v)) > 1.5, xs)))\n"
        "split = fnp.ones((n * (len(xs) - n + 1), 64 * mlp.width))\n"
        "return fnp.stack(xs) + fnp.sum(split)\n"),
}


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(body=textwrap.indent(body, " " * 8)))
    return path


@pytest.mark.parametrize("point", [Point(8, 4, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("search", SEARCHES.values(), ids=SEARCHES.keys())
def test_a_run_stopping_at_a_middle_item_is_inside_the_interval(tmp_path, search, point):
    assert_interval_holds_run(_write(tmp_path, search), point)


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_dropwhile_tests_no_item_past_the_first_it_keeps(tmp_path, point):
    """Python calls dropwhile's test only until it first answers False; each call here charges a
    product, and the answers are known (by shape): exact, the later items' tests not charged."""
    path = _write(tmp_path, "xs = [fnp.ones(i + 1) for i in range(mlp.depth + 3)]\n"
                            "kept = list(itertools.dropwhile(lambda v: (v * 2.0).shape[0] < 3, xs))\n"
                            "return fnp.zeros((mlp.depth, mlp.width)) + len(kept)\n")
    assert_exact_at(path, [point])


@pytest.mark.parametrize("point", [Point(24, 2, 2**41), Point(32, 2, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_a_search_over_more_than_sixteen_items_leaves_the_high_end_open(tmp_path, point):
    """More stops than are explored: the total is a lower bound, the run above its low end."""
    path = _write(tmp_path, SEARCHES["takewhile_over_flags"])
    report = analyze(path, point)
    assert [u.what for u in report.unpriced] == ["first-match search"], report.unpriced
    assert report.total.lo <= measure(path, point).total


#: sources of the run's flags whose items are made as the search asks for them
LAZY_FLAGS = {
    # a generator's body runs whole at its first item: how many it holds is known from there
    "generator": "def flags():\n    for j in range(mlp.width):\n        yield conv[j]\nsource = flags()\n",
    # a map's items are not counted ahead: searched stop by stop as they come
    "map": "source = map(lambda j: conv[j], range(mlp.width))\n",
}


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("source", LAZY_FLAGS.values(), ids=LAZY_FLAGS.keys())
def test_a_takewhile_over_items_made_as_asked_stopping_at_a_middle_item_is_inside_the_interval(tmp_path, source,
                                                                                                point):
    """Over a generator or a map each item is a stop of its own too: both ends of the search split
    nothing here, and the run, stopping in between, splits the weights. Answered alike at every
    item, the search was presumed to stop at the first item or at none, and the run fell above
    the interval's high end."""
    body = FLAGS + source + "n = len(list(itertools.takewhile(lambda f: bool(f), source)))\n" + SPLIT
    assert_interval_holds_run(_write(tmp_path, body), point)


@pytest.mark.parametrize("source", LAZY_FLAGS.values(), ids=LAZY_FLAGS.keys())
def test_a_takewhile_over_more_than_sixteen_items_made_as_asked_leaves_the_high_end_open(tmp_path, source):
    """24 items, more stops than are explored: a lower bound, the run above its low end."""
    point = Point(24, 2, 2**41)
    path = _write(tmp_path, FLAGS + source + "n = len(list(itertools.takewhile(lambda f: bool(f), source)))\n" + SPLIT)
    report = analyze(path, point)
    assert [u.what for u in report.unpriced] == ["first-match search"], report.unpriced
    assert report.total.lo <= measure(path, point).total
