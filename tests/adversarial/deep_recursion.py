"""Recursion that never ends (new arguments each call), mutual recursion, and deep bounded recursion."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def forever(n, x):
    return forever(n + 1, x * 2.0)


def ping(n):
    return pong(n + 1)


def pong(n):
    return ping(n * 2)


def countdown(n, x):
    if n == 0:
        return x
    return countdown(n - 1, x + 1.0)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = countdown(100, fnp.zeros(mlp.width))
        if float(fnp.max(h)) > 1e30:
            ping(0)
        return forever(0, fnp.zeros((mlp.depth, mlp.width)) + h)
