"""Returns a float64 array: whestbench casts it to float32 inside the meter.

Exercises: the scorer's `fnp.asarray(pred, dtype=float32)` after `predict` returns,
billed 2 FLOPs per element for a float64 prediction (flopcast includes it by default;
`--no-scorer-cast` leaves it out); `fnp.ones` float64 default; `fnp.tanh` (16x).
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        h = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            h = fnp.tanh(w @ h)
            rows.append(h)
        return fnp.stack(rows)
