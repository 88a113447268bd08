"""A mask made from shapes and known numbers selects a count known without running anything.

Participant code selects the diagonal (``w[fnp.eye(n, dtype=bool)]``), the first rows
(``fnp.arange(n) < 3``), a triangle (``fnp.triu(fnp.ones((n, n), dtype=bool), 1)``) or writes
through one (``fnp.copyto(g, 2.0, where=...)``). numpy computes those elements from the shapes
and numbers alone, and flopcast computes them the same way (analyzer/const_masks.py): each such
selection was a value-dependent size in [0, size] and the total an interval. Checked against
the real flopscope at two sizes. A mask written in place by data forgets its elements, and the
selection by it is a value-dependent size again.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = mlp.width
            w = mlp.weights[0]
            picked = w[{mask}]
            g = fnp.ones((n, n), dtype=fnp.float32)
            fnp.copyto(g, 2.0, where={mask})
            return fnp.zeros((mlp.depth, n)) + fnp.sum(picked * 2.0) + fnp.sum(g)
    """
POINTS = (Point(8, 1, 2**41), Point(24, 2, 2**41))

MASKS = {
    "eye": "fnp.eye(n, dtype=bool)",
    "eye_above_the_diagonal": "fnp.eye(n, k=1, dtype=bool)",
    "identity_inverted": "~fnp.identity(n, dtype=bool)",
    "tri": "fnp.tri(n, k=-1, dtype=bool)",
    "triu_of_ones": "fnp.triu(fnp.ones((n, n), dtype=bool), 1)",
    "tril_of_ones_like": "fnp.tril(fnp.ones_like(w, dtype=bool), -2)",
    "arange_below_a_number": "fnp.arange(n) < 3",
    "number_above_arange": "n // 2 > fnp.arange(n)",
    "arange_and": "(fnp.arange(n) >= 2) & (fnp.arange(n) < 5)",
    "odd_units": "fnp.logical_not(fnp.arange(n) % 2 == 0)",
    "or_of_triangles": "fnp.tri(n, k=-1, dtype=bool) | fnp.eye(n, dtype=bool)",
    "list_of_bools": "[True] + [False] * (n - 1)",
    "array_of_bools": "fnp.array([i % 3 == 0 for i in range(n)])",
    "numpy_eye": "np.eye(n, dtype=bool)",
    "numpy_arange_below_a_number": "np.arange(n) < 3",
}


@pytest.mark.parametrize("mask", MASKS.values(), ids=MASKS.keys())
def test_a_selection_by_a_constant_mask_has_its_count(tmp_path, mask):
    assert_exact_at(write_program(tmp_path, PROGRAM, mask=mask), POINTS)


def test_a_numpy_mask_past_the_elements_plain_arrays_keep_has_its_count(tmp_path):
    # np.eye(72) has 5,184 elements: more than plain_numpy keeps the values of (4,096)
    mask = "np.eye(n, dtype=bool) | (np.arange(n) < 3)"
    assert_exact_at(write_program(tmp_path, PROGRAM, mask=mask), (Point(72, 1, 2**41),))


WRITTEN = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = mlp.width
            w = mlp.weights[0]
            m = fnp.eye(n, dtype=bool)
            fnp.copyto(m, True, where=w > 0)
            return fnp.zeros((mlp.depth, n)) + fnp.sum(w[~m] * 2.0)
    """


def test_a_constant_mask_written_by_data_selects_a_value_dependent_count(tmp_path):
    from flopcast.analyzer import analyze

    path = write_program(tmp_path, WRITTEN)
    point = POINTS[1]
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.total.exact and report.total.lo <= runtime <= report.total.hi, (report.total, runtime)
