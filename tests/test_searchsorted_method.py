"""``a.searchsorted(v)`` is priced as ``fnp.searchsorted(a, v)``, as flopscope's method is.

FlopscopeArray's ``searchsorted`` method calls ``fnp.searchsorted(self, ...)`` (same record,
same price). flopcast left the method unpriced (a lower bound). Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "array_of_needles": "fnp.sort(w[0]).searchsorted(w[1])",
    "right_side_python_needle": 'fnp.sort(w[0]).searchsorted(0.0, side="right") + w[1]',
    "needle_of_a_symmetric_row": "fnp.eye(w.shape[0])[0].searchsorted(w[0])",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_searchsorted_method_is_priced(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
