"""``fnp.einsum(..., out=buf)`` is billed as flopscope bills it.

flopscope contracts in the promotion of the operands and the buffer (refusing the call unless it
casts safely into the buffer), bills the contraction at that dtype with the operands' symmetry
and identity discounts, then charges a ``copyto`` of ``buf.size`` into the buffer and hands the
buffer back (untagged: later ops on it are dense). flopcast left the call unpriced.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            v = fnp.sum(w, axis=0)
            o = {buffer}
            r = fnp.einsum({call}, out=o)
            out = fnp.sum(fnp.exp(o)) + fnp.sum(r * 1.5)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(12, 3, 2**41))

CASES = {
    "gram_into_float64": ("fnp.empty((w.shape[0], w.shape[0]))", "'ij,kj->ik', w, w"),
    "gram_into_float32": ("fnp.empty((w.shape[0], w.shape[0]), dtype=fnp.float32)", "'ij,kj->ik', w, w"),
    "product_into_float64": ("fnp.empty((w.shape[0], w.shape[0]))", "'ij,jk->ik', w, w * 2.0"),
    "matrix_vector": ("fnp.empty(w.shape[0], dtype=fnp.float32)", "'ij,j->i', w, v"),
    "into_numpys_own_buffer": ("np.empty((w.shape[0], w.shape[0]))", "'ij,kj->ik', w, w"),
    # a constant fill's inferred tag: never a requirement, voided by the copy (o is dense after)
    "gram_into_zeros": ("fnp.zeros((w.shape[0], w.shape[0]))", "'ij,kj->ik', w, w"),
    "gram_into_float32_ones": ("fnp.ones((w.shape[0], w.shape[0]), dtype=fnp.float32)", "'ij,kj->ik', w, w"),
    "product_into_zeros": ("fnp.zeros((w.shape[0], w.shape[0]))", "'ij,jk->ik', w, w * 2.0"),
}


@pytest.mark.parametrize("buffer,call", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_einsum_into_a_buffer_is_billed_as_flopscope_bills_it(buffer, call, point, tmp_path):
    assert_exact_at(write_program(tmp_path, PROGRAM, buffer=buffer, call=call), (point,))
