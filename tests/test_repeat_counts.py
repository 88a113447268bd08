"""``fnp.repeat`` with a list of counts is priced as flopscope bills it: numel of the result
(the counts' sum along the axis, or one count broadcast), at the input's dtype.

flopcast read only one int for ``repeats`` (a list was unpriced). Counts numpy refuses (a length
other than the axis's, a negative count) stay unpriced. The result's length is read by priced
work after it, so a wrong sum shows in the count. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import SHAPED_RESULT_PROGRAM, assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "flat_list": "fnp.repeat(w[0], [2] * w.shape[0])",
    "varied_counts": "fnp.repeat(w[0], list(range(w.shape[0])))",
    "axis0_tuple": "fnp.repeat(w[:3], (1, 0, 4), axis=0)",
    "axis1_list": "fnp.repeat(w, [3] + [1] * (w.shape[1] - 1), axis=1)",
    "one_count_broadcast": "fnp.repeat(w, [3], axis=0)",
    "flattened_2d": "fnp.repeat(w[:2], [1] * (2 * w.shape[1]))",
    "keyword_repeats": "fnp.repeat(w[0], repeats=[2] * w.shape[0])",
}


@pytest.mark.parametrize("expr", CASES.values(), ids=CASES.keys())
def test_repeat_with_a_list_of_counts_is_priced_as_flopscope_bills_it(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, SHAPED_RESULT_PROGRAM, expr=expr), POINTS)
