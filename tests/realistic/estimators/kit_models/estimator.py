"""A package of models behind one planner ("kit_models", folder submission).

    estimator.py        this file: setup() loads the head, predict() plans and runs
    util.py             cost arithmetic (free: plain Python)
    models/__init__.py  REGISTRY of the models by number
    models/base.py      the rectified-Gaussian moments every model uses
    models/gauss.py     diagonal moments + Cholesky-whitened top-k cross block
    models/headfield.py mean field + the learned correction (nonzero active set)
    models/sampler.py   chunked Monte Carlo with a standard-error while loop
    models/learned.py   the Head dataclass and its loader
    head.npz            the learned head (make_head.py wrote it)

whestbench puts this folder on sys.path, so the imports are absolute (``import util``,
``from models.gauss import ...``).  The head lists the order the planner tries the models
in; the first whose cost fits in the budget (less a reserve for the final check) runs.
With no head (a missing file) only the Gauss model is tried.
"""

from __future__ import annotations

import logging
from pathlib import Path

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP, SetupContext

import util
from models import REGISTRY, GaussModel
from models.base import diagonal_layer, relu_moments
from models.learned import Head, load_head

log = logging.getLogger("kit_models")
RESERVE = 0.1


class Estimator(BaseEstimator):
    head: Head | None = None

    def setup(self, context: SetupContext) -> None:
        root = Path(context.submission_dir) if context.submission_dir else Path(__file__).parent
        path = root / "head.npz"
        self.head = load_head(path) if path.exists() else None
        self.plans: list[str] = []

    def _fallback(self, mlp: MLP):
        mean = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for weight in mlp.weights:
            mu, v = diagonal_layer(weight, mean, var)
            mean, var, _ = relu_moments(mu, v)
            rows.append(mean)
        return fnp.stack(rows)

    def _candidates(self):
        if self.head is None:
            return [GaussModel]
        return [REGISTRY[i] for i in self.head.order]

    def predict(self, mlp: MLP, budget: int):
        usable = int((1.0 - RESERVE) * budget)
        for cls in self._candidates():
            model = cls(self.head, mlp.width, mlp.depth, usable)
            share = util.Share(model.name, model.cost())
            if share.fits(usable, 0):
                self.plans.append(str(share))
                out = model.run(mlp)
                break
        else:
            self.plans.append("fallback")
            out = self._fallback(mlp)
        if not fnp.all(fnp.isfinite(out)):
            log.warning("non-finite estimate from %s; using the fallback", self.plans[-1])
            out = self._fallback(mlp)
        return out
