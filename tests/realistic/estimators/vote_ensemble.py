"""A weighted vote of three cheap estimators, metered by the live budget ("vote_ensemble").

Members (each a class behind a small Protocol, built from a frozen config):

* ``MeanField``  - mean + diagonal variance through ReLU (closed form);
* ``Sampled``    - Monte Carlo with a budget-derived batch, kept in float16 between layers
                   to halve the memory (the products run in float32);
* ``Quantized``  - sampled signs bucketed into 8 levels per unit (``bincount`` of codes),
                   a histogram estimate of E[relu].

The members run in the order of their expected value per FLOP (``sorted`` by a key); before
each member, the live meter (``flops.current_budget().flops_used``) decides whether there is
room for it. Weights come from the agreement of each member with the mean-field anchor
(inverse squared distance), normalised; a member that did not run has weight zero.
"""

from __future__ import annotations

import collections
import enum
import functools
import itertools
from dataclasses import dataclass, replace
from typing import Iterator, Protocol

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

LEVELS = 8
HEADROOM = 0.9  # leave 10% of the budget unused: the scorer's cast and our own bookkeeping


class Kind(enum.Enum):
    MEAN = "mean"
    SAMPLED = "sampled"
    QUANTIZED = "quantized"


@dataclass(frozen=True)
class Config:
    batch: int
    q_batch: int
    keep_float16: bool = True
    members: frozenset = frozenset({Kind.MEAN, Kind.SAMPLED, Kind.QUANTIZED})

    @classmethod
    def from_budget(cls, width: int, depth: int, budget: int) -> "Config":
        per_sample = depth * (2 * width * width + 4 * width)
        batch = int(budget * 0.5 // max(per_sample, 1))
        batch = max(0, min(batch, 1024)) // 16 * 16
        q_batch = min(batch // 2, 256) // 16 * 16
        wanted = {Kind.MEAN: True, Kind.SAMPLED: batch >= 16, Kind.QUANTIZED: q_batch >= 16 and width >= LEVELS}
        return cls(batch, q_batch, members=frozenset(k for k, ok in wanted.items() if ok))


class Member(Protocol):
    kind: Kind

    def cost(self, width: int, depth: int) -> int: ...

    def run(self, mlp: MLP) -> object: ...


def metered(fn):
    """Run a member under its own flopscope namespace (the logs group by member)."""

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        with flops.namespace(self.kind.value):
            return fn(self, *args, **kwargs)

    return wrapper


def layers(mlp: MLP) -> Iterator[tuple[int, object]]:
    yield from enumerate(mlp.weights)


class MeanField:
    kind = Kind.MEAN
    __slots__ = ("floor",)

    def __init__(self, floor: float = 1e-10):
        self.floor = floor

    def cost(self, width: int, depth: int) -> int:
        return depth * (3 * width * width + 60 * width)

    @metered
    def run(self, mlp: MLP):
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for _, w in layers(mlp):
            m = mu @ w
            v = var @ (w * w)
            sd = fnp.sqrt(fnp.maximum(v, self.floor))
            a = m / sd
            cdf, pdf = flops.stats.norm.cdf(a), flops.stats.norm.pdf(a)
            mu = m * cdf + sd * pdf
            var = fnp.maximum((m * m + v) * cdf + m * sd * pdf - mu * mu, 0.0)
            rows.append(mu)
        return fnp.stack(rows)


class Sampled:
    kind = Kind.SAMPLED

    def __init__(self, batch: int, keep_float16: bool):
        self.batch = batch
        self.keep_float16 = keep_float16

    @functools.cached_property
    def storage(self):
        return fnp.float16 if self.keep_float16 else fnp.float32

    def cost(self, width: int, depth: int) -> int:
        return depth * self.batch * (2 * width * width + 3 * width)

    @metered
    def run(self, mlp: MLP):
        rng = fnp.random.default_rng(mlp.seed + 1)
        x = rng.standard_normal((self.batch, mlp.width), dtype=fnp.float32).astype(self.storage)
        rows = []
        for _, w in layers(mlp):
            h = fnp.maximum(x.astype(fnp.float32) @ w, 0.0)
            rows.append(fnp.mean(h, axis=0))
            x = h.astype(self.storage)
        return fnp.stack(rows)


class Quantized:
    kind = Kind.QUANTIZED

    def __init__(self, batch: int):
        self.batch = batch

    def cost(self, width: int, depth: int) -> int:
        return depth * self.batch * (2 * width * width + 10 * width)

    @metered
    def run(self, mlp: MLP):
        rng = fnp.random.default_rng(mlp.seed + 2)
        x = rng.standard_normal((self.batch, mlp.width), dtype=fnp.float32)
        centers = (fnp.arange(LEVELS) + 0.5) / LEVELS  # float64 bin centres
        rows = []
        for _, w in layers(mlp):
            h = fnp.maximum(x @ w, 0.0)
            top = fnp.max(h, axis=0) + 1e-6
            codes = fnp.floor(h / top * LEVELS).astype(fnp.int64)
            codes = fnp.clip(codes, 0, LEVELS - 1)
            counts = fnp.stack([fnp.bincount(codes[:, j], minlength=LEVELS) for j in range(mlp.width)])
            frac = counts / self.batch
            rows.append((frac @ centers) * top)  # float64: bins are float64
            x = h
        return fnp.stack(rows).astype(fnp.float32)


class Estimator(BaseEstimator):
    def __init__(self):
        self.history = collections.deque(maxlen=16)

    def members(self, cfg: Config) -> list:
        made = {
            Kind.MEAN: lambda: MeanField(),
            Kind.SAMPLED: lambda: Sampled(cfg.batch, cfg.keep_float16),
            Kind.QUANTIZED: lambda: Quantized(cfg.q_batch),
        }
        return [made[k]() for k in Kind if k in cfg.members]

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        cfg = Config.from_budget(width, depth, budget)
        if width < 2 * LEVELS:
            cfg = replace(cfg, members=frozenset(k for k in cfg.members if k is not Kind.QUANTIZED))
        value = {Kind.MEAN: 1.0, Kind.SAMPLED: 3.0, Kind.QUANTIZED: 2.0}
        order = sorted(self.members(cfg), key=lambda m: -value[m.kind] / max(m.cost(width, depth), 1))
        meter = flops.current_budget()
        results = {}
        for member in order:
            match member.kind:
                case Kind.MEAN:
                    pass  # the anchor always runs
                case Kind.SAMPLED | Kind.QUANTIZED if meter is not None:
                    room = int(budget * HEADROOM) - meter.flops_used
                    if member.cost(width, depth) > room:
                        self.history.append((member.kind.value, "skipped"))
                        continue
            results[member.kind] = member.run(mlp)
        if Kind.MEAN not in results:
            results[Kind.MEAN] = MeanField().run(mlp)
        anchor = results[Kind.MEAN]
        dist = {k: float(fnp.mean((r - anchor) ** 2)) for k, r in results.items() if k is not Kind.MEAN}
        raw = {k: 1.0 / (d + 1e-4) for k, d in dist.items()}
        raw[Kind.MEAN] = 1.0 / (1e-4 + min(dist.values(), default=1.0))
        total = sum(raw.values())
        weights = {k: v / total for k, v in raw.items()}
        parts = (weights[k] * results[k] for k in sorted(results, key=lambda k: k.value))
        out = functools.reduce(lambda a, b: a + b, parts)
        steps = [float(fnp.mean(fnp.abs(b - a))) for a, b in itertools.pairwise(out)]
        self.history.append(("steps", len(steps)))
        return out
