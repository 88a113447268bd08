"""Streamed Monte Carlo merged with Chan's formula, blended with a tabulated mean field ("stream_ledger").

Folder submission:

    estimator.py   this file: the plan, the layer closures, the merge, the blend
    sampling.py    generators: chunk sizes (with the remainder), seeded antithetic draws
    ledger.py      a cost ledger filled by @contextmanager stages and an ExitStack

The sample count is a power of two under the budget's room (clamped), split in chunks of about
a quarter with a remainder chunk; each chunk's per-layer means and sums of squares are merged
into running moments (``Moments.__iadd__``, Chan's parallel update). The mean field's Gaussian
density comes from a table (``fnp.interp`` on a grid made on the first call for each width and
kept on the instance); the two estimates are blended by the sample count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

from ledger import Ledger, stage, stages
from sampling import chunk_sizes, draws, log2_floor, seed_for

CONFIG = {"act": "relu", "summary": ("mean", "var"), "prior_weight": 32.0}
MIN_SAMPLES, MAX_SAMPLES = 16, 4096
SAFETY = 0.8
TABLE_POINTS = 4          # table nodes per unit of width (the grid grows with the width)
SQRT_2PI = math.sqrt(2.0 * math.pi)

ACTIVATIONS: dict[str, Callable] = {
    "relu": lambda x: fnp.maximum(x, 0.0),
    "relu_clip": lambda x: fnp.clip(x, 0.0, None),
}


@dataclass
class Plan:
    n: int
    chunk: int
    antithetic: bool
    seed: int

    def cost_of_sampling(self, width: int, depth: int) -> int:
        return self.n * (16 * width + depth * (2 * width * width + 6 * width))


def prior_cost(width: int, depth: int) -> int:
    nodes = TABLE_POINTS * width
    return depth * (4 * width * width + width * (3 * 2 + 20 + 3 * max(1, math.ceil(math.log2(nodes)))))


def make_plan(width: int, depth: int, budget: int) -> Plan:
    seed = seed_for(budget, width, depth)
    room = SAFETY * budget - prior_cost(width, depth) - 8 * TABLE_POINTS * width
    per = 16 * width + depth * (2 * width * width + 8 * width)
    if room < MIN_SAMPLES * per:
        return Plan(0, 0, False, seed)
    n = 1 << log2_floor(room / per)
    n = max(MIN_SAMPLES, min(MAX_SAMPLES, n))
    n = int(n * 0.7) if n >= 64 else n           # leave room for the merge
    chunk = max(8, 1 << max(3, log2_floor(n / 5)))
    return Plan(n, chunk, n >= 64, seed)


class Moments:
    """Per-layer count, mean and sum of squared deviations; ``+=`` merges a chunk's."""

    def __init__(self, depth: int):
        self.count = 0
        self.mean: list = [None] * depth
        self.m2: list = [None] * depth

    def __iadd__(self, chunk: tuple):
        m, means, m2s = chunk
        if self.count == 0:
            self.count, self.mean, self.m2 = m, list(means), list(m2s)
            return self
        n = self.count + m
        for i, (mb, m2b) in enumerate(zip(means, m2s)):
            delta = mb - self.mean[i]
            self.mean[i] = self.mean[i] + delta * (m / n)
            self.m2[i] = self.m2[i] + m2b + delta * delta * (self.count * m / n)
        self.count = n
        return self

    def variance(self, i: int):
        return self.m2[i] / max(self.count - 1, 1)


def layer_steps(mlp: MLP, act: Callable) -> list:
    """One closure per layer; each captures its own weight matrix."""
    def make(w):
        return lambda x: act(x @ w)
    return [make(w) for w in mlp.weights]


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.tables: dict = {}
        self.ledger = Ledger()
        self.act = ACTIVATIONS["relu"]
        self.summaries: tuple = ()

    def setup(self, context) -> None:
        self.act = ACTIVATIONS.get(CONFIG["act"], ACTIVATIONS["relu"])
        self.summaries = tuple(getattr(fnp, name) for name in CONFIG["summary"])

    # --------------------------------------------------------------- mean field

    def density_table(self, width: int):
        """(grid, exp(-z^2/2)) for this width: made on the first call, kept on the instance."""
        if width not in self.tables:
            grid = fnp.linspace(-6.0, 6.0, TABLE_POINTS * width)
            self.tables[width] = (grid, fnp.exp(-0.5 * grid * grid))
        return self.tables[width]

    def mean_field(self, mlp: MLP) -> list:
        grid, table = self.density_table(mlp.width)
        mu = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            m = mu @ w
            v = var @ (w * w)
            sd = fnp.sqrt(fnp.maximum(v, 1e-12))
            z = m / sd
            pdf = fnp.interp(z, grid, table) / SQRT_2PI
            cdf = flops.stats.norm.cdf(z)
            mu = m * cdf + sd * pdf
            var = fnp.maximum((m * m + v) * cdf + m * sd * pdf - mu * mu, 0.0)
            rows.append(mu)
        return rows

    # --------------------------------------------------------------- sampling

    def sampled(self, mlp: MLP, plan: Plan) -> Moments:
        rng = fnp.random.default_rng(plan.seed)
        steps = layer_steps(mlp, self.act)
        mean_of, var_of = self.summaries
        moments = Moments(mlp.depth)
        for x in draws(rng, mlp.width, chunk_sizes(plan.n, plan.chunk), plan.antithetic):
            means, m2s = [], []
            for step in steps:
                x = step(x)
                mb = mean_of(x, axis=0)
                means.append(mb)
                m2s.append(var_of(x, axis=0) * x.shape[0])
            moments += (x.shape[0], means, m2s)
        return moments

    # --------------------------------------------------------------- predict

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = make_plan(width, depth, budget)
        with stages(self.ledger, [("predict", 0), ("prior", prior_cost(width, depth))]):
            prior = self.mean_field(mlp)
        if not plan.n:
            return fnp.stack(prior).astype(fnp.float32)
        with stage(self.ledger, "sampling", plan.cost_of_sampling(width, depth)):
            moments = self.sampled(mlp, plan)
        weight = plan.n / (plan.n + CONFIG["prior_weight"])
        rows = []
        for i, p in enumerate(prior):
            sampled = moments.mean[i]
            spread = fnp.sqrt(moments.variance(i) / plan.n)
            # trust the samples less where their standard error is large against the prior
            trust = weight / (1.0 + spread / (fnp.abs(p) + 1e-3))
            rows.append(trust * sampled + (1.0 - trust) * p)
        out = fnp.stack(rows)
        if not bool(fnp.all(fnp.isfinite(out))):
            out = fnp.stack(prior)
        return out.astype(fnp.float32)
