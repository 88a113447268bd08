"""Sample Gram matrices, Ledoit-Wolf shrinkage and a low-rank correction ("shrunk_gram").

Team "two postdocs and a GPU we are not allowed to use".

A small batch of samples is pushed through the network; at each layer we form the Gram
matrix of the activations (``einsum('ni,nj->ij', h, h)``: the same operand twice, so
flopscope bills it as symmetric), shrink the centred covariance towards a scaled identity
(Ledoit-Wolf style, with the intensity from traces and Frobenius norms), keep its top-r
eigenpairs and use them to correct the next layer's analytic mean:

    mu_next = E relu(z),  z ~ N(mu W, diag(W^T C_r W) + floor)

The variance term is a three-operand einsum with W twice.  The correction is solved for
with whichever solver in SOLVERS works (solve -> inv -> lstsq); the layer's Gram is
rescaled when its trace passes 1e30.  Every size comes from the budget through Config.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

HUGE = 1e30
SQRT_2PI = math.sqrt(2.0 * math.pi)


@dataclass
class Config:
    width: int
    depth: int
    budget: int
    n: int = 0
    rank: int = 0
    ridge: float = 1e-6
    solvers: tuple = field(default=("solve", "inv", "lstsq"))

    def __post_init__(self):
        w, d = self.width, self.depth
        per_sample = 2 * d * w * w + 20 * w
        self.n = max(8, min(256, int(0.3 * self.budget // per_sample)))
        self.n -= self.n % 2
        spare = self.budget - self.n * per_sample - d * (6 * w * w + 100 * w) - (d - 1) * 24 * w ** 3
        per_rank = d * 4 * w * w
        self.rank = max(0, min(w // 2, spare // per_rank if per_rank else 0))

    @property
    def corrected(self) -> bool:
        return self.rank > 0 and self.depth > 1


SOLVERS = {
    "solve": lambda a, b: fnp.linalg.solve(a, b),
    "inv": lambda a, b: fnp.linalg.inv(a) @ b,
    "lstsq": lambda a, b: fnp.linalg.lstsq(a, b, rcond=None)[0],
}


def solve_any(a, b, order):
    last = None
    for name in order:
        try:
            x = SOLVERS[name](a, b)
        except (fnp.linalg.LinAlgError, ValueError) as err:
            last = err
            continue
        else:
            return x
    raise RuntimeError(f"no solver worked: {last}")


class GaussRelu:
    """E relu(z) for z ~ N(mu, var), elementwise."""

    def __init__(self, floor=1e-10):
        self.floor = floor

    def __call__(self, mu, var):
        sd = fnp.sqrt(fnp.maximum(var, self.floor))
        a = mu / sd
        return mu * flops.stats.norm.cdf(a) + sd * fnp.exp(-0.5 * a * a) / SQRT_2PI


def gram(h):
    return fnp.einsum("ni,nj->ij", h, h)


def shrink(cov, n: int):
    """Ledoit-Wolf-style shrinkage towards (trace / p) I."""
    p = cov.shape[0]
    mu = float(fnp.trace(cov)) / p
    target = mu * fnp.eye(p)
    d2 = float(fnp.linalg.norm(cov - target, "fro")) ** 2
    b2 = min(d2, d2 / max(n, 1))
    lam = b2 / d2 if d2 > 0 else 1.0
    return lam * target + (1.0 - lam) * cov, lam


def top_eigen(cov, r: int):
    vals, vecs = fnp.linalg.eigh(cov)
    order = fnp.argsort(vals)[::-1][:r]
    return vals[order], vecs[:, order]


def layer_stats(h, n):
    mean = fnp.mean(h, axis=0, keepdims=True)
    g = gram(h) / n
    cov = g - mean.T @ mean
    return mean[0], cov


def lowrank_variance(w, vals, vecs):
    """diag(W^T V diag(vals) V^T W): project first, then a weighted sum of squares."""
    proj = vecs.T @ w                         # (r, w)
    return fnp.einsum("r,rj,rj->j", fnp.maximum(vals, 0.0), proj, proj)


def analytic_step(relu, mu, var, w):
    mu_pre = mu @ w
    var_pre = fnp.einsum("ij,i,ij->j", w, var, w)
    return relu(mu_pre, var_pre), var_pre


class Estimator(BaseEstimator):
    def __init__(self):
        self.relu = GaussRelu()

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        cfg = Config(mlp.width, mlp.depth, budget)
        rng = fnp.random.default_rng(mlp.seed or 1234)
        x = rng.standard_normal((cfg.n, mlp.width)).astype(fnp.float32)
        layers = list(mlp.weights)
        act = functools.reduce(lambda acc, w: acc + [fnp.maximum(acc[-1] @ w, 0.0)], layers, [x])[1:]
        rows = []
        mu = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        for i, (w, h) in enumerate(zip(layers, act)):
            mc_mean, cov = layer_stats(h, cfg.n)
            scale = float(fnp.trace(cov))
            if not math.isfinite(scale) or scale > HUGE:
                cov = cov / scale
            est, var_pre = analytic_step(self.relu, mu, var, w)
            if cfg.corrected and i + 1 < len(layers):
                cov_s, lam = shrink(cov, cfg.n)
                vals, vecs = top_eigen(cov_s, cfg.rank)
                extra = lowrank_variance(layers[i + 1], vals, vecs)
                a = fnp.diag(var_pre[: cfg.rank] + cfg.ridge) + fnp.outer(vals, vals) * lam
                coef = solve_any(a, extra[: cfg.rank], cfg.solvers)
                var = fnp.maximum(fnp.diagonal(cov), 0.0) + fnp.sum(coef) / mlp.width
            else:
                var = fnp.maximum(fnp.diagonal(cov), 0.0)
            blend = 0.5 if cfg.n >= 64 else 0.25
            mu = blend * mc_mean + (1.0 - blend) * est
            rows.append(mu)
        return fnp.stack(rows, axis=0)
