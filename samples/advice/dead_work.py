"""Work whose result is never used (FC104): flopscope charges it all the same.

`spread` was used by an earlier version of the update and is now computed for nothing;
`check` only feeds `spread`'s leftovers; the bare `fnp.mean(mu)` line is a debugging
leftover.
"""

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            pre = mu @ w
            spread = fnp.abs(pre - fnp.mean(pre))  # no longer used
            check = fnp.max(spread) * 2.0
            mu = fnp.maximum(pre, 0.0)
            fnp.mean(mu)
            rows.append(mu)
        return fnp.stack(rows)
