from __future__ import annotations

import numpy as np
import flopscope.numpy as fnp

JITTERS = (0.0, 1e-6, 1e-4, 1e-2)


def top_direction(c, iters: int = 25, tol: float = 1e-3):
    """Power iteration for the top eigenpair of a PSD matrix, stopped at a relative tolerance."""
    n = c.shape[0]
    v = fnp.ones(n, dtype=c.dtype) / math.sqrt(n)
    lam, it = 0.0, 0
    while it < iters:
        u = c @ v
        norm = float(fnp.linalg.norm(u))
        if norm == 0.0:
            break
        v = u / norm
        it += 1
        if abs(norm - lam) <= tol * norm:
            break
        lam = norm
    return lam, v, it


def factor(c, jitter: float):
    """Cholesky with a jitter ladder; the diagonal's square root when every rung fails."""
    eye = fnp.eye(c.shape[0], dtype=c.dtype)
    scale = float(fnp.mean(fnp.diag(c))) or 1.0
    for rung in JITTERS:
        try:
            return fnp.linalg.cholesky(c + (rung + jitter) * scale * eye), rung
        except np.linalg.LinAlgError:
            continue
    return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diag(c), 0.0))), -1.0


import math  # noqa: E402  (used by top_direction; kept at the end as the author had it)
