"""``x in K`` for a class K asks K's metaclass (``type(K).__contains__``), never K's own methods.

A registry metaclass with ``__contains__`` answers ``tag in Rule`` with Rule as its receiver;
``tag in RuleMeta`` (the metaclass itself, whose class is ``type``) and ``x in Plain`` raise
TypeError, as does a class whose metaclass defines no ``__contains__``. flopcast took all of
these for a membership test on unknown values: an interval that left out the TypeError the run
raises (the corpus's arccos_kernel asserted ``Tag.POLYA in RuleMeta`` in setup). Each case is
checked against the real flopscope.
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

    REG = {{}}


    class Meta(type):
        def __new__(mcls, name, bases, ns):
            cls = super().__new__(mcls, name, bases, ns)
            REG[name] = cls
            return cls

        def __contains__(cls, key):
            return key in REG


    class Bare(type):
        pass


    class Rule(metaclass=Meta):
        pass


    class Quiet(metaclass=Bare):
        pass


    class Plain:
        def __contains__(self, key):
            return True


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = mlp.weights[0]
            try:
                if {test}:
                    x = x @ x
            except TypeError:
                x = x + x
            return fnp.zeros((mlp.depth, mlp.width)) + x[0]
    """
POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

TESTS = {
    "metaclass_contains_holds": '"Rule" in Rule',
    "metaclass_contains_misses": '"Nope" in Rule',
    "not_in_through_the_metaclass": '"Nope" not in Rule',
    "the_metaclass_itself_is_no_container": '"Rule" in Meta',
    "a_plain_class_is_no_container_whatever_its_instances_hold": '"k" in Plain',
    "a_metaclass_without_contains": '"Quiet" in Quiet',
}


@pytest.mark.parametrize("test", TESTS.values(), ids=TESTS.keys())
def test_membership_in_a_class_asks_its_metaclass(tmp_path, test):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(test=test)))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises, (report.total, report.raises)
        assert_exact_match(report, measure(path, point))
