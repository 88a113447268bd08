"""Loops that count the items before the first one whose test answers a given way.

``for flag in conv: if not flag: break; n += 1`` leaves ``n`` anywhere in ``0..k`` (k items):
the run stops at the first item answering the other way, wherever it is. A value-dependent
site answers alike at every execution on a path (decisions.py), so run as a plain loop the
count would be 0 or k only, and a run stopping in between (a deflation against the columns
locked so far, ``active[:, :n]``) may cost more or less than both paths. Such a loop is not run
past the first item whose test depends on values: each counter it steps becomes an integer
read from data within the counts the remaining items allow (dataints.py), analysed at the ends
of that range, or on bounding paths where its uses pull sizes both ways, so every count in
between is covered. A count whose every test is known runs as before, exact.

Only a loop of exactly that shape is read so: a ``for`` body of one ``if`` whose one arm is
``break`` and the steps of counters by integer literals (in the other arm, or after the ``if``),
or ``while i < bound and test:`` whose body steps counters, ``i`` among them (the count is then
capped by the steps ``i < bound`` leaves); the test reads
names, items, attributes and numbers and calls only ``bool``/``int``/``float``/``abs``/``len`` and
``.item()``, so it is the same test at every item, and at run time it charged nothing, met no
site and left nothing unpriced.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer import dataints
from flopcast.analyzer.values import Array, Known, NumpyScalar, Unknown, Value

#: builtins a test may call: pure conversions, the same answer at each call
_PURE_CALLS = frozenset({"bool", "int", "float", "abs", "len"})
_PURE_NODES = (ast.Name, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.BinOp, ast.Subscript, ast.Slice,
               ast.Tuple, ast.Attribute, ast.Load, ast.boolop, ast.cmpop, ast.operator, ast.unaryop, ast.Call)


@dataclass(frozen=True)
class CountedRun:
    """A loop that stops at the first item answering its test one way."""

    #: the statement whose test stops the loop: the body's ``if``, or the ``while`` itself
    stops_at: ast.stmt
    #: the value-dependent test
    test: ast.expr
    #: (counter name, known int step) of each ``name += step`` run while the loop goes on
    steps: tuple
    #: a ``while i < bound and test:``'s ``i < bound`` (a Compare), which caps the count
    cap: Optional[ast.Compare] = None


def counted_run(loop: ast.AST) -> Optional[CountedRun]:
    """The counted run a ``for`` or ``while`` loop is, or None."""
    if loop in _RUNS:
        return _RUNS[loop]
    found = None
    if isinstance(loop, ast.For) and not loop.orelse and isinstance(loop.target, ast.Name):
        found = _match_for(loop)
    elif isinstance(loop, ast.While) and not loop.orelse:
        found = _match_while(loop)
    _RUNS[loop] = found
    return found


def _match_while(loop: ast.While) -> Optional[CountedRun]:
    """``while i < bound and test: i += 1`` (``<=`` too; other counters may step with ``i``)."""
    test = loop.test
    if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and len(test.values) == 2):
        return None
    cap, data = test.values
    if not (isinstance(cap, ast.Compare) and len(cap.ops) == 1 and isinstance(cap.ops[0], (ast.Lt, ast.LtE))
            and isinstance(cap.left, ast.Name) and _pure(cap.comparators[0]) and _pure(data)):
        return None
    steps = _steps(loop.body)
    if steps is None or cap.left.id not in {name for name, _ in steps}:
        return None
    return CountedRun(loop, data, steps, cap)


def _steps(stmts: list) -> Optional[tuple]:
    """The counters ``stmts`` step, each once, when that is all they do."""
    steps = [_step(st) for st in stmts]
    if not steps or None in steps or len({name for name, _ in steps}) != len(steps):
        return None
    return tuple(steps)


def _match_for(loop: ast.For) -> Optional[CountedRun]:
    first, rest = loop.body[0], loop.body[1:]
    if not isinstance(first, ast.If) or not _pure(first.test):
        return None
    if _is_break(first.body) and not first.orelse:
        goes_on = rest
    elif _is_break(first.orelse) and not rest:
        goes_on = first.body
    else:
        return None
    steps = _steps(goes_on)
    if steps is None or any(name == loop.target.id for name, _ in steps):
        return None
    return CountedRun(first, first.test, steps)


def _is_break(stmts: list) -> bool:
    return len(stmts) == 1 and isinstance(stmts[0], ast.Break)


def _step(st: ast.stmt) -> Optional[tuple]:
    """``name += c`` (or ``name = name + c``) for an int literal ``c`` > 0: (name, c)."""
    if isinstance(st, ast.AugAssign) and isinstance(st.op, ast.Add) and isinstance(st.target, ast.Name):
        name, value = st.target.id, st.value
    elif isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
            and isinstance(st.value, ast.BinOp) and isinstance(st.value.op, ast.Add) \
            and isinstance(st.value.left, ast.Name) and st.value.left.id == st.targets[0].id:
        name, value = st.targets[0].id, st.value.right
    else:
        return None
    if isinstance(value, ast.Constant) and type(value.value) is int and value.value > 0:
        return name, value.value
    return None


def _pure(test: ast.expr) -> bool:
    """Whether evaluating ``test`` is the same at every item: no call but a pure conversion or
    ``.item()``, no walrus, lambda or comprehension."""
    for n in ast.walk(test):
        if not isinstance(n, _PURE_NODES):
            return False
        if isinstance(n, ast.Call):
            f = n.func
            plain = isinstance(f, ast.Name) and f.id in _PURE_CALLS
            item = isinstance(f, ast.Attribute) and f.attr == "item" and not n.args
            if not (plain or item) or n.keywords:
                return False
    return True


@dataclass
class Marks:
    """What the path had recorded when an iteration of a counted run began: a test that
    changed any of it (a charge, a site's answer, an unpriced op) is not the same cost at
    every item, and is left to the plain loop."""

    charges: int
    answers: int
    unpriced: int

    @staticmethod
    def of(interp) -> "Marks":
        return Marks(len(interp.result.charges), len(interp.decisions.answers), len(interp.result.unpriced))

    def unchanged(self, interp) -> bool:
        return self == Marks.of(interp)


def stop(interp, loop: ast.For, run: CountedRun, items: list, index: int) -> None:
    """The ``for`` loop met its first value-dependent test at item ``index``: each counter
    steps as many times as the items left answer so the loop goes on (``0..len(items) - index``),
    and the target holds the item the loop stopped at (a value read from data when the items
    left are not alike)."""
    step_counters(interp, loop, run, len(items) - index)
    rest = items[index:]
    if not all(_alike(rest[0], item) for item in rest[1:]):
        interp.assign(loop.target, Unknown("", interp.node_span(run.test), "the item the loop stopped at"))


def room(interp, run: CountedRun) -> Optional[int]:
    """How many more times a ``while i < bound and test:`` can step ``i`` while ``i < bound``
    holds (``test`` answering so the loop goes on); None when ``bound`` is no known int here."""
    bound = interp.eval(run.cap.comparators[0])
    start = interp.peek_name(run.cap.left.id).__dict__["value"]
    if bound.__class__ is not Known or bound.__dict__["value"].__class__ is not int:
        return None
    left = bound.__dict__["value"] - start + isinstance(run.cap.ops[0], ast.LtE)
    return -(-left // dict(run.steps)[run.cap.left.id])


def step_counters(interp, loop: ast.stmt, run: CountedRun, most: int) -> None:
    """Each counter: its value now plus its step times an integer read from data in ``0..most``,
    read at the loop statement: one count per execution of the loop, which answers alike only
    where the loop itself runs again (alike.py sees the statement, not its test, in a loop)."""
    span = interp.node_span(loop)
    base = Unknown("int", span, f"the items counted before the first at which `{ast.unparse(run.test)}` ends the "
                   "loop", 0, most)
    for name, step in run.steps:
        start = interp.peek_name(name).__dict__["value"]  # (read raw: a watch would count a read)
        count = base if step == 1 else dataints.derive(base, "mul", step)
        if start:
            count = dataints.derive(count, "add", start)
        interp.assign(ast.copy_location(ast.Name(id=name, ctx=ast.Store()), loop), count)


def counters_known(interp, run: CountedRun) -> bool:
    """Whether every counter holds a known int now (a count already read from data is left to
    the plain loop)."""
    for name, _ in run.steps:
        v = interp.peek_name(name)
        if v.__class__ is not Known or v.__dict__["value"].__class__ is not int:
            return False
    return True


def _alike(a: Value, b: Value) -> bool:
    """Whether two items differ only in which element of data they are."""
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is NumpyScalar:
        return a.dtype == b.dtype and a.value is None and b.value is None and a.vrange == b.vrange
    if a.__class__ is Array:
        return a.shape == b.shape and a.dtype == b.dtype and a.value is None and b.value is None \
            and a.sym == b.sym and a.vrange == b.vrange and a.plain == b.plain
    if a.__class__ is Unknown:
        return a.kind == b.kind and a.lo == b.lo and a.hi == b.hi and a.chain == b.chain
    return False


_RUNS: "weakref.WeakKeyDictionary[ast.AST, Optional[CountedRun]]" = weakref.WeakKeyDictionary()
