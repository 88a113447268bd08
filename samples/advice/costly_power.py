"""Squares, square roots and reciprocals written as powers (FC102).

flopscope bills `power` at 16x per element whatever the exponent; `x * x`, `fnp.sqrt(x)`
and `1 / x` give the same bits at 1x.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu = fnp.maximum(mu @ w, 0.0)
            var = (w ** 2).T @ var  # second moment of the weights
            scale = fnp.power(var + 1.0, 0.5)
            rows.append(mu * scale ** -1)
        return fnp.stack(rows)
