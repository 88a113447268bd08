"""Full covariance propagation (the reference CovariancePropagationEstimator, without rescale).

Exercises: `cov = fnp.eye(w)` is a symmetric float64 tag at first and a dense float64
array after the first layer (loop-carried state whose symmetry changes); the chained
`w.T @ cov @ w`; `fnp.diag` extract; `fnp.outer(gain, gain)` (same object twice:
flopscope's aliasing discount, symmetric result); `fnp.where`; `fnp.fill_diagonal`
(mutates in place, returns None); `.astype` and `fnp.array` copies; `fnp.asarray` with
a dtype; a class attribute read through `self`.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    _VAR_FLOOR = 1e-12

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width = mlp.width
        mu = fnp.zeros(width)
        cov = fnp.eye(width)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            cov_pre = w.T @ cov @ w
            var_pre = fnp.maximum(fnp.diag(cov_pre), self._VAR_FLOOR)
            sigma_pre = fnp.sqrt(var_pre)
            alpha = mu_pre / sigma_pre
            pdf = flops.stats.norm.pdf(alpha)
            cdf = flops.stats.norm.cdf(alpha)
            mu = mu_pre * cdf + sigma_pre * pdf
            ez2 = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma_pre * pdf
            var_post = fnp.maximum(ez2 - mu * mu, 0.0)
            sigma64 = fnp.asarray(sigma_pre, dtype=fnp.float64)
            gain = fnp.where(sigma64 > 1e-12, cdf, 0.0)
            gain = fnp.array(gain.astype(fnp.float32))
            cov = fnp.multiply(fnp.outer(gain, gain), cov_pre)
            fnp.fill_diagonal(cov, var_post)
            rows.append(mu)
        return fnp.stack(rows, axis=0).astype(fnp.float32)
