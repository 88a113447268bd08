"""A quantile's ``method=`` decides its result's dtype, and with it what later ops bill.

numpy's methods that pick an element of the data (nearest, lower, higher, inverted_cdf,
closest_observation) return the input's dtype; the interpolating ones promote it with q's
(a list q is float64). flopcast asked numpy for the dtype without the method, so
``fnp.quantile(float32, [0.1, 0.9], method="nearest")`` was a float64 result and the sum and
add after it were billed twice over: a false exact (354 predicted, 353 counted at 8x2).
Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "nearest_list_q": 'fnp.quantile(w, [0.1, 0.9], method="nearest")',
    "lower_axis": 'fnp.quantile(w, 0.5, axis=1, method="lower")',
    "higher_percentile": 'fnp.percentile(w, [10, 90], method="higher")',
    "inverted_cdf_nanquantile": 'fnp.nanquantile(w, [0.25], axis=0, method="inverted_cdf")',
    "closest_observation_nanpercentile": 'fnp.nanpercentile(w, [25.0], method="closest_observation")',
    "midpoint_promotes": 'fnp.quantile(w, [0.1, 0.9], method="midpoint")',
    "int_input_nearest": 'fnp.percentile(fnp.arange(5), [50], method="nearest") + w',
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_quantile_method_sets_the_result_dtype(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
