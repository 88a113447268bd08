"""Indices flopcast knows are checked against the axis as numpy checks them.

``w[[0, width]]``, ``w[:, [0, width]]``, ``fnp.take(w, [width * width + 1])``,
``fnp.take(w, [width], axis=0)``, ``fnp.repeat(w, -1)``, ``fnp.unravel_index(width ** 2,
(width, width))`` raise (IndexError; ValueError for repeat and unravel_index) before
flopscope charges anything; ``fnp.put(w, [width ** 2], 1.0)`` raises after its charge.
flopcast priced the first six as returning (a false exact for a predict that crashes, or
that runs its handler instead) and left put's charge out. Each is checked against the real
flopscope with the handler's work counted, at two sizes, and in-range indices still return.
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
            n = mlp.width
            w = mlp.weights[0]
            try:
                r = {expr}
                out = w[0] * 2.0
            except (IndexError, ValueError):
                out = (w @ w)[0]
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

OUT_OF_BOUNDS = {
    "list_index": "w[[0, n]]",
    "negative_list_index": "w[[0, -n - 1]]",
    "list_index_second_axis": "w[:, [0, n]]",
    "two_lists": "w[[0, 1], [2, n]]",
    "take_flat": "fnp.take(w, [n * n + 1])",
    "take_axis": "fnp.take(w, [n], axis=0)",
    "take_negative": "fnp.take(w, [-n * n - 1])",
    "put": "fnp.put(w, [n * n], 1.0)",
    "repeat_negative": "fnp.repeat(w, -1)",
    "unravel_index": "fnp.unravel_index(n * n, (n, n))",
    "unravel_negative": "fnp.unravel_index(-1, (n, n))",
}
IN_BOUNDS = {
    "list_index": "w[[0, n - 1]]",
    "negative_list_index": "w[[0, -n]]",
    "take_flat": "fnp.take(w, [n * n - 1])",
    "take_clip": 'fnp.take(w, [n * n + 5], mode="clip")',
    "put": "fnp.put(w, [n * n - 1], 1.0)",
    "repeat_zero": "fnp.repeat(w, 0)",
    "unravel_index": "fnp.unravel_index(n * n - 1, (n, n))",
}


def _write(tmp_path, expr):
    return write_program(tmp_path, PROGRAM, expr=expr)


@pytest.mark.parametrize("expr", OUT_OF_BOUNDS.values(), ids=OUT_OF_BOUNDS.keys())
def test_a_known_index_out_of_bounds_goes_to_the_handler(tmp_path, expr):
    path = _write(tmp_path, expr)
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("expr", IN_BOUNDS.values(), ids=IN_BOUNDS.keys())
def test_a_known_index_in_bounds_returns(tmp_path, expr):
    path = _write(tmp_path, expr)
    assert_exact_at(path, POINTS)
