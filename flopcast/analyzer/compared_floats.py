"""A float read from data that a site compared with a number: later tests of the same float
against the same number follow that answer.

`if spread > 0.3:` then `if spread <= 0.3:` of one local were two sites, each answering both
ways, so a path ran neither arm (or both) where no run can. Once a site answered `x <op> c`, the
local ``x`` is bound to a copy of its unknown that carries where the number lies relative to
``c``: a set of the regions below, equal, above, and NaN (a NaN compares False, and unequal).
A later test of that value against the same ``c`` whose answer is the same in every region left
is answered so, as a consultation of the sites that narrowed it (Decisions.consult_again: the
joins see their answers there). One the regions do not decide (`x > c` False leaves below,
equal and NaN: `x <= c` is still open) is a site as before, and narrows the regions further.

The knowledge rides on the value (``Unknown.compared``), not on the name or the object's
identity: an unknown may stand for several numbers (a recorded call's result, a steady loop's
skipped items are the same object), but a copy is made only here, bound to the tested local,
and whatever holds it holds the number that was compared. It is part of the value's canonical
form, so two states that look equal make the same moves (canonical.py); a join's walk writes
only the sites, as for a narrowed bool (joins._NarrowedWalk).
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

from flopcast.analyzer.values import Known, Unknown

_BELOW, _EQUAL, _ABOVE, _NAN = "below", "equal", "above", "nan"
_EVERY = frozenset({_BELOW, _EQUAL, _ABOVE, _NAN})

#: the regions of x relative to c where `x <op> c` holds
_HOLDS = {ast.Gt: frozenset({_ABOVE}), ast.GtE: frozenset({_EQUAL, _ABOVE}), ast.Lt: frozenset({_BELOW}),
          ast.LtE: frozenset({_BELOW, _EQUAL}), ast.Eq: frozenset({_EQUAL}),
          ast.NotEq: frozenset({_BELOW, _ABOVE, _NAN})}
#: `c <op> x` as `x <op'> c`
_MIRRORED = {ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A test `x <op> c` (or `c <op> x`, mirrored; ``negated``: under `not`) of a float read from
    data ``value`` held by ``name`` (None: not a plain name) against a known number ``c``."""

    value: Unknown
    name: Optional[ast.Name]
    op: type
    c: float
    negated: bool = False


def of_test(test: ast.expr, peek) -> Optional[Comparison]:
    """The comparison a test is, read with ``peek`` (Truth.peek: what a name or a number in a test
    just evaluated holds) without evaluating anything again; None where it is not one."""
    negated = test.__class__ is ast.UnaryOp and test.op.__class__ is ast.Not
    if negated:
        test = test.operand
    if test.__class__ is not ast.Compare or len(test.ops) != 1 or test.ops[0].__class__ not in _HOLDS:
        return None
    left, right, op = test.left, test.comparators[0], test.ops[0].__class__
    lv, rv = peek(left), peek(right)
    if lv.__class__ is Known and rv.__class__ is Unknown:
        left, right, lv, rv, op = right, left, rv, lv, _MIRRORED[op]
    if lv.__class__ is not Unknown or lv.kind != "float" or rv.__class__ is not Known \
            or type(rv.value) not in (int, float) or rv.value != rv.value:
        return None  # (a NaN bound: every region compares False with it)
    return Comparison(lv, left if left.__class__ is ast.Name else None, op, rv.value, negated)


def answer(comparison: Comparison) -> Optional[tuple[bool, tuple]]:
    """(the answer, the (site, answer) consultations that decided it) where earlier answers about
    the same value and number leave one; None where the test is open."""
    for c, regions, consulted in comparison.value.compared:
        if c == comparison.c:
            holds = _HOLDS[comparison.op]
            if regions <= holds:
                return not comparison.negated, consulted
            if not regions & holds:
                return comparison.negated, consulted
            return None
    return None


def narrowed(comparison: Comparison, site, taken: bool) -> Unknown:
    """A copy of the compared value that knows ``site`` answered ``taken`` to the comparison."""
    value, holds = comparison.value, _HOLDS[comparison.op]
    kept = []
    regions, consulted = _EVERY, ()
    for entry in value.compared:
        if entry[0] == comparison.c:
            regions, consulted = entry[1], entry[2]
        else:
            kept.append(entry)
    regions = regions & holds if taken != comparison.negated else regions - holds
    kept.append((comparison.c, regions, consulted + ((site, taken),)))
    return dataclasses.replace(value, compared=tuple(kept))


def form(compared: tuple, knowledge: bool) -> tuple:
    """The knowledge as part of a canonical form: with ``knowledge``, the regions and answers;
    without (a join's walk), the numbers and the sites only (which block ran shows in those
    sites' own joins, as for a narrowed bool)."""
    if knowledge:
        return tuple((c, tuple(sorted(regions)), tuple((site.key, a) for site, a in consulted))
                     for c, regions, consulted in compared)
    return tuple((c, tuple(site.key for site, _ in consulted)) for c, _, consulted in compared)
