"""The compares a caller makes of a count a stopped loop hands back (``if it > 4:``): where they are
all it reads of it, the work after the loop depends on where the loop stopped only through their
answers, which the stop's signature then holds (late_stops.Later.thresholds, Truth._priced_after).
Read from the syntax alone.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer import late_stops, value_flow
from flopcast.analyzer.values import Known


_COMPARED = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
             ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}


@dataclass(frozen=True)
class Thresholds:
    """The compares of a returned count with number constants that are all the caller reads of it
    (``if it > 4:``): its later work depends on where the loop stopped only through their answers."""

    tests: tuple  # ((op class, constant, whether the count is on the left), ...)

    def answers(self, value) -> tuple:
        """The answers of the compares for ``value`` (a known number); its signature for any other."""
        if value.__class__ is not Known or value.value.__class__ not in (int, float, bool):
            return ("?", late_stops.sign_by_value(value))
        n = value.value
        return tuple(_COMPARED[op](n, c) if left else _COMPARED[op](c, n) for op, c, left in self.tests)


def caller_thresholds(stmt: ast.stmt, caller: ast.AST, positions: int) -> tuple:
    """Per position of a returned tuple of ``positions`` items (one: the whole value), the
    Thresholds of the name ``stmt`` (the caller's statement whose whole value is the call) binds it
    to, where every read of that name in ``caller`` is one compare with a number constant, read as
    an ``if`` or ``while`` test or a whole operand of ``and``/``or``/``not`` in one (``if it > 4:``);
    None for any other (a name read otherwise, bound elsewhere too, declared global or nonlocal,
    read by a nested scope; a target that is no plain name)."""
    per_stmt = _COMPARES.setdefault(stmt, {})
    key = (id(caller), positions)
    if key not in per_stmt:
        per_stmt[key] = _caller_thresholds(stmt, caller, positions)
    return per_stmt[key]


_COMPARES: "weakref.WeakKeyDictionary[ast.stmt, dict]" = weakref.WeakKeyDictionary()


def _caller_thresholds(stmt: ast.stmt, caller: ast.AST, positions: int) -> tuple:
    if stmt.__class__ is ast.Assign and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif stmt.__class__ is ast.AnnAssign:
        target = stmt.target
    else:
        return (None,) * positions
    if target.__class__ is ast.Name:
        names = [target.id] * positions
    elif target.__class__ in (ast.Tuple, ast.List) and len(target.elts) == positions \
            and all(e.__class__ is ast.Name for e in target.elts):
        names = [e.id for e in target.elts]
    else:
        return (None,) * positions
    return tuple(_thresholds(name, caller, target) for name in names)


def _thresholds(name: str, caller: ast.AST, target: ast.expr) -> Optional[Thresholds]:
    parents = {id(c): n for n in ast.walk(caller) for c in ast.iter_child_nodes(n)}
    tests = []
    for n in ast.walk(caller):
        if n.__class__ in (ast.Global, ast.Nonlocal) and name in n.names:
            return None
        if n.__class__ is not ast.Name or n.id != name:
            continue
        if value_flow.nested(n, caller, parents):
            return None
        if n.ctx.__class__ is ast.Store:
            if not any(n is t for t in ast.walk(target)):
                return None  # bound elsewhere too: what it holds there is no count of this loop
            continue
        if n.ctx.__class__ is not ast.Load:
            return None
        up = parents.get(id(n))
        if up.__class__ is not ast.Compare or len(up.ops) != 1 or up.ops[0].__class__ not in _COMPARED:
            return None
        other = up.comparators[0] if up.left is n else up.left
        if other.__class__ is not ast.Constant or other.value.__class__ not in (int, float):
            return None
        test = up
        while parents.get(id(test)).__class__ is ast.BoolOp \
                or parents.get(id(test)).__class__ is ast.UnaryOp and parents[id(test)].op.__class__ is ast.Not:
            test = parents[id(test)]
        holder = parents.get(id(test))
        if holder.__class__ not in (ast.If, ast.While) or holder.test is not test:
            return None
        tests.append((up.ops[0].__class__, other.value, up.left is n))
    return Thresholds(tuple(sorted(set(tests), key=repr)))
