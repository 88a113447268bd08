"""Random sketches forwards, a pseudo-inverse backwards ("sketch_backprop").

Author: "the linear algebra kid".  Idea: the MLP's mean output is dominated by a few
directions.  A random sketch S (w x s, Gaussian, the legacy ``fnp.random`` API because
that is what the tutorial used) is pushed forward through the layers to find them; a
pseudo-inverse pulls the sampled means back onto the sketch, which denoises them.

* the sketch size ``s`` comes from the budget (a clamp and a power of two);
* a column subset of the sketch is chosen without replacement (``rng.choice``) and
  shuffled (``permutation``) for a hold-out check of the pseudo-inverse;
* layers are visited in an order sorted by a per-layer cost key, then reassembled;
* badly conditioned sketches (``cond``) fall back to a ridge solve via ``multi_dot``;
* a cache keyed by (width, depth, s) keeps the plan between calls (the grader calls
  ``predict`` once per MLP, so it only ever helps in our local loops).
"""

from __future__ import annotations

import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

PLAN_CACHE: dict = {}
COND_MAX = 1e8
RIDGE = 1e-3


def plan(width: int, depth: int, budget: int) -> dict:
    key = (width, depth, budget)
    if key in PLAN_CACHE:
        return PLAN_CACHE[key]
    s = 1
    while s < width and depth * (4 * width * width * 2 * s + 60 * s ** 3) < budget // 3:
        s *= 2
    s = max(2, min(s, width))
    n = int(max(8, min(128, budget // (4 * depth * width * width + 1))))
    n -= n % 4
    order = sorted(range(depth), key=lambda i: (i % 2, -i))
    out = {"s": s, "n": n, "order": order, "holdout": max(1, s // 4)}
    PLAN_CACHE[key] = out
    return out


def sketch_forward(weights, sketch):
    """Push the sketch through the linear parts only; returns each layer's image."""
    images = []
    y = sketch
    for w in weights:
        y = w.T @ y
        images.append(y)
    return images


def ridge_pinv(a, lam: float):
    """(A^T A + lam I)^-1 A^T via multi_dot, for sketches whose pinv is ill-conditioned."""
    g = a.T @ a
    eye = fnp.eye(g.shape[0], dtype=g.dtype)
    return fnp.linalg.multi_dot([fnp.linalg.inv(g + lam * eye), a.T])


def project(image, target, use_ridge: bool):
    if use_ridge:
        p = ridge_pinv(image, RIDGE)
    else:
        p = fnp.linalg.pinv(image)
    coef = p @ target
    return image @ coef, coef


class Estimator(BaseEstimator):
    calls = 0

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        Estimator.calls += 1
        width, depth = mlp.width, mlp.depth
        cfg = plan(width, depth, budget)
        s, n = cfg["s"], cfg["n"]
        fnp.random.seed(mlp.seed % (2 ** 32))
        sketch = fnp.random.randn(width, s) / math.sqrt(s)
        rng = fnp.random.default_rng(mlp.seed)
        keep = rng.choice(s, size=s - cfg["holdout"], replace=False)
        keep = keep[rng.permutation(keep.shape[0])]

        x = rng.standard_normal((n, width)).astype(fnp.float32)
        means = []
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
            means.append(fnp.mean(x, axis=0))

        images = sketch_forward(mlp.weights, sketch)
        rows = [None] * depth
        for i in cfg["order"]:
            image = images[i][:, keep]
            c = float(fnp.linalg.cond(image.T @ image))
            use_ridge = not math.isfinite(c) or c > COND_MAX
            fitted, coef = project(image, means[i], use_ridge)
            resid = means[i] - fitted
            energy = float(fnp.linalg.norm(resid, ord=2)) / (float(fnp.linalg.norm(means[i])) + 1e-12)
            rows[i] = fnp.where(fitted > 0, fitted, 0.0) if energy < 0.5 else means[i]
        out = fnp.stack(rows)
        steps = fnp.diff(out, axis=0) if depth > 1 else fnp.zeros((0, width))
        drift = fnp.cumsum(fnp.abs(steps), axis=0)
        trace = fnp.einsum("ii->i", out[:, :depth].T @ out[:, :depth]) if depth <= width else None
        assert drift.shape[0] == depth - 1
        if trace is not None and not bool(fnp.all(trace >= 0)):
            raise FloatingPointError("negative diagonal in a Gram matrix")
        return out
