"""Moment propagators: a small class hierarchy, each kind registered by a class decorator.

    Propagator          the interface: start / pre / post / step, cost model as a classmethod
    MeanField           relu of the mean (no variance)
    DiagGauss           Gaussian relu moments on a diagonal covariance
    HeadDiag            DiagGauss whose post-activation moments a learned head corrects
    LowRankHead         HeadDiag plus a rank-k factor of the covariance carried across layers

Every subclass extends its parent's ``__init__`` and ``post`` through ``super()``; factories
are classmethods so a subclass builds itself (``KINDS[name].create(width, **opts)``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import flopscope as flops
import flopscope.numpy as fnp

from .trace import counted, once_per, timed

KINDS: dict[str, type] = {}
VAR_FLOOR = 1e-6


def register(name: str):
    def decorate(cls):
        cls.kind = name
        KINDS[name] = cls
        return cls
    return decorate


@dataclass(frozen=True)
class Moments:
    mean: object
    var: object
    factor: Optional[object] = None     # (width, k): covariance ≈ diag(var) + factor factor^T

    @classmethod
    def standard(cls, width: int) -> "Moments":
        return cls(fnp.zeros(width, dtype=fnp.float32), fnp.ones(width, dtype=fnp.float32))


class Propagator:
    kind = "base"

    def __init__(self, width: int, *, floor: float = VAR_FLOOR) -> None:
        self.width = width
        self.floor = floor
        self.steps = 0

    @classmethod
    def create(cls, width: int, **opts) -> "Propagator":
        return cls(width, **opts)

    @classmethod
    def cost(cls, width: int, **opts) -> int:
        """FLOPs of one layer, by hand (what the planner compares with the budget)."""
        return 2 * width * width + 2 * width

    def start(self) -> Moments:
        return Moments.standard(self.width)

    def pre(self, state: Moments, w):
        return state.mean @ w, None

    def post(self, mu, var, state: Moments) -> Moments:
        return Moments(fnp.maximum(mu, 0.0), state.var)

    @counted
    def step(self, state: Moments, w) -> Moments:
        self.steps += 1
        mu, var = self.pre(state, w)
        return self.post(mu, var, state)

    def readout(self, state: Moments):
        return state.mean


@register("mean")
class MeanField(Propagator):
    pass


@register("diag")
class DiagGauss(MeanField):
    def __init__(self, width: int, *, clip: float = 8.0, **opts) -> None:
        super().__init__(width, **opts)
        self.clip = clip

    @classmethod
    def cost(cls, width: int, **opts) -> int:
        return super().cost(width) + 8 * width * width + 160 * width

    def pre(self, state, w):
        mu, _ = super().pre(state, w)
        var = fnp.maximum(state.var @ (w * w), self.floor)
        return mu, var

    @counted(name="relu_moments")
    def post(self, mu, var, state):
        sd = fnp.sqrt(var)
        z = fnp.clip(mu / sd, -self.clip, self.clip)
        cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
        mean = mu * cdf + sd * pdf
        second = (mu * mu + var) * cdf + mu * sd * pdf
        return Moments(mean, fnp.maximum(second - mean * mean, self.floor), state.factor)


@register("head")
class HeadDiag(DiagGauss):
    """The learned head: features (mu, sd, mean, pdf) -> tanh hidden layer -> (dmean, dlogvar)."""

    def __init__(self, width: int, *, head: dict, alpha: float = 1.0, **opts) -> None:
        super().__init__(width, **opts)
        self.w1 = fnp.asarray(head["w1"], dtype=fnp.float32)
        self.w2 = fnp.asarray(head["w2"], dtype=fnp.float32)
        self.bias = fnp.asarray(head["bias"], dtype=fnp.float32)
        self.alpha = alpha

    @classmethod
    def from_arrays(cls, width: int, arrays: dict, **opts) -> "HeadDiag":
        head = {k: arrays[k] for k in ("w1", "w2", "bias")}
        return cls.create(width, head=head, **opts)

    @classmethod
    def cost(cls, width: int, hidden: int = 8, **opts) -> int:
        return super().cost(width) + width * (60 * hidden + 96)

    @once_per("_shrink")
    def shrink(self):
        """Ridge-style shrinkage of the hidden layer, from its Gram (first call only)."""
        gram = self.w1.T @ self.w1
        return 1.0 / (1.0 + fnp.diagonal(gram))

    @counted
    @timed
    def correct(self, mu, var, mean, pdf_term):
        feats = fnp.stack([mu, fnp.sqrt(var), mean, pdf_term], axis=1)
        hidden = fnp.tanh(feats @ self.w1) * self.shrink()
        delta = hidden @ self.w2 + self.bias
        return delta[:, 0], delta[:, 1]

    def post(self, mu, var, state):
        base = super().post(mu, var, state)
        sd = fnp.sqrt(var)
        dmean, dlogvar = self.correct(mu, var, base.mean, sd * flops.stats.norm.pdf(mu / sd))
        mean = fnp.maximum(base.mean + self.alpha * dmean, 0.0)
        return replace(base, mean=mean, var=base.var * fnp.exp(self.alpha * dlogvar))


@register("lowrank")
class LowRankHead(HeadDiag):
    """Carries a rank-k factor: pre-activation variance adds the factor's row norms."""

    def __init__(self, width: int, *, rank: int = 2, **opts) -> None:
        super().__init__(width, **opts)
        self.rank = rank

    @classmethod
    def cost(cls, width: int, hidden: int = 8, rank: int = 2, **opts) -> int:
        return super().cost(width, hidden=hidden) + 8 * rank * width * width + 120 * width

    def pre(self, state, w):
        mu, var = super().pre(state, w)
        if state.factor is None:
            return mu, var
        proj = w.T @ state.factor
        return mu, var + fnp.einsum("ik,ik->i", proj, proj)

    def post(self, mu, var, state):
        out = super().post(mu, var, state)
        # the slope of the relu at the mean carries the factor through: diag(Phi) W^T U
        slope = flops.stats.norm.cdf(mu / fnp.sqrt(var))
        seed = fnp.sqrt(out.var)[:, None] * fnp.eye(self.width, self.rank, dtype=fnp.float32)
        factor = slope[:, None] * seed if state.factor is None else slope[:, None] * (self._last_w.T @ state.factor)
        return replace(out, factor=factor)

    def step(self, state, w):
        self._last_w = w
        return super().step(state, w)


def build(kind: str, width: int, **opts) -> Propagator:
    """The propagator named ``kind`` ("head" and "lowrank" take ``arrays=`` from the .npz)."""
    cls = KINDS[kind]
    arrays = opts.pop("arrays", None)
    opts.pop("hidden", None)        # the head's width comes from its arrays
    if arrays is not None and issubclass(cls, HeadDiag):
        return cls.from_arrays(width, arrays, **opts)
    return cls.create(width, **{k: v for k, v in opts.items() if k in ("floor", "clip")})
