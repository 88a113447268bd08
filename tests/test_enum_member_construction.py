"""An Enum's members are made as Python makes them: by the class's own ``__new__`` where it has
one (its ``_value_`` becomes the value, ``Kind("full")`` finds the member by it, a member whose
value an earlier one has is an alias and is not iterated), then the class's own ``__init__`` runs
on each with the value spread over its parameters (``FULL = ("full", 3)`` with
``__init__(self, label, passes)``, the planet example of Python's docs). flopcast ran neither:
``member.passes`` was unknown (a lower bound of almost nothing), and ``Kind("full")`` called the
user's ``__new__`` as a constructor, a TypeError claimed on every path where the run raises none.
Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import enum
    import functools
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Tactic(enum.Enum):
    {body}

        @functools.cached_property
        def weight(self):
            return self.passes * 2


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            t = {pick}
            x = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                for _ in range(t.passes + t.weight + len(Tactic)):
                    x = w.T @ x
                x = x / fnp.max(fnp.abs(x))
                rows.append(x)
            return fnp.stack(rows)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

INIT = """\
    FULL = ("full", 3)
    DIAG = ("diag", 1)

    def __init__(self, label, passes):
        self.label = label
        self.passes = passes"""
NEW = """\
    def __new__(cls, label, passes):
        obj = object.__new__(cls)
        obj._value_ = label
        obj.passes = passes
        return obj

    FULL = ("full", 3)
    DIAG = ("diag", 1)
    SAME = ("full", 5)"""
SINGLE = """\
    FULL = 3
    DIAG = 1

    def __init__(self, passes):
        self.passes = passes + 1"""

CASES = {
    "init_spreads_a_tuple": (INIT, "Tactic.FULL"),
    "init_by_value_lookup": (INIT, 'Tactic(("diag", 1))'),
    "new_sets_the_value": (NEW, 'Tactic("full")'),
    "new_value_alias": (NEW, "Tactic.SAME"),
    "init_single_value": (SINGLE, "Tactic(1)"),
}


@pytest.mark.parametrize("body,pick", CASES.values(), ids=CASES.keys())
def test_enum_members_are_made_by_the_classes_own_new_and_init(tmp_path, body, pick):
    assert_exact_at(write_program(tmp_path, PROGRAM, body=body, pick=pick), POINTS)
