"""Covariance propagation tuned for flopscope's symmetry discounts ("symmetry_tricks").

Author's note: "read the flopscope cost docs twice; symmetric tensors are billed by their
unique entries".  Everything here computes the usual Gaussian moment-matching
propagation (mean + full covariance, ReLU moments on the diagonal, gain-shrunk
off-diagonal); the point of the file is *how*:

* Grams with the same operand twice (``einsum('ij,kj->ik', a, a)``) are recognised as
  symmetric and billed at about half;
* the propagated covariance is re-tagged with ``flops.as_symmetric`` after operations
  that lose the tag, so the next elementwise ops are billed per unique entry;
* W^T C W is computed as (L^T W)^T (L^T W) with L a Cholesky factor of C when C is
  positive definite -- one triangular-ish product and one symmetric Gram instead of two
  dense products; if the factorisation fails we do it the dense way;
* a symmetric square root via eigh for a whitened diagnostic (logged, not used).
"""

from __future__ import annotations

import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

VAR_FLOOR = 1e-10
JITTER = 1e-6
DIAGNOSTICS = False


def gram_rows(a):
    """a a^T, billed as a symmetric result (same operand twice)."""
    return fnp.einsum("ij,kj->ik", a, a)


def relu_moments(mu, var):
    var = fnp.maximum(var, VAR_FLOOR)
    sd = fnp.sqrt(var)
    alpha = mu / sd
    cdf = flops.stats.norm.cdf(alpha)
    pdf = flops.stats.norm.pdf(alpha)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def dense_cost(n: int) -> int:
    """Two dense products W^T C, (W^T C) W."""
    return 2 * n * n * (2 * n - 1)


def cholesky_cost(n: int) -> int:
    """Cholesky (billed ~2n^3/3 by flopscope), L^T W, then a half-price Gram."""
    return (2 * n ** 3) // 3 + n * n * (2 * n - 1) + (n * n * (2 * n - 1)) // 2


def use_cholesky(n: int) -> bool:
    # the symmetric Gram only pays once the factorisation is amortised (n >= 4 in practice)
    return cholesky_cost(n) < dense_cost(n)


def sandwich(w, cov):
    """W^T C W through a Cholesky factor when possible (a symmetric Gram), else densely."""
    n = cov.shape[0]
    if not use_cholesky(n):
        dense = w.T @ cov @ w
        return flops.as_symmetric(0.5 * (dense + dense.T), symmetry=(0, 1))
    try:
        chol = fnp.linalg.cholesky(cov + JITTER * fnp.eye(n, dtype=cov.dtype))
    except fnp.linalg.LinAlgError:
        dense = w.T @ cov @ w
        return flops.as_symmetric(0.5 * (dense + dense.T), symmetry=(0, 1))
    b = chol.T @ w                      # (n, n): C = L L^T  =>  W^T C W = (L^T W)^T (L^T W)
    return fnp.einsum("ji,jk->ik", b, b)


def shrink(cov_pre, gate, var_post):
    """Gate-shrunk off-diagonal, exact ReLU variances on the diagonal."""
    gg = fnp.outer(gate, gate)          # outer(g, g): symmetric by construction
    off = gg * cov_pre
    diag_fix = fnp.diag(var_post - fnp.diagonal(off))
    return flops.as_symmetric(off + diag_fix, symmetry=(0, 1))


def whitened_check(cov):
    """max |C^{-1/2} C C^{-1/2} - I|: should be ~0 (only computed when DIAGNOSTICS)."""
    vals, vecs = fnp.linalg.eigh(cov)
    inv_sqrt = (vecs * (1.0 / fnp.sqrt(fnp.maximum(vals, VAR_FLOOR)))) @ vecs.T
    eye = fnp.eye(cov.shape[0], dtype=cov.dtype)
    return fnp.max(fnp.abs(inv_sqrt @ cov @ inv_sqrt - eye))


def effective_rank(cov):
    """(tr C)^2 / tr(C^2): how many directions carry the variance (a diagnostic)."""
    tr = fnp.trace(cov)
    tr2 = fnp.einsum("ij,ji->", cov, cov)
    return tr * tr / tr2


def triangular_pack(cov):  # the packed storage we planned to ship between layers; unused
    rows, cols = fnp.triu_indices(cov.shape[0])
    return cov[rows, cols]


class LayerStats:
    """What DIAGNOSTICS collects per layer."""

    __slots__ = ("whiten_error", "eff_rank")

    def __init__(self, whiten_error: float, eff_rank: float):
        self.whiten_error = whiten_error
        self.eff_rank = eff_rank

    def __repr__(self) -> str:
        return f"LayerStats(err={self.whiten_error:.2e}, rank={self.eff_rank:.1f})"


class Propagator:
    def __init__(self, width: int):
        self.mean = fnp.zeros(width, dtype=fnp.float32)
        self.cov = flops.as_symmetric(fnp.eye(width, dtype=fnp.float32), symmetry=(0, 1))
        self.history = []

    def step(self, w):
        mu = w.T @ self.mean
        cov_pre = sandwich(w, self.cov)
        mean, var, gate = relu_moments(mu, fnp.diagonal(cov_pre))
        self.cov = shrink(cov_pre, gate.astype(fnp.float32), var.astype(fnp.float32))
        self.mean = mean.astype(fnp.float32)
        if DIAGNOSTICS:
            self.history.append(LayerStats(float(whitened_check(self.cov)), float(effective_rank(self.cov))))
        return self.mean


def first_layer_closed_form(w0):
    """E relu(W^T x) for x ~ N(0, I): the column norms of W over sqrt(2 pi)."""
    g = gram_rows(w0.T)                 # W^T W, symmetric
    return fnp.sqrt(fnp.diagonal(g)) / math.sqrt(2.0 * math.pi)


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width = mlp.width
        # the full-covariance path costs ~3 w^3 per layer (Cholesky + two products)
        if mlp.depth * 3 * width ** 3 > budget // 2:
            row = first_layer_closed_form(mlp.weights[0])
            return fnp.stack([row] * mlp.depth, axis=0)
        prop = Propagator(width)
        rows = [prop.step(w) for w in mlp.weights]
        return fnp.stack(rows, axis=0)
