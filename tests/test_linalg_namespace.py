"""``fnp.linalg``'s array-API names are priced as flopscope records them.

- ``linalg.vector_norm`` with ``axis=`` / ``keepdims=`` (positional too) was refused: flopscope
  prices its cost of the reduced axes' shape once per group of the others; an axis out of
  range is flopscope's own IndexError, before numpy's check.
- ``linalg.diagonal`` (the last two axes, ``offset=`` by keyword) and
  ``linalg.matrix_transpose`` were not priced at all (a lower bound on what follows).
- ``linalg.matmul`` is recorded as ``matmul``: flopcast billed it as ``linalg.matmul``, so
  the per-op comparison (and a weight of its own) disagreed with the run.

Checked against the real flopscope at two sizes, op by op.
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
            w = mlp.weights[0]
            try:
                r = {expr}
                out = fnp.sum(fnp.abs(fnp.asarray(r))) * 1.0
            except IndexError:
                out = fnp.sum(w) * 3.0
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

EXPRS = {
    "vector_norm_rows_kept": "fnp.linalg.vector_norm(w, axis=1, keepdims=True)",
    "vector_norm_columns": "fnp.linalg.vector_norm(w, axis=0)",
    "vector_norm_general_p": "fnp.linalg.vector_norm(w, 3, axis=-1)",
    "vector_norm_axis_tuple": "fnp.linalg.vector_norm(w, ord=fnp.inf, axis=(0, 1))",
    "vector_norm_batched_axes": "fnp.linalg.vector_norm(fnp.stack([w, w]), axis=(0, 2))",
    "vector_norm_positional_float32": "fnp.linalg.vector_norm(w.astype(fnp.float32), 1, 0, True)",
    "vector_norm_keepdims_whole": "fnp.linalg.vector_norm(w, keepdims=True)",
    "vector_norm_axis_out_of_range": "fnp.linalg.vector_norm(w, axis=2)",
    "diagonal": "fnp.linalg.diagonal(w)",
    "diagonal_offset": "fnp.linalg.diagonal(w, offset=2)",
    "diagonal_of_a_stack": "fnp.linalg.diagonal(fnp.stack([w, w[::-1]]), offset=-1)",
    "matrix_transpose": "fnp.linalg.matrix_transpose(w) @ w",
    "matmul_recorded_as_matmul": "fnp.linalg.matmul(w, w)",
}


@pytest.mark.parametrize("expr", EXPRS.values(), ids=EXPRS.keys())
def test_linalg_namespace_is_priced_as_flopscope_records_it(tmp_path, expr):
    path = write_program(tmp_path, PROGRAM, expr=expr)
    assert_exact_at(path, POINTS)
