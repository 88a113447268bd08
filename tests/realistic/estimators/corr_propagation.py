"""Correlation-matrix propagation with clipping and a sampled anchor ("corr_propagation").

Team "symmetric or bust".  We carry per-layer (mean, standard deviations, correlation
matrix) instead of a covariance: correlations live in [-1, 1], so clipping keeps the
propagation stable without rescaling.  The covariance is rebuilt when needed as
``corr * outer(sd, sd)``.  Flopscope's symmetry discounts were the reason for the design:
Grams made with the same operand twice, outer products of one vector, and elementwise
maps of symmetric matrices are billed by their unique entries.

Per layer:

* pre-activation covariance ``W^T C W`` (a sandwich, one einsum), its diagonal and the
  correlation ``C_pre / outer(sd, sd)``, clipped to [-1, 1];
* ReLU moments per unit from the diagonal; the post-activation correlation by the
  first-order (arcsine-free) approximation ``rho_post = rho_pre * g_i g_j`` with gains
  ``g`` from the pdf, its diagonal reset to one with a mask;
* every few layers a small sampled batch re-anchors the correlation of the strongest
  units (their sample correlation replaces the propagated block).

The anchor batch size and cadence come from the budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SQRT_2PI = math.sqrt(2.0 * math.pi)
FLOOR = 1e-10


def plan(width: int, depth: int, budget: int) -> dict:
    per_layer = 4 * width ** 3 + 40 * width * width
    spare = budget - depth * per_layer
    anchor_n = 0
    every = depth + 1
    if spare > 0:
        anchor_n = max(8, min(256, spare // (16 * depth * width * width + 1)))
        anchor_n -= anchor_n % 8
        every = 2 if spare > depth * per_layer else 3
    k = max(2, width // 4)
    repair = spare > depth * 30 * width ** 3
    return {"n": int(anchor_n), "every": every, "k": k, "repair": repair}


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, FLOOR))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = fnp.exp(-0.5 * a * a) / SQRT_2PI
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def to_corr(cov):
    d = fnp.sqrt(fnp.maximum(fnp.diagonal(cov), FLOOR))
    scale = fnp.outer(d, d)
    corr = fnp.clip(cov / scale, -1.0, 1.0)
    return corr, d


def from_corr(corr, sd):
    return corr * fnp.outer(sd, sd)


def reset_diagonal(corr):
    eye = fnp.eye(corr.shape[0], dtype=bool)
    return fnp.where(eye, 1.0, corr)


def sample_corr(h):
    """Sample correlation of the columns of h (n, k)."""
    n = h.shape[0]
    centred = h - fnp.mean(h, axis=0, keepdims=True)
    g = fnp.einsum("ni,nj->ij", centred, centred) / max(n - 1, 1)
    c, _ = to_corr(g)
    return c


@dataclass
class CorrState:
    """What is carried between layers; the covariance is derived on demand."""

    mu: object
    sd: object
    corr: object
    repairs: int = 0

    @property
    def cov(self):
        return from_corr(self.corr, self.sd)

    @property
    def width(self) -> int:
        return self.mu.shape[0]

    def repair(self, tol: float = 1e-8) -> None:
        """Clipping can leave the correlation slightly indefinite: project onto the PSD cone
        (clip the spectrum at zero, renormalise the diagonal) when it did."""
        lowest = float(fnp.linalg.eigvalsh(self.corr)[0])
        if lowest >= -tol:
            return
        vals, vecs = fnp.linalg.eigh(self.corr)
        fixed = (vecs * fnp.maximum(vals, 0.0)) @ vecs.T
        self.corr, _ = to_corr(fixed)
        self.repairs += 1


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        cfg = plan(width, depth, budget)
        mu = fnp.zeros(width)
        sd = fnp.ones(width)
        corr = fnp.eye(width)
        x = None
        if cfg["n"]:
            rng = fnp.random.default_rng(mlp.seed)
            x = rng.standard_normal((cfg["n"], width)).astype(fnp.float32)
        rows = []
        for i, w in enumerate(mlp.weights):
            w64 = w.astype(fnp.float64)
            cov = from_corr(corr, sd)
            cov_pre = fnp.einsum("ij,ia,jb->ab", cov, w64, w64)
            mu_pre = mu @ w64
            var_pre = fnp.diagonal(cov_pre)
            mean, var, cdf = relu_moments(mu_pre, var_pre)
            rho, _ = to_corr(cov_pre)
            gains = cdf * fnp.sqrt(fnp.maximum(var_pre, FLOOR) / fnp.maximum(var, FLOOR))
            corr = reset_diagonal(fnp.clip(rho * fnp.outer(gains, gains), -1.0, 1.0))
            sd = fnp.sqrt(var)
            mu = mean
            if x is not None:
                x = fnp.maximum(x @ w, 0.0)
                if (i + 1) % cfg["every"] == 0:
                    top = fnp.argsort(-mean)[: cfg["k"]]
                    block = sample_corr(x[:, top])
                    sel = fnp.zeros((width, cfg["k"]))
                    sel = sel + (fnp.arange(width)[:, None] == top[None, :])
                    patch = sel @ (block - corr[top][:, top]) @ sel.T
                    corr = reset_diagonal(corr + patch)
            total = float(fnp.sum(fnp.abs(corr)))
            if not math.isfinite(total):
                corr = fnp.eye(width)
            if i + 1 < depth and cfg["repair"]:
                state = CorrState(mu, sd, corr)
                state.repair()
                corr = state.corr
            rows.append(mu)
        out = fnp.stack(rows)
        return out.astype(fnp.float32)
