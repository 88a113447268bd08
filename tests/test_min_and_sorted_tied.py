"""``min(errors, key=errors.get)`` is ``sorted(errors, key=errors.get)[0]``: one ranking of the same keys.

A blend picks the best of four candidates by a validation error read from data and ranks them
all for a runner-up. Both calls compare the same numbers, so a path that chose the minimum
chose the sort's first (analyzer/key_orders.py). They were independent sites: 4 x 24 = 96
paths, past the cap of 64, and the total a lower bound whose high end paired a best candidate
with a ranking that puts another first. Now the interval's ends are the runs forced into the
cheapest ranking and into the dearest, checked against the real flopscope at two sizes, whichever
call comes first, and for ``max`` with a descending sort.
"""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            errors = {{"square": {reads[0]}, "cube": {reads[1]}, "quad": {reads[2]}, "gram": {reads[3]}}}
            {first}
            {second}
            x = w
            for name in [best] * 3 + [ranked[1]]:
                if name == "square":
                    x = x * x
                elif name == "cube":
                    x = x * x * x
                elif name == "quad":
                    x = x * x * x * x
                else:
                    x = x @ w
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
    """
READS = ["float(fnp.mean(w[0]))", "float(fnp.mean(w[1]))", "float(fnp.mean(w[2]))", "float(fnp.mean(w[3]))"]
POINTS = (Point(8, 1, 2**41), Point(16, 2, 2**41))
MIN = "best = min(errors, key=errors.get)"
SORTED = "ranked = sorted(errors, key=errors.get)"
CASES = {
    "min_then_sorted": (MIN, SORTED, 1),
    "sorted_then_min": (SORTED, MIN, 1),
    # the best is the greatest: max agrees with a descending sort's first
    "max_then_descending_sort": ("best = max(errors, key=errors.get)",
                                 "ranked = sorted(errors, key=errors.get, reverse=True)", -1),
}


def _forced(first: str, second: str, ranks: tuple, tmp_path, folder: str):
    """The program with each read kept (and charged) but its value forced to ``ranks[i]``."""
    reads = [f"{read} * 0.0 + {rank}" for read, rank in zip(READS, ranks)]
    (tmp_path / folder).mkdir()
    return write_program(tmp_path / folder, PROGRAM, reads=reads, first=first, second=second)


@pytest.mark.parametrize("first,second,sign", CASES.values(), ids=CASES.keys())
def test_a_min_and_a_sort_of_the_same_keys_are_one_ranking(first, second, sign, tmp_path):
    path = write_program(tmp_path, PROGRAM, reads=READS, first=first, second=second)
    # cheapest: square best, cube runner-up; dearest: gram best, quad runner-up
    cheap = _forced(first, second, tuple(sign * r for r in (0, 1, 2, 3)), tmp_path, "cheap")
    dear = _forced(first, second, tuple(sign * r for r in (3, 2, 1, 0)), tmp_path, "dear")
    for point in POINTS:
        report = analyze(path, point)
        assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
        assert (report.total.lo, report.total.hi) == (measure(cheap, point).total, measure(dear, point).total)
        assert report.total.contains(measure(path, point).total)
