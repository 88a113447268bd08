"""``fnp.dtype(x, align)`` reads ``align`` as a bool before it reads ``x``: an array of more than one
element there raises numpy's ValueError (its truth value is ambiguous), even where ``x`` is an
array too. flopcast claimed the TypeError that ``x`` alone makes, so an ``except ValueError``
was missed. The program's ValueError handler does other work than the rest, so the class shows
in the count. Checked against the real flopscope at two sizes."""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))


@pytest.mark.parametrize("expr", ["fnp.dtype(w, w)", "fnp.dtype(fnp.eye(3), w[0])"])
def test_an_array_of_many_elements_as_align_raises_value_error(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
