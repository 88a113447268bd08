"""A standard library module flopcast models by name (math, itertools, operator, ...) and a list have the
attributes of the module the run imports: ``math.step(4)`` raises AttributeError there. flopcast
took any name for a function of unknown result, so a loop bounded by it was unbounded (a
mutant of lhs_coroutine analysed past 30 CPU s) and a handler for the AttributeError never ran.
Checked against the real flopscope."""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import contextlib
    import itertools
    import math as m

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            try:
                k = {call}
            except AttributeError:
                k = 2
            x = w
            n = 0
            while n < k:
                x = x @ w
                n += 1
            return fnp.zeros((mlp.depth, mlp.width)) + x[0]
    """
POINTS = (Point(8, 1, 2**41), Point(16, 2, 2**41))

CALLS = {
    "a_math_function_that_does_not_exist": "m.step(4)",
    "an_itertools_name_that_does_not_exist": "len(list(itertools.sliding(range(3), 2)))",
    "a_math_function_that_exists": "m.isqrt(10)",
    # session 51's hunt: a Jackson kernel's cot(pi / (N + 1)) = 1 / tan(...) ended the path, a lower bound
    "math_tan": "m.floor(4 * m.tan(m.pi / 5))",
    "math_inverse_hyperbolics_cbrt_and_exp2": "m.floor(m.asinh(1.0) + m.acosh(2.0) + m.atanh(0.5) + m.cbrt(8.0) / m.exp2(1))",
    # the mutation hunt's `with contextlib.sample_check(ZeroDivisionError):` (seed 414, 'suppress')
    "a_contextlib_name_that_does_not_exist": "3 if contextlib.sample_check(ZeroDivisionError) else 1",
}


def _assert_exact_both_ways(tmp_path, call: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(call=call)))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises and not report.unpriced, (report.total, report.raises)
        assert_exact_match(report, measure(path, point))


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_a_stdlib_modules_attributes_are_the_real_modules(tmp_path, call):
    _assert_exact_both_ways(tmp_path, call)


LISTS = {
    "a_name_no_list_has": "[1, 2].average()",
    "a_name_no_list_of_a_comprehension_has": "[x for x in range(3)].mean()",
    "a_list_method": "[3, 2].index(2) + 1",
}


@pytest.mark.parametrize("call", LISTS.values(), ids=LISTS.keys())
def test_a_name_no_list_or_iterator_has_raises_attribute_error(tmp_path, call):
    """``pending.average()`` on a list (a mutant of lhs_coroutine) is Python's AttributeError;
    flopcast left it an unknown result, and a loop that took its length from it never ended
    in the analysis. A name some iterable a list value stands for has (``index``) is not raised."""
    _assert_exact_both_ways(tmp_path, call)
