"""*args / **kwargs in definitions and calls, with known and unknown sequences."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def combine(*arrays, scale=1.0, **options):
    out = arrays[0]
    for a in arrays[1:]:
        out = out + a
    return out * scale + len(options)


def positional_only(a, b, /, c=2, *, d):
    return a + b + c + d


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = combine(*mlp.weights, scale=2.0, **{"x": 1, "y": 2})
        k = int(fnp.argmax(h[0]))
        some = mlp.weights[:k]
        g = combine(h, *some)
        n = positional_only(1, 2, d=4)
        args = [h] * (k % 3 + 1)
        t = combine(*args)
        opts = {str(i): i for i in range(k)}
        u = combine(h, **opts)
        first, *rest = mlp.weights
        *init, last = [1, 2, 3]
        return fnp.stack([g[0] + t[0] + u[0] + n + last] * mlp.depth) + fnp.sum(first)
