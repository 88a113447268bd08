"""A portfolio of moment strategies chosen by a heap under the budget, blended by softmax.

A software engineer's submission: every strategy is a class in a small hierarchy (an abstract
base with a classmethod cost model, properties, super() chains), tagged with IntFlag
capabilities; candidates are ordered by functools.total_ordering, picked from a heap,
described through a match on class patterns, configured through dict merges of defaults,
round overrides and per-width overrides, and the blend weights come from a logaddexp softmax
of the planned costs. The sampled member keeps its samples in float16 and mixes in numpy
float64 scalars (NEP 50 promotion); the pair member works on the comb(p, 2) pairs of the p
most variable units (triu_indices, take).
"""

from __future__ import annotations

import copy
import heapq
import math
from abc import ABC, abstractmethod
from collections import namedtuple
from dataclasses import asdict, astuple, dataclass, field, fields, replace
from enum import IntFlag, auto
from functools import reduce, total_ordering
from itertools import starmap
from typing import Literal

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

DEFAULTS = {"temperature": 0.5, "pair_units": 6, "samples": 32, "floor": 1e-6, "mix": "softmax"}
ROUND_OVERRIDES = {"samples": 48}
Mode = Literal["softmax", "best"]
Quote = namedtuple("Quote", "name flops weight")


class Cap(IntFlag):
    MEAN = auto()
    VAR = auto()
    PAIRS = auto()
    SAMPLES = auto()
    FULL = MEAN | VAR | PAIRS


@dataclass(frozen=True)
class Settings:
    temperature: float
    pair_units: int
    samples: int
    floor: float
    mix: Mode = "softmax"

    @classmethod
    def from_map(cls, conf) -> "Settings":
        names = [f.name for f in fields(cls)]
        return cls(**{n: conf[n] for n in names if n in conf})


# ---------------------------------------------------------------------------- strategies


class Strategy(ABC):
    name = "base"
    caps = Cap.MEAN
    registry: dict = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        Strategy.registry[cls.name] = cls

    def __init__(self, settings: Settings):
        self.settings = settings
        self.calls = 0

    @classmethod
    @abstractmethod
    def cost(cls, width: int, depth: int, settings: Settings) -> int: ...

    @abstractmethod
    def layer(self, state, w, rng): ...

    @property
    def has_var(self) -> bool:
        return bool(self.caps & Cap.VAR)

    def run(self, mlp, rng):
        width = mlp.width
        state = (fnp.zeros(width, dtype=fnp.float32), fnp.ones(width, dtype=fnp.float32))
        rows = []
        for w in mlp.weights:
            state = self.layer(state, w, rng)
            self.calls += 1
            rows.append(state[0])
        return fnp.stack(rows)


def gauss_relu(mu, var, floor):
    s = fnp.sqrt(fnp.maximum(var, floor))
    z = mu / s
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + s * pdf
    second = (mu * mu + var) * cdf + mu * s * pdf
    return mean, fnp.maximum(second - mean * mean, floor), cdf


class MeanOnly(Strategy):
    name = "mean"
    caps = Cap.MEAN

    @classmethod
    def cost(cls, width, depth, settings):
        return depth * (2 * width * width + 6 * width)

    def layer(self, state, w, rng):
        mean, _ = state
        mu = mean @ w
        return fnp.maximum(mu, 0.0), state[1]


class DiagVar(MeanOnly):
    name = "diag"
    caps = Cap.MEAN | Cap.VAR

    @classmethod
    def cost(cls, width, depth, settings):
        return super().cost(width, depth, settings) + depth * (3 * width * width + 40 * width)

    def layer(self, state, w, rng):
        mean, var = state
        mu = mean @ w
        v = var @ (w * w)
        m, v2, _ = gauss_relu(mu, v, self.settings.floor)
        return m, v2


class PairCross(DiagVar):
    name = "pairs"
    caps = Cap.FULL

    @classmethod
    def pairs(cls, settings: Settings, width: int) -> int:
        return math.comb(min(settings.pair_units, width), 2)

    @classmethod
    def cost(cls, width, depth, settings):
        p = min(settings.pair_units, width)
        return super().cost(width, depth, settings) + depth * (4 * width * p + 12 * cls.pairs(settings, width))

    def layer(self, state, w, rng):
        mean, var = state
        m, v2 = super().layer(state, w, rng)
        p = min(self.settings.pair_units, w.shape[0])
        top = fnp.argsort(var)[-p:]                      # the p most variable inputs
        iu, ju = fnp.triu_indices(p, 1)
        wi = fnp.take(w, top, axis=0)                    # (p, width)
        sd = fnp.sqrt(fnp.take(var, top))
        # cross terms of the pairs, as if their correlation were the weights' cosine
        norms = fnp.linalg.norm(wi, axis=1)
        cos = (wi @ wi.T) / fnp.outer(norms, norms)
        pair = 2.0 * fnp.take(sd, iu) * fnp.take(sd, ju) * cos[iu, ju]
        corr = fnp.einsum("k,kj,kj->j", pair, wi[iu], wi[ju])
        return m, fnp.maximum(v2 + 0.25 * corr, self.settings.floor)


class Sampled(Strategy):
    name = "sampled"
    caps = Cap.MEAN | Cap.SAMPLES

    @classmethod
    def cost(cls, width, depth, settings):
        n = settings.samples
        return n * width + depth * (2 * n * width * width + 3 * n * width) + 2 * depth * width

    def run(self, mlp, rng):
        n = self.settings.samples
        h = rng.standard_normal((n, mlp.width)).astype(fnp.float16)   # stored small
        half = np.float64(0.5)
        rows = []
        for w in mlp.weights:
            pre = h @ w                                   # float16 @ float32 -> float32
            h = fnp.maximum(pre, 0.0).astype(fnp.float16)
            rows.append(fnp.mean(h, axis=0) * half)       # numpy float64 scalar: float64
        return 2.0 * fnp.stack(rows)

    def layer(self, state, w, rng):  # pragma: no cover - run() is overridden
        raise NotImplementedError


# ---------------------------------------------------------------------------- planning


@total_ordering
@dataclass(eq=False)
class Candidate:
    flops: int
    strategy: type
    rank: int = 0

    def __eq__(self, other):
        return (self.flops, self.rank) == (other.flops, other.rank)

    def __lt__(self, other):
        # cheaper first; ties by the richer capability set
        if self.flops != other.flops:
            return self.flops < other.flops
        return int(self.strategy.caps) > int(other.strategy.caps)

    def __hash__(self):
        return hash((self.flops, self.strategy.name))


def describe(x) -> str:
    match x:
        case bool():
            return str(x)
        case int() if x >= 1000:
            return f"{x:,} flops"
        case int():
            return f"{x} flops"
        case Candidate(flops=f, strategy=cls):
            return f"{cls.name}@{describe(f)}"
        case _:
            return repr(x)


def caps_order(cls) -> tuple:
    """Richest capability set first, then by name."""
    return (-bin(int(cls.caps)).count("1"), cls.name)


def choose(width: int, depth: int, budget: int, settings: Settings) -> list:
    """Cheapest-first from a heap, while the accumulated cost stays under 40% of the budget."""
    classes = sorted(Strategy.registry.values(), key=caps_order)
    heap = [Candidate(cls.cost(width, depth, settings), cls, r) for r, cls in enumerate(classes)]
    heapq.heapify(heap)
    picked, spent = [], 0
    while heap:
        cand = heapq.heappop(heap)
        if spent + cand.flops > 0.4 * budget:
            break
        spent += cand.flops
        picked.append(cand)
    return picked


def softmax_weights(costs: list, temperature: float) -> list:
    """exp(-c/T) normalised, through a logaddexp fold (0-d arrays of known numbers)."""
    scaled = [-(c / max(costs)) / temperature for c in costs]
    lse = reduce(fnp.logaddexp, scaled)
    return [float(fnp.exp(s - lse)) for s in scaled]


@dataclass
class Log:
    quotes: list = field(default_factory=list)
    mode: str = "softmax"

    def summary(self) -> tuple:
        return tuple(starmap(lambda n, f, w: f"{n}:{f}:{w:.2f}", map(astuple, self.quotes)))


@dataclass
class QuoteRow:
    name: str
    flops: int
    weight: float


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.conf = {**DEFAULTS, **ROUND_OVERRIDES}
        self.settings: Settings | None = None
        self.log = Log()

    def setup(self, context):
        local = self.conf | {"pair_units": max(2, context.width // 4)}
        if context.width < 16:
            local["samples"] = 24
        self.settings = Settings.from_map(local)

    def predict(self, mlp, budget):
        settings = self.settings or Settings.from_map(self.conf)
        if mlp.depth > 3:
            settings = replace(settings, temperature=settings.temperature * 2)
        picked = choose(mlp.width, mlp.depth, budget, settings)
        rng = fnp.random.default_rng(mlp.seed)
        if not picked:
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)

        weights = softmax_weights([c.flops for c in picked], settings.temperature)
        log = copy.deepcopy(self.log)
        log.quotes = [QuoteRow(c.strategy.name, c.flops, wt) for c, wt in zip(picked, weights)]
        self.last = log.summary()
        caps = reduce(lambda a, c: a | c.strategy.caps, picked, Cap(0))
        match caps:
            case Cap.MEAN:
                mode = "best"
            case _ if caps & Cap.SAMPLES and len(picked) > 2:
                mode = settings.mix
            case _:
                mode = "best" if max(weights) > 0.6 else settings.mix

        out = None
        if mode == "best":
            best = max(zip(weights, picked), key=lambda t: (t[0], -t[1].rank))[1]
            out = best.strategy(settings).run(mlp, rng)
        else:
            parts = [(wt, c.strategy(settings).run(mlp, rng)) for c, wt in zip(picked, weights) if wt > 0.05]
            total = math.fsum(wt for wt, _ in parts)
            out = reduce(lambda acc, p: acc + (p[0] / total) * p[1],
                         parts[1:], (parts[0][0] / total) * parts[0][1])
        row = asdict(log)
        self.history = [q["name"] for q in row["quotes"]]
        return out.astype(fnp.float32)
