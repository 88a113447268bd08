"""Gaussian moment propagation with a sampled correction ("notebook_moments").

This started as moments.ipynb and was turned into a submission folder the night before the
deadline, so it still reads like one:

    estimator.py      this file: planning, the three propagation paths, the sampled correction
    nbkit/config.py   RunConfig (frozen dataclass), Strategy (StrEnum), the cost model
    nbkit/gauss.py    ReLU moment formulas (flopscope.stats.norm), the batched block repair
    nbkit/timers.py   stage timing (a list of (stage, seconds) kept for the whole process)

Environment knobs, for the ablation runs (none is set on the grader):
    NB_LOGLEVEL       DEBUG adds the eigenvalue diagnostics (costs FLOPs!)
    NB_STAGE_SECONDS  a stage slower than this skips the optional work after it
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import os
import time
import warnings
from typing import TYPE_CHECKING

import flopscope.numpy as fnp
from whestbench import BaseEstimator

import nbkit
from nbkit import RunConfig, Strategy, timers
from nbkit.gauss import Moments, block_snr, relu_moments_diag

if TYPE_CHECKING:
    from nbkit.config import StageReport

logging.basicConfig(level=os.environ.get("NB_LOGLEVEL", "WARNING"))
log = logging.getLogger("notebook_moments")

# ---------------------------------------------------------------------------- globals
#: plans by (width, depth, budget): the planner is pure Python, but the notebook cached it
_PLAN_CACHE: dict[tuple[int, int, int], RunConfig] = {}
#: fan-in statistics by (width, depth): the init scale is the same for every network of a
#: shape, so the notebook computed it once per shape
_NET_STATS: dict[tuple[int, int], dict] = {}
#: how many predict() calls, and how long each took (printed by the sweep cell)
CALLS = 0
WALL: list[float] = []

SHRINK_PRIOR = 32.0          # pseudo-count of the moment prediction against the samples
SNR_FLOOR = 1e-3
MAX_BLOCK_REPAIRS = 3


class LayerStack:
    """The weights as a (depth, width, width) stack, with the statistics computed on demand."""

    def __init__(self, weights) -> None:
        self.weights = list(weights)
        self.depth = len(self.weights)
        self.width = int(self.weights[0].shape[0])

    @functools.cached_property
    def stacked(self):
        return fnp.stack(self.weights)

    @functools.cached_property
    def col_sq(self):
        """Squared weights, used by the diagonal path: v' = v @ W**2 per layer."""
        return self.stacked * self.stacked

    @functools.cached_property
    def fan_in(self):
        # sum_i W_ij^2 per layer and column, through the 3-D stack with an ellipsis
        return fnp.einsum("...ij,...ij->...j", self.stacked, self.stacked)

    def __iter__(self):
        return iter(self.weights)


def _start(width: int, with_cov: bool) -> Moments:
    mean = fnp.zeros(width, dtype=fnp.float32)
    var = fnp.ones(width, dtype=fnp.float32)
    cov = fnp.eye(width, dtype=fnp.float32) if with_cov else None
    return Moments(mean, var, cov)


def _net_stats(layers: LayerStack) -> dict:
    """Fan-in scales per layer, cached by shape."""
    key = (layers.width, layers.depth)
    hit = _NET_STATS.get(key)
    if hit is not None and hit["depth"] == layers.depth:
        return hit
    scale = fnp.sqrt(fnp.mean(layers.fan_in, axis=-1))
    stats = {"depth": layers.depth, "scale": scale, "max_scale": float(fnp.max(scale))}
    _NET_STATS[key] = stats
    return stats


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.history: list[dict] = []
        self.reports: list["StageReport"] = []

    def setup(self, context) -> None:
        log.info("setup: width=%s depth=%s", getattr(context, "width", "?"),
                 getattr(context, "depth", "?"))

    # ------------------------------------------------------------------ planning
    def plan(self, width: int, depth: int, budget: int) -> RunConfig:
        key = (width, depth, int(budget))
        cfg = _PLAN_CACHE.get(key)
        if cfg is None:
            cfg = RunConfig.from_budget(width, depth, budget, notes=[f"planned at {key}"])
            _PLAN_CACHE[key] = cfg
            log.debug("plan %s -> %s", key, cfg.summary())
        return cfg

    # ------------------------------------------------------------------ the paths
    def _mean_path(self, layers: LayerStack) -> list:
        """No variances at all: push the mean of a unit Gaussian through max(., 0)."""
        x = fnp.full(layers.width, math.sqrt(2.0 / math.pi), dtype=fnp.float32)
        rows = []
        for w in layers:
            x = fnp.maximum(fnp.tensordot(x, w, axes=1), 0.0)
            rows.append(x)
        return rows

    def _diag_path(self, layers: LayerStack, state: Moments | None = None, start: int = 0) -> list:
        state = state or _start(layers.width, with_cov=False)
        rows = []
        for i in range(start, layers.depth):
            w = layers.weights[i]
            mu = fnp.tensordot(state.mean, w, axes=1)
            var = state.var @ layers.col_sq[i]
            m1, v1, _ = relu_moments_diag(mu, var)
            state = Moments(m1, v1)
            rows.append(m1)
        return rows

    def _cov_path(self, cfg: RunConfig, layers: LayerStack, repair: bool) -> list:
        state = _start(layers.width, with_cov=True)
        step = functools.partial(nbkit.relu_moments, floor=1e-7)
        rows = []
        lows = []
        repairs = 0
        t0 = time.perf_counter()
        for i, w in enumerate(layers):
            state = step(state, w)
            if repair and (i + 1) % cfg.repair_every == 0 and repairs < MAX_BLOCK_REPAIRS:
                blocks = nbkit.stack_blocks(state.cov, cfg.block)
                fixed, low = nbkit.repair_blocks(blocks, cfg.jitter)
                repairs += 1
                # the repaired variances replace the diagonal; the means are shrunk per block
                snr = block_snr(fixed, state.mean, cfg.jitter)
                keep = snr / (snr + SNR_FLOOR)
                var = fnp.reshape(fnp.einsum("...ii->...i", fixed), (layers.width,))
                mean = state.mean * fnp.repeat(keep, cfg.block)
                state = Moments(mean, var, state.cov - fnp.diag(fnp.diagonal(state.cov)) + fnp.diag(var))
                lows.append(low)
            rows.append(state.mean)
            if i == 0 and layers.depth > 2:
                # notebook rule: if one layer took more than its share of the stage, do the
                # rest diagonally (the grader machine is slower than the laptop)
                per_layer = time.perf_counter() - t0
                if per_layer * layers.depth > cfg.stage_seconds:
                    log.info("cov path too slow (%.3fs per layer), diagonal from layer 1", per_layer)
                    return rows + self._diag_path(layers, Moments(state.mean, state.var), start=1)
        if not fnp.all(fnp.isfinite(state.cov)):
            raise FloatingPointError("covariance not finite after the last layer")
        if lows and log.isEnabledFor(logging.DEBUG):
            # NB_LOGLEVEL=DEBUG in the notebook: how far from PSD the blocks drifted
            log.debug("min block eigenvalue %.3g over %d repairs", float(fnp.min(fnp.concatenate(lows))), repairs)
        return rows

    def _sample_rows(self, mlp, layers: LayerStack, n: int, chunk: int) -> list:
        """Per-layer sample means of n forward passes, drawn as a (chunks, chunk, width) stack."""
        chunk = min(chunk, n)
        k, rest = divmod(n, chunk)
        rng = fnp.random.default_rng(mlp.seed + 7 if hasattr(mlp, "seed") else 7)
        x = rng.standard_normal((k, chunk, layers.width)).astype(fnp.float32)
        tail = rng.standard_normal((rest, layers.width)).astype(fnp.float32) if rest else None
        rows = []
        for w in layers:
            x = fnp.maximum(fnp.einsum("...i,ij->...j", x, w), 0.0)
            total = fnp.sum(x, axis=(0, 1))
            if tail is not None:
                tail = fnp.maximum(tail @ w, 0.0)
                total = total + fnp.sum(tail, axis=0)
            rows.append(total / n)
        return rows

    # ------------------------------------------------------------------ stages
    def _moments(self, cfg: RunConfig, layers: LayerStack, mlp) -> list:
        match cfg.strategy:
            case Strategy.COV if layers.depth > 1 and cfg.repair_every <= layers.depth:
                try:
                    return self._cov_path(cfg, layers, repair=True)
                except (FloatingPointError, ValueError) as err:  # numpy's LinAlgError is a ValueError
                    warnings.warn(f"covariance path failed ({err}); falling back to the diagonal",
                                  RuntimeWarning, stacklevel=2)
                    return self._diag_path(layers)
            case Strategy.COV:
                return self._cov_path(cfg, layers, repair=False)
            case Strategy.DIAG:
                return self._diag_path(layers)
            case Strategy.SAMPLE if cfg.samples:
                return self._sample_rows(mlp, layers, cfg.samples, cfg.chunk)
            case Strategy.SAMPLE:
                log.warning("sample strategy with no samples in the budget: mean field")
                return self._mean_path(layers)
            case _:
                return self._mean_path(layers)

    def _blend(self, rows: list, sampled: list, n: int, scale) -> list:
        lam = n / (n + SHRINK_PRIOR)
        out = []
        for i, (m, s) in enumerate(zip(rows, sampled)):
            # the sampled mean is trusted less where the layer's fan-in scale is large
            trust = lam / (1.0 + 0.1 * scale[i])
            out.append(m + trust * (s - m))
        return out

    # ------------------------------------------------------------------ predict
    def predict(self, mlp, budget: int):
        global CALLS
        CALLS += 1
        started = time.perf_counter()
        width, depth = mlp.width, mlp.depth
        cfg = self.plan(width, depth, budget)
        layers = LayerStack(mlp.weights)

        with timers.stage("moments") as st:
            rows = self._moments(cfg, layers, mlp)
        self.reports.append({"stage": "moments", "seconds": st["seconds"],
                             "flops_planned": cfg.planned(width, depth)})

        n = cfg.samples if cfg.strategy is not Strategy.SAMPLE else 0
        if n and st["seconds"] > cfg.stage_seconds:
            warnings.warn(f"moments took {st['seconds']:.2f}s; skipping the sampled correction")
            n = 0
        if n:
            stats = _net_stats(layers)
            with timers.stage("samples"):
                sampled = self._sample_rows(mlp, layers, n, cfg.chunk)
            rows = self._blend(rows, sampled, n, stats["scale"])

        out = fnp.stack(rows)
        try:
            if not fnp.all(fnp.isfinite(out)):
                raise FloatingPointError("non-finite prediction")
        except FloatingPointError:
            log.exception("prediction not finite; returning the mean field")
            out = fnp.stack(self._mean_path(layers))

        WALL.append(time.perf_counter() - started)
        self.history.append(dataclasses.asdict(dataclasses.replace(cfg, notes=cfg.notes + (f"call {CALLS}",))))
        log.info("[nb] %s n=%d in %.3fs (moments %.3fs)", cfg.strategy, n, WALL[-1], st["seconds"])
        return out
