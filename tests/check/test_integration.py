"""`flopcast check` and `flopcast fit` with the real static analyzer, on fixtures.

Each fixture under fixtures/ is a submission folder built to trigger one rule
(or none, for clean/). These run at whestbench's current round.
"""

from __future__ import annotations

import json
from pathlib import Path

from flopcast.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def check_json(capsys, fixture: str, *args: str) -> tuple[int, dict]:
    code = main(["check", str(FIXTURES / fixture), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def findings(doc: dict) -> list[tuple[str, str, int]]:
    return [(Path(f["path"]).name, f["code"], f["line"]) for f in doc["findings"]]


def test_a_clean_estimator_passes(capsys):
    code, doc = check_json(capsys, "clean")
    assert (code, doc["findings"]) == (0, [])
    prediction = doc["targets"][0]["prediction"]
    assert prediction["exact"] and 0 < prediction["hi"] < doc["targets"][0]["point"]["budget"]


def test_an_estimator_over_budget_fails_with_fc001_naming_the_matmul_line(capsys):
    code, doc = check_json(capsys, "over_budget")
    assert code == 1
    assert findings(doc) == [("estimator.py", "FC001", 10)]
    assert "line 14 (99." in doc["findings"][0]["message"]


def test_a_default_float64_creation_is_a_float64_leak_with_its_saving(capsys):
    code, doc = check_json(capsys, "float64_leak")
    assert code == 0  # a warning
    assert findings(doc) == [("estimator.py", "FC101", 9)]
    assert "save " in doc["findings"][0]["message"]


def test_a_squared_array_is_a_costly_power_with_its_saving(capsys):
    code, doc = check_json(capsys, "costly_power")
    assert findings(doc) == [("estimator.py", "FC102", 13)]
    assert "FLOPs at" in doc["findings"][0]["message"]


def test_a_transposed_result_is_a_return_shape_error(capsys):
    code, doc = check_json(capsys, "transposed_return")
    assert code == 1
    assert findings(doc) == [("estimator.py", "FC204", 14)]


def test_a_folder_checks_the_imports_of_its_helper_modules(capsys):
    code, doc = check_json(capsys, "multi_file")
    assert code == 1
    assert findings(doc) == [("helpers.py", "FC201", 1)]


def test_residual_loops_and_heavy_setup_in_a_sibling_module_are_reported_there(capsys):
    code, doc = check_json(capsys, "sibling_work")
    assert code == 0  # warnings
    assert findings(doc) == [("helpers.py", "FC302", 8), ("helpers.py", "FC301", 14)]
    assert all(f["path"].endswith("sibling_work/helpers.py") for f in doc["findings"])


def test_the_budget_option_moves_the_verdict(capsys):
    code, _ = check_json(capsys, "clean", "--budget", "1000")
    assert code == 1


def test_fit_finds_the_largest_sample_count_and_confirms_it(capsys):
    code = main(["fit", str(FIXTURES / "over_budget"), "--for", "N_SAMPLES", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    budget = doc["point"]["budget"]
    assert 0 < doc["value"] < 200_000
    assert doc["at_value"]["hi"] <= budget < doc["at_next"]["hi"]
    assert doc["at_next"]["value"] == doc["value"] + 1


def test_an_item_assignment_on_an_array_is_a_raise_at_its_line(capsys):
    code, doc = check_json(capsys, "raises")
    assert code == 1
    assert ("estimator.py", "FC205", 9) in findings(doc)
    assert "immutable" in next(f["message"] for f in doc["findings"] if f["code"] == "FC205")


def test_fit_does_not_call_a_depth_where_predict_always_raises_a_fit(capsys):
    # Past depth 6 the estimator raises its own RuntimeError: nothing is charged, yet whestbench
    # zeroes the prediction, so the largest depth that fits is 6, not "every depth".
    code = main(["fit", str(FIXTURES / "guarded_depth"), "--for", "depth", "--width", "16", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (doc["value"], doc["unbounded"]) == (6, False)
    assert doc["at_value"]["raises"] is None
    assert doc["at_next"]["raises"].startswith("RuntimeError") and doc["at_next"]["raises"].endswith("at line 9")


def test_a_clock_reading_or_an_environment_variable_that_chooses_the_work_is_machine_steered(capsys):
    # the clock read only to log a timing (line 16) steers nothing: no finding there
    code, doc = check_json(capsys, "machine_steered", "--select", "FC303")
    assert code == 0  # warnings
    assert findings(doc) == [("estimator.py", "FC303", 17), ("estimator.py", "FC303", 19),
                             ("estimator.py", "FC303", 19), ("estimator.py", "FC303", 22)]
    clock, get, is_in, item = (f["message"] for f in doc["findings"])
    assert clock.startswith("a clock reading") and "time.perf_counter()" in clock and "`budget`" in clock
    assert get.startswith("an environment variable") and "os.environ.get()" in get and "unset" in get
    assert "set in os.environ" in is_in and "os.environ['NB_GAIN']" in item and "KeyError" in item
