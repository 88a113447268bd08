"""An estimator built by inheritance: a base class does mean propagation, a subclass
refines it through `super()`.

Exercises: a base class deriving from BaseEstimator and a subclass `Estimator` that
overrides `predict` and `_layer` and calls `super().predict(...)` and
`super()._layer(...)`; `__init__` with default and keyword arguments, chained with
`super().__init__(...)`; a `@classmethod` factory and a `@staticmethod`; a
`@property`; class attributes shadowed by the subclass; `*args` forwarding; a
nested closure and a lambda kept on `self`.
"""

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class MeanPropagation(BaseEstimator):
    floor = 1e-12
    dtype = fnp.float64

    def __init__(self, damping=1.0, *, clip=None):
        self.damping = damping
        self.clip = clip
        self.activation = lambda mu_pre, sigma: self._moments(mu_pre, sigma)

    @classmethod
    def default(cls):
        return cls(damping=1.0)

    @staticmethod
    def _moments(mu_pre, sigma):
        alpha = mu_pre / sigma
        pdf = flops.stats.norm.pdf(alpha)
        cdf = flops.stats.norm.cdf(alpha)
        return mu_pre * cdf + sigma * pdf, cdf, pdf

    @property
    def var_floor(self):
        return self.floor * 10

    def _layer(self, w, mu, var):
        mu_pre = w.T @ mu
        var_pre = fnp.maximum((w * w).T @ var, self.var_floor)
        sigma = fnp.sqrt(var_pre)
        mu_new, cdf, pdf = self.activation(mu_pre, sigma)
        ez2 = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma * pdf
        return mu_new, fnp.maximum(ez2 - mu_new * mu_new, 0.0)

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.zeros(mlp.width, dtype=self.dtype)
        var = fnp.ones(mlp.width, dtype=self.dtype)
        rows = []
        for w in mlp.weights:
            mu, var = self._layer(w, mu, var)
            rows.append(mu)
        return fnp.stack(rows, axis=0)


class Estimator(MeanPropagation):
    dtype = fnp.float32  # shadows the base class's float64 state

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = MeanPropagation.default()
        self.scale = base.damping * 0.5

    def _layer(self, w, mu, var):
        mu_new, var_new = super()._layer(w, mu, var)

        def shrink(v):
            return v * self.scale + v * (1.0 - self.scale)

        return shrink(mu_new), var_new

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        rows = super().predict(mlp, budget)
        if self.clip is not None:
            rows = fnp.clip(rows, 0.0, self.clip)
        return rows.astype(fnp.float32)
