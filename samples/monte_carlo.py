"""Monte-Carlo sampler whose sample count is derived from the budget and the width.

Exercises: Python integer arithmetic on `budget`, `mlp.width`, `mlp.depth` with
`min`/`max` clamps and `//`; `fnp.random.default_rng(mlp.seed)` and a float32
`standard_normal` draw; `x @ w` then `fnp.maximum(.., 0.0)` per layer; `fnp.mean`
along axis 0; `enumerate` over `mlp.weights`; list `append` then `fnp.stack`.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SAFETY = 0.5


class Estimator(BaseEstimator):
    max_samples = 4096

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        w, d = mlp.width, mlp.depth
        per_sample = 16 * w + d * (2 * w * w + 2 * w)
        n = int(budget * SAFETY) // per_sample
        n = max(8, min(self.max_samples, n))
        rng = fnp.random.default_rng(mlp.seed)
        x = rng.standard_normal((n, w), dtype=fnp.float32)
        means = []
        for i, weight in enumerate(mlp.weights):
            x = fnp.maximum(x @ weight, 0.0)
            means.append(fnp.mean(x, axis=0))
        return fnp.stack(means)
