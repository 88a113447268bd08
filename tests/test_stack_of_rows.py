"""``fnp.hstack(v)`` / ``vstack`` / ``column_stack`` of one vector join its 0-d rows.

flopscope iterates an array handed where a sequence goes: a vector's items are 0-d arrays,
which numpy's atleast_1d / atleast_2d make (1,) / (1, 1) before joining. flopcast read the 0-d
rows' shape at index 0 (an internal IndexError, the call and all after it unpriced: mutation seed
407, folder_submission's ``fnp.sqrt`` turned ``fnp.hstack``), and made vstack's result (n,)
where numpy's is (n, 1). Checked against the real flopscope (the shapes show in what follows).
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
            mu = fnp.ones(mlp.width)
            try:
                r = {expr}
                out = fnp.sum(r)
            except ValueError:
                out = fnp.sum(w @ w)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "hstack_of_a_vector": "fnp.hstack(mu + 1e-3) @ w",
    "vstack_of_a_vector_is_a_column": "fnp.vstack(mu) @ mu[:1]",
    "row_stack_of_a_vector": "fnp.row_stack(mu) * mu",
    "column_stack_of_a_vector_is_a_row": "fnp.column_stack(mu) @ w",
    "column_stack_transposed_refused": "fnp.column_stack(mu).T @ w",
    "hstack_of_a_number_and_a_vector": "fnp.hstack([fnp.float64(2.0), mu])",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_a_join_of_a_vectors_rows(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
