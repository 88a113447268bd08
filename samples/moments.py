"""An estimator built from pointwise and reduction ops with different weights.

Exercises: `x ** 2` (power: 16x weight) next to `x * x` (1x); `fnp.exp`, `fnp.log1p`,
`fnp.tanh` (16x); `fnp.mean`, `fnp.var`, `fnp.std`, `fnp.sum`, `fnp.max` along axes and
whole-array; `fnp.clip`; comparisons and a 3-argument `fnp.where`; `reshape`, `.T`,
slicing and `fnp.concatenate`; a list comprehension; tuple unpacking.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def standardise(x):
    centred = x - fnp.mean(x, axis=0)
    return centred / (fnp.std(x, axis=0) + 1e-6)


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        rng = fnp.random.default_rng(0)
        x = rng.standard_normal((8, width), dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            h = x @ w
            energy = fnp.sum(h ** 2, axis=1)
            power = fnp.var(h, axis=0) + fnp.mean(h * h, axis=0)
            squashed = fnp.tanh(fnp.clip(h, -3.0, 3.0))
            soft = fnp.log1p(fnp.exp(-fnp.abs(h)))
            x = fnp.where(h > 0, h, 0.01 * h)
            peak = fnp.max(x)
            scale = fnp.sum(energy) / (peak + 1.0)
            top, bottom = x[:4], x[4:]
            mixed = fnp.concatenate([top, bottom * 0.5], axis=0)
            rows.append(fnp.mean(mixed, axis=0) + power * 0.0 + fnp.mean(squashed + soft, axis=0) * 0.0 + scale * 0.0)
        stacked = fnp.stack([r for r in rows])
        flat = fnp.reshape(stacked, (depth * width,))
        return flat.reshape((depth, width))
