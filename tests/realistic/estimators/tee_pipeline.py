"""Samples first, moments after: a generator pipeline that hands over mid-network ("tee_pipeline").

How it works: the network is walked by a chain of generators. The first layers are pushed
through by Monte-Carlo samples (drawn in equal chunks, split with ``fnp.split``); as long as the
chunks agree (their per-neuron means, spread measured with ``linalg.vector_norm``) and the
budget still pays for a sampled layer, sampling goes on; otherwise the sample cloud is folded
into a mean and a variance and the rest of the network is propagated by moments, with a
logistic stand-in for the Gaussian cdf written the numerically careful way
(``exp(-log1p(exp(-a z)))``).

Constructs a participant reaches for here: a ``typing.Protocol`` for stages, ``functools.
singledispatch`` over the state type (samples or moments), frozen ``kw_only`` dataclasses,
``itertools.tee`` of the layer stream (one copy priced ahead, one run), ``groupby`` of the plan
into runs of one regime, ``starmap`` over cost terms, ``zip_longest`` of weights and plan,
``enumerate(zip(..., strict=True))``, ``yield from`` of the rows, ``functools.reduce`` of the
rows' sums (one finiteness test), ``fnp.matvec``/``fnp.vecdot``, ``cumulative_sum``, ``column_stack``.
"""

from __future__ import annotations

import functools
import itertools
import operator
from dataclasses import dataclass, field
from typing import Iterator, Protocol

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

CHUNKS = 4                 # equal chunks of the sample cloud
MIN_PER_CHUNK = 2
MAX_PER_CHUNK = 64
SAMPLE_SHARE = 0.6         # of the budget, at most, for sampled layers
SPREAD_TOL = 0.45          # chunk disagreement (relative) past which sampling stops
LOGISTIC_A = 1.702         # logistic approximation of the normal cdf
VAR_FLOOR = 1e-8


# ------------------------------------------------------------------------ states and stages


@dataclass(frozen=True, kw_only=True)
class Cloud:
    x: object                       # (n, width) samples after the layer
    layer: int


@dataclass(frozen=True, kw_only=True)
class Moments:
    mu: object
    var: object
    layer: int


class Stage(Protocol):
    name: str

    def cost(self, width: int) -> int: ...


@dataclass(frozen=True, kw_only=True)
class SampleStage:
    n: int
    name: str = "sample"

    def cost(self, width: int) -> int:
        terms = ((2 * self.n, width * width), (3, self.n * width), (CHUNKS + 2, width))
        return sum(itertools.starmap(operator.mul, terms))


@dataclass(frozen=True, kw_only=True)
class MomentStage:
    name: str = "moment"
    extra: tuple = field(default=(40, 56))   # per neuron: the gate (log1p, exp) and the moments

    def cost(self, width: int) -> int:
        return 4 * width * width + width * sum(self.extra)


def per_chunk(width: int, depth: int, budget: int) -> int:
    """Samples per chunk: the most whose sampled layers (all of them) fit the sample share."""
    allowance = int(SAMPLE_SHARE * budget)
    best = 0
    for m in range(MIN_PER_CHUNK, MAX_PER_CHUNK + 1):
        if SampleStage(n=m * CHUNKS).cost(width) * depth > allowance:
            break
        best = m
    return best


def schedule(width: int, depth: int, budget: int) -> list:
    """The planned regime per layer: sampled while the running cost fits, moments after."""
    m = per_chunk(width, depth, budget)
    if m == 0:
        return [MomentStage() for _ in range(depth)]
    sample, moment = SampleStage(n=m * CHUNKS), MomentStage()
    running = itertools.accumulate(sample.cost(width) for _ in range(depth))
    planned = [sample if c <= SAMPLE_SHARE * budget else moment for c in running]
    # never sample the last layer: its moments are what the scorer reads, and they are smooth
    planned[-1] = moment if depth > 1 else planned[-1]
    return planned


def runs_of(plan: list) -> list:
    """``[("sample", 2), ("moment", 3)]``: the plan in runs of one regime (for the log)."""
    return [(name, len(list(group))) for name, group in itertools.groupby(s.name for s in plan)]


# ------------------------------------------------------------------------ one layer


def logistic_cdf(z):
    """1 / (1 + exp(-a z)) without overflow for very negative z (a participant's habit)."""
    return fnp.exp(-fnp.log1p(fnp.exp(-LOGISTIC_A * z)))


@functools.singledispatch
def advance(state, w):
    raise TypeError(f"no rule for {type(state).__name__}")


@advance.register
def _(state: Cloud, w) -> Cloud:
    return Cloud(x=fnp.maximum(state.x @ w, 0.0), layer=state.layer + 1)


@advance.register
def _(state: Moments, w) -> Moments:
    mu_pre = fnp.matvec(w.T, state.mu)
    var_pre = fnp.maximum(fnp.matvec((w * w).T, state.var), VAR_FLOOR)
    sd = fnp.sqrt(var_pre)
    z = mu_pre / sd
    gate = logistic_cdf(z)
    mean = mu_pre * gate + sd * 0.3989422804014327 * fnp.exp(-0.5 * z * z)
    second = (mu_pre * mu_pre + var_pre) * gate
    return Moments(mu=mean, var=fnp.maximum(second - mean * mean, 0.0), layer=state.layer + 1)


def fold(cloud: Cloud) -> Moments:
    """The sample cloud as a mean and a variance per neuron."""
    n = cloud.x.shape[0]
    mu = fnp.sum(cloud.x, axis=0) / n
    centred = cloud.x - mu
    var = fnp.vecdot(centred.T, centred.T) / max(1, n - 1)
    return Moments(mu=mu, var=var, layer=cloud.layer)


def chunk_spread(cloud: Cloud) -> float:
    """How far the chunks' means are from each other, relative to the mean's size."""
    parts = fnp.split(cloud.x, CHUNKS, axis=0)
    means = fnp.column_stack([fnp.mean(p, axis=0) for p in parts])   # (width, CHUNKS)
    running = fnp.cumulative_sum(means, axis=1)
    total = running[:, -1] / CHUNKS
    gap = fnp.max(means, axis=1) - fnp.min(means, axis=1)
    return float(fnp.linalg.vector_norm(gap) / (fnp.linalg.vector_norm(total) + 1e-12))


# ------------------------------------------------------------------------ pipeline


def layer_stream(mlp: MLP, plan: list) -> Iterator[tuple]:
    for index, (w, stage) in enumerate(zip(mlp.weights, plan, strict=True)):
        yield index, w, stage


def run(stream, start) -> Iterator[object]:
    """Push ``start`` through the stream, yielding the state after each layer; sampling stops for
    good once the chunks disagree (the cloud is folded and the moments take over)."""
    state = start
    sampling = isinstance(state, Cloud)
    for index, w, stage in stream:
        if sampling and stage.name == "sample":
            state = advance(state, w)
            yield state
            if chunk_spread(state) > SPREAD_TOL:
                sampling = False
            continue
        if isinstance(state, Cloud):
            state = fold(state)
        state = advance(state, w)
        yield state


def rows(states) -> Iterator[object]:
    for state in states:
        if isinstance(state, Cloud):
            yield fnp.mean(state.x, axis=0)
        else:
            yield state.mu


def means_of(states) -> Iterator[object]:
    yield from rows(states)


# ------------------------------------------------------------------------ estimator


class Estimator(BaseEstimator):
    def setup(self, context):
        self.log = []

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        plan = schedule(width, depth, budget)
        priced, live = itertools.tee(layer_stream(mlp, plan))
        planned = sum(stage.cost(width) for _, _, stage in priced)
        if planned > budget:
            # the plan does not fit at all: zeros, which the scorer takes for free
            return fnp.zeros((depth, width), dtype=fnp.float32)
        self.log = runs_of(plan)

        if plan[0].name == "sample":
            n = plan[0].n
            rng = fnp.random.default_rng(mlp.seed if mlp.seed is not None else 0)
            start = Cloud(x=rng.standard_normal((n, width), dtype=fnp.float32), layer=0)
        else:
            start = Moments(mu=fnp.zeros(width, dtype=fnp.float32), var=fnp.ones(width, dtype=fnp.float32), layer=0)

        out = list(means_of(run(live, start)))
        # the weights and the plan must line up to the last layer (zip_longest shows a gap as None)
        for w, stage in itertools.zip_longest(mlp.weights, plan):
            if w is None or stage is None:
                raise ValueError("plan and network differ in depth")
        total = functools.reduce(operator.add, (fnp.sum(r) for r in out))
        if not bool(fnp.isfinite(total)):
            return fnp.zeros((depth, width), dtype=fnp.float32)
        return fnp.stack(out, axis=0).astype(fnp.float32)
