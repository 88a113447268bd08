"""Questions about library objects that the installed numpy and flopscope answer statically.

``np.issubdtype(x.dtype, np.floating)`` (numpy's own call against numpy's abstract class) and
``==`` of two library functions or classes (``g == np.sum`` with ``g = fnp.sum``: flopscope's
function is not numpy's) were value-dependent sites, or unpriced, although the dtype and the
objects are known: each answer decides here whether dear work runs, so a wrong one shows in the
count. Checked against the real flopscope, exact at two points.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at

from flopcast.model import Point

PROGRAM = """\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        x = fnp.ones((mlp.width,))
        g = fnp.sum
        out = fnp.zeros((mlp.depth, mlp.width))
        if {test}:
            out = out + fnp.sum(w @ w)
        return out
"""

TESTS = {
    "numpy_issubdtype_floating": "np.issubdtype(x.dtype, np.floating)",
    "numpy_issubdtype_integer": "np.issubdtype(x.dtype, np.integer)",
    "flopscope_function_is_not_numpys": "g == np.sum",
    "flopscope_function_equals_itself": "g == fnp.sum",
    "ufunc_differs_from_flopscope_function": "np.exp != fnp.exp",
    "numpy_class_equals_itself": "np.linalg.LinAlgError == np.linalg.LinAlgError",
}


@pytest.mark.parametrize("test", TESTS.values(), ids=TESTS.keys())
def test_the_answer_is_known_and_exact(tmp_path, test):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(test=test))
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])
