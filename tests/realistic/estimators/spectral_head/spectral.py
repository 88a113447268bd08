"""Spectral and quadrature helpers of the spectral_head estimator.

Gauss-Hermite expectations of a ReLU unit (nodes from numpy's quadrature rule, plain arrays
turned into float32 flopscope arrays), a low-pass of a layer's mean through its real FFT
(complex64 in between: magnitudes and unit phases), and a rotation of unit pairs written with
Python complex numbers.
"""

from __future__ import annotations

import math

import flopscope.numpy as fnp
import numpy as np

NODES, WEIGHTS = np.polynomial.hermite.hermgauss(5)
EPS = 1e-6


def quadrature(order: int = 5):
    """Nodes and weights for E[f(Z)], Z ~ N(0, 1), as float32 flopscope arrays."""
    nodes, weights = (NODES, WEIGHTS) if order == 5 else np.polynomial.hermite.hermgauss(order)
    z = fnp.asarray(nodes * math.sqrt(2.0), dtype=fnp.float32)
    p = fnp.asarray(weights / math.sqrt(math.pi), dtype=fnp.float32)
    return z, p


def relu_moments(m, s, z, p):
    """E[relu(m + s Z)] and E[relu(m + s Z)^2] by quadrature, per unit."""
    vals = fnp.maximum(m[:, None] + s[:, None] * z[None, :], 0.0)
    first = vals @ p
    second = (vals * vals) @ p
    return first, second


def spectrum(x):
    spec = fnp.fft.rfft(x)
    mag = fnp.abs(spec)
    return spec, mag, spec / (mag + EPS)


def low_pass(x, keep: int, floor: float = 0.25):
    """Keep the first ``keep`` frequencies of x, damp the others to ``floor``."""
    spec, mag, phase = spectrum(x)
    n = spec.shape[0]
    gains = fnp.where(fnp.arange(n) < keep, 1.0, floor)
    return fnp.fft.irfft(phase * (mag * gains), n=x.shape[0])


def rotate_pairs(x, theta: float):
    """Treat consecutive units as complex numbers and rotate them by theta."""
    z = x[0::2] + 1j * x[1::2]
    r = z * complex(math.cos(theta), math.sin(theta))
    return fnp.stack([r.real, r.imag], axis=1).reshape(-1)
