from __future__ import annotations

import flopscope.numpy as fnp

from .base import Moments, Stage
from .linalg import factor, top_direction


class Mean(Stage):
    kind = "mean"
    w2_terms = 2

    def step(self, state: Moments, w) -> Moments:
        mu = state.mean @ w
        return Moments(fnp.maximum(mu, 0.0), state.var)


class Diag(Stage):
    kind = "diag"
    w2_terms = 4

    def step(self, state: Moments, w) -> Moments:
        mu = state.mean @ w
        var = state.var @ (w * w)
        mean, var, _ = self.relu(mu, var)
        return Moments(mean, var)


class LowRank(Diag):
    """Diagonal moments plus the top direction of the pre-activation covariance."""

    kind = "lowrank"
    w3_terms = 2
    w2_terms = 60

    def step(self, state: Moments, w) -> Moments:
        base = super().step(state, w)
        g = (w.T * state.var) @ w
        lam, v, its = top_direction(g, iters=self.options.get("iters", 25))
        self.options["its"] = self.options.get("its", 0) + its
        boost = fnp.clip(lam * v * v / (fnp.diag(g) + 1e-9), 0.0, 1.0)
        return Moments(base.mean, base.var * (1.0 + 0.1 * boost))


class Full(Stage):
    kind = "full"
    w3_terms = 6
    w2_terms = 10

    def step(self, state: Moments, w) -> Moments:
        cov = state.cov if state.cov is not None else fnp.diag(state.var)
        pre = fnp.einsum("ki,kl,lj->ij", w, cov, w, optimize="greedy")
        chol, rung = factor(pre, self.jitter)
        mu = state.mean @ w
        var = fnp.sum(chol * chol, axis=1)
        mean, var, cdf = self.relu(mu, var)
        cov = fnp.outer(cdf, cdf) * pre
        cov = fnp.where(fnp.eye(self.width, dtype=bool), fnp.diag(var), cov)
        return Moments(mean, var, cov.astype(fnp.float32))
