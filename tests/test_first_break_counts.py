"""A loop that counts the items before the first whose test answers the other way leaves a count
anywhere in 0..k, not only 0 or k (first_break.py).

Each program counts the leading items of a boolean array that the run answers True for its first
``width // 4`` items and False after (``fnp.abs(x) >= 0.0`` then ``< 0.0``: always so at run time,
unknown to flopcast), then splits the weights at that count and multiplies the two parts: the
product costs nothing at a count of 0 or of k and the most in between. Presumed alike at every
item, the loop stopped at the first item or at none, and the run's count lay above the interval.
Checked against the real flopscope at two sizes. Tests flopcast answers at every item still give
the exact count.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_interval_holds_run, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        head = mlp.width // 4
{flags}
        n = 0
{loop}
        kept, rest = w[:, :n], w[:, n:]
        cross = kept.T @ rest
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(cross)
"""

#: the run's flags: True for the first `head` items, False after; flopcast cannot read them
DATA = "conv = fnp.concatenate([fnp.abs(w[0, :head]) {first} 0.0, fnp.abs(w[0, head:]) {then} 0.0])"
STOPS_AT_FALSE = DATA.format(first=">=", then="<")
STOPS_AT_TRUE = DATA.format(first="<", then=">=")

LOOPS = {
    "break_at_the_first_false": (STOPS_AT_FALSE, "for flag in conv:\n    if not bool(flag):\n        break\n    n += 1"),
    "break_at_the_first_true": (STOPS_AT_TRUE, "for flag in conv:\n    if flag:\n        break\n    n += 1"),
    "count_in_the_if_break_in_the_else": (STOPS_AT_FALSE,
                                          "for flag in conv:\n    if flag.item():\n        n += 1\n    else:\n"
                                          "        break"),
    "index_over_a_range_stepped_by_two": (STOPS_AT_FALSE,
                                          "for i in range(mlp.width):\n    if not conv[i]:\n        break\n"
                                          "    n = n + 2\nn = n // 2"),
    "while_below_a_cap_and_the_test": (STOPS_AT_FALSE, "while n < len(conv) and conv[n]:\n    n += 1"),
}


def _write(path, flags: str, loop: str):
    path.write_text(PROGRAM.format(flags=textwrap.indent(flags, " " * 8), loop=textwrap.indent(loop, " " * 8)))
    return path


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("form", LOOPS.values(), ids=LOOPS.keys())
def test_a_run_stopping_between_the_first_and_the_last_item_is_inside_the_interval(tmp_path, form, point):
    assert_interval_holds_run(_write(tmp_path / "estimator.py", *form), point)


KNOWN = {
    # a list of Python bools and a plain numpy array: flopcast reads every item's answer
    "list_of_bools": "conv = [True] * head + [False] * (mlp.width - head)",
    "plain_numpy_mask": "conv = np.arange(mlp.width) < head",
    "all_true": "conv = [True] * mlp.width",
}


@pytest.mark.parametrize("flags", KNOWN.values(), ids=KNOWN.keys())
def test_known_answers_give_the_exact_count(tmp_path, flags):
    path = _write(tmp_path / "estimator.py", flags, LOOPS["break_at_the_first_false"][1])
    point = POINTS[0]
    report = analyze(path, point)
    assert not report.unpriced and not report.uncertain
    assert report.total.lo == report.total.hi == measure(path, point).total


SWEEPS = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        active, locked = w, None
        for sweep in range(3):
            if active.shape[1] == 0:
                break
            conv = fnp.sum(active * active, axis=0) < float(mlp.width) / 3.0
            n = 0
            for flag in conv:
                if not bool(flag):
                    break
                n += 1
            if locked is not None:
                active = active - locked @ (locked.T @ active)
            locked = active[:, :n] if n else locked
            active = active[:, n:]
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(w)
"""


def test_counts_that_steer_later_sweeps_stay_inside_the_interval(tmp_path):
    # whestbench's seed-0 MLP at 8x2 locks some columns at the first sweep and deflates the rest
    # against them (1,063 FLOPs; presumed alike, the interval was [255, 511])
    path = tmp_path / "estimator.py"
    path.write_text(SWEEPS)
    point = Point(8, 2, 2**41)
    counted = measure(path, point).total
    report = analyze(path, point)
    assert not report.unpriced
    assert report.total.lo <= counted <= report.total.hi, (counted, report.total)
