from __future__ import annotations

from typing import NamedTuple, Optional

import flopscope as flops
import flopscope.numpy as fnp

STAGES: dict = {}


class Moments(NamedTuple):
    mean: object
    var: object
    cov: Optional[object] = None

    @classmethod
    def standard(cls, width: int) -> "Moments":
        return cls(fnp.zeros(width, dtype=fnp.float32), fnp.ones(width, dtype=fnp.float32))

    def rescaled(self, s: float) -> "Moments":
        cov = None if self.cov is None else self.cov * (s * s)
        return Moments(self.mean * s, self.var * (s * s), cov)


class Stage:
    """A layer update; subclasses register under ``kind`` and price themselves."""

    kind = "abstract"
    w2_terms = 0  # multiples of width^2 in the cost
    w3_terms = 0  # multiples of width^3

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind != "abstract":
            STAGES[cls.kind] = cls

    def __init__(self, width: int, *, jitter: float = 1e-6, **options):
        self.width = width
        self.jitter = jitter
        self.options = options

    @classmethod
    def estimate(cls, width: int) -> int:
        return cls.w3_terms * width ** 3 + cls.w2_terms * width ** 2 + 40 * width

    @classmethod
    def build(cls, width: int, *args, **kwargs) -> "Stage":
        return cls(width, *args, **kwargs)

    @property
    def name(self) -> str:
        return self.kind

    @staticmethod
    def relu(mu, var):
        """Mean and variance of relu(x) for x ~ N(mu, var), elementwise."""
        sd = fnp.sqrt(fnp.maximum(var, 1e-12))
        alpha = mu / sd
        cdf = flops.stats.norm.cdf(alpha)
        pdf = flops.stats.norm.pdf(alpha)
        mean = mu * cdf + sd * pdf
        second = (mu * mu + var) * cdf + mu * sd * pdf
        return mean, fnp.maximum(second - mean * mean, 0.0), cdf

    def __call__(self, state: Moments, w) -> Moments:
        return self.step(state, w)

    def step(self, state: Moments, w) -> Moments:  # pragma: no cover - abstract
        raise NotImplementedError(self.kind)
