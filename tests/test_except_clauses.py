"""An except clause catches by the classes its expression holds, not by the expression's name.

``except self.errors:``, ``except Config.RETRY:``, ``except HANDLERS["k"]:`` hold a class or a
tuple of them that the program chose; matching the attribute's or key's name against the
raised class's name would let a KeyError through ``except self.other:`` (a false exact: the
raise claimed, the handler's work missed). Each case is checked against the real flopscope.
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

    HANDLERS = {{"k": KeyError, "v": ValueError}}


    class Estimator(BaseEstimator):
        RETRY = (KeyError, IndexError)

        def setup(self, context):
            self.errors = (ValueError,)
            self.other = KeyError

        def predict(self, mlp, budget):
            x = mlp.weights[0]
            try:
                try:
                    raise KeyError("k")
                except {inner}:
                    y = x @ x @ x
            except {outer}:
                y = x + x
            return fnp.zeros((mlp.depth, mlp.width)) + y[0]
    """
POINT = Point(16, 2, 2**41)
POINTS = (POINT, Point(32, 3, 2**41))  # each exact claim checked at two sizes

CLAUSES = {
    "attribute_of_self_misses_then_catches": ("self.errors", "self.other"),
    "attribute_of_self_catches": ("self.other", "self.errors"),
    "class_attribute_tuple": ("Estimator.RETRY", "Exception"),
    "dict_item": ('HANDLERS["k"]', "Exception"),
    "dict_item_that_misses": ('HANDLERS["v"]', "LookupError"),
    "tuple_built_from_attributes": ("self.errors + (self.other,)", "Exception"),
    # Python evaluates the whole tuple before matching: the name never defined raises NameError
    # though KeyError follows it (flopcast matched KeyError by its name: a false exact)
    "name_never_defined_before_the_class": ("(LinAlgError, KeyError)", "NameError"),
}


@pytest.mark.parametrize("inner, outer", CLAUSES.values(), ids=CLAUSES.keys())
def test_an_except_clause_catches_by_the_classes_it_holds(tmp_path, inner, outer):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(inner=inner, outer=outer)))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises, report.raises
        assert_exact_match(report, measure(path, point))
