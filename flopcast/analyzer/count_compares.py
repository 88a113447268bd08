"""The compares a caller makes of a count a stopped loop hands back (``if it > 4:``): where they are
all it reads of it, the work after the loop depends on where the loop stopped only through their
answers, which the stop's signature then holds (late_stops.Later.thresholds, Truth._priced_after).
Read from the syntax alone.
"""

from __future__ import annotations

import ast
import math
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
    (``if it > 4:``), or of names the caller binds to pure math of it (``r = math.log2(it + 1)``
    then ``if r > 2.0:``): its later work depends on where the loop stopped only through their
    answers."""

    # ((op class, constant, whether the compared name is on the left, the steps from the count to
    # it: ((name read, expression of it), ...), none for the count itself), ...)
    tests: tuple

    def answers(self, value) -> tuple:
        """The answers of the compares for ``value`` (a known number); its signature for any other."""
        if value.__class__ is not Known or value.value.__class__ not in (int, float, bool):
            return ("?", late_stops.sign_by_value(value))
        return tuple(_answer(op, c, left, steps, value.value) for op, c, left, steps in self.tests)


def _answer(op, c, left: bool, steps: tuple, n):
    """One compare's answer for the count ``n``, through its steps of math: the run computes the
    same numbers with the same Python math; where one raises (``math.log2(0)``), so does the run."""
    try:
        for name, expression in steps:
            n = _evaluate(expression, name, n)
        return _COMPARED[op](n, c) if left else _COMPARED[op](c, n)
    except (ArithmeticError, ValueError) as e:
        return ("raises", e.__class__.__name__)


#: the math a count is followed through: functions of one number of the math module and builtins
_MATH = frozenset({"log2", "log10", "log", "sqrt", "exp", "floor", "ceil"})
_BUILTINS = {"int": int, "float": float, "abs": abs}
_ARITHMETIC = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
               ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b}


def _evaluate(node: ast.expr, name: str, n):
    """``node`` (_pure) with ``name`` holding ``n``."""
    cls = node.__class__
    if cls is ast.Name:
        return n
    if cls is ast.Constant:
        return node.value
    if cls is ast.UnaryOp:
        value = _evaluate(node.operand, name, n)
        return -value if node.op.__class__ is ast.USub else +value
    if cls is ast.BinOp:
        return _ARITHMETIC[node.op.__class__](_evaluate(node.left, name, n), _evaluate(node.right, name, n))
    func = node.func
    value = _evaluate(node.args[0], name, n)
    return getattr(math, func.attr)(value) if func.__class__ is ast.Attribute else _BUILTINS[func.id](value)


def _pure(node: ast.AST, name: str) -> bool:
    """Whether ``node`` is math of ``name`` and number constants alone that the run and _evaluate
    compute alike: ``+ - * / //``, a sign, ``math.log2`` and its kin, ``int``, ``float``, ``abs``
    (the names ``math``, ``int``, ``float`` and ``abs`` checked as unbound in the module: _plain)."""
    cls = node.__class__
    if cls is ast.Name:
        return node.id == name
    if cls is ast.Constant:
        return node.value.__class__ in (int, float)
    if cls is ast.UnaryOp:
        return node.op.__class__ in (ast.USub, ast.UAdd) and _pure(node.operand, name)
    if cls is ast.BinOp:
        return node.op.__class__ in _ARITHMETIC and _pure(node.left, name) and _pure(node.right, name)
    if cls is not ast.Call or len(node.args) != 1 or node.keywords or not _pure(node.args[0], name):
        return False
    func = node.func
    if func.__class__ is ast.Name:
        return func.id in _BUILTINS
    return func.__class__ is ast.Attribute and func.attr in _MATH and func.value.__class__ is ast.Name \
        and func.value.id == "math"


def caller_thresholds(stmt: ast.stmt, caller: ast.AST, positions: int, module=None) -> tuple:
    """Per position of a returned tuple of ``positions`` items (one: the whole value), the
    Thresholds of the name ``stmt`` (the caller's statement whose whole value is the call) binds it
    to, where every read of that name in ``caller`` is one compare with a number constant, read as
    an ``if`` or ``while`` test or a whole operand of ``and``/``or``/``not`` in one (``if it > 4:``);
    None for any other (a name read otherwise, bound elsewhere too, declared global or nonlocal,
    read by a nested scope; a target that is no plain name). A read in pure math of the count (_pure)
    that is the whole value of a plain name bound nowhere else is followed into that name's compares
    where ``module`` (program.Module, the caller's) binds none of the names the math calls but by
    ``import math``."""
    per_stmt = _COMPARES.setdefault(stmt, {})
    key = (id(caller), positions)
    if key not in per_stmt:
        per_stmt[key] = _caller_thresholds(stmt, caller, positions, module is not None and _plain(module.tree))
    return per_stmt[key]


_COMPARES: "weakref.WeakKeyDictionary[ast.stmt, dict]" = weakref.WeakKeyDictionary()


def _caller_thresholds(stmt: ast.stmt, caller: ast.AST, positions: int, plain: bool) -> tuple:
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
    return tuple(_thresholds(name, caller, target, plain) for name in names)


def _plain(tree: ast.Module) -> bool:
    """Whether nothing in ``tree`` binds ``math`` (but ``import math``), ``int``, ``float`` or ``abs``."""
    found = _PLAIN.get(tree)
    if found is None:
        named = {"math", *_BUILTINS}
        found = _PLAIN[tree] = not any(
            n.__class__ is ast.Name and n.ctx.__class__ is not ast.Load and n.id in named
            or n.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef) and n.name in named
            or n.__class__ is ast.arg and n.arg in named
            or n.__class__ in (ast.Global, ast.Nonlocal) and named & set(n.names)
            or n.__class__ in (ast.Import, ast.ImportFrom) and any(
                (a.asname or a.name.partition(".")[0]) in named and (n.__class__ is ast.ImportFrom or a.name != "math"
                                                                     or a.asname is not None) for a in n.names)
            for n in ast.walk(tree))
    return found


_PLAIN: "weakref.WeakKeyDictionary[ast.Module, bool]" = weakref.WeakKeyDictionary()

#: how many names bound from math of the count are followed, one from the other
_STEPS = 3


def _thresholds(name: str, caller: ast.AST, target: ast.expr, plain: bool, depth: int = 0) -> Optional[Thresholds]:
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
        if up.__class__ is not ast.Compare:
            # pure math of the count, the whole value of a name read only in such compares
            top = n
            while plain and parents.get(id(top)).__class__ in (ast.BinOp, ast.UnaryOp, ast.Call) \
                    and _pure(parents[id(top)], name):
                top = parents[id(top)]
            bound = parents.get(id(top))
            if not plain or depth == _STEPS or bound.__class__ is not ast.Assign or bound.value is not top \
                    or len(bound.targets) != 1 or bound.targets[0].__class__ is not ast.Name \
                    or bound.targets[0].id == name:
                return None
            found = _thresholds(bound.targets[0].id, caller, bound.targets[0], plain, depth + 1)
            if found is None:
                return None
            tests.extend((op, c, left, ((name, top),) + steps) for op, c, left, steps in found.tests)
            continue
        if len(up.ops) != 1 or up.ops[0].__class__ not in _COMPARED:
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
        tests.append((up.ops[0].__class__, other.value, up.left is n, ()))
    # (in an order of their text, the same in every process)
    return Thresholds(tuple(sorted(set(tests), key=lambda t: (repr(t[:3]), [(s, ast.dump(e)) for s, e in t[3]]))))
