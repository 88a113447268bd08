"""A zoo of mixed-precision strategies picked by a cost model ("precision_zoo").

Entry by a GPU person who thinks in float32.  Three strategies share one abstract base:

* ``Float32Covariance``  full covariance propagation, the w^3 products in float32
  (a three-operand ``einsum`` W^T C W), the means accumulated in float64; the
  covariance is symmetrised and round-tripped through float64 every CHECK_EVERY layers
  to stop float32 drift, and a non-finite covariance sends the layer back to float64.
* ``WelfordStream``      Monte Carlo in float32 chunks, chunk size from
  ``budget // (w * w)`` clamped, merged into float64 running moments with Welford's
  update (Chan et al. for a chunk).
* ``DiagonalField``      the float64 diagonal mean field, the fallback.

Each strategy predicts its own FLOPs and its own error (in Python floats, from a few
constants tuned offline); the planner takes the lowest error among those that fit in
SAFETY of the budget, ties broken by cost.  Strategies can decline (``fits`` False).
"""

from __future__ import annotations

import abc
import math
from typing import ClassVar

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SAFETY = 0.85
CHECK_EVERY = 2
CHUNK_MIN, CHUNK_MAX = 8, 256
MAX_CHUNKS = 16
SEED = 4242


def rect_moments(mu, var):
    """Mean and second moment of relu(z), z ~ N(mu, var), in the dtype of mu."""
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, second, cdf


class Strategy(abc.ABC):
    name: ClassVar[str] = "?"
    error_scale: ClassVar[float] = 1.0

    def __init__(self, width: int, depth: int, budget: int) -> None:
        self.width, self.depth, self.budget = width, depth, budget

    @abc.abstractmethod
    def flops(self) -> float:
        """Predicted FLOPs of run()."""

    def error(self) -> float:
        return self.error_scale / math.sqrt(self.width)

    def fits(self) -> bool:
        return self.flops() <= SAFETY * self.budget

    def score(self) -> tuple[float, float]:
        return (self.error(), self.flops())

    @abc.abstractmethod
    def run(self, mlp: MLP):
        """(depth, width) means."""

    def __repr__(self) -> str:
        return f"{self.name}(flops={self.flops():.3g}, err={self.error():.3g})"


class DiagonalField(Strategy):
    name = "diag"
    error_scale = 0.3

    def flops(self) -> float:
        return self.depth * (4.0 * self.width ** 2 + 200.0 * self.width)

    def run(self, mlp: MLP):
        mean = fnp.zeros(self.width)
        var = fnp.ones(self.width)
        rows = []
        for w in mlp.weights:
            mu = w.T @ mean
            v = (w * w).T @ var
            mean, second, _ = rect_moments(mu, v)
            var = fnp.maximum(second - mean * mean, 0.0)
            rows.append(mean)
        return fnp.stack(rows)


class Float32Covariance(Strategy):
    name = "cov32"
    error_scale = 0.05

    def flops(self) -> float:
        w = self.width
        return self.depth * (4.0 * w ** 3 + 16.0 * w ** 2 + 90.0 * w)

    def error(self) -> float:
        # float32 rounding compounds layer after layer
        return self.error_scale * self.depth / math.sqrt(self.width)

    def fits(self) -> bool:
        # the float32 products lose too much past a few hundred units
        return self.width <= 512 and super().fits()

    def _layer32(self, w32, cov32):
        return fnp.einsum("ji,jk,kl->il", w32, cov32, w32)

    def run(self, mlp: MLP):
        w = self.width
        mean = fnp.zeros(w, dtype=fnp.float64)
        cov = fnp.eye(w, dtype=fnp.float32)
        rows = []
        for layer, weight in enumerate(mlp.weights):
            w32 = weight.astype(fnp.float32)
            mu = weight.T @ mean                                  # float64: the means matter most
            pre = self._layer32(w32, cov)
            if not fnp.all(fnp.isfinite(pre)):
                # float32 overflowed: redo this layer in float64
                pre = weight.T @ cov.astype(fnp.float64) @ weight
            var = fnp.diagonal(pre).astype(fnp.float64)
            mean, second, cdf = rect_moments(mu, var)
            rows.append(mean)
            g = cdf.astype(fnp.float32)
            cov = (g[:, None] * pre.astype(fnp.float32)) * g[None, :]
            fix = (second - mean * mean - fnp.diagonal(cov).astype(fnp.float64)).astype(fnp.float32)
            cov = cov + fnp.diag(fix)
            if (layer + 1) % CHECK_EVERY == 0:
                c64 = cov.astype(fnp.float64)
                cov = (0.5 * (c64 + c64.T)).astype(fnp.float32)
        return fnp.stack(rows)


class WelfordStream(Strategy):
    name = "welford"

    def chunking(self) -> tuple[int, int]:
        w = self.width
        per_chunk_row = self.depth * (2.0 * w * w + 40.0 * w)   # the float64 casts and the ** 2 are dear
        rows = int(SAFETY * self.budget // per_chunk_row)
        chunk = max(CHUNK_MIN, min(CHUNK_MAX, self.budget // (w * w) // max(1, self.depth)))
        chunks = max(1, min(MAX_CHUNKS, rows // chunk))
        return chunk, chunks

    def flops(self) -> float:
        chunk, chunks = self.chunking()
        w = self.width
        return chunks * chunk * self.depth * (2.0 * w * w + 40.0 * w) + chunks * self.depth * 12.0 * w

    def error(self) -> float:
        chunk, chunks = self.chunking()
        return 0.5 / math.sqrt(chunk * chunks)

    def run(self, mlp: MLP):
        chunk, chunks = self.chunking()
        rng = np.random.default_rng(SEED)
        w, d = self.width, self.depth
        n = 0
        mean = [fnp.zeros(w, dtype=fnp.float64) for _ in range(d)]
        m2 = [fnp.zeros(w, dtype=fnp.float64) for _ in range(d)]
        weights32 = [x.astype(fnp.float32) for x in mlp.weights]
        for _ in range(chunks):
            x = fnp.asarray(rng.standard_normal((chunk, w)).astype(np.float32))
            for i, w32 in enumerate(weights32):
                x = fnp.maximum(x @ w32, 0.0)
                xb = x.astype(fnp.float64)
                mb = fnp.mean(xb, axis=0)
                delta = mb - mean[i]
                tot = n + chunk
                mean[i] = mean[i] + delta * (chunk / tot)
                m2[i] = m2[i] + fnp.sum((xb - mb) ** 2, axis=0) + delta * delta * (n * chunk / tot)
            n += chunk
        return fnp.stack(mean)


REGISTRY: tuple[type[Strategy], ...] = (Float32Covariance, WelfordStream, DiagonalField)


def choose(width: int, depth: int, budget: int) -> Strategy:
    candidates = [cls(width, depth, budget) for cls in REGISTRY]
    fitting = [s for s in candidates if s.fits()]
    if not fitting:
        return DiagonalField(width, depth, budget)
    return min(fitting, key=Strategy.score)


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.picked: list[str] = []

    def predict(self, mlp: MLP, budget: int):
        strategy = choose(mlp.width, mlp.depth, budget)
        self.picked.append(repr(strategy))
        out = strategy.run(mlp)
        if not fnp.all(fnp.isfinite(out)):
            out = DiagonalField(mlp.width, mlp.depth, budget).run(mlp)
        return out.astype(fnp.float32)
