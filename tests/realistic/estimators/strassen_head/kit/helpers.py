"""Numerical helpers: the Strassen/plain cost model, a jittered Cholesky, log-domain rescales."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Protocol

import flopscope.numpy as fnp
import numpy as np


@dataclass(frozen=True)
class Config:
    leaf: int = 16                       # below this block size Strassen never pays
    jitters: tuple = (1e-8, 1e-6, 1e-4)  # Cholesky ladder
    rescale_at: float = 1e30             # log-domain guard threshold
    tol: float = 1e-6                    # fixed-point refinement tolerance
    max_steps: int = 6                   # and its cap
    var_floor: float = 1e-12
    head_rank: int = 4                   # learned head: features per neuron


class MatMul(Protocol):
    def __call__(self, a, b): ...


class CostModel:
    """FLOPs of an n x n product, plain or by Strassen recursion (memoised on n)."""

    __slots__ = ("leaf", "_seen")

    def __init__(self, leaf: int) -> None:
        self.leaf = leaf
        self._seen: dict = {}

    @staticmethod
    def plain(n: int) -> int:
        return 2 * n * n * n

    @classmethod
    def from_config(cls, cfg: Config, width: int = 0) -> "CostModel":
        # at most three levels: deeper recursion spends more on additions and bookkeeping than it saves
        return cls(max(cfg.leaf, width // 8))

    def best(self, n: int) -> int:
        if n in self._seen:
            return self._seen[n]
        cost = self.plain(n)
        if n % 2 == 0 and n > self.leaf:
            half = n // 2
            cost = min(cost, 7 * self.best(half) + 18 * half * half)
        self._seen[n] = cost
        return cost

    def use_strassen(self, n: int) -> bool:
        return n % 2 == 0 and n > self.leaf and self.best(n) < self.plain(n)

    @property
    def levels(self) -> int:
        return sum(1 for n in self._seen if self.use_strassen(n))


@lru_cache(maxsize=None)
def strassen_depth(n: int, leaf: int) -> int:
    if n <= leaf or n % 2:
        return 0
    return 1 + strassen_depth(n // 2, leaf)


def strassen(a, b, model: CostModel):
    """a @ b for square a, b of even size above the leaf; plain matmul below it."""
    n = a.shape[0]
    if not model.use_strassen(n):
        return a @ b
    h = n // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]
    m1 = strassen(a11 + a22, b11 + b22, model)
    m2 = strassen(a21 + a22, b11, model)
    m3 = strassen(a11, b12 - b22, model)
    m4 = strassen(a22, b21 - b11, model)
    m5 = strassen(a11 + a12, b22, model)
    m6 = strassen(a21 - a11, b11 + b12, model)
    m7 = strassen(a12 - a22, b21 + b22, model)
    top = fnp.concatenate([m1 + m4 - m5 + m7, m3 + m5], axis=1)
    bottom = fnp.concatenate([m2 + m4, m1 - m2 + m3 + m6], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


def blocks(n: int, size: int) -> Iterator[tuple]:
    """(start, stop) of the row blocks of an n-row matrix."""
    edges = np.linspace(0, n, max(1, n // size) + 1).astype(int)
    yield from itertools.pairwise(edges.tolist())


def jittered_cholesky(a, cfg: Config):
    """Cholesky factor of a, adding a growing jitter to the diagonal until it factors."""
    try:
        return fnp.linalg.cholesky(a), 0.0
    except np.linalg.LinAlgError:
        pass
    eye = fnp.eye(a.shape[0])
    scale = float(fnp.mean(fnp.diag(a)))
    for eps in cfg.jitters:
        try:
            return fnp.linalg.cholesky(a + (eps * max(scale, 1.0)) * eye), eps
        except np.linalg.LinAlgError:
            continue
    return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diag(a), cfg.var_floor))), -1.0


def log_rescale(x, cfg: Config):
    """Bring x back below the guard by its log magnitude (signs kept); x unchanged otherwise."""
    peak = fnp.max(fnp.abs(x)).item()
    if peak > cfg.rescale_at:
        mag = fnp.log(fnp.abs(x) + 1.0)
        return fnp.sign(x) * fnp.exp(mag - fnp.log(fnp.asarray(peak)) + 1.0)
    return x


def stage_costs(width: int, depth: int, model: CostModel) -> list:
    """Running FLOP totals of the covariance pass, layer by layer."""
    per_layer = 2 * model.best(width) + 40 * width * width
    return list(itertools.accumulate(itertools.repeat(per_layer, depth)))
