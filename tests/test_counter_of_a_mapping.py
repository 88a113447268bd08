"""``Counter(mapping)`` stores the mapping's counts as they are, whatever they are.

CPython fills an empty Counter from a mapping by ``dict.update``: nothing is added, so counts read
from array values (``Counter({i: int(c) for i, c in enumerate(fnp.bincount(...))})``) make a
Counter with known keys. flopcast added each count to 0 and, the counts not being known, left the
Counter unpriced: the work driven by its keys after it was a lower bound. Its counts stay unknown
(``most_common`` is still refused). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
    from collections import Counter
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            counts = fnp.bincount(fnp.searchsorted(fnp.array([-0.1, 0.0, 0.1]), w[0]), minlength=4)
            tally = {expr}
            out = fnp.zeros(mlp.width)
            for k in tally:
                out = out + w[k] * 2.0
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """

CALLS = {
    "dict_comprehension": "Counter({i: int(c) for i, c in enumerate(counts)})",
    "dict_of_floats": "Counter(dict(zip(range(4), (float(c) for c in counts))))",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_counter_of_a_mapping_of_unknown_counts_keeps_its_keys(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
