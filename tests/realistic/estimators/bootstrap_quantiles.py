"""Monte Carlo with Bayesian-bootstrap reweighting and quantile trimming ("bootstrap_quantiles").

Team "resample everything".  A statistician's submission: sample the net, then do not trust
the plain mean.

* The sample count is the largest ``n`` whose cost fits the budget, found by a recursive
  bisection on a hand-written cost model (``fits(n)``), with ``bisect`` over a table of
  "nice" chunk sizes for the forward passes.
* Each layer's activations are summarised per neuron by a trimmed mean: the rows between the
  ``TRIM`` and ``1 - TRIM`` quantiles (``fnp.quantile`` along axis 0, a 3-arg ``where``).
* The trimmed means are then averaged over ``B`` Bayesian-bootstrap replicates: Dirichlet
  weights made as normalised ``rng.exponential`` draws (or Poisson-bootstrap ``binomial``
  counts when the budget is tight), ``einsum('bn,nw->bw')``; the replicate spread sets how
  much the median-of-means (``fnp.median`` over ``fnp.array_split`` groups) is blended in.
* Options are an ``enum.IntFlag`` (``Opt.TRIM | Opt.BOOT``), a ``NamedTuple`` plan, the group
  count from ``itertools.product`` over a small grid scored by a cost/variance proxy.

Safety net: a NaN in the summary (``fnp.isnan(...).any()``) drops the bootstrap for that layer.
"""

from __future__ import annotations

import bisect
import enum
import itertools
import math
from typing import NamedTuple

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

TRIM = 0.05
SAFETY = 0.7
NICE_CHUNKS = (16, 32, 64, 128, 256, 512)
GROUPS = (2, 4, 8)
REPLICATES = (4, 8, 16)


class Opt(enum.IntFlag):
    NONE = 0
    TRIM = 1
    BOOT = 2
    MOM = 4


class Plan(NamedTuple):
    n: int
    chunk: int
    opts: Opt
    replicates: int
    groups: int
    poisson: bool


def sample_cost(n: int, width: int, depth: int) -> int:
    """float64 normals (16 a draw, x2), the float64 matmuls and the ReLUs."""
    return n * (32 * width + depth * (4 * width * width + 4 * width))


def summary_cost(n: int, width: int, depth: int, opts: Opt, b: int) -> int:
    cost = depth * 4 * n * width                                    # the concatenation
    if opts & Opt.TRIM:
        cost += depth * width * (4 * n + 16) + depth * 24 * n * width
    if opts & Opt.BOOT:
        cost += 40 * b * n + depth * (4 * b * n * width + 12 * b * width)
    if opts & Opt.MOM:
        cost += depth * (6 * n * width + 40 * width)
    return cost


def largest_fitting(lo: int, hi: int, fits) -> int:
    """The largest n in [lo, hi] with fits(n) (fits is monotone), by recursive bisection."""
    if lo >= hi:
        return lo if fits(lo) else lo - 1
    mid = (lo + hi + 1) // 2
    return largest_fitting(mid, hi, fits) if fits(mid) else largest_fitting(lo, mid - 1, fits)


def make_plan(width: int, depth: int, budget: int) -> Plan:
    room = SAFETY * budget
    base = sample_cost(32, width, depth)
    if base > room:
        return Plan(0, 0, Opt.NONE, 0, 0, False)
    opts = Opt.TRIM
    if room > 4 * base:
        opts |= Opt.BOOT
    if room > 16 * base:
        opts |= Opt.MOM
    # pick (replicates, groups) by a cost x variance proxy over the grid
    scored = sorted(itertools.product(REPLICATES, GROUPS), key=lambda bg: (bg[0] * 3 + 64 / bg[1], bg))
    b, g = scored[0] if opts & Opt.BOOT else (0, 1)

    def fits(n: int) -> bool:
        return sample_cost(n, width, depth) + summary_cost(n, width, depth, opts, b) <= room

    n = largest_fitting(32, 8192, fits)
    n -= n % max(g, 1)
    chunk = NICE_CHUNKS[max(0, bisect.bisect_right(NICE_CHUNKS, n // 4) - 1)]
    return Plan(n, chunk, opts, b, g, poisson=room < 8 * base)


def sample_layers(mlp: MLP, n: int, chunk: int, rng):
    """Each layer's post-activations for n standard-normal inputs, in chunks."""
    per_layer = [[] for _ in range(mlp.depth)]
    done = 0
    while done < n:
        rows = min(chunk, n - done)
        h = rng.standard_normal((rows, mlp.width))
        for i, w in enumerate(mlp.weights):
            h = fnp.maximum(h @ w, 0.0)
            per_layer[i].append(h)
        done += rows
    return [fnp.concatenate(parts, axis=0) for parts in per_layer]


def trimmed_mean(x):
    lo, hi = fnp.quantile(x, [TRIM, 1.0 - TRIM], axis=0)
    inside = (x >= lo) & (x <= hi)
    kept = fnp.where(inside, x, 0.0)
    return fnp.sum(kept, axis=0) / fnp.maximum(fnp.sum(inside, axis=0), 1)


def bootstrap_weights(rng, b: int, n: int, poisson: bool):
    if poisson:
        counts = rng.binomial(n, 1.0 / n, size=(b, n)).astype(fnp.float64)
        return counts / fnp.maximum(fnp.sum(counts, axis=1, keepdims=True), 1.0)
    e = rng.exponential(1.0, size=(b, n))
    return e / fnp.sum(e, axis=1, keepdims=True)


def median_of_means(x, groups: int):
    means = fnp.stack([fnp.mean(part, axis=0) for part in fnp.array_split(x, groups, axis=0)])
    return fnp.median(means, axis=0)


class Estimator(BaseEstimator):
    def setup(self, context):
        self.history = []

    def predict(self, mlp: MLP, budget: int):
        plan = make_plan(mlp.width, mlp.depth, budget)
        self.history.append(plan)
        if plan.n == 0:
            sd = fnp.sqrt(fnp.sum(mlp.weights[0] * mlp.weights[0], axis=0))
            return fnp.stack([sd / math.sqrt(2.0 * math.pi)] * mlp.depth)
        rng = fnp.random.default_rng(mlp.seed)
        layers = sample_layers(mlp, plan.n, plan.chunk, rng)
        weights = bootstrap_weights(rng, plan.replicates, plan.n, plan.poisson) if plan.opts & Opt.BOOT else None
        rows = []
        for x in layers:
            est = trimmed_mean(x) if plan.opts & Opt.TRIM else fnp.mean(x, axis=0)
            if weights is not None:
                reps = fnp.einsum("bn,nw->bw", weights, x)
                if fnp.isnan(reps).any():
                    rows.append(est)
                    continue
                spread = fnp.std(reps, axis=0)
                est = 0.5 * est + 0.5 * fnp.mean(reps, axis=0)
                if plan.opts & Opt.MOM:
                    blend = fnp.clip(spread / (fnp.abs(est) + 1e-6), 0.0, 0.5)
                    est = (1.0 - blend) * est + blend * median_of_means(x, plan.groups)
            rows.append(est)
        return fnp.stack(rows)
