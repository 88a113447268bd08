"""Mean field refined by histograms of a few units and a subsampled Monte Carlo ("hist_bins",
folder submission).

Files: estimator.py (this), schedule.py (stage records and the heap planner), bins.py
(histogram moments).

The planner (schedule.py) always buys the mean field, then pops a heap of candidate stages by
cost per unit of benefit while the budget share lasts: a per-unit histogram stage (a few units
chosen by ``rng.choice``, their pre-activations binned by ``fnp.histogram``, quantile bins by
``fnp.sort`` and occupancy by ``digitize`` + ``bincount``), a subsample stage (a random
permutation of the units, Monte Carlo on the kept columns only), and a smoothing stage when
anything was bought.  ``predict`` runs the stages with structural pattern matching on their
classes (a guard picks the fine-histogram arm) and on ``("tag", value)`` tuples of the log;
each stage runs inside a ``BudgetScope`` entered through a ``contextlib.ExitStack`` that
records the FLOPs it spent from ``flops.current_budget()``.  Dead units are masked to NaN so
``fnp.nanmean`` skips them; the depth profile is corrected with ``fnp.gradient``; an
``isfinite`` net falls back to the mean field, and a rescale guards the histogram blend.
"""

from __future__ import annotations

import contextlib

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

from bins import unit_moments
from schedule import Histogram, MeanField, Planner, Smooth, Subsample

RESCALE_AT = 1e30
DEAD = 1e-6


class BudgetScope:
    """Records the FLOPs spent inside the block under ``name`` in ``log``."""

    def __init__(self, name: str, log: list) -> None:
        self.name, self.log = name, log
        self.start = 0

    def __enter__(self) -> "BudgetScope":
        self.start = flops.current_budget().flops_used
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        used = flops.current_budget().flops_used - self.start
        self.log.append(("spent", self.name, used))
        return False


def mean_field(weights: list, width: int, floor: float) -> tuple[list, list]:
    mu = fnp.zeros(width)
    var = fnp.ones(width)
    mus, pres = [], []
    for w in weights:
        m = mu @ w
        v = fnp.maximum(var @ (w * w), floor)
        s = fnp.sqrt(v)
        a = m / s
        cdf = flops.stats.norm.cdf(a)
        pdf = flops.stats.norm.pdf(a)
        mu = m * cdf + s * pdf
        var = fnp.maximum((m * m + v) * cdf + m * s * pdf - mu * mu, floor)
        mus.append(mu)
        pres.append((m, s))
    return mus, pres


class Estimator(BaseEstimator):
    planner = Planner()

    def __init__(self) -> None:
        self.log: list = []

    def _histogram_stage(self, weights, width, stage: Histogram, units, rng, rows):
        """Pre-activations of ``stage.samples`` samples, the kept units' histogram means per layer."""
        h = rng.standard_normal((stage.samples, width))
        selector = fnp.eye(width)[units]
        out = []
        for layer, w in enumerate(weights):
            pre = h @ w
            means, spreads = unit_moments(pre, units, stage.bins)
            trust = fnp.clip(1.0 - spreads, 0.0, 1.0)
            row = rows[layer]
            peak = float(fnp.max(fnp.abs(means)))
            if peak > RESCALE_AT:
                means = means / peak
            picked = row[units]
            # flopscope arrays are immutable: scatter the update back with a one-hot selector
            out.append(row + (trust * (means - picked)) @ selector)
            h = fnp.maximum(pre, 0.0)
        return out

    def _subsample_stage(self, weights, width, stage: Subsample, rng, rows):
        order = fnp.random.permutation(width)
        kept = order[: stage.keep]
        h = rng.standard_normal((stage.samples, width))
        out = []
        for layer, w in enumerate(weights):
            full = fnp.maximum(h @ w, 0.0)
            est = fnp.mean(full[:, kept], axis=0)
            row = rows[layer]
            mask = fnp.isin(fnp.arange(width), kept)
            spread = fnp.zeros(width)
            spread = fnp.where(mask, 1.0, spread)
            lifted = fnp.zeros(width) + fnp.sum(est) / stage.keep
            out.append(fnp.where(mask, 0.5 * (row + lifted), row) + 0.0 * spread)
            h = full
        return out

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = self.planner.plan(width, depth, budget)
        rng = fnp.random.default_rng(mlp.seed)
        self.log.clear()
        rows = None
        fallback = None
        with contextlib.ExitStack() as stack:
            for stage in plan.stages:
                scope = stack.enter_context(BudgetScope(type(stage).__name__, self.log))
                match stage:
                    case MeanField(floor=floor):
                        mus, _ = mean_field(mlp.weights, width, floor)
                        rows = fallback = list(mus)
                    case Histogram(bins=bins, samples=n) if bins >= 32:
                        units = fnp.sort(rng.choice(width, size=plan.sizes["keep"], replace=False))
                        rows = self._histogram_stage(mlp.weights, width, stage, units, rng, rows)
                        self.log.append(("fine", bins))
                    case Histogram(bins=bins, samples=n):
                        units = fnp.arange(plan.sizes["keep"])
                        rows = self._histogram_stage(mlp.weights, width, stage, units, rng, rows)
                        self.log.append(("coarse", bins))
                    case Subsample() as sub:
                        rows = self._subsample_stage(mlp.weights, width, sub, rng, rows)
                        self.log.append(("kept", sub.keep))
                    case Smooth(weight=weight):
                        stacked = fnp.stack(rows)
                        slope = fnp.gradient(stacked, axis=0)
                        rows = list(stacked - weight * 0.1 * slope)
                    case _:
                        raise TypeError(f"unknown stage {stage!r}")
                stack.callback(self.log.append, ("closed", scope.name))
        if rows is None:
            return fnp.zeros((depth, width))
        out = fnp.stack(rows)
        live = fnp.where(out > DEAD, out, fnp.nan)
        typical = fnp.nanmean(live, axis=1, keepdims=True)
        floor = fnp.where(fnp.isnan(typical), 0.0, typical) * 1e-3
        out = fnp.maximum(out, floor)
        for entry in self.log:
            match entry:
                case ("fine", int(bins)) if bins > 16:
                    out = out * (1.0 - 1.0 / (bins * bins))
                case ("spent", str(_), 0):
                    pass
                case _:
                    continue
        try:
            if not fnp.all(fnp.isfinite(out)):
                raise FloatingPointError("non-finite rows")
        except FloatingPointError:
            out = fnp.stack(fallback)
        return out
