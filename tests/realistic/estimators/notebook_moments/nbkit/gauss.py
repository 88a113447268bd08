"""Gaussian moment formulas for a ReLU, in flopscope.

For z ~ N(m, s^2) and a = m / s:
    E[relu z]   = m Phi(a) + s phi(a)
    E[relu z^2] = (m^2 + s^2) Phi(a) + m s phi(a)
flopscope.stats.norm returns float64 whatever it is given, so the results are cast back.
"""

from __future__ import annotations

import functools
from typing import NamedTuple, Protocol

import flopscope as flops
import flopscope.numpy as fnp

VAR_FLOOR = 1e-8


class Moments(NamedTuple):
    mean: object
    var: object
    cov: object = None

    @property
    def width(self) -> int:
        return int(self.mean.shape[-1])


class Propagator(Protocol):
    def step(self, state: Moments, w) -> Moments: ...


def relu_moments_diag(mean, var, *, floor: float = VAR_FLOOR, dtype=fnp.float32):
    """Mean and variance of relu(z) for independent z_i ~ N(mean_i, var_i)."""
    std = fnp.sqrt(fnp.maximum(var, floor))
    a = mean / std
    cdf = flops.stats.norm.cdf(a).astype(dtype)
    pdf = flops.stats.norm.pdf(a).astype(dtype)
    m1 = mean * cdf + std * pdf
    m2 = (mean * mean + var) * cdf + mean * std * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


def relu_moments(state: Moments, w, *, floor: float = VAR_FLOOR) -> Moments:
    """One layer with the full covariance: S = W^T C W, then the ReLU's moments.

    The post-ReLU covariance keeps the linear-response approximation
    C'_ij = Phi(a_i) S_ij Phi(a_j) off the diagonal and the exact variances on it.
    """
    mu = fnp.tensordot(state.mean, w, axes=1)
    s = w.T @ state.cov @ w
    var = fnp.diagonal(s)
    m1, v1, cdf = relu_moments_diag(mu, var, floor=floor)
    off = fnp.einsum("i,ij,j->ij", cdf, s, cdf)
    cov = off - fnp.diag(fnp.diagonal(off)) + fnp.diag(v1)
    return Moments(m1, v1, cov)


# the notebook's favourite: bind the floor once
relu_moments_loose = functools.partial(relu_moments, floor=1e-6)


def stack_blocks(cov, block: int):
    """The diagonal blocks of ``cov`` as a (width // block, block, block) stack."""
    width = cov.shape[0]
    return fnp.stack([cov[i:i + block, i:i + block] for i in range(0, width, block)])


def repair_blocks(blocks, jitter: float):
    """Clip each block's negative eigenvalues (batched eigh) and rebuild; return the
    repaired stack and the per-block smallest eigenvalue before the clip."""
    evals, evecs = fnp.linalg.eigh(blocks)
    low = fnp.min(evals, axis=-1)
    clipped = fnp.maximum(evals, jitter)
    rebuilt = fnp.einsum("...ij,...j,...kj->...ik", evecs, clipped, evecs)
    return rebuilt, low


def block_snr(blocks, mean, jitter: float):
    """Per-block signal-to-noise m_b^T (C_b + jI)^{-1} m_b by a batched solve."""
    nb, bs, _ = blocks.shape
    m = fnp.reshape(mean, (nb, bs, 1))
    eye = fnp.eye(bs, dtype=blocks.dtype)
    z = fnp.linalg.solve(blocks + jitter * eye, m)
    return fnp.einsum("...ik,...ik->...", m, z)
