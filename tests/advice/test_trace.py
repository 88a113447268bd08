"""The traced analysis knows the loop entry and iteration of every charge, also when a
steady loop's iterations are accounted for without running them."""

from __future__ import annotations

from collections import Counter

from flopcast.analyzer import analyze
from flopcast.model import Point

SOURCE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        base = fnp.ones(mlp.width, dtype=fnp.float32)
        mu = base
        for w in mlp.weights:
            mu = mu @ w
            for k in range(3):
                mu = mu + fnp.sqrt(base)
        return fnp.stack([mu] * mlp.depth)
"""


def test_every_charge_in_a_nested_steady_loop_has_its_own_entry_and_iteration(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(SOURCE)
    depth = 16
    report = analyze(path, Point(8, depth, 2**41), trace=True)
    outer = next(s for s in report.loop_entries if s.line == 9)
    inner = next(s for s in report.loop_entries if s.line == 11)
    assert report.loop_entries[outer] == 1
    assert report.loop_entries[inner] == depth
    sqrt = [c for c in report.charges if c.op == "sqrt"]
    assert len(sqrt) == 3 * depth
    places = Counter((c.loops[0].index, c.loops[1].entry, c.loops[1].index) for c in sqrt)
    assert set(places) == {(i, i, k) for i in range(depth) for k in range(3)}
    matmuls = [c for c in report.charges if c.op == "matmul"]
    assert sorted(c.loops[0].index for c in matmuls) == list(range(depth))
