"""Contractions that miss flopscope's discount for an operand passed twice (FC106).

flopscope recognises the same array passed twice by object identity: `w.T @ w` and
`fnp.dot(w, w.T)` get a transposed view, `fnp.outer(mu, mu.copy())` a copy, so all three
are charged dense; the einsum / outer forms that pass `w` or `mu` twice are charged for the
unique half of the symmetric result, and the symmetric `spread` makes `cov` cheaper too.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        cov = fnp.eye(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            gram = w.T @ w  # column Gram matrix
            scale = 1.0 + fnp.trace(fnp.dot(w, w.T))
            mu = fnp.maximum(w.T @ mu, 0.0) / scale
            spread = fnp.outer(mu, mu.copy())
            cov = 0.5 * cov + 0.5 * spread / (1.0 + fnp.trace(gram))
            rows.append(mu + fnp.diag(cov))
        return fnp.stack(rows)
