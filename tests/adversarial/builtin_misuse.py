"""Builtins called the wrong way (mutants the fuzzer met): each raises the program's TypeError,
caught here, never an internal error of the analyser."""

import math

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        caught = []
        try:
            caught.append(math.fsum(3.0))  # a number is no iterable
        except TypeError:
            caught.append("fsum")
        weights = {"a": 1.0, "b": 2.0}
        try:
            weights.pop()  # dict.pop needs a key
        except TypeError:
            caught.append("pop")
        mu = fnp.ones(mlp.width, dtype=fnp.float32) * len(caught)
        return fnp.stack([mu] * mlp.depth)
