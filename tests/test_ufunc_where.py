"""A ufunc's ``where=`` mask and ``order=`` layout are priced as flopscope bills them: not at all.

flopscope prices a ufunc on its inputs' shapes and dtypes (plus an ``out=`` buffer's dtype) and
passes ``where=`` and ``order=`` to numpy untouched: a bool mask that broadcasts into the
inputs' shape picks which elements numpy writes, and the call costs what it costs without it,
with the result's shape, dtype and tag unchanged. flopcast refused both keywords (a lower bound
on the safe-divide idiom ``fnp.divide(a, b, out=buf, where=b != 0)``). Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "unary_mask_no_out": "fnp.exp(w, where=w > 0)[:0]",
    "binary_into_plain_buffer": "fnp.add(w, 1.0, out=w.copy(), where=w > 0)",
    "safe_divide_float64_buffer": "fnp.divide(w[:, :3], w[:, :3], out=fnp.zeros((w.shape[0], 3)), where=w[:, :3] != 0)",
    "row_mask_broadcasts": "fnp.log(fnp.abs(w), out=w.copy(), where=w[0] > 0)",
    "known_true": "fnp.sqrt(fnp.abs(w), where=True)",
    "plain_numpy_mask": "fnp.exp(w, out=w.copy(), where=np.ones(w.shape, dtype=bool))",
    "symmetric_input_keeps_its_tag": "fnp.exp(fnp.eye(w.shape[0]), where=True) @ w",
    "symmetric_input_under_a_mask": "fnp.exp(fnp.eye(w.shape[0]), where=w > 0) @ w",
    "order_keywords": 'fnp.exp(w, order="F") + fnp.add(w, w, order="C")',
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_ufunc_where_and_order_leave_the_bill(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)


WIDENING = {
    "row_by_a_matrix_mask": "fnp.add(w[0], 1.0, where=w > 0) * 0.0",
    "column_mask_widens_a_row": "fnp.multiply(w[0], 2.0, where=w[:, :1] > 0).T * 0.0",
    "into_a_buffer_of_the_widened_shape": "fnp.exp(w[0], out=fnp.zeros((w.shape[0], w.shape[1])), where=w > 0) * 0.0",
    "a_plain_numpy_mask": "fnp.sqrt(fnp.abs(w[0]), where=np.ones((3, w.shape[1]), dtype=bool)) * 0.0",
}


@pytest.mark.parametrize("expr", WIDENING.values(), ids=WIDENING.keys())
def test_a_where_mask_that_widens_the_result_bills_the_inputs_shape(tmp_path, expr):
    """numpy writes the shape the inputs and the mask broadcast to; flopscope bills the inputs'
    own shape. It was unpriced (a lower bound), as was everything made from the result."""
    from oracle import SHAPED_RESULT_PROGRAM

    assert_exact_at(write_program(tmp_path, SHAPED_RESULT_PROGRAM, expr=expr), POINTS)
