"""Plain numpy on a list of numbers: numpy converts the list with its own asarray (free) and runs
its own implementation on that plain ndarray, whose dtype numpy's array coercion gives (float32
for numpy float32 scalars, float64 once a Python float is among them).

Participants keep bookkeeping on 0-d results (``np.mean(vals)`` of ``v[0]``-style numpy scalars,
``np.std`` of ``float(...)`` reads); flopcast left each such call "not modelled" and every op
after it unpriced. Each expression below scales a row of the weights by the result, so its
dtype shows in the count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

SCALARS = "[w[0, 0], w[0, 1], w[1, 1]]"
FLOATS = "[float(fnp.max(w)), float(fnp.min(w)), 0.5]"
CALLS = {
    "mean_of_numpy_scalars": f"np.mean({SCALARS}) * w[0]",
    "median_of_a_tuple_of_numpy_scalars": f"np.median(tuple({SCALARS})) * w[0]",
    "std_of_floats_read_from_data": f"np.std({FLOATS}) * w[0]",
    "max_of_floats_read_from_data": f"np.max({FLOATS}) * w[0]",
    "sum_of_a_nested_list": f"np.sum([{FLOATS}, {FLOATS}], axis=0) * w[0, :3]",
    "mean_of_bools": "np.mean([bool(fnp.max(w) > 0), bool(fnp.min(w) > 0)]) * w[0]",
    "sqrt_of_a_mixed_list": f"np.sqrt({SCALARS} + [4.0])[1] * w[0]",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_numpy_on_a_list_of_numbers(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
