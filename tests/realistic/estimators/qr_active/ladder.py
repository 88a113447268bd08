"""Least-squares solvers tried in order (QR, then SVD, then a damped eigh), each checked.

A rung raises ``FloatingPointError`` when its answer is not finite, ``LinAlgError`` comes
from LAPACK itself; ``solve_ladder`` walks the rungs and returns the first good answer with
the name of the rung that produced it.
"""

from __future__ import annotations

import abc
from typing import Iterator

import numpy as np
import flopscope.numpy as fnp

RIDGE = 1e-4


class Rung(abc.ABC):
    name = "base"
    registry: dict = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        Rung.registry[cls.name] = cls

    def __init__(self, ridge: float = RIDGE):
        self.ridge = ridge
        self.failures = 0

    @abc.abstractmethod
    def _solve(self, feats, target):
        ...

    def __call__(self, feats, target):
        try:
            coef = self._solve(feats, target)
        except Exception:
            self.failures += 1
            raise
        if not fnp.all(fnp.isfinite(coef)):
            self.failures += 1
            raise FloatingPointError(f"{self.name}: non-finite coefficients {coef.shape}")
        return coef


class QRRung(Rung):
    name = "qr"

    def _solve(self, feats, target):
        q, r = fnp.linalg.qr(feats)
        rhs = q.T @ target
        return fnp.linalg.solve(r + self.ridge * fnp.eye(r.shape[0], dtype=r.dtype), rhs)


class SVDRung(Rung):
    name = "svd"

    def _solve(self, feats, target):
        u, s, vt = fnp.linalg.svd(feats, full_matrices=False)
        keep = s > s[0] * 1e-6
        inv = fnp.where(keep, s / (s * s + self.ridge), 0.0)
        return vt.T @ (inv * (u.T @ target))


class EighRung(Rung):
    name = "eigh"

    def __init__(self, ridge: float = RIDGE, damp: float = 10.0):
        super().__init__(ridge * damp)

    def _solve(self, feats, target):
        gram = feats.T @ feats
        vals, vecs = fnp.linalg.eigh(gram)
        vals = fnp.maximum(vals, 0.0) + self.ridge
        return vecs @ ((vecs.T @ (feats.T @ target)) / vals)


def rungs(names) -> Iterator[Rung]:
    for n in names:
        yield Rung.registry[n]()


def solve_ladder(feats, target, names=("qr", "svd", "eigh")):
    """(coefficients, rung name); zeros and "none" when every rung failed."""
    last = None
    for rung in rungs(names):
        try:
            return rung(feats, target), rung.name
        except (np.linalg.LinAlgError, FloatingPointError) as err:
            last = err
            continue
    del last
    return fnp.zeros(feats.shape[1], dtype=feats.dtype), "none"
