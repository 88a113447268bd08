"""Numerical kernels shared by the segment runners: products, square roots, ReLU moments.

Kept apart from estimator.py so they can be unit-tested without whestbench. Everything here
takes and returns flopscope arrays; plain numpy only builds index sets and masks.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np

import flopscope.numpy as fnp

log = logging.getLogger("segment_portfolio.kernels")

SQRT_2PI = math.sqrt(2.0 * math.pi)
TINY = 1e-12
HUGE = 1e30


class FactorError(RuntimeError):
    """Every rung of a square-root ladder failed."""


# --------------------------------------------------------------------------------------------
# Timing (diagnostics only: never steers anything)
# --------------------------------------------------------------------------------------------


@dataclass
class Timings:
    spans: dict = field(default_factory=dict)

    @contextlib.contextmanager
    def span(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.spans.setdefault(name, []).append(time.perf_counter() - start)

    def report(self) -> str:
        return "; ".join(f"{k}: {sum(v) * 1e3:.1f}ms/{len(v)}" for k, v in self.spans.items())


# --------------------------------------------------------------------------------------------
# Strassen (classic 7-product form, one padding row when odd)
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def strassen_flops(n: int, leaf: int) -> int:
    """The planner's price of strassen(n x n, leaf): 7 recursive products + 18 additions."""
    if leaf <= 0 or n <= leaf:
        return n * n * (2 * n - 1)
    h = (n + 1) // 2
    return 7 * strassen_flops(h, leaf) + 18 * h * h


def pick_leaf(n: int, choices=(16, 24, 32, 64, 128)) -> int:
    """The leaf with the fewest planned FLOPs, 0 when plain products are cheapest."""
    best, best_cost = 0, strassen_flops(n, 0)
    for leaf in choices:
        if leaf >= n:
            break
        cost = strassen_flops(n, leaf)
        if cost < best_cost:
            best, best_cost = leaf, cost
    return best


def _split(m):
    h = m.shape[0] // 2
    return m[:h, :h], m[:h, h:], m[h:, :h], m[h:, h:]


def strassen(a, b, leaf: int):
    n = a.shape[0]
    if leaf <= 0 or n <= leaf:
        return a @ b
    odd = n % 2
    if odd:
        a = fnp.pad(a, ((0, 1), (0, 1)))
        b = fnp.pad(b, ((0, 1), (0, 1)))
    a11, a12, a21, a22 = _split(a)
    b11, b12, b21, b22 = _split(b)
    p = functools.partial(strassen, leaf=leaf)
    m1 = p(a11 + a22, b11 + b22)
    m2 = p(a21 + a22, b11)
    m3 = p(a11, b12 - b22)
    m4 = p(a22, b21 - b11)
    m5 = p(a11 + a12, b22)
    m6 = p(a21 - a11, b11 + b12)
    m7 = p(a12 - a22, b21 + b22)
    c = fnp.block([[m1 + m4 - m5 + m7, m3 + m5], [m2 + m4, m1 - m2 + m3 + m6]])
    return c[:n, :n] if odd else c


def sandwich(w, cov, leaf: int):
    """w.T @ cov @ w, both products through strassen, symmetrised."""
    out = strassen(strassen(w.T, cov, leaf), w, leaf)
    return (out + out.T) * 0.5


# --------------------------------------------------------------------------------------------
# ReLU moments
# --------------------------------------------------------------------------------------------


def relu_moments(mu, var):
    """E[relu z], Var[relu z], P(z > 0) for z ~ N(mu, var) elementwise."""
    sd = fnp.sqrt(fnp.maximum(var, TINY))
    a = mu / sd
    pdf = fnp.exp(-0.5 * a * a) / SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (a + 0.044715 * a * a * a)))
    m = mu * cdf + sd * pdf
    v = (mu * mu + var) * cdf + mu * sd * pdf - m * m
    return m, fnp.maximum(v, 0.0), cdf


def gain_cov(cov_pre, gain, var_out):
    """The linearised post-ReLU covariance D C D, with the exact variances on the diagonal."""
    n = cov_pre.shape[0]
    cov = cov_pre * fnp.outer(gain, gain)
    mask = np.eye(n, dtype=bool)
    return fnp.where(mask, fnp.diag(var_out), cov)


# --------------------------------------------------------------------------------------------
# Square roots: cholesky -> Newton-Schulz -> eigh -> diagonal
# --------------------------------------------------------------------------------------------


@dataclass
class RootResult:
    root: object
    method: str
    iterations: int = 0
    residual: float = 0.0

    @property
    def exact(self) -> bool:
        return self.method == "cholesky"


def newton_schulz_sqrt(c, cap: int, tol: float):
    """Square root of an SPD matrix by the coupled Newton-Schulz iteration on c / ||c||."""
    n = c.shape[0]
    norm = float(fnp.linalg.norm(c))
    if not math.isfinite(norm) or norm <= 0.0:
        raise FactorError(f"Newton-Schulz on a matrix of norm {norm}")
    y = c / norm
    z = fnp.eye(n)
    eye3 = 3.0 * fnp.eye(n)
    it, err = 0, math.inf
    while it < cap and err > tol:
        t = 0.5 * (eye3 - z @ y)
        y = y @ t
        z = t @ z
        err = float(fnp.max(fnp.abs(y @ y - c / norm)))
        it += 1
    return y * math.sqrt(norm), it, err


def matrix_root(c, jitter: float, ns_cap: int, ns_tol: float) -> RootResult:
    n = c.shape[0]
    try:
        return RootResult(fnp.linalg.cholesky(c + jitter * fnp.eye(n)), "cholesky")
    except np.linalg.LinAlgError:
        log.debug("cholesky failed, trying Newton-Schulz")
    try:
        root, it, err = newton_schulz_sqrt(c, ns_cap, ns_tol)
        if err < 10 * ns_tol:
            return RootResult(root, "newton_schulz", it, err)
    except FactorError as exc:
        log.debug(f"newton-schulz refused: {exc}")
    try:
        vals, vecs = fnp.linalg.eigh(c)
        return RootResult(vecs * fnp.sqrt(fnp.clip(vals, 0.0, None)), "eigh")
    except np.linalg.LinAlgError:
        pass
    d = fnp.diag(c)
    if not fnp.all(fnp.isfinite(d)):
        raise FactorError("non-finite diagonal")
    return RootResult(fnp.diag(fnp.sqrt(fnp.maximum(d, 0.0))), "diag")


# --------------------------------------------------------------------------------------------
# Low rank by energy
# --------------------------------------------------------------------------------------------


def energy_rank(vals, keep: float, floor: int, cap: int) -> int:
    """Smallest k whose top-k eigenvalues hold ``keep`` of the positive spectrum."""
    order = fnp.argsort(-vals)
    top = fnp.maximum(vals[order], 0.0)
    cum = fnp.cumsum(top)
    total = float(cum[-1])
    if total <= 0.0:
        return floor
    k = int(np.searchsorted(np.asarray(cum), keep * total)) + 1
    return int(np.clip(k, floor, cap))


def low_rank_cov(cov, keep: float, floor: int, cap: int):
    """(factor, residual diagonal, k): cov ~ factor @ factor.T + diag(resid)."""
    vals, vecs = fnp.linalg.eigh(cov)
    k = energy_rank(vals, keep, floor, cap)
    idx = np.argsort(-np.asarray(vals))[:k]
    factor = vecs[:, idx] * fnp.sqrt(fnp.maximum(vals[idx], 0.0))
    resid = fnp.maximum(fnp.diag(cov) - fnp.sum(factor * factor, axis=1), 0.0)
    return factor, resid, k


# --------------------------------------------------------------------------------------------
# Sampling helpers
# --------------------------------------------------------------------------------------------


def sample_budget(per_sample: int, spend: int, lo: int, hi: int, even: bool = True) -> int:
    n = spend // max(per_sample, 1)
    n = max(lo, min(hi, n))
    if even and n % 2:
        n -= 1
    return max(n, 2)


def antithetic(rng, n: int, width: int):
    half = rng.standard_normal((n // 2, width))
    return fnp.concatenate([half, -half], axis=0)


def batched(total: int, size: int):
    """Sizes of consecutive batches summing to ``total``."""
    while total > 0:
        take = min(size, total)
        yield take
        total -= take


def check_finite(x, what: str):
    if not fnp.all(fnp.isfinite(x)):
        raise FloatingPointError(f"{what} is not finite")
    return x
