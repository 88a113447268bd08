"""compress, extract and ix_ by a mask read from data: the kept count is a size site, so the
prediction is an interval that holds flopscope's count, nothing unpriced, and the one mask
used twice selects the same count on a path."""

from __future__ import annotations

import pytest
from harness import POINTS, compare, write

CASES = {
    "compress_rows": "r = fnp.compress(v > 0, w, axis=0) * 2.0",
    "compress_flattened": "r = fnp.compress(v > 0, u) + 1.0",
    "extract_then_use": "r = fnp.extract(w > 0, w) * 2.0",
    "ix_of_a_mask_indexes_a_block": "m = v > 0; r = w[fnp.ix_(m, m)] * 2.0",
    "compress_and_index_by_one_mask": "m = v > 0; a = fnp.compress(m, w, axis=1); b = w[m]; r = a.T + b",
}


@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
def test_selection_by_data_is_an_interval_holding_the_run(tmp_path, body):
    path = write(tmp_path, body)
    for width, depth in POINTS:
        report, _, measured = compare(path, width, depth)
        assert not report.unpriced, report.unpriced
        assert not report.total.exact
        assert report.total.lo <= measured.total <= report.total.hi, (report.total, measured.total)
