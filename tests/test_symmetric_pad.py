"""``fnp.pad`` and ``fnp.roll`` of a symmetric tensor: flopscope charges them as the plain array.

A padded covariance (an odd-size Strassen/Winograd step pads ``cov`` to an even size; ``cov``
started as ``fnp.eye``, a SymmetricTensor) was unpriced ("pad of a symmetric tensor is not
modelled"), and everything computed from it after: a lower bound. flopscope warns
SymmetryLossWarning (pad and roll are not symmetry-aware), charges numel(output) as for a
plain array and returns it untagged, so a product of the result pays the full price. Checked
against the real flopscope: exact, op by op, at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            sym = {sym}
            r = {call}
            t = r @ r
            return fnp.zeros((mlp.depth, mlp.width)) + t[0, :mlp.width]
    """
SYMMETRIC = {
    "eye": "fnp.eye(mlp.width, dtype=w.dtype)",
    "as_symmetric": "flops.as_symmetric(w @ w.T, symmetry=(0, 1))",
}
CALLS = {
    "pad_constant": "fnp.pad(sym, ((0, 1), (0, 1)))",
    "pad_int": "fnp.pad(sym, 2)",
    "pad_edge": 'fnp.pad(sym, ((1, 0), (0, 1)), mode="edge")',
    "pad_wrap": 'fnp.pad(sym, 1, mode="wrap")',
    "roll_flat": "fnp.roll(sym, 3)",
    "roll_axis": "fnp.roll(sym, 1, axis=0)",
}


@pytest.mark.parametrize("sym", SYMMETRIC.values(), ids=SYMMETRIC.keys())
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_pad_and_roll_of_a_symmetric_tensor_are_priced_as_the_plain_array(tmp_path, sym, call):
    path = write_program(tmp_path, PROGRAM, sym=sym, call=call)
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        assert not report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert_exact_match(report, measure(path, point), f" at {point}")
