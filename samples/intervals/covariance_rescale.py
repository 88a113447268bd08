"""Covariance propagation with a value-dependent rescale (a branch that reads array values).

Exercises: `if float(fnp.max(fnp.abs(cov))) > RESCALE_AT:` inside the layer loop —
whether the rescale runs depends on the weights, so the static total is an interval
[never rescale, always rescale] and Report.uncertain names the `if` line. The runtime
count (no rescale happens for whestbench's MLPs) lies inside the interval. With
`# flopcast: assume False` at the end of the `if` line the total is exact.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

RESCALE_AT = 1e100


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.zeros(mlp.width)
        cov = fnp.eye(mlp.width)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            cov_pre = w.T @ cov @ w
            var_pre = fnp.maximum(fnp.diag(cov_pre), 1e-12)
            sigma = fnp.sqrt(var_pre)
            alpha = mu_pre / sigma
            pdf = flops.stats.norm.pdf(alpha)
            cdf = flops.stats.norm.cdf(alpha)
            mu = mu_pre * cdf + sigma * pdf
            ez2 = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma * pdf
            var_post = fnp.maximum(ez2 - mu * mu, 0.0)
            cov = fnp.multiply(fnp.outer(cdf, cdf), cov_pre)
            fnp.fill_diagonal(cov, var_post)
            if float(fnp.max(fnp.abs(cov))) > RESCALE_AT:
                scale = fnp.sqrt(fnp.diag(cov))
                cov = cov / fnp.outer(scale, scale)
            rows.append(mu)
        return fnp.stack(rows, axis=0).astype(fnp.float32)
