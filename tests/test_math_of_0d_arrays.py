"""``math.<f>`` of a 0-d flopscope array takes its Python float, unbilled.

``math.sqrt(fnp.sum(w * w))`` calls the array's ``__float__`` (free) and returns a Python float,
which meets arrays as a weak scalar after it; an array with axes is numpy's TypeError.
``math.floor``/``ceil``/``trunc`` of such a number are Python ints (a size read from data).
flopcast refused math functions of any array (a lower bound) and kept floor() a float (an
index it could not use). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))
#: The harness with no clause that catches a math function's ValueError: under `except ValueError:`
#: whether `math.sqrt(fnp.sum(w * w))` raises is a site of two paths (flopcast knows no sign of a
#: sum; tests/test_presumed_no_raise.py), outside one the count presumes it does not.
UNCAUGHT = PROGRAM.replace("except ValueError:", "except KeyError:")

CALLS = {
    "sqrt_of_a_sum": "math.sqrt(fnp.sum(w * w)) * w[0]",
    "exp_of_a_mean": "math.exp(fnp.mean(w)) + w[0]",
    "log_of_an_expression": "math.log(fnp.abs(fnp.sum(w)) + 1.0) * w[0]",
    "pow_of_a_max": "math.pow(fnp.max(w), 2) * w[0]",
    "sqrt_of_an_int_sum": "math.sqrt(fnp.sum(fnp.arange(5))) * w[0]",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_math_of_0d_array_is_a_python_float(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, "    import math\n" + UNCAUGHT, expr=expr), POINTS)


def test_floor_of_a_count_is_a_size_interval(tmp_path):
    """``w[:math.floor(count / 3)]``: an int read from data, so a size interval holding the run."""
    path = write_program(tmp_path, "    import math\n" + PROGRAM, expr="w[: math.floor(fnp.sum(w > 0) / 3)]")
    for point in POINTS:
        report = analyze(path, point)
        assert not report.unpriced
        assert report.total.lo <= measure(path, point).total <= report.total.hi


def test_a_row_is_numpys_type_error(tmp_path):
    """``math.sqrt(w[0])``: numpy refuses the float() of an array with axes, on every path."""
    path = write_program(tmp_path, "    import math\n" + PROGRAM, expr="math.sqrt(w[0]) * w[0]")
    report = analyze(path, POINTS[0])
    assert [r.what for r in report.raises] == ["TypeError: only 0-dimensional arrays can be converted to Python scalars"]
    with pytest.raises(TypeError, match="only 0-dimensional arrays"):
        measure(path, POINTS[0])
