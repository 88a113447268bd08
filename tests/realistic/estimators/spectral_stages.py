"""Spectral moment propagation with a staged class hierarchy ("spectral_stages").

Each layer is carried by a Stage object; the stage classes form a small hierarchy whose
``cost`` properties call ``super()`` and add their own extra work:

    Stage            mean only (x @ w, relu of the mean)
    DiagStage        + variances through w * w (einsum with the weight passed twice)
    LowRankStage     + a rank-k covariance kept from an eigh of the layer's Gram matrix

A planner walks every assignment of stage kinds to "early" / "late" layers
(itertools.product over the kinds), prices each with functools.reduce over the layers,
and takes the plan with the best score that fits (max with a key). The rank is chosen by a
power iteration (a while loop with a tolerance and a hard cap) on the first weight, and the
eigenvalues above a fraction of the largest are kept with an argsort mask.

The activations are kept in float32, the Gram matrices in float64, the variances
round-tripped through float16 (cheap on memory, the rate changes with the dtype). A
log list gets formatted summaries of arrays; nothing reads it back.
"""

from __future__ import annotations

import functools
import itertools
import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

SAFETY = 0.6
KEEP_FRAC = 0.05
POWER_TOL = 1e-4
POWER_CAP = 12
MAX_RANK = 8
VAR_FLOOR = 1e-6

#: elementwise finishing touches, picked by name in the plan (dict-of-lambdas dispatch)
FINISH = {
    "none": lambda m, v: m,
    "shrink": lambda m, v: m * 0.98,
    "soft": lambda m, v: m / (1.0 + fnp.sqrt(v)),
    "gate": lambda m, v: fnp.where(v > 1.0, m, 0.5 * m),
}


class Stage:
    kind = "mean"
    score = 1.0

    def __init__(self, width: int) -> None:
        self.width = width

    @property
    def cost(self) -> int:
        return 2 * self.width * self.width + self.width

    def advance(self, mean, var, w):
        mu = mean @ w
        return fnp.maximum(mu, 0.0), var


class DiagStage(Stage):
    kind = "diag"
    score = 3.0

    @property
    def cost(self) -> int:
        return super().cost + 3 * self.width * self.width + 60 * self.width

    def advance(self, mean, var, w):
        mu = mean @ w
        pre = fnp.einsum("i,ij,ij->j", var, w, w)          # the weight passed twice
        sd = fnp.sqrt(fnp.maximum(pre, VAR_FLOOR))
        z = mu / sd
        cdf = flops.stats.norm.cdf(z)
        new_mean = mu * cdf + sd * flops.stats.norm.pdf(z)
        new_var = fnp.maximum(pre * cdf - new_mean * new_mean + mu * new_mean, VAR_FLOOR)
        return new_mean, new_var.astype(fnp.float16).astype(fnp.float32)


class LowRankStage(DiagStage):
    kind = "lowrank"
    score = 5.0

    def __init__(self, width: int, rank: int) -> None:
        super().__init__(width)
        self.rank = rank

    @property
    def cost(self) -> int:
        w = self.width
        return super().cost + 2 * w * w * w + 10 * w * w * w + 4 * w * self.rank

    def advance(self, mean, var, w):
        new_mean, new_var = super().advance(mean, var, w)
        w64 = w.astype(fnp.float64)
        gram = fnp.einsum("ij,ik->jk", w64, w64)            # same operand twice: symmetric
        vals, vecs = fnp.linalg.eigh(gram)
        order = fnp.argsort(vals)[::-1]
        top = vecs[:, order[: self.rank]]
        scale = vals[order[: self.rank]]
        proj = fnp.einsum("jr,r,kr->jk", top, scale, top)
        boost = fnp.clip(fnp.diagonal(proj) / (fnp.max(vals) + 1e-9), 0.0, 1.0)
        return new_mean, (new_var * (1.0 + boost)).astype(fnp.float32)


# ---------------------------------------------------------------------------- planning


def make_stage(kind: str, width: int, rank: int) -> Stage:
    if kind == "lowrank":
        return LowRankStage(width, rank)
    return {"mean": Stage, "diag": DiagStage}[kind](width)


def plan_cost(stages: list) -> int:
    return functools.reduce(lambda acc, st: acc + st.cost, stages, 0)


def choose_plan(width: int, depth: int, budget: float, rank: int) -> tuple:
    """Every (early kind, late kind) pair; early layers are the first half."""
    split = max(1, depth // 2)
    best, best_key = None, None
    for early, late in itertools.product(("mean", "diag", "lowrank"), repeat=2):
        stages = [make_stage(early if i < split else late, width, rank) for i in range(depth)]
        total = plan_cost(stages)
        if total > budget:
            continue
        key = (sum(st.score for st in stages), -total)
        if best_key is None or key > best_key:
            best, best_key = stages, key
    return best or [Stage(width) for _ in range(depth)]


def power_rank(w, budget_left: float) -> tuple:
    """Top eigenvalue of w.T w by power iteration; the rank is how many singular directions a
    crude spectrum (a geometric decay fitted to the top one) keeps above KEEP_FRAC."""
    n = w.shape[1]
    v = fnp.ones(n, dtype=fnp.float32) / math.sqrt(n)
    lam, prev, steps = 0.0, -1.0, 0
    while abs(lam - prev) > POWER_TOL * max(abs(lam), 1.0) and steps < POWER_CAP:
        prev = lam
        u = w.T @ (w @ v)
        lam = float(fnp.linalg.norm(u))
        v = u / max(lam, 1e-12)
        steps += 1
    trace = float(fnp.einsum("ij,ij->", w, w))
    ratio = lam / max(trace, 1e-12)
    rank = 1
    while rank < MAX_RANK and ratio * (1.0 - ratio) ** rank > KEEP_FRAC * ratio:
        rank += 1
    return rank, steps, lam


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.log: list[str] = []

    def _fmt(self, name: str, arr) -> str:
        return f"{name}: shape={arr.shape} dtype={arr.dtype} head={arr[:2]}"

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        room = SAFETY * budget
        w0 = mlp.weights[0]
        rank, steps, lam = power_rank(w0, room)
        self.log.append(f"power: rank={rank} steps={steps} lam={lam:.3f}")
        stages = choose_plan(width, depth, room - 4 * width * width * (steps + 1), rank)
        self.log.append("plan " + ",".join(st.kind for st in stages) + f" cost={plan_cost(stages):,}")
        finishers = sorted(FINISH, key=len)
        mean = fnp.zeros(width, dtype=fnp.float32) + 0.5
        var = fnp.ones(width, dtype=fnp.float32)
        rows = []
        for i, (stage, w) in enumerate(zip(stages, mlp.weights)):
            mean, var = stage.advance(mean, var, w)
            finish = FINISH[finishers[i % len(finishers)]]
            mean = finish(mean, var)
            self.log.append(self._fmt(f"layer {i} {stage.kind}", mean))
            rows.append(mean)
        # a smoothed copy of the last layers: the average of the last two rows (a generator sum)
        tail = sum(r * 0.5 for r in rows[-2:]) if depth > 1 else rows[-1]
        loudest = max(range(depth), key=lambda j: stages[j].score)
        self.log.append(f"loudest stage {loudest}: {stages[loudest].kind}")
        rows[-1] = 0.5 * (rows[-1] + tail)
        out = fnp.stack(rows)
        return out.astype(fnp.float32)
