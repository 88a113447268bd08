"""Numerics shared by the estimator: moments, factorisations with fallbacks, cost model."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp

TINY = 1e-12


@dataclass
class LayerState:
    """What one layer hands to the next."""
    mean: object
    var: object
    basis: object = None
    notes: list = field(default_factory=list)


def relu_mv(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, TINY))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    m = mu * cdf + sd * pdf
    s = (mu * mu + var) * cdf + mu * sd * pdf
    return m, fnp.maximum(s - m * m, 0.0), cdf


def all_finite(x) -> bool:
    return bool(fnp.all(fnp.isfinite(x)))


def rank_for(width: int, widths: np.ndarray, ranks: np.ndarray) -> int:
    """Offline table lookup (plain numpy on the npz tables: not metered)."""
    i = int(np.searchsorted(widths, width, side="left"))
    i = min(i, len(ranks) - 1)
    return int(ranks[i])


def make_basis(width: int, rank: int, seed: int):
    """Orthonormal random basis (QR of a Gaussian sketch); cached by the caller per width."""
    rng = fnp.random.default_rng(seed)
    G = rng.standard_normal((width, rank))
    try:
        Q, _ = fnp.linalg.qr(G)
    except ValueError:
        Q = G / fnp.linalg.norm(G, axis=0)
    return Q


def whiten(S, jitter: float):
    """S^{-1/2}-ish: cholesky, else eigh with a floor, else the diagonal."""
    k = S.shape[0]
    try:
        L = fnp.linalg.cholesky(S + jitter * fnp.eye(k))
        return fnp.linalg.inv(L)
    except ValueError:
        pass
    try:
        ev, V = fnp.linalg.eigh(S)
        ev = fnp.maximum(ev, jitter)
        return (V / fnp.sqrt(ev)) @ V.T
    except ValueError:
        return fnp.diag(1.0 / fnp.sqrt(fnp.maximum(fnp.diagonal(S), jitter)))


def sketch_layer(state: LayerState, W, Q, damp: float) -> LayerState:
    """Mean + diag var + a rank-k correction in the cached basis Q (n x k)."""
    mu_pre = state.mean @ W
    var_pre = (W * W).T @ state.var
    P = W.T @ Q                                  # n x k
    S = P.T @ P                                  # k x k
    T = whiten(S, 1e-6)
    corr = fnp.sum((P @ T) ** 2, axis=1) / P.shape[1]
    var_pre = var_pre * damp + (1.0 - damp) * corr
    m, v, slope = relu_mv(mu_pre, var_pre)
    return LayerState(m, v, Q, [f"k={Q.shape[1]}"])


def diag_layer(state: LayerState, W, damp: float) -> LayerState:
    mu_pre = state.mean @ W
    var_pre = (W * W).T @ state.var
    m, v, _ = relu_mv(mu_pre, var_pre * damp)
    return LayerState(m, v)


def sample_means(weights, n_samples: int, seed: int):
    rng = fnp.random.default_rng(seed)
    X = rng.standard_normal((n_samples, weights[0].shape[0]), dtype=fnp.float32)
    rows = []
    for W in weights:
        X = fnp.maximum(X @ W, 0.0)
        rows.append(fnp.mean(X, axis=0))
    return fnp.stack(rows)


def cost_sketch(n: int, d: int, k: int) -> int:
    return d * (8 * n * n + 4 * n * n * k + 4 * n * k * k + 2 * k ** 3 + 400 * n)


def cost_diag(n: int, d: int) -> int:
    return d * (8 * n * n + 300 * n)


def cost_samples(n: int, d: int, s: int) -> int:
    return d * s * (2 * n * n + 2 * n) + 2 * s * n


def samples_that_fit(n: int, d: int, room: int, cap: int = 4096) -> int:
    s = 8
    while s * 2 <= cap and cost_samples(n, d, s * 2) <= room:
        s *= 2
    return s if cost_samples(n, d, s) <= room else 0


def geometric_level(level: int, max_level: int) -> float:
    return 1.0 - 0.5 ** (1 + min(level, max_level))


def entropy_bits(p: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
