"""Constructs from participants' files (issue 9), each proven against the real flopscope.

The files in tests/fixtures/constructs/ are minimal estimators built around one construct
each; every one is analysed statically and run under flopscope at two points. Where the
construct does not read values the prediction is exact; where it does, the interval contains
the run (and its ends are real counts).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point
from source_lines import line_of

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"
BUDGET = 2**41
POINTS = [(16, 2), (40, 2)]  # the probes use weights[0] and weights[1]
EXACT = ["nan_to_num_kwargs.py", "put_along_axis.py", "frombuffer_encode.py", "out_alias.py", "complex_angle.py", "library_hasattr.py", "bincount_mod.py", "function_dtypes.py", "dataclass_fields.py", "partition_kth.py",
         "dict_write_behind_import.py", "plugin_package", "clip_bincount.py",
         "ordered_squeeze.py", "python_sets.py", "bincount_known_list.py", "dtype_identity.py",
         "suspended_generators.py", "type_aliases.py", "flag_auto.py", "flag_members.py", "text_builtins.py", "heap_candidates.py",
         "dataclass_params.py", "strict_zip_yield_from.py", "abstract_classes.py", "sorted_top_k.py"]


@pytest.mark.parametrize("name", EXACT)
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_construct_is_exact(name, width, depth):
    path = FIXTURES / name
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    where = f" — {name} at {width}x{depth}"
    assert not report.unpriced, f"unpriced {report.unpriced}{where}"
    assert not report.uncertain, f"value-dependent sites {report.uncertain}{where}"
    assert_exact_match(report, measure(path, point), where)



def _variant(folder: Path, name: str, replacements: dict) -> Path:
    """A copy of a fixture in ``folder`` with some source text replaced (to force what the
    data decides)."""
    text = (FIXTURES / name).read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_one_mask_at_two_sites_selects_one_count(width, depth, tmp_path):
    # `idx = arange(w)[keep]` and `sub = w[:, keep]` have the same length, so
    # `idx[alpha > 0.0]` (alpha computed from `sub`) is a valid mask: nothing is unpriced,
    # and the interval's ends are the runs where the masks select nothing and everything.
    path = FIXTURES / "mask_twice.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    nothing = _variant(tmp_path / "none", "mask_twice.py", {"score > 0.1": "score > 1e30"})
    everything = _variant(tmp_path / "all", "mask_twice.py",
                          {"score > 0.1": "score > -1e30", "alpha > 0.0": "alpha > -1e30"})
    assert report.total.lo == measure(nothing, point).total
    assert report.total.hi == measure(everything, point).total
    mask_sites = [u for u in report.uncertain if u.kind == "shape"]
    # `sub = w[:, keep]` shares the count chosen at `idx = ...[keep]`
    assert [u.span.line for u in mask_sites] == [line_of(path, "idx = "), line_of(path, "hot = ")]


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_masks_count_read_after_its_selection_is_that_selections_size(width, depth, tmp_path):
    # `int(fnp.sum(off))` after `dead = row[off]` counts what the selection took on the path:
    # its tests do not pair a count of 2 with an empty `dead` (an fnp.max that would raise), so
    # nothing is unpriced and the interval's ends are the runs selecting nothing and everything
    path = FIXTURES / "count_after_mask.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    nothing = _variant(tmp_path / "none", "count_after_mask.py", {"THRESHOLD = 0.0": "THRESHOLD = -1e30"})
    everything = _variant(tmp_path / "all", "count_after_mask.py", {"THRESHOLD = 0.0": "THRESHOLD = 1e30"})
    assert (report.total.lo, report.total.hi) == (measure(nothing, point).total, measure(everything, point).total)


_ENDS = [{"THRESHOLD = 0.0": f"THRESHOLD = {t}", "DIRECTION = 1": f"DIRECTION = {d}"}
         for t in ("1e30", "-1e30") for d in ("1", "-1")]


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_sizes_slices_and_trip_counts_from_data_are_intervals_whose_ends_are_runs(width, depth, tmp_path):
    # `k = int(count_nonzero(mask))` sizes a fill and bounds a while loop and a range();
    # `first = int(argmax(...))` bounds an arange and two slices that must keep matching
    # shapes. Forcing each value to each end of its range gives runs inside the interval;
    # `first` starts the arange (shorter as it grows) and ends the slices (longer), so its
    # uses take their ends apart and the interval's ends bound those runs.
    point = Point(width, depth, BUDGET)
    path = FIXTURES / "data_sizes.py"
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    runs = [measure(_variant(tmp_path / str(i), "data_sizes.py", ends), point).total
            for i, ends in enumerate(_ENDS)]
    assert report.total.lo <= min(runs) and max(runs) <= report.total.hi, (runs, report.total)
    assert sorted(u.span.line for u in report.uncertain) == [line_of(path, "k = int("), line_of(path, "first = int(")]


def test_a_square_fill_sized_from_data_is_priced_dense_at_the_high_end(tmp_path):
    # At k = width, `ones((k, width))` is square, so flopscope tags it symmetric and the ops
    # on it are cheaper than at k = width - 1: the high end must not take that discount.
    point = Point(16, 2, BUDGET)
    square = {"mlp.width + 1": "mlp.width"}
    report = analyze(_variant(tmp_path / "static", "data_sizes.py", square), point)
    for i, ends in enumerate(_ENDS):
        run = measure(_variant(tmp_path / str(i), "data_sizes.py", {**square, **ends}), point).total
        assert report.total.contains(run), (ends, run, report.total)
    almost = {"THRESHOLD = 0.0": "THRESHOLD = -1e30", "max(k, 1)": "max(k - 1, 1)"}
    report = analyze(_variant(tmp_path / "almost", "data_sizes.py", {**square, **almost}), point)
    assert report.total.contains(measure(tmp_path / "almost" / "data_sizes.py", point).total)


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_size_and_trip_count_with_no_bound_are_reported_and_the_total_is_a_lower_bound(width, depth):
    point = Point(width, depth, BUDGET)
    path = FIXTURES / "data_size_unbounded.py"
    report = analyze(path, point)
    reasons = {(u.span.line, u.reason) for u in report.unpriced}
    assert (line_of(path, "buf = fnp.ones(n"), "shape depends on values and has no upper bound") in reasons
    assert any(line == line_of(path, "for _ in range(n)") and "trip count depends on values" in reason
               for line, reason in reasons)
    assert report.total.lo <= measure(path, point).total


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_slice_bound_read_from_data_is_a_size_interval(width, depth, tmp_path):
    # `k = int(fnp.sum(fired < 8))` lies in [0, width]; `x[:, k:]` and `weights[1][k:, :]`
    # take the same k on a path, so their product is priced, at k = 0 and at k = width.
    point = Point(width, depth, BUDGET)
    path = FIXTURES / "value_slice.py"
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    none_cold = _variant(tmp_path / "none", "value_slice.py", {"fired < 8": "fired < -1"})
    all_cold = _variant(tmp_path / "all", "value_slice.py", {"fired < 8": "fired < 10**9"})
    assert (report.total.lo, report.total.hi) == (measure(all_cold, point).total, measure(none_cold, point).total)


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_module_loaded_with_from_file_in_setup_is_exact(width, depth):
    # `Path(context.submission_dir) / "head.npz"`, `.exists()` answered from the folder, and
    # `Head.from_file(...)`: the head's shapes come from the file's headers.
    path = FIXTURES / "head_in_setup"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert not report.uncertain, report.uncertain
    assert_exact_match(report, measure(path, point), f" — head_in_setup at {width}x{depth}")


def _folder_with(tmp_path: Path, width: int, head: bool, bias: bool) -> Path:
    """files_beside.py in a folder holding head.npz (saved by flopscope's Module.save with its
    config) and bias.npy, or not."""
    import shutil

    import numpy as np

    folder = tmp_path / f"{'head' if head else 'nohead'}_{'bias' if bias else 'nobias'}"
    folder.mkdir()
    shutil.copy(FIXTURES / "files_beside.py", folder / "estimator.py")
    if head:
        import flopscope as flops
        import flopscope.numpy as fnp

        class Head(flops.Module):
            def __init__(self, rank=1, width=1):
                self.rank = rank
                self.U = fnp.ones((width, rank))
                self.V = fnp.ones((rank, width))

            def config(self):
                return {"rank": self.rank, "width": self.U.shape[0]}

        Head(rank=3, width=width).save(str(folder / "head.npz"))
    if bias:
        np.save(folder / "bias.npy", np.ones(width, dtype=np.float64))
    return folder / "estimator.py"


@pytest.mark.parametrize("head,bias", [(True, True), (False, True), (True, False)])
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_path_joins_and_existence_are_answered_from_the_submission_folder(width, depth, head, bias, tmp_path):
    # Path(__file__).parent / "head.npz", .is_file(), .with_name(...).exists(),
    # os.path.join(os.path.dirname(os.path.abspath(__file__)), ...), os.path.exists(...) and
    # Module.from_file with the config saved in the file (rank=3): exact either way.
    path = _folder_with(tmp_path, width, head, bias)
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert not report.uncertain, report.uncertain
    assert_exact_match(report, measure(path, point), f" — head={head} bias={bias} at {width}x{depth}")


@pytest.mark.parametrize("name", ["embedded_module.py", "embedded_packed.py"])
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_module_served_by_an_import_hook_is_decoded_and_analysed(name, width, depth):
    # The finder's find_spec/exec_module are interpreted; the source literal (plain, or
    # base64 + zlib) is decoded, never run, and analysed as a sibling module. Its charges are
    # filed at the call in the estimator file, as flopscope's runtime files them.
    path = FIXTURES / name
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point), f" — {name} at {width}x{depth}")


def test_an_import_hook_whose_source_cannot_be_decoded_is_reported_at_the_import(tmp_path):
    path = _variant(tmp_path, "embedded_module.py", {
        "import sys\n": "import os\nimport sys\n",
        "exec(compile(_SRC,": 'exec(compile(os.environ.get("FLOPCAST_NEVER_SET", _SRC),'})
    point = Point(16, 2, BUDGET)
    report = analyze(path, point)
    imports = [u for u in report.unpriced if u.what == "import hidden_mod"]
    assert len(imports) == 1 and imports[0].span.line == line_of(path, "from hidden_mod import")
    assert "cannot decode" in imports[0].reason
    assert report.lower_bound and report.total.lo <= measure(path, point).total


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_count_of_a_mask_agrees_with_the_masks_selections(width, depth, tmp_path):
    # `int(fnp.sum(keep))` read before `w[:, keep]`, `count_nonzero(live)` read after
    # `w[live]`: both pairs share one number per path, so the products are priced.
    point = Point(width, depth, BUDGET)
    path = FIXTURES / "mask_count.py"
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    nothing = _variant(tmp_path / "none", "mask_count.py", {"THRESHOLD = 0.0": "THRESHOLD = 1e30"})
    everything = _variant(tmp_path / "all", "mask_count.py", {"THRESHOLD = 0.0": "THRESHOLD = -1e30"})
    assert (report.total.lo, report.total.hi) == (measure(nothing, point).total, measure(everything, point).total)


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_loop_over_selected_indices_runs_between_none_and_all_of_them(width, depth, tmp_path):
    point = Point(width, depth, BUDGET)
    path = FIXTURES / "loop_over_selection.py"
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    nothing = _variant(tmp_path / "none", "loop_over_selection.py", {"THRESHOLD = 0.0": "THRESHOLD = 1e30"})
    everything = _variant(tmp_path / "all", "loop_over_selection.py", {"THRESHOLD = 0.0": "THRESHOLD = -1e30"})
    assert (report.total.lo, report.total.hi) == (measure(nothing, point).total, measure(everything, point).total)


@pytest.mark.parametrize("split", ["0.5", "4.5", "8.5", "12.5"])
def test_a_cost_not_monotone_in_a_count_is_bounded_by_its_ends_taken_apart(split, tmp_path):
    # cross = w[:, :k].T @ w[:, k:] costs k·(w - k): nothing at either end of k's range, the
    # most in the middle. The uses that shrink with k take their end apart from the ones
    # that grow with it, and those bounding paths contain every k's count.
    point = Point(16, 2, BUDGET)
    report = analyze(FIXTURES / "data_split.py", point)
    assert not report.unpriced and not report.raises
    run = measure(_variant(tmp_path, "data_split.py", {"SPLIT = 8.5": f"SPLIT = {split}"}), point).total
    assert report.total.contains(run), (split, run, report.total)


@pytest.mark.parametrize("split", ["0.5", "3.5", "6.5"])
def test_a_count_whose_bounding_paths_cannot_run_is_analysed_at_each_value(split, tmp_path):
    # Rejoined, the two parts are (w, w) on every real path; on a bounding path they are not,
    # and the matmul after the join fails there. At width 8 the count takes 9 values: each
    # is analysed, and nothing is reported as raised or unpriced.
    path = FIXTURES / "data_split_rejoin.py"
    point = Point(8, 1, BUDGET)
    report = analyze(path, point)
    assert not report.raises and not report.unpriced
    run = measure(_variant(tmp_path, "data_split_rejoin.py", {"SPLIT = 8.5": f"SPLIT = {split}"}), point).total
    assert report.total.contains(run), (split, run, report.total)


def test_a_count_with_too_many_values_for_its_failed_bounding_paths_leaves_the_high_end_open():
    # At width 16 the count takes 17 values, more than are analysed one by one.
    path = FIXTURES / "data_split_rejoin.py"
    point = Point(16, 2, BUDGET)
    report = analyze(path, point)
    assert not report.raises
    assert [(u.what, u.span.line) for u in report.unpriced] == [("not monotone", line_of(path, "h = fnp.sum("))]
    assert report.total.lo <= measure(path, point).total


@pytest.mark.parametrize("name,values", [("list_pick.py", 3), ("list_pick_after_size.py", 4)])
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_an_item_picked_from_a_list_by_data_is_analysed_at_every_value(name, values, width, depth, tmp_path):
    # `METHODS[k]` picks a function by `k = int(argmax(...))` over a few scores: the cost is not
    # monotone in k, so every k is a path (not just the ends), and the same k sizes `w[:k + 1]`
    # (before the pick or after it) on that path. The ends are the cheapest and the dearest of
    # the forced runs.
    path = FIXTURES / name
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    forced = [_variant(tmp_path / str(k), name, {"int(fnp.argmax(scores))": f"int(fnp.argmax(scores)) * 0 + {k}"})
              for k in range(values)]
    runs = [measure(p, point).total for p in forced]
    assert (report.total.lo, report.total.hi) == (min(runs), max(runs))
    assert report.total.contains(measure(path, point).total)
    assert [u.span.line for u in report.uncertain] == [line_of(path, "k = int(")]


def _forced_scores(reads: list[str], ranks: tuple) -> dict:
    """Replacements that keep each read of data (and its charge) but force its value: the
    ``i``-th read becomes ``ranks[i]``."""
    return {read: f"{read} * 0.0 + {rank}" for read, rank in zip(reads, ranks)}


_PICKS = {
    "pick_min_by_data.py": ["float(fnp.std(w[0]))", "float(fnp.std(w[1]))", "float(fnp.std(w[2]))"],
    "pick_sorted_by_data.py": ["float(fnp.mean(w[0]))", "float(fnp.mean(w[1]))", "float(fnp.mean(w[2]))"],
    # a tuple key holding a number read from data (was: 'min() by a key that depends on data', an
    # unknown whose use was unpriced)
    "pick_min_by_tuple_key.py": ["float(fnp.std(w[0]))", "float(fnp.std(w[1]))", "float(fnp.std(w[2]))"],
}


@pytest.mark.parametrize("name", sorted(_PICKS))
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_min_and_sorted_by_numbers_read_from_data_analyse_every_outcome(name, width, depth, tmp_path):
    # `min(errors, key=errors.get)` can pick any of three methods and `sorted(scored, key=...)`
    # give any of six orders: each outcome is a path, so the interval's ends are the cheapest
    # and the dearest of the runs forced into each order of the scores.
    path = FIXTURES / name
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    runs = [measure(_variant(tmp_path / "".join(map(str, ranks)), name, _forced_scores(_PICKS[name], ranks)),
                    point).total
            for ranks in itertools.permutations(range(3))]
    assert (report.total.lo, report.total.hi) == (min(runs), max(runs))
    assert report.total.contains(measure(path, point).total)
    assert [u.kind for u in report.uncertain] == ["pick"]


@pytest.mark.parametrize("width,depth", [(16, 2), (32, 4)], ids=["16x2", "32x4"])
def test_a_float32_symmetric_einsum_in_a_try_may_raise_symmetry_error(width, depth, tmp_path):
    # flopscope checks an einsum result it infers symmetric against that symmetry (rtol 1e-5);
    # at 32x4 float32 rounding fails the check on the fourth layer and the except clause runs,
    # so the einsum is a value-dependent raise: the run is inside the interval, never "exact".
    path = FIXTURES / "symmetric_einsum_try.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total), report.total
    assert [(u.span.line, u.kind) for u in report.uncertain] == [(line_of(path, "cov = fnp.einsum("), "exception")]
    assert report.nominal is None  # not a rare event: no presumption covers it
    # float64 rounding stays inside the tolerance: no site, exact
    wide = _variant(tmp_path, "symmetric_einsum_try.py", {"DTYPE = fnp.float32": "DTYPE = fnp.float64"})
    report = analyze(wide, point)
    assert not report.uncertain, report.uncertain
    assert_exact_match(report, measure(wide, point), f" — float64 at {width}x{depth}")


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_nan_guards_on_a_symmetric_tensor_and_an_or_after_an_array_truth(width, depth, tmp_path):
    # `fnp.isfinite(sym)` is numpy's own bool array (priced, free to negate); in
    # `fnp.any(bad) or int(fnp.sum(fnp.isnan(cov))) > 0` the second operand runs whenever the
    # first is False, so its charges are on the nominal path (the interval's top was below the run)
    path = FIXTURES / "symmetric_predicates.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    run = measure(path, point).total
    assert report.total.contains(run), (report.total, run)
    assert report.nominal == run
    # the same guards on a plain (untagged) covariance
    plain = _variant(tmp_path, "symmetric_predicates.py",
                     {'cov = fnp.einsum("ij,ik->jk", w, w) + 0.0 * cov': "cov = w.T @ w + 0.0 * cov"})
    report = analyze(plain, point)
    run = measure(plain, point).total
    assert not report.unpriced and report.total.contains(run) and report.nominal == run, (report.total, run)


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_lapack_calls_in_a_try_may_raise_on_a_non_finite_matrix(width, depth, tmp_path):
    # the covariance overflows to inf: svd, norm(ord=2) and eigvalsh raise LinAlgError after
    # their charge and the except clauses run; each call is a value-dependent raise site (the
    # nominal path presumes it away), so the run is inside the interval, never "exact"
    path = FIXTURES / "linalg_nonfinite_try.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    run = measure(path, point).total
    assert report.total.contains(run), (report.total, run)
    lines = {line_of(path, "s = fnp.linalg.svd("), line_of(path, "scale = fnp.linalg.norm("),
             line_of(path, "vals = fnp.linalg.eigvalsh(")}
    assert {(u.span.line, u.kind) for u in report.uncertain} == {(line, "exception") for line in lines}
    # a finite covariance: nothing raises, and the run is the nominal number
    finite = _variant(tmp_path, "linalg_nonfinite_try.py", {"GAIN = 1e200": "GAIN = 1.0"})
    report = analyze(finite, point)
    assert report.nominal == measure(finite, point).total
    # a Frobenius norm and a vector 2-norm use no SVD: no site
    plain = _variant(tmp_path / "fro", "linalg_nonfinite_try.py",
                     {"fnp.linalg.norm(cov, 2)": "fnp.linalg.norm(cov) + fnp.linalg.norm(cov, 2, axis=0)[0]"})
    sites = {u.span.line for u in analyze(plain, point).uncertain}
    assert line_of(plain, "scale = fnp.linalg.norm(") not in sites


@pytest.mark.parametrize("width,depth,budget", [(8, 4, 20_000), (16, 4, 150_000)], ids=["8x4", "16x4"])
def test_the_flops_spent_read_after_a_generator_ran_ahead_are_not_a_known_number(width, depth, budget):
    # flopcast took its own running total for current_budget().flops_used: with the generator's
    # charges all filed first it read more than the run and claimed the cheap branch "exact"
    path = FIXTURES / "budget_read_after_generator.py"
    point = Point(width, depth, budget)
    report = analyze(path, point)
    run = measure(path, point).total
    assert not report.unpriced, report.unpriced
    assert report.total.contains(run), (report.total, run)
    assert [u.span.line for u in report.uncertain] == [line_of(path, "if used > budget // 4:")]


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_the_mlp_name_is_not_known_statically(width, depth):
    # whestbench names every contest MLP from its seed (scoring.make_contest, datasets'
    # mlp_name); a bare sample_mlp has "". A branch on it is a value-dependent site whose
    # interval holds both runs, never the "" run called exact.
    path = FIXTURES / "mlp_name.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    bare, named = measure(path, point), measure(path, point, mlp_name="danielle-johnson")
    assert bare.total != named.total
    assert not report.total.exact
    assert report.total.contains(bare.total) and report.total.contains(named.total), report.total
    assert (report.total.lo, report.total.hi) == (bare.total, named.total)
    assert [u.span.line for u in report.uncertain] == [line_of(path, "if flipped.name:")]


def test_a_relative_import_in_the_entry_file_is_the_import_error_whestbench_meets(tmp_path):
    # whestbench loads estimator.py in no package (spec_from_file_location, its folder on
    # sys.path): `from .helpers import f` raises ImportError at load, so nothing is predicted.
    # Inside a package of the folder the same import is fine (fixture plugin_package/).
    (tmp_path / "helpers.py").write_text("import flopscope.numpy as fnp\n\n\ndef step(mu, w):\n    return mu @ w\n")
    (tmp_path / "estimator.py").write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator, MLP\n\nfrom .helpers import step\n\n\n"
        "class Estimator(BaseEstimator):\n    def predict(self, mlp: MLP, budget: int):\n"
        "        mu = fnp.ones(mlp.width, dtype=fnp.float32)\n        rows = []\n"
        "        for w in mlp.weights:\n            mu = step(mu, w)\n            rows.append(mu)\n"
        "        return fnp.stack(rows)\n")
    point = Point(16, 2, BUDGET)
    with pytest.raises(ImportError):
        measure(tmp_path, point)
    report = analyze(tmp_path, point)
    assert report.lower_bound or not report.exact, "an exact prediction for a file whestbench cannot load"
    assert [(r.what.startswith("ImportError: attempted relative import"), r.at_load, r.every_path)
            for r in report.raises] == [(True, True, True)], report.raises


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_a_set_returned_by_a_replayed_call_is_a_new_set(width, depth):
    # both arms of the branch cost the same: every path's total is the run's
    path = FIXTURES / "set_from_helper.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.unpriced, report.unpriced
    assert (report.total.lo, report.total.hi) == (runtime, runtime), f"{report.total} against the run's {runtime:,}"
