"""numpy's clamp of an integer read from data keeps the clamp's bounds: ``int(np.clip(k, 2, 4))``
is an integer read from data within ``[2, 4]`` (and ``np.maximum(k, 2)`` within ``[2, n]`` of a
count ``k`` in ``[0, n]``), so what it sizes is analysed at those ends (dataints.clamped_scalar).
It had no bound at all: a size made of it was unpriced and the total a lower bound, and a test of
it (``if k <= 4:``) took the arm the run never takes (the corpus's active_cg at 13x2, budget 1e12,
never reached the solve its run always makes, ``int(np.clip(k, MIN_K, k_max))``).
"""

from __future__ import annotations

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        energy = fnp.cumsum(fnp.sort(fnp.abs(w[0])))
        k = {k}
        if k <= mlp.width:
            a = w[:k, :k] @ w[:k, :k].T + fnp.eye(k)
            s = fnp.linalg.solve(a, fnp.ones(k))
        else:
            s = fnp.sum(w @ w @ w)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(s)
"""

CLAMPS = {
    # a searchsorted position (in [0, width]: a count that reaches past the clamp), clipped into [2, 4]
    "np.clip": ("int(np.clip(int(np.searchsorted(np.asarray(energy), 0.5 * float(energy[-1]))) + 1, 2, 4))",
                lambda width: (2, 4)),
    # a count of booleans in [0, width], kept at least 2
    "np.maximum": ("int(np.maximum(int(fnp.sum(w[0] > 0.0)), 2))", lambda width: (2, width)),
}


@pytest.mark.parametrize("clamp", CLAMPS)
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_size_made_of_a_clamped_integer_read_from_data_is_priced_at_the_clamps_ends(tmp_path, clamp, point):
    made, ends = CLAMPS[clamp]
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{k}", made))
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    low, high = ends(point.width)
    assert (report.total.lo, report.total.hi) == (_pinned(tmp_path, made, low, point), _pinned(tmp_path, made, high, point))
    assert report.total.contains(measure(path, point).total)


def _pinned(tmp_path, made: str, k: int, point: Point) -> int:
    """The run's count where the clamped integer ``made`` is ``k``."""
    path = tmp_path / f"pinned_{k}.py"
    path.write_text(PROGRAM.replace("{k}", f"{made}\n        k = {k}"))
    return measure(path, point).total
