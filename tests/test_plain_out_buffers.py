"""A numpy array handed to an fnp call as ``out=`` comes back as that numpy array.

flopscope writes the result into the buffer and returns the buffer itself (``r is o``), so with
numpy's own ndarray as the buffer the result is a plain ndarray: later arithmetic on it is
numpy's own, unbilled. flopcast handed back a flopscope array over it and billed what followed
(a false exact: ``r * 1.5`` after ``fnp.add(w, w, out=o)`` charged 256 the run does not).
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
            o = np.empty(w.shape, dtype=np.float32)
            r = {call}
            out = fnp.sum(r * 1.5) + fnp.sum(o)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(12, 3, 2**41))

CALLS = {
    "ufunc_by_keyword": "fnp.add(w, w, out=o)",
    "ufunc_by_position": "fnp.multiply(w, w, o)",
    "unary_ufunc": "fnp.exp(w, out=o)",
    "clip": "fnp.clip(w, 0.0, 1.0, out=o)",
    "matmul": "fnp.matmul(w, w, out=o)",
    "plain_numpy_ufunc_routed": "np.add(w, w, out=o)",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_a_numpy_out_buffer_is_handed_back_as_numpy_array(call, point, tmp_path):
    assert_exact_at(write_program(tmp_path, PROGRAM, call=call), (point,))
