"""A norm, an absolute value, a square, an exponential, a variance, a sum of squares is never
negative: ``math.sqrt`` (``math.log`` of one plus it) of its ``float(...)`` or ``.item()`` cannot
raise ValueError, and the count is plain "exact", with no presumption listed.

flopcast lost the sign through ``float(...)`` of a 0-d result and called each count "exact,
presuming no ValueError: ... math.sqrt() (the argument is negative)". A NaN stays NaN and
CPython's sqrt does not raise on one. (A sum of a signed vector, or of a product of two different
ones, keeps its presumption: test_presumed_no_raise.) Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.analyzer import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            v = fnp.sum(w, axis=0)
            s = {expr}
            return fnp.zeros((mlp.depth, mlp.width)) + v * s
    """

NONNEGATIVE = {
    "sqrt_of_a_norm": "math.sqrt(float(fnp.linalg.norm(v)))",
    "sqrt_of_a_sum_of_squares": "math.sqrt(float(fnp.sum(v * v)))",
    "sqrt_of_a_self_dot": "math.sqrt(float(v @ v))",
    "sqrt_of_an_even_power_mean": "math.sqrt(float(fnp.mean(v ** 2)))",
    "sqrt_of_a_variance": "math.sqrt(float(fnp.var(v)))",
    "sqrt_of_an_exponential_item": "math.sqrt(fnp.max(fnp.exp(v)).item())",
    "log_of_one_plus_a_mean_magnitude": "math.log(1.0 + float(fnp.mean(fnp.abs(v))))",
    "sqrt_of_a_clipped_max": "math.sqrt(float(fnp.max(fnp.clip(v, 0.0, None))))",
}


def _presumed(path) -> list:
    return to_json(analyze(path, POINTS[0]))["total"]["presumes_no_raise"]


@pytest.mark.parametrize("expr", NONNEGATIVE.values(), ids=NONNEGATIVE.keys())
def test_a_math_function_of_a_nonnegative_value_presumes_nothing(tmp_path, expr):
    path = write_program(tmp_path, PROGRAM, expr=expr)
    assert _presumed(path) == []
    assert_exact_at(path, POINTS)

