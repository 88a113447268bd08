"""``arange`` reads its bounds as numpy does: keywords too, a zero step raising.

flopcast read only ``args[:3]``: ``fnp.arange(0, 2 * w, step=2)`` was priced as
``arange(0, 2 * w)`` (twice the elements, every op on it after mispriced: a false exact),
``fnp.arange(w, step=0)`` as ``arange(w)``. A zero step (``fnp.arange(0, w, 0)``,
``np.arange(0.0, w, 0.0)``) raises ZeroDivisionError in numpy's length arithmetic before
anything is charged: flopcast left the fnp call unpriced and took the plain numpy one
(whose unmodelled result is free) as returning, a false exact. And ``start=`` was refused
as an unexpected keyword (numpy's text signature hides it; its C parser takes it): a false
"always raises TypeError". Checked against the real flopscope at two sizes.
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
            w = mlp.width
            m = mlp.weights[0]
            try:
                r = {expr}
                out = r[:2] * 2.0
            except (ZeroDivisionError, TypeError):
                out = (m @ m)[0]
            return fnp.zeros((mlp.depth, mlp.width)) + out[0]
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

RETURNS = {
    "step_by_keyword": "fnp.arange(0, 2 * w, step=2)",
    "stop_by_keyword": "fnp.arange(1, stop=w)",
    "all_by_keyword": "fnp.arange(start=1, stop=3 * w, step=3)",
    "stop_alone_by_keyword": "fnp.arange(stop=w)",
    "stop_none_by_keyword": "fnp.arange(w, stop=None)",
    "step_none_by_keyword": "fnp.arange(2, w, step=None)",
    "float_step_by_keyword": "fnp.arange(0.0, w, step=0.5)",
    "plain_numpy_step_by_keyword": "fnp.asarray(np.arange(0, 2 * w, step=2))",
}
RAISES = {
    "zero_step": "fnp.arange(0, w, 0)",
    "zero_float_step": "fnp.arange(0, w, 0.0)",
    "zero_step_by_keyword": "fnp.arange(w, step=0)",
    "plain_numpy_zero_step": "np.arange(0, w, 0)",
    "plain_numpy_zero_float_step": "np.arange(0.0, w, 0.0)",
    "start_alone_by_keyword": "fnp.arange(start=w)",
    "start_by_name_and_position": "fnp.arange(2, start=1)",
}


def _write(tmp_path, expr):
    return write_program(tmp_path, PROGRAM, expr=expr)


@pytest.mark.parametrize("expr", RETURNS.values(), ids=RETURNS.keys())
def test_keyword_bounds_are_priced_as_numpy_reads_them(tmp_path, expr):
    path = _write(tmp_path, expr)
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("expr", RAISES.values(), ids=RAISES.keys())
def test_a_refused_arange_goes_to_the_handler(tmp_path, expr):
    path = _write(tmp_path, expr)
    assert_exact_at(path, POINTS)
