"""Known loops far too long to unroll, and loops that never end on known values."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.zeros(mlp.width)
        total = 0
        for i in range(10**12):
            total += i
        n = 0
        while True:
            n += 1
        for _ in range(budget):
            h = h + 1.0
        return fnp.zeros((mlp.depth, mlp.width)) + h
