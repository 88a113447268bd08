"""Shapes at the edges: empty arrays, negative sizes, mismatched broadcasts and reshapes, huge sizes
at the round, einsum and transpose misuse, reductions over missing axes."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        empty = fnp.zeros((0, mlp.width))
        m = fnp.sum(empty, axis=0)
        cube = fnp.ones((mlp.width, mlp.width, mlp.width), dtype=fnp.float32)
        checks = 0
        for attempt in (0, 1, 2, 3, 4, 5, 6):
            try:
                if attempt == 0:
                    fnp.max(empty)
                elif attempt == 1:
                    fnp.einsum("ij,jk->", w)
                elif attempt == 2:
                    fnp.transpose(w, (0, 0))
                elif attempt == 3:
                    fnp.sum(w, axis=5)
                elif attempt == 4:
                    fnp.concatenate([w, w[0]])
                elif attempt == 5:
                    fnp.stack([w, w[0]])
                else:
                    fnp.ones((3, 4)) + fnp.ones((5, 6))
            except (ValueError, IndexError, TypeError):
                checks += 1
        return fnp.zeros((mlp.depth, mlp.width)) + m + fnp.sum(cube) + checks
