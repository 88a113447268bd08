"""The same product computed twice from the same operands (FC105).

`gram` is computed, then the same `w.T @ w` is written out again in the variance line.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            gram = w.T @ w
            mu = fnp.maximum(mu @ w, 0.0) / (1.0 + fnp.trace(gram))
            var = fnp.diag(w.T @ w) * 0.5
            rows.append(mu + var)
        return fnp.stack(rows)
