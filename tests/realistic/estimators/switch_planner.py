"""A budget planner that switches representation between layers ("switch_planner").

Three ways to carry a layer's distribution, each with its own cost and error:

    "mc"    n samples pushed through the layer (n from the budget: isqrt, powers of two)
    "cov"   mean and full covariance, relu moments with a linearised covariance
    "diag"  mean and variances only

Switching costs too: samples -> moments estimates them from the samples, moments -> samples
draws through a factor of the covariance (a Cholesky -> eigh -> diagonal ladder). A recursive
cost model, memoised in a dict keyed by (layer, previous representation, log2 bucket of the
budget left), picks the plan with the smallest error proxy that fits. After the first layer
the spread of the means (a float of a statistic) decides whether the rest of the plan is
redone with the "heavy-tailed" error table, which trusts samples more.

Logging is f-strings into a list on the estimator; nothing reads it back.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

ALGS = ("cov", "mc", "diag")
SAFETY = 0.7
MIN_SAMPLES, MAX_SAMPLES = 16, 512
SPREAD_HI = 1.5
JITTER = 1e-6
VAR_FLOOR = 1e-9

#: error proxy per layer (lower is better): the plain table and the heavy-tailed one
ERRORS = {
    "plain": {"cov": 1.0, "diag": 4.0, "mc": 6.0},
    "heavy": {"cov": 3.0, "diag": 6.0, "mc": 2.0},
}


# ---------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Step:
    alg: str
    cost: int
    samples: int = 0


@dataclass
class Plan:
    steps: list = field(default_factory=list)
    table: str = "plain"
    error: float = 0.0
    notes: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.cost for s in self.steps)

    def describe(self) -> str:
        algs = ",".join(f"{s.alg}{s.samples or ''}" for s in self.steps)
        return f"[{algs}] cost={self.total:,} err={self.error:.2f} ({self.table})"


def sample_count(width: int, depth: int, budget: int) -> int:
    """Samples for the mc layers: the square root of a per-layer share over the width, rounded
    down to a power of two and clamped."""
    share = SAFETY * budget / max(depth, 1)
    raw = math.isqrt(max(int(share // max(width, 1)), 1))
    n = 1 << max(int(math.log2(raw)), 0)
    return max(MIN_SAMPLES, min(MAX_SAMPLES, n))


def layer_cost(alg: str, width: int, n: int) -> int:
    w2 = width * width
    if alg == "mc":
        return 2 * n * w2 + 2 * n * width
    if alg == "cov":
        return 4 * w2 * width + 8 * w2 + 200 * width
    return 4 * w2 + 200 * width       # the relu moments' cdf and pdf dominate at small widths


def switch_cost(prev: Optional[str], alg: str, width: int, n: int) -> int:
    """What changing representation costs before a layer of ``alg``."""
    if prev is None or prev == alg:
        return 0
    if prev == "mc":                        # moments from the samples
        return 2 * n * width * (width if alg == "cov" else 1) + 4 * width
    if alg == "mc":                         # samples from the moments
        return (width ** 3) // 3 + 2 * n * width * width + 2 * width * width if prev == "cov" else 3 * n * width
    return width if prev == "cov" else 2 * width     # cov -> diag, diag -> cov


class Planner:
    """The recursive cost model, memoised by (layer, previous alg, log2 bucket of the budget left)."""

    def __init__(self, width: int, depth: int, n: int, table: str) -> None:
        self.width, self.depth, self.n = width, depth, n
        self.errors = ERRORS[table]
        self.memo: dict = {}
        self.visits = 0

    def error(self, alg: str, layer: int) -> float:
        """The table's error, for samples scaled by 1/sqrt(n), for the covariance growing with
        depth (its linearisation error compounds)."""
        base = self.errors[alg]
        if alg == "mc":
            return base * math.sqrt(64 / self.n)
        return base * (1.0 + 0.5 * layer) if alg == "cov" else base

    @staticmethod
    def bucket(left: float) -> int:
        return int(math.floor(math.log2(left))) if left >= 1 else -1

    def best(self, layer: int, prev: Optional[str], left: float) -> tuple:
        """(error, steps) of the cheapest-error plan for layers layer.. that fits in 2**bucket(left)."""
        if layer == self.depth:
            return 0.0, ()
        key = (layer, prev, self.bucket(left))
        if key in self.memo:
            return self.memo[key]
        self.visits += 1
        room = 2.0 ** key[2] if key[2] >= 0 else 0.0      # plan against the bucket's floor: never over
        found = (math.inf, ())
        for alg in ALGS:
            cost = layer_cost(alg, self.width, self.n) + switch_cost(prev, alg, self.width, self.n)
            if cost > room:
                continue
            err, rest = self.best(layer + 1, alg, room - cost)
            err += self.error(alg, layer)
            if err < found[0]:
                found = (err, (Step(alg, cost, self.n if alg == "mc" else 0),) + rest)
        self.memo[key] = found
        return found


def make_plan(width: int, depth: int, budget: float, table: str = "plain", first: int = 0,
              prev: Optional[str] = None) -> Plan:
    """Plan layers first.. with ``budget``; the fallback ladder when nothing fits: fewer samples,
    then every layer diagonal, then an empty plan (the prior)."""
    n = sample_count(width, depth, budget)
    plan = Plan(table=table)
    while True:
        planner = Planner(width, depth, n, table)
        err, steps = planner.best(first, prev, budget)
        plan.notes.append(f"n={n}: {planner.visits} states, err={err}")
        if steps or n <= MIN_SAMPLES:
            break
        n = max(MIN_SAMPLES, n // 4)
    if not steps:
        diag = [Step("diag", layer_cost("diag", width, 0)) for _ in range(first, depth)]
        if sum(s.cost for s in diag) <= budget:
            plan.steps, plan.error = diag, ERRORS[table]["diag"] * len(diag)
            plan.notes.append("fallback: all diagonal")
        else:
            plan.notes.append("fallback: prior only")
        return plan
    plan.steps, plan.error = list(steps), err
    return plan


# ---------------------------------------------------------------------------- representations


@dataclass
class State:
    alg: str
    mean: object = None
    cov: object = None       # full covariance (cov) or variances (diag)
    samples: object = None   # (n, width) for mc


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR), cdf


def factor_ladder(cov, log: list):
    """A square root of the covariance: Cholesky, else eigh clipped at zero, else the diagonal."""
    n = cov.shape[0]
    try:
        return fnp.linalg.cholesky(cov + JITTER * fnp.eye(n, dtype=cov.dtype))
    except np.linalg.LinAlgError:
        log.append("cholesky failed")
    try:
        vals, vecs = fnp.linalg.eigh(cov)
        return vecs * fnp.sqrt(fnp.maximum(vals, 0.0))[None, :]
    except np.linalg.LinAlgError:
        log.append("eigh failed")
    return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(cov), 0.0)))


def convert(state: State, alg: str, n: int, rng, log: list) -> State:
    if state.alg == alg:
        return state
    if state.alg == "mc":
        mean = fnp.mean(state.samples, axis=0)
        centred = state.samples - mean
        if alg == "cov":
            return State("cov", mean, centred.T @ centred / state.samples.shape[0])
        return State("diag", mean, fnp.mean(centred * centred, axis=0))
    if alg == "mc":
        z = rng.standard_normal((n, state.mean.shape[0])).astype(state.mean.dtype)
        if state.alg == "cov":
            factor = factor_ladder(state.cov, log)
            return State("mc", samples=state.mean + z @ factor.T)
        return State("mc", samples=state.mean + z * fnp.sqrt(state.cov))
    if alg == "diag":
        return State("diag", state.mean, fnp.diagonal(state.cov))
    return State("cov", state.mean, fnp.diag(state.cov))


def advance(state: State, w) -> State:
    if state.alg == "mc":
        return State("mc", samples=fnp.maximum(state.samples @ w, 0.0))
    mu = state.mean @ w
    if state.alg == "cov":
        pre = w.T @ state.cov @ w
        mean, var, slope = relu_moments(mu, fnp.diagonal(pre))
        post = pre * fnp.outer(slope, slope)
        off = post - fnp.diag(fnp.diagonal(post))
        return State("cov", mean, off + fnp.diag(var))
    mean, var, _ = relu_moments(mu, state.cov @ (w * w))
    return State("diag", mean, var)


def readout(state: State):
    return fnp.mean(state.samples, axis=0) if state.alg == "mc" else state.mean


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.log: list[str] = []

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        room = SAFETY * budget
        plan = make_plan(width, depth, room)
        self.log.append(f"plan {plan.describe()}")
        if not plan.steps:
            return fnp.zeros((depth, width), dtype=fnp.float32)
        rng = fnp.random.default_rng(mlp.seed)
        w0 = mlp.weights[0]
        state = State("cov", fnp.zeros(width, dtype=w0.dtype), fnp.eye(width, dtype=w0.dtype))
        if plan.steps[0].alg == "diag":
            state = State("diag", state.mean, fnp.ones(width, dtype=w0.dtype))
        rows = []
        steps = list(plan.steps)
        spent = 0
        for i, w in enumerate(mlp.weights):
            step = steps[i]
            state = convert(state, step.alg, step.samples or sample_count(width, depth, room), rng, self.log)
            state = advance(state, w)
            rows.append(readout(state))
            spent += step.cost
            if i == 0 and depth > 1:
                mean = rows[0]
                spread = float(fnp.std(mean) / (fnp.mean(fnp.abs(mean)) + 1e-9))
                if spread > SPREAD_HI:
                    again = make_plan(width, depth, room - spent, "heavy", first=1, prev=step.alg)
                    if again.steps:
                        steps = steps[:1] + again.steps
                        self.log.append(f"spread {spread:.2f}: replanned {again.describe()}")
        for (a, b), i in zip(itertools.pairwise(steps), itertools.count(1)):
            if a.alg != b.alg:
                self.log.append(f"layer {i}: {a.alg} -> {b.alg}")
        cumulative = list(itertools.accumulate(s.cost for s in steps))
        self.log.append(f"planned {cumulative[-1]:,} of {int(room):,}")
        return fnp.stack(rows).astype(fnp.float32)
