"""``np.vectorize(f)`` called on a flopscope array raises TypeError, after numpy's own first call.

numpy's vectorize hands each argument as an object array to a ufunc made by ``frompyfunc``;
a flopscope array's ``__array_ufunc__`` answers NotImplemented for it, so the call raises
TypeError. Without ``otypes=`` numpy first calls ``f`` once on the first elements (numpy
scalars) to learn the output types, and that call's flopscope ops are billed; an empty
argument is refused before it (ValueError). flopcast used to leave the result unknown (and
to take ``@np.vectorize`` for a transparent decorator, pricing ``f`` on the whole array as
if it ran: a false exact).
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    @np.vectorize
    def scaled_exp(t, s):
        return fnp.exp(fnp.asarray(t)) * s


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = fnp.sum(w, axis=0)
            try:
                out = fnp.sum({call})
            except TypeError:
                out = fnp.sum(w @ w)
            except ValueError:
                out = fnp.max(w @ w.T)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    # f runs once on numpy scalars (float32 and np.float64(2.0)), then the TypeError
    "decorated_first_call_then_refused": "scaled_exp(x, 2.0)",
    "refused_without_a_first_call": "np.vectorize(lambda t: t + 1.0, otypes=[float])(w * 2.0)",
    "empty_argument_without_otypes": "np.vectorize(lambda t: fnp.exp(t))(x[:0])",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_vectorize_of_a_flopscope_array_raises_as_numpy_does(call, point, tmp_path):
    assert_exact_at(write_program(tmp_path, PROGRAM, call=call), (point,))
