"""Mean propagation kept in float32 end to end.

Exercises: `dtype=fnp.float32` creation; casting the float64 output of
`flops.stats.norm` back with `.astype(fnp.float32)` so the matmuls of the next layer
stay at the float32 rate; `fnp.float32(...)` numpy scalars (strong, but float32);
a helper function called once per layer.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def relu_moments(mu_pre, var_pre):
    sigma = fnp.sqrt(var_pre)
    alpha = mu_pre / sigma
    pdf = flops.stats.norm.pdf(alpha).astype(fnp.float32)
    cdf = flops.stats.norm.cdf(alpha).astype(fnp.float32)
    mean = mu_pre * cdf + sigma * pdf
    second = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma * pdf
    return mean, fnp.maximum(second - mean * mean, fnp.float32(0.0))


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width = mlp.width
        mu = fnp.zeros(width, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            var_pre = fnp.maximum((w * w).T @ var, 1e-12)
            mu, var = relu_moments(mu_pre, var_pre)
            rows.append(mu)
        return fnp.stack(rows)
