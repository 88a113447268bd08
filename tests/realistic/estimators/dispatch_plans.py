"""Moment-propagation plans dispatched on their type and ranked by a hand-written comparator.

A competitor who likes functools: each plan is a frozen slots dataclass whose __post_init__
checks its parameters; what a plan costs, how accurate it is and how it steps a layer are
singledispatch functions registered per plan class (by annotation, by class, by a union, by a
call); the quotes are sorted with cmp_to_key (plans that cover every layer first, then the more
accurate tier, then the cheaper); the knobs live in a config object whose fields are clamping
descriptors (__set_name__/__set__/__get__) set from the width and the budget with isqrt,
bit_length and log2; how many layers a plan can afford comes from itertools.accumulate of its
per-layer costs, and the layers past that fall back to the diagonal plan. The low-rank plan
keeps a QR basis refined by subspace sweeps and contracts with einsum(optimize=True); the
sampled plan draws antithetic float32 samples and reports float64 means.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

SHARE = 0.6          # of the budget the plan may spend; the rest is the fallback's
FLOOR = 1e-6


class Clamped:
    """A config field kept in [lo, hi] (ints), stored under a private name."""

    def __init__(self, lo: int, hi: int):
        self.lo, self.hi = lo, hi

    def __set_name__(self, owner, name):
        self.public = name
        self.private = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.private)

    def __set__(self, obj, value):
        setattr(obj, self.private, min(self.hi, max(self.lo, int(value))))


class Knobs:
    rank = Clamped(1, 24)
    samples = Clamped(8, 2048)
    sweeps = Clamped(0, 3)

    def __init__(self, width: int, budget: int):
        self.rank = math.isqrt(width) + width.bit_length() // 2
        self.samples = budget // (40 * width * width)
        self.sweeps = int(math.log2(max(1, budget // 200_000)))

    def describe(self) -> str:
        return ", ".join(f"{d.public}={getattr(self, d.public)}" for d in
                         (Knobs.rank, Knobs.samples, Knobs.sweeps))


# ---------------------------------------------------------------------------- plans


@dataclass(frozen=True, slots=True)
class MeanField:
    floor: float = FLOOR


@dataclass(frozen=True, slots=True)
class Diagonal:
    floor: float = FLOOR


@dataclass(frozen=True, slots=True)
class LowRank:
    rank: int
    sweeps: int = 0

    def __post_init__(self):
        if self.rank < 1:
            raise ValueError(f"rank {self.rank} < 1")


@dataclass(frozen=True, slots=True)
class Sampled:
    n: int

    def __post_init__(self):
        if self.n % 2:
            raise ValueError(f"antithetic pairs need an even count, got {self.n}")


@dataclass(slots=True)
class State:
    mu: object
    var: object
    basis: object = None
    coef: object = None


@functools.singledispatch
def tier(plan) -> int:
    raise TypeError(f"no tier for {type(plan).__name__}")


@tier.register
def _(plan: MeanField) -> int:
    return 0


@tier.register
def _(plan: Diagonal) -> int:
    return 1


@tier.register(LowRank)
@tier.register(Sampled)
def _rich(plan) -> int:
    return 2


@functools.singledispatch
def layer_cost(plan, width: int) -> int:
    return 2 * width * width + 4 * width


@layer_cost.register
def _(plan: Diagonal, width: int) -> int:
    return 4 * width * width + 120 * width


@layer_cost.register
def _(plan: LowRank, width: int) -> int:
    r = min(plan.rank, width)
    return (4 + 2 * r) * width * width * (1 + plan.sweeps) + 12 * r * r * width


def _sampled_cost(plan: Sampled, width: int) -> int:
    return 2 * plan.n * width * width + 4 * plan.n * width


layer_cost.register(Sampled, _sampled_cost)


def affordable(plan, width: int, depth: int, budget: int) -> int:
    """How many leading layers fit the plan's share (the first layer pays twice: its set-up)."""
    per = (layer_cost(plan, width) * (2 if i == 0 else 1) for i in range(depth))
    return sum(1 for spent in itertools.accumulate(per) if spent <= SHARE * budget)


@dataclass(frozen=True, slots=True)
class Quote:
    plan: object
    layers: int
    flops: int


def rank_quotes(quotes: list, depth: int) -> list:
    """Plans that cover at least half the layers first, then the more accurate tier, then the
    one covering more layers, then the cheaper."""

    def covers(q: Quote) -> bool:
        return 2 * q.layers >= depth

    def compare(a: Quote, b: Quote) -> int:
        if covers(a) != covers(b):
            return -1 if covers(a) else 1
        if tier(a.plan) != tier(b.plan):
            return tier(b.plan) - tier(a.plan)
        if a.layers != b.layers:
            return b.layers - a.layers
        return (a.flops > b.flops) - (a.flops < b.flops)

    return sorted(quotes, key=functools.cmp_to_key(compare))


# ---------------------------------------------------------------------------- steps


def gauss_relu(mu, var, floor):
    s = fnp.sqrt(fnp.maximum(var, floor))
    z = mu / s
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + s * pdf
    second = (mu * mu + var) * cdf + mu * s * pdf
    return mean, fnp.maximum(second - mean * mean, floor)


@functools.singledispatch
def step(plan, state: State, w, rng) -> State:
    raise TypeError(f"no step for {type(plan).__name__}")


@step.register
def _(plan: MeanField, state: State, w, rng) -> State:
    return State(fnp.maximum(state.mu @ w, 0.0), state.var)


@step.register
def _(plan: Diagonal, state: State, w, rng) -> State:
    mu, var = gauss_relu(state.mu @ w, state.var @ (w * w), plan.floor)
    return State(mu, var)


@step.register
def _(plan: LowRank, state: State, w, rng) -> State:
    r = min(plan.rank, w.shape[0])
    if state.basis is None:                      # the first low-rank layer: a basis of the weights
        basis, _ = fnp.linalg.qr(w[:, :r])
        coef = fnp.eye(r, dtype=w.dtype)
    else:
        basis, coef = state.basis, state.coef
    m = w.T @ basis                              # (width, r): the basis through the layer
    for _ in range(plan.sweeps):                 # subspace sweeps towards the layer's top directions
        m, _ = fnp.linalg.qr(w.T @ (w @ m))
    diag = fnp.einsum("ir,rs,is->i", m, coef, m, optimize=True)
    mu, var = gauss_relu(state.mu @ w, state.var @ (w * w) + diag, FLOOR)
    q, rr = fnp.linalg.qr(m)
    return State(mu, var, q, rr @ coef @ rr.T * 0.5)


@step.register
def _(plan: Sampled, state: State, w, rng) -> State:
    half = plan.n // 2
    z = rng.standard_normal((half, w.shape[0])).astype(fnp.float32)
    sd = fnp.sqrt(fnp.maximum(state.var, FLOOR))
    x = fnp.concatenate([z, -z]) * sd + state.mu
    h = fnp.maximum(x @ w, 0.0).astype(fnp.float64)
    mu = fnp.mean(h, axis=0)
    return State(mu, fnp.mean(h * h, axis=0) - mu * mu)


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.knobs_text = ""

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        knobs = Knobs(width, budget)
        self.knobs_text = knobs.describe()
        plans = [MeanField(), Diagonal(), LowRank(knobs.rank, knobs.sweeps),
                 Sampled(2 * (knobs.samples // 2))]
        quotes = []
        for plan in plans:
            layers = affordable(plan, width, depth, budget)
            quotes.append(Quote(plan, layers, layer_cost(plan, width) * max(layers, 1)))
        ranked = rank_quotes(quotes, depth)
        best = next((q for q in ranked if q.layers > 0), None)
        if best is None:
            return fnp.zeros((depth, width), dtype=fnp.float32)

        rng = fnp.random.default_rng(mlp.seed)
        state = State(fnp.zeros(width, dtype=fnp.float32), fnp.ones(width, dtype=fnp.float32))
        fallback = Diagonal() if tier(best.plan) >= 1 else MeanField()
        rows = []
        for i, w in enumerate(mlp.weights):
            plan = best.plan if i < best.layers else fallback
            state = step(plan, state, w, rng)
            rows.append(state.mu.astype(fnp.float32))
        return fnp.stack(rows)
