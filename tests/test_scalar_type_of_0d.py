"""numpy's scalar types called on a 0-d flopscope array make numpy scalars: free after it.

``np.float64(fnp.sum(w))`` hands back a ``numpy.float64`` (nothing billed), so arithmetic on
it is numpy's own and costs nothing, and it meets a flopscope array as a strong scalar. flopcast
kept it a 0-d flopscope array and billed ``np.float64(s) * 2``: a false exact (145 predicted,
143 counted at 8x2). Of an array with axes the constructor stays a flopscope array (billed
after). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "float64_of_0d_times_int": "np.float64(fnp.sum(w)) * 2 + w[0]",
    "float32_of_0d_plus_row": "np.float32(fnp.sum(w)) + w[0]",
    "float64_of_0d_plus_float32_row": "np.float64(fnp.mean(w)) + w[0]",
    "fnp_scalar_type": "fnp.float64(fnp.sum(w)) * 2 + w[0]",
    "float64_of_a_row_stays_an_array": "np.float64(w[0]) * 2",
    "float_of_the_scalar": "float(np.float64(fnp.sum(w))) * w[0]",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_scalar_type_of_0d_array_is_a_numpy_scalar(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
