"""``fnp.moveaxis`` with sequences of axes and ``fnp.rollaxis`` are priced and shaped as
flopscope runs them.

moveaxis takes an int or a sequence of ints for each of source/destination (numpy's
normalize_axis_tuple): flopcast read only ints (a list was unpriced). Its refusals (an axis out
of range, a repeated axis, lengths that differ) come inside flopscope's free charge. rollaxis is
free in flopscope (charged 0 after numpy's call, so an out-of-range axis charges nothing);
flopcast had no model of its result. Each result's shape is read by priced work after it, so a
wrong permutation shows in the count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            t = fnp.ones((2, 3, mlp.width))
            try:
                r = {expr}
                out = fnp.sum(fnp.ones(r.shape[0]) * 2.0) + fnp.sum(r, axis=-1)[0] * 3.0
            except IndexError:
                out = fnp.sum(w @ w)
            except ValueError:
                out = fnp.max(w @ w.T)
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(out)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "moveaxis_lists": "fnp.moveaxis(t, [0, 1], [1, 0])",
    "moveaxis_tuples_negative": "fnp.moveaxis(t, (0, 2), (-1, 0))",
    "moveaxis_list_of_one": "fnp.moveaxis(t, [2], [0])",
    "moveaxis_lengths_differ": "fnp.moveaxis(t, [0, 1], [1])",
    "moveaxis_repeated_source": "fnp.moveaxis(t, [0, 0], [1, 2])",
    "moveaxis_out_of_range_in_list": "fnp.moveaxis(t, [0, 3], [1, 2])",
    "rollaxis_last": "fnp.rollaxis(t, 2)",
    "rollaxis_start": "fnp.rollaxis(t, 0, 2)",
    "rollaxis_negative_start": "fnp.rollaxis(t, 2, -2)",
    "rollaxis_matrix": "fnp.rollaxis(w[:3], 1)",
    "rollaxis_out_of_range": "fnp.rollaxis(t, 3)",
}


@pytest.mark.parametrize("expr", CASES.values(), ids=CASES.keys())
def test_axis_sequences_and_rollaxis_are_priced_as_flopscope_runs_them(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
