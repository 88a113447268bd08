"""`flopcast fit --for width|depth|NAME`: the largest value within the budget.

The analyzer is a stand-in whose total is a known function of the value, so the
search itself is what is tested; test_integration.py runs the real analyzer.
"""

from __future__ import annotations

import argparse
import json
import re

import pytest

from flopcast.check import engine
from flopcast.check.fit import find_constant, rewrite, run
from flopcast.check.source import CheckUsageError
from flopcast.model import Interval, Report

SOURCE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

N_SAMPLES = 4096


class Estimator(BaseEstimator):
    chunk: int = 8

    def predict(self, mlp, budget):
        x = fnp.ones((N_SAMPLES, mlp.width), dtype=fnp.float32)
        return x[: mlp.depth]
"""


@pytest.fixture
def analyzer(monkeypatch):
    """Total = cost(width, depth, N_SAMPLES read back from the source handed in)."""
    calls = []

    def install(cost):
        def fake(path, point, source=None, **kwargs):
            text = source if source is not None else open(path if path.endswith(".py") else path + "/estimator.py").read()
            n = int(re.search(r"^N_SAMPLES = (\d+)", text, re.M).group(1))
            total = cost(point.width, point.depth, n)
            calls.append((point, n))
            return Report(path, point, Interval(total, total))
        monkeypatch.setattr(engine, "analyze", fake)
        return calls
    return install


def fit(tmp_path, capsys, target, *extra, fmt="text"):
    path = tmp_path / "estimator.py"
    path.write_text(SOURCE)
    ns = argparse.Namespace(path=str(tmp_path), target=target, round_tag=None, width=64, depth=4,
                            budget=1_000_000, scorer_cast=True, format=fmt)
    code = run(ns)
    return code, capsys.readouterr()


def test_fit_finds_the_largest_named_constant_within_the_budget(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: n * 1000)
    code, out = fit(tmp_path, capsys, "N_SAMPLES")
    assert code == 0
    assert "largest N_SAMPLES that fits" in out.out and ": 1,000 (now 4,096" in out.out
    assert "N_SAMPLES = 1,000: predicted 1,000,000 FLOPs" in out.out
    assert "N_SAMPLES = 1,001: predicted 1,001,000 FLOPs" in out.out and "over budget by 1,000" in out.out


def test_fit_confirms_the_answer_at_the_value_and_the_next_one(tmp_path, capsys, analyzer):
    calls = analyzer(lambda w, d, n: n * 1000)
    fit(tmp_path, capsys, "N_SAMPLES")
    tried = {n for _, n in calls}
    assert {1000, 1001} <= tried


def test_fit_never_writes_the_users_file(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: n * 1000)
    fit(tmp_path, capsys, "N_SAMPLES")
    assert (tmp_path / "estimator.py").read_text() == SOURCE


def test_fit_width_searches_the_analysis_point(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: w * w * 100)
    code, out = fit(tmp_path, capsys, "width", fmt="json")
    doc = json.loads(out.out)
    assert code == 0
    assert (doc["kind"], doc["value"], doc["unbounded"]) == ("width", 100, False)
    assert doc["at_value"]["hi"] == 1_000_000 and doc["at_next"]["hi"] == 1_020_100


def test_fit_depth_searches_downwards_from_a_value_over_budget(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: d * 400_000)
    code, out = fit(tmp_path, capsys, "depth")
    assert code == 0 and ": 2 (now 4)" in out.out


def test_fit_reports_when_no_value_fits(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: 5_000_000 + n)
    code, out = fit(tmp_path, capsys, "N_SAMPLES")
    assert code == 1
    assert "no N_SAMPLES fits" in out.out


def test_fit_reports_a_cost_that_stops_growing(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: min(n, 100) * 1000)
    code, out = fit(tmp_path, capsys, "N_SAMPLES")
    assert code == 0
    assert "stops growing" in out.out


def test_fit_rewrites_class_level_annotated_constants():
    site = find_constant(SOURCE, "chunk")
    assert (site.value, site.scope, site.line) == (8, "Estimator", 8)
    assert "    chunk: int = 512\n" in rewrite(SOURCE, site, 512)


def test_fit_rewrites_by_byte_offsets_after_non_ascii_text():
    source = "NOTE = 'µ'; N = 3\n"
    assert rewrite(source, find_constant(source, "N"), 40) == "NOTE = 'µ'; N = 40\n"


@pytest.mark.parametrize("source, name, complaint", [
    ("N = 2**12\n", "N", "not assigned an integer literal"),
    ("N = 1\nN = 2\n", "N", "assigned more than once"),
    ("M = 1\n", "N", "no module- or class-level"),
])
def test_fit_explains_constants_it_cannot_rewrite(source, name, complaint):
    with pytest.raises(CheckUsageError, match=complaint):
        find_constant(source, name)


def test_fit_exits_2_for_an_unknown_name(tmp_path, capsys, analyzer):
    analyzer(lambda w, d, n: n)
    code, out = fit(tmp_path, capsys, "MISSING")
    assert code == 2
    assert "MISSING" in out.err
