"""numpy's LAPACK routines compute in float32 and float64 (and their complex forms) only: a
float16 (or longdouble) matrix reaching one is refused with TypeError ("array type float16 is
unsupported in linalg"), after numpy's shape checks and after flopscope's charge. flopcast
priced these calls as if they returned: `fnp.linalg.inv` of a float16 Gram matrix inside a try
was an interval of its success and its LinAlgError, while the run went to the TypeError
handler (17,298 to 25,233 predicted, 33,169 counted at 16x2). Checked against the real
flopscope at two sizes: the raise escapes predict as it does at run time, and a handler's work
is counted exactly.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            m = mlp.weights[0]
            h = (m @ m.T + mlp.width * fnp.eye(mlp.width, dtype=m.dtype)).astype(fnp.float16)
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + m[0]
    """
CAUGHT = "try:\n            r = {call}\n        except TypeError:\n            m = m @ m"
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

REFUSED = {
    "inv": "fnp.linalg.inv(h)",
    "det": "fnp.linalg.det(h)",
    "slogdet": "fnp.linalg.slogdet(h)",
    "cholesky": "fnp.linalg.cholesky(h)",
    "eigh": "fnp.linalg.eigh(h)",
    "eigvalsh": "fnp.linalg.eigvalsh(h)",
    "eig": "fnp.linalg.eig(h)",
    "eigvals": "fnp.linalg.eigvals(h)",
    "solve_half_matrix": "fnp.linalg.solve(h, m[0])",
    "solve_half_right_hand_side": "fnp.linalg.solve(m @ m.T, h[0])",
    "qr": "fnp.linalg.qr(h)",
    "svd": "fnp.linalg.svd(h)",
    "svd_values": "fnp.linalg.svd(h, compute_uv=False)",
    "svdvals": "fnp.linalg.svdvals(h)",
    "pinv": "fnp.linalg.pinv(h)",
    "matrix_rank": "fnp.linalg.matrix_rank(h)",
    "cond": "fnp.linalg.cond(h)",
    "cond_inverse_based": "fnp.linalg.cond(h, 1)",
    "lstsq": "fnp.linalg.lstsq(h, m[0], rcond=None)",
    "norm_2": "fnp.linalg.norm(h, 2)",
    "norm_nuclear": "fnp.linalg.norm(h, 'nuc')",
    "matrix_norm_2": "fnp.linalg.matrix_norm(h, ord=-2)",
    "matrix_power_negative": "fnp.linalg.matrix_power(h, -2)",
}


@pytest.mark.parametrize("call", REFUSED.values(), ids=REFUSED.keys())
def test_the_refusal_escapes_predict_as_at_runtime(tmp_path, call):
    path = write_program(tmp_path, PROGRAM, body=f"r = {call}")
    for point in POINTS:
        report = analyze(path, point)
        assert [(r.span.line, r.what.split(":")[0]) for r in report.raises] == [(9, "TypeError")], \
            (point, report.raises, report.total)
        with pytest.raises(TypeError, match="unsupported in linalg"):
            measure(path, point)


@pytest.mark.parametrize("call", REFUSED.values(), ids=REFUSED.keys())
def test_a_handler_takes_over_after_the_charged_call(tmp_path, call):
    path = write_program(tmp_path, PROGRAM, body=CAUGHT.format(call=call))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises and not report.uncertain, (report.raises, report.uncertain)
        assert_exact_match(report, measure(path, point), f" at {point}")


RETURNED = {
    "norm_frobenius": "fnp.linalg.norm(h)",
    "norm_1": "fnp.linalg.norm(h, 1)",
    "matrix_power_positive": "fnp.linalg.matrix_power(h, 3)",
    "multi_dot": "fnp.linalg.multi_dot([h, h, h])",
    "pinv_of_an_empty_matrix": "fnp.linalg.pinv(h[:0])",
    "int_matrix_runs_in_float64": "fnp.linalg.inv(h.astype(fnp.int32) + 1)",
}


@pytest.mark.parametrize("call", RETURNED.values(), ids=RETURNED.keys())
def test_half_precision_where_numpy_needs_no_lapack_still_returns(tmp_path, call):
    path = write_program(tmp_path, PROGRAM, body=f"r = {call}")
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises, report.raises
        assert_exact_match(report, measure(path, point), f" at {point}")
