"""``fnp.outer`` of operands that are not vectors is priced as flopscope prices it: each
operand raveled (a plain view, its symmetry dropped, nothing charged) and one object passed
twice kept as one, so ``outer(w, w)`` earns the identity discount. flopcast refused every
non-vector operand (a lower bound). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0] * 1.0
            r = {expr}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(r)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

EXPRS = {
    "one_matrix_twice": "fnp.outer(w, w)",
    "matrix_and_vector": "fnp.outer(w, w[0])",
    "two_slices": "fnp.outer(w[:2], w[:3])",
    "zero_d_and_vector": "fnp.outer(fnp.sum(w), w[0])",
    "symmetric_matrix_twice": "fnp.outer(w @ w.T, w @ w.T)",
    "python_scalar": "fnp.outer(2.0, w)",
    "linalg_namespace": "fnp.linalg.outer(w, w)",
}


@pytest.mark.parametrize("expr", EXPRS.values(), ids=EXPRS.keys())
def test_outer_ravels_its_operands(tmp_path, expr):
    path = write_program(tmp_path, PROGRAM, expr=expr)
    assert_exact_at(path, POINTS)
