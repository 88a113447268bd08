"""``NAME = enum.auto()`` takes the value the class's ``_generate_next_value_`` gives: StrEnum's,
the name in lower case; one the body defines before its members (or a base enum of the user's
does), called as ``_EnumDict`` calls it, ``(name, start, count, last_values)``. flopcast numbered
every auto() 1, 2, 3: ``len(Kind.FULL.value)`` of a StrEnum was a TypeError claimed on every path
(predicted 0, raises) where the run raises none. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import enum
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    {defs}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                for _ in range({count}):
                    x = w.T @ x
                x = x / fnp.max(fnp.abs(x))
                rows.append(x)
            return fnp.stack(rows)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

STRENUM = """class Kind(enum.StrEnum):
    FULL = enum.auto()
    DIAGONAL = enum.auto()"""
GENERATED = """class Kind(enum.Enum):
    def _generate_next_value_(name, start, count, last_values):
        return (len(name) + count, name.lower())

    FULL = enum.auto()
    DIAGONAL = enum.auto()"""
INHERITED = """class Base(enum.Enum):
    def _generate_next_value_(name, start, count, last_values):
        return len(name) * 10 + start


class Kind(Base):
    FULL = enum.auto()
    DIAGONAL = enum.auto()"""

CASES = {
    "strenum_lower_name": (STRENUM, "len(Kind.DIAGONAL.value) - len(Kind.FULL.value)"),
    "strenum_lookup_by_name": (STRENUM, 'len(Kind("full").value)'),
    "body_generate_next_value": (GENERATED, "Kind.DIAGONAL.value[0] - len(Kind.FULL.value[1])"),
    "inherited_generate_next_value": (INHERITED, "Kind.FULL.value // 20"),
}


@pytest.mark.parametrize("defs,count", CASES.values(), ids=CASES.keys())
def test_auto_takes_the_value_the_classes_generate_next_value_gives(tmp_path, defs, count):
    assert_exact_at(write_program(tmp_path, PROGRAM, defs=defs, count=count), POINTS)
