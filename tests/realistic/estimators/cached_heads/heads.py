"""The heads: a small class hierarchy registered by ``__init_subclass__`` (each subclass names its
kind and its cost per w^3 and w^2), with properties for what is derived from the knobs and
``functools.cached_property`` for the arrays made once per width: a head is made in setup()
and kept, so the first MLP pays for its basis and the later ones read it back. When the width
changes, ``bind`` drops the cached arrays from the instance's ``__dict__``.
"""

from __future__ import annotations

import functools

import flopscope.numpy as fnp
import numpy as np

REGISTRY: dict = {}
#: the features every head reads off a layer (the linear head uses the first four)
FEATURES = 6


class Head:
    kind = "base"
    cost_w3 = cost_w2 = 0

    def __init_subclass__(cls, /, kind: str, w3: int = 0, w2: int = 2, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.kind = kind
        cls.cost_w3, cls.cost_w2 = w3, w2
        REGISTRY[kind] = cls

    def __init__(self, coef, rank: int, temper: float):
        self.coef = coef
        self.asked_rank = rank
        self.temper = temper
        self.width = None
        self.binds = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rank={self.asked_rank}, temper={self.temper:.3f})"

    # ------------------------------------------------------------------ derived knobs

    @property
    def features(self) -> int:
        return self.coef.shape[0]

    @property
    def rank(self) -> int:
        """The rank asked for, at most half the width (and at least one)."""
        return max(1, min(self.asked_rank, (self.width or 2) // 2))

    def cost(self, width: int, depth: int) -> int:
        """Per layer, as measured with flopscope at 64x8 (the float64 rate included)."""
        return depth * (self.cost_w3 * width ** 3 + self.cost_w2 * width ** 2)

    # ------------------------------------------------------------------ cached arrays

    def bind(self, width: int) -> "Head":
        if width != self.width:
            for name in ("basis", "gram", "mixer"):
                self.__dict__.pop(name, None)
            self.width = width
            self.binds += 1
        return self

    @functools.cached_property
    def basis(self):
        """(width, rank) orthonormal columns: the QR of a fixed test matrix (plain numpy, seeded
        by the rank, so every process makes the same one)."""
        test = np.random.default_rng(self.rank).standard_normal((self.width, self.rank))
        q, _ = fnp.linalg.qr(fnp.asarray(test))
        return q

    @functools.cached_property
    def mixer(self):
        """The features' weights broadcast to a (features, 1) column."""
        return fnp.reshape(fnp.asarray(self.coef, dtype=fnp.float64), (self.features, 1))

    # ------------------------------------------------------------------ the correction

    def layer_features(self, mu, var):
        return fnp.stack([fnp.mean(mu), fnp.std(mu), fnp.mean(var), fnp.max(var), fnp.min(var),
                          fnp.mean(fnp.abs(mu))])

    def correct(self, mu, var, w):
        raise NotImplementedError


class LinearHead(Head, kind="linear", w2=1):
    def correct(self, mu, var, w):
        feats = self.layer_features(mu, var)
        shift = fnp.tanh(fnp.sum(self.mixer[:4, 0] * feats[:4]))
        return mu + self.temper * shift


class SpectralHead(Head, kind="spectral", w3=5, w2=24):
    @functools.cached_property
    def gram(self):
        return self.basis.T @ self.basis

    def spectrum(self, mat):
        """The eigenvalues of ``mat`` in the basis, PSD-clipped, largest first."""
        small = self.basis.T @ mat @ self.basis
        vals = fnp.linalg.eigvalsh(0.5 * (small + small.T) + 1e-9 * self.gram)
        return fnp.maximum(vals[::-1], 0.0)

    def correct(self, mu, var, w):
        vals = self.spectrum(w.T @ (w * var[:, None]))
        share = vals[0] / (fnp.sum(vals) + 1e-12)
        feats = self.layer_features(mu, var)
        shift = fnp.tanh(fnp.sum(self.mixer[:, 0] * feats) + share)
        return mu + self.temper * shift * (self.basis @ (self.basis.T @ mu))


class TopKHead(SpectralHead, kind="topk", w3=5, w2=40):
    """The spectral head, plus an eigendecomposed block of the loudest neurons."""

    def correct(self, mu, var, w):
        k = self.rank
        idx = fnp.argpartition(var, -k)[-k:]
        rows = fnp.take(w, idx, axis=1)                        # (w, k): the loud outputs' weights
        block = rows.T @ (rows * var[:, None])                 # (k, k)
        vals, vecs = fnp.linalg.eigh(block)
        lead = fnp.abs(vecs[:, -1]) * fnp.sqrt(fnp.maximum(vals[-1], 0.0))
        base = super().correct(mu, var, w)
        loud = fnp.isin(fnp.arange(mu.shape[0]), idx)
        bump = fnp.zeros_like(mu)
        for j in range(k):
            bump = bump + fnp.where(fnp.arange(mu.shape[0]) == idx[j], lead[j], 0.0)
        return fnp.where(loud, base + 0.01 * self.temper * bump, base)
