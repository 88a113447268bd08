"""Polynomial surrogates of the ReLU moment functions (helper module of poly_surrogate).

For a pre-activation N(mu, sd^2) with z = mu / sd, the ReLU output has

    E[relu]   = sd * (z Phi(z) + phi(z))       = sd * m(z)
    E[relu^2] = sd^2 * ((z^2 + 1) Phi(z) + z phi(z)) = sd^2 * s(z)

m and s are smooth; on [-Z_FIT, Z_FIT] a degree-7 polynomial fits them to 1e-4, which is
far cheaper than the two erf evaluations flopscope charges for norm.cdf/pdf.  The
coefficients ship in coeffs.npz (fitted offline); `refit` rebuilds them on the grader
when the layer's z range leaves the fitted interval.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp

Z_FIT = 4.0
FIT_POINTS = 33
HERE = Path(__file__).resolve().parent


class Surrogate:
    """m(z) and s(z) as polynomials (highest power first, numpy's polyval order)."""

    def __init__(self, mean_coef, second_coef, lo: float = -Z_FIT, hi: float = Z_FIT):
        self.mean_coef = mean_coef
        self.second_coef = second_coef
        self.lo, self.hi = lo, hi

    @classmethod
    def from_npz(cls, name: str = "coeffs.npz") -> "Surrogate | None":
        path = HERE / name
        if not path.exists():
            return None
        data = fnp.load(path)
        return cls(data["mean"], data["second"])

    @property
    def degree(self) -> int:
        return self.mean_coef.shape[0] - 1

    def __call__(self, z):
        zc = fnp.clip(z, self.lo, self.hi)
        return fnp.polyval(self.mean_coef, zc), fnp.polyval(self.second_coef, zc)

    def __repr__(self):
        return f"Surrogate(deg={self.degree}, [{self.lo}, {self.hi}])"


def exact_moment_curves(z):
    """m(z), s(z) with flopscope's erf-based norm functions (what the surrogate replaces)."""
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    return z * cdf + pdf, (z * z + 1.0) * cdf + z * pdf


def refit(degree: int, lo: float, hi: float) -> Surrogate:
    """Fit both curves on FIT_POINTS Chebyshev-like nodes of [lo, hi] (costs a few
    thousand FLOPs; only done when the shipped fit does not cover the layer)."""
    t = np.cos(np.pi * (np.arange(FIT_POINTS) + 0.5) / FIT_POINTS)
    z = fnp.asarray(0.5 * (lo + hi) + 0.5 * (hi - lo) * t, dtype=fnp.float64)
    m, s = exact_moment_curves(z)
    return Surrogate(fnp.polyfit(z, m, degree), fnp.polyfit(z, s, degree), lo, hi)


def gauss_hermite(n: int):
    """Probabilists' Gauss-Hermite rule normalised to a probability measure (plain numpy)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / np.sqrt(2.0 * np.pi)
