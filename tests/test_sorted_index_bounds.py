"""A sorted (or partitioned) index array keeps its bounds: a bincount of it has a known length.

``fnp.sort(fnp.argpartition(-score, k - 1)[:k])`` holds indices in [0, n); sorting or
partitioning reorders the same elements, so ``fnp.bincount(idx, weights=..., minlength=n)`` is
n long. flopcast dropped the bounds at sort/partition and left the bincount (and everything
computed from it) unpriced. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            score = fnp.sum(w * w, axis=0)
            k = mlp.width // 2
            idx = {index}
            placed = fnp.bincount(idx, weights=score[idx], minlength=mlp.width)
            return fnp.zeros((mlp.depth, mlp.width)) + placed * 2.0
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

INDEXES = {
    "sorted_argpartition": "fnp.sort(fnp.argpartition(-score, k - 1)[:k])",
    "partitioned_argsort": "fnp.partition(fnp.argsort(score)[:k], 1)",
    "sorted_arange_slice": "fnp.sort(fnp.arange(mlp.width)[::-2])",
}


@pytest.mark.parametrize("index", INDEXES.values(), ids=INDEXES.keys())
def test_bincount_of_a_sorted_index_array_is_priced(tmp_path, index):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(index=index))
    assert_exact_at(path, POINTS)
