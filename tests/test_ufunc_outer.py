"""``np.<ufunc>.outer(a, b)`` with a flopscope operand is billed as flopscope's generic path bills it.

flopscope's ``__array_ufunc__`` sends ``outer`` to ``_counted_ufunc_outer``: ``a.size * b.size``
under the name ``<ufunc>.outer`` at the base ufunc's weight and complex factor, scaled to the
unique elements of the direct product of the operands' symmetry groups (one array passed twice
gets no discount), billed at numpy's loop for the operands as strong arrays (a Python number
is ``np.asarray``'d: ``np.add.outer(float32, 2)`` is float64). flopcast left it unpriced.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
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
    path = write_program(tmp_path, PROGRAM, expr=expr)
    report = analyze(path, point)
    assert report.exact and not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point))
