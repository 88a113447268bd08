"""Mean field, a refined block of the loudest neurons and budget-metered Monte Carlo, all under a
decimal budget ledger ("decimal_ledger").

We budget in ``Decimal``: the shares of the budget are exact decimal fractions rounded down
with ``quantize(..., ROUND_FLOOR)``, so no stage ever gets one FLOP more than its share because
of a float's rounding (it happened to us in round 1: 0.35 * budget came out one over).

1. Mean field for every layer (the prior, and the variances that pick the block).
2. The block: at each layer the ``k`` neurons with the largest pre-activation variance
   (``argpartition``) get a covariance block, factored by the ladder Cholesky -> eigh -> SVD
   (each rung caught with ``except (np.linalg.LinAlgError, FloatingPointError)``; a Cholesky
   factor with infs raises FloatingPointError itself), and their means are re-estimated
   from sigma points through that factor. ``k`` is the largest of BLOCKS whose cost model
   (a hand count) fits the block share.
3. Monte Carlo in chunks while the live meter (``flops.current_budget()``) has room for one
   more chunk plus the reserve. Chunk sizes come off a deque through ``iter(callable, 0)``.
4. Blend by the decimal weight n / (n + N0).

Every stage runs inside a ``contextlib.closing(Stage(...))`` that records on close what the
stage spent (read from the meter) and folds its running sum into a checksum we log. The
sampling stage's cleanup is handed on with ``ExitStack.pop_all()`` so that it is closed after
the blend, not before it (the blend is billed to sampling in our logs).

The moment helpers are ``functools.partialmethod`` variants of one method.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
from collections import deque
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import flopscope as flops
import flopscope.numpy as fnp
import numpy as np
from whestbench import BaseEstimator, MLP

log = logging.getLogger(__name__)

ONE = Decimal(1)
#: the shares of the budget (they need not add up to one: what is left is the reserve)
SHARES = {"mean": Decimal("0.02"), "block": Decimal("0.30"), "samples": Decimal("0.45")}
#: the mean field's prior strength, in samples
N0 = Decimal(48)
BLOCKS = (2, 4, 6, 8, 12)
CHUNKS = (8, 16, 32)
MAX_CHUNKS = 12
RESERVE_PER_UNIT = 40
VAR_FLOOR = 1e-12
HUGE = 1e30


# ---------------------------------------------------------------------------- the ledger


@dataclass
class Ledger:
    budget: int
    width: int
    depth: int
    spent: dict = field(default_factory=dict)
    checksum: float = 0.0

    def share(self, name: str) -> int:
        """The stage's share of the budget, rounded down to a whole FLOP."""
        return int((Decimal(self.budget) * SHARES[name]).quantize(ONE, rounding=ROUND_FLOOR))

    def reserve(self) -> int:
        return RESERVE_PER_UNIT * self.width * self.depth

    def record(self, name: str, flops_spent: int) -> None:
        self.spent[name] = self.spent.get(name, 0) + flops_spent

    def summary(self) -> str:
        total = sum(self.spent.values()) or 1
        parts = (f"{k}={Decimal(v) / Decimal(total):.3f}" for k, v in sorted(self.spent.items()))
        return ", ".join(parts)


class Stage:
    """A stage's meter: what it spent is recorded when it is closed; ``fold`` keeps a running sum
    of what it made, summed into the ledger's checksum on close."""

    def __init__(self, name: str, ledger: Ledger):
        self.name = name
        self.ledger = ledger
        self.start = flops.current_budget().flops_used
        self.running = None

    def fold(self, x) -> None:
        self.running = x if self.running is None else self.running + x

    def close(self) -> None:
        self.ledger.record(self.name, flops.current_budget().flops_used - self.start)
        if self.running is not None:
            self.ledger.checksum += float(fnp.sum(self.running))


# ---------------------------------------------------------------------------- cost models


def mean_cost(w: int, d: int) -> int:
    """Per layer: two mat-vecs at the float64 rate, the squared weights, and the Gaussian moments
    twice (cdf ~96, pdf ~54 per unit in float64: measured with flopscope, round 1)."""
    return d * (4 * 2 * w * w + w * w + 2 * 150 * w + 24 * w)


def block_cost(k: int, w: int, d: int) -> int:
    """Per layer: the block (gather, scale, product), the factor (worst rung: an SVD, about
    ~ 10 k^3 for our hand count), 2k sigma points through the block."""
    return d * (w * k + 2 * w * k * k + 10 * k ** 3 + 2 * k * (2 * k * k + 12 * k))


def chunk_cost(rows: int, w: int, d: int) -> int:
    """The normal draws (32 per number in float64) and, per layer, the product at the float64 rate."""
    return 32 * rows * w + d * (4 * rows * w * w + 4 * rows * w)


def pick_block(ledger: Ledger) -> int:
    share = ledger.share("block")
    fits = [k for k in BLOCKS if k < ledger.width and block_cost(k, ledger.width, ledger.depth) <= share]
    return max(fits, default=0)


def chunk_sizes(ledger: Ledger) -> deque:
    """Chunks of the largest size whose cost fits the samples' share: three times as many as the
    share pays for (at most MAX_CHUNKS), since the meter stops the loop anyway (and the stages
    before it rarely spend their whole shares)."""
    share = ledger.share("samples")
    best = max((c for c in CHUNKS if chunk_cost(c, ledger.width, ledger.depth) <= share), default=0)
    if not best:
        return deque()
    count = min(MAX_CHUNKS, 3 * share // chunk_cost(best, ledger.width, ledger.depth))
    return deque([best] * count)


# ---------------------------------------------------------------------------- moments


class Moments:
    """Gaussian ReLU moments; ``order`` picks the mean (1) or the second moment (2)."""

    def _moment(self, mu, var, order: int = 1):
        sigma = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
        alpha = mu / sigma
        cdf = flops.stats.norm.cdf(alpha)
        pdf = flops.stats.norm.pdf(alpha)
        if order == 1:
            return mu * cdf + sigma * pdf
        return (mu * mu + var) * cdf + mu * sigma * pdf

    relu_mean = functools.partialmethod(_moment, order=1)
    relu_second = functools.partialmethod(_moment, order=2)

    def layer(self, mu, var, w):
        mu_pre = w.T @ mu
        var_pre = fnp.maximum((w * w).T @ var, VAR_FLOOR)
        m1 = self.relu_mean(mu_pre, var_pre)
        m2 = self.relu_second(mu_pre, var_pre)
        return mu_pre, var_pre, m1, fnp.maximum(m2 - m1 * m1, 0.0)


# ---------------------------------------------------------------------------- the factor ladder


def factor(cov):
    """A square root of the block: Cholesky, else the clipped eigendecomposition, else the SVD.
    (A Cholesky of a nearly singular block can come back with infs: that counts as a failure.)"""
    try:
        root = fnp.linalg.cholesky(cov)
        if not bool(fnp.all(fnp.isfinite(root))):
            raise FloatingPointError("cholesky overflowed")
        return root, "chol"
    except (np.linalg.LinAlgError, FloatingPointError):
        pass
    try:
        vals, vecs = fnp.linalg.eigh(cov)
        with fnp.errstate(invalid="ignore"):
            return vecs * fnp.sqrt(fnp.clip(vals, 0.0, None)), "eigh"
    except (np.linalg.LinAlgError, FloatingPointError):
        pass
    u, s, _ = fnp.linalg.svd(cov)
    return u * fnp.sqrt(s), "svd"


class BlockRefiner(Moments):
    def __init__(self, k: int):
        self.k = k
        self.rungs = {}

    def refine(self, mu_in, var_in, w, mu_pre, var_pre, m1):
        k = self.k
        idx = fnp.argpartition(var_pre, -k)[-k:]
        cols = fnp.take(w, idx, axis=1)                      # (w, k)
        scaled = cols * var_in[:, None]
        cov = cols.T @ scaled                                 # the block of the pre-activations
        root, rung = factor(cov)
        self.rungs[rung] = self.rungs.get(rung, 0) + 1
        centre = fnp.take(mu_pre, idx)
        spread = math.sqrt(k)
        points = fnp.concatenate([centre + spread * root.T, centre - spread * root.T], axis=0)   # (2k, k)
        sigma_mean = fnp.mean(fnp.maximum(points, 0.0), axis=0)
        mask = fnp.zeros(m1.shape[0], dtype=bool)
        mask = fnp.logical_or(mask, fnp.isin(fnp.arange(m1.shape[0]), idx))
        full = fnp.zeros_like(m1)
        full = fnp.where(mask, fnp.zeros_like(m1) + fnp.mean(sigma_mean), full)
        return fnp.where(mask, 0.5 * (m1 + full), m1)


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    moments = Moments()

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        ledger = Ledger(budget, width, depth)
        if mean_cost(width, depth) > ledger.share("mean") + ledger.share("block") + ledger.share("samples"):
            log.info("nothing fits: zeros")
            return fnp.zeros((depth, width), dtype=fnp.float32)

        k = pick_block(ledger)
        refiner = BlockRefiner(k) if k else None
        with contextlib.ExitStack() as stack:
            stage = stack.enter_context(contextlib.closing(Stage("mean", ledger)))
            prior = self.mean_field(mlp, refiner, stage)
            sizes = chunk_sizes(ledger)
            if not sizes:
                # no chunk fits: the mean stage is closed on the way out
                return self.finish(prior, ledger, refiner)
            sampler = stack.enter_context(contextlib.closing(Stage("samples", ledger)))
            sums, n = self.sample(mlp, sizes, ledger, sampler)
            # the blend below is billed to sampling: its stage closes after it
            later = stack.pop_all()
        out = self.blend(prior, sums, n)
        later.close()
        return self.finish(out, ledger, refiner)

    @staticmethod
    def finish(out, ledger: Ledger, refiner):
        if not fnp.all(fnp.isfinite(out)):
            out = fnp.nan_to_num(out, nan=0.0, posinf=HUGE, neginf=0.0)
        log.debug("ledger %s; block rungs %s", ledger.summary(), refiner.rungs if refiner else {})
        return out.astype(fnp.float32)

    def mean_field(self, mlp: MLP, refiner, stage: Stage):
        mu = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            mu_pre, var_pre, m1, v1 = self.moments.layer(mu, var, w)
            if refiner is not None:
                m1 = refiner.refine(mu, var, w, mu_pre, var_pre, m1)
            mu, var = m1, v1
            stage.fold(mu)
            rows.append(mu)
        return fnp.stack(rows)

    def sample(self, mlp: MLP, sizes: deque, ledger: Ledger, stage: Stage):
        rng = fnp.random.default_rng(mlp.seed)
        sums = fnp.zeros((mlp.depth, mlp.width))
        n = 0
        reserve = ledger.reserve()
        for rows in iter(lambda: sizes.popleft() if sizes else 0, 0):
            need = chunk_cost(rows, mlp.width, mlp.depth) + reserve
            if flops.current_budget().flops_remaining < need:
                log.info("meter says stop after %d samples", n)
                break
            x = rng.standard_normal((rows, mlp.width))
            layer_sums = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                layer_sums.append(fnp.sum(x, axis=0))
            chunk = fnp.stack(layer_sums)
            stage.fold(chunk)
            sums = sums + chunk
            n += rows
        return sums, n

    @staticmethod
    def blend(prior, sums, n: int):
        if not n:
            return prior
        weight = (Decimal(n) / (Decimal(n) + N0)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
        return float(ONE - weight) * prior + float(weight) * (sums / n)
