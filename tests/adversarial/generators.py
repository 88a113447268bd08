"""Generators: yield, yield from, send, generator expressions, next() with defaults, infinite ones."""
import itertools

import flopscope.numpy as fnp
from whestbench import BaseEstimator


def layers(mlp):
    for w in mlp.weights:
        yield w


def pairs(mlp):
    yield from zip(mlp.weights, mlp.weights[1:])


def naturals():
    n = 0
    while True:
        yield n
        n += 1


def echo():
    got = yield 1
    while True:
        got = yield got


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        for w in layers(mlp):
            h = fnp.tanh(h @ w)
        s = sum(fnp.sum(a @ b) for a, b in pairs(mlp))
        first = next(iter(mlp.weights), None)
        none = next(iter([]), None)
        firsts = list(itertools.islice(naturals(), 5))
        gen = echo()
        next(gen)
        back = gen.send(3)
        rows = [h * i for i in firsts]
        return fnp.stack([h] * mlp.depth) + s + back + fnp.sum(first) + len(rows)
