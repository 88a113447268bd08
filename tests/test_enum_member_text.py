"""``str()``, ``repr()``, f-strings and format specs of an enum member give the text Python gives
for its kind of enum (an IntEnum's and a StrEnum's str is the value, a plain Enum's and a
``(str, Enum)`` mixin's ``Kind.NAME``, a Flag's combination ``Feat.A|C``, a repr
``<Kind.NAME: value>``), asked of a real enum class made like the analysed one. flopcast knew none
of them: a count steered by the text (a dict keyed by ``f"{mode}"``, a label's length) was a lower
bound. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import enum
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Plain(enum.Enum):
        FULL = "full"
        DIAGONAL = ("diag", 2)


    class Level(enum.IntEnum):
        LOW = 3
        HIGH = 12


    class Name(enum.StrEnum):
        FULL = "full"


    class Mixed(str, enum.Enum):
        FULL = "full"


    class Feat(enum.Flag):
        A = 1
        B = 2
        C = 4


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                for _ in range(len({text}) % 7):
                    x = w.T @ x
                x = x / fnp.max(fnp.abs(x))
                rows.append(x)
            return fnp.stack(rows)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

TEXTS = {
    "enum_str": "str(Plain.FULL)",
    "enum_repr_tuple_value": "repr(Plain.DIAGONAL)",
    "enum_fstring_spec": 'f"{Plain.FULL:>12}"',
    "intenum_str_and_repr": 'f"{Level.HIGH}{Level.LOW!r}"',
    "intenum_spec_formats_the_value": 'f"{Level.HIGH:05d}"',
    "strenum_str": "str(Name.FULL) + repr(Name.FULL)",
    "mixin_str": 'f"{Mixed.FULL}"',
    "flag_combination": "str(Feat.A | Feat.C) + repr(Feat.B)",
    "dict_key_by_fstring": '{"Plain.FULL": "abcdefghij"}.get(f"{Plain.FULL}", "")',
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_enum_members_read_as_text_as_python_gives_it(tmp_path, text):
    assert_exact_at(write_program(tmp_path, PROGRAM, text=text), POINTS)


LENGTHS = {"strenum": "' ' * len(Name.FULL)", "str_mixin": "' ' * len(Mixed.FULL) * 2"}


@pytest.mark.parametrize("text", LENGTHS.values(), ids=LENGTHS.keys())
def test_the_length_of_a_text_enum_member_is_its_texts(tmp_path, text):
    # a StrEnum's or a (str, Enum) mixin's member is a str: len() is its value's (a lower bound before)
    assert_exact_at(write_program(tmp_path, PROGRAM, text=text), POINTS)
