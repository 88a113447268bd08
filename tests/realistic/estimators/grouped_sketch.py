"""Mean field with a low-rank sketch on an active set, layers grouped by role ("grouped_sketch").

How it works: a `LayerStream` iterator class hands out (index, weight) pairs; the layers are
grouped by role ("head", "body", "tail") with `itertools.groupby` over the stream, and each
group is planned once. The plan for a group is the cheapest (rank, active) pair from
`itertools.product` of candidate grids that fits the group's share of the budget: the largest
rank, then the cheapest, by `min` over (cost, -rank, -active) tuples; what a plan is (an int rank, a (rank, active) tuple
or the string "mean") is resolved by `functools.singledispatch`. A sketch basis per rank comes
from QR of a seeded Gaussian, memoised with `functools.lru_cache` on a method and exposed by a
`cached_property`. Per layer, the active set is the `argpartition` top of the variance; the
sketch corrects the variance of the active units only (`fnp.where` on a mask). Windows of
consecutive layers (`itertools.pairwise` under a `yield from`) pick which layers get a
cross-layer smoothing; `itertools.tee` lets the readout walk the rows twice.
"""

from __future__ import annotations

import functools
import itertools
import operator
from dataclasses import dataclass

import flopscope.numpy as fnp
from whestbench import BaseEstimator

RANKS = (2, 4, 8)
ACTIVE_FRACTIONS = (4, 2)        # active = width // fraction
SHARES = {"head": 0.2, "body": 0.6, "tail": 0.2}
SMOOTH = 0.1


class LayerStream:
    """(index, weight) pairs of an MLP, one at a time; `role` of an index by position."""

    def __init__(self, weights):
        self.weights = list(weights)
        self.pos = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.pos >= len(self.weights):
            raise StopIteration
        item = (self.pos, self.weights[self.pos])
        self.pos += 1
        return item

    def role(self, index: int) -> str:
        if index == 0:
            return "head"
        return "tail" if index == len(self.weights) - 1 else "body"


@dataclass(frozen=True)
class GroupPlan:
    role: str
    layers: tuple
    rank: int = 0
    active: int = 0

    @property
    def mode(self) -> str:
        return "mean" if self.rank == 0 else "sketch"


@functools.singledispatch
def resolve(choice, role: str, layers: tuple, width: int) -> GroupPlan:
    raise TypeError(f"no plan from {type(choice).__name__}")


@resolve.register
def _(choice: int, role, layers, width):
    return GroupPlan(role, layers, rank=choice, active=max(1, width // ACTIVE_FRACTIONS[-1]))


@resolve.register
def _(choice: tuple, role, layers, width):
    rank, active = choice
    return GroupPlan(role, layers, rank=rank, active=active)


@resolve.register
def _(choice: str, role, layers, width):
    return GroupPlan(role, layers)


def sketch_cost(width: int, rank: int, active: int) -> int:
    """Per layer: the mean/var products, the sketch product and the active-block correction."""
    return 4 * width * width + 2 * width * width * rank + 4 * active * rank + 12 * width


def choose(role: str, layers: tuple, width: int, allowance: float):
    """The plan choice for a group: the cheapest fitting grid point, or "mean"."""
    grid = itertools.product(RANKS, (max(1, width // f) for f in ACTIVE_FRACTIONS))
    costs = [(sketch_cost(width, r, a) * len(layers), -r, -a) for r, a in grid]
    fitting = [c for c in costs if c[0] <= allowance]
    if not fitting:
        return "mean"
    # the largest rank that fits, then the cheaper active set
    best = min(fitting, key=lambda c: (c[1], c[0]))
    _, neg_rank, neg_active = best
    return -neg_rank if -neg_rank == RANKS[-1] else (-neg_rank, -neg_active)


def windows(indices):
    """Consecutive pairs of layer indices, then the last alone (a generator over generators)."""
    indices = list(indices)
    yield from itertools.pairwise(indices)
    if indices:
        yield (indices[-1], None)


class Sketcher:
    def __init__(self, width: int, seed: int):
        self.width = width
        self.seed = seed

    @functools.lru_cache(maxsize=4)
    def basis(self, rank: int):
        rng = fnp.random.default_rng(self.seed + rank)
        gauss = rng.standard_normal((self.width, rank))
        q, _ = fnp.linalg.qr(gauss)
        return q.astype(fnp.float32)

    @functools.cached_property
    def default(self):
        return self.basis(RANKS[0])


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-8))
    z = mu / sd
    cdf = 0.5 * (1.0 + fnp.tanh(0.79788456 * z))
    pdf = 0.39894228 * fnp.exp(-0.5 * z * z)
    m = mu * cdf + sd * pdf
    v = fnp.maximum((mu * mu + var) * cdf + mu * sd * pdf - m * m, 0.0)
    return m, v


class Estimator(BaseEstimator):
    def setup(self, context):
        self.dims = operator.attrgetter("width", "depth")

    def predict(self, mlp, budget):
        width, depth = self.dims(mlp)
        stream = LayerStream(mlp.weights)
        sketcher = Sketcher(width, seed=11)

        plans = {}
        pairs = list(stream)
        for role, members in itertools.groupby(pairs, key=lambda p: stream.role(p[0])):
            layers = tuple(i for i, _ in members)
            allowance = SHARES[role] * budget
            plans[role] = resolve(choose(role, layers, width, allowance), role, layers, width)
        by_layer = {i: plan for plan in plans.values() for i in plan.layers}

        mu = fnp.zeros((width,), dtype=fnp.float32)
        var = fnp.ones((width,), dtype=fnp.float32)
        rows = []
        for index, weight in pairs:
            plan = by_layer[index]
            pre_mu = mu @ weight
            pre_var = var @ (weight * weight)
            if plan.mode == "sketch":
                pre_var = self._correct(pre_var, mu, weight, sketcher.basis(plan.rank), plan.active)
            mu, var = relu_moments(pre_mu, pre_var)
            rows.append(mu)

        lifted = any(plan.mode == "sketch" for plan in plans.values())
        smoothed = self._smooth(rows, depth, sketcher if lifted else None)
        return fnp.stack(smoothed)

    def _correct(self, pre_var, mu, weight, basis, active: int):
        """Adds the sketched second moment on the `active` units of largest variance."""
        top = fnp.argpartition(pre_var, -active)[-active:]
        mask = fnp.isin(fnp.arange(pre_var.shape[0]), top)
        proj = fnp.einsum("w,wr->r", mu, basis)
        back = fnp.einsum("r,wr,wv->v", proj, basis, weight)
        extra = 0.05 * back * back
        return fnp.where(mask, pre_var + extra, pre_var)

    def _smooth(self, rows, depth: int, sketcher):
        """Blends each row with the next one in its window; the first pass finds the scale."""
        first, second = itertools.tee(iter(rows))
        scale = sum(1.0 for _ in first) / max(1, depth)
        out = []
        for a, b in windows(range(len(rows))):
            row = next(second)
            if b is None:
                out.append(row)
                continue
            out.append((1.0 - SMOOTH * scale) * row + SMOOTH * scale * rows[b])
        if sketcher is None:
            return out
        anchor = sketcher.default
        lift = fnp.einsum("w,wr,vr->v", out[-1], anchor, anchor)
        out[-1] = out[-1] + 1e-3 * lift
        return out
