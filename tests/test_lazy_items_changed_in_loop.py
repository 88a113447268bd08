"""A loop over a lazy iterator whose body changes what the iterator's next items read.

flopcast makes a kept generator expression's items (and a map's sources) where they are
written; Python makes each when the loop asks for it. A body that changes what the next item
reads must end the path (a lower bound), not leave the items made before: each case below was
a false exact — the change made through ``setattr``, through a call of the program's function
(``swap(box)``), through an item store into the list the expression runs over
(``(f(w) for f in fns)`` with ``fns[-1] = g``: a list iterator reads the live list), or into
the list ``map`` runs over. Each is checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def sq(x):
        return x @ x


    def dbl(x):
        return x + x


    class Box:
        def __init__(self):
            self.f = sq

        def run(self, x):
            return self.f(x)


    def swap(box):
        box.f = dbl


    def swap_last(fns):
        fns[-1] = dbl


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            box = Box()
            fns = [sq, sq, sq]
            xs = {iterator}
            acc = 0.0
            for x in xs:
                {change}
                acc = acc + x[0]
            return fnp.zeros((mlp.depth, mlp.width)) + acc
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "setattr_of_what_a_generator_expression_calls": ("(getattr(box, 'run')(w) for _ in range(3))",
                                                     "setattr(box, 'f', dbl)"),
    "a_call_that_changes_what_a_generator_expression_calls": ("(box.run(w) for _ in range(3))", "swap(box)"),
    "an_item_store_into_the_list_a_generator_expression_runs_over": ("(f(w) for f in fns)", "fns[-1] = dbl"),
    "a_call_that_stores_into_the_list_a_generator_expression_runs_over": ("(f(w) for f in fns)", "swap_last(fns)"),
    "an_item_store_into_the_list_map_runs_over": ("map(lambda f: f(w), fns)", "fns[-1] = dbl"),
}


@pytest.mark.parametrize("iterator, change", CASES.values(), ids=CASES.keys())
def test_a_change_to_what_the_next_items_read_is_no_false_exact(tmp_path, iterator, change):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(iterator=iterator, change=change)))
    for point in POINTS:
        report = analyze(path, point)
        measured = measure(path, point)
        if report.lower_bound:
            assert report.total.lo <= measured.total, (report.total, measured.total)
        else:
            assert_exact_match(report, measured)


@pytest.mark.parametrize("iterator", ["(f(w) for f in fns)", "map(lambda f: f(w), fns)", "(box.run(w) for _ in range(3))"])
def test_a_body_that_changes_nothing_the_items_read_stays_exact(tmp_path, iterator):
    """The watch leaves a loop whose body calls code that changes nothing the items read."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(iterator=iterator, change="acc = acc + float(len(fns))")))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.lower_bound, report.unpriced
        assert_exact_match(report, measure(path, point))
