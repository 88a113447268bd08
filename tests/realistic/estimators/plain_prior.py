"""A plain-numpy prior, flopscope for the network ("plain_prior").

Solo entrant, "I only learned flopscope last week".  The prior over the first layer's
pre-activations is built with plain numpy (our offline code, pasted in): a small fixed
covariance from a Matérn-like kernel over neuron positions, its Cholesky factor, quasi
random draws from numpy's own Generator.  None of that touches the network, so it is free;
everything that multiplies a weight matrix goes through flopscope.

Per layer: propagate the sampled batch, keep a running mean and a variance estimate, and
every other layer try a shrinkage step on the sample covariance of a block of units:

    try:    cholesky of the shrunk block     (the usual case)
    except: a diagonal fallback
    else:   a whitening of the block's samples
    finally: bookkeeping

Sample counts: from the budget, rounded to a multiple of 8 with ``np.clip``.
"""

from __future__ import annotations

import math

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

BLOCK = 6
SHRINK = 0.2
STATS: dict = {"chol_ok": 0, "chol_fail": 0, "layers": 0}


def kernel_prior(k: int, length: float = 2.0) -> np.ndarray:
    """Plain numpy: a k x k Matérn-3/2 covariance over positions 0..k-1 (free)."""
    pos = np.arange(k, dtype=np.float64)
    d = np.abs(pos[:, None] - pos[None, :]) / length
    cov = (1.0 + math.sqrt(3.0) * d) * np.exp(-math.sqrt(3.0) * d)
    cov += 1e-9 * np.eye(k)
    return cov


def checked_prior(k: int, max_cond: float = 1e8) -> np.ndarray:
    """The prior, its jitter raised until numpy's eigenvalues say it is well conditioned
    (plain numpy on a tiny fixed matrix: free, and deterministic)."""
    jitter = 1e-9
    cov = kernel_prior(k)
    for _ in range(8):
        vals = np.linalg.eigvalsh(cov)
        if vals[0] > 0 and vals[-1] / vals[0] < max_cond:
            break
        jitter *= 10.0
        cov = kernel_prior(k) + jitter * np.eye(k)
    return cov


def first_layer_exact_mean(w, input_var):
    """E relu(x @ w) for x ~ N(0, diag(input_var)): sqrt(col variance / 2 pi)."""
    col_var = fnp.sum((w * w) * input_var[:, None], axis=0)
    return fnp.sqrt(col_var) / math.sqrt(2.0 * math.pi)


def control_variate(sampled, exact, mean):
    """Shift ``mean`` by the first layer's sampling error, scaled by a clipped slope."""
    err = sampled - exact
    denom = float(fnp.sum(err * err))
    if denom <= 0.0:
        return mean
    slope = float(fnp.sum(err * (mean - fnp.mean(mean)))) / denom
    slope = min(max(slope, -1.0), 1.0)
    return mean - slope * err


def plan(width: int, depth: int, budget: int) -> tuple[int, int]:
    per_sample = 2 * depth * width * width + 12 * width * depth
    n = int(np.clip(budget * 0.6 // per_sample, 8, 512))
    n -= n % 8
    block = int(min(BLOCK, width))
    return n, block


def quasi_normal(n: int, width: int, seed: int) -> np.ndarray:
    """Antithetic plain-numpy normals (numpy's own Generator: free)."""
    rng = np.random.default_rng(seed)
    half = rng.standard_normal((n // 2, width))
    return np.concatenate([half, -half], axis=0)


def block_whiten(samples, ridge: float):
    """Cholesky-whiten a block of samples; raises LinAlgError for a bad block."""
    centred = samples - fnp.mean(samples, axis=0, keepdims=True)
    cov = centred.T @ centred / samples.shape[0]
    target = fnp.mean(fnp.diagonal(cov)) * fnp.eye(cov.shape[0])
    shrunk = (1.0 - SHRINK) * cov + SHRINK * target + ridge * fnp.eye(cov.shape[0])
    chol = fnp.linalg.cholesky(shrunk)
    return fnp.linalg.solve(chol, centred.T).T


class Estimator(BaseEstimator):
    def setup(self, context) -> None:
        self.prior = checked_prior(BLOCK)
        self.prior_chol = np.linalg.cholesky(self.prior)       # plain numpy, free

    def describe(self) -> str:
        """For our logs: how the Cholesky ladder went so far."""
        ok, failed = STATS["chol_ok"], STATS["chol_fail"]
        rate = ok / max(ok + failed, 1)
        return f"cholesky ok {ok}, failed {failed} ({rate:.0%}) over {STATS['layers']} layers"

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        n, block = plan(width, depth, budget)
        z = quasi_normal(n, width, 17)
        # correlate the first `block` inputs with the prior (plain numpy, free)
        head = z[:, :block] @ self.prior_chol[:block, :block].T
        z = np.concatenate([head, z[:, block:]], axis=1)
        x = fnp.asarray(z.astype(np.float32))                    # billed: a copy into flopscope
        means = []
        spread = np.zeros(depth)                                 # plain bookkeeping
        input_var = fnp.asarray(np.concatenate([np.diag(self.prior)[:block], np.ones(width - block)]))
        exact0 = first_layer_exact_mean(mlp.weights[0], input_var)
        sampled0 = None
        for i, w in enumerate(mlp.weights):
            x = fnp.maximum(x @ w, 0.0)
            mean = fnp.mean(x, axis=0)
            if i == 0:
                sampled0 = mean
            elif i == depth - 1:
                mean = control_variate(sampled0, exact0, mean)
            if i % 2 == 1:
                blk = x[:, :block]
                try:
                    white = block_whiten(blk, 1e-6)
                except fnp.linalg.LinAlgError:
                    STATS["chol_fail"] += 1
                    scale = fnp.sqrt(fnp.var(blk, axis=0) + 1e-12)
                    white = (blk - fnp.mean(blk, axis=0)) / scale
                else:
                    STATS["chol_ok"] += 1
                finally:
                    STATS["layers"] += 1
                kurt = fnp.mean(white ** 4, axis=0)
                heavy = kurt > 6.0
                adj = fnp.where(heavy, 0.9, 1.0)
                mean = fnp.concatenate([mean[:block] * adj, mean[block:]])
            spread[i] = float(fnp.std(mean))
            means.append(mean)
        out = fnp.stack(means)
        tilt = np.asarray(spread) / (spread.max() + 1e-12)      # plain numpy again
        return out * fnp.asarray(1.0 + 0.0 * tilt, dtype=fnp.float32)[:, None]
