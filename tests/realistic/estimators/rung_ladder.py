"""Full-covariance propagation with a registry of factorisation rungs and a sampled readout.

The covariance of the first layers is propagated in float64 (W^T C W, a ReLU's linearisation
by its cdf); every few layers it is factored by the first rung of a ladder that works
(Cholesky, then an eigh with clipped eigenvalues, then an SVD, then the diagonal) — the rungs
register themselves with a priority through __init_subclass__ and raise LinAlgError when they
fail — and antithetic float32 samples drawn through the factor give the next means on the
active units (fnp.where of a variance floor). Each step's state is a frozen slots dataclass
whose __post_init__ checks the shapes it holds. Sizes come from the budget through isqrt and
bit_length; a Newton iteration to a tolerance sets the variance scale of the last layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

LinAlgError = np.linalg.LinAlgError

FLOOR = 1e-8
ACTIVE_SD = 1e-3
JITTER = 1e-6
NEWTON_TOL = 1e-6
NEWTON_MAX = 20


@dataclass(frozen=True, slots=True)
class Moments:
    mean: object
    cov: object

    def __post_init__(self):
        n = self.mean.shape[0]
        if self.cov.shape != (n, n):
            raise ValueError(f"covariance {self.cov.shape} does not match a mean of {n}")


class Rung:
    ladder: list = []
    name = "rung"

    def __init_subclass__(cls, priority: int = 0, **kw):
        super().__init_subclass__(**kw)
        cls.priority = priority
        Rung.ladder.append(cls)
        Rung.ladder.sort(key=lambda r: r.priority)

    def factor(self, cov):
        raise NotImplementedError


class Cholesky(Rung, priority=0):
    name = "cholesky"

    def factor(self, cov):
        n = cov.shape[0]
        return fnp.linalg.cholesky(cov + JITTER * fnp.eye(n, dtype=cov.dtype))


class ClippedEigh(Rung, priority=1):
    name = "eigh"

    def factor(self, cov):
        vals, vecs = fnp.linalg.eigh(cov)
        return vecs * fnp.sqrt(fnp.maximum(vals, 0.0))


class Svd(Rung, priority=2):
    name = "svd"

    def factor(self, cov):
        u, s, _ = fnp.linalg.svd(cov)
        return u * fnp.sqrt(s)


def factor_with_ladder(cov):
    """The first rung that factors ``cov``; the diagonal's square root when none does."""
    for rung in Rung.ladder:
        try:
            return rung.name, rung().factor(cov)
        except LinAlgError:
            continue
    return "diag", fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(cov), 0.0)))


def relu_moments(mu, var):
    s = fnp.sqrt(fnp.maximum(var, FLOOR))
    z = mu / s
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + s * pdf
    second = (mu * mu + var) * cdf + mu * s * pdf
    return mean, fnp.maximum(second - mean * mean, FLOOR), cdf


def newton_scale(var, target: float) -> float:
    """The s with mean(log(1 + s * var)) = target (Newton's method from s = 1)."""
    s, step, it = 1.0, 1.0, 0
    while abs(step) > NEWTON_TOL * s and it < NEWTON_MAX:
        t = 1.0 + s * var
        f = float(fnp.mean(fnp.log(t))) - target
        g = float(fnp.mean(var / t))
        step = f / max(g, FLOOR)
        s = max(s - step, 1e-3)
        it += 1
    return s


def plan(width: int, depth: int, budget: int) -> tuple:
    """(layers with a full covariance, refresh period, samples per refresh) from the budget."""
    per_layer = 12 * width ** 3               # the product and a factorisation at worst
    full = min(depth, max(0, budget // (3 * per_layer)))
    period = max(1, (depth // 2).bit_length())
    room = max(0, budget // 4 - full * per_layer)
    samples = 2 * max(1, math.isqrt(room // (4 * width * width + 1)) // 2)
    return full, period, min(samples, 256)


class Estimator(BaseEstimator):
    def __init__(self):
        self.used: list = []

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        full, period, samples = plan(width, depth, budget)
        rng = fnp.random.default_rng(mlp.seed)
        state = Moments(fnp.zeros(width, dtype=fnp.float64), fnp.eye(width, dtype=fnp.float64))
        var = fnp.ones(width, dtype=fnp.float64)
        rows = []
        for i, w in enumerate(mlp.weights):
            w64 = w.astype(fnp.float64)
            mu = state.mean @ w64
            if i < full:
                cov = w64.T @ state.cov @ w64
                mean, var, gain = relu_moments(mu, fnp.diagonal(cov))
                if i % period == 0:
                    name, root = factor_with_ladder(cov)
                    self.used.append(name)
                    mean = self.sampled_means(rng, mu, root, mean, var, samples)
                cov = cov * fnp.outer(gain, gain)
                state = Moments(mean, cov + fnp.diag(var - fnp.diagonal(cov)))
            else:
                var = fnp.diagonal(state.cov) @ (w64 * w64) if i == full else var @ (w64 * w64)
                mean, var, _ = relu_moments(mu, var)
                state = Moments(mean, state.cov if i > full else fnp.diag(var))
            rows.append(state.mean)
        if depth > 1:
            s = newton_scale(var, 0.5)
            rows[-1] = rows[-1] * min(2.0, max(0.5, s))
        return fnp.stack(rows).astype(fnp.float32)

    @staticmethod
    def sampled_means(rng, mu, root, mean, var, samples: int):
        """Means of the active units from antithetic samples through the factor."""
        (active,) = fnp.where(fnp.sqrt(var) > ACTIVE_SD)
        if active.shape[0] == 0:
            return mean
        z = rng.standard_normal((samples // 2, root.shape[1])).astype(fnp.float32)
        x = fnp.concatenate([z, -z]) @ root[active].T + mu[active]
        est = fnp.mean(fnp.maximum(x, 0.0), axis=0)
        out = fnp.copy(mean)
        fnp.put(out, active, est)                  # the sampled means on the active units
        return out
