"""Spectral features of a weight matrix: column band energies from the rFFT, a phase spread
from the complex FFT, the top singular value by power iteration with a tolerance stop."""

from __future__ import annotations

import math
from dataclasses import dataclass

import flopscope.numpy as fnp

TAU = 2.0 * math.pi


@dataclass(frozen=True)
class PowerResult:
    sigma: float
    iterations: int
    converged: bool


def max_power_steps(width: int, depth: int, budget: int, cap: int = 12) -> int:
    """Steps of power iteration per layer that fit a tenth of the budget: ceil(log2(share))
    bounded to [2, cap] (a habit from tuning: doubling the steps halves the error)."""
    share = budget / (10 * depth * 4 * width * width)
    if share < 1:
        return 0
    return max(2, min(cap, math.ceil(math.log2(share + 1))))


def power_sigma(w, v0, tol: float, max_it: int) -> PowerResult:
    """The largest singular value of w: iterate v <- w^T w v until the estimate settles."""
    v = v0 / fnp.linalg.norm(v0)
    lam, prev, it = 0.0, -1.0, 0
    while it < max_it and abs(lam - prev) > tol * max(lam, 1e-12):
        prev = lam
        v = w.T @ (w @ v)
        norm = float(fnp.linalg.norm(v))
        lam = math.sqrt(norm)
        v = v / norm
        it += 1
    return PowerResult(lam, it, it < max_it)


def band_energy(w, keep: int):
    """Energy of the lowest `keep` frequencies of each column (rfft down the rows)."""
    spec = fnp.fft.rfft(w, axis=0)                        # complex64 for float32 input
    low = spec[:keep]
    mag2 = fnp.real(low * fnp.conj(low))
    return fnp.sum(mag2, axis=0) / w.shape[0]


def phase_spread(w, bins: int):
    """How spread the phases of the first `bins` Fourier modes of each column are (0..1)."""
    spec = fnp.fft.fft(w, axis=0)[1:bins + 1]
    phase = fnp.angle(spec)
    unit = fnp.exp(1j * phase)                            # complex128: Python complex is weak
    resultant = fnp.abs(fnp.mean(unit, axis=0))
    return 1.0 - resultant


def sigma_table(weights, v0, tol: float, max_it: int) -> list:
    return [power_sigma(w, v0, tol, max_it) for w in weights]
