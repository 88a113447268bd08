"""fnp.linalg.trace bills numpy's accumulator; trace and matrix_power of a stack are per matrix.

``fnp.linalg.trace`` of an int32 (or bool, uint8) matrix runs numpy's sum accumulator, int64
(uint64), and flopscope bills that dtype's rate: flopcast billed the input's dtype (an exact 8
where the run counts 16 at 8x2) and returned it as the result's dtype. ``dtype=`` is the
accumulator when given; ``offset=`` shortens the diagonal. A stack of matrices is billed per
matrix for trace and matrix_power (flopscope's ``_batch_size``); both were unpriced.
Checked against the real flopscope at two sizes.
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
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(r * 2) * 0
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "trace_of_int32": "fnp.linalg.trace(w.astype(fnp.int32))",
    "trace_of_bool": "fnp.linalg.trace(w > 0)",
    "trace_of_uint8_offset_dtype": "fnp.linalg.trace(w.astype(fnp.uint8), offset=-3, dtype=fnp.int16)",
    "trace_dtype_float64": "fnp.linalg.trace(w, dtype=fnp.float64)",
    "trace_stack": "fnp.linalg.trace(x, offset=2)",
    "trace_stack_of_int32": "fnp.linalg.trace(x.astype(fnp.int32))",
    "matrix_power_stack": "fnp.linalg.matrix_power(x, 3)",
    "matrix_power_stack_inverse": "fnp.linalg.matrix_power(x + fnp.eye(mlp.width) * 5, -2)",
    "matrix_power_four_dimensional": "fnp.linalg.matrix_power(fnp.reshape(x, (3, 1, mlp.width, mlp.width)), 0)",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_trace_and_matrix_power_bill_as_flopscope(tmp_path, call):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(call=call))
    assert_exact_at(path, POINTS)
