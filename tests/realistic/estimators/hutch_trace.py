"""Covariance propagation with a Hutch++ trace correction ("hutch_trace").

Entry by a numerical-linear-algebra student.  The mean of each layer comes from the usual
rectified-Gaussian moments, but instead of carrying the full w x w covariance (8 w^3 a
layer, too dear at the big rounds) we carry only its diagonal plus ONE scalar: the total
variance Tr(C).  The off-diagonal mass that a diagonal model drops is estimated from

    Tr(W^T C W) - sum_j W[:, j]^T diag(C) W[:, j]

with Hutch++ (Meyer, Musco, Musco, Woodruff 2021): a sketch S of m/3 Rademacher probes,
Q = orth(A S), the trace split into the exact part Tr(Q^T A Q) and a Hutchinson estimate of
the deflated rest with the other 2m/3 probes.  The number of probes m comes from the
budget; when two successive estimates disagree by more than REL_TOL we double m (a `while`
refinement) until the budget slice for the layer is spent.

The correction rescales the diagonal variances by the ratio of the estimated trace to the
diagonal's own trace, clamped to [1/4, 4].  The top-k most uncertain units (argpartition of
the variances) get an exact second-moment refresh from a small Gram block, factored by
Cholesky with an eigh fallback ladder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

REL_TOL = 0.05
MIN_PROBES = 6
MAX_PROBES = 96
TOPK_SHARE = 0.125
CLAMP = (0.25, 4.0)
SEED = 20250611
JITTERS = (0.0, 1e-10, 1e-6)


@dataclass
class Plan:
    probes: int
    max_probes: int
    topk: int
    use_hutch: bool
    refine: bool

    @property
    def label(self) -> str:
        if not self.use_hutch:
            return "diagonal"
        return f"hutch++ m={self.probes}..{self.max_probes} k={self.topk}"


def diag_layer_cost(w: int) -> int:
    # matvec of the mean, squared weights times variances, the moment formulas
    return 2 * w * w + 2 * w * w + 60 * w


def hutch_cost(w: int, m: int) -> float:
    # A = W^T diag(C) W is never formed: each probe costs two matvecs through W and a scale
    third = max(1, m // 3)
    # (measured: the two orthogonal projections of the rest cost as much as its matvecs)
    sketch = 4.0 * w * w * third + 2.0 * w * third
    qr = 4.0 * w * third * third
    rest = 4.0 * w * w * (m - third) + 4.0 * w * third * (m - third)
    return 1.6 * (sketch + qr + rest) + 8.0 * w * m + 6.0 * w * w * third


def make_plan(width: int, depth: int, budget: int) -> Plan:
    base = depth * diag_layer_cost(width)
    left = budget - base
    if left <= 0:
        return Plan(0, 0, 0, False, False)
    per_layer = left / depth
    # the first pass gets a sixth of the layer's share, the refinement the rest
    m = MIN_PROBES
    while 2 * m <= MAX_PROBES and hutch_cost(width, 2 * m) < per_layer / 6.0:
        m *= 2
    if hutch_cost(width, m) > 0.8 * per_layer:
        return Plan(0, 0, 0, False, False)
    # the refinement spends 2m + 4m + ... + top: about twice its last step
    top = m
    while 2 * top <= MAX_PROBES and hutch_cost(width, m) + 2.0 * hutch_cost(width, 2 * top) <= per_layer:
        top *= 2
    k = max(1, int(TOPK_SHARE * width))
    if k * k * width * 2 > 0.2 * per_layer:
        k = 0
    return Plan(m - m % 3, top - top % 3, k, True, top > m)


def relu_moments(mu, var):
    """Mean and variance of max(0, z), z ~ N(mu, var), elementwise."""
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0)


def rademacher(rng: np.random.Generator, w: int, m: int):
    signs = rng.integers(0, 2, size=(w, m)).astype(np.float64) * 2.0 - 1.0
    return fnp.asarray(signs)


def apply_op(weight, var, x):
    """(W^T diag(var) W) x without forming the w x w matrix."""
    return weight.T @ (var[:, None] * (weight @ x))


def hutchpp(weight, var, rng, m: int) -> float:
    w = weight.shape[0]
    third = max(1, m // 3)
    s = rademacher(rng, w, third)
    g = rademacher(rng, w, m - third)
    sketch = apply_op(weight, var, s)
    q, _ = fnp.linalg.qr(sketch)
    exact = fnp.trace(q.T @ apply_op(weight, var, q))
    g_perp = g - q @ (q.T @ g)
    rest = fnp.sum(g_perp * apply_op(weight, var, g_perp))
    return float(exact) + float(rest) / (m - third)


def refine_trace(weight, var, rng, plan: Plan) -> tuple[float, int]:
    """Hutch++ with m probes; while the estimate moves by more than REL_TOL, double m."""
    m = plan.probes
    est = hutchpp(weight, var, rng, m)
    if not plan.refine:
        return est, m
    prev = math.inf
    while abs(est - prev) > REL_TOL * abs(est) and 2 * m <= plan.max_probes:
        prev = est
        m *= 2
        est = 0.5 * (prev + hutchpp(weight, var, rng, m))
    return est, m


def factor(block):
    """Cholesky, then with jitter, then an eigh square root: the fallback ladder."""
    k = block.shape[0]
    eye = fnp.eye(k)
    scale = float(fnp.trace(block)) / k + 1e-300
    for jitter in JITTERS:
        try:
            return fnp.linalg.cholesky(block + (jitter * scale) * eye)
        except fnp.linalg.LinAlgError:
            continue
    vals, vecs = fnp.linalg.eigh(block)
    return vecs * fnp.sqrt(fnp.maximum(vals, 0.0))[None, :]


def refresh_top(mu_pre, var_pre, weight, mean_prev, var_prev, k: int):
    """Exact second moments for the k most uncertain units from their Gram block."""
    idx = fnp.argpartition(var_pre, -k)[-k:]
    cols = weight[:, idx]
    block = cols.T @ (var_prev[:, None] * cols)
    root = factor(block)
    spread = fnp.sum(root * root, axis=1)
    # flopscope arrays are immutable: scatter through a one-hot mask instead of fresh[idx] = ...
    hit = fnp.zeros((k, var_pre.shape[0]))
    hit = fnp.where(fnp.arange(var_pre.shape[0])[None, :] == idx[:, None], 1.0, hit)
    keep = 1.0 - fnp.sum(hit, axis=0)
    return var_pre * keep + spread @ hit


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.trail: list[str] = []

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = make_plan(width, depth, budget)
        self.trail.append(plan.label)
        rng = np.random.default_rng(SEED)
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        rows = []
        for layer, weight in enumerate(mlp.weights):
            mu_pre = weight.T @ mean
            var_pre = (weight * weight).T @ var
            if plan.use_hutch:
                est, used = refine_trace(weight, var, rng, plan)
                diag_trace = float(fnp.sum(var_pre))
                if diag_trace > 0.0 and math.isfinite(est):
                    ratio = min(max(est / diag_trace, CLAMP[0]), CLAMP[1])
                    var_pre = var_pre * ratio
                if plan.topk and layer > 0:
                    var_pre = refresh_top(mu_pre, var_pre, weight, mean, var, plan.topk)
            mean, var = relu_moments(mu_pre, var_pre)
            if not fnp.all(fnp.isfinite(var)):
                var = fnp.nan_to_num(var, nan=1.0, posinf=1.0)
            rows.append(mean)
        out = fnp.stack(rows)
        return out
