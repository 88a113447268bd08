"""Mean propagation followed by a damped fixed-point refinement that runs until it converges.

Exercises: `while err > TOL * scale and it < MAX_ITER:` — a loop whose exit reads
array values (`float(fnp.max(...))`) but has a known iteration cap, so the static
total is an interval [one iteration, MAX_ITER iterations] and Report.uncertain names
the `while` line. Each step halves the distance to the target, so the runtime always
stops after exactly 10 iterations (2**-10 < 1e-3 < 2**-9); with
`# flopcast: iterations=10` at the end of the `while` line the total is exact.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

TOL = 1e-3
MAX_ITER = 50


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu_pre = w.T @ mu
            var_pre = fnp.maximum((w * w).T @ var, 1e-12)
            sigma = fnp.sqrt(var_pre)
            alpha = mu_pre / sigma
            pdf = flops.stats.norm.pdf(alpha)
            cdf = flops.stats.norm.cdf(alpha)
            mu = (mu_pre * cdf + sigma * pdf).astype(fnp.float32)
            var = fnp.maximum((mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma * pdf - mu * mu, 0.0)
            var = var.astype(fnp.float32)
            rows.append(mu)
        target = fnp.stack(rows, axis=0)
        estimate = fnp.zeros_like(target)
        scale = float(fnp.max(fnp.abs(target)))
        err = scale
        it = 0
        while err > TOL * scale and it < MAX_ITER:
            estimate = estimate + 0.5 * (target - estimate)
            err = float(fnp.max(fnp.abs(target - estimate)))
            it += 1
        return estimate
