"""Unscented transform through the ReLU layers, sigma points from a jittered Cholesky.

("unscented_ladder")  Kalman-filter people doing MLPs.  Submitted as-is after the
hackathon; comments are for future us.

Per layer:
  1. pre-activation mean m = W^T mu and covariance P = W^T C W (exact for a Gaussian input);
  2. sigma points m +- sqrt(n + lambda) L e_i with L = chol(P) (columns of L);
     the Cholesky gets the classic jitter ladder 0, 1e-8, 1e-6, 1e-4 (times the mean
     diagonal) and, if every rung fails, the diagonal square root;
  3. push the points through the ReLU, re-estimate mean and covariance with the UT weights.

With a big budget every neuron gets its pair of sigma points.  With a small one only the
`n_active` neurons of largest variance get them (the "active set", chosen by argsort),
the others are treated by independent 1-D moment matching.  The active-set size comes
from the budget with the usual clamps.
"""

import math
from dataclasses import dataclass

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

JITTERS = (0.0, 1e-8, 1e-6, 1e-4)
ALPHA, BETA, KAPPA = 1.0, 2.0, 0.0
MIN_ACTIVE = 4


@dataclass
class UTWeights:
    mean0: float
    cov0: float
    rest: float
    spread: float

    @classmethod
    def for_dim(cls, n: int) -> "UTWeights":
        lam = ALPHA * ALPHA * (n + KAPPA) - n
        return cls(
            mean0=lam / (n + lam),
            cov0=lam / (n + lam) + (1.0 - ALPHA * ALPHA + BETA),
            rest=1.0 / (2.0 * (n + lam)),
            spread=math.sqrt(n + lam),
        )


# -------------------------------------------------------------------- budget


def ut_layer_cost(width: int, k: int) -> int:
    """Sigma points for k active neurons: chol(k^3/3), 2k+1 points through the layer."""
    pts = 2 * k + 1
    cost = (k ** 3) // 3 + pts * width * 4 + 2 * pts * k * k + 3 * width * width * width
    if k < width:
        # scattering the active block back: onehot.T @ cov_a @ onehot and the mean
        cost += 2 * k * width * width + 2 * k * k * width + 200 * width
    return cost


def active_count(width: int, depth: int, budget: int) -> int:
    per_layer = budget / max(depth, 1) * 0.6
    k = width
    while k > MIN_ACTIVE and ut_layer_cost(width, k) > per_layer:
        k = (k * 3) // 4
    return max(MIN_ACTIVE, min(width, k))


# -------------------------------------------------------------------- factorisation


def robust_cholesky(p):
    """Lower Cholesky factor of p, climbing the jitter ladder; the diagonal root at the end."""
    n = p.shape[0]
    scale = fnp.trace(p) / n
    eye = fnp.eye(n, dtype=p.dtype)
    for jitter in JITTERS:
        try:
            factor = fnp.linalg.cholesky(p + (jitter * scale) * eye)
        except fnp.linalg.LinAlgError:
            continue
        else:
            break
    else:
        factor = fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(p), 0.0)))
    return factor


# -------------------------------------------------------------------- moments


def relu_1d(mu, var):
    var = fnp.maximum(var, 1e-12)
    sd = fnp.sqrt(var)
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m = mu * cdf + sd * pdf
    return m, fnp.maximum((mu * mu + var) * cdf + mu * sd * pdf - m * m, 0.0)


def sigma_points(mean, factor, spread):
    """(2k+1, k) points: the mean, then mean +- spread * columns of the factor."""
    cols = spread * factor.T
    return fnp.concatenate([mean[None, :], mean[None, :] + cols, mean[None, :] - cols], axis=0)


def ut_moments(points, wts: UTWeights):
    post = fnp.maximum(points, 0.0)
    n_pts = points.shape[0]
    w_mean = fnp.full(n_pts, wts.rest, dtype=fnp.float32)
    w_mean = fnp.concatenate([fnp.array([wts.mean0], dtype=fnp.float32), w_mean[1:]])
    mean = w_mean @ post
    centred = post - mean
    w_cov = fnp.concatenate([fnp.array([wts.cov0], dtype=fnp.float32), w_mean[1:]])
    cov = (centred * w_cov[:, None]).T @ centred
    return mean, cov


# -------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        k = active_count(width, depth, budget)
        wts = UTWeights.for_dim(k)
        mu = fnp.zeros(width, dtype=fnp.float32)
        cov = fnp.eye(width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            m = w.T @ mu
            p = w.T @ cov @ w
            var = fnp.diagonal(p)
            mean_1d, var_1d = relu_1d(m, var)
            if k == width:
                factor = robust_cholesky(p)
                mean, cov = ut_moments(sigma_points(m, factor, wts.spread), wts)
                mu = mean.astype(fnp.float32)
                cov = cov.astype(fnp.float32)
            else:
                order = fnp.argsort(var)
                active = order[width - k:]
                sub = p[active][:, active]
                factor = robust_cholesky(sub)
                mean_a, cov_a = ut_moments(sigma_points(m[active], factor, wts.spread), wts)
                # scatter: one-hot (k, width) matrix, no in-place writes
                onehot = (active[:, None] == fnp.arange(width)[None, :]).astype(fnp.float32)
                keep = 1.0 - fnp.sum(onehot, axis=0)
                mu = (mean_1d * keep + mean_a @ onehot).astype(fnp.float32)
                diag_part = fnp.diag(var_1d * keep)
                cov = (diag_part + onehot.T @ cov_a @ onehot).astype(fnp.float32)
            rows.append(mu)
        return fnp.stack(rows, axis=0)
