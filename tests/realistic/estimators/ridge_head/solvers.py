"""Solver ladder for the per-layer ridge refit."""

import numpy as np
import flopscope.numpy as fnp

TRIED = {"chol": 0, "qr": 0, "svd": 0, "lstsq": 0}


def ridge(x, y, lam):
    """Solve (X^T X + lam I) b = X^T y; ladder: cholesky, QR of the augmented system, SVD."""
    p = x.shape[1]
    gram = x.T @ x
    rhs = x.T @ y
    eye = fnp.eye(p, dtype=gram.dtype)
    try:
        TRIED["chol"] += 1
        c = fnp.linalg.cholesky(gram + lam * eye)
    except np.linalg.LinAlgError:
        pass
    else:
        z = fnp.linalg.solve(c, rhs)
        return fnp.linalg.solve(c.T, z)
    try:
        TRIED["qr"] += 1
        aug = fnp.concatenate([x, fnp.sqrt(lam) * eye], axis=0)
        q, r = fnp.linalg.qr(aug)
        yy = fnp.concatenate([y, fnp.zeros((p,) + y.shape[1:], dtype=y.dtype)], axis=0)
        return fnp.linalg.solve(r, q.T @ yy)
    except np.linalg.LinAlgError:
        TRIED["svd"] += 1
    u, s, vt = fnp.linalg.svd(x, full_matrices=False)
    d = s / (s * s + lam)
    return vt.T @ (d[:, None] * (u.T @ y))
