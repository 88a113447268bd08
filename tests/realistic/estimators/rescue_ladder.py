"""Covariance moments with sampled corrections behind fallback ladders ("rescue_ladder").

Team "never crash".  The mean field carries a full covariance while the budget allows it
(diagonal after).  Every ``REFRESH``-th covariance layer draws samples through a square
root of the pre-activation covariance to correct the ReLU means.  The square root comes
from a ladder of ``Factoriser`` subclasses (``__slots__``, ``super().__init__``, a
``@classmethod`` registry, ``@property`` names):

    cholesky (jitter doubling inside, for-else raising) -> eigh (clipped) -> svd -> diagonal

Each rung raises ``LinAlgError`` itself when its result is not finite (``if not
fnp.all(fnp.isfinite(x)): raise``); the ladder catches per rung, the layer catches the
ladder's final ``LinAlgError`` (``raise ... from err``) and falls back to the moments, and
``predict`` catches anything numeric left and returns the diagonal pass.  Covariances
whose peak passes 1e30 are divided by 1e30 first and the factor multiplied back.

The last layer's means are calibrated by a small ridge regression of the sampled means on
the moment means, solved by a second ladder (``solve`` -> QR -> ``lstsq``) with a
``try/finally`` that counts the attempts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

LinAlgError = np.linalg.LinAlgError

RESCALE_AT = 1e30
VAR_FLOOR = 1e-10
JITTERS = (0.0, 1e-10, 1e-8, 1e-6)
REFRESH = 2
SAFETY = 0.6
RIDGE = 1e-3


# ---------------------------------------------------------------------------- factorisers


class Factoriser:
    __slots__ = ("tries", "label")
    REGISTRY: dict = {}

    def __init__(self, label: str) -> None:
        self.tries = 0
        self.label = label

    @classmethod
    def register(cls, rank: int):
        def deco(sub):
            cls.REGISTRY[rank] = sub
            return sub
        return deco

    @classmethod
    def ladder(cls) -> list:
        return [cls.REGISTRY[k]() for k in sorted(cls.REGISTRY)]

    @property
    def name(self) -> str:
        return f"{self.label}#{self.tries}"

    def factor(self, c):
        self.tries += 1
        return self._factor(c)

    @staticmethod
    def checked(arr):
        if not fnp.all(fnp.isfinite(arr)):
            raise LinAlgError("non-finite factor")
        return arr

    def _factor(self, c):
        raise NotImplementedError


@Factoriser.register(0)
class Cholesky(Factoriser):
    __slots__ = ("used",)

    def __init__(self) -> None:
        super().__init__("chol")
        self.used = None

    def _factor(self, c):
        eye = fnp.eye(c.shape[0], dtype=c.dtype)
        scale = float(fnp.mean(fnp.diagonal(c))) or 1.0
        for jitter in JITTERS:
            try:
                out = fnp.linalg.cholesky(c + (jitter * scale) * eye)
            except LinAlgError:
                continue
            self.used = jitter
            break
        else:
            raise LinAlgError("cholesky failed at every jitter")
        return self.checked(out)


@Factoriser.register(1)
class Eigh(Factoriser):
    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("eigh")

    def _factor(self, c):
        vals, vecs = fnp.linalg.eigh(c)
        return self.checked(vecs * fnp.sqrt(fnp.maximum(vals, 0.0))[None, :])


@Factoriser.register(2)
class Svd(Factoriser):
    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("svd")

    def _factor(self, c):
        u, s, _ = fnp.linalg.svd(c)
        return self.checked(u * fnp.sqrt(s)[None, :])


@Factoriser.register(3)
class Diagonal(Factoriser):
    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("diag")

    def _factor(self, c):
        return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(c), 0.0)))


def square_root(c, rungs: list, log: list):
    """A factor f with f f^T ~ c, from the first rung that works; c rescaled when huge."""
    peak = float(fnp.max(fnp.abs(c)))
    factor_scale = 1.0
    if peak > RESCALE_AT:
        c = c / RESCALE_AT
        factor_scale = math.sqrt(RESCALE_AT)
    last = None
    for rung in rungs:
        try:
            f = rung.factor(c)
        except LinAlgError as err:
            last = err
            log.append(f"{rung.name}: {err}")
            continue
        return f * factor_scale if factor_scale != 1.0 else f
    raise LinAlgError("every rung failed") from last


# ---------------------------------------------------------------------------- solve ladder


def ridge_solve(a, b, log: list):
    attempts = 0
    eye = fnp.eye(a.shape[0], dtype=a.dtype)
    try:
        attempts += 1
        try:
            x = fnp.linalg.solve(a + RIDGE * eye, b)
            if not fnp.all(fnp.isfinite(x)):
                raise LinAlgError("solve gave non-finite")
            return x
        except LinAlgError:
            attempts += 1
            q, r = fnp.linalg.qr(a + RIDGE * eye)
            x = fnp.linalg.solve(r, q.T @ b)
            if not fnp.all(fnp.isfinite(x)):
                raise
            return x
    except LinAlgError:
        attempts += 1
        return fnp.linalg.lstsq(a, b, rcond=None)[0]
    finally:
        log.append(f"ridge attempts {attempts}")


# ---------------------------------------------------------------------------- moments


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR), cdf


@dataclass
class Budget:
    total: float
    width: int
    depth: int
    notes: list = field(default_factory=list)

    @property
    def cov_layer(self) -> int:
        w = self.width
        return 8 * w ** 3 + 12 * w * w + 200 * w

    @property
    def diag_layer(self) -> int:
        return 4 * self.width ** 2 + 150 * self.width

    def samples(self, cov_layers: int) -> int:
        refreshes = max(1, cov_layers // REFRESH)
        spare = SAFETY * self.total - cov_layers * self.cov_layer - (self.depth - cov_layers) * self.diag_layer
        per = spare / refreshes - 2 * self.width ** 3
        n = int(per // (12 * self.width * self.width)) if per > 0 else 0
        return 0 if n < 8 else min(1 << (n.bit_length() - 1), 256)

    def cov_layers(self) -> int:
        for k in range(self.depth, -1, -1):
            if k * self.cov_layer + (self.depth - k) * self.diag_layer <= SAFETY * self.total:
                return k
        return 0


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.log: list = []

    def diagonal_pass(self, mlp):
        mean, var = fnp.zeros(mlp.width), fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            mean, var, _ = relu_moments(mean @ w, var @ (w * w))
            rows.append(mean)
        return fnp.stack(rows)

    def covariance_pass(self, mlp, plan: Budget, k: int, n: int):
        width = mlp.width
        rng = fnp.random.default_rng(1000 + width)
        rungs = Factoriser.ladder()
        mean, cov, var = fnp.zeros(width), fnp.eye(width), None
        rows, sampled, moments = [], [], []
        for i, w in enumerate(mlp.weights):
            if i < k:
                pre = w.T @ cov @ w
                mu = mean @ w
                mean, var, slope = relu_moments(mu, fnp.diagonal(pre))
                if n and i % REFRESH == REFRESH - 1:
                    try:
                        f = square_root(pre, rungs, self.log)
                        z = rng.standard_normal((n, width))
                        draws = fnp.maximum(mu + z @ f.T, 0.0)
                        est = fnp.mean(draws, axis=0)
                        sampled.append(est)
                        moments.append(mean)
                        mean = 0.5 * (mean + est)
                    except LinAlgError as err:
                        self.log.append(f"layer {i}: {err} (cause {err.__cause__})")
                cov = pre * fnp.outer(slope, slope)
                cov = cov - fnp.diag(fnp.diagonal(cov)) + fnp.diag(var)
            else:
                if var is None:
                    var = fnp.diagonal(cov)
                mean, var, _ = relu_moments(mean @ w, var @ (w * w))
            rows.append(mean)
        if len(sampled) >= 2:
            x = fnp.stack(moments)
            y = fnp.stack(sampled)
            coef = ridge_solve(x @ x.T, x @ y.T, self.log)
            rows[-1] = rows[-1] + 0.1 * fnp.mean(coef) * (rows[-1] - fnp.mean(rows[-1]))
        return fnp.stack(rows)

    def predict(self, mlp, budget):
        plan = Budget(float(budget), mlp.width, mlp.depth)
        k = plan.cov_layers()
        n = plan.samples(k) if k >= REFRESH else 0
        self.log = [f"k={k} n={n}"]
        if k == 0:
            return self.diagonal_pass(mlp).astype(fnp.float32)
        try:
            out = self.covariance_pass(mlp, plan, k, n)
        except (LinAlgError, FloatingPointError, ValueError) as err:
            self.log.append(f"covariance pass failed: {err!r}")
            out = self.diagonal_pass(mlp)
        return out.astype(fnp.float32)
