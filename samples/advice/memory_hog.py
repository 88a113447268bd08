"""A sample block sized from the budget alone (FC004): at the round it asks for more memory
than whestbench grants, and the draw raises MemoryError after the work before it was billed.

`n = budget / (2 * w * w)` is 1,048,576 rows at 1024x16 with a 2**41 budget: an 8 GiB
float64 draw, then a 4 GiB float32 copy, over the 8,192 MiB limit.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        w = mlp.width
        n = int(budget / (2 * w * w))
        rng = fnp.random.default_rng(0)
        x = rng.standard_normal((n, w)).astype(fnp.float32)
        rows = []
        for m in mlp.weights:
            x = fnp.maximum(x @ m, 0.0)
            rows.append(fnp.mean(x, axis=0))
        return fnp.stack(rows)
