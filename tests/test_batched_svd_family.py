"""pinv, svdvals, cond and matrix_rank of a stack of matrices: each matrix's price times their number.

flopscope prices these four by ``a.shape[-2:]`` and multiplies by ``_batch_size(a.shape)`` (as it
does svd, eigh, cholesky, solve), and returns a stack of results (``(..., n, m)`` for pinv, one
number per matrix for cond and matrix_rank). flopcast left every batched call unpriced ("of a
non-matrix"), and ``svdvals(x, k=...)`` (flopscope's keyword: the k largest, priced for k)
too. Checked against the real flopscope at two sizes, with the result's shape used after.
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
            s = x @ fnp.swapaxes(x, -1, -2) + fnp.eye(mlp.width)
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(r) * 0 + r.shape[0]
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "pinv_stack": "r = fnp.linalg.pinv(x)",
    "pinv_stack_of_tall_blocks": "r = fnp.linalg.pinv(x[:, :, :3], rtol=1e-6)",
    "pinv_hermitian_stack": "r = fnp.linalg.pinv(s, hermitian=True)",
    "pinv_four_dimensional": "r = fnp.linalg.pinv(fnp.reshape(x, (3, 1, mlp.width, mlp.width)))[:, 0]",
    "svdvals_stack": "r = fnp.linalg.svdvals(x)",
    "svdvals_k": "r = fnp.linalg.svdvals(w, k=3)",
    "svdvals_stack_k": "r = fnp.linalg.svdvals(x[:, :5, :], k=2)",
    "cond_stack": "r = fnp.linalg.cond(x)",
    "cond_fro_stack": "r = fnp.linalg.cond(s, 'fro')",
    "matrix_rank_stack": "r = fnp.linalg.matrix_rank(x) + 1.0",
    "svdvals_k_out_of_range": "try:\n            r = fnp.linalg.svdvals(w, k=0)\n        except ValueError:\n"
                              "            r = fnp.linalg.svdvals(x)",
}


@pytest.mark.parametrize("body", CALLS.values(), ids=CALLS.keys())
def test_a_stack_of_matrices_is_priced_per_matrix(tmp_path, body):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(body=body))
    assert_exact_at(path, POINTS)
