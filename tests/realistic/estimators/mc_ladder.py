"""MC with a learned-on-the-fly linear correction and a fallback ladder ("mc_ladder").

Author: solo entrant, "gradient-free-guy".  v7 (the one that finally stopped NaN-ing).

Plain Monte Carlo is unbiased but noisy; the first layer's mean is known exactly, and the
first layer's *features* (mean, second moment of a few random projections) are known
exactly too.  So every later layer's sample mean is regressed on the difference between
the sampled and the exact first-layer features (a multivariate control variate), and the
fitted part is subtracted.

The regression is a (p x p) solve.  Over the season it broke in every way a solve can
break, hence the ladder:

    cholesky of the Gram matrix  ->  solve with jitter  ->  diagonal-only coefficients

and the final answer goes through an isfinite check that drops back to the raw MC mean.

Sample sizes: halve n until the planned cost fits (a `while` over known numbers), then
clamp to [N_MIN, N_MAX] and round to a multiple of 8.
"""

import math
from dataclasses import dataclass

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


@dataclass(frozen=True)
class Config:
    n_start: int = 1 << 15
    n_min: int = 32
    n_max: int = 1 << 13
    features: int = 6          # random projections used as control features
    jitter: float = 1e-6
    reserve: float = 0.25      # share of the budget kept for the regression
    antithetic: bool = True


CFG = Config()


class LinAlgFailure(Exception):
    """Raised by our own checks when a factorisation came back unusable."""


def tick(msg, *args):
    # logging stub: flip to print() when debugging locally
    return None


# ----------------------------------------------------------------------------- planning


def forward_flops(n, width, depth):
    # the Gaussian draw is billed ~16 per element, more than a layer at small widths
    draws = 20 * n * width
    return draws + n * depth * (2 * width * width + 2 * width)


def regression_flops(n, width, depth, p):
    gram = 2 * n * p * p
    per_layer = 2 * n * p * width + 2 * p * width
    return gram + p ** 3 + depth * per_layer


def plan_n(width, depth, budget, cfg=CFG):
    usable = budget * (1.0 - cfg.reserve)
    n = cfg.n_start
    while n > cfg.n_min and forward_flops(n, width, depth) > usable:
        n //= 2
    n = max(cfg.n_min, min(cfg.n_max, n))
    n -= n % 8
    p = cfg.features
    # drop the regression entirely when it would eat more than the reserve
    use_reg = regression_flops(n, width, depth, p) < budget * cfg.reserve and depth >= 2
    tick("plan", n, p, use_reg)
    return n, p, use_reg


# ----------------------------------------------------------------------------- sampling


def draw_inputs(rng, n, width, antithetic):
    if antithetic:
        half = rng.standard_normal((n // 2, width)).astype(fnp.float32)
        return fnp.concatenate([half, -half], axis=0)
    return rng.standard_normal((n, width)).astype(fnp.float32)


def run_network(x, weights):
    layers = []
    for w in weights:
        x = fnp.maximum(x @ w, 0.0)
        layers.append(x)
    return layers


# ----------------------------------------------------------------------------- features


def projection_features(x, proj):
    """Per-sample control features: relu of p fixed projections of the first layer input."""
    return fnp.maximum(x @ proj, 0.0)


def exact_feature_means(proj):
    """E relu(x . v) = |v| / sqrt(2 pi) for x ~ N(0, I)."""
    norms = fnp.sqrt(fnp.sum(proj * proj, axis=0))
    return norms / math.sqrt(2.0 * math.pi)


# ----------------------------------------------------------------------------- the ladder


def coef_cholesky(gram, cross):
    chol = fnp.linalg.cholesky(gram)
    tmp = fnp.linalg.solve(chol, cross)
    coef = fnp.linalg.solve(chol.T, tmp)
    if not bool(fnp.all(fnp.isfinite(coef))):
        raise LinAlgFailure("cholesky produced non-finite coefficients")
    return coef


def coef_jitter(gram, cross, jitter):
    p = gram.shape[0]
    return fnp.linalg.solve(gram + jitter * fnp.eye(p, dtype=gram.dtype), cross)


def coef_diagonal(gram, cross):
    d = fnp.maximum(fnp.diagonal(gram), 1e-12)
    return cross / d[:, None]


def fit_coefficients(feats_c, targets_c, jitter):
    """Least squares of every target column on the centred features, with the ladder."""
    n = feats_c.shape[0]
    gram = (feats_c.T @ feats_c) / n
    cross = (feats_c.T @ targets_c) / n
    try:
        return coef_cholesky(gram, cross), "cholesky"
    except (fnp.linalg.LinAlgError, LinAlgFailure):
        pass
    try:
        return coef_jitter(gram, cross, jitter), "jitter"
    except fnp.linalg.LinAlgError:
        return coef_diagonal(gram, cross), "diagonal"


class Corrector:
    def __init__(self, x, proj, jitter):
        f = projection_features(x, proj)
        self.delta = fnp.mean(f, axis=0) - exact_feature_means(proj)
        self.centred = f - fnp.mean(f, axis=0)
        self.jitter = jitter
        self.used = []

    def correct(self, layer):
        mean = fnp.mean(layer, axis=0)
        coef, how = fit_coefficients(self.centred, layer - mean, self.jitter)
        self.used.append(how)
        return mean - self.delta @ coef


# ----------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        n, p, use_reg = plan_n(width, depth, budget)
        rng = fnp.random.default_rng(mlp.seed)
        x = draw_inputs(rng, n, width, CFG.antithetic)
        layers = run_network(x, mlp.weights)
        raw = fnp.stack([fnp.mean(h, axis=0) for h in layers], axis=0)
        if not use_reg:
            return raw
        proj = rng.standard_normal((width, p)).astype(fnp.float32) / math.sqrt(width)
        corr = Corrector(x, proj, CFG.jitter)
        rows = [raw[0]]
        for h in layers[1:]:
            rows.append(corr.correct(h))
        out = fnp.stack(rows, axis=0).astype(fnp.float32)
        if not fnp.all(fnp.isfinite(out)):
            tick("non-finite correction, using raw MC", corr.used)
            return raw
        # the correction must never move a mean below zero: relu means are non-negative
        return fnp.maximum(out, 0.0)
