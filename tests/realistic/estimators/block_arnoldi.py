"""Low-rank-plus-diagonal moment propagation, compressed by block Arnoldi ("block_arnoldi").

A numerics person's submission. The covariance of each layer's output is kept as
C = diag(d) + F F^T (F: width x k). Per layer:

* pre-activation moments: mu = m W, diag(W^T C W) = d (W*W) + rowsum((W^T F)^2) (a
  three-operand einsum), the z-scores under an fnp.where mask where the variance is tiny;
* relu moments in closed form, and the post-activation covariance as an *operator*
  x -> s * (W^T (d * (W (s x))) + P (P^T (s x))), s the relu slopes, P = W^T F: never formed;
* block Arnoldi on that operator (blocks orthonormalised by qr(mode="reduced"), classical
  Gram-Schmidt run twice, a stop on the relative size of the new block's R factor), Ritz
  pairs from the symmetric part of the block Hessenberg matrix (eigh, argsort, top k);
* every `refresh` layers the factor is re-balanced by a thin SVD, and its size checked
  through qr(mode="r");
* the units of largest variance (argpartition) get a regression correction of their mean,
  solved on the dense block (solve, falling back to lstsq when it is singular);
* norms past 1e30 are brought back by a power of two (frexp), and a non-finite mean raises.

The plan (rank, block size, Krylov cap, active set) comes from the budget by a hand cost model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

VAR_FLOOR = 1e-8
ARNOLDI_RTOL = 1e-3
RIDGE = 1e-4
HUGE = 1e30
MAX_RANK = 6
SAFETY = 0.5


# ---------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Plan:
    rank: int = 0          # 0: diagonal moments only
    block: int = 1         # Arnoldi block size
    max_blocks: int = 0    # Krylov cap, in blocks
    active: int = 0        # units corrected on the dense block
    refresh: int = 0       # thin-SVD re-balance every `refresh` layers (0: never)
    notes: tuple = ()

    @property
    def lowrank(self) -> bool:
        return self.rank > 0 and self.max_blocks > 0


def layer_cost(width: int, rank: int, block: int, blocks: int, active: int) -> int:
    """FLOPs of one layer, by hand (an upper estimate; flopscope's own prices differ a little)."""
    diag = 4 * width * width + 60 * width
    if not rank:
        return diag
    krylov = blocks + 1
    apply = 4 * width * width * block + 4 * width * rank * block
    ortho = 8 * width * block * block * krylov
    per_step = apply + ortho + 4 * width * block * block
    small = (krylov * block) ** 3 * 12
    factor = 2 * width * width * rank + 6 * width * rank
    dense = 0 if not active else 2 * active ** 3 + 6 * active * active * rank + 40 * active
    return diag + blocks * per_step + small + factor + dense


def make_plan(width: int, depth: int, budget: int) -> Plan:
    room = SAFETY * budget
    best = Plan(notes=("diagonal",))
    if depth * layer_cost(width, 0, 1, 0, 0) > room:
        return Plan(notes=("over budget even diagonal",))
    for rank in range(min(MAX_RANK, width // 2), 1, -1):
        block = 2 if rank <= 3 else 3
        blocks = max(2, min(width // block - 1, 2 * rank // block + 1))
        active = min(width, 2 * rank) if width >= 16 else 0
        per = layer_cost(width, rank, block, blocks, active)
        if depth * per <= room:
            refresh = 2 if depth >= 4 else 0
            return Plan(rank, block, blocks, active, refresh, notes=(f"rank {rank}: {per:,} per layer",))
        if active and depth * layer_cost(width, rank, block, blocks, 0) <= room:
            return Plan(rank, block, blocks, 0, 0, notes=(f"rank {rank} without the dense block",))
    return best


# ---------------------------------------------------------------------------- numerics


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = fnp.where(var > VAR_FLOOR, mu / sd, 0.0)
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def covariance_operator(w, d, factor, slope):
    """x (width, b) -> the post-activation covariance times x, never formed."""
    proj = None if factor is None else w.T @ factor

    def apply(x):
        y = slope[:, None] * x
        out = w.T @ (d[:, None] * (w @ y))
        if proj is not None:
            out = out + proj @ (proj.T @ y)
        return slope[:, None] * out

    return apply, proj


@dataclass
class ArnoldiResult:
    values: object
    vectors: object
    blocks: int
    residual: float
    history: list = field(default_factory=list)


def block_arnoldi(apply, start, max_blocks: int, rank: int) -> ArnoldiResult:
    """Block Arnoldi with two passes of classical Gram-Schmidt; Ritz pairs of the symmetric part."""
    q, r0 = fnp.linalg.qr(start, mode="reduced")
    b = q.shape[1]
    basis = [q]
    cols = []                    # column blocks of the block Hessenberg matrix
    scale = float(fnp.linalg.norm(apply(q))) + 1e-30
    resid = math.inf
    j = 0
    history = []
    while j < max_blocks and resid > ARNOLDI_RTOL:
        z = apply(basis[-1])
        big = fnp.concatenate(basis, axis=1)
        h = big.T @ z
        z = z - big @ h
        h2 = big.T @ z                     # the second pass (DGKS): what the first let through
        z = z - big @ h2
        h = h + h2
        qn, rn = fnp.linalg.qr(z, mode="reduced")
        resid = float(fnp.linalg.norm(rn)) / scale
        history.append(resid)
        cols.append(fnp.concatenate([h, rn], axis=0))
        basis.append(qn)
        j += 1
    m = b * (j + 1)
    padded = [fnp.concatenate([c, fnp.zeros((m - c.shape[0], b), dtype=c.dtype)], axis=0) for c in cols]
    hess = fnp.concatenate(padded, axis=1)[: b * j, :]          # (b j, b j)
    sym = 0.5 * (hess + hess.T)
    vals, vecs = fnp.linalg.eigh(sym)
    order = fnp.argsort(vals)[::-1][:rank]
    top_vals = fnp.maximum(vals[order], 0.0)
    ritz = fnp.concatenate(basis[:j], axis=1) @ vecs[:, order]
    return ArnoldiResult(top_vals, ritz, j, resid, history)


def rebalance(factor):
    """Thin SVD: the same F F^T with orthogonal columns, largest first."""
    u, s, _ = fnp.linalg.svd(factor, full_matrices=False)
    return u * s[None, :]


def factor_size(factor) -> float:
    """||F||_F from the R of a QR (the R keeps the Frobenius norm, and is small)."""
    r = fnp.linalg.qr(factor, mode="r")
    return float(fnp.linalg.norm(r))


def regress_block(cov_aa, cross):
    """(C_aa + ridge I)^{-1} cross; a singular block falls back to least squares."""
    n = cov_aa.shape[0]
    lhs = cov_aa + RIDGE * fnp.eye(n, dtype=cov_aa.dtype)
    try:
        return fnp.linalg.solve(lhs, cross), "solve"
    except np.linalg.LinAlgError:
        return fnp.linalg.lstsq(lhs, cross, rcond=None)[0], "lstsq"


def power_of_two_rescale(factor, d):
    """Bring F (and d, which scales as F squared) back below HUGE by a power of two."""
    peak = float(fnp.max(fnp.abs(factor)))
    if peak > HUGE:
        shift = math.frexp(peak)[1]
        return factor * 2.0 ** -shift, d * 4.0 ** -shift, shift
    return factor, d, 0


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.plan = Plan()
        self.solvers: list[str] = []
        self.krylov_steps: list[int] = []

    def setup(self, context):
        self.plan = make_plan(context.width, context.depth, context.flop_budget)

    def active_correction(self, mean, d, factor, slope, k: int):
        """The k units of largest variance: a ridge regression of their slopes on the block."""
        var = d + fnp.einsum("ik,ik->i", factor, factor)
        idx = fnp.argpartition(-var, k - 1)[:k]
        idx = fnp.sort(idx)
        fa = factor[idx, :]
        cov_aa = fnp.diag(d[idx]) + fa @ fa.T
        cross = cov_aa @ slope[idx]
        beta, how = regress_block(cov_aa, cross)
        self.solvers.append(how)
        bump = 0.05 * (beta - slope[idx]) * fnp.sqrt(fnp.maximum(var[idx], VAR_FLOOR))
        hit = fnp.isin(fnp.arange(mean.shape[0]), idx)
        delta = fnp.where(hit, fnp.mean(bump), 0.0)
        return mean + delta

    def predict(self, mlp, budget):
        plan = self.plan if self.plan.rank <= mlp.width // 2 else make_plan(mlp.width, mlp.depth, budget)
        width = mlp.width
        rng = fnp.random.default_rng(mlp.seed)
        mean = fnp.zeros(width, dtype=fnp.float32)
        d = fnp.ones(width, dtype=fnp.float32)
        factor = None
        rows = []
        for i, w in enumerate(mlp.weights):
            mu = mean @ w
            var = d @ (w * w)
            if factor is not None:
                proj = w.T @ factor
                var = var + fnp.einsum("ik,ik,k->i", proj, proj, fnp.ones(factor.shape[1], dtype=w.dtype))
            mean, post_var, slope = relu_moments(mu, var)
            if plan.lowrank:
                apply, _ = covariance_operator(w, d, factor, slope)
                start = rng.standard_normal((width, plan.block)).astype(w.dtype)
                res = block_arnoldi(apply, start, plan.max_blocks, plan.rank)
                self.krylov_steps.append(res.blocks)
                factor = res.vectors * fnp.sqrt(res.values)[None, :]
                explained = fnp.einsum("ik,k,ik->i", res.vectors, res.values, res.vectors)
                d = fnp.maximum(post_var - explained, VAR_FLOOR)
                if plan.refresh and (i + 1) % plan.refresh == 0:
                    factor = rebalance(factor)
                    size = factor_size(factor)
                    if size > HUGE:
                        factor = factor / size        # overflow on the way: keep the directions only
                factor, d, shift = power_of_two_rescale(factor, d)
                if plan.active:
                    mean = self.active_correction(mean, d, factor, slope, plan.active)
            else:
                d = fnp.maximum(post_var, VAR_FLOOR)
            if not fnp.all(fnp.isfinite(mean)):
                raise FloatingPointError(f"non-finite mean at layer {i}")
            rows.append(mean)
        return fnp.stack(rows)
