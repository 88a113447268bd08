"""fnp.apply_along_axis and fnp.piecewise, which call the program back, against flopscope.

flopscope runs numpy's own function on the base ndarray: the callbacks get plain numpy
arrays (numpy's work on them is free, an fnp call inside is charged), and it bills
numel(output) for apply_along_axis and numel(x) per condition for piecewise at the heavier
of the input's and the result's dtype (FINDINGS #76).
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HEADER = """import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

ALPHA = 0.01


def score(row, scale):
    return float(fnp.sum(row * scale))


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        w = mlp.width
        x = fnp.ones((mlp.depth, w), dtype=fnp.float32) @ mlp.weights[0]
        s = fnp.linspace(-1.0, 1.0, w)
"""
TAIL = "        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(r)\n"

EXACT = {
    "apply_along_axis_with_an_fnp_call_and_an_extra_argument": "r = fnp.apply_along_axis(score, 1, x, 0.5)",
    "apply_along_axis_returning_rows": "r = fnp.apply_along_axis(lambda v: np.sort(v)[-2:] * 2.0, 0, x)",
    "apply_along_axis_returning_numpy_scalars_bools_and_ints": """
        a = fnp.apply_along_axis(lambda v: np.float32(v[0]), 1, x)
        b = fnp.apply_along_axis(lambda v: v.sum() > 1, 0, x)
        c = fnp.apply_along_axis(lambda v: int(v.shape[0]), 1, fnp.ones((2, w, 3)))
        r = fnp.sum(a) + fnp.sum(b) + fnp.sum(c)
        """,
    "apply_along_axis_refuses_a_callback_returning_a_flopscope_array": """
        try:
            r = fnp.apply_along_axis(lambda v: fnp.sum(v), 1, x)
        except RuntimeError:
            r = s * 2.0
        """,
    "piecewise_with_plain_numpy_functions_and_constants": """
        a = fnp.piecewise(s, [s < 0, s >= 0], [lambda v: ALPHA * v, lambda v: np.minimum(v, 0.5)])
        b = fnp.piecewise(s, [s < -0.5], [0.0, lambda v: v * 2])
        c = fnp.piecewise(s.astype(fnp.float32), s > 0, [1.0, -1.0])
        d = fnp.piecewise(s, fnp.stack([s < 0, s > 0.5]), [0.0, 1.0, abs])
        r = a + b + c + d
        """,
}


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + textwrap.indent(textwrap.dedent(body).strip() + "\n", " " * 8) + TAIL)
    return path


@pytest.mark.parametrize("width,depth", [(8, 1), (16, 2)])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_callback_ops_are_priced_as_flopscope_charges_them(name, width, depth, tmp_path):
    path = _write(tmp_path, EXACT[name])
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    runtime = measure(path, point)
    assert not report.unpriced, report.unpriced
    static: dict = {}
    for c in report.charges:
        static[c.op] = static.get(c.op, 0) + c.flops
    assert report.total.exact and report.total.lo == runtime.total, (report.total, runtime.total, static,
                                                                       runtime.per_op)


def test_a_piecewise_function_that_charges_by_its_selection_is_unpriced(tmp_path):
    # fnp.exp(v) costs by how many elements `s < 0` selects: a lower bound, never a guess
    path = _write(tmp_path, "r = fnp.piecewise(s, [s < 0, s >= 0], [lambda v: fnp.exp(v), lambda v: v])")
    point = Point(8, 1, 2**41)
    report = analyze(path, point)
    assert any(u.what == "fnp.piecewise" for u in report.unpriced), report.unpriced
    assert report.total.lo <= measure(path, point).total
