"""A plain Enum's members compare by identity (Enum defines no ``__eq__``): ``list.index``,
``list.count`` and ``list.remove`` over members find them, and ``member == obj`` asks ``obj``'s
reflected ``__eq__`` when its class has one. flopcast took the members for operands whose
equality it could not know: ``list(Kind).index(member)`` was unpriced ("whether an item equals
it depends on values", a lower bound) and ``Kind.A == Anything()`` answered False where Python
asks ``Anything.__eq__`` (True): a false exact. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import enum
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Kind(enum.Enum):
        FULL = "full"
        DIAG = "diag"
        MEAN = "mean"


    class Anything:
        def __eq__(self, other):
            return True


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.zeros(mlp.width)
            for w in mlp.weights:
                for _ in range({reps}):
                    x = w.T @ x
            return fnp.zeros((mlp.depth, mlp.width)) + x
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

REPS = {
    "index_of_a_member": "list(Kind).index(Kind.MEAN)",
    "count_of_a_member": "[Kind.DIAG, Kind.FULL, Kind.DIAG].count(Kind.DIAG) + 1",
    "remove_then_index": "(lambda ks: ks.remove(Kind.FULL) or ks.index(Kind.MEAN) + 1)(list(Kind))",
    "member_with_a_plain_value": "[1, 'diag', Kind.DIAG].index(Kind.DIAG)",
    "reflected_user_eq": "3 if Kind.FULL == Anything() else 1",
    "reflected_user_ne": "3 if Kind.FULL != Anything() else 1",
}


@pytest.mark.parametrize("reps", REPS.values(), ids=REPS.keys())
def test_enum_members_compare_as_python_compares_them(tmp_path, reps):
    assert_exact_at(write_program(tmp_path, PROGRAM, reps=reps), POINTS)
