"""numpy refuses to make an integer scalar of a Python int it cannot hold: ``np.int32(budget //
1000)`` at the round's budget raises OverflowError (numpy 2 no longer wraps it), and so do
``np.uint8(-1)`` and ``np.int16(40000)``; whestbench records the error and zeroes the
prediction. flopcast took such a scalar as a number it does not know and went on to an
interval. Checked against the real run; numpy's own arithmetic of scalars it did make still
wraps as numpy's does (an exact count that depends on it)."""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(16, 2, 2**41)

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = {make}
            x = fnp.ones(mlp.width)
            for _ in range(int(n) % 3 + 1):
                x = x @ mlp.weights[0]
            return fnp.stack([x] * mlp.depth)
    """


def _write(tmp_path, make: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(make=make)))
    return path


@pytest.mark.parametrize("make", ["np.int32(budget // 1000)", "np.uint8(mlp.width - 20)", "np.int16(mlp.width * 4000)",
                                  "fnp.int32(budget)"])
def test_a_scalar_numpy_cannot_hold_raises_overflowerror(tmp_path, make):
    path = _write(tmp_path, make)
    report = analyze(path, POINT)
    assert [(r.span.line, r.every_path) for r in report.raises] == [(8, True)], report.raises
    assert report.raises[0].what.startswith("OverflowError: Python integer")
    with pytest.raises(OverflowError, match="out of bounds"):
        measure(path, POINT)


@pytest.mark.parametrize("make", ["np.int16(mlp.width) * np.int16(4000)", "np.uint8(mlp.width) - np.uint8(20)",
                                  "np.int64(2) ** 62 * 2"])
def test_numpys_wrapping_arithmetic_of_scalars_it_made_is_followed(tmp_path, make):
    path = _write(tmp_path, make)
    assert_exact_at(path, (POINT, Point(32, 3, 2**41)))
