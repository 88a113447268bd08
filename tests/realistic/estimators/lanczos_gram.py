"""Moment propagation with a Lanczos low-rank-plus-diagonal covariance.

A numerics person's submission. Per layer:

* pre-activation moments from a factored covariance  C = V diag(theta) V^T + diag(r):
  W^T C W = (W^T V) diag(theta) (W^T V)^T + W^T diag(r) W, the first term as one einsum whose
  subscripts are built from the rank (the same factor passed twice);
* relu moments (Gaussian closed form) and the linearised post-activation covariance
  C' = C * outer(p, p) with p = Phi(mu / s)  (outer of one array with itself);
* C' compressed back to rank k by Lanczos with full re-orthogonalisation, a relative
  tolerance stop and a Krylov cap derived from the budget (powers of two, bit_length);
* every `refresh` layers a few Gaussian samples drawn through a Cholesky factor of the
  compressed covariance (a jitter ladder in try/except) correct the mean.

Plain numpy only for bookkeeping: tile edges and the schedule of refresh layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial, reduce
from itertools import accumulate, product

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

JITTER_LADDER = (0.0, 1e-7, 1e-5, 1e-3)
LANCZOS_RTOL = 1e-4
MIN_RANK = 2
MAX_RANK = 16
SAFETY = 0.4
VAR_FLOOR = 1e-6
TILE_MIN = 8
TILES_PER_SIDE = 8
LETTERS = "abcdefghijklmnopqrstuvwxyz"


# ---------------------------------------------------------------------------- planning


def krylov_cap(width: int, depth: int, budget: int) -> int:
    """The largest power of two k <= min(width, MAX_RANK) whose layer (sandwich, tiles and
    k Lanczos steps) fits the share; 0 when not even MIN_RANK does."""
    share = SAFETY * budget / max(depth, 1)
    k = 1 << (min(width, MAX_RANK).bit_length() - 1)
    while k >= MIN_RANK:
        cost = width ** 3 + k * (6 * width * width + 8 * width * k)
        if cost <= share:
            return k
        k >>= 1
    return 0


def sample_count(width: int, budget: int, layers: int) -> int:
    """Samples per refresh: a perfect square (isqrt) so they tile a square grid of seeds."""
    if layers == 0:
        return 0
    per = (2 * width * width + 6 * width) * layers
    n = int(0.1 * budget // max(per, 1))
    side = math.isqrt(max(n, 0))
    return side * side if side >= 2 else 0


def refresh_schedule(depth: int, every: int) -> list[int]:
    """Layers after which a sampled correction runs (plain numpy bookkeeping)."""
    if every <= 0:
        return []
    first = int(np.clip(every - 1, 0, depth - 1))
    return list(range(first, depth, every))


def tile_edges(n: int, tile: int) -> list[int]:
    sizes = [tile] * (n // tile) + ([n % tile] if n % tile else [])
    return [0, *accumulate(sizes)]


@dataclass
class Plan:
    width: int
    depth: int
    budget: int
    rank: int = 0
    every: int = 0
    samples: int = 0
    refresh_at: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @classmethod
    def make(cls, width: int, depth: int, budget: int) -> "Plan":
        plan = cls(width, depth, budget)
        plan.rank = krylov_cap(width, depth, budget)
        if plan.rank == 0:
            plan.notes.append("mean field only")
            return plan
        # refresh every 2^ceil(log2(depth / 2)) layers, at least every layer
        plan.every = 1 << max(0, math.ceil(math.log2(max(depth / 2, 1))))
        plan.refresh_at = refresh_schedule(depth, plan.every)
        plan.samples = sample_count(width, budget, len(plan.refresh_at))
        if plan.samples == 0:
            plan.refresh_at = []
        plan.notes.append(f"rank {plan.rank}, refresh every {plan.every}, {plan.samples} samples")
        return plan


# ---------------------------------------------------------------------------- moments


def relu_moments(mu, var, *, floor):
    s = fnp.sqrt(fnp.maximum(var, floor))
    z = mu / s
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + s * pdf
    second = (mu * mu + s * s) * cdf + mu * s * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


moments = partial(relu_moments, floor=VAR_FLOOR)


def lowrank_sandwich(w, basis, theta):
    """(W^T V) diag(theta) (W^T V)^T with subscripts built from the operands' ranks."""
    u = w.T @ basis
    row, col, k = LETTERS[0], LETTERS[1], LETTERS[-1]
    subs = f"{row}{k},{k},{col}{k}->{row}{col}"
    return fnp.einsum(subs, u, theta, u)


def tiled_gram(w, resid):
    """W^T diag(r) W tile by tile, the upper tiles mirrored (a cache-minded habit)."""
    n = w.shape[1]
    edges = tile_edges(n, max(TILE_MIN, -(-n // TILES_PER_SIDE)))
    blocks = len(edges) - 1
    scaled = w * resid[:, None]
    rows = []
    for bi in range(blocks):
        row = []
        for bj in range(blocks):
            a0, a1 = edges[bi], edges[bi + 1]
            b0, b1 = edges[bj], edges[bj + 1]
            row.append((a0, a1, b0, b1))
        rows.append(row)
    grid = [[None] * blocks for _ in range(blocks)]
    for bi, bj in product(range(blocks), repeat=2):
        if bj < bi:
            continue
        a0, a1, b0, b1 = rows[bi][bj]
        tile = fnp.tensordot(w[:, a0:a1], scaled[:, b0:b1], axes=([0], [0]))
        grid[bi][bj] = tile
        if bj > bi:
            grid[bj][bi] = tile.T      # mirrored: free (a view)
    return fnp.block(grid)


# ---------------------------------------------------------------------------- Lanczos


@dataclass
class Krylov:
    theta: object
    basis: object
    steps: int
    stopped_early: bool


def lanczos(a, k: int, start):
    """k steps of Lanczos with full re-orthogonalisation; stops when beta falls below tol."""
    n = a.shape[0]
    q = start / fnp.linalg.norm(start)
    basis = [q]
    alphas: list[float] = []
    betas: list[float] = []
    beta, prev = 0.0, fnp.zeros(n, dtype=a.dtype)
    anorm = float(fnp.sqrt(fnp.vdot(fnp.diagonal(a), fnp.diagonal(a)))) + 1e-30
    j = 0
    stopped = False
    while j < k:
        z = a @ basis[-1]
        alpha = float(fnp.vdot(basis[-1], z))
        alphas.append(alpha)
        z = z - alpha * basis[-1] - beta * prev
        q_mat = fnp.stack(basis, axis=1)
        z = z - q_mat @ (q_mat.T @ z)                 # full re-orthogonalisation
        beta = float(fnp.linalg.norm(z))
        j += 1
        if beta <= LANCZOS_RTOL * anorm:
            stopped = True
            break
        if j < k:
            betas.append(beta)
            prev = basis[-1]
            basis.append(z / beta)
    t = fnp.diag(fnp.array(alphas, dtype=fnp.float64))
    if betas:
        off = fnp.array(betas, dtype=fnp.float64)
        t = t + fnp.diag(off, 1) + fnp.diag(off, -1)
    theta, s = fnp.linalg.eigh(t)
    q_mat = fnp.stack(basis, axis=1)
    ritz = q_mat @ s.astype(q_mat.dtype)
    return Krylov(fnp.maximum(theta, 0.0).astype(a.dtype), ritz, j, stopped)


def compress(cov, k: int, start):
    """Low rank plus the diagonal it misses (clipped at zero so C stays PSD)."""
    kr = lanczos(cov, k, start)
    explained = fnp.einsum("ik,k,ik->i", kr.basis, kr.theta, kr.basis)
    resid = fnp.maximum(fnp.diagonal(cov) - explained, 0.0)
    return kr, resid


def cholesky_ladder(cov):
    n = cov.shape[0]
    eye = fnp.eye(n, dtype=cov.dtype)
    scale = float(fnp.trace(cov)) / n + 1e-12
    for jitter in JITTER_LADDER:
        try:
            return fnp.linalg.cholesky(cov + (jitter * scale) * eye), jitter
        except np.linalg.LinAlgError:
            continue
    return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(cov), 0.0))), None


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.plan: Plan | None = None
        self.ladder_used: list = []

    def setup(self, context):
        self.plan = Plan.make(context.width, context.depth, context.flop_budget)

    def first_layer(self, w):
        # x ~ N(0, I): the pre-activation covariance is W^T W, one array twice
        cov = w.T @ w
        mu = fnp.zeros(w.shape[1], dtype=w.dtype)
        return mu, cov

    def sampled_mean(self, rng, weights, upto, mean_pre, cov, n):
        chol, jitter = cholesky_ladder(cov)
        self.ladder_used.append(jitter)
        side = math.isqrt(n)
        z = rng.standard_normal((side, side, cov.shape[0])).astype(cov.dtype)
        z = z.reshape(n, cov.shape[0])
        pre = mean_pre + z @ chol.T
        h = fnp.maximum(pre, 0.0)
        return fnp.mean(h, axis=0)

    def predict(self, mlp, budget):
        plan = self.plan
        if plan is None or (plan.width, plan.depth, plan.budget) != (mlp.width, mlp.depth, budget):
            plan = Plan.make(mlp.width, mlp.depth, budget)
        width, depth = mlp.width, mlp.depth
        rng = fnp.random.default_rng(mlp.seed)
        rows = []
        if plan.rank == 0:
            mean = fnp.zeros(width, dtype=fnp.float32)
            var = fnp.ones(width, dtype=fnp.float32)
            for w in mlp.weights:
                mu = mean @ w
                v = var @ (w * w)
                mean, var, _ = moments(mu, v)
                rows.append(mean)
            return fnp.stack(rows)

        refresh = set(plan.refresh_at)
        start = rng.standard_normal(width).astype(fnp.float32)
        mu, cov = self.first_layer(mlp.weights[0])
        kr = None
        resid = None
        for i, w in enumerate(mlp.weights):
            if i > 0:
                mu = rows[-1] @ w
                cov = lowrank_sandwich(w, kr.basis, kr.theta) + tiled_gram(w, resid)
            mean, var, p = moments(mu, fnp.diagonal(cov))
            post = cov * fnp.outer(p, p)
            fnp.fill_diagonal(post, var)
            kr, resid = compress(post, plan.rank, start)
            if i in refresh:
                mc = self.sampled_mean(rng, mlp.weights, i, mu, cov, plan.samples)
                mean = 0.5 * (mean + mc)
            rows.append(mean)
        out = reduce(lambda acc, r: acc + [r.astype(fnp.float32)], rows, [])
        return fnp.vstack([r[None, :] for r in out])
