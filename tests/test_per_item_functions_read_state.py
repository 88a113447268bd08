"""A function run between a generator's items that reads state the generator's body changes.

flopcast runs a generator's body whole at its first item; a consumer that calls the program's
function per item (takewhile, dropwhile, filter, map) then sees the state as the body left it,
where Python's sees it change item by item. ``takewhile``/``dropwhile`` over a generator whose
body had not run yet took no such check (the lazy path), and a bound method's receiver
(`self` in ``c.small``, the generator being ``c.gen``) was not seen as read: each was a false
exact. flopcast must now end the path there (a lower bound), or be exact and right. Each case is
checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import itertools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    STATE = {{"k": 0}}


    def gen(w, n):
        for i in range(n):
            STATE["k"] += 1
            yield w * STATE["k"]


    class C:
        def __init__(self):
            self.k = 0

        def gen(self, w, n):
            for i in range(n):
                self.k += 1
                yield w

        def small(self, x):
            return self.k < 3


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            c = C()
            acc = 0.0
            for x in {consumer}:
                acc = acc + x[0]
            return fnp.zeros((mlp.depth, mlp.width)) + acc
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CONSUMERS = {
    "takewhile_of_a_lambda_reading_a_global_dict": 'itertools.takewhile(lambda x: STATE["k"] < 3, gen(w, 5))',
    "dropwhile_of_a_lambda_reading_a_global_dict": 'itertools.dropwhile(lambda x: STATE["k"] < 3, gen(w, 5))',
    "takewhile_of_a_method_of_the_generators_object": "itertools.takewhile(c.small, c.gen(w, 5))",
    "dropwhile_of_a_method_of_the_generators_object": "itertools.dropwhile(c.small, c.gen(w, 5))",
    "filter_by_a_method_of_the_generators_object": "filter(c.small, c.gen(w, 5))",
}


@pytest.mark.parametrize("consumer", CONSUMERS.values(), ids=CONSUMERS.keys())
def test_a_per_item_function_reading_what_the_generator_changes_is_no_false_exact(tmp_path, consumer):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(consumer=consumer)))
    for point in POINTS:
        report = analyze(path, point)
        measured = measure(path, point)
        if report.lower_bound:
            assert report.total.lo <= measured.total, (report.total, measured.total)
        else:
            assert_exact_match(report, measured)


def test_takewhile_of_a_test_reading_only_its_item_stays_exact(tmp_path):
    """The check does not touch a test that reads only the item it is handed."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(
        consumer="itertools.takewhile(lambda x: x.shape[0] > 2, c.gen(w, 5))")))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.lower_bound, report.unpriced
        assert_exact_match(report, measure(path, point))
