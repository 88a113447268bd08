"""Whitened moment propagation with a factorisation ladder ("whitened_moments").

Team "eigen-ish", submission 11.

Each layer propagates a Gaussian (mean, covariance) through ``relu(x @ W)``.  The covariance
is kept in *whitened* coordinates when it is well conditioned, which keeps the moment
formulas stable; whitening needs a square root of the covariance, taken by whichever
factorisation works first:

    cholesky  ->  eigh (clipped spectrum)  ->  svd  ->  diagonal

dispatched through a dict of callables so that the order can be changed from one constant.
Before each layer a few power iterations estimate the spectral norm of the covariance;
when the covariance is too ill-conditioned (the slogdet says so) we drop to the diagonal.

Budget: the full-covariance path costs about ``8 w^3`` per layer; below that we keep the
diagonal for the remaining layers (decided once, up front, from the budget).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

EPS = 1e-9
POWER_TOL = 1e-3
POWER_MAX_IT = 6
LOGDET_FLOOR = -400.0
LADDER = ("cholesky", "eigh", "svd")


# ----------------------------------------------------------------------------- state


@dataclass
class Moments:
    mean: fnp.ndarray
    cov: fnp.ndarray | None = None
    var: fnp.ndarray | None = None
    history: list = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.mean.shape[0]

    @property
    def diag(self):
        if self.cov is not None:
            return fnp.diagonal(self.cov)
        return self.var

    def record(self):
        self.history.append(self.mean)


# ----------------------------------------------------------------------------- planning


def full_cost(width: int) -> int:
    return 8 * width ** 3 + 60 * width * width


def diag_cost(width: int) -> int:
    return 4 * width * width + 120 * width


def plan_full_layers(width: int, depth: int, budget: int) -> int:
    """How many leading layers get the full covariance (the rest are diagonal)."""
    spare = budget - depth * diag_cost(width)
    per = full_cost(width) - diag_cost(width)
    if spare <= 0 or per <= 0:
        return 0
    return max(0, min(depth, int(spare // per)))


# ----------------------------------------------------------------------------- factorisations


def _root_cholesky(cov):
    return fnp.linalg.cholesky(cov + EPS * fnp.eye(cov.shape[0], dtype=cov.dtype))


def _root_eigh(cov, floor=EPS):
    vals, vecs = fnp.linalg.eigh(cov)
    vals = fnp.where(vals > floor, vals, floor)
    return vecs * fnp.sqrt(vals)[None, :]


def _root_svd(cov):
    u, s, _ = fnp.linalg.svd(cov)
    return u * fnp.sqrt(s)


ROOTS: dict[str, Callable] = {
    "cholesky": _root_cholesky,
    "eigh": partial(_root_eigh, floor=1e-8),
    "svd": _root_svd,
}


def square_root(cov):
    """First factorisation in LADDER that works and gives a finite factor, else None."""
    for name in LADDER:
        try:
            root = ROOTS[name](cov)
        except fnp.linalg.LinAlgError:
            continue
        if bool(fnp.all(fnp.isfinite(root))):
            return name, root
    return "none", None


# ----------------------------------------------------------------------------- helpers


class ReluMoments:
    """Callable ReLU moment map; ``floor`` keeps the variance away from zero."""

    def __init__(self, floor: float = 1e-12):
        self.floor = floor
        self.calls = 0

    @property
    def sqrt_two_pi(self) -> float:
        return math.sqrt(2.0 * math.pi)

    def __call__(self, mu, var):
        self.calls += 1
        var = fnp.maximum(var, self.floor)
        sd = fnp.sqrt(var)
        z = mu / sd
        cdf = flops.stats.norm.cdf(z)
        pdf = fnp.exp(-0.5 * z * z) / self.sqrt_two_pi
        mean = mu * cdf + sd * pdf
        second = (mu * mu + var) * cdf + mu * sd * pdf
        return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def spectral_norm(cov, it_max=POWER_MAX_IT, tol=POWER_TOL):
    """Power iteration; stops once the Rayleigh quotient settles."""
    v = fnp.ones(cov.shape[0], dtype=cov.dtype)
    v = v / fnp.linalg.norm(v)
    lam, prev, it = 0.0, -1.0, 0
    while it < it_max and abs(lam - prev) > tol * max(abs(lam), 1.0):
        prev = lam
        u = cov @ v
        lam = float(v @ u)
        v = u / (fnp.linalg.norm(u) + EPS)
        it += 1
    return lam, it


def well_conditioned(cov) -> bool:
    sign, logdet = fnp.linalg.slogdet(cov + EPS * fnp.eye(cov.shape[0], dtype=cov.dtype))
    return float(sign) > 0 and float(logdet) > LOGDET_FLOOR


# ----------------------------------------------------------------------------- layer steps


def full_step(state: Moments, w, relu: ReluMoments) -> Moments:
    w64 = w.astype(fnp.float64)
    mu = state.mean @ w64
    lam, _ = spectral_norm(state.cov)
    if lam > 1e30:
        state.cov = state.cov / lam
        mu = mu / math.sqrt(lam)
    method, root = square_root(state.cov)
    if root is None or not well_conditioned(state.cov):
        var = fnp.einsum("i,ij,ij->j", state.diag, w64, w64)
        mean, var2, _ = relu(mu, var)
        return Moments(mean=mean, var=var2, history=state.history)
    proj = root.T @ w64                     # whitened pre-activation factor
    cov_pre = fnp.einsum("ki,kj->ij", proj, proj)
    var = fnp.diagonal(cov_pre).copy()
    mean, var_post, slope = relu(mu, var)
    gain = slope[:, None] * slope[None, :]
    cov = cov_pre * gain
    # flopscope arrays are immutable: put the post-activation variances on the diagonal
    eye = fnp.eye(cov.shape[0], dtype=bool)
    out = fnp.where(eye, var_post[None, :], cov)
    return Moments(mean=mean, cov=out, history=state.history)


def diag_step(state: Moments, w, relu: ReluMoments) -> Moments:
    mu = state.mean @ w
    var = state.diag @ (w * w)
    mean, var_post, _ = relu(mu, var)
    return Moments(mean=mean, var=var_post, history=state.history)


STEPS = {"full": full_step, "diag": diag_step}


def schedule(depth: int, n_full: int):
    return ["full" if i < n_full else "diag" for i in range(depth)]


# ----------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.relu = ReluMoments()

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        n_full = plan_full_layers(width, depth, budget)
        kinds = schedule(depth, n_full)
        state = Moments(mean=fnp.zeros(width), var=fnp.ones(width))
        if kinds[0] == "full":
            state.cov = fnp.eye(width)
        for kind, w in zip(kinds, mlp.weights):
            if kind == "full" and state.cov is None:
                state.cov = fnp.diag(state.var)
            if kind == "diag" and state.cov is not None:
                state = Moments(mean=state.mean, var=state.diag.copy(), history=state.history)
            state = STEPS[kind](state, w, self.relu)
            state.record()
        out = fnp.stack(state.history)
        scale = fnp.max(fnp.abs(out), axis=(0, 1), keepdims=True)
        if float(scale.item()) > 1e30:
            out = out * (1.0 / scale)
        return out.astype(fnp.float32)
