"""A staged pipeline with per-stage bookkeeping ("staged_pipeline").

Solo entrant, "ops-person-does-ML".  Written like a production service: every stage runs
inside a ``stage(...)`` context manager that logs it, stages are methods looked up by name
(``getattr(self, "_stage_" + name)``), costs are memoised with ``lru_cache``, and the
plan is a list of (name, layer) pairs that the estimator iterates over.

The maths is a mean-field pass with a second-order correction on the neurons whose
pre-activation mean is close to zero (|z| < Z_BAND, where the ReLU curvature matters):

* ``meanfield``   diagonal Gaussian propagation;
* ``curvature``   on the near-zero set (a boolean mask, its indices via ``fnp.where``) the
                  pairwise covariance among those neurons is formed from the weight columns
                  and a small SVD of it adds a low-rank variance boost;
* ``sampling``    when the budget allows, a short MC run calibrates a per-layer scale,
                  found by a fixed-point iteration with a tolerance and a cap.

A plain-numpy diagnostics vector is filled in place (``diag *= decay``, ``diag[i] = ...``).
"""

from __future__ import annotations

import contextlib
import functools
import math

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

Z_BAND = 0.25
SCALE_TOL = 1e-4
SCALE_MAX_IT = 12
MC_SAMPLES = 64
STAGE_LOG: list = []


@contextlib.contextmanager
def stage(name: str, layer: int):
    STAGE_LOG.append((name, layer, "start"))
    try:
        yield name
    finally:
        STAGE_LOG.append((name, layer, "end"))


@functools.lru_cache(maxsize=None)
def meanfield_cost(width: int) -> int:
    return 4 * width * width + 90 * width


@functools.lru_cache(maxsize=None)
def curvature_cost(width: int, k: int) -> int:
    # the near-zero set is k on average but can be the whole layer: price the SVD for that
    return 2 * width * k * k + 60 * width ** 3 + 8 * width * width


def sampling_cost(width: int, depth: int, n: int) -> int:
    return n * (4 * depth * width * width + 40 * width)


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0)


class Plan:
    """The ordered stages; iterable and sized like a list."""

    def __init__(self, steps):
        self.steps = list(steps)

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    @classmethod
    def build(cls, width: int, depth: int, budget: int) -> "Plan":
        k = max(2, width // 4)
        left = budget - depth * meanfield_cost(width)
        steps = []
        for i in range(depth):
            steps.append(("meanfield", i))
            if left > curvature_cost(width, k):
                steps.append(("curvature", i))
                left -= curvature_cost(width, k)
        if left > sampling_cost(width, depth, MC_SAMPLES):
            steps.append(("sampling", depth - 1))
        return cls(steps)


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        self.mlp = mlp
        self.width = mlp.width
        self.mu = [None] * mlp.depth
        self.var = [None] * mlp.depth
        self.pre = [None] * mlp.depth
        self.diag = np.ones(mlp.depth)
        plan = Plan.build(mlp.width, mlp.depth, budget)
        for name, layer in plan:
            with stage(name, layer):
                getattr(self, "_stage_" + name)(layer)
        out = fnp.stack(self.mu)
        scale = fnp.asarray(self.diag, dtype=fnp.float32)
        return out * scale[:, None]

    # ------------------------------------------------------------------ stages

    def _stage_meanfield(self, i: int):
        w = self.mlp.weights[i]
        if i == 0:
            mu_in = fnp.zeros(self.width)
            var_in = fnp.ones(self.width)
        else:
            mu_in, var_in = self.mu[i - 1], self.var[i - 1]
        mu_pre = mu_in @ w
        var_pre = var_in @ (w * w)
        self.pre[i] = (mu_pre, var_pre)
        self.mu[i], self.var[i] = relu_moments(mu_pre, var_pre)
        self.diag *= 0.999                       # plain numpy, in place
        self.diag[i] = 1.0

    def _stage_curvature(self, i: int):
        mu_pre, var_pre = self.pre[i]
        z = mu_pre / fnp.sqrt(var_pre + 1e-12)
        near = fnp.abs(z) < Z_BAND
        (idx,) = fnp.where(near)
        k = idx.shape[0]
        if k < 2:
            return
        w = self.mlp.weights[i]
        cols = w[:, idx]                          # (width, k)
        var_in = self.var[i - 1] if i > 0 else fnp.ones(self.width)
        cov = (cols * var_in[:, None]).T @ cols   # (k, k)
        u, s, vt = fnp.linalg.svd(cov, full_matrices=False)
        top = s[0].item()
        if top <= 0.0:
            return
        boost = (u[:, 0] * u[:, 0]) * (top / k)
        pdf = flops.stats.norm.pdf(z[near])
        delta = np.float64(0.5) * pdf * boost
        self.mu[i] = self.mu[i] + self._scatter(idx, delta)

    def _scatter(self, idx, values):
        onehot = (fnp.arange(self.width)[:, None] == idx[None, :])
        return onehot.astype(values.dtype) @ values

    def _stage_sampling(self, last: int):
        rng = fnp.random.default_rng(self.mlp.seed)
        x = rng.standard_normal((MC_SAMPLES, self.width))
        for w in self.mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        mc = x.mean(axis=0)
        mf = self.mu[last]
        s, prev, it = 1.0, 0.0, 0
        while abs(s - prev) > SCALE_TOL and it < SCALE_MAX_IT:
            prev = s
            resid = mc - s * mf
            s = s + float((resid * mf).sum() / ((mf * mf).sum() + 1e-12))
            it += 1
        self.diag[last] = min(max(s, 0.5), 2.0) if math.isfinite(s) else 1.0
