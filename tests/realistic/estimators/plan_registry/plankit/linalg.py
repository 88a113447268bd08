"""Linear-algebra kernels, registered by name with a decorator into a module registry."""

from __future__ import annotations

from functools import partial

import numpy as np
import flopscope.numpy as fnp

KERNELS: dict = {}


def kernel(name: str, **defaults):
    def deco(fn):
        KERNELS[name] = partial(fn, **defaults) if defaults else fn
        return fn
    return deco


@kernel("eigh", floor=1e-9)
def sym_sqrt(c, floor: float = 0.0):
    """Symmetric square root through eigh; eigenvalues below ``floor`` are clipped."""
    vals, vecs = fnp.linalg.eigh(c)
    vals = fnp.clip(vals, floor, None)
    return (vecs * fnp.sqrt(vals)) @ vecs.T


@kernel("chol", jitter=1e-8)
def chol_sqrt(c, jitter: float = 0.0):
    n = c.shape[-1]
    return fnp.linalg.cholesky(c + jitter * fnp.eye(n))


@kernel("diag")
def diag_sqrt(c):
    return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(c), 0.0)))


def batched_gram(x, blocks: int):
    """Stack x (n, w) into ``blocks`` row groups (blocks, n // blocks, w) and form each group's
    Gram matrix with a batched matmul; the remainder rows are dropped (the caller sizes n)."""
    n, w = x.shape
    per = n // blocks
    stacked = fnp.reshape(x[: per * blocks], (blocks, per, w))
    grams = fnp.matmul(fnp.swapaxes(stacked, 1, 2), stacked) / per
    return grams


def whiten(grams, ridge: float):
    """Average the stacked Gram matrices and solve them against the mean via slogdet-checked
    Cholesky; returns (whitened mean, log-determinant)."""
    g = fnp.einsum("bij->ij", grams, optimize=True) / grams.shape[0]
    g = 0.5 * (g + g.T) + ridge * fnp.eye(g.shape[0])
    sign, logdet = fnp.linalg.slogdet(g)
    if float(sign) <= 0.0:
        raise np.linalg.LinAlgError("not positive definite")
    return g, float(logdet)
