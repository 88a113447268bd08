"""fnp.linalg.vector_norm over axes, matrix_norm of a stack, and both of empty arrays.

flopscope prices ``vector_norm(x, ord, axis, keepdims)`` as one group's ``vector_norm_cost`` (the
axes normed) times the number of groups, none for an empty array, and ``matrix_norm`` as each
matrix's price times the stack's size, nothing for an empty matrix. flopcast left axis=,
keepdims= and stacks unpriced, and charged 2 FLOPs for the norm of an empty array where
flopscope charges none (a false exact). Checked against the real flopscope at two sizes, with
the result's shape used after.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at

from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = fnp.stack([w, w.T, w @ w.T])
            r = {call}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(r * 2) * 0 + len(fnp.shape(r))
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "vector_norm_last_axis": "fnp.linalg.vector_norm(x, axis=-1)",
    "vector_norm_p_two_axes_keepdims": "fnp.linalg.vector_norm(x, 3, (0, 2), True)",
    "vector_norm_inf_keepdims": "fnp.linalg.vector_norm(w, ord=fnp.inf, axis=0, keepdims=True)",
    "vector_norm_of_int8_rows": "fnp.linalg.vector_norm((w * 10).astype(fnp.int8), axis=(0,))",
    "vector_norm_of_float16": "fnp.linalg.vector_norm(w.astype(fnp.float16), ord=1, axis=1)",
    "vector_norm_all_keepdims": "fnp.linalg.vector_norm(x, 0.5, None, True)",
    "vector_norm_of_empty": "fnp.linalg.vector_norm(w[:0]) + w[0]",
    "vector_norm_of_empty_rows": "fnp.linalg.vector_norm(w[:0], axis=1)",
    "matrix_norm_stack": "fnp.linalg.matrix_norm(x)",
    "matrix_norm_nuclear_keepdims": "fnp.linalg.matrix_norm(x, 'nuc', True)",
    "matrix_norm_minus_two": "fnp.linalg.matrix_norm(x, ord=-2)",
    "matrix_norm_of_empty_stack": "fnp.linalg.matrix_norm(x[:, :0])",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_norms_bill_each_group_as_flopscope(tmp_path, call):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(call=call))
    assert_exact_at(path, POINTS)
