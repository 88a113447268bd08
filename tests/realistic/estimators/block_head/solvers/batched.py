"""Batched linear algebra on stacks of blocks."""

from __future__ import annotations

import numpy as np

import flopscope.numpy as fnp

JITTER = 1e-6


def block_diag_stack(w, bs: int):
    """The diagonal (bs, bs) blocks of w as one (B, bs, bs) array (reshape + einsum of the diagonal)."""
    n = w.shape[0]
    b = n // bs
    tiles = fnp.reshape(w, (b, bs, b, bs))
    return fnp.einsum("ibic->ibc", tiles)


class BlockCov:
    """Covariance kept as a stack of diagonal blocks (B, bs, bs) plus the full diagonal."""

    def __init__(self, blocks, diag) -> None:
        self.blocks = blocks
        self.diag = diag

    @classmethod
    def identity(cls, width: int, bs: int):
        return cls(fnp.zeros((width // bs, bs, bs)) + fnp.eye(bs), fnp.ones(width))

    def push(self, w, bs: int):
        """Pre-activation covariance through w: each block by the three-operand einsum, the
        diagonal by the squared weights."""
        wb = block_diag_stack(w, bs)
        inner = fnp.einsum("bji,bjk,bkl->bil", wb, self.blocks, wb, optimize="greedy")
        diag = (w * w).T @ self.diag
        return BlockCov(inner, diag)

    def block_diagonals(self):
        return fnp.reshape(fnp.diagonal(self.blocks, axis1=1, axis2=2), (-1,))


def factor_blocks(blocks):
    """Batched Cholesky with a jitter; on failure, the eigen-decomposition's clipped root; the
    last resort is the square root of the diagonal (never raises)."""
    b, bs, _ = blocks.shape
    eye = fnp.eye(bs)
    try:
        return fnp.linalg.cholesky(blocks + JITTER * eye), "chol"
    except np.linalg.LinAlgError:
        pass
    try:
        vals, vecs = fnp.linalg.eigh(blocks)
        return vecs * fnp.sqrt(fnp.maximum(vals, 0.0))[:, None, :], "eigh"
    except np.linalg.LinAlgError:
        d = fnp.sqrt(fnp.maximum(fnp.diagonal(blocks, axis1=1, axis2=2), 0.0))
        return d[:, :, None] * eye, "diag"


def head_features(blocks):
    """Five features per block: log-det, the top singular value, the trace, the pinv's trace,
    and the Frobenius norm, in a (B, 5) array."""
    sign, logdet = fnp.linalg.slogdet(blocks + JITTER * fnp.eye(blocks.shape[-1]))
    sv = fnp.linalg.svdvals(blocks)
    tr = fnp.trace(blocks, axis1=1, axis2=2)
    ptr = fnp.trace(fnp.linalg.pinv(blocks, hermitian=True), axis1=1, axis2=2)
    fro = fnp.linalg.matrix_norm(blocks)
    logdet = fnp.where(sign > 0, logdet, 0.0)
    return fnp.stack([logdet, sv[:, 0], tr, ptr, fro], axis=1)


def refit_last(design, target, ridge: float):
    """Ridge fit of target (n,) on design (n, p) by lstsq on the augmented system, QR fallback."""
    n, p = design.shape
    aug = fnp.concatenate([design, ridge * fnp.eye(p)], axis=0)
    rhs = fnp.concatenate([target, fnp.zeros(p)])
    try:
        coef, _, rank, _ = fnp.linalg.lstsq(aug, rhs, rcond=None)
    except np.linalg.LinAlgError:
        q, r = fnp.linalg.qr(aug)
        coef = fnp.linalg.solve(r, q.T @ rhs)
    return coef
