"""Symmetric linear-algebra helpers shared by the stages (the team's "kit")."""
from __future__ import annotations

import math

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp

JITTERS = (0.0, 1e-8, 1e-5, 1e-2)


def gram(a, b):
    """a^T b over the sample axis: the same array twice gives a tagged symmetric result."""
    return fnp.einsum("ni,nj->ij", a, b)


def sandwich(w, cov):
    """W^T C W as one einsum, outer operands the same object (symmetric second step)."""
    return fnp.einsum("ji,jk,kl->il", w, cov, w)


def safe_cholesky(mat):
    """Cholesky with a jitter ladder; returns the factor and the rung used."""
    n = mat.shape[0]
    for rung, jit in enumerate(JITTERS):
        try:
            shifted = mat if jit == 0.0 else mat + jit * fnp.eye(n)
            return fnp.linalg.cholesky(shifted), rung
        except np.linalg.LinAlgError:
            continue
    vals, vecs = fnp.linalg.eigh(mat)
    vals = fnp.maximum(vals, 1e-6)
    return vecs * fnp.sqrt(vals), len(JITTERS)


def psd_project(mat, floor: float = 0.0):
    """Clip the spectrum of a symmetric matrix; the result is rebuilt densely, then re-tagged."""
    vals, vecs = fnp.linalg.eigh(mat)
    vals = fnp.maximum(vals, floor)
    rebuilt = (vecs * vals) @ vecs.T
    sym = 0.5 * (rebuilt + rebuilt.T)
    return flops.symmetrize(sym, symmetry=(0, 1))


def spectral_scale(mat) -> float:
    """Largest singular value, as a Python float (feeds a branch)."""
    return float(fnp.linalg.norm(mat, 2))


def neumann_inverse(mat, power: int):
    """(I - A)^{-1} ~ sum_k A^k for a contraction A, by matrix_power."""
    n = mat.shape[0]
    acc = fnp.eye(n)
    for k in range(1, power + 1):
        acc = acc + fnp.linalg.matrix_power(mat, k)
    return acc


def relu_moments(mu, var):
    """Mean and variance of relu(x), x ~ N(mu, var), in the dtype of mu."""
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z * z * z)))
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


def np_stats(x) -> tuple:
    """Plain-numpy summary of a flopscope vector (free): numpy scalars of its dtype."""
    arr = np.asarray(x)
    return arr.mean(), arr.std(), np.abs(arr).max()
