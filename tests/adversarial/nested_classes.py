"""Classes in functions and in classes, a metaclass, __call__, descriptors, __getattr__, dataclasses."""
from dataclasses import dataclass, field

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Meta(type):
    def __call__(cls, *args, **kwargs):
        return super().__call__(*args, **kwargs)


class Layered(metaclass=Meta):
    class Inner:
        def __init__(self, w):
            self.w = w

        def __call__(self, h):
            return h @ self.w

    def __init__(self, mlp):
        self.steps = [self.Inner(w) for w in mlp.weights]

    def __getattr__(self, name):
        return 0


class Positive:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, objtype=None):
        return getattr(obj, self.name, 1.0)

    def __set__(self, obj, value):
        setattr(obj, self.name, max(value, 0.0))


@dataclass
class Config:
    scale: float = 1.0
    tags: list = field(default_factory=list)


class Estimator(BaseEstimator):
    damping = Positive()

    def predict(self, mlp, budget):
        def make():
            class Local:
                k = 3
            return Local
        self.damping = -1.0
        model = Layered(mlp)
        h = fnp.ones(mlp.width)
        for step in model.steps:
            h = step(h)
        cfg = Config()
        cfg.tags.append(make().k)
        return fnp.stack([h * cfg.scale * self.damping + model.missing] * mlp.depth)
