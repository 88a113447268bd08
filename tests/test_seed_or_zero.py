"""`mlp.seed or 0` is the seed whatever its truth: a false int is 0 itself, so Python's
short-circuit picks no other value and the analysis opens no value-dependent site there (it
did, and so doubled every path after it and kept a sampling helper that meets it from being
shared across paths: ridge_sweep's `default_rng(1000 + (mlp.seed or 0))`)."""

from __future__ import annotations

from oracle import assert_exact_at, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rng = fnp.random.default_rng(1000 + ({seed}))
            x = rng.standard_normal((4, mlp.width))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """

POINTS = (Point(8, 2, 2**26), Point(16, 3, 2**26))


def test_seed_or_zero_opens_no_site_and_is_exact(tmp_path):
    path = write_program(tmp_path, PROGRAM, seed="mlp.seed or 0")
    assert all(analyze(path, point).uncertain == [] for point in POINTS)
    assert_exact_at(path, POINTS)


def test_seed_or_another_default_joins_into_one_seed_read_from_data(tmp_path):
    # `mlp.seed or 5` is 5 where the seed is 0: another value, but an int as the seed is, so one
    # int read from data stands for both and no site is asked (covered_arms.py)
    path = write_program(tmp_path, PROGRAM, seed="mlp.seed or 5")
    assert all(analyze(path, point).uncertain == [] for point in POINTS)
    assert_exact_at(path, POINTS)
