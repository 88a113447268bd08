"""``flops.einsum_accumulation_cost`` used as the participant's own cost model: free, and its
``.total`` (flopscope's own count, symmetry and aliasing included) steers what runs next."""

from __future__ import annotations

import pytest

from oracle import assert_exact_at

from flopcast.model import Point

PROGRAM = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        g = w.T @ w
        s = flops.symmetrize(w, symmetry=(0, 1))
        total = flops.einsum_accumulation_cost({call}).total
        x = w
        for _ in range(total % 5):  # every unit of the total changes the count
            x = x @ w
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
"""


@pytest.mark.parametrize("width,depth", [(8, 1), (24, 2)])
@pytest.mark.parametrize("call", [
    '"ij,jk->ik", w, w',                # dense
    '"ki,kj->ij", w, w',                # one object twice: the output is symmetric
    '"ij,jk->ik", g, s',                # symmetric operands
    '"ij,jk,kl->il", g, w, s',          # three operands
])
def test_the_total_of_flopscope_s_own_cost_model_is_read(tmp_path, width, depth, call):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(call=call))
    point = Point(width, depth, 2**41)
    assert_exact_at(path, [point])


REDUCTION = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        cost = {call}
        x = w
        for _ in range(cost % 5):  # every unit of the number changes the count
            x = x @ w
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
"""


@pytest.mark.parametrize("width,depth", [(8, 1), (24, 2)])
@pytest.mark.parametrize("call", [
    "flops.reduction_accumulation_cost(w, axis=0).total",
    "flops.reduction_accumulation_cost(w * 2.0, None, op_factor=2, extra_ops=3).total",
    "flops.tier2_reduction_cost(w, axis=1)",
    "flops.tier2_reduction_cost(w, (0, 1), dense_per_output_cost=7)",
])
def test_flopscope_s_reduction_cost_helpers_are_read(tmp_path, width, depth, call):
    path = tmp_path / "estimator.py"
    path.write_text(REDUCTION.format(call=call))
    point = Point(width, depth, 2**41)
    assert_exact_at(path, [point])

