"""``random.Random(seed)`` of a known seed against the real flopscope: the analysis draws from a
real generator as the run does, so a sample count, a subset of layers, a picked function or a
coin flip drawn from it is the run's, at two sizes; kept on the instance, each MLP's call draws
on from where the last one stopped, and each call's count is the run's. Seeded by the system or
by data, its integer and float draws are numbers read from data (an interval); what it picks
from a sequence, and a shuffle of a list, are not modelled: a lower bound."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, measure_calls, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 4, 2**41)]

PROGRAM = """\
    import random

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.rng = random.Random({seed})

        def predict(self, mlp, budget):
            {rng}
            n = rng.randint(2, 9) + int(rng.uniform(0, 3)) + round(abs(rng.gauss(0.0, 2.0)))
            state = rng.getstate()
            layers = rng.sample(list(mlp.weights), k=max(1, mlp.depth - 1))
            rng.setstate(state)
            again = rng.sample(range(mlp.depth), k=max(1, mlp.depth - 1))
            pick = rng.choice([fnp.tanh, fnp.exp, fnp.sin])
            ks = rng.choices(range(1, 4), weights=[1, 2, 3], k=2)
            x = fnp.ones((n, mlp.width))
            for w, i in zip(layers, again):
                x = pick(x @ w) * float(ks[0] + i)
            if rng.random() < 0.5:
                x = fnp.sqrt(fnp.abs(x))
            {more}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """


@pytest.mark.parametrize("seed", ["1234", '"whest"', "b'\\\\x07'", "2.5"])
def test_draws_of_a_seeded_generator_made_in_predict_steer_the_work_exactly(tmp_path, seed):
    path = write_program(tmp_path, PROGRAM, seed="None", rng=f"rng = random.Random({seed} + mlp.width * 0)"
                         if seed[0] in "12" else f"rng = random.Random({seed})", more="")
    assert_exact_at(path, POINTS)


def test_a_generator_kept_on_the_instance_draws_on_at_each_call(tmp_path):
    path = write_program(tmp_path, PROGRAM, seed="7", rng="rng = self.rng", more="")
    point = Point(16, 4, 2**41)
    report = analyze(path, point)
    runs = [m.total for m in measure_calls(path, point, len(report.per_call))]
    assert len(set(runs)) > 1, runs  # the calls cost otherwise: the state carried over is what is checked
    assert [c.lo for c in report.per_call] == runs and all(c.exact for c in report.per_call), (report.per_call, runs)


UNKNOWN_STATE = """\
    import random

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            {rng}
            n = rng.randint(2, 9) + 3
            x = fnp.ones((n, mlp.width)) * rng.uniform(0.5, 1.5)
            for w in mlp.weights[:rng.randrange(1, mlp.depth + 1)]:
                x = fnp.maximum(x @ w, 0.0)
            if rng.random() < 0.5:
                x = fnp.sqrt(x)
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """


@pytest.mark.parametrize("rng", [
    "rng = random.Random()",  # seeded by the operating system
    "rng = random.Random(mlp.seed)",  # seeded by a number flopcast does not know
    "rng = random.Random(3)\n        rng.seed()",  # reseeded by the system
    "rng = random.Random()\n        rng.seed(mlp.seed)",  # reseeded by data: still not known
], ids=["unseeded", "seeded_by_data", "reseeded_from_the_system", "unknown_reseeded_by_data"])
def test_draws_of_a_generator_whose_seed_is_not_known_are_read_from_data(tmp_path, rng):
    # randint/randrange of known bounds are integers read from data within them, the float
    # draws floats read from data: an interval that holds the run, never a claim of one number
    path = write_program(tmp_path, UNKNOWN_STATE, rng=rng)
    for point in POINTS:
        report = analyze(path, point)
        run = measure_calls(path, point, 1)[0].total
        assert not report.unpriced and not report.total.exact, (report.unpriced, report.total)
        assert report.total.contains(run), (report.total, run)


def test_a_known_reseed_makes_the_draws_known_again(tmp_path):
    path = write_program(tmp_path, UNKNOWN_STATE, rng="rng = random.Random()\n        rng.seed(11)")
    assert_exact_at(path, POINTS)


def test_what_a_generator_whose_seed_is_not_known_picks_ends_the_path(tmp_path):
    path = write_program(tmp_path, UNKNOWN_STATE, rng="rng = random.Random()\n        w0 = rng.choice(mlp.weights)")
    assert_first_call_below_run(path, Point(16, 4, 2**41))


def test_a_shuffle_ends_the_path(tmp_path):
    path = write_program(tmp_path, PROGRAM, seed="None", rng="rng = random.Random(3)",
                         more="rng.shuffle(layers)\n        x = x @ layers[0]")
    assert_first_call_below_run(path, Point(16, 4, 2**41))
