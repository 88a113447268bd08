"""``except fnp.linalg.LinAlgError:`` — flopscope.numpy.linalg provides no LinAlgError.

A failing Cholesky raises numpy's ``numpy.linalg.LinAlgError``; when it reaches a clause that
names ``fnp.linalg.LinAlgError``, evaluating that name raises AttributeError (flopscope's
modules refuse names they do not provide), which replaces the exception and escapes predict.
flopcast reports that raise on the paths where the Cholesky fails; the real flopscope, on a
matrix that is not positive definite, raises it. numpy's own class catches as it should.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            c = w @ w.T - {shift} * fnp.eye(mlp.width, dtype=w.dtype)
            try:
                f = fnp.linalg.cholesky(c)
            except {clause}:
                f = fnp.eye(mlp.width, dtype=w.dtype)
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + f[0]
    """
POINT = Point(8, 2, 10**6)


def _write(tmp_path, clause: str, shift: float):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(clause=clause, shift=shift)))
    return path


@pytest.mark.parametrize("clause", ["fnp.linalg.LinAlgError", "(fnp.linalg.LinAlgError, ValueError)"])
def test_a_clause_naming_fnp_linalg_linalgerror_raises_attributeerror_when_reached(tmp_path, clause):
    path = _write(tmp_path, clause, shift=100.0)  # not positive definite: the Cholesky fails
    report = analyze(path, POINT)
    assert [r.span.line for r in report.raises if "AttributeError" in r.what] == [12], report.raises
    with pytest.raises(AttributeError, match="does not provide 'LinAlgError'"):
        measure(path, POINT)


def test_numpys_linalgerror_catches_a_failed_cholesky(tmp_path):
    path = _write(tmp_path, "np.linalg.LinAlgError", shift=100.0)
    report = analyze(path, POINT)
    assert not report.raises, report.raises
    assert report.total.contains(measure(path, POINT).total)


EXHAUSTED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            out = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
            try:
                try:
                    out = out + fnp.sum(w @ w)
                    out = out + fnp.sum(fnp.ones(budget + 1))  # costs more than the budget
                except {clause}:
                    out = out * 2.0
            except {outer}:
                out = out + fnp.sum(w)
            return out
    """


#: an except clause Python cannot evaluate, and what evaluating it raises
FAILING_CLAUSES = [("fnp.linalg.LinAlgError", AttributeError), ("LinAlgError", NameError)]  # never imported


@pytest.mark.parametrize("clause,raised", FAILING_CLAUSES)
def test_a_budget_run_out_into_a_clause_python_cannot_evaluate_raises_what_evaluating_it_raises(tmp_path, clause,
                                                                                                raised):
    # Python evaluates the clause as BudgetExhaustedError passes it: its AttributeError (or
    # NameError) replaces it there, and an outer handler catches that one. flopcast let the
    # exhaustion pass the clause and named an overrun at the sum (a count over the budget, the
    # handler's work missing)
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(EXHAUSTED.format(clause=clause, outer=raised.__name__)))
    _exact_as_run(path)


@pytest.mark.parametrize("point", [POINT, Point(12, 3, 10**6)])
@pytest.mark.parametrize("clause,raised", FAILING_CLAUSES)
def test_a_budget_run_out_into_a_clause_python_cannot_evaluate_leaves_predict_from_the_clause(tmp_path, point,
                                                                                              clause, raised):
    # with no handler of it around, the AttributeError (NameError) leaves predict from the
    # clause's line (13), not BudgetExhaustedError from the sum's (12)
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(EXHAUSTED.format(clause=clause, outer="ValueError")))
    report = analyze(path, point)
    assert [(r.span.line, r.what.split(":")[0]) for r in report.raises] == [(13, raised.__name__)], report.raises
    with pytest.raises(raised):
        measure(path, point)


CAUGHT = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            q = fnp.asarray(np.ones((mlp.width, mlp.width), dtype={dtype}))
            x = fnp.ones((mlp.width, mlp.width))
            for w in mlp.weights:
                x = x @ w
                try:
                    y = {line}
                except (TypeError, OverflowError):
                    x = x * 3.0
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x[0]
    """


def _exact_as_run(path) -> None:
    """Exact, and equal to flopscope's count per op and in total, at two sizes."""
    for point in (POINT, Point(12, 3, 10**6)):
        assert_exact_match(analyze(path, point), measure(path, point), f" at {point.width}x{point.depth}")


def _caught(tmp_path, dtype: str, line: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(CAUGHT.format(dtype=dtype, line=line)))
    return path


@pytest.mark.parametrize("dtype,line", [("np.int8", "q * 200"), ("np.uint8", "q - (-1)"),
                                        ("np.int8", "fnp.maximum(q, 300)")])
def test_a_python_int_out_of_an_integer_arrays_range_raises_overflowerror_after_the_charge(tmp_path, dtype, line):
    # NEP 50: the weak int is converted to the array's dtype; numpy raises OverflowError after
    # flopscope has charged the op (it was priced as a normal op: the except clause's cost
    # was missing from a count called exact)
    path = _caught(tmp_path, dtype, line)
    _exact_as_run(path)


def test_a_python_int_inside_an_integer_arrays_range_computes(tmp_path):
    path = _caught(tmp_path, "np.int8", "q * 100 - 127")
    _exact_as_run(path)


@pytest.mark.parametrize("conversion", ["float", "int"])
def test_float_or_int_of_a_complex_flopscope_array_raises_typeerror(tmp_path, conversion):
    # `float(fnp.sum(fnp.fft.rfft(x)))`: the 0-d array hands Python a complex
    path = _caught(tmp_path, "np.int8", f"{conversion}(fnp.sum(fnp.fft.rfft(x[0])))")
    _exact_as_run(path)


def test_an_out_buffer_numpy_cannot_cast_into_raises_a_typeerror_after_the_charge(tmp_path):
    # `fnp.add(float64s, 1.0, out=int64_buffer)`: flopscope charges the add, then numpy refuses the
    # same_kind cast (_UFuncOutputCastingError, a TypeError); it was unpriced
    path = _caught(tmp_path, "np.int64", "fnp.add(x, 1.0, out=q * 1)")
    _exact_as_run(path)


@pytest.mark.parametrize("line", ["fnp.asarray(300, dtype=fnp.int8)", "fnp.full((2, 2), 300, dtype=fnp.int8)",
                                  "fnp.array([1, 2, 300], dtype=fnp.int8)", "fnp.array(-1, dtype=fnp.uint8)",
                                  "fnp.full_like(q, -129)"])
def test_a_python_int_an_explicit_integer_dtype_cannot_hold_raises_overflowerror(tmp_path, line):
    # numpy refuses to make the array (asarray before flopscope's charge, the others after it);
    # flopcast made it: a caught OverflowError's handler was missing from a count called exact
    path = _caught(tmp_path, "np.int8", line)
    _exact_as_run(path)


@pytest.mark.parametrize("line", ["np.int8(3) * 300", "q[0, 0] * 300"])
def test_a_python_int_a_numpy_integer_scalar_cannot_hold_raises_overflowerror(tmp_path, line):
    # numpy's own scalar arithmetic (free) converts the weak int as an array op does
    path = _caught(tmp_path, "np.int8", line)
    _exact_as_run(path)


@pytest.mark.parametrize("line", ["fnp.power(q, np.int64(fnp.max(q)) - 9)", "q ** q[0, 0]"])
def test_an_integer_power_with_an_exponent_of_unknown_values_may_raise(tmp_path, line):
    # flopcast does not know the value of a numpy integer scalar read from an array of data:
    # whether numpy refuses the power depends on it, so both outcomes are analysed (it was called
    # exact at the price of the power that does not raise). (q of data: a known fill's elements
    # are known, and so is its power.)
    path = _caught(tmp_path, "np.int8", line)
    path.write_text(path.read_text().replace("except (TypeError, OverflowError):", "except ValueError:")
                    .replace("fnp.asarray(np.ones((mlp.width, mlp.width), dtype=np.int8))",
                             "fnp.asarray(mlp.weights[0] > 0, dtype=np.int8)"))
    report = analyze(path, POINT)
    runtime = measure(path, POINT).total
    assert not report.exact and report.total.lo <= runtime <= report.total.hi, (report.total, runtime)


@pytest.mark.parametrize("line", ["q ** -1", "fnp.power(q, -2)", "np.int8(2) ** -1", "fnp.power(q, np.int64(-1))",
                                  "q ** np.int8(-3)"])
def test_an_integer_power_with_a_negative_int_exponent_raises_valueerror(tmp_path, line):
    # numpy's integer power loop refuses it (after flopscope's charge for an array)
    path = _caught(tmp_path, "np.int8", line)
    path.write_text(path.read_text().replace("except (TypeError, OverflowError):", "except ValueError:"))
    _exact_as_run(path)
