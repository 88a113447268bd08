"""While loops whose trip count is bounded only by a number flopcast does not know.

``while it < max_it and err > tol:`` with ``max_it`` unpriced (or read from data with no
bound) asks a value-dependent site at ``it < max_it`` in every iteration, and one path keeps
the site's answer for the whole path (decisions.py): on the path where it answers "go on",
nothing the loop computes can ever end it — ``it`` grows, so the loop's state never repeats
and the interpreter's check that a loop never ends (`Interpreter.loop_state`) does not
fire; the loop used to run to MAX_LOOP_ITERATIONS (100,000 iterations, half a minute or
more per path) before the path stopped as a lower bound.

Such a loop is recognised after its first iterations: two states at the loop head (the
names its exits depend on) that differ only in *free counters* — names whose every read in
the loop is one side of a comparison with a number flopcast does not know and has no bound
for, or their own update. Such a comparison comes out unknown whatever the counter holds,
with the same reason and no presumption, so the sites it meets answer as before and every
later iteration leaves the loop exactly as the last did: it runs until the unknown number
is reached, any number of iterations. The path then ends as unbounded, as a loop that never
ends does (the total is a lower bound with an "unbounded" entry naming the loop): nothing
about the path is claimed that running it to the cap would not have claimed.

A free counter is an int (``it += 1``, ``it = it + 1``: its reads in its own update) or a
list only appended to whose length is the compared side (``while len(cols) < n:
cols.append(...)``). Each must be a plain local of a function whose nested scopes do not
name it, in a loop that reads no namespace by name (``locals()``, ``eval``) and runs in no
generator; anything else keeps the loop running as before.
"""

from __future__ import annotations

import ast
import weakref
from typing import Optional

from flopcast.analyzer.loop_syntax import PURE_BUILTINS, loop_relevance, mentions_budget, unread_attributes
from flopcast.analyzer.values import Array, FunctionVal, InstanceVal, Known, LibRef, ListVal, NumpyScalar, Unknown
from flopcast.syntax import ast_walk

#: iterations after which a loop is taken not to end (the path ends there: unbounded)
MAX_LOOP_ITERATIONS = 100_000

#: Names whose call reads or writes a namespace by name: a counter could be read through them.
_NAMESPACE_CALLS = frozenset({"locals", "vars", "globals", "eval", "exec", "dir"})


class _Uses:
    """How a loop reads each name, worked out once per loop node.

    ``counters[name]`` / ``lists[name]``: the names compared with it (``it < max_it``,
    ``len(cols) < n``) when every read of it in the loop is such a comparison or its own
    update; names read any other way are in neither. ``assigned``: names the loop binds.
    ``opaque``: the loop names a namespace call or declares global/nonlocal names.
    """

    def __init__(self, loop: ast.While):
        self.counters: dict[str, set] = {}
        self.lists: dict[str, set] = {}
        self.assigned: set[str] = set()
        self.opaque = False
        parents: dict[int, ast.AST] = {}
        nodes = [loop.test, *loop.body]
        for root in nodes:
            for n in ast_walk(root):
                for child in ast.iter_child_nodes(n):
                    parents[id(child)] = n
        bad: set[str] = set()
        for root in nodes:
            for n in ast_walk(root):
                if isinstance(n, (ast.Global, ast.Nonlocal)):
                    self.opaque = True
                elif isinstance(n, ast.Name):
                    if isinstance(n.ctx, (ast.Store, ast.Del)):
                        self.assigned.add(n.id)
                    elif n.id in _NAMESPACE_CALLS:
                        self.opaque = True
                    else:
                        self._read(n, parents, bad)
                elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                        and isinstance(n.func.value, ast.Name):
                    self.assigned.add(n.func.value.id)  # `xs.append(x)` changes xs
        for name in bad:
            self.counters.pop(name, None)
            self.lists.pop(name, None)
        for name in set(self.counters) & set(self.lists):
            del self.counters[name], self.lists[name]

    def _read(self, n: ast.Name, parents: dict, bad: set) -> None:
        """Classify one read of a name: a counter's, a list's, or any other (bad)."""
        name, up = n.id, parents.get(id(n))
        partner = _compared_with(n, up)
        if partner is not None:
            self.counters.setdefault(name, set()).add(partner)
            return
        if _own_update(n, parents):
            self.counters.setdefault(name, set())
            return
        if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.func.id == "len" \
                and up.args == [n] and not up.keywords:
            partner = _compared_with(up, parents.get(id(up)))
            if partner is not None:
                self.lists.setdefault(name, set()).add(partner)
                return
        if isinstance(up, ast.Attribute) and up.attr == "append" and up.value is n:
            call = parents.get(id(up))
            if isinstance(call, ast.Call) and call.func is up and isinstance(parents.get(id(call)), ast.Expr):
                self.lists.setdefault(name, set())
                return
        bad.add(name)


def _compared_with(operand: ast.AST, compare: Optional[ast.AST]) -> Optional[str]:
    """The name on the other side when ``operand`` is one side of a one-operator ordering or
    equality test against a bare name (``it < max_it``, ``n > len(cols)``)."""
    if not isinstance(compare, ast.Compare) or len(compare.ops) != 1 \
            or not isinstance(compare.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)):
        return None
    left, right = compare.left, compare.comparators[0]
    other = right if left is operand else left if right is operand else None
    return other.id if isinstance(other, ast.Name) and other is not operand else None


def _own_update(n: ast.Name, parents: dict) -> bool:
    """``it = it + 1`` (the read is inside the value of an assignment to that name alone, with
    no call in it: nothing else sees the number)."""
    node = n
    while True:
        up = parents.get(id(node))
        if up is None or isinstance(up, ast.stmt):
            break
        node = up
    if not (isinstance(up, ast.Assign) and len(up.targets) == 1 and isinstance(up.targets[0], ast.Name)
            and up.targets[0].id == n.id and up.value is node):
        return False
    return not any(isinstance(x, (ast.Call, ast.Lambda, ast.NamedExpr, ast.comprehension))
                   for x in ast_walk(up.value))


_USES: "weakref.WeakKeyDictionary[ast.AST, _Uses]" = weakref.WeakKeyDictionary()
_CAPTURED: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()


def _uses(loop: ast.While) -> _Uses:
    found = _USES.get(loop)
    if found is None:
        found = _USES[loop] = _Uses(loop)
    return found


def _captured(function: ast.FunctionDef) -> frozenset:
    """Names a function's nested scopes (defs, lambdas, classes, comprehensions: a generator
    made before the loop may be taken from inside it) mention, or it declares global or
    nonlocal: a loop of the function cannot treat them as its own."""
    found = _CAPTURED.get(function)
    if found is None:
        names: set[str] = set()
        for n in ast_walk(ast.Module(body=function.body, type_ignores=[])):
            if isinstance(n, (ast.Global, ast.Nonlocal)):
                names.update(n.names)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                                ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                names.update(x.id for x in ast_walk(n) if isinstance(x, ast.Name))
        found = _CAPTURED[function] = frozenset(names)
    return found


#: Ints of smaller magnitude compare with a ``never_compared`` number as the interpreter says
#: (presumptions.HUGE decides a presumption only above it).
COMPARED_BELOW = 2**62


def never_compared(value) -> bool:
    """Whether `Interpreter.compare` of a known int (below presumptions.HUGE) with ``value``
    comes out unknown whatever the int, with the same reason and no presumption: an unknown
    number with no presumption of its own, which is not an integer read from data with bounds
    on both sides (those are taken at an end of their range in a loop's test, dataints.py).
    Bounds of any other unknown are not used by comparisons (`max(2, min(12, x))` of an
    unpriced x stays unknown against every counter)."""
    return isinstance(value, Unknown) and value.presumed is None and value.counts is None \
        and (value.kind in ("", "float") or value.kind == "int" and value.lo is None and value.hi is None)


def against_unknown(interp, loop: ast.While) -> bool:
    """Whether the loop's test (or an operand of its `and`) orders a name against a name the
    loop does not bind whose value comparisons never settle (``never_compared``: `drawn < rows`
    with ``rows`` read from data, unbounded): on the path where that test's site says "go on",
    only the loop's other exits can end it."""
    tests = loop.test.values if isinstance(loop.test, ast.BoolOp) and isinstance(loop.test.op, ast.And) \
        else [loop.test]
    assigned = _uses(loop).assigned
    for test in tests:
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1
                and isinstance(test.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE))):
            continue
        sides = (test.left, test.comparators[0])
        if all(isinstance(side, ast.Name) for side in sides) \
                and any(side.id not in assigned and never_compared(interp.peek_name(side.id)) for side in sides):
            return True
    return False


def runs_to_unknown(interp, ctx, previous: tuple, state: tuple) -> Optional[tuple[str, str, str]]:
    """When the loop at ``ctx`` can only end where a free counter reaches an unknown number
    (the states at two consecutive loop heads differ only in free counters, module doc): the
    counter's text, the unknown's name and why it is unknown; otherwise None."""
    if len(previous) != len(state) or interp.frame.generator is not None or interp.counter_watch is not None:
        return None
    frame = interp.frame
    function = frame.function
    if not isinstance(function, FunctionVal) or not isinstance(function.node, (ast.FunctionDef,
                                                                                ast.AsyncFunctionDef)):
        return None
    uses = _uses(ctx.node)
    if uses.opaque:
        return None
    captured = _captured(function.node)
    differ, lists = [], set()
    for (name, before), (name2, now) in zip(previous, state):
        if name != name2:
            return None
        if before == now:
            continue
        if name == "<flops used>":
            continue  # the loop's exits read no budget and call nothing that could (_plain_calls)
        if name in captured or name not in frame.vars or frame.globals_ and name in frame.globals_ \
                or frame.nonlocals_ and name in frame.nonlocals_:
            return None
        value = frame.vars[name]
        if name in uses.counters and isinstance(value, Known) and type(value.value) is int \
                and abs(value.value) < COMPARED_BELOW and before[:2] == ("K", "int"):
            partners = uses.counters[name]
            text = name
        elif name in uses.lists and value.__class__ is ListVal and not value.is_set and before[:1] == ("L",):
            partners = uses.lists[name]
            lists.add(name)
            text = f"len({name})"
        else:
            return None
        if not partners:
            return None  # only updated: its change would not explain the loop going on
        for partner in partners:
            if partner in uses.assigned or not never_compared(interp.peek_name(partner)):
                return None
        differ.append((text, partner, interp.peek_name(partner).reason))
    if not differ:
        return None
    if lists and "len" in _bound_names(interp):
        return None  # `len` is the program's own
    if not _plain_calls(interp, ctx, lists):
        return None
    return differ[0]


def _bound_names(interp) -> set:
    """The names the running frame can see other than the builtins."""
    frame = interp.frame
    names = set(frame.vars) | set(interp.module_envs.get(frame.module.key, {}))
    if frame.function is not None and frame.function.closure is not None:
        names |= set(frame.function.closure)
    return names


def _plain_calls(interp, ctx, lists: set) -> bool:
    """Whether every call the loop's exits depend on is a library function, a pure builtin, a
    method of an array or a number, or a free list's `append`: none reads state no name of the
    loop's shows (a user function could read a global the loop changes, or the FLOPs charged)."""
    # Past an op flopcast does not price, every budget query answers numbers it does not know
    # (Interpreter.budget_snapshot), which settle no comparison either: such a query is one more
    # library call.
    unfollowed = interp._first_unpriced is not None
    if mentions_budget(ctx.node) and not unfollowed:
        return False
    _, calls = loop_relevance(ctx.node, ctx.exit_ifs)
    bound = _bound_names(interp)
    return all(isinstance(call.func, ast.Attribute) and call.func.attr == "append"
               and isinstance(call.func.value, ast.Name) and call.func.value.id in lists
               or _library_call(interp, call, bound) or unfollowed and _budget_query(interp, call, bound)
               for call in calls)


def _budget_query(interp, call: ast.Call, bound: set) -> bool:
    """``flops.current_budget()`` (``flops`` the flopscope module)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "current_budget" and isinstance(func.value, ast.Name)
            and func.value.id in bound):
        return False
    module = interp.peek_name(func.value.id)
    return isinstance(module, LibRef) and module.path == "flopscope"


def _library_call(interp, call: ast.Call, bound: set) -> bool:
    """Whether ``call`` is a library function, a pure builtin or a method of an array or a
    number (it runs none of the program's code)."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in PURE_BUILTINS and func.id not in bound:
        return True
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    value = interp.peek_name(root.id) if isinstance(root, ast.Name) and root.id in bound else None
    return isinstance(value, (Array, NumpyScalar, Known)) or isinstance(value, LibRef) \
        and value.path.startswith(("flopscope.numpy", "rawnumpy", "py:math"))


#: Methods of a class that run user code at an attribute's read or write, whatever its name.
_ACCESS_HOOKS = ("__setattr__", "__getattribute__", "__delattr__")


def unread_steps(interp, loop: ast.While) -> dict:
    """The attributes of a name a `while` loop's state may leave out (Interpreter.loop_state):
    numbers the loop only steps by a literal (`self.scale_exp += 100`, loop_syntax
    .unread_attributes) held in the instance's own dict, where nothing can read them while the
    loop runs: every call in it is a library function, a pure builtin or a method of an array
    or a number, and the class defines no attribute the loop touches (a property, a slot's
    descriptor of its own) nor a hook on every access. Two states alike but for them make the
    loop repeat itself. name -> the attributes; {} for any other loop."""
    found = unread_attributes(loop)
    if not found or interp.counter_watch is not None or not _library_calls(interp, loop):
        return {}
    out = {}
    for name, (stepped, touched) in found.items():
        value = interp.peek_name(name)
        if value.__class__ is not InstanceVal or value.payload is not None:
            continue
        cls = value.cls
        if any(cls.lookup(a)[1] is not None for a in touched) or any(cls.lookup(h)[1] is not None
                                                                     for h in _ACCESS_HOOKS):
            continue
        attrs = value.attrs
        keep = frozenset(a for a in stepped if attrs.get(a).__class__ is Known
                         and attrs[a].__dict__["value"].__class__ in (int, float))
        if keep:
            out[name] = keep
    return out


def left_out(signed: tuple, attrs: frozenset) -> tuple:
    """An instance's signature (values.signature: ``("I", id, ((attribute, signature), ...))``)
    without ``attrs``."""
    return signed[:2] + (tuple(part for part in signed[2] if part[0] not in attrs),)


_CALLS: "weakref.WeakKeyDictionary[ast.AST, tuple]" = weakref.WeakKeyDictionary()


def _library_calls(interp, loop: ast.While) -> bool:
    """Whether every call in the loop is a library one (``_library_call``). (Asked at every
    iteration's loop state: the calls are listed once per loop.)"""
    calls = _CALLS.get(loop)
    if calls is None:
        calls = _CALLS[loop] = tuple(n for root in (loop.test, *loop.body) for n in ast_walk(root)
                                     if isinstance(n, ast.Call))
    bound = _bound_names(interp)
    return all(_library_call(interp, call, bound) for call in calls)
