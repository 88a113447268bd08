"""bincount's length is ``max(max(x) + 1, minlength)``: between the lengths its indices'
bounds give when minlength does not cover them (a value-dependent size), unpriced when
nothing bounds the indices. The real flopscope runs each case."""

from __future__ import annotations

from harness import POINTS, compare, write

FREE_LENGTH = "i = fnp.argmin(w, axis=1); r = fnp.bincount(i, weights=v); s = fnp.exp(r)"


def test_a_bincount_longer_than_minlength_can_be_is_a_value_dependent_size(tmp_path):
    path = write(tmp_path, FREE_LENGTH)
    for width, depth in POINTS:
        report, static, measured = compare(path, width, depth)
        assert not report.unpriced, report.unpriced
        assert static["bincount"] == measured.per_op["bincount"]
        assert any("bincount" in u.reason for u in report.uncertain)
        assert report.total.contains(measured.total), (report.total, measured.total)


def test_a_bincount_of_indices_with_no_known_bound_is_unpriced(tmp_path):
    path = write(tmp_path, "i = (fnp.abs(v) * 4).astype(fnp.int64); r = fnp.bincount(i, minlength=W); s = r * 2")
    report, _, measured = compare(path, 8, 2)
    assert [u.what for u in report.unpriced][:1] == ["fnp.bincount"], report.unpriced
    assert report.total.lo <= measured.total
