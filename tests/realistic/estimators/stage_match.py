"""Stages named in a recipe, dispatched by name and by `match` ("stage_match").

How it works: a recipe is a list of frozen dataclass `Step`s (kind an `Enum`, options in a
`field(default_factory=dict)`, validated in `__post_init__`). The estimator runs each step by
`getattr(self, f"_stage_{step.kind.value}")`; the recipe itself is picked by a `match` over a
(regime, depth-class) tuple with class and guard patterns. Propagators are callable objects in
a small hierarchy (`__call__`, `super().__call__` adding a correction), and every helper that
charges FLOPs is wrapped by a decorator counting its calls in a closure (`nonlocal`). Results
are kept under f-string keys (`f"mu/{i}"`) and read back with `dict.get` chains; the layers that
get a refinement are the ones with the largest planned gain, picked with `sorted(..., key=lambda)`
and `max` over tuples. Numerics: mean/variance propagation, a Cholesky-free whitening of a small
Gram by `eigh`, an `einsum` low-rank refinement, `functools.reduce` over the refined layers.
"""

from __future__ import annotations

import enum
import functools
import itertools
from collections import Counter
from dataclasses import dataclass, field

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Kind(enum.Enum):
    MEAN = "mean"
    REFINE = "refine"
    BLEND = "blend"


CALLS: Counter = Counter()


def counted(fn):
    """Counts the calls of a FLOP-charging helper, in a closure and in CALLS."""
    calls = 0

    @functools.wraps(fn)
    def inner(*args, **kwargs):
        nonlocal calls
        calls += 1
        CALLS[fn.__name__] += 1
        return fn(*args, **kwargs)

    inner.count = lambda: calls
    return inner


@dataclass(frozen=True)
class Step:
    kind: Kind
    options: dict = field(default_factory=dict)
    label: str = ""

    def __post_init__(self):
        if not isinstance(self.kind, Kind):
            raise TypeError(f"bad kind {self.kind!r}")
        if not self.label:
            object.__setattr__(self, "label", f"{self.kind.value}:{len(self.options)}")


@dataclass
class Budgeted:
    width: int
    depth: int
    budget: int
    spent: int = 0

    @property
    def left(self) -> int:
        return max(0, self.budget - self.spent)

    def take(self, cost: int) -> bool:
        if (after := self.spent + cost) > self.budget:
            return False
        self.spent = after
        return True


class Propagator:
    """mean/variance through one layer (a callable object)."""

    def __init__(self, floor: float = 1e-8):
        self.floor = floor

    def __call__(self, mu, var, w):
        pre_mu = mu @ w
        pre_var = fnp.maximum(var @ (w * w), self.floor)
        return pre_mu, pre_var


class DampedPropagator(Propagator):
    """The plain propagator with the variance damped toward its mean."""

    def __init__(self, damp: float, floor: float = 1e-8):
        super().__init__(floor)
        self.damp = damp

    def __call__(self, mu, var, w):
        pre_mu, pre_var = super().__call__(mu, var, w)
        return pre_mu, (1.0 - self.damp) * pre_var + self.damp * fnp.mean(pre_var)


@counted
def relu(mu, var):
    sd = fnp.sqrt(var)
    z = mu / sd
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * z))
    pdf = 0.3989422804 * fnp.exp(-0.5 * z * z)
    m = mu * cdf + sd * pdf
    return m, fnp.maximum((mu * mu + var) * cdf + mu * sd * pdf - m * m, 1e-8)


@counted
def whiten_gram(block):
    """Eigen-whitening of a small Gram; the smallest eigenvalues clipped."""
    gram = block.T @ block / block.shape[0]
    vals, vecs = fnp.linalg.eigh(gram)
    return vecs / fnp.sqrt(fnp.maximum(vals, 1e-6))


@counted
def refine(mu, w, rank: int):
    """A rank-`rank` refinement of the next layer's mean from the leading columns of w."""
    lead = w[:, :rank]
    white = whiten_gram(lead)
    coeff = fnp.einsum("w,wr,rk->k", mu, lead, white)
    return fnp.einsum("k,rk,vr->v", coeff, white, w[:rank, :].T) / mu.shape[0]


def recipe_for(regime: str, depth: int, rank: int) -> list:
    shape = "shallow" if depth <= 2 else "deep"
    match (regime, shape):
        case ("rich", "deep"):
            return [Step(Kind.MEAN, {"damp": 0.1}), Step(Kind.REFINE, {"rank": rank, "top": 2}),
                    Step(Kind.BLEND, {"alpha": 0.2})]
        case ("rich", _):
            return [Step(Kind.MEAN), Step(Kind.REFINE, {"rank": rank, "top": 1})]
        case (_, "deep") if rank > 1:
            return [Step(Kind.MEAN, {"damp": 0.05}), Step(Kind.BLEND, {"alpha": 0.1})]
        case _:
            return [Step(Kind.MEAN)]


class Estimator(BaseEstimator):
    def setup(self, context):
        self.memo = {}

    def predict(self, mlp, budget):
        plan = Budgeted(mlp.width, mlp.depth, budget)
        per_layer = 2 * mlp.width * mlp.width
        rank = max(1, min(4, mlp.width // 8))
        regime = "rich" if budget >= 8 * per_layer * mlp.depth else "lean"
        store = {"weights": list(mlp.weights)}
        for step in recipe_for(regime, mlp.depth, rank):
            handler = getattr(self, f"_stage_{step.kind.value}")
            handler(store, step, plan)
        rows = [store.get(f"out/{i}", store.get(f"mu/{i}")) for i in range(mlp.depth)]
        return fnp.stack(rows)

    def _stage_mean(self, store, step, plan):
        damp = step.options.get("damp")
        prop = DampedPropagator(damp) if damp else Propagator()
        mu = fnp.zeros((plan.width,), dtype=fnp.float32)
        var = fnp.ones((plan.width,), dtype=fnp.float32)
        for i, w in enumerate(store["weights"]):
            plan.take(2 * plan.width * plan.width)
            mu, var = relu(*prop(mu, var, w))
            store[f"mu/{i}"] = mu
            store[f"var/{i}"] = var

    def _stage_refine(self, store, step, plan):
        rank, top = step.options["rank"], step.options.get("top", 1)
        gains = [(float(plan.width - abs(i - plan.depth // 2)), -i, i) for i in range(plan.depth - 1)]
        chosen = sorted(gains, key=lambda g: (g[0], g[1]), reverse=True)[:top]
        best = max(chosen) if chosen else None
        for _, _, i in sorted(chosen, key=lambda g: g[2]):
            cost = 4 * plan.width * rank
            if not plan.take(cost):
                break
            nxt = refine(store[f"mu/{i}"], store["weights"][i + 1], rank)
            key = f"mu/{i + 1}"
            store[key] = store[key] + 0.01 * nxt
        store["refined"] = [] if best is None else [best[2]]

    def _stage_blend(self, store, step, plan):
        alpha = step.options.get("alpha", 0.0)
        means = [store[f"mu/{i}"] for i in range(plan.depth)]
        pairs = list(itertools.pairwise(means))
        total = functools.reduce(lambda acc, p: acc + p[1] - p[0], pairs, fnp.zeros_like(means[0]))
        for i, m in enumerate(means):
            store[f"out/{i}"] = m + (alpha / max(1, len(pairs))) * total * (i / max(1, plan.depth - 1))
