"""Block-diagonal covariance propagation with a learned correction head ("block_head").

Folder submission:

    estimator.py          this file
    solvers/__init__.py   the package surface (relative imports)
    solvers/plan.py       BlockPlan dataclass and the block-size/sample planner
    solvers/batched.py    stacks of (bs, bs) blocks: batched einsum pushes, batched Cholesky ->
                          eigh -> diagonal ladder, slogdet/svdvals/pinv/matrix_norm features,
                          an lstsq ridge refit with a QR fallback
    make_head.py          writes head.npz (run once before submitting)
    head.npz              w1 (5, 4), w2 (4,), max_block (0-d: the largest block size fitted)

Each layer's covariance is a stack of diagonal blocks (B, bs, bs) plus the full diagonal.
The block roots feed the ReLU moments; a two-layer head on per-block features (read in
setup with plain numpy) rescales each block's means. With budget left, samples of the net
refit the last layer's means on the moment means by a ridge lstsq.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator

from solvers import BlockCov, choose_block, factor_blocks, head_features, refit_last

HEAD = Path(__file__).resolve().parent / "head.npz"
SQRT_2PI = math.sqrt(2.0 * math.pi)
RIDGE = 1e-2


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z ** 3)))
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.w1 = np.zeros((5, 1), np.float32)
        self.w2 = np.zeros(1, np.float32)
        self.sizes = [1]
        self.ladder: list = []

    def setup(self, context) -> None:
        if HEAD.exists():
            with np.load(HEAD) as z:
                self.w1, self.w2 = z["w1"], z["w2"]
                top = int(z["max_block"])
            # the head was fitted on power-of-two blocks from 4 up to its largest
            self.sizes = [1 << k for k in range(2, top.bit_length())]
        self.hidden = int(self.w1.shape[1])

    def _head(self, feats):
        """tanh hidden layer, a scalar gain per block in [0.5, 1.5]."""
        h = fnp.tanh(feats @ fnp.asarray(self.w1))
        g = h @ fnp.asarray(self.w2)
        return fnp.clip(1.0 + g, 0.5, 1.5)

    def _layer(self, mean, cov: BlockCov, w, plan):
        mu = mean @ w
        pre = cov.push(w, plan.bs)
        var = fnp.maximum(pre.diag, 1e-12)
        m, v, cdf = relu_moments(mu, var)
        # block roots (the ladder's rung is logged): the post-activation block is the gated
        # root's Gram matrix, batched over the blocks with @ on the stacks
        root, rung = factor_blocks(pre.blocks)
        self.ladder.append(rung)
        gate = fnp.reshape(cdf, (plan.blocks, plan.bs, 1))
        gated = gate * root
        post = gated @ fnp.swapaxes(gated, 1, 2)
        feats = head_features(post)
        gain = self._head(feats)
        m = m * fnp.repeat(gain, plan.bs)
        diag = fnp.reshape(fnp.diagonal(post, axis1=1, axis2=2), (-1,))
        v = 0.5 * v + 0.5 * diag
        return m, BlockCov(post, v)

    def _diagonal(self, mlp):
        mean = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            mean, var, _ = relu_moments(mean @ w, fnp.maximum((w * w).T @ var, 1e-12))
            rows.append(mean)
        return rows

    def _refit(self, mlp, rows, n: int):
        rng = fnp.random.default_rng(mlp.seed + 11)
        x = rng.standard_normal((n, mlp.width))
        hidden = []
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
            hidden.append(fnp.mean(x, axis=0))
        sampled = fnp.stack(hidden)                         # (depth, width)
        design = fnp.stack([rows[-1], fnp.ones(mlp.width)], axis=1)
        coef = refit_last(design, sampled[-1], RIDGE)
        return design @ coef

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        plan = choose_block(width, depth, budget, self.sizes)
        if plan.bs == 1:
            return fnp.stack(self._diagonal(mlp))
        mean = fnp.zeros(width)
        cov = BlockCov.identity(width, plan.bs)
        rows = []
        for w in mlp.weights:
            mean, cov = self._layer(mean, cov, w, plan)
            rows.append(mean)
        if plan.samples:
            rows[-1] = self._refit(mlp, rows, plan.samples)
        return fnp.stack(rows)
