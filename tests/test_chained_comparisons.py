"""A chained comparison `a < b < c` is `(a < b) and (b < c)`: Python evaluates `c`, and charges
what it costs, only when the steps before it hold. Where a step depends on values, flopcast must
leave the dear operand after it to the paths on which the step holds.

Each program's chain stops at a step whose answer is False in every run (the minimum of a ReLU's
output is 0), so the run never evaluates the matmul at its right end; charging it on every path
put the interval's low end above the run. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

TEMPLATE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.maximum(mlp.weights[0], 0.0)
        out = fnp.zeros((mlp.depth, mlp.width))
        if {chain}:{directive}
            out = out + 1.0
        return out
"""

CHAINS = {
    "the first step false": "0.0 < float(fnp.min(h)) < float(fnp.sum(h @ h))",
    # the first step holds, the second (a constant operand: free) does not
    "a later step false": "-1.0 < float(fnp.min(h)) < 0.0 < float(fnp.sum(h @ h))",
}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", CHAINS)
def test_the_operand_after_a_false_step_is_not_charged(tmp_path, name, point):
    path = write_program(tmp_path, TEMPLATE, chain=CHAINS[name], directive="")
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)


def test_assume_false_on_a_chain_leaves_what_follows_the_false_step_uncharged(tmp_path):
    """`# flopcast: assume False` on the chain: the first value-dependent step is false, as for
    `and` (docs/directives.md), so the exact total leaves out the matmul after it."""
    path = write_program(tmp_path, TEMPLATE, chain=CHAINS["the first step false"],
                         directive="  # flopcast: assume False")
    point = POINTS[0]
    report = analyze(path, point)
    assert report.total.exact and report.total.lo == measure(path, point).total, report.total
