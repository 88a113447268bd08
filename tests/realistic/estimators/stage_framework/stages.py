"""The stage framework: a registry of layer stages, each an object with a cost model and a run.

A stage maps the moments of one layer's input (a ``State``) through a weight matrix to the
moments of its output. Stages are registered by a class decorator under a name and built
by ``build(name, *args, **kwargs)``; the planner in estimator.py only sees the registry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

import flopscope as flops
import flopscope.numpy as fnp

VAR_FLOOR = 1e-10

REGISTRY: dict[str, type["Stage"]] = {}


def register(name: str, *, aliases: tuple = ()) -> Callable[[type], type]:
    """File a Stage subclass in REGISTRY under ``name`` (and each alias)."""

    def deco(cls: type) -> type:
        cls.name = name
        for key in (name, *aliases):
            if key in REGISTRY:
                raise KeyError(f"stage {key!r} registered twice")
            REGISTRY[key] = cls
        return cls

    return deco


def build(name: str, *args, **kwargs) -> "Stage":
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise KeyError(f"no stage {name!r}; known: {sorted(REGISTRY)}") from None
    return cls(*args, **kwargs)


# ------------------------------------------------------------------ state


@dataclass
class State:
    """Moments of one layer: the mean (float32), and either a variance vector, a dense
    covariance (float64) or a low-rank factor plus a diagonal (float32)."""

    mean: object
    var: object
    cov: Optional[object] = None
    factor: Optional[object] = None
    notes: list = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.mean.shape[0]

    @property
    def std(self):
        return fnp.sqrt(fnp.maximum(self.var, VAR_FLOOR))

    @property
    def kind(self) -> str:
        if self.cov is not None:
            return "dense"
        return "factor" if self.factor is not None else "diag"

    def dense(self):
        """The covariance as a float64 matrix, whatever form it is kept in."""
        if self.cov is not None:
            return self.cov
        diag = fnp.diag(self.var.astype(fnp.float64))
        if self.factor is None:
            return diag
        f = self.factor.astype(fnp.float64)
        return diag + f @ f.T


def relu_moments(mu, var):
    """E and Var of relu(N(mu, var)), elementwise; stats.norm returns float64, cast back."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z).astype(mu.dtype)
    pdf = flops.stats.norm.pdf(z).astype(mu.dtype)
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


# ------------------------------------------------------------------ the base class


class Stage(ABC):
    name = "?"

    def __init__(self, *args, **kwargs):
        self.options = dict(kwargs)
        self.args = args
        self.calls = 0

    @abstractmethod
    def cost(self, width: int) -> int:
        """FLOPs of one layer at this width (the planner's price)."""

    @abstractmethod
    def run(self, state: State, w) -> State:
        """The next layer's moments."""

    def __call__(self, state: State, w, *args, **kwargs) -> State:
        self.calls += 1
        return self.run(state, w, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}, calls={self.calls})"


class PricedStage(Stage):
    """A stage priced by a cubic c3 w^3 + c2 w^2 + c1 w read from the prior."""

    def __init__(self, coef=(0, 0, 0), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.coef = tuple(int(c) for c in coef)

    def cost(self, width: int) -> int:
        c3, c2, c1 = self.coef
        return c3 * width ** 3 + c2 * width ** 2 + c1 * width


# ------------------------------------------------------------------ stages


@register("meanfield", aliases=("diag",))
class MeanField(PricedStage):
    def run(self, state: State, w) -> State:
        mu = state.mean @ w
        var = state.var @ (w * w)
        m, v, _ = relu_moments(mu, var)
        return State(m, v)


@register("covariance")
class Covariance(PricedStage):
    """Dense covariance in float64: W^T C W by one three-operand einsum."""

    def run(self, state: State, w) -> State:
        w64 = w.astype(fnp.float64)
        cov = state.dense()
        pre_cov = fnp.einsum("ji,jk,kl->il", w64, cov, w64)
        mu = (state.mean @ w).astype(fnp.float64)
        pre_var = fnp.diagonal(pre_cov)
        m, v, gain = relu_moments(mu, pre_var)
        post = fnp.outer(gain, gain) * pre_cov
        extra = v - fnp.diagonal(post)
        new_cov = post + fnp.diag(fnp.maximum(extra, 0.0))
        return State(m.astype(fnp.float32), v.astype(fnp.float32), cov=new_cov)


@register("lowrank")
class LowRank(PricedStage):
    """A rank-k factor F (float32) and a diagonal: W^T F re-orthonormalised by a reduced QR,
    truncated by an SVD of the leading block of R."""

    def __init__(self, coef=(0, 0, 0), *args, rank: int = 4, energy: float = 0.9, **kwargs):
        super().__init__(coef, *args, **kwargs)
        self.rank = rank
        self.energy = energy

    def run(self, state: State, w) -> State:
        k = min(self.rank, state.width)
        factor = state.factor
        if factor is None:
            factor = fnp.diag(state.std)[:, :k]
        g = w.T @ factor
        q, r = fnp.linalg.qr(g)
        u, s, _ = fnp.linalg.svd(r[:k, :k])
        mu = state.mean @ w
        var = state.var @ (w * w)
        m, v, gain = relu_moments(mu, var)
        new_factor = (gain[:, None] * q) @ (u * s)
        total = float(fnp.sum(s * s))
        kept = float(fnp.sum(s[: k // 2] ** 2)) / max(total, VAR_FLOOR)
        if kept < self.energy:
            # the spectrum is flat: the factor misses most of the variance, keep the diagonal too
            state.notes.append(f"flat spectrum ({kept:.2f})")
            v = fnp.maximum(v, fnp.sum(new_factor * new_factor, axis=1))
        return State(m, v, factor=new_factor.astype(fnp.float32))


@register("sampler")
class Sampler(Stage):
    """A Monte Carlo cloud carried from layer to layer (its samples live on the stage)."""

    def __init__(self, *args, samples: int = 32, seed: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.samples = samples
        self.seed = seed
        self.cloud = None

    def cost(self, width: int) -> int:
        return 2 * self.samples * width * width + 4 * self.samples * width

    def run(self, state: State, w) -> State:
        if self.cloud is None:
            rng = fnp.random.default_rng(self.seed)
            z = rng.standard_normal((self.samples, state.width)).astype(fnp.float32)
            self.cloud = state.mean + z * state.std
        self.cloud = fnp.maximum(self.cloud @ w, 0.0)
        return State(fnp.mean(self.cloud, axis=0), fnp.var(self.cloud, axis=0))


# ------------------------------------------------------------------ iteration helpers


def layer_pairs(weights, plan) -> Iterator[tuple]:
    """(layer index, weight matrix, stage name), the plan's stages in order."""
    yield from zip(range(len(weights)), weights, plan)


def segments(plan) -> Iterator[tuple[str, int]]:
    """Runs of the same stage in the plan: (name, length)."""
    if not plan:
        return
    current, count = plan[0], 0
    for name in plan:
        if name == current:
            count += 1
        else:
            yield current, count
            current, count = name, 1
    yield current, count
