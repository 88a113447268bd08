"""``bisect.bisect_left(cum, share * cum[-1])`` over a list of numbers read from data: the position
is an integer read from data in ``[lo, hi]`` (stdlib_bisect.py), so a rank picked by it sizes the
work at the ends of that range. It was a library call handed the program's list, which ended the
path: a lower bound. Over known numbers it is Python's bisect, exact. Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_interval_holds_run

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
import bisect

import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        m = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            h = fnp.maximum(m @ w, 0.0)
            vals = {vals}
            cum = list(np.cumsum(sorted(vals, reverse=True)))
            k = bisect.{name}(cum, 0.9 * cum[-1]{bounds}) + 1
            top = w[:, :k]
            m = h + fnp.sum(top @ top.T, axis=0)
            rows.append(m)
        return fnp.stack(rows)
"""

READ = "[float(x) for x in h]"
FORMS = {
    "bisect_left": ("bisect_left", ""),
    "bisect_right_from_lo": ("bisect_right", ", 1"),
    "bisect_with_hi": ("bisect", ", 0, len(cum) - 1"),
}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_a_rank_bisected_from_data_sizes_an_interval_holding_the_run(tmp_path, form, point):
    name, bounds = form
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(vals=READ, name=name, bounds=bounds))
    assert_interval_holds_run(path, point)


def test_a_rank_bisected_from_known_numbers_is_exact(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(vals="[float(i % 3) for i in range(mlp.width)]", name="bisect_left", bounds=""))
    assert_exact_at(path, POINTS)
