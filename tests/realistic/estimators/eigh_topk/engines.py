"""Propagation engines, registered by key as they are defined (``__init_subclass__``).

Each engine pushes (mean, variance) through one layer. ``TopKEigh`` refines the mean field on the
``k`` neurons whose pre-activations are loudest: their input covariance block is rebuilt from the
kept low-rank factor, projected onto the PSD cone by ``eigh`` (negative eigenvalues clipped), and
the head turns the block's spectrum into a mean correction. ``Carry`` keeps the block's factor
for the next layer instead of dropping it.
"""

from __future__ import annotations

import math
from typing import ClassVar

import flopscope as flops
import flopscope.numpy as fnp

REGISTRY: dict = {}
EPS = 1e-9


class Engine:
    key: ClassVar[str] = "base"
    rank: ClassVar[int] = -1             # order of preference: the highest rank that fits wins

    def __init_subclass__(cls, /, key: str, rank: int, **kwargs):
        super().__init_subclass__(**kwargs)
        if key in REGISTRY:
            raise ValueError(f"engine {key!r} registered twice")
        cls.key, cls.rank = key, rank
        REGISTRY[key] = cls

    def __init__(self, width: int, k: int = 0, head=None):
        self.width, self.k, self.head = width, k, head
        self.factor = None               # (width, r) low-rank factor of the input covariance, if kept

    def step(self, mu, var, w):
        raise NotImplementedError

    @classmethod
    def cost(cls, width: int, k: int) -> int:
        raise NotImplementedError


class MeanField(Engine, key="mf", rank=0):
    def step(self, mu, var, w):
        mu_pre = mu @ w
        var_pre = fnp.maximum(var @ (w * w), EPS)
        sd = fnp.sqrt(var_pre)
        z = mu_pre / sd
        cdf = flops.stats.norm.cdf(z)
        pdf = flops.stats.norm.pdf(z)
        mean = mu_pre * cdf + sd * pdf
        second = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sd * pdf
        self.last = (mu_pre, var_pre, cdf)
        return mean, fnp.maximum(second - mean * mean, 0.0)

    @classmethod
    def cost(cls, width: int, k: int) -> int:
        # the matvecs bill float64 after the first layer (the stats calls return float64)
        return 9 * width * width + 160 * width


class TopKEigh(MeanField, key="eig", rank=1):
    def step(self, mu, var, w):
        mean, new_var = super().step(mu, var, w)
        mu_pre, var_pre, cdf = self.last
        k = self.k
        idx = fnp.argpartition(var_pre, -k)[-k:]                # the k loudest pre-activations
        onehot = fnp.eye(self.width, dtype=fnp.float32)[idx]     # (k, width) selector
        wk = fnp.take(w, idx, axis=1)                           # (width, k) their fan-in
        block = (wk * var[:, None]).T @ wk                      # diagonal part of the k x k covariance
        if self.factor is not None:
            proj = self.factor.T @ wk                           # low-rank part carried from the last layer
            block = block + proj.T @ proj
        vals, vecs = fnp.linalg.eigh(0.5 * (block + block.T))
        vals = fnp.maximum(vals, 0.0)
        feats = spectrum_features(vals, k, self.width)
        shift = self.head(feats) * fnp.sqrt(fnp.take(var_pre, idx)) * fnp.take(cdf, idx)
        self.kept = (idx, vecs * fnp.sqrt(vals))
        return mean + shift @ onehot, new_var

    @classmethod
    def cost(cls, width: int, k: int) -> int:
        eigh = 18 * k ** 3                                      # (our fit of the meter's float64 eigh price)
        return super().cost(width, k) + 4 * width * k * k + eigh + 8 * width * k + 30 * k


class Carry(TopKEigh, key="carry", rank=2):
    def step(self, mu, var, w):
        mean, new_var = super().step(mu, var, w)
        idx, root = self.kept
        # the block's factor, scattered back to full width, seeds the next layer's block
        gate = fnp.take(self.last[2], idx)
        self.factor = fnp.eye(self.width, dtype=fnp.float32)[:, idx] @ (root * gate[:, None])
        return mean, new_var

    @classmethod
    def cost(cls, width: int, k: int) -> int:
        return super().cost(width, k) + 2 * width * k * k + 2 * width * k * k + 3 * k * k


def spectrum_features(vals, k: int, width: int):
    """(share of the top eigenvalue, gap to the next, log of the trace, k / width)."""
    total = fnp.sum(vals) + EPS
    top = vals[-1] / total
    gap = (vals[-1] - vals[-2]) / total
    return fnp.stack([top, gap, fnp.log1p(total), fnp.asarray(k / width, dtype=fnp.float32)])


def by_rank() -> list:
    return sorted(REGISTRY.values(), key=lambda cls: -cls.rank)


def sqrt_ceil(n: int) -> int:
    return math.isqrt(max(0, n - 1)) + 1
