"""``xs[k] = v`` into a Python list by an integer ``k`` read from data (``inv[p] = i`` over a plain
numpy permutation, bit_blocks-style) is a weak update (weak_stores.py), not a change that ends the
path: the list keeps its length, each item is what it held or ``v``, and an index that may fall
outside the list is a test of the integer whose outside raises IndexError.

Checked against the real flopscope: a cost that does not read the items is exact, one that tests an
item, or catches the IndexError of an index that may be out of range, is an interval holding the run.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_interval_holds_run, write_program

from flopcast.model import Point

POINT = Point(8, 2, 2**41)

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            {use}
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """

INVERSE = ("inv = [0] * mlp.width\n"
           "        for i, p in enumerate(list(np.random.default_rng(7).permutation(mlp.width))):\n"
           "            inv[p] = i\n        ")


def test_a_cost_that_does_not_read_the_stored_items_is_exact(tmp_path):
    path = write_program(tmp_path, PROGRAM, use=INVERSE + "out = fnp.sum(w[np.array(inv)] @ w)")
    assert_exact_at(path, [POINT])


USES = {
    # the item read is 0 or a later position: the branch is a value-dependent site
    "an_item_tested": INVERSE + "out = fnp.sum(w @ w) if inv[3] > 2 else fnp.sum(w)",
    # the run's inv[1] is 6 and inv[2] is 3: two items are tested apart, not as one value
    "two_items_tested": INVERSE + "out = fnp.sum(w)\n"
                                  "        if inv[1] > 3:\n"
                                  "            if inv[2] <= 3:\n"
                                  "                out = out + fnp.sum(w @ w @ w)",
    # the argmax of 8 numbers may pick past the 4 slots: Python's IndexError is caught
    "an_index_maybe_out_of_range": "slots = [0] * 4\n"
                                   "        try:\n"
                                   "            slots[int(fnp.argmax(w[0]))] = 1\n"
                                   "            out = fnp.sum(w)\n"
                                   "        except IndexError:\n"
                                   "            out = fnp.sum(w @ w)",
}


@pytest.mark.parametrize("use", USES.values(), ids=USES.keys())
def test_a_cost_that_depends_on_the_store_is_an_interval_holding_the_run(tmp_path, use):
    path = write_program(tmp_path, PROGRAM, use=use)
    assert_interval_holds_run(path, POINT)
