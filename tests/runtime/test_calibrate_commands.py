"""`--calibrate` on `check` and `fit`, against the real flopscope.

The calibrated numbers these commands show are the ones a real run at the analysed point
charges (the sample's decisions do not change with size), so each test compares with it.
"""

from __future__ import annotations

import json
import sys

from flopcast.analyzer import analyze
from flopcast.cli import main

from .helpers import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from oracle import measure  # noqa: E402
from flopcast.model import Point  # noqa: E402

CONVERGENCE = ROOT / "samples" / "intervals" / "convergence_loop.py"
FAILING = (
    "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
    "class Estimator(BaseEstimator):\n"
    "    def predict(self, mlp, budget):\n"
    "        h = fnp.ones(mlp.width)\n"
    "        if float(fnp.sum(h)) < 100:\n"
    "            raise ValueError('too small to be useful')\n"
    "        return fnp.zeros((mlp.depth, mlp.width))\n"
)


def _json(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out)


def _upper_end() -> int:
    return analyze(CONVERGENCE, Point(64, 4, 2**41)).total.hi


def test_check_shows_the_calibrated_prediction_in_the_budget_finding(capsys):
    # Budget just under the interval's upper end: FC001 fires on the upper end. (The small run's
    # budget is this one scaled by w²·d, so a budget far below the upper end starves it.)
    real = measure(CONVERGENCE, Point(64, 4, 2**41)).total
    budget = _upper_end() - 1
    code, doc = _json(capsys, "check", str(CONVERGENCE), "--select", "FC001", "--width", "64", "--depth", "4",
                      "--budget", str(budget), "--calibrate", "32x2")
    assert code == 1
    [finding] = doc["findings"]
    assert f"calibrated {real:,} FLOPs (from a run at 32x2" in finding["message"]
    assert finding["properties"]["calibrated"] == real
    assert finding["properties"]["calibrated_from"]["width"] == 32
    assert doc["targets"][0]["prediction"]["calibrated"] == real


def test_check_sarif_carries_the_calibrated_prediction_as_properties(capsys):
    real = measure(CONVERGENCE, Point(64, 4, 2**41)).total
    code = main(["check", str(CONVERGENCE), "--select", "FC001", "--width", "64", "--depth", "4",
                 "--budget", str(_upper_end() - 1), "--calibrate", "32x2", "--format", "sarif"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert code == 1
    assert run["results"][0]["properties"]["calibrated"] == real
    assert run["properties"]["predictions"][0]["calibrated"] == real


def test_check_says_clearly_when_the_calibration_run_fails(capsys, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(FAILING)
    code = main(["check", str(path), "--width", "128", "--depth", "2", "--calibrate", "32x2"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--calibrate: the calibration run at 32x2 failed" in err
    assert "ValueError: too small to be useful" in err and f"{path}:9" in err


def test_fit_with_calibrate_answers_from_the_calibrated_prediction_beside_the_sound_answer(capsys):
    budget = 300_000
    code, doc = _json(capsys, "fit", str(CONVERGENCE), "--for", "width", "--width", "64", "--depth", "2",
                      "--budget", str(budget), "--calibrate", "32x2")
    assert code == 0
    cal = doc["calibrated"]
    assert cal["from"]["width"] == 32 and cal["from"]["depth"] == 2
    width = cal["value"]
    assert cal["at_value"]["value"] == width and cal["at_value"]["hi"] <= budget
    assert cal["at_next"]["value"] == width + 1 and cal["at_next"]["hi"] > budget
    # The sound answer (the interval's upper end) is kept beside it, and is smaller.
    assert doc["value"] < width and doc["at_value"]["hi"] <= budget < doc["at_next"]["hi"]
    # The calibrated numbers are the real counts (the loop converges in 10 steps at every width).
    assert measure(CONVERGENCE, Point(width, 2, 2**41)).total == cal["at_value"]["hi"]
    assert measure(CONVERGENCE, Point(width + 1, 2, 2**41)).total == cal["at_next"]["hi"]


def test_fit_with_calibrate_for_a_name_replays_the_observed_trip_count(capsys):
    # MAX_ITER only caps the loop: the sound answer is finite, the calibrated cost does not grow with it.
    code = main(["fit", str(CONVERGENCE), "--for", "MAX_ITER", "--width", "64", "--depth", "2",
                 "--budget", "300000", "--calibrate", "32x2"])
    out = capsys.readouterr().out
    real = measure(CONVERGENCE, Point(64, 2, 2**41)).total
    assert code == 0
    assert out.startswith("largest MAX_ITER that fits")
    assert "calibrated: every MAX_ITER fits: the calibrated cost stops growing with it" in out
    assert "a calibrated prediction, not a sound bound" in out
    assert f"calibrated {real:,} FLOPs" in out
