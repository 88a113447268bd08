"""A list a known value's method made (``"a,b,a".split(",")``) answers ``count``, ``index``
and ``copy`` as Python does.

Such a list is a plain known value inside flopcast, and only str, bytes, tuple, range, dict and
set methods were answered on known values: ``parts.count("a")`` was left unpriced, and every
shape it fed became a lower bound, as did ``["x"] + parts``. A list times a list is
Python's TypeError (it was an unknown length). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            parts = "mean,var,mean,skew".split(",")
            try:
                k = {expr}
            except (ValueError, TypeError):
                k = 7
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.ones(k + mlp.width).sum()
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

EXPRS = {
    "count": 'parts.count("mean")',
    "index": 'parts.index("skew")',
    "index_missing_raises": 'parts.index("kurt")',
    "copy_is_a_list": 'len(parts.copy() + ["x"])',
    "added_to_a_list": 'len(["x"] + parts + ["y", "z"])',
    "a_list_times_a_list_raises": 'len([1] * parts)',
}


@pytest.mark.parametrize("expr", EXPRS.values(), ids=EXPRS.keys())
def test_known_list_methods_answer_as_python_does(tmp_path, expr):
    path = write_program(tmp_path, PROGRAM, expr=expr)
    assert_exact_at(path, POINTS)
