"""A generator whose last item a lazy consumer (enumerate, map, zip) handed over, and no more.

The generator is left at the yield of its last item: the code after that yield runs only
when an item past the last is asked for. A loop over ``enumerate(gen)`` whose body raised or
broke at the last item (a one-layer MLP: the first item is the last) kept that code's charges
(flopcast took the generator for used up: a false exact of the post-yield work). Each case is
checked against the real flopscope at depth 1 (the last item is the first) and at depth 2.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def gen(weights):
        x = fnp.ones(weights[0].shape[0])
        for w in weights:
            y = w @ x
            yield y
            x = y + y


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rows = []
            try:
                for {target} in {consumer}:
                    rows.append(y)
                    {leave}
            except ValueError:
                rows = [fnp.zeros(mlp.width)] * mlp.depth
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.stack(rows)[0]
    """
POINTS = (Point(8, 1, 2**41), Point(8, 2, 2**41))

CASES = {
    "enumerate_left_by_a_raise": ("i, y", "enumerate(gen(mlp.weights))", "raise ValueError('stop')"),
    "enumerate_left_by_a_break": ("i, y", "enumerate(gen(mlp.weights))", "break"),
    "map_left_by_a_break": ("y", "map(lambda v: v, gen(mlp.weights))", "break"),
    "zip_left_by_a_break": ("y, k", "zip(gen(mlp.weights), range(10))", "break"),
}


@pytest.mark.parametrize("target, consumer, leave", CASES.values(), ids=CASES.keys())
def test_code_after_the_last_handed_item_is_not_charged(tmp_path, target, consumer, leave):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(target=target, consumer=consumer, leave=leave)))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises and not report.unpriced, (report.raises, report.unpriced)
        assert_exact_match(report, measure(path, point), f" at {point.width}x{point.depth}")
