"""Plain numpy keeps the elements of a cast to a builtin type: ``np.linspace(...).astype(int)``.

Block bounds made with plain numpy (``edges = np.linspace(0, n, k + 1).astype(int)``, walked
with ``itertools.pairwise(edges.tolist())``) are free bookkeeping whose values size every
slice they cut. flopcast kept the elements of ``.astype(np.int64)`` but not of ``.astype(int)``
(the builtin ``int`` is not a dtype object to it), so every ``x[lo:hi]`` was "index depends on
values" and the rest of predict unpriced. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import itertools

    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = 3 * mlp.width
            edges = {expr}
            x = fnp.ones((n, mlp.width))
            rows = []
            for w in mlp.weights:
                x = fnp.concatenate([x[lo:hi] @ w for lo, hi in itertools.pairwise(edges.tolist())], axis=0)
                rows.append(fnp.mean(x, axis=0))
            return fnp.stack(rows)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

EDGES = {
    "astype_int": "np.linspace(0, n, 5).astype(int)",
    "astype_float_then_int": "np.linspace(0, n, 4).astype(float).round().astype(int)",
    "array_dtype_int": "np.array(np.linspace(0, n, 7), dtype=int)",
}


@pytest.mark.parametrize("expr", EDGES.values(), ids=EDGES.keys())
def test_block_bounds_cast_to_int_size_the_slices(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
