"""The real and imaginary parts of a symmetric tensor (``outer(s, s)`` of an rfft spectrum).

flopscope's ``fnp.real`` and ``fnp.imag`` keep the tag, whatever the dtype; numpy's ``.real`` and
``.imag`` attributes hand back a SymmetricTensor whose tag is None, priced dense (``.real`` of a
real array is the array itself). ``fnp.real`` of a complex array is a view of its buffer: a write
through it voids the tag of the array it was taken from. Each case is exact against the real
flopscope at two points."""

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
            v = fnp.sum(mlp.weights[0], axis=0)
            s = fnp.fft.rfft(v)
            g = fnp.outer(s, s)
            h = fnp.outer(v, v)
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(r)
    """

CASES = {
    "fnp_real_and_imag_keep_the_tag": "r = fnp.exp(fnp.real(g)) + fnp.exp(fnp.imag(g)) + fnp.sum(fnp.exp(fnp.imag(h)))",
    "the_attributes_drop_it": "r = fnp.exp(g.real) + fnp.exp(g.imag) + fnp.sum(fnp.exp(h.imag) + fnp.exp(h.real))",
    "a_write_through_fnp_real_voids_it": "fnp.fill_diagonal(fnp.real(g), 0.0); r = fnp.abs(g * 2.0)",
}


@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("point", [Point(8, 1, 10**7), Point(16, 2, 10**7)], ids=["8x1", "16x2"])
def test_real_and_imaginary_parts_of_a_symmetric_tensor(tmp_path, point, body):
    path = write_program(tmp_path, PROGRAM, body=body)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point))
