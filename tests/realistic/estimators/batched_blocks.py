"""Block-diagonal covariance propagation with batched (3-D/4-D) linear algebra ("batched_blocks").

Team "tensor people": we never loop over blocks in Python.  The width is cut into ``nb``
blocks of ``g`` neurons; each layer keeps the block means ``(nb, g)`` and the block
covariances ``(nb, g, g)``.  The weight matrix is viewed as ``(nb_in, nb_out, g, g)`` tiles
(reshape + transpose) and every block's covariance is propagated by one broadcast 4-D
matmul, summed over the input blocks.  The ReLU is an unscented transform per block: a
*batched* Cholesky (jitter ladder on LinAlgError, then a diagonal fallback) gives 2g sigma
points per block, interleaved +/- (strided slices pull them apart again).

The block size comes from a recursive cost model memoised with ``functools.lru_cache``
that tries each candidate size and, when it does not fit, halves it; ``Knobs`` (a
dataclass with ``field(default_factory=...)``) is tuned with ``dataclasses.replace`` per
plan.  The first layer's block covariance is cut out of ``W^T W`` with a 4-D diagonal and
``moveaxis``; a ``kron`` block mask prices the cross-block leakage the plan gives up.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

CANDIDATES = (16, 8, 4, 2)
SAFETY = 0.5
HUGE = 1e30


@dataclass(frozen=True)
class Knobs:
    jitters: tuple = field(default_factory=lambda: (1e-8, 1e-6, 1e-4))
    damping: float = 1.0
    floor: float = 1e-10
    leak_check: bool = True
    names: list = field(default_factory=lambda: ["mean", "var", "leak"])


# ---------------------------------------------------------------------------------------
# cost model
# ---------------------------------------------------------------------------------------


def _block_layer_cost(width: int, g: int) -> int:
    nb = width // g
    prop = 2 * nb * nb * (2 * g * g * g) + nb * nb * g * g   # two 4-D matmuls, then the sum
    sigma = nb * (g ** 3 // 3 + 2 * g * g) + 2 * nb * g * g * 6
    moments = 2 * nb * (2 * g) * g * g + 4 * nb * g * g
    return prop + sigma + moments


def _diag_layer_cost(width: int) -> int:
    return 20 * width * width + 40 * width  # the squared weights are a power: 16 per element


@functools.lru_cache(maxsize=None)
def plan_cost(width: int, depth: int, g: int, budget: int) -> tuple:
    """(cost, g) of the cheapest plan from block size ``g`` down: a size that does not divide
    the width or does not fit the budget hands over to half of it; below 2 the diagonal plan."""
    if g < 2:
        return depth * _diag_layer_cost(width), 1
    if width % g or g > width:
        return plan_cost(width, depth, g // 2, budget)
    cost = 2 * width ** 3 + depth * _block_layer_cost(width, g)
    if cost <= budget:
        return cost, g
    return plan_cost(width, depth, g // 2, budget)


def choose_block(width: int, depth: int, budget: int) -> int:
    best = min((plan_cost(width, depth, g, budget) for g in CANDIDATES), key=lambda cg: (-cg[1], cg[0]))
    return best[1]


# ---------------------------------------------------------------------------------------
# batched pieces
# ---------------------------------------------------------------------------------------


def tiles(w, g: int):
    """W (n, n) as (nb_in, nb_out, g, g) tiles."""
    n = w.shape[0]
    nb = n // g
    return fnp.transpose(fnp.reshape(w, (nb, g, nb, g)), (0, 2, 1, 3))


def first_block_cov(w, g: int):
    """Block diagonal of W^T W (the input is a standard Gaussian), via a 4-D diagonal."""
    n = w.shape[0]
    nb = n // g
    gram = w.T @ w
    full4 = fnp.reshape(gram, (nb, g, nb, g))
    diag = fnp.diagonal(full4, axis1=0, axis2=2)      # (g, g, nb)
    return fnp.moveaxis(diag, -1, 0)                  # (nb, g, g)


def leak_share(w, g: int) -> float:
    """Share of W^T W's energy that falls outside the block diagonal."""
    n = w.shape[0]
    mask = fnp.kron(fnp.eye(n // g), fnp.ones((g, g)))
    gram = w.T @ w
    inside = fnp.sum(fnp.where(mask > 0, gram * gram, 0.0))
    total = fnp.sum(gram * gram)
    return float(1.0 - inside / total)


def propagate(mean, cov, t):
    """Block means (nb, g) and covariances (nb, g, g) through the tiles t (nb, nb, g, g)."""
    mean_out = fnp.tensordot(mean, t, axes=([0, 1], [0, 2]))          # (nb_out, g)
    left = fnp.matmul(cov[:, None, :, :], t)                          # (nb, nb, g, g)
    right = fnp.matmul(fnp.swapaxes(t, -1, -2), left)
    return mean_out, fnp.sum(right, axis=0)


def batched_cholesky(cov, knobs: Knobs):
    """Cholesky of every block; the jitter ladder on failure, None when all of it fails."""
    g = cov.shape[-1]
    eye = fnp.eye(g)[None, :, :]
    scale = fnp.mean(fnp.trace(cov, axis1=1, axis2=2)) / g
    for eps in knobs.jitters:
        try:
            return fnp.linalg.cholesky(cov + (eps * scale + knobs.floor) * eye)
        except np.linalg.LinAlgError:
            continue
    return None


def sigma_points(mean, chol):
    """2g points per block, interleaved +/-: (nb, 2g, g)."""
    nb, g = mean.shape
    spread = math.sqrt(g) * fnp.swapaxes(chol, -1, -2)                # rows are the columns of L
    plus = mean[:, None, :] + spread
    minus = mean[:, None, :] - spread
    both = fnp.stack([plus, minus], axis=2)                           # (nb, g, 2, g)
    return fnp.reshape(both, (nb, 2 * g, g))


def relu_unscented(mean, cov, knobs: Knobs):
    chol = batched_cholesky(cov, knobs)
    if chol is None:
        return relu_diagonal(mean, cov, knobs)
    pts = fnp.maximum(sigma_points(mean, chol), 0.0)
    plus, minus = pts[:, ::2, :], pts[:, 1::2, :]
    m = 0.5 * (fnp.mean(plus, axis=1) + fnp.mean(minus, axis=1))
    dev = pts - m[..., None, :]
    c = fnp.matmul(fnp.swapaxes(dev, -1, -2), dev) / pts.shape[1]
    return m, knobs.damping * c


def relu_diagonal(mean, cov, knobs: Knobs):
    var = fnp.maximum(fnp.diagonal(cov, axis1=-2, axis2=-1), knobs.floor)
    sd = fnp.sqrt(var)
    a = mean / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m = mean * cdf + sd * pdf
    second = (mean * mean + var) * cdf + mean * sd * pdf
    v = fnp.maximum(second - m * m, 0.0)
    g = mean.shape[-1]
    return m, v[..., None] * fnp.eye(g)[None, :, :]


# ---------------------------------------------------------------------------------------
# the diagonal plan (the cost model's floor)
# ---------------------------------------------------------------------------------------


def diagonal_plan(mlp: MLP, knobs: Knobs):
    mu = fnp.zeros(mlp.width)
    var = fnp.ones(mlp.width)
    rows = []
    for w in mlp.weights:
        pre_mu = mu @ w
        pre_var = var @ fnp.power(w, 2)
        sd = fnp.sqrt(fnp.maximum(pre_var, knobs.floor))
        a = pre_mu / sd
        cdf = flops.stats.norm.cdf(a)
        pdf = flops.stats.norm.pdf(a)
        mu = pre_mu * cdf + sd * pdf
        var = fnp.maximum((pre_mu * pre_mu + pre_var) * cdf + pre_mu * sd * pdf - mu * mu, 0.0)
        rows.append(mu)
    return fnp.stack(rows)


# ---------------------------------------------------------------------------------------
# estimator
# ---------------------------------------------------------------------------------------


class Estimator(BaseEstimator):
    knobs = Knobs()

    @classmethod
    def tuned(cls, g: int, width: int) -> Knobs:
        """Bigger blocks keep more correlation: damp their covariance less."""
        damping = 1.0 - 0.5 / (g + 1)
        return replace(cls.knobs, damping=damping, leak_check=width // g > 1)

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        g = choose_block(width, depth, int(budget * SAFETY))
        if g < 2:
            return diagonal_plan(mlp, self.knobs)
        knobs = self.tuned(g, width)
        nb = width // g
        stats = SimpleNamespace(layers=0, leak=0.0, fallbacks=0, plan=f"blocks-{nb}x{g}")

        w0 = mlp.weights[0]
        cov = first_block_cov(w0, g)
        if knobs.leak_check:
            stats.leak = leak_share(w0, g)
        mean = fnp.zeros((nb, g))
        # the first layer's pre-activation mean is zero: skip the tensordot
        mean, cov = relu_unscented(mean, cov, knobs)
        rows = [fnp.reshape(mean, (width,))]
        stats.layers += 1

        for w in mlp.weights[1:]:
            t = tiles(w, g)
            mean, cov = propagate(mean, cov, t)
            if float(fnp.max(fnp.abs(cov))) > HUGE:
                cov = cov / HUGE
            mean, cov = relu_unscented(mean, cov, knobs)
            rows.append(fnp.reshape(mean, (width,)))
            stats.layers += 1

        out = fnp.stack(rows)
        summary = dict(zip(knobs.names, (float(fnp.mean(out)), float(fnp.mean(cov)), stats.leak)))
        if not all(map(math.isfinite, summary.values())):
            return diagonal_plan(mlp, knobs)
        return out
