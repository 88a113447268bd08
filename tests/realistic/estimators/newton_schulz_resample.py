"""Moment-matched resampling with a Newton-Schulz matrix square root ("newton_schulz_resample").

Two of us, one from numerical linear algebra, one from particle filters.

Per layer we carry a Gaussian (m, C) for the *post*-activation and:

  1. push it through the linear map exactly: m' = W^T m, C' = W^T C W;
  2. draw n samples z = m' + S eps with S = C'^{1/2};
  3. apply the ReLU, and re-estimate (m, C) from the samples (the "resampling" step:
     the ReLU's effect on the correlations comes from the samples, not a closed form).

The square root comes from a coupled Newton-Schulz iteration (matmuls only, so it is
cheap on GPUs, and flopscope bills it as plain matmuls).  It runs until the residual
||I - Z Y||_F drops below TOL or MAX_IT iterations, whichever comes first; the number
of iterations depends on the spectrum, so on the network.

Safety: the result is checked (||S S - C'|| / ||C'||); if the check fails we fall back
to a Cholesky factor (which is not symmetric but serves just as well for sampling) and,
if *that* raises, to the diagonal.  Covariances past 1e30 are rescaled.
"""

import math
from dataclasses import dataclass

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

TOL = 1e-3
MAX_IT = 12
CHECK_TOL = 1e-2
RESCALE_AT = 1e30
N_MIN, N_MAX = 64, 8192


@dataclass
class Sizing:
    n: int
    ns_budget_ok: bool


def plan(width: int, depth: int, budget: int) -> Sizing:
    # Newton-Schulz: three products per iteration (2 w^3 each), MAX_IT of them, per layer
    # (worst case), plus the check and W^T C W
    ns = depth * (MAX_IT * 6 + 4) * width ** 3
    ns_ok = ns < 0.4 * budget
    left = budget * 0.45 - (ns if ns_ok else depth * 8 * width ** 3)
    # eps @ root.T and the covariance re-estimate: two (n, w) x (w, w) products per layer
    per_sample = depth * (4 * width * width + 8 * width) + 20 * width
    n = int(left // per_sample) if left > 0 else 0
    n = max(N_MIN, min(N_MAX, n))
    n = 1 << (n.bit_length() - 1)  # power of two, rounding down
    return Sizing(n=n, ns_budget_ok=ns_ok)


# ------------------------------------------------------------------ square roots


def newton_schulz_sqrt(c):
    """S with S S ~ c for symmetric positive (semi)definite c (coupled iteration)."""
    n = c.shape[0]
    eye = fnp.eye(n, dtype=c.dtype)
    s = fnp.sqrt(fnp.sum(c * c))       # Frobenius norm: the iteration needs ||c/s|| < 1
    y = c / s
    z = eye
    it = 0
    resid = fnp.sqrt(fnp.sum((eye - z @ y) ** 2))
    while it < MAX_IT and float(resid) > TOL:
        t = 0.5 * (3.0 * eye - z @ y)
        y = y @ t
        z = t @ z
        resid = fnp.sqrt(fnp.sum((eye - z @ y) ** 2))
        it += 1
    return y * fnp.sqrt(s)


def denman_beavers_sqrt(c, iters=6):
    """The other classic: Y <- (Y + Z^-1)/2, Z <- (Z + Y^-1)/2.  Needs two inverses per step,
    so it lost to Newton-Schulz on cost; kept for the comparison plots in the write-up."""
    y = c
    z = fnp.eye(c.shape[0], dtype=c.dtype)
    for _ in range(iters):
        y_next = 0.5 * (y + fnp.linalg.inv(z))
        z = 0.5 * (z + fnp.linalg.inv(y))
        y = y_next
    return y


@dataclass
class Diagnostics:
    """What we print in local runs (the grader never sees it)."""

    layers: int = 0
    rescaled: int = 0
    fallbacks: int = 0

    def record(self, rescaled: bool, fell_back: bool) -> None:
        self.layers += 1
        self.rescaled += int(rescaled)
        self.fallbacks += int(fell_back)

    def line(self) -> str:
        return f"{self.layers} layers, {self.rescaled} rescales, {self.fallbacks} fallbacks"


def sqrt_error(root, c):
    num = fnp.sqrt(fnp.sum((root @ root - c) ** 2))
    den = fnp.sqrt(fnp.sum(c * c)) + 1e-30
    return float(num / den)


def matrix_root(c, use_ns: bool):
    """(root, fell_back): Newton-Schulz when planned and it passes the check, else Cholesky,
    else the diagonal."""
    if use_ns:
        root = newton_schulz_sqrt(c)
        if sqrt_error(root, c) < CHECK_TOL:
            return root, False
    try:
        return fnp.linalg.cholesky(c + 1e-9 * fnp.eye(c.shape[0], dtype=c.dtype)), use_ns
    except fnp.linalg.LinAlgError:
        return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(c), 0.0))), True


def resample(rng, m_pre, root, n, scale):
    """n draws of relu(m + root eps), then their mean and covariance."""
    width = m_pre.shape[0]
    eps = rng.standard_normal((n, width)).astype(fnp.float32)
    z = m_pre[None, :] + eps @ root.T
    h = fnp.maximum(z, 0.0) * scale
    mean = fnp.mean(h, axis=0)
    centred = h - mean
    cov = (centred.T @ centred) / (n - 1)
    return mean, cov


# ------------------------------------------------------------------ estimator


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width = mlp.width
        sz = plan(width, mlp.depth, budget)
        rng = fnp.random.default_rng(mlp.seed)
        mean = fnp.zeros(width, dtype=fnp.float32)
        cov = fnp.eye(width, dtype=fnp.float32)
        rows = []
        diag = Diagnostics()
        for w in mlp.weights:
            m_pre = w.T @ mean
            c_pre = w.T @ cov @ w
            peak = float(fnp.max(fnp.abs(c_pre)))
            scale = 1.0
            if peak > RESCALE_AT:
                scale = math.sqrt(peak)
                c_pre = c_pre / peak
                m_pre = m_pre / scale
            root, fell_back = matrix_root(c_pre, sz.ns_budget_ok)
            diag.record(scale != 1.0, fell_back)
            mean, cov = resample(rng, m_pre, root, sz.n, scale)
            rows.append(mean)
        self.last_diagnostics = diag.line()
        return fnp.stack(rows, axis=0).astype(fnp.float32)
