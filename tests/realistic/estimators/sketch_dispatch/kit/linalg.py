"""Fallback ladders around the factorisations."""

from __future__ import annotations

import numpy as np

import flopscope.numpy as fnp

JITTERS = (1e-8, 1e-5, 1e-2)


def factor_ladder(cov):
    """A factor f with f @ f.T ~ cov: Cholesky, jittered Cholesky, eigh, then the diagonal."""
    n = cov.shape[0]
    try:
        return fnp.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        pass
    for jitter in JITTERS:
        try:
            return fnp.linalg.cholesky(cov + jitter * fnp.eye(n))
        except np.linalg.LinAlgError:
            continue
    try:
        vals, vecs = fnp.linalg.eigh(cov)
        return vecs * fnp.sqrt(fnp.clip(vals, 0.0, None))
    except np.linalg.LinAlgError:
        return fnp.diag(fnp.sqrt(fnp.abs(fnp.diag(cov))))


def solve_ladder(a, b):
    try:
        x = fnp.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        q, r = fnp.linalg.qr(a)
        try:
            x = fnp.linalg.solve(r, q.T @ b)
        except np.linalg.LinAlgError:
            u, s, vt = fnp.linalg.svd(a, full_matrices=False)
            s = fnp.where(s > 1e-10 * s[0], 1.0 / s, 0.0)
            x = vt.T @ (s[:, None] * (u.T @ b))
    if not fnp.all(fnp.isfinite(x)):
        raise FloatingPointError("solve diverged")
    return x
