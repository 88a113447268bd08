"""Per-layer features of the moment profile (float32), six of them, as the head was trained."""

from __future__ import annotations

import math

import flopscope.numpy as fnp

N_FEATURES = 6


def spectral_tilt(mean32):
    """High-band share of the mean profile's spectrum, with a half-sample phase twist
    (complex64 rfft times a complex128 twiddle: the product is complex128)."""
    spec = fnp.fft.rfft(mean32)
    n = spec.shape[0]
    phase = fnp.arange(n) * (math.pi / max(n, 1))
    twist = spec * fnp.exp(1j * phase)
    power = fnp.abs(twist) ** 2
    half = n // 2
    total = fnp.sum(power) + 1e-12
    return fnp.sum(power[half:]) / total, fnp.max(fnp.abs(spec.imag))


def features(mean, var, active_frac: float):
    """The six features, stacked in float32 (the head's training dtype)."""
    m32 = mean.astype(fnp.float32)
    v32 = var.astype(fnp.float32)
    tilt, imag_peak = spectral_tilt(m32)
    feats = [
        fnp.mean(m32),
        fnp.std(m32),
        fnp.log(fnp.mean(v32) + 1e-6),
        fnp.sqrt(fnp.max(v32)),
        tilt,
        fnp.asarray(active_frac, dtype=fnp.float32) + 0.0 * imag_peak,
    ]
    return fnp.stack([fnp.asarray(f, dtype=fnp.float32) for f in feats])
