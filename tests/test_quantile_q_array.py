"""A quantile's q made by ``fnp.array``/``fnp.asarray`` of known numbers lies where its numbers lie.

flopscope checks q's values (numpy's ValueError outside [0, 1] or [0, 100]) before it charges, so
flopcast prices a q array only when it knows its elements' bounds. It knew them for a Python list
and for ``linspace`` between known ends, not for ``fnp.array([0.25, 0.75])``: a participant's
``fnp.quantile(w, fnp.array([0.25, 0.75]), axis=1)`` was left unpriced (768 FLOPs at 8x2).
Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "array_list_axis": "fnp.quantile(w, fnp.array([0.25, 0.75]), axis=1)",
    "asarray_tuple_percentile": "fnp.percentile(w, fnp.asarray((5, 50.0, 95)), axis=0)",
    "array_float32_nearest": 'fnp.quantile(w, fnp.array([0.0, 1.0], dtype=fnp.float32), method="nearest")',
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_quantile_of_a_known_q_array_is_priced(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
