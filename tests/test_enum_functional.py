"""Enum's functional API (``T = enum.Enum("T", ["FULL", "DIAG"])``, a string of names, name-value
pairs, a dict, ``start=``, and the Flag, IntEnum and StrEnum forms) makes the members a class
statement makes: their values, aliases, ``len``, lookups by value and name, and Python's own
refusals steer the count exactly. flopcast left such a class unknown: every count read from it
was unpriced (a lower bound). The same call on a user's enum class without members
(``Base("T", "A B")``) makes a class deriving from it; flopcast took it for a lookup by value and
claimed its ValueError (a false exact where the module catches it). Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, write_program

from flopcast.model import Point

PROGRAM = """\
    import enum
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Base(enum.Enum):
        def twice(self):
            return self.value * 2


    try:
        {define}
        n0 = 0
    except (TypeError, ValueError):
        n0 = 4


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = n0 or {count}
            x = fnp.ones(mlp.width)
            for _ in range(n):
                x = mlp.weights[0].T @ x
            return fnp.zeros((mlp.depth, mlp.width)) + x
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CASES = {
    "list_of_names": ('T = enum.Enum("T", ["FULL", "DIAG", "MEAN"])', "T.DIAG.value + len(T)"),
    "string_of_names": ('T = enum.Enum("T", "FULL, DIAG")', "T.DIAG.value * 2 + T['FULL'].value"),
    "dict_of_values": ('T = enum.Enum("T", {"FULL": 3, "DIAG": 5})', "T.DIAG.value"),
    "pairs_with_an_alias": ('T = enum.Enum("T", [("A", 2), ("B", 2), ("C", 4)])',
                            "len(T) + (T.B is T.A) + T(4).value"),
    "start": ('T = enum.Enum("T", "A B C", start=3)', "sum(m.value for m in T) - 7"),
    "flag": ('T = enum.Flag("T", "R W X")', "(T.R | T.X).value + len(T)"),
    "int_enum": ('T = enum.IntEnum("T", "A B")', "T.B + 1"),
    "str_enum": ('T = enum.StrEnum("T", "ALPHA BETA")', "len(T.BETA.value) + (T.ALPHA == 'alpha')"),
    "a_name_twice_raises": ('T = enum.Enum("T", "A B A")', "len(T)"),
    "on_a_users_class": ("T = Base('T', 'A B C')", "T.B.twice() + len(T)"),
}


@pytest.mark.parametrize("define,count", CASES.values(), ids=CASES.keys())
def test_a_functional_enum_steers_the_count_exactly(tmp_path, define, count):
    assert_exact_at(write_program(tmp_path, PROGRAM, define=define, count=count), POINTS)


def test_the_functional_api_on_a_class_with_members_is_not_claimed(tmp_path):
    # Python refuses to extend an enum with members (TypeError): not modelled, not claimed
    path = write_program(tmp_path, PROGRAM.replace("def twice(self):", "X = 1\n\n        def twice(self):"),
                         define="T = Base('T', 'A B')", count="len(T)")
    for point in POINTS:
        assert_first_call_below_run(path, point)
