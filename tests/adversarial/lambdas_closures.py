"""Lambdas, late-binding closures, default-argument capture, recursion through a lambda."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        steps = [lambda h: h @ w for w in mlp.weights]  # late binding: all use the last w
        bound = [lambda h, w=w: h @ w for w in mlp.weights]
        h = fnp.ones(mlp.width)
        for f in steps + bound:
            h = f(h)
        fact = lambda n: 1 if n <= 1 else n * fact(n - 1)  # noqa: E731
        compose = lambda *fs: (lambda x: [x := f(x) for f in fs][-1])  # noqa: E731
        g = compose(fnp.tanh, fnp.exp)
        apply = (lambda f: lambda x: f(f(x)))(fnp.sqrt)
        if float(fnp.max(h)) > 1e30:
            (lambda f: f(f))(lambda f: f(f))  # the same call forever
        return fnp.stack([g(h) + apply(h) + fact(5)] * mlp.depth)
