"""The propagation strategies of bazaar_sweep and the registry they fill.

Each strategy is a function ``(state, W) -> state`` registered under a name by ``@register``;
the planner in estimator.py looks them up by name and prices them with the ``cost`` lambda each
one registers.  A ``State`` is the mean and the (diagonal or full) second moment of one layer's
post-activations.  Everything is float64 except the sampler's draws (see sampler.py).

History: "point" was week 1, "diag" week 2, "cov" week 3 (too slow past width 64, hence the
cost gate), "lowrank" week 5 (a cheap middle ground: the covariance kept as a rank-r factor).
"""

from __future__ import annotations

import enum
import logging
import math
from typing import Callable, NamedTuple, Optional

import flopscope.numpy as fnp

log = logging.getLogger("bazaar_sweep.strategies")

EPS = 1e-12
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
TANH_CUBIC = 0.044715
RANK_CAP = 6


class DriftWarning(UserWarning):
    """The plan or the numbers drifted from what the head was fitted on (an error in setup())."""


class Kind(enum.Enum):
    POINT = "point"
    DIAG = "diag"
    LOWRANK = "lowrank"
    COV = "cov"

    @property
    def keeps_cov(self) -> bool:
        return self in (Kind.COV, Kind.LOWRANK)

    @classmethod
    def parse(cls, name: str) -> "Kind":
        try:
            return cls(name)
        except ValueError:
            log.warning(f"unknown strategy {name!r}, using diag")
            return cls.DIAG


class State(NamedTuple):
    mean: object
    var: object
    cov: Optional[object] = None
    factor: Optional[object] = None

    @property
    def std(self):
        return fnp.sqrt(fnp.clip(self.var, EPS, None))

    def with_mean(self, mean) -> "State":
        return self._replace(mean=mean)


class Spec(NamedTuple):
    name: str
    fn: Callable
    cost: Callable
    quality: float = 1.0


REGISTRY: dict = {}


def register(name: str, *, cost: Callable, quality: float = 1.0):
    """File a strategy under ``name`` with its per-layer FLOP model ``cost(width)``."""

    def deco(fn):
        if name in REGISTRY:
            log.debug("strategy %s registered twice, the last one wins", name)
        REGISTRY[name] = Spec(name, fn, cost, quality)
        fn.kind = Kind.parse(name)
        return fn

    return deco


def gauss_cdf(z):
    # tanh approximation of Phi: no erf in flopscope, and the error (1e-3) is below the noise
    return 0.5 * (1.0 + fnp.tanh(SQRT_2_OVER_PI * (z + TANH_CUBIC * z * z * z)))


def relu_moments(m, v):
    """Mean, variance and the slope (P[pre > 0]) of relu(N(m, v)), elementwise."""
    s = fnp.sqrt(fnp.clip(v, EPS, None))
    z = m / s
    cdf = gauss_cdf(z)
    pdf = fnp.exp(-0.5 * z * z) * INV_SQRT_2PI
    mean = m * cdf + s * pdf
    second = (m * m + v) * cdf + m * s * pdf
    return mean, fnp.clip(second - mean * mean, 0.0, None), cdf


@register("point", cost=lambda w: 2 * w * w + 30 * w, quality=1.0)
def point(state: State, W) -> State:
    """Week 1: push the mean, keep the variance of the input as a fixed hint."""
    pre = state.mean @ W
    hint = fnp.full_like(pre, 1.0) * state.var.mean()
    mean, var, _ = relu_moments(pre, hint)
    return State(mean, var)


@register("diag", cost=lambda w: 5 * w * w + 40 * w, quality=2.0)
def diag(state: State, W) -> State:
    m = state.mean @ W
    v = state.var @ (W * W)
    mean, var, _ = relu_moments(m, v)
    return State(mean, var)


@register("lowrank", cost=lambda w: 4 * (RANK_CAP + 2) * w * w + 90 * w, quality=2.5)
def lowrank(state: State, W) -> State:
    """Week 5: second moment = diag(var) + F F^T with F (w, r); F is pushed through W and
    scaled by the slope, the diagonal tracks what F misses."""
    m = state.mean @ W
    if state.factor is None:
        factor = fnp.zeros((W.shape[0], 1))
    else:
        factor = state.factor
    pushed = W.T @ factor
    resid = state.var - fnp.einsum("ir,ir->i", factor, factor)
    v = fnp.clip(resid, 0.0, None) @ (W * W) + fnp.einsum("ir,ir->i", pushed, pushed)
    mean, var, slope = relu_moments(m, v)
    r = min(RANK_CAP, W.shape[1])
    top = fnp.argsort(-var)[:r]
    factor = (pushed * slope[:, None])[:, :r] if pushed.shape[1] >= r else pushed * slope[:, None]
    factor = factor + fnp.sqrt(var)[:, None] * (fnp.arange(W.shape[1])[:, None] == top[None, :r])
    return State(mean, var, factor=factor)


@register("cov", cost=lambda w: 8 * w * w * w + 16 * w * w + 80 * w, quality=3.0)
def cov(state: State, W) -> State:
    c = state.cov if state.cov is not None else fnp.diag(state.var)
    m = state.mean @ W
    c_pre = W.T @ c @ W
    mean, var, slope = relu_moments(m, fnp.diagonal(c_pre))
    c_post = c_pre * fnp.outer(slope, slope)
    fnp.fill_diagonal(c_post, var)
    return State(mean, var, cov=c_post)


def by_quality() -> list:
    return sorted(REGISTRY.values(), key=lambda spec: (-spec.quality, spec.name))


def cheapest(width: int) -> Spec:
    return min(REGISTRY.values(), key=lambda spec: spec.cost(width))
