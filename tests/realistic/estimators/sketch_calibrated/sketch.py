"""Randomised low-rank sketches (Halko, Martinsson & Tropp 2011), flopscope edition."""

from __future__ import annotations

import flopscope.numpy as fnp


def range_finder(a, rank: int, oversample: int, power: int, rng):
    """Orthonormal Q (n, rank + oversample) whose span captures a's leading columns."""
    n = a.shape[1]
    omega = rng.standard_normal((n, rank + oversample)).astype(a.dtype)
    y = a @ omega
    q, _ = fnp.linalg.qr(y)
    for _ in range(power):                 # power iterations sharpen a flat spectrum
        z, _ = fnp.linalg.qr(a.T @ q)
        q, _ = fnp.linalg.qr(a @ z)
    return q


def low_rank_psd(c, rank: int, oversample: int, power: int, rng):
    """c ~ U diag(s) U^T for a symmetric PSD c, via a sketch and a small SVD."""
    q = range_finder(c, rank, oversample, power, rng)
    small = q.T @ c @ q                    # (k, k)
    u_s, s, _ = fnp.linalg.svd(small)
    u = q @ u_s[:, :rank]
    return u, s[:rank]


def residual_diagonal(c, u, s):
    """diag(c - U S U^T), floored at zero: what the low-rank part misses on the diagonal."""
    recon = fnp.einsum("ik,k,ik->i", u, s, u)
    return fnp.maximum(fnp.diagonal(c) - recon, 0.0)


def _frobenius_error(c, u, s):  # offline diagnostics only
    return fnp.linalg.norm(c - (u * s) @ u.T) / fnp.linalg.norm(c)
