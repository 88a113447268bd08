"""Helpers: configuration, selections, a tolerance loop."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import flopscope.numpy as fnp

SQRT_TOL = 1e-10
SQRT_CAP = 30


@dataclass
class Config:
    gains: tuple = (1.0,)
    thresh: float = 0.05
    ranks: tuple = (2, 4)
    scale: float = 1.0

    def gain(self, i: int) -> float:
        return self.gains[min(i, len(self.gains) - 1)]


def layers(weights, cfg: Config) -> Iterator:
    for i, w in enumerate(weights):
        yield i, w, cfg.gain(i)


def topk_mask(x, k: int):
    k = max(1, min(k, x.shape[0]))
    idx = fnp.argpartition(-x, k - 1)[:k]
    return fnp.isin(fnp.arange(x.shape[0]), idx)


def newton_sqrt(a):
    """Matrix square root of an SPD matrix by Newton-Schulz, stops on a tolerance or a cap."""
    n = a.shape[0]
    norm = float(fnp.linalg.norm(a))
    if norm == 0.0:
        return a, 0
    y = a / norm
    z = fnp.eye(n)
    it = 0
    err = 1.0
    while err > SQRT_TOL and it < SQRT_CAP:
        t = 0.5 * (3.0 * fnp.eye(n) - z @ y)
        y_new = y @ t
        z = t @ z
        err = float(fnp.max(fnp.abs(y_new - y)))
        y = y_new
        it += 1
    return y * (norm ** 0.5), it
