"""A choice between a number read from data and a known number of the same type (`mlp.seed or
7`, `mlp.seed if mlp.seed else 7`, `float(m) or 1.0`, `d2 if d2 > 1.0 else 1.0`) takes no site: a fresh number read from data
stands for what either arm gives, and both arms charge the same (covered_arms.py). It doubled
every path after it (a robust IRLS estimator: 49 runs for 25). Where a later test reads the
joined number, that test is the site, with both answers, and the interval holds both runs."""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.analyzer.api import run_point
from flopcast.analyzer.program import estimator_class, load_program
from flopcast.model import Point

POINTS = (Point(8, 2, 2**30), Point(16, 3, 2**30))

SEEDED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rng = fnp.random.default_rng({seed})
            x = rng.standard_normal((4, mlp.width))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                if float(fnp.max(x)) > 1e3:
                    x = x / 1e3
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """

DATA = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones((4, mlp.width))
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                d2 = float(fnp.sum(x * x))
                lam = {choice}
                rows.append(fnp.mean(x, axis=0) / lam)
            return fnp.stack(rows)
    """

TESTED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            s = {seed}
            x = fnp.ones((4, mlp.width))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            if s > 3:
                x = x @ mlp.weights[0]
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """


def _paths(path, point) -> int:
    program = load_program(path)
    return len(run_point(program, estimator_class(program, None), point, True).results)


#: a seed read from the MLP, defaulted where it is 0: each form picks one of two ints
SEED_DEFAULTS = ("mlp.seed or 7", "mlp.seed if mlp.seed else 7", "7 if not mlp.seed else mlp.seed")


@pytest.mark.parametrize("default", SEED_DEFAULTS)
@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_seed_default_explores_the_paths_of_a_fixed_seed(tmp_path, point, default):
    """The conditional expression forked every later path at its test (4 paths for 2)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    defaulted = write_program(tmp_path / "a", SEEDED, seed=default)
    fixed = write_program(tmp_path / "b", SEEDED, seed="7")
    assert _paths(defaulted, point) == _paths(fixed, point) == 2
    report = analyze(defaulted, point)
    assert [u.span.line for u in report.uncertain] == [11]  # the rescale guard, not the seed
    runs = [measure(defaulted, point, seed=seed).total for seed in (0, 1)]  # seed 0 takes the default
    assert all(report.total.lo <= run <= report.total.hi for run in runs), (runs, report.total)


@pytest.mark.parametrize("choice", ["float(fnp.max(x)) or 1.0", "d2 if d2 > 1.0 else 1.0"])
@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_float_default_used_only_as_data_takes_no_site_and_is_exact(tmp_path, point, choice):
    path = write_program(tmp_path, DATA, choice=choice)
    report = analyze(path, point)
    assert report.uncertain == [] and _paths(path, point) == 1
    assert report.total.exact and not report.unpriced
    assert report.total.lo == measure(path, point).total


@pytest.mark.parametrize("default", SEED_DEFAULTS)
@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_later_test_of_the_joined_number_is_the_site_and_the_interval_holds_both_runs(tmp_path, point, default):
    path = write_program(tmp_path, TESTED, seed=default)
    report = analyze(path, point)
    assert [u.span.line for u in report.uncertain] == [11]  # `if s > 3:`, not the seed's default
    default, small = (measure(path, point, seed=seed).total for seed in (0, 1))  # s is 7, then 1
    assert default > small
    assert (report.total.lo, report.total.hi) == (small, default)
