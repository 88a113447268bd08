"""A folder submission: estimator.py + helpers.py + calibration arrays shipped beside it.

Exercises: sibling-module imports from the submission folder in both spellings
(`from helpers import layer` and `import helpers as h`); `setup()` runs off the budget
and stores arrays on `self` that `predict` then uses: `fnp.load(Path(ctx.submission_dir)
/ "weights.npz")` (an .npz whose members' shapes and dtypes come from the file's
headers, never its data) and `fnp.load(os.path.join(ctx.submission_dir, "bias.npy"))`
(a float64 .npy whose dtype promotes the float32 state, billed at the float64 rate).
Regenerate the files with tests/fixtures/make_folder_weights.py.
"""

import os
from pathlib import Path

import flopscope.numpy as fnp
import helpers as h
from helpers import layer
from whestbench import BaseEstimator, MLP, SetupContext


class Estimator(BaseEstimator):
    def setup(self, ctx: SetupContext) -> None:
        data = fnp.load(Path(ctx.submission_dir) / "weights.npz")
        self.damping = data["damping"]
        self.prior_var = data["prior_var"]
        self.bias = fnp.load(os.path.join(ctx.submission_dir, "bias.npy"))
        self.floor = h.VAR_FLOOR

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32) * self.prior_var
        rows = []
        for w in mlp.weights:
            mu, var = layer(w, mu, var, floor=self.floor)
            mu = (mu * self.damping).astype(fnp.float32)
            var = var.astype(fnp.float32)
            rows.append(mu)
        return fnp.stack(rows, axis=0) + self.bias
