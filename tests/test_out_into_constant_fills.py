"""`out=fnp.zeros(shape)` (or ones, full, zeros_like): flopscope infers a symmetry tag for a
constant fill and drops it when a result it does not tag is written in, as it does for a ufunc's
out= (already modelled). matmul, einsum, clip and the counted reductions (cumsum, cumprod, sum,
max, mean) refused every tagged buffer, so the common freshly filled buffer left the call
unpriced: a lower bound; so did matmul of a result flopscope tags (`s @ s` of a symmetric s). A
result einsum tags (`einsum("ij,kj->ik", w, w)`) stays unpriced. Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

INTO_A_FILL = {
    "matmul_into_zeros": "fnp.matmul(w, w, out=fnp.zeros(w.shape))",
    "matmul_into_float32_ones": "fnp.matmul(w, w, out=fnp.ones(w.shape, dtype=fnp.float32))",
    "matmul_into_full": "fnp.matmul(w[:, :3], w[:3], out=fnp.full(w.shape, 2.0))",
    # a symmetric result: flopscope checks the fill's values (which hold any tag), then numpy's
    # write voids it
    "matmul_of_a_symmetric_product_into_zeros": "fnp.matmul(s := fnp.outer(g := w[0], g), s, out=fnp.zeros(w.shape))",
    "einsum_into_zeros": "fnp.einsum('ij,jk->ik', w, w, out=fnp.zeros(w.shape))",
    "clip_into_zeros": "fnp.clip(w, 0, 1, out=fnp.zeros(w.shape))",
    "clip_into_float32_zeros": "fnp.clip(w, 0, 1, out=fnp.zeros(w.shape, dtype=fnp.float32))",
    "cumsum_into_zeros": "fnp.cumsum(w, axis=0, out=fnp.zeros(w.shape))",
    "cumprod_into_ones": "fnp.cumprod(w, axis=1, out=fnp.ones(w.shape, dtype=fnp.float32))",
    "mean_into_zeros": "fnp.mean(fnp.stack([w, w.T]), axis=0, out=fnp.zeros(w.shape))",
    "sum_into_ones": "fnp.sum(fnp.stack([w, w]), axis=0, out=fnp.ones(w.shape))",
}


@pytest.mark.parametrize("expr", INTO_A_FILL.values(), ids=INTO_A_FILL.keys())
def test_a_result_written_into_a_constant_fill_is_priced(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
