"""global and nonlocal rebinding, del, names defined only on some paths, shadowed builtins."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator

COUNT = 0
CACHE = {}


def bump():
    global COUNT
    COUNT += 1
    return COUNT


def counter():
    n = 0

    def inc():
        nonlocal n
        n += 1
        return n
    return inc


def make_global():
    global LATE
    LATE = 5


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        global CACHE
        CACHE = {"w": mlp.weights[0]}
        inc = counter()
        for _ in range(3):
            inc()
            bump()
        make_global()
        h = fnp.ones(mlp.width) * LATE * inc()
        x = 1
        del x
        try:
            x
        except NameError:
            x = 2
        if float(fnp.sum(h)) > 0:
            only_here = h
        len = 3  # noqa: A001 - shadows the builtin
        return fnp.stack([only_here * len] * mlp.depth) + fnp.sum(CACHE["w"]) + COUNT
