"""Cost-model-planned moment propagation ("se_strategies", folder submission).

    estimator.py   the planner and the estimator
    ops.py         Strategy ABC, three registered strategies, Config, cost helpers

The planner prices every registered strategy at (width, depth, budget) and runs the best
one (highest quality) that fits the budget; a final sanity pass blends the sampled first
layer back in when the cheap strategy had to be used and there is room left.
"""

from __future__ import annotations

import logging
import dataclasses
import functools
from dataclasses import dataclass
from typing import List, Optional

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

from ops import STRATEGIES, Config, Strategy, make, matmul_cost

log = logging.getLogger("se_strategies")


@dataclass(frozen=True)
class Plan:
    strategy: str
    predicted: int
    leftover: int

    @property
    def fits(self) -> bool:
        return self.leftover >= 0


class Planner:
    """Rank strategies by quality, keep the best that fits."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.history: List[Plan] = []

    @classmethod
    def cautious(cls, config: Config) -> "Planner":
        return cls(dataclasses.replace(config, safety=config.safety * 0.5))

    @functools.cached_property
    def order(self) -> dict:
        return {k: i for i, k in enumerate(self.config.prefer)}

    def candidates(self) -> List[Strategy]:
        names = sorted(STRATEGIES, key=lambda k: (self.order.get(k, 99), k))
        return [make(k, self.config) for k in names]

    def __call__(self, width: int, depth: int, budget: int) -> Plan:
        allowed = int(budget * self.config.safety)
        plans = []
        for s in self.candidates():
            c = s.cost(width, depth, budget)
            plans.append((s.quality, Plan(s.key, c, allowed - c)))
        fitting = [p for q, p in sorted(plans, key=lambda t: -t[0]) if p.fits]
        chosen = fitting[0] if fitting else min((p for _, p in plans), key=lambda p: p.predicted)
        self.history.append(chosen)
        return chosen


class Blender:
    """Blend a cheap estimate with a tiny sampled correction of the first layer."""

    def __init__(self, n: int, seed: int = 7) -> None:
        self.n = n
        self.seed = seed

    def cost(self, width: int) -> int:
        return matmul_cost(self.n, width, width) + 4 * self.n * width + 6 * width

    def __call__(self, est, w0):
        rng = fnp.random.default_rng(self.seed)
        x = rng.standard_normal((self.n, w0.shape[0]))
        first = fnp.mean(fnp.maximum(x @ w0, 0.0), axis=0)
        gap = first - est[0]
        est0 = est[0] + 0.5 * gap
        return fnp.concatenate([est0[None, :], est[1:]], axis=0)


class Estimator(BaseEstimator):
    def __init__(self, config: Optional[Config] = None) -> None:
        super().__init__()
        self.config = config or Config()
        self.planner = Planner.cautious(self.config)
        self.last: Optional[Plan] = None

    def setup(self, context) -> None:
        # a quick self-check of the registry, off the meter
        missing = [k for k in self.config.prefer if k not in STRATEGIES]
        if missing:
            log.warning("config prefers unknown strategies %s", missing)
            self.config = Config(prefer=tuple(k for k in self.config.prefer if k in STRATEGIES))
            self.planner = Planner.cautious(self.config)
        log.debug("cost cache: %s", matmul_cost.cache_info())

    @property
    def plans_made(self) -> int:
        return len(self.planner.history)

    def _blend_size(self, width: int, leftover: int) -> int:
        n = 0
        b = Blender(self.config.sample_quantum)
        while b.cost(width) <= leftover and b.n <= 256:
            n = b.n
            b = Blender(b.n * 2)
        return n

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = self.planner(width, depth, budget)
        self.last = plan
        strategy = make(plan.strategy, self.planner.config)  # the config the plan was priced with
        est = strategy(mlp.weights, width, budget)
        if plan.strategy == "meanfield":
            n = self._blend_size(width, plan.leftover)
            if n:
                est = Blender(n)(est, mlp.weights[0])
        log.info("plan %s (%d so far): %s", plan, self.plans_made, strategy.name)
        return est
