"""Python's ``max()`` / ``min()`` over the elements of a flopscope array: iterating or indexing one
gives numpy scalars (``numpy.float32`` for float32 weights), which numpy compares free, and the
winner is one of them, its dtype kept. hunt54a: flopcast made the winner a Python float, so what
used it was billed at float64: ``fnp.exp(max(x))`` a false "exact" 76 at 4x2 where the run counts
60. Where the items differ in type (a float32 scalar and a Python float) which one wins, and so
the dtype billed after it, depends on values: an interval. ``abs(v)`` and ``round(v, 2)`` of such
an element are numpy scalars of its dtype too (were Python floats: 76 vs 60)."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_interval_holds_run, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(4, 2, 10**5)

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.sum(mlp.weights[0], axis=0)
            y = {expr}
            fnp.exp(y)
            return fnp.ones((mlp.depth, mlp.width))
    """


@pytest.mark.parametrize("expr", ["max(x)", "min(x[0], x[1])"])
def test_the_winner_among_a_float32_arrays_elements_stays_float32(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), [POINT])


@pytest.mark.parametrize("expr", ["abs(x[0])", "round(x[0], 2)"])
def test_abs_and_round_to_digits_of_a_float32_element_stay_float32(tmp_path, expr):
    # (numpy's scalar __abs__ / __round__(ndigits); round(v) alone is a Python int)
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), [POINT])


def test_a_float32_element_against_a_python_float_is_a_value_dependent_pick(tmp_path):
    # (the run takes the float32 element: the interval's low end)
    assert_interval_holds_run(write_program(tmp_path, PROGRAM, expr="max(x[0], -1e30)"), POINT)


def test_max_of_values_flopcast_does_not_follow_is_no_python_float(tmp_path):
    # `c.real` of a numpy complex scalar is not followed; max() of such values was taken for a
    # Python float (exp billed at float64: exact 96 where the run counts 80): now unpriced
    source = PROGRAM.replace("x = fnp.sum(mlp.weights[0], axis=0)", "x = fnp.fft.rfft(fnp.sum(mlp.weights[0], axis=0))")
    path = write_program(tmp_path, source, expr="max(c.real for c in x)")
    report = analyze(path, POINT)
    assert report.unpriced and report.total.lo <= measure(path, POINT).total
