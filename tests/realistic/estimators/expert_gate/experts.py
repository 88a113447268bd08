"""The experts of expert_gate: each maps a layer's input moments to its output moments.

Experts register themselves by subclassing (``Expert.__init_subclass__``) under their index in
gate.npz's columns.  All of them take and return a ``Moments`` (mean, variance, and an optional
dense covariance the "cov" expert keeps for the next layer); the blend in estimator.py mixes
their means and variances by the gate's softmax weights.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp

log = logging.getLogger("expert_gate.experts")

REGISTRY: dict = {}


class ExpertFailed(RuntimeError):
    pass


@dataclass
class Moments:
    mean: object
    var: object
    cov: object = None
    log_scale: float = 0.0

    @property
    def width(self) -> int:
        return self.mean.shape[0]

    @property
    def has_cov(self) -> bool:
        return self.cov is not None

    def scaled_var(self):
        return self.var * math.exp(self.log_scale) if self.log_scale else self.var


@dataclass
class Context:
    """Per-call scratch shared by the experts of one predict() call."""
    rng: object
    n_samples: int
    rank: int
    ridge: float
    jitter: float = 1e-9
    rescale_at: float = 1e30
    floor: float = 1e-12


def relu_moments(mu, var, floor):
    var = fnp.maximum(var, floor)
    sd = fnp.sqrt(var)
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m = mu * cdf + sd * pdf
    s2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m, fnp.maximum(s2 - m * m, 0.0), cdf


class Expert:
    index: ClassVar[int] = -1
    name: ClassVar[str] = "?"
    needs_samples: ClassVar[bool] = False

    def __init_subclass__(cls, index: int = -1, **kw):
        super().__init_subclass__(**kw)
        if index >= 0:
            cls.index = index
            REGISTRY[index] = cls

    def __call__(self, ctx: Context, w, state: Moments) -> Moments:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.name}#{self.index}>"


class MeanField(Expert, index=0):
    name = "mean"

    def __call__(self, ctx, w, state):
        mu = state.mean @ w
        var = (w * w).T @ state.scaled_var()
        m, v, _ = relu_moments(mu, var, ctx.floor)
        return Moments(m, v)


class DenseCov(Expert, index=1):
    """Full covariance; rebuilt from the variances when the layer before did not keep one."""
    name = "cov"

    def __call__(self, ctx, w, state):
        cov = state.cov if state.has_cov else fnp.diag(state.var)
        log_scale = state.log_scale
        pre = w.T @ cov @ w
        peak = float(fnp.max(fnp.abs(pre)))
        if peak > ctx.rescale_at:
            pre = pre / peak
            log_scale += math.log(peak)
        var = fnp.diag(pre)
        mu = state.mean @ w
        m, v, cdf = relu_moments(mu, var * math.exp(log_scale) if log_scale else var, ctx.floor)
        out = fnp.outer(cdf, cdf) * pre
        fnp.fill_diagonal(out, v / math.exp(log_scale) if log_scale else v)
        vals = fnp.linalg.eigvalsh(out)
        if float(vals[0]) < -1e-8 * float(vals[-1]):
            # clip the negative part (the closure is not PSD in general)
            lam, vecs = fnp.linalg.eigh(out)
            out = (vecs * fnp.maximum(lam, 0.0)) @ vecs.T
        return Moments(m, v, out, log_scale)


class Sampled(Expert, index=2):
    """Draws pre-activations from the input moments (Cholesky of the covariance if kept)."""
    name = "sample"
    needs_samples = True

    def _factor(self, ctx, cov):
        n = cov.shape[0]
        jitter = ctx.jitter
        for _attempt in range(3):
            try:
                return fnp.linalg.cholesky(cov + jitter * fnp.eye(n))
            except np.linalg.LinAlgError:
                jitter *= 100.0
        raise ExpertFailed("cholesky failed three times")

    def __call__(self, ctx, w, state):
        n, width = ctx.n_samples, state.width
        z = ctx.rng.standard_normal((n, width))
        if state.has_cov and not state.log_scale:
            x = state.mean + z @ self._factor(ctx, state.cov).T
        else:
            x = state.mean + z * fnp.sqrt(state.scaled_var())
        y = fnp.maximum(fnp.maximum(x, 0.0) @ w, 0.0)
        m = fnp.mean(y, axis=0)
        v = fnp.var(y, axis=0)
        if not fnp.all(fnp.isfinite(m)):
            raise ExpertFailed("non-finite sample mean")
        return Moments(m, v)


class LowRank(Expert, index=3):
    """Mean field on the top singular directions of W plus a diagonal remainder."""
    name = "lowrank"

    def __call__(self, ctx, w, state):
        k = ctx.rank
        u, s, vt = fnp.linalg.svd(w, full_matrices=False)
        energy = fnp.cumsum(s * s) / fnp.sum(s * s)
        k = int(min(k, 1 + int(fnp.sum(energy < 0.9))))
        us = u[:, :k] * s[:k]
        q, r = fnp.linalg.qr(us)
        coeff = (state.mean @ q) @ r
        mu = coeff @ vt[:k] + state.mean @ (w - us @ vt[:k])
        var = (w * w).T @ state.scaled_var()
        m, v, _ = relu_moments(mu, var, ctx.floor)
        return Moments(m, v)


class Ridge(Expert, index=4):
    """A ridge readout fitted on a few samples: solve -> lstsq -> pinv."""
    name = "ridge"
    needs_samples = True

    def _solve(self, gram, rhs):
        try:
            return fnp.linalg.solve(gram, rhs), "solve"
        except np.linalg.LinAlgError:
            pass
        try:
            beta, _, rank, _ = fnp.linalg.lstsq(gram, rhs, rcond=None)
            if int(rank) >= gram.shape[0] // 2:
                return beta, "lstsq"
        except np.linalg.LinAlgError:
            pass
        return fnp.linalg.pinv(gram) @ rhs, "pinv"

    def __call__(self, ctx, w, state):
        n, width = ctx.n_samples, state.width
        z = ctx.rng.standard_normal((n, width))
        x = fnp.maximum(state.mean + z * fnp.sqrt(state.scaled_var()), 0.0)
        y = fnp.maximum(x @ w, 0.0)
        xc = x - fnp.mean(x, axis=0)
        gram = xc.T @ xc + (ctx.ridge * n) * fnp.eye(width)
        beta, how = self._solve(gram, xc.T @ (y - fnp.mean(y, axis=0)))
        log.debug(f"ridge readout via {how}")
        m = fnp.mean(y, axis=0) + (state.mean - fnp.mean(x, axis=0)) @ beta
        return Moments(fnp.maximum(m, 0.0), fnp.var(y, axis=0))


def build(indices) -> dict:
    return {i: REGISTRY[i]() for i in indices}
