"""0-d arrays indexed, reshaped and iterated; an out-of-range index is the program's IndexError."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        total = fnp.sum(mlp.weights[0])
        a = total[()]
        b = total[...]
        c = total[None]
        d = total.reshape(1)
        e = float(total)
        try:
            total[0]
        except IndexError:
            e = 0.0
        try:
            for _ in total:
                pass
        except TypeError:
            pass
        out = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
        return out + a + b + c[0] + d[0] + e
