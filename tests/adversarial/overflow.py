"""Overflow on known values is the program's own exception (OverflowError), caught or not."""
import math

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        try:
            big = math.exp(budget)
        except OverflowError:
            big = float("inf")
        huge = 2.0 ** 10000 if mlp.width < 0 else 1.0
        try:
            n = int(big)
        except OverflowError:
            n = mlp.width
        scale = fnp.float32(1e30) * fnp.float32(1e30)
        x = 10 ** 10 ** 7 if mlp.width < 0 else 1
        y = math.factorial(10**6) if mlp.width < 0 else 1
        return fnp.zeros((mlp.depth, mlp.width)) + scale + n + huge + math.exp(budget)
