"""``transpose`` checks its axes as numpy does: one per dimension, in range, none repeated.

``fnp.transpose(x, (0, 0, 1))`` or ``x.transpose(0, 0, 1)`` (repeated: ValueError),
``fnp.transpose(x, (1, 0))`` of a 3-d array (too few: ValueError) were priced with the shape
the axes pick (a false exact for a predict that raises, or that runs its handler); an axis
out of range is numpy's AxisError. Negative axes are normalised. Checked against the real
flopscope at two sizes, with the handler's work counted op by op.
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
            x = fnp.stack([w, w])
            try:
                r = {expr}
                out = fnp.sum(r * 2.0, axis=(0, 1))[:1]
            except (ValueError, np.exceptions.AxisError):
                out = (w @ w)[0]
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))
EXPRS = {
    "repeated": "fnp.transpose(x, (0, 0, 1))",
    "too_few": "fnp.transpose(x, (1, 0))",
    "out_of_range": "fnp.transpose(x, (0, 1, 5))",
    "method_repeated": "x.transpose(0, 0, 1)",
    "method_too_few": "x.transpose((1, 0))",
    "negative_axes": "fnp.transpose(x, (-1, 0, 1))",
    "method_negative": "x.transpose(2, -3, 1)",
    "plain": "fnp.transpose(x, (2, 1, 0))",
}


@pytest.mark.parametrize("expr", EXPRS.values(), ids=EXPRS.keys())
def test_transpose_axes_are_checked_as_numpy_does(tmp_path, expr):
    path = write_program(tmp_path, PROGRAM, expr=expr)
    assert_exact_at(path, POINTS)
