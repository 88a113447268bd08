"""``int()``/``round()``/``math.ceil/floor/trunc`` of a float read from data raises on a NaN (ValueError) or an infinity
(OverflowError); inside a ``try`` whose handler catches it, the handler's work runs.

An estimator that overflows its activations (``* 1e300``) and guards the conversion with
``except (ValueError, OverflowError)`` ran the handler while flopcast said "exact" without
it (a false exact). Inside a ``try`` each conversion is now a value-dependent site, as a
LinAlgError of fnp.linalg is; outside one the failure stays presumed away (README).
Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import math

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            m = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                m = fnp.maximum(m @ w, 0.0) * {scale}
                try:
                    k = {conversion}
                except (ValueError, OverflowError):
                    m = fnp.sqrt(m) * 1e-150
                    k = 1
                m = m / (k + 1.0)
                rows.append(m)
            return fnp.stack(rows)
    """
POINT = Point(16, 2, 2**41)

CASES = {
    "int_of_an_infinite_sum": ("1e300", "int(fnp.sum(m * m))"),
    "int_of_a_nan": ("1e300", "int(fnp.sum(m * m) - fnp.sum(m * m))"),
    "round_of_float_of_an_infinite_max": ("1e300", "round(float(fnp.max(m * m)))"),
    "int_of_float_of_an_infinite_sum": ("1e300", "int(float(fnp.sum(m * m)))"),
    "math_ceil_of_an_infinite_sum": ("1e300", "math.ceil(float(fnp.sum(m * m)))"),
    "math_floor_of_a_nan": ("1e300", "math.floor(float(fnp.sum(m * m) - fnp.sum(m * m)))"),
    "finite_values_do_not_raise": ("1.0", "int(fnp.sum(m * m))"),
}


@pytest.mark.parametrize("scale, conversion", CASES.values(), ids=CASES.keys())
def test_the_run_is_inside_the_prediction_when_a_conversion_may_raise(tmp_path, scale, conversion):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(scale=scale, conversion=conversion)))
    report = analyze(path, POINT)
    run = measure(path, POINT)
    assert report.total.lo <= run.total <= report.total.hi, (report.total, run.total)
    assert not report.unpriced
    assert not report.exact  # the handler may run: the cost depends on values
