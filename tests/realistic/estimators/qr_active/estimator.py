"""Mean field, a learned correction head, and a sampled refit on an active set ("qr_active").

Folder submission:

    estimator.py   this file
    ladder.py      least-squares rungs (QR -> SVD -> eigh), each checked for finiteness
    head.npz       the learned head (5 features -> 8 tanh units -> 1), loaded in setup()
                   with plain numpy (setup is off the meter; we keep plain ndarrays)

Per layer:

1. Gaussian mean field (mean + diagonal variance through ReLU);
2. the head corrects the mean: ``mu *= 1 + tanh(F @ w1 + b1) @ w2`` (F standardised);
3. on the ``k`` units with the largest |alpha| (argpartition active set) we draw ``n``
   samples of the pre-activation, and refit ``mean ~ a + b * mean_field`` with the ladder;
   units whose fitted slope is absurd are masked back to mean field.

``n`` and ``k`` come from the budget, clamped; the refit stops when the budget runs out
(flopscope raises BudgetExhaustedError, we keep what we have).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP, SetupContext

from ladder import solve_ladder

CONFIG = {"min_samples": 16, "max_samples": 512, "min_active": 2, "active_frac": 0.25,
          "slope_cap": 4.0, "refit": True}
FLOOR = 1e-8


@dataclass(frozen=True)
class Settings:
    min_samples: int
    max_samples: int
    min_active: int
    active_frac: float
    slope_cap: float
    refit: bool

    @classmethod
    def from_dict(cls, d: dict) -> "Settings":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})


@functools.lru_cache(maxsize=None)
def field_cost(width: int) -> int:
    return 4 * width * width + 200 * width


def sample_cost(width: int, n: int, k: int) -> int:
    return 16 * n * width + 2 * n * width * width + 40 * n * k + 200 * k * 4


def plan_sizes(width: int, depth: int, budget: int, s: Settings) -> tuple[int, int]:
    left = budget - depth * (field_cost(width) + 60 * width)
    if left <= 0 or not s.refit:
        return 0, 0
    k = max(s.min_active, min(width, int(width * s.active_frac)))
    per = sample_cost(width, 1, k)
    n = left // (depth * per)
    n = int(min(max(n, 0), s.max_samples))
    if n < s.min_samples:
        return 0, 0
    n = n & ~7 or 8                       # a multiple of 8
    return n, k


class Head:
    """Plain-numpy weights; used with flopscope arrays in predict."""

    def __init__(self, arrays: dict):
        self.w1 = arrays["w1"]
        self.b1 = arrays["b1"]
        self.w2 = arrays["w2"]
        self.mu = arrays["mu"]
        self.sd = arrays["sd"]
        self.n_in = self.w1.shape[0]

    def __call__(self, feats):
        z = (feats - self.mu) / self.sd              # FlopscopeArray op numpy array: counted
        hidden = fnp.tanh(z @ self.w1 + self.b1)
        return hidden @ self.w2


def moments(mu_pre, var_pre):
    sd = fnp.sqrt(fnp.maximum(var_pre, FLOOR))
    alpha = mu_pre / sd
    cdf = flops.stats.norm.cdf(alpha)
    pdf = flops.stats.norm.pdf(alpha)
    mu = mu_pre * cdf + sd * pdf
    m2 = (mu_pre ** 2 + var_pre) * cdf + mu_pre * sd * pdf
    return mu, fnp.maximum(m2 - mu * mu, 0.0), alpha, cdf


class Estimator(BaseEstimator):
    head: Head | None = None

    def setup(self, context: SetupContext) -> None:
        root = Path(context.submission_dir) if context.submission_dir else Path(__file__).parent
        self.settings = Settings.from_dict(CONFIG)
        path = root / "head.npz"
        self.head = None
        if path.exists():
            with np.load(path) as data:
                arrays = {k: data[k] for k in data.files}
            if arrays.pop("version", None) is not None and arrays["w1"].shape[0] == 5:
                self.head = Head(arrays)
        self.stats = {"rungs": {}, "refits": 0, "exhausted": False}

    def features(self, mu, var, alpha, cdf, frac: float):
        cols = [mu, fnp.sqrt(var), alpha, cdf, fnp.full(mu.shape, frac, dtype=mu.dtype)]
        return fnp.stack(cols, axis=1)

    def refit(self, mlp: MLP, layer: int, x, mu_field, n: int, k: int, rng):
        """Sampled means on the active units, regressed on the mean field there."""
        w = mlp.weights[layer]
        pre = x @ w
        score = fnp.abs(mu_field) / (fnp.std(pre, axis=0) + FLOOR)
        active = fnp.argpartition(score, -k)[-k:]
        post = fnp.maximum(pre[:, active], 0.0)
        sampled = fnp.mean(post, axis=0)
        feats = fnp.stack([fnp.ones(k, dtype=sampled.dtype), mu_field[active]], axis=1)
        coef, rung = solve_ladder(feats, sampled)
        self.stats["rungs"][rung] = self.stats["rungs"].get(rung, 0) + 1
        slope = coef[1]
        fitted = coef[0] + slope * mu_field
        ok = fnp.abs(fitted - mu_field) < self.settings.slope_cap * (fnp.abs(mu_field) + 1.0)
        out = fnp.where(ok, fitted, mu_field)
        return out, fnp.maximum(post @ fnp.ones(k, dtype=post.dtype), 0.0)

    def predict(self, mlp: MLP, budget: int):
        s = self.settings
        width, depth = mlp.width, mlp.depth
        n, k = plan_sizes(width, depth, budget, s)
        rng = fnp.random.default_rng(mlp.seed)
        x = rng.standard_normal((n, width), dtype=fnp.float32) if n else None
        mu = fnp.zeros(width, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        rows = []
        refit_on = n > 0
        for i, w in enumerate(mlp.weights):
            mu_pre = mu @ w
            var_pre = var @ (w * w)
            mu, var, alpha, cdf = moments(mu_pre, var_pre)
            if self.head is not None:
                feats = self.features(mu, var, alpha, cdf, (i + 1) / depth)
                corr = fnp.clip(self.head(feats), -0.5, 0.5)
                mu = mu * (1.0 + corr)
            if refit_on:
                try:
                    mu, _ = self.refit(mlp, i, x, mu, n, k, rng)
                    x = fnp.maximum(x @ w, 0.0)
                    self.stats["refits"] += 1
                except flops.BudgetExhaustedError:
                    self.stats["exhausted"] = True
                    refit_on = False
            peak = float(fnp.max(fnp.abs(mu)))
            if not peak < 1e30:  # NaN compares False: one test for both
                mu = fnp.nan_to_num(mu, nan=0.0, posinf=1e30, neginf=-1e30) / max(peak, 1.0)
            rows.append(mu.astype(fnp.float32))
        out = fnp.stack(rows)
        if n and self.stats["refits"] == depth:
            out = self.polish(mlp, out, rng, n // 2)
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError(f"non-finite prediction of shape {out.shape}")
        return out

    def polish(self, mlp: MLP, out, rng, n: int, max_rounds: int = 6):
        """Extra Monte-Carlo rounds on the last layer until the budget runs out (flopscope
        raises before the charge that would pass it) or ``max_rounds`` are done."""
        total = fnp.zeros(mlp.width, dtype=fnp.float32)
        rounds = 0
        try:
            while rounds < max_rounds:
                x = rng.standard_normal((n, mlp.width), dtype=fnp.float32)
                for w in mlp.weights:
                    x = fnp.maximum(x @ w, 0.0)
                total = total + fnp.mean(x, axis=0)
                rounds += 1
        except flops.BudgetExhaustedError:
            self.stats["exhausted"] = True
        if rounds == 0:
            return out
        last = 0.5 * out[-1] + 0.5 * (total / rounds)
        return fnp.concatenate([out[:-1], last[None, :]], axis=0)
