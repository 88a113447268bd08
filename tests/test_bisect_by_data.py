"""``bisect.bisect(levels, float(x))`` of a known ladder of numbers by a number read from data is an
integer read from data within ``[lo, hi]`` (robust_irls-style threshold ladders), not an unmodelled
call that ends the path: Python compares the numbers, nothing is charged, and the answer then picks a
size or a branch as any count read from data does (dataints.py).

Each program reads 1.0 from the weights in a way flopcast cannot know (``fnp.sum(w * 0.0) + 1.0``);
the run's level is 2, strictly inside the range, and the priced interval must hold it. Checked
against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_interval_holds_run, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
    import bisect

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    LEVELS = [-1.0, 0.5, 2.0, 1e9]
    RANKS = (1, 2, 3, 5, 8)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = float(fnp.sum(w * 0.0)) + 1.0
            {use}
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """

USES = {
    "picks_a_size": "k = RANKS[bisect.bisect(LEVELS, x)]\n"
                    "        out = fnp.sum(w[:, :k].T @ w)",
    "picks_a_branch": "level = bisect.bisect_left(LEVELS, x, lo=1)\n"
                      "        out = fnp.sum(w @ w) if level >= 2 else fnp.sum(w)",
}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("use", USES.values(), ids=USES.keys())
def test_a_ladder_searched_by_a_number_read_from_data_is_a_count_in_its_range(tmp_path, use, point):
    path = write_program(tmp_path, PROGRAM, use=use)
    assert_interval_holds_run(path, point)
