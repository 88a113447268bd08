"""Module bodies that raise, loop, recurse and rebind the estimator name."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator

TABLE = [i * i for i in range(1000)]
while len(TABLE) > 10:
    TABLE.pop()


def boom():
    raise RuntimeError("at import")


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        return fnp.zeros((mlp.depth, mlp.width)) + len(TABLE)


try:
    boom()
except RuntimeError:
    pass

Alias = Estimator
if len(TABLE) > 100:
    Estimator = None
