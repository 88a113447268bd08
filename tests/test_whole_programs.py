"""Whole programs: branches, value-dependent intervals, while loops, directives, classes,
recursion, exceptions and folder submissions — each checked against flopscope's runtime count.

Exact samples (samples/*.py, samples/*/estimator.py) are also covered point by point in
test_samples_oracle.py; this file covers what only shows at other budgets, the interval
samples (samples/intervals/), and small programs in tests/fixtures/whole_programs/.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from oracle import SAMPLES, assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point
from source_lines import line_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "whole_programs"
BIG = 2**41


def with_directive(sample: Path, line_start: str, directive: str, folder: Path) -> Path:
    """A copy of ``sample`` whose line starting with ``line_start`` ends in ``# flopcast: directive``."""
    lines = sample.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(line_start))
    lines[index] += f"  # flopcast: {directive}"
    copy = folder / sample.name
    copy.write_text("\n".join(lines) + "\n")
    return copy



def exact_and_equal(path, point: Point) -> int:
    report = analyze(path, point)
    measured = measure(path, point)
    assert not report.unpriced, report.unpriced
    assert_exact_match(report, measured, f" — {path} at {point.label()}")
    return measured.total


# ------------------------------------------------------------------ branches on known values

@pytest.mark.parametrize("width,depth", [(8, 1), (64, 4), (128, 4)])
def test_budget_branch_follows_the_arm_the_budget_selects(width, depth):
    sample = SAMPLES / "budget_branching.py"
    threshold = 8 * width**3 * depth
    big = analyze(sample, Point(width, depth, BIG))
    small = analyze(sample, Point(width, depth, threshold - 1))
    # Covariance arm (outer products) with the big budget, mean arm without them below the threshold.
    assert any(c.op == "outer" for c in big.charges)
    assert not any(c.op == "outer" for c in small.charges)
    exact_and_equal(sample, Point(width, depth, BIG))
    exact_and_equal(sample, Point(width, depth, threshold - 1))


@pytest.mark.parametrize("width,depth,budget", [(8, 1, 100_000), (32, 2, 3_000_000), (64, 4, 20_000_000),
                                                (128, 4, 100_000_000)])
def test_sample_count_sized_from_flops_remaining_is_exact(width, depth, budget):
    # flops.current_budget().flops_remaining is read after a warm-up pass; the doubling loop uses it.
    exact_and_equal(SAMPLES / "budget_doubling.py", Point(width, depth, budget))


LIVE_DISPLAY = """\
import flopscope as flops
import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        x = fnp.ones((2, mlp.width))
        with flops.budget_live():
            x = x @ mlp.weights[0]
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x){tail}
"""


def test_budget_live_is_a_display_for_with_not_a_snapshot_of_the_budget(tmp_path):
    # `with flops.budget_live():` only runs its body; the object has no `.flops_remaining`
    # (flopscope raises AttributeError), so reading it is never priced as the budget.
    shown = tmp_path / "shown" / "estimator.py"
    shown.parent.mkdir()
    shown.write_text(LIVE_DISPLAY.format(tail=""))
    exact_and_equal(shown, Point(8, 2, BIG))
    misread = tmp_path / "misread" / "estimator.py"
    misread.parent.mkdir()
    misread.write_text(LIVE_DISPLAY.format(tail=" * flops.budget_live().flops_remaining"))
    with pytest.raises(AttributeError):
        measure(misread, Point(8, 2, BIG))
    report = analyze(misread, Point(8, 2, BIG))
    assert [u.what for u in report.unpriced][0] == "attribute 'flops_remaining'"


# ------------------------------------------------------------------ value-dependent branches

@pytest.mark.parametrize("width,depth", [(8, 1), (64, 4)])
def test_value_dependent_rescale_is_an_interval_whose_ends_are_real_runs(width, depth, tmp_path):
    sample = SAMPLES / "intervals" / "covariance_rescale.py"
    point = Point(width, depth, BIG)
    report = analyze(sample, point)
    assert not report.total.exact
    never = measure(sample, point).total  # whestbench's MLPs never reach the threshold
    always = tmp_path / "always_rescale.py"
    always.write_text(sample.read_text().replace("RESCALE_AT = 1e100", "RESCALE_AT = -1.0"))
    assert report.total.lo == never
    assert report.total.hi == measure(always, point).total
    branch = line_of(sample, "if float(fnp.max(fnp.abs(cov))) > RESCALE_AT")
    assert [(u.kind, u.span.line) for u in report.uncertain] == [("branch", branch)]


@pytest.mark.parametrize("width,depth", [(32, 2), (64, 4)])
def test_assume_comment_makes_the_rescale_exact_at_the_never_end(width, depth, tmp_path):
    point = Point(width, depth, BIG)
    sample = SAMPLES / "intervals" / "covariance_rescale.py"
    interval = analyze(sample, point).total
    assumed = with_directive(sample, "if float(fnp.max(fnp.abs(cov))) > RESCALE_AT", "assume False", tmp_path)
    assert exact_and_equal(assumed, point) == interval.lo


def test_assume_takes_a_known_expression_and_may_sit_on_the_closing_line_of_a_split_header():
    report = analyze(FIXTURES / "assume_known.py", Point(32, 2, BIG))
    assert report.uncertain == []
    exact_and_equal(FIXTURES / "assume_known.py", Point(32, 2, BIG))


def test_an_assumption_that_is_not_a_known_truth_value_is_ignored_with_a_note():
    path = FIXTURES / "assume_unknown.py"
    point = Point(32, 2, BIG)
    report = analyze(path, point)
    assert not report.total.exact and report.total.contains(measure(path, point).total)
    assert any("ignored `# flopcast: assume" in n.message for n in report.notes)


# ------------------------------------------------------------------ loops

@pytest.mark.parametrize("width,depth", [(8, 1), (32, 2), (128, 4)])
def test_convergence_loop_is_an_interval_from_zero_to_the_cap_naming_the_while_line(width, depth, tmp_path):
    sample = SAMPLES / "intervals" / "convergence_loop.py"
    point = Point(width, depth, BIG)
    report = analyze(sample, point)
    pinned = analyze(with_directive(sample, "while err > TOL", "iterations=10", tmp_path), point)
    runtime = measure(sample, point).total
    assert report.total.lo < runtime < report.total.hi
    assert pinned.total.exact and pinned.total.lo == runtime  # the runtime really does 10 iterations
    assert {u.span.line for u in report.uncertain} == {line_of(sample, "while err > TOL")}


def test_iterations_directive_on_a_for_loop_decides_its_break():
    exact_and_equal(FIXTURES / "convergence_for_break.py", Point(32, 2, BIG))
    exact_and_equal(FIXTURES / "convergence_for_break.py", Point(128, 4, BIG))


@pytest.mark.parametrize("name,construct", [
    ("while_true_unbounded.py", "while True:"),
    ("while_value_unbounded.py", "while float(fnp.max(x)) > 0:"),
])
def test_a_loop_only_the_data_ends_is_reported_unbounded_quickly(name, construct):
    path = FIXTURES / name
    started = time.monotonic()
    report = analyze(path, Point(32, 2, BIG))
    assert time.monotonic() - started < 5, "the analysis must not unroll an endless loop"
    line = line_of(path, construct)
    assert ("unbounded", line) in {(u.kind, u.span.line) for u in report.uncertain}
    # The upper end is not known: the report says its count is only a lower bound there.
    assert report.lower_bound and any(u.what == "unbounded" and u.span.line == line for u in report.unpriced)


def test_recursion_only_the_data_stops_is_reported_at_the_recursive_call():
    path = FIXTURES / "recursion_unbounded.py"
    report = analyze(path, Point(32, 2, BIG))
    line = line_of(path, "return shrink(x * 0.5, tol)")
    assert ("recursion", line) in {(u.kind, u.span.line) for u in report.uncertain}
    assert report.lower_bound


# ------------------------------------------------------------------ program structure

def test_try_except_fallbacks_interval_holds_the_run_and_a_known_raise_takes_its_handler():
    path = FIXTURES / "try_fallback.py"
    point = Point(32, 2, BIG)
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert report.total.lo == runtime  # cholesky of w.T @ w succeeds at run time
    assert [u.kind for u in report.uncertain] == ["exception"]
    assert report.uncertain[0].span.line == line_of(path, "factor = fnp.linalg.cholesky")
    assert not report.unpriced  # the shape error inside the second try is the handler's business


def test_recursive_strassen_is_exact_at_every_recursion_depth():
    for width in (16, 32, 64, 128):  # no split, 1 level, 2 levels, capped at MAX_DEPTH
        exact_and_equal(SAMPLES / "strassen.py", Point(width, 2, BIG))


def test_old_whest_spelling_is_analysed_as_flopscope_with_a_note():
    sample = SAMPLES / "mean_propagation.py"
    old = sample.read_text().replace("import flopscope as flops", "import whest as flops").replace(
        "import flopscope.numpy as fnp", "import whest.numpy as fnp")
    point = Point(32, 2, BIG)
    report = analyze(sample, point, source=old)
    assert report.total == analyze(sample, point).total
    assert any("`whest` is the old name of flopscope" in n.message for n in report.notes)
    assert not report.unpriced


# ------------------------------------------------------------------ folder submissions

def _copy_folder(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLES / name, target)
    return target


def _make_weights():
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    try:
        import make_folder_weights
    finally:
        sys.path.pop(0)
    return make_folder_weights


def test_folder_submission_dtype_of_a_shipped_npy_comes_from_its_header(tmp_path):
    import numpy as np

    point = Point(64, 4, BIG)
    shipped = exact_and_equal(SAMPLES / "folder_submission", point)  # bias.npy is float64
    folder = _copy_folder("folder_submission", tmp_path)
    _make_weights().write(folder, bias_dtype=np.float32)
    assert exact_and_equal(folder, point) < shipped  # no float64 promotion, no scorer cast to bill


def test_flops_module_state_loaded_from_npz_takes_the_files_dtypes(tmp_path):
    import numpy as np

    point = Point(64, 4, BIG)
    shipped = exact_and_equal(SAMPLES / "module_submission", point)  # calib.npz's scale is float64
    folder = _copy_folder("module_submission", tmp_path)
    _make_weights().write_calibration(folder, scale_dtype=np.float32)
    assert exact_and_equal(folder, point) < shipped


def test_a_missing_data_file_is_reported_as_the_runs_error_not_guessed(tmp_path):
    """whestbench ships the folder as it is: setup()'s load of a file that is not there raises
    FileNotFoundError, as the run does (it was once reported unpriced; never guessed)."""
    folder = _copy_folder("folder_submission", tmp_path)
    (folder / "weights.npz").unlink()
    point = Point(32, 2, BIG)
    report = analyze(folder, point)
    (raised,) = report.raises
    assert raised.in_setup and raised.exc_type == "FileNotFoundError" and "weights.npz" in raised.what
    with pytest.raises(FileNotFoundError, match="weights.npz"):
        measure(folder, point)
