"""``fnp.pad`` with mode="reflect" / "symmetric" is priced as flopscope's _pad_flop_cost bills
it: numel(out) for reflect_type "even" (the default), plus the border's second pass
(numel(out) - numel(in)) for "odd", at the input's dtype.

flopcast left both modes unpriced. Extending an empty axis (numpy refuses it after the charge)
stays unpriced. The result's length is read by priced work after it, so a wrong shape shows in
the count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import SHAPED_RESULT_PROGRAM, assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "reflect": 'fnp.pad(w, 1, mode="reflect")',
    "symmetric": 'fnp.pad(w, 1, mode="symmetric")',
    "reflect_pairs": 'fnp.pad(w, ((2, 0), (1, 3)), mode="reflect")',
    "symmetric_wider_than_axis": 'fnp.pad(w[:2], 5, "symmetric")',
    "reflect_odd": 'fnp.pad(w, 2, mode="reflect", reflect_type="odd")',
    "symmetric_odd_vector": 'fnp.pad(w[0], (3, 1), mode="symmetric", reflect_type="odd")',
    "reflect_even_explicit": 'fnp.pad(w, (1, 2), mode="reflect", reflect_type="even")',
    "reflect_length_one_axis": 'fnp.pad(w[:1], 2, mode="reflect")',
}


@pytest.mark.parametrize("expr", CASES.values(), ids=CASES.keys())
def test_reflecting_pads_are_priced_as_flopscope_bills_them(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, SHAPED_RESULT_PROGRAM, expr=expr), POINTS)
