"""Work that does not change per layer, recomputed in the loop (FC103).

`prior = fnp.outer(...)` and `self.scale * fnp.eye(...)` read only values set before the
loop; `fnp.sqrt(base)` inside the update reads only `base`. Each is computed once per
layer where once per call would do.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    scale = 0.5

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width = mlp.width
        base = fnp.linspace(1.0, 2.0, width, dtype=fnp.float32)
        mu = fnp.ones(width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            # the prior is the same for every layer
            prior = fnp.outer(base, base) + self.scale * fnp.eye(width, dtype=fnp.float32)
            mu = fnp.maximum(mu @ w, 0.0) * fnp.sqrt(base)
            rows.append(mu + fnp.diag(prior))
        return fnp.stack(rows)
