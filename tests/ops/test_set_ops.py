"""Set operations (setdiff1d, union1d, intersect1d, setxor1d) against the real flopscope.

Their cost depends on the input sizes only, so each op's own charge is exact; how many
elements come back depends on values, so what uses the result is a value-dependent site
whose interval must contain the run's count.
"""

from __future__ import annotations

import pytest
from harness import POINTS, compare, write

CASES = {
    "setdiff1d": "a = fnp.argsort(v)[: W // 2]; r = fnp.setdiff1d(fnp.arange(W), a); s = w[:, r].sum()",
    "union1d": "a = fnp.argsort(v)[: W // 2]; r = fnp.union1d(a, fnp.arange(3)); s = fnp.exp(r)",
    "intersect1d": "a = fnp.argsort(v)[: W // 2]; r = fnp.intersect1d(a, fnp.arange(5)); s = fnp.exp(r)",
    "setxor1d": "a = fnp.argsort(v)[: W // 2]; r = fnp.setxor1d(a, fnp.arange(2, 6) * 1.0); s = fnp.exp(r)",
}


@pytest.mark.parametrize("op", sorted(CASES))
def test_a_set_operation_is_priced_exactly_and_its_result_size_is_a_value_dependent_site(tmp_path, op):
    path = write(tmp_path, CASES[op])
    for width, depth in POINTS:
        report, static, measured = compare(path, width, depth)
        assert not report.unpriced, report.unpriced
        assert static[op] == measured.per_op[op], (op, width, static[op], measured.per_op[op])
        assert any(op in u.reason for u in report.uncertain)
        assert report.total.contains(measured.total), (report.total, measured.total)
