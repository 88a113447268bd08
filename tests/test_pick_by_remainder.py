"""A list indexed by the remainder of an integer read from data: ``mlp.weights[k % mlp.depth]``.

Python's ``k % c`` lies in ``0..c-1`` for a known positive ``c`` whatever ``k`` is, so the pick is
one of the list's items, each analysed on a path of its own (dataints.position) as a pick by
``min(k, depth - 1)`` is. flopcast took the remainder of a number read from data for a number
with no range: "list indexing: the index depends on values", unpriced, a lower bound. The index
the run takes (``argmax`` of the first layer's column sums, 7 or 21) differs between the two
points below: 1 at 8x2, 0 at 32x3. Checked against the real flopscope.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            k = {index}
            w = {items}[{pick}]
            out = {use}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(out, axis=0)
    """

DATA_INDEX = "int(fnp.argmax(fnp.sum(mlp.weights[0], axis=0)))"
PICKS = {"modulo_the_depth": "k % mlp.depth", "modulo_the_length": "k % len(mlp.weights)",
         "negative_modulus": "k % -mlp.depth"}


@pytest.mark.parametrize("pick", PICKS.values(), ids=PICKS.keys())
def test_a_pick_of_one_of_equal_items_by_a_remainder_is_exact(tmp_path, pick):
    path = write_program(tmp_path, PROGRAM, index=DATA_INDEX, items="mlp.weights", pick=pick, use="w @ w")
    assert_exact_at(path, POINTS)


def test_a_pick_whose_item_changes_the_cost_is_the_interval_over_the_items(tmp_path):
    """The second item is one column of a layer: doubling it is cheaper than doubling a layer."""
    items = "[mlp.weights[0], mlp.weights[1][:, :1], *mlp.weights[2:]]"
    path = write_program(tmp_path, PROGRAM, index=DATA_INDEX, items=items, pick="k % mlp.depth", use="w * 2.0")
    for point in POINTS:
        report = analyze(path, point)
        ends = []
        for k in (1, 0):
            (tmp_path / str(k)).mkdir(exist_ok=True)
            fixed = write_program(tmp_path / str(k), PROGRAM, index=f"{DATA_INDEX} * 0 + {k}", items=items, pick="k", use="w * 2.0")
            ends.append(measure(fixed, point).total)
        assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
        assert ends[0] < ends[1] and (report.total.lo, report.total.hi) == tuple(ends)
        assert measure(path, point).total in ends
