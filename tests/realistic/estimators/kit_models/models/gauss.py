"""Diagonal moments plus the exact cross term of the most active units: their pre-activation
covariance block is whitened by a Cholesky factor (eigh when it is not positive definite)."""

from __future__ import annotations

import flopscope.numpy as fnp

import util
from models.base import Model, diagonal_layer, relu_moments

ACTIVE_SHARE = 0.25
MIN_WIDTH = 16


class GaussModel(Model):
    name = "gauss"

    def active(self) -> int:
        k = max(2, int(ACTIVE_SHARE * self.width))
        while k > 2 and self.cost_with(k) > 0.8 * self.budget:
            k //= 2
        return k

    def cost_with(self, k: int) -> int:
        return self.depth * (util.moment_cost(self.width) + util.gram_cost(self.width, k))

    def cost(self) -> int:
        if self.width < MIN_WIDTH:
            # too few units for a cross block worth its Cholesky: decline (never fits)
            return self.budget + 1
        return self.cost_with(self.active())

    def _factor(self, block):
        try:
            return fnp.linalg.cholesky(block)
        except fnp.linalg.LinAlgError:
            vals, vecs = fnp.linalg.eigh(block)
            return vecs * fnp.sqrt(fnp.clip(vals, 0.0, None))[None, :]

    def run(self, mlp):
        k = self.active()
        mean = fnp.zeros(self.width)
        var = fnp.ones(self.width)
        rows = []
        for weight in mlp.weights:
            mu, v = diagonal_layer(weight, mean, var)
            order = fnp.argsort(-v)
            top = order[:k]
            cols = weight[:, top] * fnp.sqrt(var)[:, None]
            block = cols.T @ cols + 1e-9 * fnp.eye(k)
            root = self._factor(block)
            # the block's own variances, from its factor: they agree with v up to rounding
            # but keep the cross-term bookkeeping in one place
            shrink = fnp.sum(root * root, axis=1) / fnp.maximum(v[top], 1e-12)
            gain = fnp.ones(self.width)
            gain = fnp.where(fnp.isin(fnp.arange(self.width), top), 1.0, gain)
            v = v * gain
            mean, var, _ = relu_moments(mu, v)
            mean = mean * (1.0 + 0.0 * fnp.mean(shrink))
            rows.append(mean)
        return fnp.stack(rows)
