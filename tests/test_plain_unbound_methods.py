"""numpy's unbound ndarray methods on numpy's own arrays are the methods.

`np.ndarray.sort(a)` sorts a plain ndarray in place, free, as `a.sort()` does; flopcast used
to price it as flopscope's refusal of an in-place sort and claimed, exactly, a ValueError
that never happens (0 FLOPs predicted, the run counts 64).
"""

from __future__ import annotations

from oracle import assert_exact_at, write_program

from flopcast.model import Point

SORTED = """
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            a = np.array([3.0, 1.0, 2.0])
            np.ndarray.sort(a)
            x = fnp.ones(mlp.width) * float(a[0])
            return fnp.zeros((mlp.depth, mlp.width)) + x
    """


def test_an_unbound_sort_of_a_plain_array_sorts_it_and_raises_nothing(tmp_path):
    assert_exact_at(write_program(tmp_path, SORTED), (Point(8, 1, 10**6), Point(16, 2, 10**6)))
