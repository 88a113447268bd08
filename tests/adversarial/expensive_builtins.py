"""Known-value Python that would take hours or all memory to evaluate: never evaluated blindly."""
import math

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        a = sum(range(10**12))
        b = len(list(range(10**9)))
        c = math.factorial(10**6)
        d = math.comb(10**6, 5 * 10**5)
        e = str(10**5000)
        f = [0] * (10**9)
        g = "x" * (10**9)
        h = pow(10, 10**8)
        i = 1 << 10**7
        j = max(range(10**10))
        k = sorted(range(10**9))
        m = len(range(10**18))
        return fnp.zeros((mlp.depth, mlp.width))
