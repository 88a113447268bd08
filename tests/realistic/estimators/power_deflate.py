"""Covariance propagation with a budget-planned spectral step ("power_deflate").

Per layer the pre-activation covariance is summarised by its top-k eigenpairs; how they are
found is picked by a memoised cost model: a full eigh when it fits, else power iteration
with deflation (a while loop per pair that stops when the Rayleigh quotient settles), else
a randomised SVD sketch. The spread of each neuron is read off the low-rank part plus a
diagonal remainder. An active set (neurons whose variance is a large share of the peak,
found by a boolean mask and fnp.nonzero, capped by argsort) gets a small conditional-mean
correction solved by a Cholesky -> solve -> lstsq ladder. Big covariances are rescaled by a
power of two; every layer ends with an isfinite safety net.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

BIG = 1e8
SCALE = 2.0 ** -20
POWER_TOL = 1e-4
POWER_MAX = 12
PLAN_ITERS = 6   # what the planner expects a pair to take


@dataclass(frozen=True)
class Plan:
    method: str
    rank: int
    samples: int
    active_cap: int


@dataclass
class Config:
    spectral_share: float = 0.15
    sample_share: float = 0.05
    rank_share: float = 0.25
    min_rank: int = 2
    max_samples: int = 256
    min_samples: int = 8
    active_frac: float = 0.6
    schedule: list = field(default_factory=lambda: [1.0, 0.8, 0.6, 0.5])


@functools.lru_cache(maxsize=None)
def eigh_cost(n: int) -> int:
    return 9 * n ** 3


@functools.lru_cache(maxsize=None)
def power_cost(n: int, rank: int, iters: int) -> int:
    # one matvec, a norm, a Rayleigh quotient and the deflation per step, per pair
    return rank * iters * (2 * n * n + 6 * n) + rank * 2 * n * n


@functools.lru_cache(maxsize=None)
def sketch_cost(n: int, rank: int) -> int:
    over = rank + 4
    return 2 * n * n * over + 4 * n * over * over + 2 * n * n * over + 12 * over ** 3


def plan_layer(width: int, depth: int, budget: int, cfg: Config) -> Plan:
    rank = max(cfg.min_rank, min(width, int(cfg.rank_share * width)))
    room = cfg.spectral_share * budget / max(depth, 1)
    costs = {
        "eigh": eigh_cost(width),
        "power": power_cost(width, rank, PLAN_ITERS),
        "sketch": sketch_cost(width, rank),
    }
    method = "diag"
    for name in ("eigh", "power", "sketch"):
        if costs[name] <= room:
            method = name
            break
    per_sample = 2 * width * width * depth
    samples = int(cfg.sample_share * budget / max(per_sample, 1))
    samples = max(cfg.min_samples, min(cfg.max_samples, samples))
    if samples * per_sample > 0.5 * budget:
        samples = 0
    cap = max(2, width // 4)
    return Plan(method, rank, samples, cap)


def power_pairs(cov, rank: int):
    """Top ``rank`` eigenpairs by power iteration with deflation."""
    n = cov.shape[0]
    work = cov
    vals, vecs = [], []
    for j in range(rank):
        v = fnp.ones(n) / math.sqrt(n) + 0.01 * fnp.arange(n) / n
        v = v / fnp.linalg.norm(v)
        lam, prev = 0.0, math.inf
        it = 0
        while abs(lam - prev) > POWER_TOL * max(abs(lam), 1.0) and it < POWER_MAX:
            prev = lam
            w = work @ v
            nrm = float(fnp.linalg.norm(w))
            if nrm == 0.0:
                break
            v = w / nrm
            lam = float(v @ (work @ v))
            it += 1
        vals.append(lam)
        vecs.append(v)
        work = work - lam * fnp.outer(v, v)
    return fnp.asarray(vals), fnp.stack(vecs, axis=1)


def sketch_pairs(cov, rank: int, rng):
    over = rank + 4
    omega = rng.standard_normal((cov.shape[0], over))
    q, _ = fnp.linalg.qr(cov @ omega)
    small = q.T @ cov @ q
    try:
        u, s, _ = fnp.linalg.svd(small)
    except np.linalg.LinAlgError:
        s = fnp.abs(fnp.diag(small))
        u = fnp.eye(over)
    order = fnp.argsort(-s)[:rank]
    return fnp.take(s, order), (q @ u)[:, order]


def spectral_var(cov, plan: Plan, rng):
    """Per-neuron variance: the top-k part plus the diagonal of what is left."""
    d = fnp.diag(cov)
    if plan.method == "diag":
        return fnp.maximum(d, 0.0)
    if plan.method == "eigh":
        try:
            vals, vecs = fnp.linalg.eigh(cov)
        except np.linalg.LinAlgError:
            return fnp.maximum(d, 0.0)
        idx = fnp.argpartition(vals, -plan.rank)[-plan.rank:]
        vals, vecs = fnp.take(vals, idx), vecs[:, idx]
    elif plan.method == "power":
        vals, vecs = power_pairs(cov, plan.rank)
    else:
        vals, vecs = sketch_pairs(cov, plan.rank, rng)
    vals = fnp.maximum(vals, 0.0)
    low = fnp.sum(vecs * vecs * vals[None, :], axis=1)
    return low + fnp.maximum(d - low, 0.0)


def solve_ladder(a, b):
    try:
        c = fnp.linalg.cholesky(a)
        y = fnp.linalg.solve(c, b)
        return fnp.linalg.solve(c.T, y)
    except np.linalg.LinAlgError:
        pass
    try:
        return fnp.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        sol, *_ = fnp.linalg.lstsq(a, b, rcond=None)
        return sol


def relu_mean_var(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) * (1.0 / math.sqrt(2.0 * math.pi))
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z * z * z)))
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0)


class Estimator(BaseEstimator):
    def __init__(self):
        self.cfg = Config()

    def setup(self, context=None):
        self.calls = 0

    def sampled_means(self, mlp, n: int, rng):
        x = rng.standard_normal((n, mlp.width))
        out = []
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
            out.append(fnp.mean(x, axis=0))
        return out

    def correct(self, mean, cov, w_next, cap: int):
        """Conditional-mean correction on the active set."""
        var = fnp.diag(cov)
        peak = float(fnp.max(var))
        if peak <= 0.0:
            return mean
        mask = var >= self.cfg.active_frac * peak
        idx = fnp.nonzero(mask)[0]
        if idx.shape[0] > cap:
            order = fnp.argsort(-fnp.take(var, idx))[:cap]
            idx = fnp.take(idx, order)
        k = int(idx.shape[0])
        if k < 2:
            return mean
        block = cov[fnp.ix_(idx, idx)] + 1e-6 * fnp.eye(k)
        rhs = fnp.take(mean, idx)[:, None]
        coef = solve_ladder(block, rhs)[:, 0]
        shift = fnp.zeros(mean.shape[0])
        onehot = (idx[:, None] == fnp.arange(mean.shape[0])[None, :]).astype(mean.dtype)
        shift = shift + (0.01 * coef) @ onehot
        return mean + shift

    def predict(self, mlp, budget):
        self.calls = getattr(self, "calls", 0) + 1
        width, depth = mlp.width, mlp.depth
        cfg = self.cfg
        plan = plan_layer(width, depth, budget, cfg)
        rng = fnp.random.default_rng(11)
        sampled = self.sampled_means(mlp, plan.samples, rng) if plan.samples else None
        weights = np.interp(np.arange(depth), np.arange(len(cfg.schedule)), np.asarray(cfg.schedule))
        mean = fnp.zeros(width)
        cov = fnp.eye(width)
        rows = []
        for i, w in enumerate(mlp.weights):
            mu = mean @ w
            cov_pre = w.T @ cov @ w
            norm = float(fnp.linalg.norm(cov_pre))
            scaled = norm > BIG
            if scaled:  # shrink before the spectral step
                cov_pre = cov_pre * SCALE
            var = spectral_var(cov_pre, plan, rng)
            if scaled:  # undo the shrink
                var = var / SCALE
            m1, v1 = relu_mean_var(mu, var)
            if plan.method != "diag" and i + 1 < depth:
                m1 = self.correct(m1, fnp.diag(v1) + 1e-3 * cov_pre, mlp.weights[i + 1], plan.active_cap)
            if sampled is not None:
                a = float(weights[i])
                m1 = a * m1 + (1.0 - a) * sampled[i]
            if not fnp.all(fnp.isfinite(m1)):
                raise FloatingPointError(f"layer {i}: non-finite mean")
            mean = m1
            cov = fnp.diag(v1)
            rows.append(m1)
        return fnp.stack(rows)
