"""What a value-dependent site says its integer is: the thing the program made it from.

A reader deciding whether to pin an integer (`# flopcast: assume ...`) needs to know what it is:
an integer `rng.integers(2, 6)` drew is no "array value" of the data, and its limits bound it.
"""

from __future__ import annotations

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point

SCALAR_DRAW = """
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        rng = fnp.random.default_rng(mlp.seed)
        k = int(rng.integers(2, 6))
        x = fnp.ones((k, mlp.width))
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
"""


def _reasons(tmp_path, source: str) -> list[str]:
    path = tmp_path / "estimator.py"
    path.write_text(source)
    report = analyze(path, Point(8, 1, 10**6))
    return [u.reason for u in report.uncertain]


def test_an_integer_drawn_by_rng_integers_is_named_as_that_draw_with_its_limits(tmp_path):
    reasons = _reasons(tmp_path, SCALAR_DRAW)
    assert reasons and all("`int(...)` of the integer rng.integers(2, 6) draws" in r for r in reasons), reasons


UNMODELLED_CALL = """
import math
import statistics

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        k = {k}
        x = fnp.ones((k, mlp.width))
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
"""


@pytest.mark.parametrize("k", [
    "int(statistics.geometric_mean([2.0, 8.0]))",
    "int(math.ceil(statistics.geometric_mean([2.0, 8.0]) * 1.5))",
])
def test_an_integer_made_from_an_unmodelled_library_call_is_named_as_that_calls_result(tmp_path, k):
    """It is not "an integer read from data": the data never decides it."""
    reasons = _reasons(tmp_path, UNMODELLED_CALL.format(k=k))
    assert reasons and all("uses an integer flopcast could not compute at line 11" in r and
                           "the result of statistics.geometric_mean(), a library call flopcast does not model" in r
                           for r in reasons), reasons
