"""``statistics.NormalDist`` of known numbers is the real one: a statistician's sample size
``ceil((z * sd / eps) ** 2)`` with ``z = NormalDist().inv_cdf(0.975)`` is a known number.

It was an unmodelled library result, taken as an integer read from data with no bound: every
op sized by it was unpriced (a lower bound of 0 at 8x2). Now the count is exact and is the real
flopscope's, at two sizes, also through NormalDist's arithmetic, properties and methods.
"""

from __future__ import annotations

from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import math
    from statistics import NormalDist

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    Z = NormalDist().inv_cdf(0.975)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = math.ceil((Z * 2.0 / 0.5) ** 2)                      # 62 samples
            spread = NormalDist(1.0, 2.0) * 3 + NormalDist(sigma=1.0)
            n += int(spread.stdev) + len(spread.quantiles(4)) + int(10 * NormalDist(sigma=2.0).cdf(1.0))
            x = fnp.random.default_rng(mlp.seed).standard_normal((n, mlp.width))
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                rows.append(fnp.mean(x, axis=0))
            return fnp.stack(rows)
    """


def test_a_sample_size_from_normal_dist_is_known(tmp_path):
    path = write_program(tmp_path, PROGRAM)
    assert_exact_at(path, [Point(8, 1, 2**41), Point(16, 2, 2**41)])
