"""Enum members steer the work exactly, against the real flopscope (FINDINGS #47).

tests/fixtures/constructs/enum_members.py keys dicts by enum members and iterates them (the
members come back, not numbers standing for them: before, `for mode in modes: if mode is
Mode.SLOW` never matched and the count was a false exact), and uses IntEnum members as the
numbers they are: ordered, added, negated as a sort key, `int()`, `range()`, a list index,
a false truth value at 0, `max()` of members, a dict lookup by the plain number.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "constructs" / "enum_members.py"


@pytest.mark.parametrize("width,depth", [(8, 1), (8, 2), (16, 3)])
def test_enum_members_as_keys_and_numbers_steer_the_work_exactly(width, depth):
    point = Point(width, depth, 2**41)
    report = analyze(FIXTURE, point)
    assert not report.unpriced, report.unpriced
    assert not report.uncertain, report.uncertain
    assert_exact_match(report, measure(FIXTURE, point), f" at {width}x{depth}")


FLAGS = Path(__file__).resolve().parent / "fixtures" / "constructs"


@pytest.mark.parametrize("name", ["flag_auto.py", "flag_members.py", "flag_operators.py"])
@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_flag_members_are_numbered_and_iterated_as_python_does(name, width, depth):
    # auto() in a Flag counts 1, 2, 4, 8 (flopcast counted 1, 2, 3: a false exact on flag_auto);
    # `FULL = MEAN | VAR` in the body, Cap(0)/Cap(3), len() and iteration without combinations
    # or aliases, an Enum's auto() after explicit values (FINDINGS-s15 corpus11 F1)
    point = Point(width, depth, 2**41)
    report = analyze(FLAGS / name, point)
    assert not report.unpriced, report.unpriced
    assert not report.uncertain, report.uncertain
    assert_exact_match(report, measure(FLAGS / name, point), f" {name} at {width}x{depth}")
