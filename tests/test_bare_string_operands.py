"""A reduction of a bare string raises what flopscope raises first, not always UnsupportedDtypeError.

flopscope's operand scan lets a bare ``str`` through (it takes one for an option, like
``ord='fro'``) and refuses its dtype only at the charge, after the wrapper has read the other
arguments: an ``out=`` numpy cannot take (a number: TypeError), a float ``out=`` of argmax
(TypeError: not an index buffer), median's axis on the 0-d array (IndexError) refuse first.
``fnp.argmax("ji,j->i", w, mu)`` (an einsum spelling given to argmax: ``mu`` lands in out=) was
claimed as UnsupportedDtypeError; the run's TypeError skips an ``except UnsupportedDtypeError:``
and lands in the TypeError handler, whose work the exact claim missed. Each handler below does
different work, so the class claimed shows in the count; checked against the real flopscope.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from flopscope.errors import UnsupportedDtypeError
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            mu = fnp.ones(mlp.width)
            iv = fnp.zeros(mlp.width, dtype=fnp.int64)
            try:
                r = {expr}
                out = 1.0
            except UnsupportedDtypeError:
                out = fnp.sum(w)
            except TypeError:
                out = fnp.sum(w @ w)
            except IndexError:
                out = fnp.sum(w @ w @ w)
            except Exception:
                out = fnp.sum(w @ w @ w @ w)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    # TypeError: argmax's float out= is no index buffer (refused before the charge)
    "argmax_einsum_spelling": 'fnp.argmax("ji,j->i", w, mu)',
    "argmin_einsum_spelling": 'fnp.argmin("ji,j->i", w, mu)',
    "argmax_float_out_keyword": 'fnp.argmax("ji", out=mu)',
    # TypeError: out= must be an array
    "sum_number_out": 'fnp.sum("ab", out=5)',
    "mean_number_out": 'fnp.mean("ab", out=5)',
    "std_positional_number_out": 'fnp.std("ab", 0, None, 5)',
    # IndexError: median reads the 0-d array's shape at the axis
    "median_axis_of_a_string": 'fnp.median("ab", 0)',
    # UnsupportedDtypeError: nothing before the charge refuses
    "argmax_int_out": 'fnp.argmax("ji", None, iv)',
    "sum_einsum_spelling": 'fnp.sum("ji,j->i", w, mu)',
    "max_float_out": 'fnp.max("ab", None, mu)',
    "mean_einsum_spelling": 'fnp.mean("ji,j->i", w, mu)',
}


#: An argument the model leaves unpriced that flopscope refuses before charging: TypeError.
REFUSED_FORMS = {
    "argmax_float_out_by_position": "fnp.argmax(mu, None, mu)",
    "argmax_method_float_out": "mu.argmax(out=mu)",
    "sum_number_out": "fnp.sum(mu, out=5)",
    "sum_method_number_out_by_position": "mu.sum(None, None, 5)",
    "max_number_out_by_position": "fnp.max(mu, None, 5)",
    "mean_number_out": "fnp.mean(mu, out=5)",
    "sum_string_axis": 'fnp.sum(mu, "ji")',
    "argmax_method_string_axis": 'mu.argmax("ji")',
}


@pytest.mark.parametrize("expr", REFUSED_FORMS.values(), ids=REFUSED_FORMS.keys())
def test_a_reduction_form_flopscope_refuses_before_charging_raises_as_it_does(tmp_path, expr):
    """These were unpriced (a lower bound): flopscope refuses them before any charge, from the
    arguments' types and dtypes alone, so the raise and its handler are known."""
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_a_reduction_of_a_bare_string_raises_what_flopscope_raises_first(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)


def test_a_bare_bytes_operand_flopscope_cannot_be_asked_about_is_unpriced(tmp_path):
    """``b"ab"`` cannot be handed to the probe: which argument refuses first is not claimed."""
    path = write_program(tmp_path, PROGRAM, expr='fnp.argmax(b"ab", None, mu)')
    report = analyze(path, POINTS[0])
    assert report.unpriced, report.total


def test_a_raise_flopscope_makes_under_a_base_class_is_not_claimed_as_the_subclass(tmp_path):
    """``fnp.clip("ab", 0, 1, out=5)``: the model refuses the string (UnsupportedDtypeError),
    flopscope refuses the out= first (TypeError, the base). A base class was taken as the same
    raise, so the handler for UnsupportedDtypeError was claimed where the TypeError handler runs
    (a false exact); a different class from flopscope's probe now leaves the raise unclaimed."""
    path = write_program(tmp_path, PROGRAM, expr='fnp.clip("ab", 0, 1, out=5)')
    report = analyze(path, POINTS[0])
    assert report.unpriced, report.total
