"""Stages built from cooperative mixins, a warm start carried between MLPs ("mixin_stages").

Team "framework people". Every layer runs one stage object picked by a schedule:

* ``Stage`` keeps a registry filled by ``__init_subclass__(order=..., kind=...)`` class
  keywords; stages are callables (``__call__``) and composed from mixins whose ``run`` and
  ``__init__`` chain through ``super()`` (``Counting``, ``Clipped``, ``Float32``), so the MRO
  decides what a stage does;
* the schedule is a ``Schedule`` with ``@cached_property`` members: per-layer costs summed
  with ``itertools.accumulate``, cut by ``bisect``, the stage names joined by
  ``itertools.chain`` and mapped to bound methods through ``getattr(self, f"_stage_{name}")``;
* the sampled stage's count comes from the budget on the first MLP and, on later MLPs of
  the same instance, from the variance ratio the previous MLP measured (a warm start: a
  value carried across calls), rounded to a multiple of 8;
* the projection used by the covariance stage is drawn once per (width, rank) and kept on
  the instance, so the first MLP pays for it and the later ones do not;
* the mean-field stage damps the neuron-order spectrum of the means (``rfft`` / ``irfft``,
  a complex product with ``conj``), the sampled stage works in float32 and casts back.
"""

from __future__ import annotations

import bisect
import enum
import functools
import itertools
import math
import operator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

VAR_FLOOR = 1e-9
DAMP = 0.15
MIN_SAMPLES = 16
MAX_SAMPLES = 512
COV_SHARE = 0.25
SAMPLE_SHARE = 0.5


class Kind(enum.IntEnum):
    MOMENT = enum.auto()
    COVARIANCE = enum.auto()
    SAMPLED = enum.auto()

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class State:
    mean: object
    var: object
    cov: object = None
    dtype: object = fnp.float64

    def cast(self, dtype):
        cov = None if self.cov is None else self.cov.astype(dtype)
        return replace(self, mean=self.mean.astype(dtype), var=self.var.astype(dtype), cov=cov, dtype=dtype)


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR), cdf


# --------------------------------------------------------------------------------- stages


class Stage:
    registry: ClassVar[dict] = {}
    order: ClassVar[int] = -1
    kind: ClassVar[Kind] = Kind.MOMENT

    def __init_subclass__(cls, /, order: int | None = None, kind: Kind | None = None, **kw):
        super().__init_subclass__(**kw)
        if order is not None:
            cls.order = order
            cls.kind = kind if kind is not None else Kind.MOMENT
            Stage.registry[cls.kind.label] = cls

    def __init__(self, *, width: int, **kw):
        super().__init__(**kw)
        self.width = width

    def __call__(self, state: State, w) -> State:
        return self.run(state, w)

    def run(self, state: State, w) -> State:
        raise NotImplementedError

    @classmethod
    def build(cls, label: str, **kw):
        return cls.registry[label](**kw)


class Counting:
    def __init__(self, **kw):
        super().__init__(**kw)
        self.calls = 0

    def __call__(self, state, w):
        self.calls += 1
        return super().__call__(state, w)


class Clipped:
    def run(self, state, w):
        out = super().run(state, w)
        return replace(out, var=fnp.clip(out.var, VAR_FLOOR, None))


class Float32:
    def run(self, state, w):
        out = super().run(state.cast(fnp.float32), w.astype(fnp.float32))
        return out.cast(fnp.float64)


class Base(Stage):
    """Shared helpers; not registered (no order)."""

    def damp(self, mean):
        spec = fnp.fft.rfft(mean)
        k = spec.shape[0]
        taper = fnp.exp(-DAMP * fnp.arange(k) / max(k - 1, 1))
        power = (spec * fnp.conj(spec)).real
        keep = power >= fnp.mean(power) * 0.0
        smooth = fnp.fft.irfft(fnp.where(keep, spec * taper, spec), n=self.width)
        return 0.9 * mean + 0.1 * smooth


class _MomentCore(Base):
    def run(self, state, w):
        mu = state.mean @ w
        var = state.var @ (w * w)
        mean, var, _ = relu_moments(mu, var)
        return State(self.damp(mean), var)


class _CovarianceCore(Base):
    def __init__(self, *, proj, **kw):
        super().__init__(**kw)
        self.proj = proj

    def run(self, state, w):
        cov = state.cov if state.cov is not None else fnp.diag(state.var)
        # project onto the kept directions, propagate the small block, lift back
        p = self.proj
        small = p.T @ cov @ p
        wp = w.T @ p
        pre = wp @ small @ wp.T
        resid = fnp.maximum(state.var @ (w * w) - fnp.diagonal(pre), 0.0)
        mu = state.mean @ w
        mean, var, slope = relu_moments(mu, fnp.diagonal(pre) + resid)
        nxt = pre * fnp.outer(slope, slope)
        nxt = nxt - fnp.diag(fnp.diagonal(nxt)) + fnp.diag(var)
        return State(mean, var, nxt)


class _SampledCore(Base):
    def __init__(self, *, samples: int, seed: int, **kw):
        super().__init__(**kw)
        self.samples = samples
        self.rng = fnp.random.default_rng(seed)
        self.ratio = None

    def run(self, state, w):
        sd = fnp.sqrt(fnp.maximum(state.var, VAR_FLOOR))
        z = self.rng.standard_normal((self.samples, self.width), dtype=fnp.float32)
        x = fnp.maximum(state.mean + z * sd, 0.0)
        h = fnp.maximum(x @ w, 0.0)
        mean = fnp.mean(h, axis=0)
        var = fnp.var(h, axis=0)
        _, moment_var, _ = relu_moments(state.mean @ w, state.var @ (w * w))
        self.ratio = float(fnp.mean(var / moment_var))
        return State(mean, var)


# the registered stages: the mixins wrap the core's run in MRO order (Clipped, then Counting's
# __call__; Float32 casts around the sampled core)
class MomentStage(Counting, _MomentCore, order=0, kind=Kind.MOMENT):
    pass


class CovarianceStage(Clipped, Counting, _CovarianceCore, order=1, kind=Kind.COVARIANCE):
    pass


class SampledStage(Float32, Counting, _SampledCore, order=2, kind=Kind.SAMPLED):
    pass


# --------------------------------------------------------------------------------- schedule


@dataclass
class Schedule:
    width: int
    depth: int
    budget: int
    rank: int
    warm_ratio: float | None = None

    @cached_property
    def layer_costs(self) -> dict:
        w, r = self.width, self.rank
        return {
            Kind.MOMENT: 6 * w * w + 80 * w,
            Kind.COVARIANCE: 6 * w * w * r + 4 * w * r * r + 6 * w * w + 120 * w,
            Kind.SAMPLED: 0,
        }

    @cached_property
    def n_cov(self) -> int:
        per = self.layer_costs[Kind.COVARIANCE]
        if self.rank == 0:
            return 0
        sums = list(itertools.accumulate(itertools.repeat(per, self.depth)))
        return bisect.bisect_right(sums, int(COV_SHARE * self.budget))

    @cached_property
    def samples(self) -> int:
        w = self.width
        left = SAMPLE_SHARE * self.budget - self.depth * self.layer_costs[Kind.MOMENT]
        n = int(left // (4 * w * w + 20 * w)) if left > 0 else 0
        if self.warm_ratio is not None and n:
            # a warm start: more samples where the last MLP's moments were off
            n = int(n * min(2.0, max(0.5, self.warm_ratio)))
        n = (n // 8) * 8
        return 0 if n < MIN_SAMPLES else min(n, MAX_SAMPLES)

    @cached_property
    def kinds(self) -> tuple:
        tail = self.depth - self.n_cov
        sampled = 1 if self.samples and tail >= 2 else 0
        parts = itertools.chain(
            itertools.repeat(Kind.COVARIANCE, self.n_cov),
            itertools.repeat(Kind.MOMENT, tail - sampled),
            itertools.repeat(Kind.SAMPLED, sampled),
        )
        return tuple(parts)

    def __iter__(self):
        return iter(self.kinds)

    def __len__(self):
        return len(self.kinds)


def pick_rank(width: int, budget: int) -> int:
    # the largest power of two rank r with r <= width // 4 and 6 w^2 r under a tenth of the budget
    r = 1 << max(0, (width // 4).bit_length() - 1)
    while r > 1 and 6 * width * width * r > budget // 10:
        r >>= 1
    return r if r >= 2 else 0


# --------------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.projections = {}
        self.warm_ratio = None
        self.calls = 0
        self.log = []

    def setup(self, context=None):
        self.projections = {}
        self.warm_ratio = None
        self.calls = 0

    def projection(self, width: int, rank: int):
        key = (width, rank)
        if key not in self.projections:
            rng = fnp.random.default_rng(1009 * width + rank)
            q, _ = fnp.linalg.qr(rng.standard_normal((width, rank)))
            self.projections[key] = q
        return self.projections[key]

    # each stage kind has a builder; the schedule's labels select them by name
    def _stage_moment(self, width, sched):
        return Stage.build("moment", width=width)

    def _stage_covariance(self, width, sched):
        return Stage.build("covariance", width=width, proj=self.projection(width, sched.rank))

    def _stage_sampled(self, width, sched):
        return Stage.build("sampled", width=width, samples=sched.samples, seed=7 + self.calls)

    def stages(self, sched: Schedule, width: int) -> dict:
        labels = sorted({k.label for k in sched}, key=lambda s: Stage.registry[s].order)
        return {name: getattr(self, f"_stage_{name}")(width, sched) for name in labels}

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        self.calls += 1
        sched = Schedule(width, depth, int(budget), pick_rank(width, int(budget)), self.warm_ratio)
        built = self.stages(sched, width)
        run = {k: built[k.label] for k in Kind if k.label in built}
        state = State(fnp.zeros(width), fnp.ones(width))
        rows = []
        for kind, w in zip(sched, mlp.weights, strict=True):
            state = run[kind](state, w)
            rows.append(state.mean)
        sampler = built.get("sampled")
        if sampler is not None and sampler.ratio is not None and math.isfinite(sampler.ratio):
            self.warm_ratio = sampler.ratio
        used = functools.reduce(operator.add, (getattr(s, "calls", 0) for s in built.values()), 0)
        self.log.append((self.calls, len(sched), used, sched.samples))
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            out = fnp.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
        return out.astype(np.float32)
