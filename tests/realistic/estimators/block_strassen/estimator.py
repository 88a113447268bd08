"""Block-diagonal covariance propagation with cost-model-picked Strassen products ("block_strassen").

Folder submission:

    estimator.py           this file: the planner and predict
    blockkit/__init__.py   the package surface (relative imports, re-exports)
    blockkit/costs.py      lru_cache'd cost models: plain matmul against Strassen per leaf size
    blockkit/products.py   the products, picked by a match on the cost model's dataclass choice
    blockkit/blocks.py     the neuron partition (plain numpy index bookkeeping, __slots__,
                           properties, generators with yield from) and a block-diagonal covariance

Neurons are interleaved into equal blocks; each layer's pre-activation covariance is kept on
the diagonal blocks only, each a sum over source blocks of W_jb^T B_j W_jb. Those square
products go through Strassen when the memoised cost model says it is cheaper. The number of
blocks is the smallest that fits the budget; when none does, a diagonal mean-field pass runs.
The ReLU is linearised per block (D C D with D the Gaussian CDF at the mean) plus the exact
diagonal. Scales past 1e30 are carried on the BlockCov rather than in its entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

from blockkit import BlockCov, Choice, Partition, block_pairs, choose_product, multiply, plain_cost

HUGE = 1e30
SQRT_2PI = math.sqrt(2.0 * math.pi)


@dataclass
class Plan:
    n_blocks: int                      # 0: the diagonal pass
    products: dict = field(default_factory=dict)
    cost: int = 0

    @property
    def blocked(self) -> bool:
        return self.n_blocks > 0


def layer_cost(width: int, n_blocks: int) -> tuple[int, dict]:
    sizes = [hi - lo for lo, hi in zip(*(lambda b: (b[:-1], b[1:]))(
        [round(i * width / n_blocks) for i in range(n_blocks + 1)]))]
    choices = {s: choose_product(s) for s in set(sizes)}
    # W_jb^T (B_j W_jb): two products per (output block, source block) pair, square when sizes match
    total = sum(2 * (choices[s].cost if s == t else plain_cost(max(s, t)))
                for s in sizes for t in sizes)
    return total + 60 * width, choices


def make_plan(width: int, depth: int, budget: int) -> Plan:
    room = budget // 2
    candidates = [nb for nb in (1, 2, 4, 8) if nb <= width and width // nb >= 2]
    for nb in candidates:
        if (cost := depth * layer_cost(width, nb)[0]) <= room:
            return Plan(nb, layer_cost(width, nb)[1], cost)
    return Plan(0)


def relu_moments(mu, var):
    sd = fnp.sqrt(var + 1e-30)
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z * z * z)))
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


def pre_blocks(w, cov: BlockCov, plan: Plan):
    """Diagonal blocks of W^T C W for a block-diagonal C, one output block at a time."""
    part = cov.part
    acc = {}
    for b, j, rows, cols in block_pairs(part):
        # rows: the output block's neurons; cols: the source block's (the diagonal pair has both)
        wjb = w[np.ix_(cols if j != b else rows, rows)]
        s = wjb.shape[1]
        choice = plan.products.get(s) if wjb.shape[0] == s else None
        left = multiply(cov[j], wjb, choice)
        term = multiply(wjb.T, left, choice)
        acc[b] = term if (prev := acc.get(b)) is None else prev + term
    return [acc[b] for b in range(len(part))]


def diagonal_pass(mlp):
    mean = fnp.zeros(mlp.width)
    var = fnp.ones(mlp.width)
    rows = []
    for w in mlp.weights:
        mean, var, _ = relu_moments(mean @ w, var @ (w * w))
        rows.append(mean)
    return fnp.stack(rows)


class Estimator(BaseEstimator):
    def __init__(self):
        self.plans: dict[tuple[int, int, int], Plan] = {}

    def plan_for(self, width, depth, budget) -> Plan:
        if (key := (width, depth, budget)) not in self.plans:
            self.plans[key] = make_plan(*key)
        return self.plans[key]

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        plan = self.plan_for(width, depth, budget)
        if not plan.blocked:
            return diagonal_pass(mlp)
        part = Partition(width, plan.n_blocks)
        cov = BlockCov.identity(part)
        mean = fnp.zeros(width)
        rows = []
        for i, w in enumerate(mlp.weights):
            mu = mean @ w
            blocks = pre_blocks(w, cov, plan)
            pre = BlockCov(part, blocks)
            pre.scale = cov.scale
            var = pre.diagonal()
            if (peak := float(fnp.max(var))) > HUGE:
                pre.scale = pre.scale / peak
                var = var / peak
                mu = mu / math.sqrt(peak)
            m1, v1, cdf = relu_moments(mu, var)
            if pre.scale != cov.scale:
                m1 = m1 * math.sqrt(cov.scale / pre.scale)
            new_blocks = []
            for (b, idx), blk in zip(part, pre.blocks):
                d = fnp.take(cdf, idx)
                lin = d[:, None] * blk * d[None, :]
                new_blocks.append(lin - fnp.diag(fnp.diag(lin)) + fnp.diag(fnp.take(v1, idx)))
            cov = BlockCov(part, new_blocks)
            mean = m1
            rows.append(m1)
        return fnp.stack(rows)
