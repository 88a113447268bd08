"""Odd dtypes and numbers: complex, float16, int8 overflow, NaN literals, strings, object arrays."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        z = 1j * w
        half = w.astype(fnp.float16)
        small = fnp.int8(100) + fnp.int8(100)
        nan = float("nan")
        bad = fnp.full((2, 2), nan)
        text = fnp.array(["a", "b"])
        objs = fnp.zeros((2, 2), dtype=object)
        ragged = [[1, 2], [3]]
        big = fnp.float32(1e40)
        odd = fnp.zeros(3.5) if mlp.width < 0 else fnp.zeros(3)
        flags = (w > 0) + (w < 0)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(z.real) + fnp.sum(half) + small + fnp.sum(bad) \
            + big + fnp.sum(flags) + fnp.sum(odd) + len(ragged) + len(text) + len(objs)
