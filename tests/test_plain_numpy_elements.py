"""Plain numpy index bookkeeping of known numbers steers the analysis as it steers the run.

A participant splits the units into blocks with plain numpy (`np.linspace(...).astype(int)`
bounds, an interleaving `np.argsort`, `np.bincount` of pairs, a mask of them) and loops over
what that makes. numpy computes those arrays from known numbers, so flopcast computes them
too (analyzer/plain_numpy.py `with_elements`): the slices, counts and trip counts they give
are known, and the total is exact. A write into one of those arrays, through a view, an
`out=`, an in-place method or a call flopcast does not model, forgets what was known: never
a stale value behind an exact claim.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 10**6), Point(16, 3, 10**6))

BLOCKS = """
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            width = mlp.width
            bounds = np.linspace(0, width, 4).astype(np.int64)
            order = np.argsort(np.arange(width) % 3, kind="stable")
            x = fnp.ones(width)
            total = fnp.zeros(())
            for lo, hi in zip(bounds[:-1], bounds[1:]):
                idx = order[lo:hi]
                total = total + fnp.sum(x[idx] * 2.0)
            counts = np.bincount(order[: width // 2] % 5, minlength=5)
            for unit in np.flatnonzero(counts):
                mask = order % 5 == unit
                total = total + fnp.sum(x[mask])
            names = ["a", "b", "c"]
            picked = [names[i] for i in np.argsort(np.array([3, 1, 2]))[:2]]
            return fnp.zeros((mlp.depth, width)) + total * float(max(counts.max(), 1)) + len(picked)
    """


def test_block_bounds_orders_and_counts_of_known_numbers_are_followed_exactly(tmp_path):
    assert_exact_at(write_program(tmp_path, BLOCKS), POINTS)


WRITTEN = """
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            {body}
            for _ in range(int(k)):
                x = x * 1.5
            return fnp.zeros((mlp.depth, mlp.width)) + x
    """


@pytest.mark.parametrize("body", [
    "a = np.arange(4)\n        b = a.ravel()\n        b[1] = 6\n        k = a[1]",
    "a = np.arange(4)\n        b = a.astype(np.int64, copy=False)\n        b[0] = 6\n        k = a[0]",
    "a = np.arange(4)\n        b = a.reshape(2, 2)\n        b[1, 1] = 9\n        k = a[3]",
    "a = np.arange(4)\n        np.add.at(a, [0], 5)\n        k = a[0]",
    "a = np.arange(4)\n        b = np.zeros(4, dtype=np.int64)\n        np.cumsum(a, out=b)\n        k = b[3]",
    "a = np.arange(6).reshape(3, 2)\n        for r in a:\n            r[0] = 8\n        k = a[2, 0]",
    "a = np.array([[0, 1], [2, 3]])\n        t = a.T\n        t[0, 1] = 9\n        k = a[1, 0]",
    "a = np.array([[0, 1], [2, 3]])\n        t = np.rollaxis(a, 1)\n        t[0, 1] = 5\n        k = a[1, 0]",
    "a = np.array([0, 1, 2])\n        b = np.array(a, copy=None)\n        b[0] = 5\n        k = a[0]",
], ids=["ravel", "astype-no-copy", "reshape", "ufunc-at", "out", "rows", "T", "rollaxis", "array-no-copy"])
def test_a_write_into_a_plain_array_forgets_its_known_elements(tmp_path, body):
    path = write_program(tmp_path, WRITTEN, body=body)
    point = Point(8, 1, 10**6)
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.total.exact, f"claimed exact {report.total} with a stale element (runtime {runtime:,})"
    assert report.total.lo <= runtime, (report.total, runtime)


def test_an_argsort_of_tied_keys_is_not_claimed(tmp_path):
    # which of equal keys comes first is the sort kernel's choice (x86-simd-sort on some CPUs)
    path = write_program(tmp_path, WRITTEN, body="k = np.argsort(np.array([2, 1, 2, 1, 0, 0, 3, 3]))[3]")
    assert not analyze(path, Point(8, 1, 10**6)).total.exact
