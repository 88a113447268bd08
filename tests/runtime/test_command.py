"""`flopcast verify` end to end: output, verdicts and exit codes."""

from __future__ import annotations

import ast
import json

import pytest

from flopcast.cli import main

from .helpers import ROOT, ast_spans, real_analyzer, fixture, line_of

SMALL = ["--width", "32", "--depth", "2", "--budget", "10**9"]


def verify(capsys, *args):
    code = main(["verify", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_missing_estimator_is_a_usage_error(capsys, tmp_path):
    code, _, err = verify(capsys, tmp_path, *SMALL)
    assert code == 2
    assert "no estimator at" in err and "estimator.py" in err


def test_unreadable_points_are_a_usage_error(capsys):
    code, _, err = verify(capsys, fixture("multi_op_line"), "--points", "32by2")
    assert code == 2
    assert "WIDTHxDEPTH" in err


def test_a_non_positive_timeout_is_a_usage_error(capsys):
    code, _, err = verify(capsys, fixture("multi_op_line"), *SMALL, "--timeout", "0")
    assert code == 2
    assert "--timeout" in err


def test_an_exception_the_analyzer_did_not_predict_exits_1_and_names_the_raising_line(capsys):
    path = fixture("raises_unpredicted")
    code, out, _ = verify(capsys, path.parent, *SMALL)
    assert code == 1
    assert "EXCEPTION" in out
    assert "LinAlgError: Matrix is not positive definite" in out
    assert f"estimator.py:{line_of(path, 'factor = fnp.linalg.cholesky')}:" in out


def test_an_exception_the_analyzer_predicted_on_some_paths_is_a_match(capsys):
    path = fixture("raises_on_values")
    code, out, _ = verify(capsys, path.parent, *SMALL)
    assert code == 0
    assert "raises as predicted: ValueError at " in out and "as the analyzer predicted on some paths" in out
    assert f"estimator.py:{line_of(path, 'raise ValueError')}:" in out


def test_an_exception_the_analyzer_predicted_at_its_line_is_a_match(capsys):
    path = fixture("raises")
    code, out, _ = verify(capsys, path.parent, *SMALL)
    assert code == 0
    assert "raises as predicted: ValueError at " in out
    assert f"estimator.py:{line_of(path, 'raise ValueError')}:" in out


def test_a_raise_on_every_path_after_value_dependent_work_is_a_match_within_the_interval(capsys):
    path = fixture("raises_after_values")
    code, out, _ = verify(capsys, path.parent, *SMALL)
    assert code == 0
    assert "raises as predicted: ValueError at " in out
    assert f"estimator.py:{line_of(path, 'raise ValueError')}:" in out
    assert "(predicted [" in out


def test_a_timeout_exits_1_and_says_which_limit_was_hit(capsys):
    code, out, _ = verify(capsys, fixture("loops"), *SMALL, "--timeout", "2")
    assert code == 1
    assert "TIMEOUT" in out and "did not finish within 2 s" in out and "--timeout" in out


def test_a_killed_child_exits_1_and_says_it_was_killed(capsys):
    code, out, _ = verify(capsys, fixture("killed"), *SMALL)
    assert code == 1
    assert "CRASH" in out and "SIGKILL" in out


def test_an_over_budget_run_stopped_where_the_analyzer_said_is_a_match(capsys):
    path = fixture("over_budget")
    code, out, _ = verify(capsys, path, "--width", "32", "--depth", "2", "--budget", "1000000")
    assert code == 0
    assert "raises as predicted: BudgetExhaustedError at " in out
    assert "matmul would cost" in out
    span = ast_spans(path, line_of(path, "x @ w"), ast.BinOp)[0]
    assert f"estimator.py:{span.line}:{span.col + 1}" in out


@pytest.mark.parametrize("name, on_some_paths", [
    ("over_budget_some_paths", True),  # the batch is large only where a test of the data holds
    ("over_budget_after_values", False),  # every path runs out, after warm-up passes the data counts
])
def test_an_over_budget_run_where_the_report_follows_several_paths_is_a_match(capsys, name, on_some_paths):
    path = fixture(name)
    code, out, _ = verify(capsys, path, "--width", "32", "--depth", "2", "--budget", "1000000")
    assert code == 0
    assert "raises as predicted: BudgetExhaustedError at " in out
    assert ("as the analyzer predicted on some paths" in out) == on_some_paths
    span = ast_spans(path, line_of(path, "x @ w"), ast.BinOp)[0]
    assert f"estimator.py:{span.line}:{span.col + 1}" in out


def test_a_memory_error_the_report_predicts_after_work_the_data_sizes_is_a_match(capsys):
    path = fixture("memory_after_values")
    code, out, _ = verify(capsys, path, "--width", "16", "--depth", "2")
    assert code == 0
    assert "raises as predicted: MemoryError at " in out
    assert f"estimator.py:{line_of(path, 'batch = fnp.ones')}:" in out


def test_json_output_carries_the_verdict_and_the_error_for_machines(capsys):
    code, out, _ = verify(capsys, fixture("raises_unpredicted"), *SMALL, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["ok"] is False
    (point,) = data["points"]
    assert point["point"]["width"] == 32 and point["verdict"] == "EXCEPTION"
    assert point["error"]["type"] == "LinAlgError"
    assert point["error"]["span"]["line"] == line_of(fixture("raises_unpredicted"), "factor = fnp.linalg.cholesky")



def test_a_run_raising_where_the_report_presumed_no_raise_is_named_as_that_presumption(capsys):
    """The report's count is "exact, presuming no LinAlgError" at the Cholesky: verify still fails
    the run that raised there, and says which presumption it broke (text and JSON), so a machine
    can tell it from a raise the report missed."""
    path = fixture("raises_unpredicted")
    line = line_of(path, "factor = fnp.linalg.cholesky")
    code, out, _ = verify(capsys, path, "--points", "8x1,32x2", "--budget", "10**9", "--format", "json")
    assert code == 1
    for point in json.loads(out)["points"]:
        assert point["verdict"] == "EXCEPTION" and point["error"]["span"]["line"] == line
        assert [(p["span"]["line"], p["op"], p["exception"]) for p in point["static_presumes_no_raise"]] == [
            (line, "fnp.linalg.cholesky", "LinAlgError")]
    code, out, _ = verify(capsys, path, *SMALL)
    assert "the report presumed fnp.linalg.cholesky here does not raise LinAlgError " \
           "(the matrix is not positive definite): its count is of a run past it" in out


def test_a_run_past_a_presumption_of_no_overflow_is_named_as_that_presumption(capsys):
    """The report's count is "exact, presuming no overflow" at a squaring in a loop; the run's
    product overflows, flopscope drops its symmetric tag and what follows costs more. verify
    fails it and names the presumption it broke, as for a presumed LinAlgError (above)."""
    path = fixture("squared_overflow")
    line = line_of(path, "s = s @ s")
    code, out, _ = verify(capsys, path, "--width", "8", "--depth", "2", "--budget", "10**7")
    assert code == 1 and "MISMATCH  predicted 14,876, counted 18,348" in out, out
    assert "the report presumed fnp.matmul at " in out and f"squared_overflow/estimator.py:{line} does not overflow " \
           "(an array multiplied by itself reaches 128 data factors deep" in out, out
    assert "its count is of a run in which it stays finite" in out


def _unmodelled_span(path):
    """The ast span of the `fnp.gradient(...)` call (not the enclosing `fnp.abs(...)`)."""
    tree = ast.parse(path.read_text())
    (node,) = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "gradient"]
    return node


def test_an_op_the_analyzer_does_not_model_is_reported_at_its_line_and_column(capsys):
    real_analyzer()
    path = fixture("unmodelled")
    code, out, _ = verify(capsys, path, *SMALL, "--format", "json")
    (point,) = json.loads(out)["points"]
    call = _unmodelled_span(path)
    differing = [r for r in point["expressions"] if not r["matches"]]
    # the report says it is a lower bound and the run counted past it: consistent, not a mismatch
    assert (code, point["verdict"]) == (0, "above lower bound"), point.get("static_error")
    (row,) = [r for r in differing if r["op"] == "gradient"]
    assert row["span"] == {
        "path": str(path), "line": call.lineno, "col": call.col_offset, "end_line": call.end_lineno, "end_col": call.end_col_offset,
    }
    assert row["dynamic"] > 0 and row["static"] == {"lo": 0, "hi": 0}
    assert "not priced by the analyzer" in row["note"]


def test_the_text_table_names_the_unmodelled_op_at_line_and_column(capsys):
    real_analyzer()
    path = fixture("unmodelled")
    code, out, _ = verify(capsys, path, *SMALL)
    call = _unmodelled_span(path)
    where = f"estimator.py:{call.lineno}:{call.col_offset + 1}"
    assert code == 0 and "above lower bound" in out
    assert any(where in line and "gradient" in line for line in out.splitlines()), out


def test_several_points_that_all_match_exit_0_with_a_json_verdict_each(capsys):
    real_analyzer()
    sample = ROOT / "samples" / "mean_propagation_f32.py"
    code, out, _ = verify(capsys, sample, "--points", "32x2,48x3", "--budget", "10**9", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True
    assert [(p["point"]["width"], p["point"]["depth"], p["verdict"]) for p in data["points"]] == [
        (32, 2, "exact"),
        (48, 3, "exact"),
    ]
    assert all(p["static_total"] == {"lo": p["dynamic_total"], "hi": p["dynamic_total"]} for p in data["points"])


def test_a_run_down_the_cheaper_arm_of_a_value_dependent_branch_is_inside(capsys):
    real_analyzer()
    code, out, _ = verify(capsys, fixture("branch"), *SMALL, "--format", "json")
    (point,) = json.loads(out)["points"]
    assert (code, point["verdict"]) == (0, "inside"), [r for r in point["expressions"] if not r["matches"]]


def test_an_expression_dearer_on_the_cheaper_path_than_on_the_dearest_is_inside(capsys):
    # The per-expression ranges once came from the dearest path alone: the run's exp of the
    # whole matrix was "outside" [0, exp of two rows] and the verdict a false MISMATCH.
    real_analyzer()
    code, out, _ = verify(capsys, fixture("dearer_on_cheap_path"), *SMALL, "--format", "json")
    (point,) = json.loads(out)["points"]
    assert (code, point["verdict"]) == (0, "inside"), [r for r in point["expressions"] if not r["matches"]]
