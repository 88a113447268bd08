"""bincount's length is ``max(max(x) + 1, minlength)``: between the lengths its indices'
bounds give when minlength does not cover them (a value-dependent size), unpriced when
nothing bounds the indices. The real flopscope runs each case."""

from __future__ import annotations

from harness import POINTS, assert_exact, compare, write

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


def test_a_bincount_of_integer_draws_is_as_long_as_minlength_when_it_covers_the_draws(tmp_path):
    # rng.integers(0, W) draws lie in [0, W - 1], also after a ravel: a bootstrap's resample
    # counts, bincount(draws, minlength=W), have exactly W entries, whatever was drawn
    path = write(tmp_path, """
        rng = fnp.random.default_rng(7)
        draws = rng.integers(0, W, size=(3, W))
        counts = fnp.bincount(draws.ravel(), minlength=W)
        once = fnp.bincount(rng.integers(W, endpoint=True, size=W), minlength=W + 1)
        s = fnp.exp(counts * 1.0) + fnp.sum(once * 1.0)
    """)
    for width, depth in POINTS[:2]:
        assert_exact(path, width, depth)


def test_a_bincount_of_integer_draws_past_minlength_is_a_value_dependent_size(tmp_path):
    # integers(2, W) draws lie in [2, W - 1]: with no minlength the length is in [3, W]
    path = write(tmp_path, "r = fnp.bincount(fnp.random.default_rng(7).integers(2, W, size=W)); s = fnp.exp(r * 1.0)")
    for width, depth in POINTS[:2]:
        report, _, measured = compare(path, width, depth)
        assert not report.unpriced, report.unpriced
        assert any("bincount" in u.reason for u in report.uncertain)
        assert report.total.contains(measured.total), (report.total, measured.total)
