"""A memo of per-width bases and a log of what was built (module-level state).

The estimator imports this file twice: as ``tools.ledger`` (through the package) and as the
top-level ``ledger`` (the tools/ directory is put on sys.path for the scripts that use it flat).
Python makes two module objects, so each has its own CACHE.
"""

from __future__ import annotations

import math

import flopscope.numpy as fnp

__all__ = ["basis", "CACHE", "LOG", "built"]

CACHE: dict = {}
LOG: list = []


def _cosine_basis(width: int):
    k = fnp.arange(width).astype(fnp.float64)
    grid = fnp.outer(k, k + 0.5) * (math.pi / width)
    q = fnp.cos(grid)
    norms = fnp.sqrt(fnp.sum(q * q, axis=1, keepdims=True))
    return (q / norms).T


def basis(width: int):
    """The orthonormal cosine basis of this width (columns by frequency), built once per module."""
    if width not in CACHE:
        CACHE[width] = _cosine_basis(width)
        LOG.append(("basis", width))
    return CACHE[width]


def built() -> int:
    return len(LOG)


def refine(rows, width: int, keep: int):
    """Project rows on the first ``keep`` basis columns (the solvers module, imported late: cycle)."""
    from .solvers import smooth

    return smooth(rows, width, keep)
