"""Sampled covariances, spectral smoothing and a symmetric sandwich ("sym_spectrum").

Team "keep it symmetric". For each layer we carry a mean vector and a covariance matrix:

* the first layer's input covariance is estimated from samples (float32 normals, seeded from
  the budget so a rerun is reproducible), ``einsum('ni,nj->ij', xc, xc)``: the same array
  passed twice, which flopscope tags symmetric and bills by unique elements;
* the covariance is pushed through each layer in float64 with a sandwich ``W^T C W`` written
  as a three-operand einsum (the outer operands are the same array: symmetric result),
  then the ReLU moments come from the diagonal;
* the pushed covariance is re-estimated on a budget-planned subset of layers from a chunked
  forward pass, mixed with the pushed one, and its spectrum (eigh of the symmetric matrix)
  is smoothed through an rFFT (complex) and clipped to be non-negative;
* the low-rank part is rebuilt with ``triu`` + mirrored ``tril`` (exactly symmetric) and,
  when a solve is needed, inverted as a symmetric matrix.

Bookkeeping is in context managers (a ``@contextmanager`` section timer and an ``ExitStack``
that enters one per stage), the reductions are picked by name (``getattr(fnp, name)``), and
the stage list is a table of lambdas over closures capturing the plan.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import defaultdict
from typing import Callable, NamedTuple

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SAFETY = 0.7
MIN_SAMPLES, MAX_SAMPLES = 24, 1536
CHUNK_LOG2 = (5, 9)          # chunks of 2^5 .. 2^9 rows
SMOOTH = 0.35                # Gaussian taper width in the rFFT domain (fraction of the band)
MIX = 0.5                    # sampled vs pushed covariance
JITTER = 1e-5
REDUCERS = {"mean": "mean", "centre": "median", "spread": "std"}


class Plan(NamedTuple):
    n: int
    chunk: int
    refresh: tuple        # layers whose covariance is re-estimated from samples
    rank: int
    seed: int
    smooth: bool


def sandwich_cost(width: int) -> int:
    # einsum('ji,jk,kl->il') with a symmetric middle: dense first step, symmetric second
    return 2 * width ** 3 + width * (width + 1) * (2 * width - 1) // 2


def layer_cost(width: int, rank: int) -> int:
    return 2 * (sandwich_cost(width) + 60 * width) + (10 * width ** 3 if rank else 0)


def make_plan(width: int, depth: int, budget: int) -> Plan:
    seed = int(math.log2(max(budget, 2))) * 1009 + width
    room = SAFETY * budget - depth * layer_cost(width, 0)
    rank = min(width // 4, 8) if room > depth * 10 * width ** 3 else 0
    room -= depth * (layer_cost(width, rank) - layer_cost(width, 0))
    per_sample = 32 * width + depth * 2 * width * width + 4 * width * width
    n = int(math.floor(room / per_sample)) if room > 0 else 0
    if n < MIN_SAMPLES:
        return Plan(0, 0, (), rank, seed, False)
    n = min(n, MAX_SAMPLES)
    lo, hi = CHUNK_LOG2
    chunk = 1 << max(lo, min(hi, int(math.log2(n)) - 1))
    every = max(1, depth // max(1, min(depth, n // (4 * width) + 1)))
    refresh = tuple(range(0, depth, every))
    return Plan(n, chunk, refresh, rank, seed, n >= 8 * width)


timings: dict = defaultdict(float)


@contextlib.contextmanager
def section(name: str):
    start = time.perf_counter()
    try:
        yield timings
    finally:
        timings[name] += time.perf_counter() - start


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


def sample_cov(x):
    """float32 in, a symmetric float32 covariance out (the same array twice in the einsum)."""
    xc = x - fnp.mean(x, axis=0)
    return fnp.einsum("ni,nj->ij", xc, xc) / (x.shape[0] - 1)


def smooth_spectrum(vals, width_frac: float = SMOOTH):
    """Low-pass the sorted eigenvalues through an rFFT and clip them back to >= 0."""
    spec = fnp.fft.rfft(vals)
    k = fnp.arange(spec.shape[0], dtype=fnp.float64)
    taper = fnp.exp(-0.5 * (k / (width_frac * spec.shape[0] + 1.0)) ** 2)
    smooth = fnp.fft.irfft(spec * taper, n=vals.shape[0])
    return fnp.maximum(smooth, 0.0)


def low_rank(cov, rank: int, smooth: bool):
    """The top ``rank`` eigenpairs of a symmetric matrix, rebuilt exactly symmetric."""
    vals, vecs = fnp.linalg.eigh(cov)
    order = fnp.argsort(vals)[::-1]
    vals = fnp.take(vals, order)
    if smooth:
        vals = smooth_spectrum(vals)
    top = fnp.take(vecs, order[:rank], axis=1)
    part = (top * vals[:rank]) @ top.T
    upper = fnp.triu(part)
    return upper + fnp.tril(upper.T, -1)


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.reduce: dict[str, Callable] = {}
        self.history: list = []

    def setup(self, context) -> None:
        # the reductions by name, resolved once
        self.reduce = {role: getattr(fnp, name) for role, name in REDUCERS.items()}

    def stages(self, plan: Plan, mlp: MLP) -> list:
        """(name, function) per stage; the closures capture the plan and the MLP."""
        width = mlp.width

        def push(state, w):
            mu, cov = state
            mu_pre = mu @ w
            cov_pre = fnp.einsum("ji,jk,kl->il", w, cov, w)
            var_pre = fnp.diagonal(cov_pre) + JITTER
            m1, var, cdf = relu_moments(mu_pre, var_pre)
            # linearised ReLU: scale the pushed covariance by the slope on both sides
            cov_post = cov_pre * fnp.outer(cdf, cdf)
            return m1, cov_post

        def refresh(state, x):
            mu, cov = state
            sampled = sample_cov(x).astype(fnp.float64)
            mixed = MIX * sampled + (1.0 - MIX) * cov
            mixed = (mixed + mixed.T) * 0.5
            return self.reduce["mean"](x, axis=0).astype(fnp.float64) * MIX + (1.0 - MIX) * mu, mixed

        def compress(state):
            mu, cov = state
            if not plan.rank:
                return state
            lr = low_rank(cov, plan.rank, plan.smooth)
            diag = fnp.diag(fnp.maximum(fnp.diagonal(cov) - fnp.diagonal(lr), 0.0))
            return mu, lr + diag

        return [("push", push), ("refresh", refresh), ("compress", compress),
                ("start", lambda: (fnp.zeros(width), fnp.eye(width)))]

    def forward_chunks(self, mlp: MLP, plan: Plan):
        """The sampled activations of each refreshed layer, stacked over chunks."""
        rng = fnp.random.default_rng(plan.seed)
        keep = {i: [] for i in plan.refresh}
        done = 0
        while done < plan.n:
            m = min(plan.chunk, plan.n - done)
            x = rng.standard_normal((m, mlp.width), dtype=fnp.float32)
            for i, w in enumerate(mlp.weights):
                x = fnp.maximum(x @ w, 0.0)
                if i in keep:
                    keep[i].append(x)
            done += m
        return {i: fnp.concatenate(parts, axis=0) for i, parts in keep.items()}

    def predict(self, mlp: MLP, budget: int):
        plan = make_plan(mlp.width, mlp.depth, budget)
        table = dict(self.stages(plan, mlp))
        rows = []
        with contextlib.ExitStack() as stack:
            clock = stack.enter_context(section("total"))
            samples = {}
            if plan.n:
                with section("sampling"):
                    samples = self.forward_chunks(mlp, plan)
            state = table["start"]()
            for i, w in enumerate(mlp.weights):
                stack.enter_context(section(f"layer{i}"))
                state = table["push"](state, w)
                if i in samples:
                    state = table["refresh"](state, samples[i])
                if plan.rank and i % 2 == 1:
                    state = table["compress"](state)
                rows.append(state[0])
            self.history.append((plan, dict(clock)))
        out = fnp.stack(rows)
        spread = float(self.reduce["spread"](out))
        if not math.isfinite(spread):
            out = fnp.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
        return out.astype(fnp.float32)
