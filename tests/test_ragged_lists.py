"""A list of arrays whose shapes differ (the short last chunk of a list of chunks) is no array:
numpy refuses to make one with ValueError ("inhomogeneous shape"), so every op given such a list
raises before flopscope charges it, and so does an index made of one or an operator given one
(`w + [w[0], w[0, :3]]`: numpy makes an array of the list first; flopcast had left every list
of arrays beside an operator unpriced). flopcast priced the op
as if the list stacked to its first item's shape (a false exact), and an index of ragged lists
was an internal error.

Each program catches the raise and does priced work in the handler, so a missed raise shows in
the count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

RAGGED = {
    "prod_of_chunks": "fnp.prod([w[:3], w[:2]], axis=0)",
    "sum_of_a_matrix_and_a_row": "fnp.sum([w, w[0]])",
    "array_of_a_row_and_a_number": "fnp.array([w[0], 1.0])",
    "norm_of_rows_of_two_lengths": "fnp.linalg.norm([w[0], w[1, :2]])",
    "index_by_lists_of_two_lengths": "w[[[0, 1], [2]]]",
    "index_by_arrays_of_two_lengths": "w[[fnp.arange(3), fnp.arange(2)]]",
    "chunks_of_one_shape_go_through": "fnp.prod([w[:2], w[1:3]], axis=0)",
    "operator_on_rows_of_two_lengths": "w + [w[0], w[0, :3]]",
    "comparison_with_a_tuple_of_two_lengths": "w < (w[0], w[1, :2])",
    "ufunc_on_rows_of_two_lengths": "fnp.maximum(w, [w[0], w[0, :3]])",
    "operator_on_rows_of_one_length_goes_through": "w[:2] * [w[1], w[0] + 1.0]",
    "where_of_rows_of_two_lengths": "fnp.where(w[:2] > 0, [w[0], w[0, :3]], 0.0)",
    "clip_to_rows_of_two_lengths": "fnp.clip(w[:2], [w[0], w[0, :3]], 1.0)",
    "where_and_clip_of_rows_of_one_length_go_through": "fnp.where(w[:2] > 0, [w[1], w[0]], fnp.clip(w[:2], -1.0, (w[0], w[1])))",
}


@pytest.mark.parametrize("expr", RAGGED.values(), ids=RAGGED.keys())
def test_a_list_of_arrays_whose_shapes_differ_raises_value_error(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
