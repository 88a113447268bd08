"""``fnp.gradient`` along an axis shorter than ``edge_order + 1`` elements: flopscope charges its
closed form, then numpy raises ValueError ("Shape of array too small to calculate a numerical
gradient"). flopcast priced it as if it ran: hist_bins' smoothing of a stack of one row per
layer raised at depth 1 where the report claimed the run's count. The gradient of a 0-d input
is an empty tuple, not an array. Checked against the real flopscope: the ValueError handler of
the program does other work than the body after the gradient, so a raise missed shows.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 1, 2**41), Point(16, 2, 2**41))

SHORT = {
    "one_row_along_its_rows": "fnp.gradient(w[:1], axis=0)",
    "two_rows_at_edge_order_2": "fnp.gradient(w[:2], axis=0, edge_order=2)",
    "every_axis_of_one_row": "fnp.gradient(w[:1])[1]",
    "an_empty_axis": "fnp.gradient(w[:, :0], axis=1)",
    # one row per layer: raises at depth 1 only
    "a_stack_of_the_layers": "fnp.gradient(fnp.stack([fnp.sum(v, axis=0) for v in mlp.weights]), axis=0)",
    # an empty tuple: len() is 0, where an array's len() raises TypeError
    "a_0d_input": "w[:len(fnp.gradient(fnp.sum(w))) + 1]",
}


@pytest.mark.parametrize("expr", SHORT.values(), ids=SHORT.keys())
def test_gradient_of_a_short_axis_is_charged_then_raises(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
