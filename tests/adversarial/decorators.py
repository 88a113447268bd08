"""Decorators: wrappers, functools.wraps, lru_cache on arrays, decorator factories, class decorators."""
import functools

import flopscope.numpy as fnp
from whestbench import BaseEstimator


def twice(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        fn(*args, **kwargs)
        return fn(*args, **kwargs)
    return wrapper


def repeat(n):
    def deco(fn):
        def inner(x):
            for _ in range(n):
                x = fn(x)
            return x
        return inner
    return deco


def register(cls):
    cls.registered = True
    return cls


def unknown_decorator(fn):
    return fnp.vectorize(fn)


@register
class Estimator(BaseEstimator):
    @twice
    def step(self, h, w):
        return fnp.tanh(h @ w)

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def cached(n):
        return n * 2

    @property
    def scale(self):
        return 2.0

    @repeat(3)
    def grow(x):
        return x * 2.0

    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        for w in mlp.weights:
            h = self.step(h, w)
        weird = unknown_decorator(lambda v: v + 1)
        return fnp.stack([h * self.scale * self.cached(3)] * mlp.depth) + Estimator.grow(1.0) + weird(1.0)
