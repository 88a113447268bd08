"""Assignment expressions and match statements (class, mapping, sequence and guard patterns)."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Point2:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        if (n := mlp.depth) > 1:
            h = h * n
        squares = [y for x in range(4) if (y := x * x) > 1]
        k = int(fnp.argmax(h))
        while (k := k - 1) > 0:
            h = h + 1.0
        match mlp.width:
            case 0:
                h = h * 0.0
            case int(v) if v > 10**9:
                h = h + v
            case _:
                pass
        match {"mode": "fast", "n": 3}:
            case {"mode": "fast", "n": m}:
                h = h * m
            case {"mode": other}:
                pass
        match [1, 2, 3]:
            case [a, *rest]:
                h = h + a + len(rest)
        match Point2(1, 2):
            case Point2(x, y):
                h = h + x + y
        match float(fnp.sum(h)):
            case 0.0:
                h = h * 2.0
            case _:
                pass
        return fnp.stack([h] * mlp.depth) + sum(squares)
