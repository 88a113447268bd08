"""An out= buffer whose own symmetric tag (``flops.as_symmetric``'s) a write voided is still a
SymmetricTensor to flopscope, and not a constant fill's: ``_prepare_symmetric_out`` refuses an
unsymmetric result written into it with ValueError before any charge, in outer, matmul, einsum,
the ufuncs and clip; flopcast took it for a plain buffer and claimed the write's count exact.
A symmetric result is checked against the buffer's values (and outer stamps the tag back when
they hold it), which flopcast does not know: left unpriced, as a reduction into such a buffer.
Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, write_program

from flopcast.model import Point

PROGRAM = """\
    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            g = fnp.sum(w, axis=0)
            h = w[0] * 1.0
            buf = {buf}
            fnp.fill_diagonal(buf, 2.0)
            try:
                r = {call}
                out = fnp.sum(r @ r)
            except ValueError:
                out = fnp.max(w @ w.T)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))
CALLERS = "flops.as_symmetric(fnp.eye(mlp.width), symmetry=(0, 1))"
FILL = "fnp.zeros((mlp.width, mlp.width))"

REFUSED = {
    "outer": "fnp.outer(g, h, out=buf)",
    "matmul": "fnp.matmul(w, w, out=buf)",
    "einsum": 'fnp.einsum("i,j->ij", g, h, out=buf)',
    "ufunc": "fnp.add(w, 1.0, out=buf)",
    "clip": "fnp.clip(w, 0.0, 1.0, out=buf)",
}


@pytest.mark.parametrize("call", REFUSED.values(), ids=REFUSED.keys())
def test_an_unsymmetric_result_into_a_callers_voided_tag_raises_value_error(tmp_path, call):
    assert_exact_at(write_program(tmp_path, PROGRAM, buf=CALLERS, call=call), POINTS)


VALUE_DEPENDENT = {
    "reduction_into_callers_tag": (CALLERS, "fnp.sum(fnp.stack([w, w]), axis=0, out=buf)"),
    "symmetric_outer_into_callers_tag": (CALLERS, "fnp.outer(g, g, out=buf)"),
    "symmetric_outer_into_a_voided_fill": (FILL, "fnp.outer(g, g, out=buf)"),
}


@pytest.mark.parametrize("buf,call", VALUE_DEPENDENT.values(), ids=VALUE_DEPENDENT.keys())
def test_a_write_flopscope_checks_on_the_buffers_values_is_left_unpriced(tmp_path, buf, call):
    path = write_program(tmp_path, PROGRAM, buf=buf, call=call)
    for point in POINTS:
        assert_first_call_below_run(path, point)
