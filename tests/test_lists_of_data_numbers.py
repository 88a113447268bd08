"""An array made of a list of numbers read from data (``x.tolist()``, a comprehension of
``float(...)``): its dtype is what numpy's coercion gives the Python numbers (an int is int64,
a float float64, a bool bool, promoted together), and it bills like any array of that dtype.
Such lists run to thousands of items (``np.asarray(active.tolist())`` of an active set), so
flopcast reads their items' kinds without making an array of each. Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "ints_are_int64": "fnp.asarray(fnp.argsort(w[0]).tolist()) + w[0]",
    "bools_are_bool": "fnp.asarray((w[0] > 0).tolist()) + w[0]",
    "floats_are_float64": "fnp.asarray(w[0].tolist()) + w[0]",
    "ints_and_bools_are_int64": "fnp.asarray(fnp.argsort(w[0]).tolist()[:2] + (w[0] > 0).tolist()) + w[0]",
    "bools_and_floats_are_float64": "fnp.array((w[0] > 0).tolist() + [float(w[0, 0])]) + w[0, :1]",
    "known_and_data_ints": "fnp.array([1, 2] + fnp.argsort(w[0]).tolist()[:1]) * w[0, :3]",
    "plain_numpy_index_list": "w[0][np.asarray(fnp.argsort(w[0]).tolist(), dtype=np.int64)]",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_an_array_of_numbers_read_from_data(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
