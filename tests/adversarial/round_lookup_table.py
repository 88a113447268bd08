"""Reads a per-width damping factor from a 600-entry table: fine at small widths, but the
round's width 1024 is past the table's end (IndexError)."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator

TABLE = 600


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        damping = fnp.linspace(1.0, 0.5, TABLE, dtype=fnp.float32)
        scale = damping[mlp.width]
        mu = fnp.full(mlp.width, 0.5, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu = fnp.maximum(mu @ w, 0.0) * scale
            rows.append(mu)
        return fnp.stack(rows)
