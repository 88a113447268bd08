"""Covariance propagation with a deflated block power method ("locked_subspace").

Per layer the pre-activation covariance is split into its top-k invariant subspace and a
diagonal remainder. The subspace is found by block power iteration with Rayleigh-Ritz:
each sweep multiplies the still-active columns, projects out the locked (converged) ones,
re-orthonormalises with a QR, and solves the small projected eigenproblem with eigh (an
eigvalsh-free fallback to the diagonal when LAPACK refuses). Columns whose residual falls
under the tolerance are locked and drop out of later sweeps, so a sweep costs less as the
iteration converges. The sweep cap and k come from the budget.

Variances past 1e30 are rescaled by a power of two (the exponent is carried, not the
product), and only an active set of neurons (argpartition of the variance) gets the
low-rank correction; the rest keep the diagonal closure.
"""

from __future__ import annotations

import math

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HUGE = 1e30
RESCALE_EXP = -100
RES_TOL = 1e-6
SEED = 5


def sweep_cost(n: int, k: int) -> int:
    # C @ Q twice (the sweep and the residual), the projection against the locked columns,
    # a QR (charged like 2 n k^2 per Householder pass, twice), the Ritz product and eigh
    return 6 * n * n * k + 4 * n * k * k + 12 * n * k * k + 40 * k ** 3


def choose(width: int, depth: int, budget: int):
    """(k, sweeps, active) -- k == 0 means the diagonal closure alone."""
    base = depth * (6 * width ** 3 + 120 * width)
    if base > budget // 2:
        return 0, 0, 0
    spare = (budget // 2 - base) // max(depth, 1)
    for k in (8, 6, 4, 2):
        if k >= width:
            continue
        sweeps = spare // sweep_cost(width, k)
        if sweeps >= 3:
            return k, int(min(sweeps, 12)), max(k, width // 4)
    return 0, 0, 0


def relu_moments(mu, var):
    sd = fnp.sqrt(var + 1e-30)
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) * (1.0 / math.sqrt(2.0 * math.pi))
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z * z * z)))
    m1 = mu * cdf + sd * pdf
    return m1, fnp.maximum((mu * mu + var) * cdf + mu * sd * pdf - m1 * m1, 0.0)


class Subspace:
    """Locked and active columns of the block iteration."""

    def __init__(self, n: int, k: int, rng):
        q, _ = fnp.linalg.qr(rng.standard_normal((n, k)))
        self.active = q
        self.locked = fnp.zeros((n, 0))
        self.locked_vals = fnp.zeros(0)
        self.sweeps = 0

    @property
    def n_locked(self) -> int:
        return int(self.locked.shape[1])

    @property
    def done(self) -> bool:
        return self.active.shape[1] == 0

    def basis(self):
        return fnp.concatenate([self.locked, self.active], axis=1)

    def values(self, active_vals):
        return fnp.concatenate([self.locked_vals, active_vals])


def deflate(z, locked):
    if locked.shape[1] == 0:
        return z
    return z - locked @ (locked.T @ z)


def ritz(c, q):
    t = q.T @ (c @ q)
    t = 0.5 * (t + t.T)
    try:
        vals, vecs = fnp.linalg.eigh(t)
    except np.linalg.LinAlgError:
        vals, vecs = fnp.diag(t), fnp.eye(t.shape[0])
    order = fnp.argsort(-vals)
    return fnp.take(vals, order), vecs[:, order]


def block_power(c, k: int, sweeps: int, rng):
    sub = Subspace(c.shape[0], k, rng)
    act_vals = fnp.zeros(k)
    while not sub.done and sub.sweeps < sweeps:
        z = deflate(c @ sub.active, sub.locked)
        q, _ = fnp.linalg.qr(z)
        act_vals, vecs = ritz(c, q)
        q = q @ vecs
        resid = fnp.linalg.norm(c @ q - q * act_vals[None, :], axis=0)
        scale = fnp.maximum(fnp.abs(act_vals), 1e-12)
        conv = resid <= RES_TOL * scale
        # lock a leading run of converged columns only (the order is by value)
        n_new = 0
        for flag in conv:
            if not bool(flag):
                break
            n_new += 1
        if n_new:
            sub.locked = fnp.concatenate([sub.locked, q[:, :n_new]], axis=1)
            sub.locked_vals = fnp.concatenate([sub.locked_vals, act_vals[:n_new]])
        sub.active = q[:, n_new:]
        act_vals = act_vals[n_new:]
        sub.sweeps += 1
    return sub.values(act_vals), sub.basis(), sub.sweeps


def rescale(cov):
    """Shrink by 2**RESCALE_EXP while the trace is past HUGE; return the exponent used."""
    exp = 0
    while float(fnp.trace(cov)) > HUGE and exp > -1000:
        cov = cov * (2.0 ** RESCALE_EXP)
        exp += RESCALE_EXP
    return cov, exp


class Estimator(BaseEstimator):
    def __init__(self):
        self.history = []

    def setup(self, context=None):
        self.history = []

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        k, sweeps, n_active = choose(width, depth, budget)
        rng = fnp.random.default_rng(SEED)
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        cov = fnp.eye(width) if k else None
        rows = []
        used = []
        for i, w in enumerate(mlp.weights):
            mu = mean @ w
            if cov is None:
                pre_var = var @ (w * w)
                mean, var = relu_moments(mu, pre_var)
                rows.append(mean)
                continue
            c = w.T @ cov @ w
            c, exp = rescale(c)
            vals, basis, n_sweeps = block_power(c, k, sweeps, rng)
            used.append(n_sweeps)
            vals = fnp.maximum(vals, 0.0)
            low = fnp.sum(basis * basis * vals[None, :], axis=1)
            diag = fnp.diag(c)
            remainder = fnp.maximum(diag - low, 0.0)
            pre_var = diag
            idx = fnp.argpartition(diag, -n_active)[-n_active:]
            corrected = low + remainder
            pre_var = fnp.where(fnp.isin(fnp.arange(width), idx), corrected, diag)
            if exp:
                pre_var = pre_var * (2.0 ** -exp)
            mean, var = relu_moments(mu, pre_var)
            if not fnp.all(fnp.isfinite(var)):
                var = fnp.nan_to_num(var, nan=0.0, posinf=HUGE)
            # keep the low-rank part of the output covariance through the next layer
            gain = (mean / fnp.sqrt(pre_var + 1e-30))[:, None]
            proj = basis * gain
            cov = fnp.diag(var) + 0.1 * (proj * vals[None, :]) @ proj.T
            rows.append(mean)
        self.history.append(tuple(used))
        return fnp.stack(rows)
