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
    while s < width and depth * (8 * width * width * s + 240 * width * s * s) < budget // 4:
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


def holdout_ratio(sketch_image, keep, s: int):
    """How much of the held-out sketch columns the kept ones fail to explain (0: all of it
    explained, 1: none).  The held-out set is the complement of ``keep``."""
    held = fnp.setdiff1d(fnp.arange(s), keep)
    if held.shape[0] == 0:
        return 0.0
    kept = sketch_image[:, keep]
    other = sketch_image[:, held]
    q, _ = fnp.linalg.qr(kept)
    resid = other - q @ (q.T @ other)
    return float(fnp.linalg.norm(resid)) / (float(fnp.linalg.norm(other)) + 1e-12)


class Diagnostics:
    """Named values plus a count of how often each event was recorded."""

    def __init__(self):
        self.values = {}
        self.counts = {}

    def note(self, key: str, value) -> None:
        self.values[key] = value
        self.counts[key] = self.counts.get(key, 0) + 1

    def __getitem__(self, key):
        return self.values[key]

    @property
    def events(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """One line for our logs: how many events of each kind were recorded."""
        parts = [f"{key}x{count}" for key, count in sorted(self.counts.items())]
        return f"{self.events} events: " + ", ".join(parts)


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
        diag = Diagnostics()
        rows = [None] * depth
        for i in cfg["order"]:
            ratio = holdout_ratio(images[i], keep, s)
            diag.note(f"holdout_{i}", ratio)
            if ratio > 0.95:
                rows[i] = means[i]          # the sketch says nothing here: keep the samples
                continue
            image = images[i][:, keep]
            c = float(fnp.linalg.cond(image.T @ image))
            use_ridge = not math.isfinite(c) or c > COND_MAX
            fitted, coef = project(image, means[i], use_ridge)
            resid = means[i] - fitted
            energy = float(fnp.linalg.norm(resid, ord=2)) / (float(fnp.linalg.norm(means[i])) + 1e-12)
            rows[i] = fnp.where(fitted > 0, fitted, 0.0) if energy < 0.5 else means[i]
        self.last_summary = diag.summary()
        out = fnp.stack(rows)
        steps = fnp.diff(out, axis=0) if depth > 1 else fnp.zeros((0, width))
        drift = fnp.cumsum(fnp.abs(steps), axis=0)
        trace = fnp.einsum("ii->i", out[:, :depth].T @ out[:, :depth]) if depth <= width else None
        assert drift.shape[0] == depth - 1
        if trace is not None and not bool(fnp.all(trace >= 0)):
            raise FloatingPointError("negative diagonal in a Gram matrix")
        return out
