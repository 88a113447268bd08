"""`v[j]` of a 1-D array by a known int: a numpy scalar of the array's dtype, charged nothing, and
numpy's IndexError past either end (a sort key asks it of every unit at every layer:
indexing.index_array answers it ahead of the general path's lists of index parts). Checked
against the real flopscope at two sizes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.analyzer import indexing
from flopcast.analyzer.values import Array, Known, NumpyScalar
from flopcast.model import Point, Span

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "last_item_scales_a_row": "w[0][-1] * w[1]",
    "item_as_a_float": "float(w[0][0]) * w[1]",
    "past_the_end": "w[0][w.shape[1]] * w[1]",
    "before_the_start": "w[0][-w.shape[1] - 1] * w[1]",
    "picked_by_a_key": "w[max(range(w.shape[1]), key=lambda j: float(w[0][j]))]",
}


@pytest.mark.parametrize("expr", CASES.values(), ids=CASES.keys())
def test_an_item_of_a_row_by_a_known_int_is_priced_as_flopscope_bills_it(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)


def test_an_item_by_a_known_int_needs_no_index_parts(monkeypatch):
    def refuse(key):
        raise AssertionError("the general path")

    monkeypatch.setattr(indexing, "_parts", refuse)
    row = Array((4,), "float32")
    at = Span("estimator.py", 7, 4, 7, 10)
    here = SimpleNamespace(span=at)  # the interpreter, as far as the fast path asks it
    item = indexing.index_array(here, row, Known(-4))
    # the item remembers the line it was taken at: its uses there share one choice of its value
    assert item.__class__ is NumpyScalar and item.dtype == "float32" and item.origin == at
    with pytest.raises(indexing.IndexRaises, match="index 4 is out of bounds for axis 0 with size 4"):
        indexing.index_array(here, row, Known(4))
