"""A symmetric circulant surrogate of a covariance (its diagonals averaged, applied through
the real FFT) and a randomized range finder with a QR re-orthogonalisation loop."""

from __future__ import annotations

import math

import numpy as np

import flopscope.numpy as fnp

LinAlgError = np.linalg.LinAlgError

ORTHO_TOL = 1e-8
ORTHO_PASSES = 2
HUGE = 1e30


class Circulant:
    """C ~ circ(col) + diag(extra): ``col`` symmetric (col[k] == col[n - k])."""

    __slots__ = ("n", "taps", "spectrum", "extra", "scale_exp")

    def __init__(self, first, n: int, prior, extra):
        self.n = n
        self.taps = int(first.shape[0])
        pad = n - 2 * self.taps + 1
        col = fnp.concatenate([first, fnp.zeros(pad), first[:0:-1]])
        spec = fnp.fft.rfft(col)  # complex128 (a real, symmetric column: the imaginary part is rounding)
        weights = fnp.ones(spec.shape[0])
        k = min(prior.shape[0], spec.shape[0])
        weights = fnp.concatenate([prior[:k] / fnp.max(prior), weights[k:]])
        self.spectrum = fnp.clip(spec.real, 0.0, None) * weights
        self.extra = extra
        self.scale_exp = 0

    @classmethod
    def from_dense(cls, cov, taps: int, prior):
        n = cov.shape[0]
        idx = np.arange(n)
        first = fnp.stack([fnp.mean(cov[idx, (idx + k) % n]) for k in range(taps)])
        extra = fnp.maximum(fnp.diagonal(cov) - first[0], 0.0)
        return cls(first, n, prior, extra)

    def apply(self, x):
        """C @ x for x of shape (n, m), column by column through the FFT."""
        f = fnp.fft.rfft(x, axis=0)
        y = fnp.fft.irfft(f * self.spectrum[:, None], n=self.n, axis=0)
        return y + self.extra[:, None] * x

    def congruence(self, w):
        """W^T C W, symmetrised."""
        out = w.T @ self.apply(w)
        return 0.5 * (out + out.T)

    def rescale(self):
        """Divide by 2**100 while the spectrum's peak is past HUGE (the exponent is kept);
        eleven steps take any finite float64 below it."""
        for _ in range(11):
            if float(fnp.max(self.spectrum)) <= HUGE:
                break
            self.spectrum = self.spectrum * 2.0 ** -100
            self.extra = self.extra * 2.0 ** -100
            self.scale_exp += 100
        return self.scale_exp


def range_finder(apply, n: int, k: int, rng):
    """An orthonormal basis of the range of ``apply`` (a function of an (n, k) block)."""
    q, _ = fnp.linalg.qr(apply(rng.standard_normal((n, k))))
    eye = fnp.eye(k)
    for _ in range(ORTHO_PASSES):
        drift = float(fnp.max(fnp.abs(q.T @ q - eye)))
        if drift < ORTHO_TOL:
            break
        q, _ = fnp.linalg.qr(q)
    else:
        if not math.isfinite(drift):
            raise FloatingPointError("range finder lost orthogonality")
    return q


def sqrt_factor(core):
    """F with F F^T = core: cholesky, else eigh with the negative part clipped."""
    try:
        return fnp.linalg.cholesky(core)
    except LinAlgError:
        vals, vecs = fnp.linalg.eigh(core)
        return vecs * fnp.sqrt(fnp.clip(vals, 0.0, None))[None, :]
