"""`flopcast analyze` as a user runs it: a separate process, text and JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from oracle import SAMPLES, measure

from flopcast.model import Point

SAMPLE_FILES = sorted(SAMPLES.glob("*.py"))


def flopcast(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flopcast", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_json_total_flops_equals_the_runtime_count(sample):
    """At 32x2, the smallest point tests/runtime/test_samples.py verifies: that the analysis
    equals the real count at 64x4 too is its claim; this one is that the JSON carries it (it
    ran at 64x4 until session 48, the same (file, point) analysed and run in both modules)."""
    proc = flopcast("analyze", str(sample), "--width", "32", "--depth", "2", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["total_flops"] == measure(sample, Point(32, 2, 2**41)).total


def test_json_carries_the_documented_fields():
    proc = flopcast("analyze", str(SAMPLES / "mean_propagation.py"), "--width", "32", "--depth", "2", "--format", "json")
    data = json.loads(proc.stdout)
    for key in ("total_flops", "budget", "formula", "lines", "functions", "unpriced", "flopscope_version"):
        assert key in data, key
    assert data["lines"][0]["ops"][0]["dtypes"], "each line names the billed dtype of its ops"


def test_json_lists_a_repeated_calls_charges_once_with_counts_that_add_up_to_the_runtime_count():
    # strassen's recursion makes the same calls again: their charges are counted, not listed again.
    point = Point(64, 2, 2**41)
    proc = flopcast("analyze", str(SAMPLES / "strassen.py"), "--width", "64", "--depth", "2",
                    "--format", "json", "--no-formula")
    data = json.loads(proc.stdout)
    charges = data["charges"]
    assert len(charges) < sum(c["count"] for c in charges)
    assert sum(c["flops"] * c["count"] for c in charges) == measure(SAMPLES / "strassen.py", point).total


def test_json_lists_charges_equal_in_every_field_shown_as_one_entry():
    # A loop's iterations make equal charges (the analysis may make them as separate objects or
    # one): each is listed once, whatever the analysis shared.
    proc = flopcast("analyze", str(SAMPLES / "mean_propagation.py"), "--width", "32", "--depth", "6",
                    "--format", "json", "--no-formula")
    charges = json.loads(proc.stdout)["charges"]
    shown = [tuple(sorted((k, v) for k, v in c.items() if k != "count")) for c in charges]
    assert len(set(shown)) == len(shown)
    assert max(c["count"] for c in charges) >= 6  # a layer's charge, once per layer


def test_default_point_is_whestbench_current_round():
    proc = flopcast("analyze", str(SAMPLES / "mean_propagation_f32.py"), "--format", "json")
    data = json.loads(proc.stdout)
    assert (data["point"]["width"], data["point"]["depth"], data["budget"]) == (1024, 16, 2**41)
    assert data["point"]["round"] == "v2-phase2"


def test_text_report_names_total_share_formula_and_costliest_line():
    proc = flopcast("analyze", str(SAMPLES / "covariance_propagation.py"), "--width", "64", "--depth", "4")
    assert proc.returncode == 0, proc.stderr
    assert "Predicted FLOPs:" in proc.stdout and "budget, within budget" in proc.stdout
    assert "Formula:" in proc.stdout
    assert "cov_pre = w.T @ cov @ w" in proc.stdout


UNBOUNDED_LOOP = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = mlp.weights[0] @ mlp.weights[0]
        while float(fnp.max(x)) > 1.0:  # no bound on how often: a lower bound
            x = x * 0.5
        return fnp.zeros((mlp.depth, mlp.width)) + x[0]
"""

BRANCHED_COST = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = mlp.weights[0]
        if float(fnp.max(x)) > 0.0:
            for _ in range(50):
                x = x @ mlp.weights[0]
        return fnp.zeros((mlp.depth, mlp.width)) + x[0]
"""


@pytest.mark.parametrize("program, budget, verdict", [
    (UNBOUNDED_LOOP, "1000000", "within budget where priced"),  # the loop may run on past it
    (UNBOUNDED_LOOP, "100", "OVER BUDGET"),  # the priced part alone passes it
    (BRANCHED_COST, "10000", "OVER BUDGET ON SOME PATHS"),  # 50 matmuls on one path only
    (BRANCHED_COST, "10000000", "within budget"),
])
def test_the_budget_verdict_claims_only_what_the_prediction_shows(tmp_path, program, budget, verdict):
    path = tmp_path / "estimator.py"
    path.write_text(program)
    proc = flopcast("analyze", str(path), "--width", "8", "--depth", "2", "--budget", budget)
    assert proc.returncode == 0, proc.stderr
    head = proc.stdout.split("\n")[3]
    assert head.endswith(f", {verdict})") or f", {verdict}); " in head, head


def test_missing_file_is_a_usage_error_with_a_message(tmp_path):
    proc = flopcast("analyze", str(tmp_path / "nope.py"))
    assert proc.returncode == 2
    assert "nope.py" in proc.stderr and "Traceback" not in proc.stderr


def test_syntax_error_is_reported_at_file_line(tmp_path):
    bad = tmp_path / "estimator.py"
    bad.write_text("class Estimator(BaseEstimator):\n    def predict(self, mlp, budget)\n        return 1\n")
    proc = flopcast("analyze", str(bad))
    assert proc.returncode == 2
    assert f"{os.path.relpath(bad)}:2" in proc.stderr and "syntax error" in proc.stderr


def test_an_imported_estimator_class_is_analysed_when_named_with_class(tmp_path):
    (tmp_path / "models.py").write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "class Shared(BaseEstimator):\n    def predict(self, mlp, budget):\n"
        "        return fnp.stack([fnp.sum(w, axis=0) for w in mlp.weights])\n")
    (tmp_path / "estimator.py").write_text("from models import Shared\n")
    proc = flopcast("analyze", str(tmp_path), "--class", "Shared", "--width", "8", "--depth", "2", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_flops"] == measure(tmp_path, Point(8, 2, 2**41), class_name="Shared").total
    # Without --class whestbench finds no class defined in the file, and neither does flopcast.
    assert flopcast("analyze", str(tmp_path)).returncode == 2


def test_a_command_run_in_process_leaves_the_callers_garbage_collector_as_it_found_it():
    # The command line collects garbage rarely while it runs (cli._one_shot_gc); a test or a
    # script calling main() in its own process must get its collector back: a worker left at
    # the command's thresholds measured a later test's peak memory 3% high.
    import gc

    from flopcast.cli import main

    before = gc.get_threshold()
    assert main(["analyze", str(SAMPLES / "float64_return.py"), "--width", "16", "--depth", "2"]) == 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_text_report_says_whestbench_rejects_a_returned_shape_other_than_depth_by_width(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text("import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
                    "class Estimator(BaseEstimator):\n    def predict(self, mlp, budget):\n"
                    "        return fnp.stack([w @ w for w in mlp.weights])\n")
    with pytest.raises(ValueError, match="Predictions must have shape"):  # whestbench's own check
        measure(path, Point(8, 2, 2**41))
    proc = flopcast("analyze", str(path), "--width", "8", "--depth", "2")
    assert "whestbench rejects what predict returns: shape (2, 8, 8), not (depth, width) = (2, 8)" in proc.stdout
