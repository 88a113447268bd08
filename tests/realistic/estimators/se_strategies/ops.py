"""Strategy plumbing for the ``se_strategies`` submission.

Everything that knows how to propagate moments through an MLP lives here; estimator.py only
wires a config, a cost model and a chosen strategy together.  New strategies register
themselves with ``@register("name")`` and become available to the planner without any
change to estimator.py.
"""

from __future__ import annotations

import abc
import functools
import math
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Dict, Type

import flopscope.numpy as fnp

INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

STRATEGIES: Dict[str, Type["Strategy"]] = {}


def register(name: str) -> Callable[[Type["Strategy"]], Type["Strategy"]]:
    """Class decorator: put a strategy in the registry under ``name``."""

    def deco(cls: Type["Strategy"]) -> Type["Strategy"]:
        if name in STRATEGIES:
            raise KeyError(f"strategy {name!r} registered twice")
        cls.key = name
        STRATEGIES[name] = cls
        return cls

    return deco


@dataclass(frozen=True)
class Config:
    safety: float = 0.85            # fraction of the budget the planner may spend
    min_samples: int = 16
    max_samples: int = 4096
    sample_quantum: int = 8
    prefer: tuple = ("covariance", "sampling", "meanfield")
    eps: float = 1e-6
    tags: dict = field(default_factory=dict, compare=False, hash=False)

    def with_safety(self, safety: float) -> "Config":
        return Config(safety, self.min_samples, self.max_samples, self.sample_quantum,
                      self.prefer, self.eps, dict(self.tags))


@functools.lru_cache(maxsize=None)
def matmul_cost(n: int, k: int, m: int) -> int:
    """FLOPs of an (n, k) @ (k, m) product the way flopscope bills it (multiply-add = 2)."""
    return 2 * n * k * m


@functools.lru_cache(maxsize=None)
def elementwise_cost(n: int, ops: int = 1) -> int:
    return n * ops


def relu_moments(mu, var, eps):
    """Mean and variance of relu(z) for z ~ N(mu, var), elementwise (tanh-approximated Phi)."""
    sd = fnp.sqrt(fnp.maximum(var, eps))
    a = mu / sd
    pdf = INV_SQRT_2PI * fnp.exp(-0.5 * a * a)
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (a + 0.044715 * a ** 3)))
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0)


class Strategy(abc.ABC):
    """One way of turning weights into per-layer means."""

    key: ClassVar[str] = "?"
    quality: ClassVar[int] = 0

    def __init__(self, config: Config) -> None:
        self.config = config
        self._calls = 0

    @property
    def name(self) -> str:
        return f"{self.key}#{self._calls}"

    @abc.abstractmethod
    def cost(self, width: int, depth: int, budget: int) -> int:
        """Predicted FLOPs of ``run`` at this size."""

    @abc.abstractmethod
    def run(self, weights, width: int, budget: int):
        """Return a (depth, width) array of per-layer means."""

    def __call__(self, weights, width: int, budget: int):
        self._calls += 1
        return self.run(weights, width, budget)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


@register("meanfield")
class MeanField(Strategy):
    quality = 1

    def cost(self, width: int, depth: int, budget: int) -> int:
        per_layer = 2 * matmul_cost(1, width, width) + elementwise_cost(width * width, 2)
        return depth * (per_layer + elementwise_cost(width, 30))

    def run(self, weights, width: int, budget: int):
        mu = fnp.zeros(width)
        var = fnp.ones(width)
        rows = []
        for w in weights:
            pre_mu = mu @ w
            pre_var = var @ (w * w)
            mu, var = relu_moments(pre_mu, pre_var, self.config.eps)
            rows.append(mu)
        return fnp.stack(rows)


@register("covariance")
class Covariance(Strategy):
    quality = 3

    def cost(self, width: int, depth: int, budget: int) -> int:
        sandwich = matmul_cost(width, width, width) * 2
        return depth * (sandwich + matmul_cost(1, width, width) + elementwise_cost(width * width, 3)
                        + elementwise_cost(width, 30))

    def run(self, weights, width: int, budget: int):
        mu = fnp.zeros(width)
        cov = fnp.eye(width)
        rows = []
        for w in weights:
            pre_mu = mu @ w
            pre_cov = w.T @ cov @ w
            pre_var = fnp.diagonal(pre_cov)
            mu, var = relu_moments(pre_mu, pre_var, self.config.eps)
            # keep correlations, rescale them to the post-activation variances
            scale = fnp.sqrt(var / fnp.maximum(pre_var, self.config.eps))
            cov = pre_cov * scale[:, None] * scale[None, :]
            rows.append(mu)
        return fnp.stack(rows)


@register("sampling")
class Sampling(Strategy):
    quality = 2

    def samples_for(self, width: int, depth: int, budget: int) -> int:
        # standard_normal is billed 16 per draw (measured), the layers 2*w*w + 2*w per row
        per = depth * (matmul_cost(1, width, width) + elementwise_cost(width, 2)) + 16 * width
        n = int(budget * self.config.safety) // max(per, 1)
        q = self.config.sample_quantum
        n = (n // q) * q
        return max(self.config.min_samples, min(n, self.config.max_samples))

    def cost(self, width: int, depth: int, budget: int) -> int:
        n = self.samples_for(width, depth, budget)
        return depth * (matmul_cost(n, width, width) + elementwise_cost(n * width, 2)) + 16 * n * width

    def run(self, weights, width: int, budget: int):
        depth = len(weights)
        n = self.samples_for(width, depth, budget)
        rng = fnp.random.default_rng(1234)
        x = rng.standard_normal((n, width))
        rows = []
        for w in weights:
            x = fnp.maximum(x @ w, 0.0)
            rows.append(fnp.mean(x, axis=0))
        return fnp.stack(rows)


def make(name: str, config: Config) -> Strategy:
    try:
        cls = STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}; have {sorted(STRATEGIES)}") from None
    return cls(config)
