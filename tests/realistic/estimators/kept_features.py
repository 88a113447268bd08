"""Moments in a random-feature subspace kept across the MLPs of a run.

The estimator keeps, per (width, rank), a Basis whose orthonormal features (QR of float32
Gaussian draws) and their Gram matrix are functools.cached_property values: the first MLP pays
for them, later MLPs on the same instance read them back (whestbench calls predict on one
instance for every MLP). Each layer propagates the mean and a k x k covariance in the feature
coordinates (einsum with a repeated operand), adds a pairwise correction over the most
variable units (argpartition, itertools.combinations) while a nonlocal-counter planner has
room, and keeps the feature covariance in check with a power iteration run to a tolerance
(a while loop whose trip count depends on the values). The plan of which layers refresh the
features comes from a generator with `yield from`; the units kept by a walrus comprehension.
"""

from __future__ import annotations

import itertools
import math
from functools import cached_property

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

SEED = 20261202
FLOOR = 1e-6
POWER_TOL = 1e-3
POWER_MAX = 12
SCALE_LIMIT = 4.0


class Basis:
    """Random orthonormal features of a width, made on first use and kept for the next MLPs."""

    def __init__(self, width: int, rank: int, seed: int = SEED):
        self.width, self.rank, self.seed = width, rank, seed
        self.uses = 0

    @cached_property
    def proj(self):
        rng = fnp.random.default_rng(self.seed)
        g = rng.standard_normal((self.width, self.rank)).astype(fnp.float32)
        q, _ = fnp.linalg.qr(g)
        return q

    @cached_property
    def gram(self):
        return self.proj.T @ self.proj          # ~ the identity; kept to re-orthogonalise against

    @property
    def shape(self) -> tuple:
        return (self.width, self.rank)


def planner(limit: float):
    """A closure that admits work while the planned FLOPs stay under ``limit``."""
    spent = 0

    def admit(cost: int) -> bool:
        nonlocal spent
        if spent + cost > limit:
            return False
        spent += cost
        return True

    def used() -> int:
        return spent

    return admit, used


def refresh_plan(depth: int, every: int):
    """(layer, refresh?) pairs: the features are re-projected every ``every`` layers."""
    yield (0, True)
    yield from ((i, i % every == 0) for i in range(1, depth))


def gauss_relu(mu, var):
    s = fnp.sqrt(fnp.maximum(var, FLOOR))
    z = mu / s
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + s * pdf
    second = (mu * mu + var) * cdf + mu * s * pdf
    return mean, fnp.maximum(second - mean * mean, FLOOR)


def top_eigenvalue(c) -> float:
    """Power iteration on a small symmetric matrix, to a relative tolerance."""
    v = fnp.ones(c.shape[0], dtype=c.dtype) / math.sqrt(c.shape[0])
    lam, prev, it = 0.0, -1.0, 0
    while it < POWER_MAX and abs(lam - prev) > POWER_TOL * max(abs(lam), 1.0):
        prev = lam
        u = c @ v
        lam = float(fnp.linalg.norm(u))
        v = u / max(lam, FLOOR)
        it += 1
    return lam


def pair_correction(w, var, m: int):
    """Cross terms of the m most variable inputs, as if each pair were correlated by 1/4."""
    top = fnp.argpartition(var, -m)[-m:]
    rows = w[top]                                  # (m, width)
    sd = fnp.sqrt(var[top])
    adj = fnp.zeros(w.shape[1], dtype=w.dtype)
    for a, b in itertools.combinations(range(m), 2):
        adj = adj + (0.5 * sd[a] * sd[b]) * (rows[a] * rows[b])
    return adj


class Estimator(BaseEstimator):
    def __init__(self):
        self._bases: dict = {}
        self.history: list = []

    def setup(self, context):
        self.width = context.width

    def basis_for(self, width: int, rank: int) -> Basis:
        key = (width, rank)
        if (basis := self._bases.get(key)) is None:
            basis = self._bases[key] = Basis(width, rank)
        basis.uses += 1
        return basis

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        rank = max(2, min(width // 2, (budget // (64 * depth * width * width)).bit_length()))
        basis = self.basis_for(width, rank)
        admit, used = planner(1e-3 * budget)        # pair corrections get 0.1% of the budget
        pair_units = max(2, min(6, math.isqrt(width)))
        pair_cost = 4 * math.comb(pair_units, 2) * width + width * pair_units
        every = max(1, depth // 2)

        mu = fnp.zeros(width, dtype=fnp.float32)
        cov = basis.gram * (1.0 / width)           # the input's unit variance in feature coordinates
        rows = []
        for (i, refresh), w in zip(refresh_plan(depth, every), mlp.weights):
            p = basis.proj
            m = w.T @ p                              # (width, k): the features through the layer
            var = fnp.einsum("ik,kl,il->i", m, cov, m) + FLOOR
            if admit(pair_cost):
                var = var + pair_correction(w, fnp.maximum(var, FLOOR), pair_units)
            mu, var = gauss_relu(mu @ w, var)
            if refresh:                              # re-project the variances onto the features
                cov = fnp.einsum("ik,i,il->kl", p, var, p)
            else:
                cov = (m.T @ m) * (1.0 / width)
            lam = top_eigenvalue(cov)                # keep the feature covariance bounded
            if lam > SCALE_LIMIT:
                cov = cov * (SCALE_LIMIT / lam)
            rows.append(mu)
        kept = [j for j in range(len(rows)) if (n := rows[j].shape[0]) == width]
        self.history.append((basis.uses, used(), len(kept)))
        return fnp.stack([rows[j] for j in kept])
