"""Smoothing and a Newton square root; works inside the tools package or flat on sys.path."""

from __future__ import annotations

import flopscope.numpy as fnp

try:
    from . import ledger
except ImportError:  # imported flat, not as tools.solvers
    import ledger

NAME = "solvers"


def smooth(rows, width: int, keep: int):
    """Rows projected on the first ``keep`` cosine bands (the estimator's basis: a late import,
    estimator.py imports this package at its top)."""
    from estimator import band_basis

    b = band_basis(width)[:, :keep]
    return [b @ (b.T @ r) for r in rows]


def smooth_ledger(rows, width: int, keep: int):
    b = ledger.basis(width)[:, :keep]
    return [b @ (b.T @ r) for r in rows]


def newton_sqrt(x, steps: int):
    """Elementwise sqrt of x > 0 by a fixed number of Newton steps from (1 + x) / 2."""
    y = 0.5 * (1.0 + x)
    for _ in range(steps):
        y = 0.5 * (y + x / y)
    return y


def mix(a, b, weight: float):
    return weight * a + (1.0 - weight) * b
