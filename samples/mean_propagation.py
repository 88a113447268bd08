"""Mean propagation with float64 creation defaults (dtype promotion).

Exercises: `fnp.zeros`/`fnp.ones` without `dtype=` create float64 vectors, so every
`w.T @ mu` against the float32 weights is billed at the float64 rate (2x);
`flops.stats.norm` pdf/cdf (always billed and returned as float64); `fnp.maximum`
with a Python float; `fnp.sqrt`; `fnp.stack` of the per-layer rows.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            var_pre = fnp.maximum((w * w).T @ var, 1e-12)
            sigma_pre = fnp.sqrt(var_pre)
            alpha = mu_pre / sigma_pre
            pdf = flops.stats.norm.pdf(alpha)
            cdf = flops.stats.norm.cdf(alpha)
            mu = mu_pre * cdf + sigma_pre * pdf
            ez2 = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma_pre * pdf
            var = fnp.maximum(ez2 - mu * mu, 0.0)
            rows.append(mu)
        return fnp.stack(rows, axis=0).astype(fnp.float32)
