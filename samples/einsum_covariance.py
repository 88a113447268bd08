"""Covariance propagation written with einsum so flopscope's symmetry discounts apply.

Exercises: `fnp.einsum('ji,jk,kl->il', w, cov, w)` passes the same weight object twice
and a symmetric `cov`, so flopscope prices the second contraction step on unique
output elements; `fnp.einsum('ij,kj->ik', g, g)`-style Gram of the same array; the
symmetric result keeps its tag through a scalar multiply; float32 throughout.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width = mlp.width
        mu = fnp.zeros(width, dtype=fnp.float32)
        cov = fnp.eye(width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu_pre = fnp.einsum("ji,j->i", w, mu)
            cov_pre = fnp.einsum("ji,jk,kl->il", w, cov, w)
            var_pre = fnp.maximum(fnp.diagonal(cov_pre), fnp.float32(1e-6))
            sigma = fnp.sqrt(var_pre)
            alpha = mu_pre / sigma
            cdf = flops.stats.norm.cdf(alpha).astype(fnp.float32)
            pdf = flops.stats.norm.pdf(alpha).astype(fnp.float32)
            mu = mu_pre * cdf + sigma * pdf
            gain = fnp.reshape(cdf, (1, width))
            cov = fnp.einsum("ai,aj->ij", gain, gain) * cov_pre
            cov = cov * fnp.float32(0.5)
            rows.append(mu)
        return fnp.stack(rows)
