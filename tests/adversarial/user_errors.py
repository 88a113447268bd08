"""The program's own errors on known values: each is a finding (a raise), never flopcast's crash."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def helper(self):
        return 1

    def predict(self, mlp, budget):
        caught = 0
        for attempt in range(12):
            try:
                if attempt == 0:
                    int("x")
                elif attempt == 1:
                    len(5)
                elif attempt == 2:
                    [1][5]
                elif attempt == 3:
                    {}["a"]
                elif attempt == 4:
                    1 / 0
                elif attempt == 5:
                    None.shape
                elif attempt == 6:
                    a, b = (1, 2, 3)
                elif attempt == 7:
                    self.helper(1, 2)
                elif attempt == 8:
                    fnp.ones((3, 4)) @ fnp.ones((5, 6))
                elif attempt == 9:
                    fnp.zeros(-1)
                elif attempt == 10:
                    mlp.weights[0].reshape(7, 7)
                else:
                    "a" + 1
            except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, AttributeError):
                caught += 1
        return fnp.zeros((mlp.depth, mlp.width)) + caught + fnp.ones(3) @ fnp.ones(4)
