"""Mean field + a learned per-neuron correction head ("learned_head", folder submission).

Files shipped with this submission:

    estimator.py   this file
    features.py    mean-field pass and the per-neuron features the head reads
    head.py        the Head dataclass (two tanh layers) and its loader
    head.npz       trained head weights + feature standardisation stats
    config.json    switches we flip between submissions without touching code

The head was trained offline (plain numpy, not shipped) to predict the relative error of
mean field per neuron from five cheap features.  At prediction time:

    mean_field -> features -> head -> mean * (1 + correction)

Budget: the head is cheap (O(w F H) per layer) but we still check it fits, and only run
it on the first ``max_head_layers`` layers (deeper layers were not in the training set).
If anything about the head is off (missing file, wrong feature count, a non-finite
output) the estimator silently returns plain mean field.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP, SetupContext

import features as ft
from head import Head, from_arrays

log = logging.getLogger("learned_head")

DEFAULTS = {"use_head": True, "max_head_layers": 64, "gain": 1.0}


def mean_field_cost(width: int, depth: int) -> int:
    return depth * (4 * width * width + 80 * width)


def load_config(root: Path) -> dict:
    cfg = dict(DEFAULTS)
    path = root / "config.json"
    if path.exists():
        cfg.update(json.loads(path.read_text()))
    return cfg


class Estimator(BaseEstimator):
    head: Head | None = None

    def setup(self, context: SetupContext) -> None:
        root = Path(context.submission_dir) if context.submission_dir else Path(__file__).parent
        self.cfg = load_config(root)
        self.head = None
        weights = root / "head.npz"
        if self.cfg["use_head"] and weights.exists():
            data = fnp.load(weights)
            head = from_arrays(data, gain=float(self.cfg["gain"]))
            if head.w1.shape[0] == ft.N_FEATURES:
                self.head = head
            else:
                log.warning("head expects %d features, we make %d", head.w1.shape[0], ft.N_FEATURES)

    # ------------------------------------------------------------------ helpers

    def _head_fits(self, width: int, depth: int, budget: int) -> bool:
        if self.head is None:
            return False
        layers = min(depth, int(self.cfg["max_head_layers"]))
        total = mean_field_cost(width, depth) + layers * self.head.flops_estimate(width)
        return total < 0.9 * budget

    def _correct(self, mean, mu_pre, var_pre, alpha, frac):
        feats = ft.layer_features(mu_pre, var_pre, alpha, frac)
        corr = self.head(feats)
        return mean * (1.0 + corr)

    # ------------------------------------------------------------------ predict

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        use_head = self._head_fits(width, depth, budget)
        limit = int(self.cfg["max_head_layers"]) if use_head else 0
        plain, rows = [], []
        for i, (mu_pre, var_pre, mean, var, alpha) in enumerate(ft.mean_field(mlp.weights, width)):
            plain.append(mean)
            if i < limit:
                rows.append(self._correct(mean, mu_pre, var_pre, alpha, (i + 1) / depth))
            else:
                rows.append(mean)
        out = fnp.stack(rows, axis=0)
        if use_head and not fnp.all(fnp.isfinite(out)):
            log.warning("head produced non-finite values, falling back")
            out = fnp.stack(plain, axis=0)
        return out.astype(fnp.float32)
