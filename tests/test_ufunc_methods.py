"""``np.<ufunc>.outer/.reduce/.accumulate`` with a flopscope operand, billed as flopscope's generic
path bills them (the ufuncs flopscope has no dedicated function for: ``np.add.reduce`` is ``sum``).

flopscope's ``__array_ufunc__`` sends ``outer`` to ``_counted_ufunc_outer``: ``a.size * b.size``
under the name ``<ufunc>.outer`` at the base ufunc's weight and complex factor, scaled to the
unique elements of the direct product of the operands' symmetry groups (one array passed twice
gets no discount), billed at numpy's loop for the operands as strong arrays (a Python number
is ``np.asarray``'d: ``np.add.outer(float32, 2)`` is float64). ``reduce``/``accumulate`` charge the
tier-1 count N - n_out (orbit-mapped for a symmetric input) at numpy's default axis 0, billed at
the wider of the ufunc's loop for ``(a, a)`` and ``a``'s dtype. flopcast left them unpriced.
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
            r = {expr}
            out = fnp.sum(r) + fnp.sum(r * 1.5)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(12, 3, 2**41))

CALLS = {
    "same_array_twice_no_discount": "np.add.outer(v, v)",
    "matrix_and_vector": "np.subtract.outer(w, v)",
    "python_int_is_a_strong_int64": "np.multiply.outer(v, 2)",
    "python_float_is_a_strong_float64": "np.power.outer(v, 2.0)",
    "comparison_bills_its_inputs": "np.greater.outer(v, w[0])",
    "weighted_ufunc": "np.arctan2.outer(v, w[1])",
    "int_and_float": "np.maximum.outer(fnp.arange(w.shape[0]), v)",
    "symmetric_operands_direct_product": "np.add.outer(fnp.eye(w.shape[0]), fnp.eye(w.shape[0]))",
    "symmetric_and_vector": "np.multiply.outer(fnp.einsum('ij,kj->ik', w, w), v)",
    "complex_operand": "np.multiply.outer(fnp.fft.fft(v), v).real",
    "plain_and_flopscope": "np.add.outer(np.asarray(v), v)",
    "zero_d_operands": "np.add.outer(fnp.sum(v), 2.0)",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_ufunc_outer_of_a_flopscope_array_is_billed_as_flopscope_bills_it(expr, point, tmp_path):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), (point,))


REDUCTIONS = {
    "subtract_reduce_default_axis": "np.subtract.reduce(w)",
    "subtract_reduce_axis_keepdims": "np.subtract.reduce(w, 1, keepdims=True)",
    "logaddexp_reduce_vector": "np.logaddexp.reduce(v, axis=None)",
    "hypot_reduce_of_ints": "np.hypot.reduce(fnp.arange(w.shape[0]) * 3, axis=0)",
    "maximum_accumulate_axis": "np.maximum.accumulate(w, axis=1)",
    "minimum_accumulate_of_a_symmetric": "np.minimum.accumulate(fnp.einsum('ij,kj->ik', w, w))",
    "subtract_reduce_of_a_symmetric": "np.subtract.reduce(fnp.einsum('ij,kj->ik', w, w), axis=1)",
    "reduce_over_a_length_one_axis": "np.subtract.reduce(w[:1], axis=0)",
    "fmax_accumulate_int8": "np.fmax.accumulate(fnp.ones(w.shape[0], dtype=fnp.int8))",
}


@pytest.mark.parametrize("expr", REDUCTIONS.values(), ids=REDUCTIONS.keys())
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_generic_ufunc_reduce_and_accumulate_are_billed_as_flopscope_bills_them(expr, point, tmp_path):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), (point,))
