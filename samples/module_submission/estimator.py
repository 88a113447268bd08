"""A folder submission whose calibration is a `flops.Module` restored from a shipped .npz.

Exercises: a `flops.Module` subclass whose public array attributes are its state;
`Calibration().load(path)` in `setup()` swaps them for the file's arrays, so their
shapes and dtypes come from calib.npz's headers (the file's `scale` is float64 while
`__init__` made it float32: the float64 promotion it causes in predict is billed);
a nested module in a list attribute (state key `layers.0.shift`); `state_dict()`.
Regenerate calib.npz with tests/fixtures/make_folder_weights.py.
"""

from pathlib import Path

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP, SetupContext


class Shift(flops.Module):
    def __init__(self):
        self.shift = fnp.zeros(1, dtype=fnp.float32)


class Calibration(flops.Module):
    def __init__(self):
        self.scale = fnp.ones(1, dtype=fnp.float32)
        self.layers = [Shift()]
        self._cache = None  # private: not part of the state


class Estimator(BaseEstimator):
    def setup(self, ctx: SetupContext) -> None:
        self.calib = Calibration().load(str(Path(ctx.submission_dir) / "calib.npz"))
        self.n_state = len(self.calib.state_dict())

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            mu = fnp.maximum(w.T @ mu, 0.0)
            rows.append(mu * self.calib.scale + self.calib.layers[0].shift)
        out = fnp.stack(rows, axis=0)
        return out if self.n_state == 2 else out * 0.0
