"""numpy's linalg refuses a matrix that is not square (or not a matrix), whatever its values.

``fnp.linalg.cholesky(w[:, :3])``, ``inv``/``det``/``slogdet``/``eigh``/``eig`` of a tall
block, ``solve`` with a 1-d ``a`` or a right-hand side of the wrong length, ``matrix_power``
(any exponent, 0 and 1 too) and ``cond`` with an inverse-based ``p`` of a non-square matrix:
flopscope charges the call, then numpy raises (LinAlgError; ValueError for solve's
right-hand side, eigh's UPLO other than L/U and cond's unknown order ValueError, svd/pinv/
matrix_rank with hermitian=True of a non-square matrix LinAlgError, and multi_dot's ValueError for a chain whose neighbours do not fit or a single
array). flopcast priced these as if they returned: an "exact" total for a predict
that crashes, and inside a ``try`` the handler's work missed (det, slogdet, matrix_power,
cond: exact and wrong) or taken as a value-dependent maybe (cholesky, inv, eigh, solve: an
interval whose nominal path presumes the call returns). Each case is checked against the
real flopscope: the raise escapes predict as it does at runtime, and a handler's work is
counted exactly.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            m = mlp.weights[0]
            a = m[:, :3]
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + m[0]
    """
CAUGHT = "try:\n            r = {call}\n        except ({exc}):\n            m = m @ m"
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

LINALG_ERROR = {
    "cholesky_tall": "fnp.linalg.cholesky(a)",
    "cholesky_vector": "fnp.linalg.cholesky(m[0])",
    "inv_tall": "fnp.linalg.inv(a)",
    "inv_batched_tall": "fnp.linalg.inv(fnp.stack([a, a]))",
    "det_tall": "fnp.linalg.det(a)",
    "slogdet_tall": "fnp.linalg.slogdet(a)",
    "eigh_tall": "fnp.linalg.eigh(a)",
    "eigvalsh_tall": "fnp.linalg.eigvalsh(a)",
    "eig_tall": "fnp.linalg.eig(a)",
    "eigvals_tall": "fnp.linalg.eigvals(a)",
    "solve_tall": "fnp.linalg.solve(a, m[:, 0])",
    "solve_vector": "fnp.linalg.solve(m[0], m[0])",
    "matrix_power_2_tall": "fnp.linalg.matrix_power(a, 2)",
    "matrix_power_1_tall": "fnp.linalg.matrix_power(a, 1)",
    "matrix_power_0_tall": "fnp.linalg.matrix_power(a, 0)",
    "cond_1_tall": "fnp.linalg.cond(a, 1)",
    "cond_fro_tall": "fnp.linalg.cond(a, 'fro')",
    "lstsq_short_rhs": "fnp.linalg.lstsq(m, m[0, :3], rcond=None)",
    "svd_hermitian_tall": "fnp.linalg.svd(a, hermitian=True)",
    "svd_hermitian_values_tall": "fnp.linalg.svd(a, compute_uv=False, hermitian=True)",
    "pinv_hermitian_tall": "fnp.linalg.pinv(a, hermitian=True)",
    "matrix_rank_hermitian_tall": "fnp.linalg.matrix_rank(a, hermitian=True)",
}
VALUE_ERROR = {
    "solve_short_vector": "fnp.linalg.solve(m, m[0, :3])",
    "solve_short_columns": "fnp.linalg.solve(m, m[:3, :2])",
    "multi_dot_misfit": "fnp.linalg.multi_dot([m, a, m])",
    "multi_dot_two_misfit": "fnp.linalg.multi_dot([a, m])",
    "multi_dot_vectors_misfit": "fnp.linalg.multi_dot([m[0], a, m[0]])",
    "multi_dot_one_array": "fnp.linalg.multi_dot([m])",
    "eigh_uplo": 'fnp.linalg.eigh(m @ m.T, UPLO="X")',
    "eigvalsh_uplo": 'fnp.linalg.eigvalsh(m @ m.T, UPLO="x")',
    "cond_order": "fnp.linalg.cond(m, 3)",
    "cond_order_text": 'fnp.linalg.cond(m, "abc")',
}


def _write(tmp_path, body: str):
    return write_program(tmp_path, PROGRAM, body=body)


@pytest.mark.parametrize("call", [*LINALG_ERROR.values(), *VALUE_ERROR.values()],
                         ids=[*LINALG_ERROR, *VALUE_ERROR])
def test_the_refusal_escapes_predict_as_at_runtime(tmp_path, call):
    path = _write(tmp_path, f"r = {call}")
    for point in POINTS:
        report = analyze(path, point)
        assert [r.span.line for r in report.raises] == [10], (point, report.raises, report.total)
        with pytest.raises((ValueError,)):  # numpy's LinAlgError is a ValueError
            measure(path, point)


@pytest.mark.parametrize("call, exc", [(c, "np.linalg.LinAlgError") for c in LINALG_ERROR.values()]
                         + [(c, "ValueError") for c in VALUE_ERROR.values()],
                         ids=[*LINALG_ERROR, *VALUE_ERROR])
def test_a_handler_takes_over_after_the_charged_call(tmp_path, call, exc):
    path = _write(tmp_path, CAUGHT.format(call=call, exc=exc))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises and not report.uncertain, (report.raises, report.uncertain)
        assert_exact_match(report, measure(path, point), f" at {point}")


@pytest.mark.parametrize("call", ["fnp.linalg.cholesky(m @ m.T + 8 * fnp.eye(mlp.width))",
                                  "fnp.linalg.solve(m @ m.T + 8 * fnp.eye(mlp.width), m[:, :2])",
                                  "fnp.linalg.matrix_power(m, 3)", "fnp.linalg.cond(m, 1)",
                                  "fnp.linalg.cond(a)", "fnp.linalg.lstsq(a, m[:, 0], rcond=None)",
                                  "fnp.linalg.multi_dot([m, m, a, a.T])", "fnp.linalg.multi_dot([m[0], m, m[:, 0]])",
                                  "fnp.linalg.multi_dot([m[0], m[0]])", 'fnp.linalg.eigh(m @ m.T, UPLO="u")',
                                  "fnp.linalg.cond(m, fnp.inf)", "fnp.linalg.svd(m @ m.T, hermitian=True)"])
def test_square_and_fitting_operands_still_return(tmp_path, call):
    """The check is on shapes only: a square matrix (and cond's SVD form, lstsq of a tall
    matrix with a matching right-hand side) returns as before."""
    path = _write(tmp_path, f"r = {call}")
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises, report.raises
        assert_exact_match(report, measure(path, point), f" at {point}")


USED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            m = mlp.weights[0]
            s = m @ m.T + mlp.width * fnp.eye(mlp.width, dtype=m.dtype)
            r = {call}
            t = r * 2.0
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(t)
    """
BATCHED_SOLVES = {
    "batched_matrix_vector": "fnp.linalg.solve(fnp.stack([s, s]), m[0])",
    "batched_matrix_columns": "fnp.linalg.solve(fnp.stack([s, s]), m[:, :3])",
    "matrix_batched_columns": "fnp.linalg.solve(s, fnp.stack([m[:, :3]] * 3))",
    "both_batched": "fnp.linalg.solve(fnp.stack([s, s]), fnp.stack([m[:, :2], m[:, :2]]))",
}


@pytest.mark.parametrize("call", BATCHED_SOLVES.values(), ids=BATCHED_SOLVES.keys())
def test_a_batched_solve_broadcasts_its_loop_dimensions(tmp_path, call):
    """numpy's solve is a gufunc: the result is the broadcast loop dimensions of a and b, then
    (m,) for a 1-d b or b's (m, k); flopscope charges per broadcast loop. flopcast returned b's
    shape and charged a's batch only: the product after it (and the solve itself, when b held
    the batch) mispriced under an "exact" total."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(USED).format(call=call))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises and not report.unpriced, (report.raises, report.unpriced)
        assert_exact_match(report, measure(path, point), f" at {point}")


EMPTY = {
    "cholesky": "fnp.linalg.cholesky(m[:0, :0])",
    "inv": "fnp.linalg.inv(m[:0, :0])",
    "det": "fnp.linalg.det(m[:0, :0])",
    "slogdet": "fnp.linalg.slogdet(m[:0, :0])",
    "eigh": "fnp.linalg.eigh(m[:0, :0])",
    "eig": "fnp.linalg.eig(m[:0, :0])",
    "svd": "fnp.linalg.svd(m[:0, :])",
    "svdvals": "fnp.linalg.svdvals(m[:0, :])",
    "pinv": "fnp.linalg.pinv(m[:0, :])",
    "matrix_rank": "fnp.linalg.matrix_rank(m[:0, :])",
    "lstsq": "fnp.linalg.lstsq(m[:, :0], m[:, 0], rcond=None)",
    "solve": "fnp.linalg.solve(m[:0, :0], m[:0, 0])",
    "matrix_power": "fnp.linalg.matrix_power(m[:0, :0], 3)",
    "trace": "fnp.linalg.trace(m[:0, :])",
}


@pytest.mark.parametrize("call", EMPTY.values(), ids=EMPTY.keys())
def test_a_matrix_with_no_rows_or_columns_costs_nothing(tmp_path, call):
    """flopscope charges 0 for a zero-size matrix (its ``_has_zero_dim``) where the cost formulas
    floor at 1: an empty active set's Cholesky was one FLOP over the run under an "exact"."""
    path = _write(tmp_path, f"r = {call}")
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises, report.raises
        assert_exact_match(report, measure(path, point), f" at {point}")


def test_cond_of_an_empty_matrix_raises(tmp_path):
    path = _write(tmp_path, CAUGHT.format(call="fnp.linalg.cond(m[:0, :])", exc="np.linalg.LinAlgError"))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises, report.raises
        assert_exact_match(report, measure(path, point), f" at {point}")
