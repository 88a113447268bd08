"""``fnp.outer(a, b, out=buf)`` is priced as flopscope prices it: the contraction billed at
``result_type(a, b, buf)`` (a float32 buffer under float64 operands bills float64, float32
operands into a float64 buffer bill float64), ``outer(g, g)``'s identity discount kept, and
``buf`` itself handed back untagged (flopscope checks the symmetric result on its values but
stamps no tag on a plain buffer, so ``r @ r`` after it is a full product; a constant fill's
inferred tag is dropped by an unsymmetric result and stamped back by a symmetric one). flopcast left every
``outer`` with an ``out=`` unpriced (a lower bound). Checked against the real flopscope at two
sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            g = fnp.sum(w, axis=0)
            h = w[0] * 1.0
            buf = {buf}
            r = {call}
            same = 2.0 if r is buf else 1.0
            out = fnp.sum(r @ r) * same + fnp.sum(buf * 3.0)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "same_vector_twice": ("fnp.empty((mlp.width, mlp.width))", "fnp.outer(g, g, out=buf)"),
    "two_vectors": ("fnp.empty((mlp.width, mlp.width))", "fnp.outer(g, h, out=buf)"),
    "by_position": ("fnp.empty((mlp.width, mlp.width))", "fnp.outer(g, g, buf)"),
    "float32_buffer": ("fnp.empty((mlp.width, mlp.width), dtype=fnp.float32)", "fnp.outer(g, h, out=buf)"),
    "float32_operands": ("fnp.empty((mlp.width, mlp.width))",
                         "fnp.outer(g.astype(fnp.float32), g.astype(fnp.float32), out=buf)"),
    "numpy_buffer": ("np.empty((mlp.width, mlp.width))", "fnp.outer(g, g, out=buf)"),
    "constant_fill_buffer": ("fnp.zeros((mlp.width, mlp.width))", "fnp.outer(g, h, out=buf)"),
    "constant_fill_buffer_symmetric_result": ("fnp.zeros((mlp.width, mlp.width))", "fnp.outer(g, g, out=buf)"),
    "tagged_buffer_symmetric_result": ("fnp.outer(h, h)", "fnp.outer(g, g, out=buf)"),
    "row_raveled": ("fnp.empty((mlp.width, mlp.width))", "fnp.outer(w[:1], g, out=buf)"),
}


@pytest.mark.parametrize("buf,call", CASES.values(), ids=CASES.keys())
def test_outer_into_a_buffer_is_priced_and_hands_the_buffer_back(tmp_path, buf, call):
    assert_exact_at(write_program(tmp_path, PROGRAM, buf=buf, call=call), POINTS)
