"""Covariance propagation whose `w.T @ cov @ w` uses a Strassen-style recursive block matmul.

Exercises: recursion bounded by known arguments — `strassen(a, b, depth)` splits
both operands into 2x2 blocks until the block is at most LEAF wide or the depth
limit is reached, so the recursion tree is a function of the width alone and the
total is exact; array slicing with computed bounds; `fnp.concatenate` of blocks;
a module-level helper called from a method; tuple unpacking of returned blocks.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

LEAF = 16
MAX_DEPTH = 2


def split(m):
    h = m.shape[0] // 2
    return m[:h, :h], m[:h, h:], m[h:, :h], m[h:, h:]


def strassen(a, b, depth=0):
    n = a.shape[0]
    if n <= LEAF or n % 2 or depth >= MAX_DEPTH:
        return a @ b
    a11, a12, a21, a22 = split(a)
    b11, b12, b21, b22 = split(b)
    m1 = strassen(a11 + a22, b11 + b22, depth + 1)
    m2 = strassen(a21 + a22, b11, depth + 1)
    m3 = strassen(a11, b12 - b22, depth + 1)
    m4 = strassen(a22, b21 - b11, depth + 1)
    m5 = strassen(a11 + a12, b22, depth + 1)
    m6 = strassen(a21 - a11, b11 + b12, depth + 1)
    m7 = strassen(a12 - a22, b21 + b22, depth + 1)
    top = fnp.concatenate([m1 + m4 - m5 + m7, m3 + m5], axis=1)
    bottom = fnp.concatenate([m2 + m4, m1 - m2 + m3 + m6], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        cov = fnp.eye(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            cov_pre = strassen(strassen(w.T, cov), w)
            var_pre = fnp.maximum(fnp.diag(cov_pre), 1e-12)
            sigma = fnp.sqrt(var_pre)
            alpha = mu_pre / sigma
            cdf = flops.stats.norm.cdf(alpha)
            mu = (mu_pre * cdf + sigma * flops.stats.norm.pdf(alpha)).astype(fnp.float32)
            gain = cdf.astype(fnp.float32)
            cov = fnp.outer(gain, gain) * cov_pre
            rows.append(mu)
        return fnp.stack(rows, axis=0)
