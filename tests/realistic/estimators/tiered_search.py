"""Tiered strategies picked by a recursive pair search over exact fractions ("tiered_search").

A participant's "portfolio" estimator:

* ``Strategy`` is an ``abc.ABC`` with an abstract ``per_layer`` property and abstract
  ``start``/``advance`` methods; ``cost`` is a property built on ``per_layer``; the four
  tiers (``MeanOnly``, ``DiagMoments``, ``Sketch``, ``Sampler``) carry an ``enum.IntEnum``
  tier whose arithmetic (``tier * tier``, ``tier - 1``) feeds the value table;
* the plan is a recursive search over pairs of strategies (a primary and a refiner) whose
  summed cost fits the budget, scored by ``fractions.Fraction`` weights; the best is
  ``min(..., key=)`` over frozen, ordered dataclasses (ties go to the first);
* sizes come from ``math.isqrt``, ``bit_length`` rounding, ``int(x ** 0.5) ** 2``
  perfect squares and ``max(lo, min(hi, n))`` clamps; a memo in a mutable default argument
  keeps the per-(width, depth) plans between calls;
* the state is a ``typing.NamedTuple`` moved on with ``_replace``; helper callables are
  ``functools.partial`` of fnp functions; ``functools.cached_property`` keeps a float32
  identity per strategy; configuration is a ``ChainMap`` of overrides over defaults;
* the sampler draws float32 normals in chunks (the last chunk ragged), accumulates in a
  list of float64 per-layer sums (flopscope arrays are immutable) and ``out=`` ReLUs;
* the sketch keeps ``mean``, a diagonal and a low-rank factor, re-orthonormalised by ``qr``
  every other layer, its core Gram factored by ``eigh`` (``LinAlgError`` -> diagonal).

Only safety nets read values: the ``eigh`` rung and the final ``isfinite`` check.
"""

from __future__ import annotations

import abc
import enum
import functools
import itertools
import math
import operator
from collections import ChainMap, namedtuple
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import NamedTuple

import flopscope as flops
import flopscope.numpy as fnp
import numpy as np
from whestbench import BaseEstimator, MLP


class Tier(enum.IntEnum):
    MEAN = 1
    DIAG = 2
    SKETCH = 3
    SAMPLE = 4


# value of a tier: exact fractions, so the search's ties are real ties
VALUE = {t: Fraction(t * t + 1, 2 ** (t - 1)) for t in Tier}
# 0 -> 0, 1 -> 1, 2..3 -> 2, ... : a bit_length table for widths up to 128
BITS = tuple(n.bit_length() for n in range(129))
SHARES = tuple(itertools.accumulate((Fraction(1, 2), Fraction(1, 4), Fraction(1, 8))))
DEFAULTS = {"headroom": Fraction(7, 10), "min_samples": 16, "max_samples": 4096, "rank_cap": 8,
            "floor": 1e-9, "jitter": 1e-6}

Priced = namedtuple("Priced", "tier flops size")

relu = functools.partial(fnp.maximum, 0.0)
sq = functools.partial(fnp.multiply)
cdf = flops.stats.norm.cdf
pdf = flops.stats.norm.pdf


class State(NamedTuple):
    mean: object
    var: object = None
    basis: object = None
    layer: int = 0


@dataclass(order=True, frozen=True)
class Choice:
    neg_score: Fraction
    flops: int
    names: tuple = field(compare=False, default=())
    sizes: tuple = field(compare=False, default=())

    @property
    def score(self) -> Fraction:
        return -self.neg_score


def moments(m, v, floor):
    """Mean and variance of relu(N(m, v)) (elementwise)."""
    sd = fnp.sqrt(fnp.maximum(v, floor))
    a = m / sd
    c, p = cdf(a), pdf(a)
    mu = m * c + sd * p
    second = (m * m + v) * c + m * sd * p
    return mu, fnp.maximum(second - mu * mu, 0.0)


class Strategy(abc.ABC):
    __slots__ = ("width", "depth", "size", "cfg", "__dict__")
    tier: Tier = Tier.MEAN
    overhead_per_width = 0

    def __init__(self, width: int, depth: int, size: int = 0, cfg=None):
        self.width = width
        self.depth = depth
        self.size = size
        self.cfg = cfg if cfg is not None else ChainMap({}, DEFAULTS)

    @classmethod
    def make(cls, width: int, depth: int, room: int, cfg) -> "Strategy | None":
        size = cls.size_for(width, depth, room, cfg)
        if size is None:
            return None
        made = cls(width, depth, size, cfg)
        return made if made.cost <= room else None

    @classmethod
    def size_for(cls, width: int, depth: int, room: int, cfg):
        return 0

    @property
    @abc.abstractmethod
    def per_layer(self) -> int:
        ...

    @property
    def cost(self) -> int:
        return self.depth * self.per_layer + self.overhead_per_width * self.width

    @functools.cached_property
    def eye(self):
        return fnp.eye(self.width, dtype=fnp.float32)

    @abc.abstractmethod
    def start(self, width: int) -> State:
        ...

    @abc.abstractmethod
    def advance(self, state: State, w) -> State:
        ...

    def readout(self, state: State):
        return state.mean

    def run(self, mlp: MLP):
        state = self.start(mlp.width)
        rows = []
        for i, w in enumerate(mlp.weights, start=1):
            state = self.advance(state, w)._replace(layer=i)
            rows.append(self.readout(state))
        return fnp.stack(rows)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tier={int(self.tier)}, size={self.size}, cost={self.cost})"


class MeanOnly(Strategy):
    __slots__ = ()
    tier = Tier.MEAN

    @property
    def per_layer(self) -> int:
        return 2 * self.width * self.width + self.width

    def start(self, width):
        return State(mean=fnp.full(width, 0.5, dtype=fnp.float32))

    def advance(self, state, w):
        return state._replace(mean=relu(state.mean @ w))


class DiagMoments(Strategy):
    __slots__ = ()
    tier = Tier.DIAG

    @property
    def per_layer(self) -> int:
        w = self.width
        return 4 * w * w + w * w + 104 * w

    def start(self, width):
        return State(mean=fnp.zeros(width, dtype=fnp.float32), var=fnp.ones(width, dtype=fnp.float32))

    def advance(self, state, w):
        w2 = sq(w, w)
        mu, var = moments(state.mean @ w, state.var @ w2, self.cfg["floor"])
        return state._replace(mean=mu, var=var)


class Sketch(Strategy):
    """Mean, diagonal and a rank-``size`` factor: var = diag + rowsum(basis ** 2)."""

    __slots__ = ()
    tier = Tier.SKETCH
    overhead_per_width = 8

    @classmethod
    def size_for(cls, width, depth, room, cfg):
        per = max(1, depth * width * width * 4)
        rank = math.isqrt(max(0, room // per))
        rank = max(1, min(cfg["rank_cap"], width // 2, rank))
        return 1 << (rank.bit_length() - 1)

    @property
    def per_layer(self) -> int:
        w, r = self.width, self.size
        qr_cost = 2 * w * r * r  # a rough bound of what fnp.linalg.qr charges
        return 8 * w * w + 4 * w * w * r + 160 * w + qr_cost + 12 * r ** 3 + 12 * w * r

    def start(self, width):
        basis = self.eye[:, : self.size].astype(fnp.float64) * 0.5
        return State(mean=fnp.zeros(width, dtype=fnp.float32), var=fnp.full(width, 0.75, dtype=fnp.float32),
                     basis=basis)

    def core_root(self, basis):
        gram = fnp.einsum("ik,il->kl", basis, basis)
        try:
            vals, vecs = fnp.linalg.eigh(gram)
        except np.linalg.LinAlgError:
            return basis
        order = fnp.argsort(vals)[::-1]
        vals = fnp.maximum(vals[order], 0.0)
        return basis @ (vecs[:, order] * fnp.sqrt(vals / fnp.maximum(vals.max(), 1e-12)))

    def advance(self, state, w):
        pre_mean = state.mean @ w
        lifted = fnp.einsum("ji,jk->ik", w, state.basis, optimize=True)
        low = fnp.einsum("ik,ik->i", lifted, lifted)
        pre_var = state.var @ (w * w) + low.astype(fnp.float32)
        mu, var = moments(pre_mean, pre_var, self.cfg["floor"])
        slope = cdf(pre_mean / fnp.sqrt(fnp.maximum(pre_var, self.cfg["floor"])))
        basis = lifted * slope[:, None]
        if (state.layer + 1) % 2 == 0:
            q, r = fnp.linalg.qr(basis)
            basis = q @ r
        basis = self.core_root(basis)
        resid = fnp.maximum(var - fnp.einsum("ik,ik->i", basis, basis).astype(fnp.float32), 0.0)
        return state._replace(mean=mu, var=resid, basis=basis)


class Sampler(Strategy):
    __slots__ = ()
    tier = Tier.SAMPLE
    overhead_per_width = 2

    @classmethod
    def size_for(cls, width, depth, room, cfg):
        per = depth * (2 * width * width + 4 * width) + 2 * width
        n = int((room / per) ** 0.5) ** 2 if per else 0
        n = max(0, min(cfg["max_samples"], n))
        return n if n >= cfg["min_samples"] else None

    @property
    def chunk(self) -> int:
        return max(4, min(self.size, 1 << (BITS[min(self.width, 128)] + 2)))

    @property
    def per_layer(self) -> int:
        w = self.width
        return self.size * (2 * w * w + 4 * w)

    def start(self, width):
        return State(mean=fnp.zeros(width, dtype=fnp.float32))

    def advance(self, state, w):
        raise NotImplementedError("Sampler.run draws every layer at once")

    def run(self, mlp: MLP):
        rng = fnp.random.default_rng(mlp.seed if mlp.seed is not None else 7)
        sums = [None] * mlp.depth  # float64 per-layer sums (flopscope arrays are immutable)
        n, chunk = self.size, self.chunk
        bounds = list(itertools.accumulate(itertools.repeat(chunk, n // chunk), initial=0))
        if bounds[-1] < n:
            bounds.append(n)
        for lo, hi in itertools.pairwise(bounds):
            x = rng.standard_normal((hi - lo, mlp.width), dtype=fnp.float32)
            for layer, w in enumerate(mlp.weights):
                h = x @ w
                fnp.maximum(h, 0.0, out=h)
                part = fnp.sum(h, axis=0, dtype=fnp.float64)
                sums[layer] = part if sums[layer] is None else sums[layer] + part
                x = h
        return (fnp.stack(sums) / n).astype(fnp.float32)


def gain(made: Strategy) -> Fraction:
    """A tier's value, more for more samples or a larger rank (log-like: bit_length)."""
    return VALUE[made.tier] * (1 + Fraction(made.size.bit_length(), 4))


TIERS = (MeanOnly, DiagMoments, Sketch, Sampler)
BY_TIER = {cls.tier: cls for cls in TIERS}


def search(kinds, width, depth, room, cfg, picked=(), _memo={}):
    """The best (primary, refiner) pair whose summed cost fits ``room``, by recursion over ``kinds``."""
    key = (tuple(k.tier for k in kinds), width, depth, room, tuple(p.tier for p in picked))
    if key in _memo:
        return _memo[key]
    best = None
    if picked:
        score = sum((gain(p) * SHARES[i] for i, p in enumerate(picked)), Fraction(0))
        best = Choice(-score, sum(p.cost for p in picked), tuple(type(p).__name__ for p in picked),
                      tuple(p.size for p in picked))
    if len(picked) < 2:
        options = []
        for i, kind in enumerate(kinds):
            made = kind.make(width, depth, room, cfg)
            if made is None:
                continue
            rest = kinds[i + 1:]
            got = search(rest, width, depth, room - made.cost, cfg, picked + (made,))
            if got is not None:
                options.append(got)
        if best is not None:
            options.append(best)
        if options:
            best = min(options)
    _memo[key] = best
    return best


class Estimator(BaseEstimator):
    def __init__(self, overrides=None):
        self.cfg = ChainMap(dict(overrides or {}), DEFAULTS)
        self.log = []

    def plan(self, width: int, depth: int, budget: int):
        room = int(budget * self.cfg["headroom"]) - depth * width  # the final isfinite + blend
        kinds = sorted(TIERS, key=lambda k: (-int(k.tier), k.__name__))
        choice = search(tuple(kinds), width, depth, max(0, room), self.cfg)
        if choice is None:
            return []
        made = []
        for name, size in zip(choice.names, choice.sizes, strict=True):
            cls = next(c for c in TIERS if c.__name__ == name)
            made.append(cls(width, depth, size, self.cfg))
        return sorted(made, key=operator.attrgetter("tier"))

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        members = self.plan(width, depth, budget)
        if not members:
            members = [MeanOnly(width, depth, 0, self.cfg)]
        outs = {m.tier: m.run(mlp) for m in members}
        weights = {t: VALUE[t] for t in outs}
        if Tier.MEAN in outs and len(outs) > 1:
            weights = weights | {Tier.MEAN: Fraction(1, 10)}
        total = sum(weights.values())
        parts = itertools.starmap(lambda t, o: o * float(weights[t] / total),
                                  sorted(outs.items(), key=operator.itemgetter(0)))
        out = functools.reduce(operator.add, parts)
        self.log.append([repr(m) for m in members])
        if not fnp.all(fnp.isfinite(out)):
            fallback = MeanOnly(width, depth, 0, self.cfg)
            out = fallback.run(mlp)
        return out.astype(fnp.float32)
