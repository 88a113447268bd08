"""Cost models that key memos by tuples of enum members, test enum members against a dict's
keys, and keep exact shares as ``fractions.Fraction`` are followed exactly (tiered_search in
the corpus). The real flopscope is the oracle.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at, assert_first_call_exact

from flopcast.model import Point

HEAD = """
import enum
from fractions import Fraction

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Tier(enum.IntEnum):
    A = 1
    B = 2


class Plain(enum.Enum):
    X = "x"
    Y = "y"
"""


def _write(tmp_path, body: str):
    path = tmp_path / "est.py"
    path.write_text(HEAD + textwrap.dedent(body))
    return path


def _work(n: str = "n") -> str:
    return f"""
                x = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
                for _ in range({n}):
                    x = x + 1.0
                return x
"""


def test_a_tuple_of_enum_members_is_a_dict_key_found_again(tmp_path):
    """A memo keyed by a tuple holding enum members (a recursive search's `key = (tiers, room)`):
    a tuple made apart with equal members finds the entry, and a missing one is surely missing
    (was: 'membership test on unknown values' and the store unfollowed, a lower bound)."""
    path = _write(tmp_path, """
        MEMO = {}

        def cost(tiers, room, _memo={}):
            key = (tuple(t for t in tiers), room)
            if key in _memo:
                return _memo[key] + 100
            got = sum(int(t) for t in tiers) * room
            _memo[key] = got
            return got

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                n = cost((Tier.A, Tier.B), 2)           # 6, stored
                n += cost([Tier.A, Tier.B], 2)          # found again: 106
                n += 1 if (Plain.X, 2) in MEMO else 0   # a plain Enum member: missing
                MEMO[(Plain.X, Tier.B)] = 5
                n += MEMO.get((Plain.X, 2), 0) + MEMO[(Plain.X, Tier.B)] + MEMO.get((Plain.X, 2.0), 3)
        """ + _work("n % 7 + 1"))
    assert_exact_at(path, [Point(8, 2, 10**6), Point(16, 3, 10**6)])


def test_a_known_tuple_finds_the_key_an_int_enum_tuple_made(tmp_path):
    """An IntEnum member is its number to Python: `(Tier.A, 3)` stored, `(1, 3)` finds it."""
    path = _write(tmp_path, """
        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                table = {(Tier.A, mlp.depth): 3}
                n = table[(1, mlp.depth)] + table.get((2, mlp.depth), 1)
        """ + _work())
    assert_exact_at(path, [Point(8, 2, 10**6)])


def test_an_enum_member_missing_from_a_dict_of_members_is_known_missing(tmp_path):
    """`Tier.A in outs` where `outs` is keyed by other members: False (was an unknown branch)."""
    path = _write(tmp_path, """
        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                outs = {Tier.B: 1, Plain.Y: 2}
                n = 1
                if Tier.A in outs:
                    n += 3
                if Plain.X not in outs:
                    n += 1
        """ + _work())
    assert_exact_at(path, [Point(8, 2, 10**6)])


def test_fractions_of_known_numbers_steer_the_plan_exactly(tmp_path):
    """`int(budget * Fraction(7, 10))`, sums and comparisons of Fractions (a cost model's exact
    shares) are the numbers Python makes (was: 'result of fractions.Fraction()', unknown)."""
    path = _write(tmp_path, """
        import itertools

        HEADROOM = Fraction(7, 10)
        SHARES = tuple(itertools.accumulate((Fraction(1, 2), Fraction(1, 4), Fraction("1/8"))))

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                room = int(budget * HEADROOM)
                score = sum((s * t for s, t in zip(SHARES, Tier)), Fraction(0))
                n = 3 if room > 5000 and score > Fraction(1, 1) else 1
                n += int(float(SHARES[-1]) * 8)
        """ + _work())
    assert_exact_at(path, [Point(8, 2, 10_000), Point(8, 2, 5_000)])


def test_a_fractions_parts_and_limit_denominator_steer_the_plan_exactly(tmp_path):
    """``.numerator``, ``.denominator``, ``.limit_denominator()`` and ``.as_integer_ratio()`` of a
    known Fraction are Python's (was: 'attribute not known on Known', a lower bound)."""
    path = _write(tmp_path, """
        RESERVE = Fraction(1, 20)

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                share = Fraction(budget, 3 * mlp.width).limit_denominator(7)
                n = RESERVE.denominator // RESERVE.numerator % 7 + share.numerator % 3
                n -= share.as_integer_ratio()[1] == 1
        """ + _work())
    assert_exact_at(path, [Point(8, 2, 10_000), Point(16, 2, 5_000)])


def test_a_fraction_in_the_module_globals_lets_later_calls_be_compared(tmp_path):
    """A Fraction global (or one kept on the instance) is a value the carried-state walk compares:
    the calls after the first are followed (was: 'holds values flopcast cannot compare')."""
    path = _write(tmp_path, """
        SHARE = Fraction(3, 4)

        class Estimator(BaseEstimator):
            def __init__(self):
                self.calls = 0
                self.last = Fraction(0)

            def predict(self, mlp, budget):
                self.calls = min(self.calls + 1, 2)
                self.last = SHARE * self.calls
                n = self.calls + int(self.last)
        """ + _work())
    from flopcast.analyzer import analyze

    report = analyze(path, Point(8, 2, 10**6))
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert_first_call_exact(path, Point(8, 2, 10**6))
