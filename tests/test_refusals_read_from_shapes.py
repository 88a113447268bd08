"""Calls whose operands' number of dimensions makes flopscope or numpy refuse them before any
charge: a vector (or a 0-d array) given to qr, svd, pinv, svdvals, cond or lstsq (flopscope's
price reads the matrix's last two extents: IndexError; its svd says ValueError), an einsum
given more operands than its subscripts name, and take_along_axis with indices of another
number of dimensions than the array (numpy's ValueError). flopcast left them unpriced (qr and
svd through an internal IndexError of its own), a lower bound where the run takes a handler.

Each program catches the raise and does priced work in the handler, so a raise of the wrong
class shows in the count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

REFUSED = {
    "qr_of_a_vector": "fnp.linalg.qr(w[0])",
    "qr_r_of_a_0d_array": "fnp.linalg.qr(fnp.sum(w), mode='r')",
    "svd_of_a_vector": "fnp.linalg.svd(w[0])",
    "svd_values_of_a_0d_array": "fnp.linalg.svd(fnp.sum(w), compute_uv=False)",
    "pinv_of_a_vector": "fnp.linalg.pinv(w[0])",
    "svdvals_of_a_vector": "fnp.linalg.svdvals(w[0])",
    "cond_of_a_vector": "fnp.linalg.cond(w[0])",
    "lstsq_of_a_vector": "fnp.linalg.lstsq(w[0], w[0], rcond=None)[0]",
    "einsum_of_more_operands_than_subscripts": "fnp.einsum('ij,jk', w, w, w)",
    "take_along_axis_of_vector_indices": "fnp.take_along_axis(w, fnp.argsort(w[0]), axis=0)",
    "matrices_go_through": "fnp.linalg.qr(w)[1] + fnp.einsum('ij,jk', w, w) + fnp.take_along_axis(w, fnp.argsort(w, axis=0), axis=0)",
}


@pytest.mark.parametrize("expr", REFUSED.values(), ids=REFUSED.keys())
def test_a_call_refused_for_its_operands_dimensions_raises_as_at_runtime(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
