"""Mean field plus a dense covariance block on an active set of neurons ("active_block").

Lab entry (three grad students, one GPU, zero sleep).

Full covariance propagation costs O(w^3) per layer, mean field O(w^2) but ignores every
correlation.  We keep the covariance *diagonal* for all neurons and *dense* on an active
set S of the k neurons with the largest post-activation variance:

    C = diag(v) + P_S (B - diag(v_S)) P_S^T

so the pre-activation moments of the next layer are, with A the previous active set,

    var_pre = (W*W)^T v + diag(W[A,:]^T (B - diag v_A) W[A,:])
    C_pre[S,S] = W[:,S]^T diag(v) W[:,S] + W[A,S]^T (B - diag v_A) W[A,S]

k comes from the budget (a square root, clamped).  Units whose pre-activation z-score
is below DEAD are declared dead and dropped from the next layer's product (on trained
nets this saves a third of the work; on the contest's He-initialised nets it finds
nothing, so we only prune when there is something to prune).
"""

from functools import lru_cache
from typing import NamedTuple

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

K_MIN = 4
K_MAX = 256
DEAD = -6.0
VAR_TINY = 1e-9
#: how much of the budget the block part may use, the rest is mean field + slack
BLOCK_SHARE = 0.6


class Moments(NamedTuple):
    mean: object
    var: object
    gate: object


class Block(NamedTuple):
    idx: object      # (k,) int indices of the active set
    cov: object      # (k, k) covariance of the active units


# ------------------------------------------------------------------------------ sizing


@lru_cache(maxsize=None)
def block_size(width: int, depth: int, budget: int) -> int:
    """Largest k whose per-layer block cost fits the block share of the budget."""
    per_layer = BLOCK_SHARE * budget / depth
    # two (k x w) @ (w x k) style products dominate: ~4 k^2 w
    k = int((per_layer / (4.0 * width)) ** 0.5)
    k = max(K_MIN, min(K_MAX, k, width))
    # power of two keeps the argpartition cheap (it does not, but it did in numpy)
    p = 1
    while p * 2 <= k:
        p *= 2
    return p


def describe(width, depth, budget):
    k = block_size(width, depth, budget)
    return f"w={width} d={depth} k={k} ({100.0 * k / width:.0f}% of the layer)"


# ------------------------------------------------------------------------------ maths


def relu_moments(mu, var) -> Moments:
    var = fnp.maximum(var, VAR_TINY)
    sd = fnp.sqrt(var)
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return Moments(mean, fnp.maximum(second - mean * mean, 0.0), cdf)


def excess(block: Block, var):
    """B - diag(v_A): the part of the block the diagonal does not already carry."""
    k = block.idx.shape[0]
    eye = fnp.eye(k, dtype=fnp.float32)
    return block.cov - eye * var[block.idx]


def pre_moments(w, mean, var, block: Block):
    mu_pre = w.T @ mean
    var_pre = (w * w).T @ var
    if block is not None:
        e = excess(block, var)
        wa = w[block.idx]                       # (k, w) rows of the active units
        var_pre = var_pre + fnp.einsum("ij,ik,kj->j", wa, e, wa)
    return mu_pre, var_pre


def new_block(w, var, block: Block, post: Moments, var_pre, k: int) -> Block:
    idx = fnp.argpartition(post.var, -k)[-k:]
    ws = w[:, idx]                              # (w, k)
    cov = (ws * var[:, None]).T @ ws
    if block is not None:
        was = w[block.idx][:, idx]              # (k_prev, k)
        cov = cov + was.T @ excess(block, var) @ was
    g = post.gate[idx]
    cov = fnp.outer(g, g) * cov
    eye = fnp.eye(k, dtype=cov.dtype)
    cov = cov * (1.0 - eye) + eye * post.var[idx]
    return Block(idx, cov)


def prune(w, mean, var, mu_pre, var_pre):
    """Drop dead units (z-score below DEAD) from the next product, if there are any."""
    z = mu_pre / fnp.sqrt(fnp.maximum(var_pre, VAR_TINY))
    dead = z < DEAD
    n_dead = int(fnp.sum(dead))
    if n_dead == 0:
        return None
    live = fnp.nonzero(~dead)[0]
    return live


# ------------------------------------------------------------------------------ estimator


class Estimator(BaseEstimator):
    """See the module docstring; `use_block` can be switched off for ablations."""

    use_block = True

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        k = block_size(width, depth, budget)
        use_block = self.use_block and k < width and depth > 1
        mean = fnp.zeros(width, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        block = None
        live = None
        rows = []
        for i, w in enumerate(mlp.weights):
            if live is not None:
                # rows of dead units contribute nothing (their mean and variance are ~0)
                w_used, m_used, v_used = w[live], mean[live], var[live]
                mu_pre = w_used.T @ m_used
                var_pre = (w_used * w_used).T @ v_used
                block = None
            else:
                mu_pre, var_pre = pre_moments(w, mean, var, block)
            post = relu_moments(mu_pre, var_pre)
            rows.append(post.mean)
            if use_block and i + 1 < depth:
                block = new_block(w, var, block, post, var_pre, k)
            live = prune(w, mean, var, mu_pre, var_pre)
            mean = post.mean.astype(fnp.float32)
            var = post.var.astype(fnp.float32)
        return fnp.stack(rows, axis=0)
