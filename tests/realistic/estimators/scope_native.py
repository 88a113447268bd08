"""Covariance propagation that leans on flopscope's own API, not only its numpy ("scope_native").

How it works: the estimator keeps a Gaussian (mean, covariance) per layer and pushes it through
each ReLU with the closed-form rectified-Gaussian moments (``flops.stats.norm``). The author
knows flopscope bills a symmetric tensor by its orbits, so every covariance is handed to the
next layer as a ``SymmetricTensor``: the first one is wrapped with ``flops.as_symmetric`` (the
product ``w.T @ w`` is exactly symmetric), later ones are checked with ``flops.is_symmetric``
and re-projected with ``flops.symmetrize`` (canonical copy, the cheap mode) when rounding broke
the tag (or averaged with the Reynolds projection when the budget is roomy). ``warnings``
silences flopscope's ``SymmetryLossWarning`` around the reads that drop the tag on purpose.

The budget steers everything through ``flops.current_budget()``: a warm-up layer is timed in
FLOPs (``flops_used`` before and after), the sample count of the Monte Carlo correction is sized
from ``flops_remaining`` and the measured cost of one sample, and every correction is asked to
fit under a sub-budget opened with ``flops.budget(cap)``; when flopscope refuses it (the author
catches ``RuntimeError`` and ``BudgetExhaustedError``), a cheaper diagonal correction runs. Sampled
rows are combined by the median or the mean, whichever flopscope's own reduction cost helpers
(``reduction_accumulation_cost``, ``tier2_reduction_cost``) price as affordable. A
``flops.namespace`` labels each stage for the author's own profiling, and a planner compares
two contraction orders of the covariance update with ``flops.einsum_accumulation_cost`` (the
author's own hand model, mirroring flopscope's, when the helper is missing).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Optional

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

SYM = (0, 1)
GROUP = flops.SymmetryGroup.symmetric(axes=SYM)
EPS = 1e-6


@dataclass(frozen=True)
class Settings:
    """What the author tuned on the public MLPs."""

    min_samples: int = 4
    max_samples: int = 64
    mc_share: float = 0.25        # of what is left after the analytic pass
    cap_factor: float = 1.5       # a correction's sub-budget, over its planned cost
    warmup_layers: int = 1
    reproject_every: int = 2      # layers between symmetry checks
    shrink: float = 0.05          # diagonal loading of the covariance


@dataclass
class LayerLog:
    index: int
    spent: int = 0
    samples: int = 0
    corrected: str = "none"
    reprojected: bool = False
    notes: list = field(default_factory=list)


class Ledger:
    """FLOPs per stage, read from flopscope's own meter (never guessed)."""

    def __init__(self):
        self.logs: list[LayerLog] = []
        self.stage_costs: dict[str, int] = {}

    def used(self) -> int:
        return flops.current_budget().flops_used

    def remaining(self) -> int:
        return flops.current_budget().flops_remaining

    def book(self, stage: str, before: int) -> int:
        spent = self.used() - before
        self.stage_costs[stage] = self.stage_costs.get(stage, 0) + spent
        return spent

    def new_layer(self, index: int) -> LayerLog:
        log = LayerLog(index)
        self.logs.append(log)
        return log

    def summary(self) -> str:
        parts = [f"{name}={cost}" for name, cost in sorted(self.stage_costs.items())]
        return ", ".join(parts)


class ContractionPlanner:
    """Picks the cheaper of two orders for ``w.T @ cov @ w`` by the author's cost model: flopscope
    counts a symmetric operand's product by its distinct outputs, so (w.T @ cov) @ w and
    w.T @ (cov @ w) cost alike, but folding the covariance into a Cholesky-like factor first
    (``l.T @ l`` with ``l = cov_half @ w``) makes the result exactly symmetric."""

    def __init__(self, width: int):
        self.width = width
        self.choice: Optional[str] = None

    def dense_cost(self, n: int, k: int, m: int) -> int:
        return n * m * (2 * k - 1)

    def sym_cost(self, n: int, k: int) -> int:
        return (n * (n + 1) // 2) * (2 * k - 1)

    def measured(self, cov, w) -> Optional[str]:
        """flopscope's own count of both orders, when the flopscope at hand has the helper (the
        grader's client may not: the hand model above then decides)."""
        try:
            left = flops.einsum_accumulation_cost("ji,jk,kl->il", w, cov, w).total
            half = (flops.einsum_accumulation_cost("ij,jk->ik", cov, w).total
                    + flops.einsum_accumulation_cost("ji,jk->ik", w, w).total)
        except (AttributeError, ValueError):
            return None
        self.choice = "half" if half < left else "left"
        return self.choice

    def plan(self, has_half: bool) -> str:
        n = self.width
        left_first = self.dense_cost(n, n, n) * 2
        via_half = self.dense_cost(n, n, n) + self.sym_cost(n, n)
        if has_half and via_half < left_first:
            self.choice = "half"
        else:
            self.choice = "left"
        return self.choice


class SymmetricCov:
    """A covariance kept as a SymmetricTensor whenever flopscope can be convinced it is one."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.checks = 0
        self.reprojections = 0

    def wrap_first(self, w):
        """``w.T @ w`` is exactly symmetric: the tag is free to claim."""
        gram = w.T @ w
        return flops.as_symmetric(gram, symmetry=SYM)

    def keep(self, cov, layer: int, log: LayerLog, roomy: bool):
        """Every few layers: check the tag survived; re-project when it did not (averaging when
        the budget is roomy, the cheap canonical copy otherwise)."""
        if layer % self.settings.reproject_every != 0:
            return cov
        self.checks += 1
        if flops.is_symmetric(cov, symmetry=GROUP):
            return cov
        self.reprojections += 1
        log.reprojected = True
        if roomy:
            return self.average(cov)
        return flops.symmetrize(cov, symmetry=GROUP, mode="canonical-copy")

    def average(self, cov):
        """The Reynolds projection: dearer, but averages rounding out instead of picking a side."""
        return flops.symmetrize(cov, symmetry=GROUP)

    def diagonal(self, cov):
        """The variances: reading them drops the tag on purpose, so flopscope's warning is noise."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", flops.SymmetryLossWarning)
            return fnp.diagonal(cov)

    def scaled(self, cov, slopes):
        """The linearised covariance after the ReLU: rows and columns scaled by the slopes."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", flops.FlopscopeWarning)
            rows = cov * slopes[:, None]
            return rows * slopes[None, :]


class RectifiedMoments:
    """Mean and variance of ReLU(x) for x ~ N(mu, var), elementwise, with flopscope's normal."""

    def __init__(self, floor: float = EPS):
        self.floor = floor

    def __call__(self, mu, var):
        sd = fnp.sqrt(fnp.maximum(var, self.floor))
        alpha = mu / sd
        cdf = flops.stats.norm.cdf(alpha)
        pdf = flops.stats.norm.pdf(alpha)
        mean = mu * cdf + sd * pdf
        second = (mu * mu + var) * cdf + mu * sd * pdf
        out_var = fnp.maximum(second - mean * mean, 0.0)
        return mean, out_var, cdf


class SampleSizer:
    """How many Monte Carlo rows a correction can afford, from what is left in the budget."""

    def __init__(self, settings: Settings, ledger: Ledger):
        self.settings = settings
        self.ledger = ledger
        self.per_sample: Optional[int] = None

    def calibrate(self, width: int, depth: int) -> int:
        # a sample row costs one matmul row and one ReLU per layer
        self.per_sample = depth * (2 * width * width + 2 * width)
        return self.per_sample

    def size(self, layers_left: int, width: int) -> int:
        left = self.ledger.remaining()
        if self.per_sample is None:
            self.calibrate(width, layers_left)
        share = int(left * self.settings.mc_share)
        rows = share // max(self.per_sample, 1)
        rows = max(self.settings.min_samples, min(self.settings.max_samples, rows))
        # a power of two keeps the batched products in one shape
        return 1 << int(math.log2(rows))


class Aggregator:
    """Combines sampled rows: the median resists the heavy right tail of a ReLU, the mean is
    cheaper. flopscope's own helpers price both before either runs; without them (the grader's
    client may lack them) the mean."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.picked: dict[tuple, str] = {}

    def _choose(self, rows) -> str:
        key = tuple(rows.shape)
        if key in self.picked:
            return self.picked[key]
        try:
            mean_cost = flops.reduction_accumulation_cost(rows, axis=0, extra_ops=rows.shape[1]).total
            median_cost = flops.tier2_reduction_cost(rows, axis=0)
        except (AttributeError, TypeError):
            self.picked[key] = "mean"
            return "mean"
        # the median is worth up to twice the mean's price
        choice = "median" if median_cost <= 2 * mean_cost else "mean"
        self.picked[key] = choice
        return choice

    def __call__(self, rows):
        if self._choose(rows) == "median":
            return fnp.median(rows, axis=0)
        return fnp.mean(rows, axis=0)


class Correction:
    """A sampled correction of the next layer's mean, under a sub-budget when flopscope allows
    one; a diagonal (independent units) correction otherwise."""

    def __init__(self, settings: Settings, ledger: Ledger):
        self.settings = settings
        self.ledger = ledger
        self.refused = 0
        self.ran_full = 0
        self.aggregate = Aggregator(settings)

    def full(self, mean, cov_half, w, b, rows: int):
        z = fnp.random.standard_normal((rows, mean.shape[0]))
        x = mean + z @ cov_half
        pre = x @ w + b
        return self.aggregate(fnp.maximum(pre, 0.0))

    def diagonal(self, mean, var, w, b, rows: int):
        z = fnp.random.standard_normal((rows, mean.shape[0]))
        x = mean + z * fnp.sqrt(fnp.maximum(var, EPS))
        pre = x @ w + b
        return self.aggregate(fnp.maximum(pre, 0.0))

    def planned(self, width: int, rows: int) -> int:
        return rows * (4 * width * width + 4 * width)

    def run(self, mean, var, cov_half, w, b, rows: int, log: LayerLog):
        cap = int(self.planned(mean.shape[0], rows) * self.settings.cap_factor)
        try:
            with flops.budget(cap):
                out = self.full(mean, cov_half, w, b, rows)
            self.ran_full += 1
            log.corrected = "full"
            return out
        except (RuntimeError, flops.BudgetExhaustedError) as exc:
            self.refused += 1
            log.notes.append(f"sub-budget refused: {type(exc).__name__}")
        log.corrected = "diagonal"
        return self.diagonal(mean, var, w, b, max(rows // 2, 2))


class HalfFactor:
    """A square-root-like factor of the covariance (so samples are ``z @ half``): an eigen
    decomposition when the budget allows, the diagonal's square root otherwise."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.failed = 0

    def make(self, cov, var, affordable: bool):
        if not affordable:
            return fnp.diag(fnp.sqrt(fnp.maximum(var, EPS)))
        try:
            vals, vecs = fnp.linalg.eigh(cov)
        except fnp.linalg.LinAlgError:
            self.failed += 1
            return fnp.diag(fnp.sqrt(fnp.maximum(var, EPS)))
        return (vecs * fnp.sqrt(fnp.maximum(vals, 0.0))).T


class Propagator:
    """One layer of the moment pass: the affine map of (mean, cov), then the ReLU."""

    def __init__(self, settings: Settings, sym: SymmetricCov, planner: ContractionPlanner):
        self.settings = settings
        self.sym = sym
        self.planner = planner
        self.relu = RectifiedMoments()
        self.roomy = False

    def affine(self, mean, cov, w, b):
        new_mean = mean @ w + b
        order = self.planner.choice or self.planner.plan(has_half=False)
        if order == "half":
            half = cov @ w
            new_cov = w.T @ half
        else:
            new_cov = (w.T @ cov) @ w
        loaded = new_cov + self.settings.shrink * fnp.eye(new_cov.shape[0])
        return new_mean, loaded

    def step(self, mean, cov, w, b, layer: int, log: LayerLog):
        mu, pre_cov = self.affine(mean, cov, w, b)
        pre_cov = self.sym.keep(pre_cov, layer, log, self.roomy)
        var = self.sym.diagonal(pre_cov)
        new_mean, new_var, cdf = self.relu(mu, var)
        new_cov = self.sym.scaled(pre_cov, cdf)
        return new_mean, new_var, new_cov


class Estimator(BaseEstimator):
    """Moment propagation with symmetric covariances, budget-steered sampled corrections."""

    def __init__(self, settings: Optional[Settings] = None):
        self.settings = settings or Settings()
        self.width = 0
        self.depth = 0
        self.ledger = Ledger()
        self.history: list[str] = []

    def setup(self, context) -> None:
        self.width = context.width
        self.depth = context.depth

    # ------------------------------------------------------------------ stages

    def _warmup(self, mlp, prop: Propagator, mean, cov):
        """The first layers without corrections: their measured cost sizes the rest."""
        before = self.ledger.used()
        rows = []
        variances = []
        with flops.namespace("warmup"):
            for i in range(min(self.settings.warmup_layers, mlp.depth)):
                log = self.ledger.new_layer(i)
                w = mlp.weights[i]
                b = fnp.zeros(mlp.width)
                mean, var, cov = prop.step(mean, cov, w, b, i, log)
                rows.append(mean)
                variances.append(var)
                log.spent = self.ledger.book("warmup", before)
        per_layer = (self.ledger.used() - before) // max(len(rows), 1)
        return mean, cov, rows, variances, per_layer

    def _corrected_layers(self, mlp, prop: Propagator, fix: Correction, halves: HalfFactor,
                          sizer: SampleSizer, mean, cov, var, per_layer: int):
        rows = []
        start = min(self.settings.warmup_layers, mlp.depth)
        for i in range(start, mlp.depth):
            log = self.ledger.new_layer(i)
            before = self.ledger.used()
            w = mlp.weights[i]
            b = fnp.zeros(mlp.width)
            layers_left = mlp.depth - i
            # keep enough for the analytic pass of every later layer
            reserve = per_layer * layers_left
            affordable = self.ledger.remaining() > 4 * reserve
            with flops.namespace(f"layer{i}"):
                new_mean, new_var, new_cov = prop.step(mean, cov, w, b, i, log)
                if affordable:
                    n = sizer.size(layers_left, mlp.width)
                    log.samples = n
                    half = halves.make(cov, var, affordable=n >= 16)
                    sampled = fix.run(mean, var, half, w, b, n, log)
                    new_mean = 0.5 * (new_mean + sampled)
            mean, var, cov = new_mean, new_var, new_cov
            rows.append(mean)
            log.spent = self.ledger.book("layer", before)
        return rows

    def _finish(self, rows, width: int):
        out = fnp.stack(rows)
        if out.shape[1] != width:
            raise ValueError(f"expected width {width}, got {out.shape[1]}")
        return out

    # ------------------------------------------------------------------ predict

    def predict(self, mlp, budget):
        self.ledger = Ledger()
        sym = SymmetricCov(self.settings)
        planner = ContractionPlanner(mlp.width)
        planner.plan(has_half=budget > 10 * mlp.width ** 3 * mlp.depth)
        prop = Propagator(self.settings, sym, planner)
        prop.roomy = budget > 100 * mlp.width ** 3 * mlp.depth
        fix = Correction(self.settings, self.ledger)
        halves = HalfFactor(self.ledger)
        sizer = SampleSizer(self.settings, self.ledger)
        sizer.calibrate(mlp.width, mlp.depth)

        mean = fnp.zeros(mlp.width)
        cov = sym.wrap_first(fnp.eye(mlp.width))
        if planner.measured(cov, mlp.weights[0]) is None:
            self.history.append("no accumulation helper: hand cost model")
        mean, cov, rows, variances, per_layer = self._warmup(mlp, prop, mean, cov)
        var = variances[-1] if variances else fnp.ones(mlp.width)
        rows += self._corrected_layers(mlp, prop, fix, halves, sizer, mean, cov, var, per_layer)

        summary = flops.budget_summary_dict()
        self.history.append(f"{self.ledger.summary()}; refused {fix.refused}; "
                            f"reprojected {sym.reprojections}/{sym.checks}; "
                            f"process total {summary.get('flops_used', 0)}")
        return self._finish(rows, mlp.width)
