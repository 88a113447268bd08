"""Covariance propagation with Strassen products whose leaf a recursive cost model picks, a
PSD repair of the loudest block, and a seeded Monte-Carlo spot check ("seeded_strassen").

Reproducibility is a must for us (we diff runs between submissions): every random choice comes
from ``random.Random(seed)`` where the seed is a hash of the MLP's shape and our salt,
``struct.pack`` + ``hashlib.blake2b`` (Python's ``hash()`` is salted per process). The seed
picks how many Monte-Carlo rows we draw and which layers get the spot check.

* Products: ``strassen(a, b, leaf)`` splits square matrices of even size above ``leaf`` into
  quadrants (seven products, ``fnp.block`` to reassemble). The leaf is chosen per width by
  ``best_leaf``: the cost model ``strassen_cost`` (a recursion, memoised) over the candidate
  leaves at most MAX_LEVELS levels down, the plain product when no leaf beats it.
* Repair: at each layer the ``k`` neurons of largest variance (``argpartition``) whose variance is
  above the floor (a ``nonzero`` mask among those ``k``) get their covariance block projected
  to PSD with ``eigh``; the block goes back into the full matrix through a selector made of
  ``fnp.eye`` columns (arrays are immutable).
* Spot check: on the sampled layers, rows drawn through the Cholesky factor of the input
  covariance (``except (np.linalg.LinAlgError, FloatingPointError)`` -> the diagonal), and a
  ``while`` loop that keeps drawing chunks while ``flops.current_budget()`` has room.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import random
import struct

import flopscope as flops
import flopscope.numpy as fnp
import numpy as np
from whestbench import BaseEstimator, MLP

log = logging.getLogger(__name__)

SALT = 0x5EED
LEAVES = (4, 8, 16, 32, 64, 128, 256, 512)
#: at most this many Strassen levels: each level costs Python overhead the FLOP model ignores
MAX_LEVELS = 2
REPAIR_K = 6
VAR_FLOOR = 1e-3
CHUNK = 16
MAX_CHUNKS = 6
RESERVE_PER_UNIT = 24
#: per layer, beside the two products: the outer/diag updates, the selector products, the moments
COV_W2, COV_W1 = 40, 1500


# ---------------------------------------------------------------------------- seeding


def shape_seed(width: int, depth: int, salt: int = SALT) -> int:
    """A seed that depends only on the MLP's shape and our salt (stable across processes)."""
    packed = struct.pack("<IIH", width, depth, salt)
    digest = hashlib.blake2b(packed, digest_size=8).digest()
    return struct.unpack("<Q", digest)[0]


# ---------------------------------------------------------------------------- Strassen


@functools.lru_cache(maxsize=None)
def strassen_cost(n: int, leaf: int) -> int:
    """FLOPs of ``strassen`` on n x n operands at this leaf: seven half products and eighteen
    half-size additions per level (our count; flopscope bills a product 2 n^3 - n^2)."""
    if n <= leaf or n % 2:
        return 2 * n ** 3 - n ** 2
    h = n // 2
    return 7 * strassen_cost(h, leaf) + 18 * h * h


def best_leaf(n: int):
    """The leaf of least modelled cost, or None when the plain product is as cheap."""
    plain = 2 * n ** 3 - n ** 2
    costs = {leaf: strassen_cost(n, leaf) for leaf in LEAVES if leaf < n and n <= leaf << MAX_LEVELS}
    if not costs:
        return None
    leaf = min(costs, key=costs.get)
    return leaf if costs[leaf] < plain else None


def plan_cost(width: int, depth: int, leaf) -> int:
    """The covariance plan: two products per layer (float64: twice the count) and the rest."""
    product = strassen_cost(width, leaf) if leaf else 2 * width ** 3 - width ** 2
    return depth * (2 * 2 * product + COV_W2 * width ** 2 + COV_W1 * width)


def strassen(a, b, leaf):
    n = a.shape[0]
    if leaf is None or n <= leaf or n % 2 or a.shape != b.shape or a.shape[0] != a.shape[1]:
        return a @ b
    h = n // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]
    m1 = strassen(a11 + a22, b11 + b22, leaf)
    m2 = strassen(a21 + a22, b11, leaf)
    m3 = strassen(a11, b12 - b22, leaf)
    m4 = strassen(a22, b21 - b11, leaf)
    m5 = strassen(a11 + a12, b22, leaf)
    m6 = strassen(a21 - a11, b11 + b12, leaf)
    m7 = strassen(a12 - a22, b21 + b22, leaf)
    return fnp.block([[m1 + m4 - m5 + m7, m3 + m5], [m2 + m4, m1 - m2 + m3 + m6]])


# ---------------------------------------------------------------------------- moments


def relu_moments(mu, var):
    sigma = fnp.sqrt(fnp.maximum(var, 1e-12))
    alpha = mu / sigma
    cdf = flops.stats.norm.cdf(alpha)
    pdf = flops.stats.norm.pdf(alpha)
    mean = mu * cdf + sigma * pdf
    second = (mu * mu + var) * cdf + mu * sigma * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def repair_block(cov, var, k: int):
    """Project the block of the ``k`` loudest neurons (those above the floor) to PSD."""
    top = fnp.argpartition(var, -k)[-k:]
    loud = top[fnp.nonzero(fnp.take(var, top) > VAR_FLOOR)[0]]
    if loud.shape[0] < 2:
        return cov, 0
    select = fnp.eye(cov.shape[0])[:, loud]                 # (w, m) selector
    block = select.T @ cov @ select
    vals, vecs = fnp.linalg.eigh(block)
    fixed = (vecs * fnp.maximum(vals, 0.0)) @ vecs.T
    return cov + select @ (fixed - block) @ select.T, int(loud.shape[0])


# ---------------------------------------------------------------------------- spot check


def draw_factor(cov):
    try:
        root = fnp.linalg.cholesky(cov + 1e-9 * fnp.eye(cov.shape[0]))
        if not bool(fnp.all(fnp.isfinite(root))):
            raise FloatingPointError("non-finite factor")
        return root
    except (np.linalg.LinAlgError, FloatingPointError):
        return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diag(cov), 0.0)))


def spot_check(mlp: MLP, layer: int, mu_in, cov_in, rows: int, reserve: int):
    """Mean of layer ``layer``'s output over chunks of rows drawn from N(mu_in, cov_in), drawn
    while the meter has room for a chunk and the reserve (at most ``rows`` rows)."""
    root = draw_factor(cov_in)
    rng = fnp.random.default_rng(mlp.seed + layer)
    w = mlp.weights[layer]
    chunk_flops = 2 * (2 * CHUNK * mlp.width * mlp.width) * 2 + 40 * CHUNK * mlp.width
    total = fnp.zeros(mlp.width)
    drawn = 0
    while drawn < rows and flops.current_budget().flops_remaining > chunk_flops + reserve:
        z = rng.standard_normal((CHUNK, mlp.width))
        x = mu_in + z @ root.T
        total = total + fnp.sum(fnp.maximum(x @ w, 0.0), axis=0)
        drawn += CHUNK
    return (total / drawn if drawn else None), drawn


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.leaf_log = {}

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        rng = random.Random(shape_seed(width, depth))
        leaf = best_leaf(width)
        left_after_plan = budget - plan_cost(width, depth, leaf)
        if left_after_plan < 0:
            log.info("covariance plan does not fit: mean field")
            return self.mean_field(mlp).astype(fnp.float32)
        self.leaf_log[width] = leaf
        rows = CHUNK * rng.randint(1, MAX_CHUNKS) if left_after_plan > 0 else 0
        checked = set(rng.sample(range(depth), k=min(2, depth)))
        reserve = RESERVE_PER_UNIT * width * depth
        mu = fnp.zeros(width)
        cov = fnp.eye(width)
        out = []
        repaired = []
        for i, w in enumerate(mlp.weights):
            mu_pre = w.T @ mu
            cov_pre = strassen(w.T, strassen(cov, w, leaf), leaf)
            var_pre = fnp.maximum(fnp.diag(cov_pre), 1e-12)
            mean, var, cdf = relu_moments(mu_pre, var_pre)
            cov_next = cov_pre * fnp.outer(cdf, cdf)
            cov_next = cov_next - fnp.diag(fnp.diag(cov_next)) + fnp.diag(var)
            cov_next, m = repair_block(cov_next, var, min(REPAIR_K, width))
            repaired.append(m)
            if i in checked and rows:
                # keep back what the layers after this one will cost
                sampled, drawn = spot_check(mlp, i, mu, cov, rows, reserve + plan_cost(width, depth - i - 1, leaf))
                log.debug("spot check of layer %d: %d of %d rows", i, drawn, rows)
                if sampled is not None:
                    share = drawn / (drawn + 64.0)
                    mean = (1.0 - share) * mean + share * sampled
            mu, cov = mean, cov_next
            out.append(mu)
        log.debug("leaf %s, repaired %s, checked %s", leaf, repaired, sorted(checked))
        result = fnp.stack(out)
        if not fnp.all(fnp.isfinite(result)):
            result = fnp.nan_to_num(result)
        return result.astype(fnp.float32)

    @staticmethod
    def mean_field(mlp: MLP):
        mu = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            var_pre = (w * w).T @ var
            mu, var, _ = relu_moments(mu_pre, var_pre)
            rows.append(mu)
        return fnp.stack(rows)
