"""Second-order moment propagation with a quadratic surrogate of ReLU.

relu(z) is replaced, per unit, by the least-squares quadratic q(z) = c0 + c1 z + c2 z^2 on a
grid spanning +-3 standard deviations around the unit's mean (fitted once per layer on the
standardised grid, then rescaled). For Gaussian z the moments of a quadratic are closed-form:

    E[q]      = c0 + c1 m + c2 (m^2 + s^2)
    Cov(q)    = c1^2 C + 2 c2^2 (C o C) + 2 c1 c2 (C D + D C) + 4 c2^2 (C o m m^T)

with D = diag(m). On top of that:

* a randomized range finder (QR of W @ Omega, then a thin SVD) gives a low-rank view of the
  covariance whose rank comes from the budget; it is used to denoise the covariance;
* the spectral "participation ratio" tr(C)^2 / tr(C^2) and tr(C^4) via matrix_power are
  tracked for diagnostics;
* a Monte Carlo check on a budget-sized batch (clamped) blends in the sampled means of the
  last layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator

GRID = 41
MIN_RANK = 2
MAX_RANK = 32
MIN_BATCH = 16
MAX_BATCH = 1024
EPS = 1e-6


def fit_quadratic():
    """Least-squares quadratic fit of relu on a standard grid: returns fnp coefficients."""
    z = fnp.linspace(-3.0, 3.0, GRID)
    vander = fnp.stack([fnp.ones(GRID), z, z * z], axis=1)
    target = fnp.maximum(z, 0.0)
    coef, resid, rank, sv = fnp.linalg.lstsq(vander, target, rcond=None)
    return coef


@dataclass
class Diagnostics:
    participation: list = field(default_factory=list)
    fourth: list = field(default_factory=list)
    logdets: list = field(default_factory=list)
    ranks: list = field(default_factory=list)


def sketch_rank(width: int, depth: int, budget: int) -> int:
    """Rank of the range finder: what a quarter of the per-layer budget pays for."""
    per_layer = budget // (4 * depth)
    rank = MIN_RANK
    while rank * 2 <= min(MAX_RANK, width) and 6 * width * width * rank * 2 <= per_layer:
        rank *= 2
    return rank


def batch_size(width: int, depth: int, budget: int) -> int:
    n = budget // (10 * width * width * depth)
    return int(np.clip(n, MIN_BATCH, MAX_BATCH))


def quad_moments(mean, cov, coef):
    """Mean and covariance of c0 + c1 z + c2 z^2 for z ~ N(mean, cov), per unit (float32)."""
    c0, c1, c2 = float(coef[0]), float(coef[1]), float(coef[2])
    var = fnp.diagonal(cov)
    m_out = c0 + c1 * mean + c2 * (mean * mean + var)
    hadamard = fnp.einsum("ij,ij->ij", cov, cov)
    mm = fnp.outer(mean, mean)
    dm = cov * mean[None, :]
    cross = dm + dm.T
    cov_out = (c1 * c1) * cov + (2 * c2 * c2) * hadamard + (2 * c1 * c2) * cross + (4 * c2 * c2) * (cov * mm)
    return m_out, cov_out


def low_rank_denoise(cov, layer, rank: int, rng):
    """Project cov onto the range of layer @ Omega (rank columns) and keep the top spectrum."""
    w = cov.shape[0]
    omega = rng.standard_normal((w, rank)).astype(cov.dtype)
    q, _ = fnp.linalg.qr(layer @ omega)
    small = q.T @ cov @ q
    u, s, vt = fnp.linalg.svd(small, full_matrices=False)
    basis = q @ u
    approx = (basis * s) @ basis.T
    resid = cov - approx
    return approx + fnp.diag(fnp.diagonal(resid)), s


class Estimator(BaseEstimator):
    def setup(self, context=None):
        self.rng = fnp.random.default_rng(99)
        self.coef = fit_quadratic()
        self.diag = Diagnostics()

    def _spectral_stats(self, cov):
        tr = fnp.trace(cov)
        sq = cov @ cov
        ratio = float(tr * tr / fnp.maximum(fnp.trace(sq), EPS))
        fourth = float(fnp.trace(fnp.linalg.matrix_power(cov / tr, 4)))
        sign, logdet = fnp.linalg.slogdet(cov + EPS * fnp.eye(cov.shape[0], dtype=cov.dtype))
        self.diag.participation.append(ratio)
        self.diag.fourth.append(fourth)
        self.diag.logdets.append(float(sign * logdet))

    def _monte_carlo(self, mlp, n: int):
        x = self.rng.standard_normal((n, mlp.width)).astype(fnp.float32)
        for layer in mlp.weights:
            x = fnp.maximum(x @ layer, 0.0)
        return fnp.mean(x, axis=0)

    def predict(self, mlp, budget):
        w, d = mlp.width, mlp.depth
        rank = sketch_rank(w, d, budget)
        n_mc = batch_size(w, d, budget)
        self.diag = Diagnostics()
        coef = self.coef
        mean = fnp.zeros(w, dtype=fnp.float32)
        cov = fnp.eye(w, dtype=fnp.float32)
        rows = []
        for i, layer in enumerate(mlp.weights):
            mu_pre = mean @ layer
            cov_pre = layer.T @ cov @ layer
            cov_pre = (cov_pre + cov_pre.T) / 2
            self._spectral_stats(cov_pre)
            if rank < w:
                cov_pre, spectrum = low_rank_denoise(cov_pre, layer, rank, self.rng)
                self.diag.ranks.append(int(fnp.sum(spectrum > EPS * spectrum[0])))
            sd = fnp.sqrt(fnp.maximum(fnp.diagonal(cov_pre), EPS))
            z_mean = mu_pre / sd
            z_cov = cov_pre / fnp.outer(sd, sd)
            m_std, c_std = quad_moments(z_mean, z_cov, coef)
            mean = fnp.maximum(m_std * sd, 0.0)
            cov = c_std * fnp.outer(sd, sd)
            if not fnp.all(fnp.isfinite(cov)):
                raise FloatingPointError(f"covariance blew up at layer {i}")
            rows.append(mean)
        sampled = self._monte_carlo(mlp, n_mc)
        weight = n_mc / (n_mc + 64.0)
        rows[-1] = weight * sampled + (1.0 - weight) * rows[-1]
        # two-layer joint check on a small block (kron of the per-layer blocks)
        if d >= 2 and w >= 4:
            var = fnp.diagonal(cov)
            hot = sorted(range(w), key=lambda j: -float(var[j]))[:4]
            sub = layer[np.ix_(hot, hot)]
            block = fnp.kron(fnp.diag(var[hot]), fnp.dot(sub, sub))
            self.diag.fourth.append(float(fnp.trace(block)))
        return fnp.stack(rows)
