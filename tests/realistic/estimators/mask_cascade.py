"""Masked cascade: mean field everywhere, a dense correction on the "hot" neurons.

numpy-first style: boolean masks, flatnonzero, fancy indexing with ix_, np for constants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial, reduce

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

_CALLS = 0
_LOG: list[str] = []


@dataclass(frozen=True)
class Config:
    hot_q: float = 1.25
    z_band: float = 1.5
    var_floor: float = 1e-7
    jitter: float = 1e-6
    max_hot: int = 24
    fixed_point_tol: float = 1e-4
    fixed_point_it: int = 6
    nodes: tuple = field(default_factory=lambda: (-1.0, 0.0, 1.0))
    mode: str = "cascade"


def _bump(tag: str) -> int:
    global _CALLS
    _CALLS += 1
    _LOG.append(f"{_CALLS:03d}:{tag}")
    return _CALLS


def relu_moments(mu, var, *, floor=1e-7):
    var = fnp.maximum(var, floor)
    sd = fnp.sqrt(var)
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    m1 = mu * cdf + sd * pdf
    m2 = (mu ** 2 + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 ** 2, 0.0), cdf


def hot_set(mu, var, cfg: Config, cap: int):
    """Indices of neurons with a large variance close to the kink, largest variance first."""
    sd = fnp.sqrt(fnp.maximum(var, cfg.var_floor))
    mask = (var > cfg.hot_q * var.mean()) & (fnp.abs(mu) < cfg.z_band * sd)
    idx = fnp.flatnonzero(mask)
    if idx.size == 0:
        return idx
    order = fnp.argsort(-var[idx])
    return idx[order][:cap]


def factor_ladder(c, cfg: Config):
    """Cholesky, then jittered Cholesky, then an eigen clamp, then the diagonal."""
    n = c.shape[0]
    eye = fnp.eye(n, dtype=c.dtype)
    for scale in (0.0, cfg.jitter, 100 * cfg.jitter):
        try:
            return fnp.linalg.cholesky(c + scale * eye), f"chol@{scale:g}"
        except np.linalg.LinAlgError:
            _bump("chol-fail")
    try:
        vals, vecs = fnp.linalg.eigh(c)
    except np.linalg.LinAlgError:
        return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diag(c), 0.0))), "diag"
    vals = fnp.clip(vals, cfg.var_floor, None)
    return vecs * fnp.sqrt(vals), "eig"


def block_covariance(w, var, idx):
    """Covariance of the pre-activations of the columns in idx, from independent inputs."""
    cols = w[:, idx]
    return (cols * var[:, None]).T @ cols


def quadrature_correction(factor, mu_hot, nodes):
    """E[relu] on the hot set by a tiny tensor quadrature along the first factor column."""
    lead = factor[:, 0]
    vals = [fnp.maximum(mu_hot + t * lead, 0.0) for t in nodes]
    weights = np.array([1.0, 4.0, 1.0]) / 6.0
    return reduce(lambda acc, pair: acc + pair[0] * pair[1], zip(weights, vals), fnp.zeros_like(mu_hot))


def sharpen(mean, var, cfg: Config):
    """Fixed point of a shrink factor on the variance, tolerance read from data."""
    s, prev, it = 1.0, 0.0, 0
    while (delta := abs(s - prev)) > cfg.fixed_point_tol and it < cfg.fixed_point_it:
        prev = s
        ratio = float(fnp.mean(var)) / (float(fnp.mean(mean ** 2)) + 1e-12)
        s = 0.5 * (s + 1.0 / (1.0 + ratio * s))
        it += 1
    _bump(f"sharpen it={it} delta={delta:.2e}")
    return var * s


def plan(width: int, depth: int, budget: int, cfg: Config) -> dict:
    mf = depth * (4 * width * width + 40 * width)
    spare = max(budget * 0.8 - mf, 0)
    per_layer = spare / max(depth, 1)
    k = int(math.sqrt(max(per_layer, 0) / (2 * width + 1)))
    k = min(max(k, 0), cfg.max_hot, width)
    return {"hot_cap": k if k >= 2 else 0, "mf": mf, "spare": spare}


def layer_step(w, mean, var, *, cfg: Config, cap: int, moments, stats: dict):
    mu = mean @ w
    v = var @ (w * w)
    m1, m2, gate = moments(mu, v)
    if cap:
        idx = hot_set(mu, v, cfg, cap)
        if idx.size >= 2:
            cov = block_covariance(w, var, idx)
            factor, how = factor_ladder(cov, cfg)
            stats[how] = stats.get(how, 0) + 1
            corrected = quadrature_correction(factor, mu[idx], cfg.nodes)
            keep = fnp.bincount(idx, minlength=m1.shape[0]) == 0
            m1 = fnp.where(keep, m1, 0.0) + fnp.bincount(idx, weights=corrected, minlength=m1.shape[0])
    return m1, m2


def stack_rows(*rows, dtype=None):
    out = fnp.stack(rows)
    return out if dtype is None else out.astype(dtype)


class Estimator(BaseEstimator):
    def __init__(self, **overrides):
        self.cfg = Config(**overrides)
        self.plan = None
        self.stats: dict[str, int] = {}

    def setup(self, context):
        self.plan = plan(context.width, context.depth, context.flop_budget, self.cfg)

    def predict(self, mlp: MLP, budget: int):
        cfg = self.cfg
        p = self.plan or plan(mlp.width, mlp.depth, budget, cfg)
        moments = partial(relu_moments, floor=cfg.var_floor)
        mean = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        match cfg.mode:
            case "cascade":
                step = partial(layer_step, cfg=cfg, cap=p["hot_cap"], moments=moments, stats=self.stats)
            case "plain":
                step = partial(layer_step, cfg=cfg, cap=0, moments=moments, stats=self.stats)
            case other:
                raise ValueError(f"unknown mode {other!r}")
        for i, w in enumerate(mlp.weights):
            mean, var = step(w, mean, var)
            if i == mlp.depth // 2 and p["hot_cap"]:
                var = sharpen(mean, var, cfg)
            rows.append(mean)
        out = stack_rows(*rows, dtype=fnp.float32)
        if not bool(fnp.isfinite(out).all()):
            raise FloatingPointError(f"non-finite prediction after {len(rows)} layers")
        return out
