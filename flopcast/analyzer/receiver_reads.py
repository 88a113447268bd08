"""What a method reads of its receiver, when that is a few attributes by name: a narrower call key.

A call key (repeats.CallMemo.form) holds everything the call can read. A method's ``self`` (or a
classmethod's ``cls``) is no plain data, so the key of its calls walked its class's every
attribute, its bases and what their code reaches (reach.py): a cost model's registry of
strategies, a planner's every method, at each of the thousands of calls a dynamic programme
makes of ``self.conversion(a, b)`` (a quarter of such a planner's analysis).

A method whose code uses its first parameter only as ``self.NAME`` loads, with no dunder NAME,
reads of it only what those loads give. Each gives, when the receiver is an instance of the
user's own classes (no container, no library base, no metaclass, no ``__getattr__`` or
``__getattribute__`` anywhere in its order, lookups.get_attr's first branches then pass it by):

* the instance's own attribute, when no class in its order defines NAME (so no descriptor
  takes it first) — the key holds the instance's attributes already (its head) — or when the
  class's NAME is plain data (a default the instance's value shadows), written here too;
* else, when the instance lacks it, the class's attribute, when it is plain data (a table of
  qualities, a constant: no descriptor, no method that would run with ``self``) — written here
  into the key.

A zero-argument ``super().NAME`` load reads the receiver without naming it: it gives the
attribute NAME of the first class after the method's own (its ``__class__``) in the receiver's
order that defines it. When that order is plain too, the load is written into the key as where
it was found (the place in the order, which the class in the key fixes) and what: plain data,
or a method (or classmethod) that then runs with the same receiver, whose own reads of it are
written the same way (and whose code repeats._reads walks as it walks a function the code
names): oo_folder's ``LowRank.cost`` adds ``super().cost(width, rank)`` to its own count.

Anything else (NAME a method, a property, missing, a receiver used otherwise: passed on,
returned, stored to) leaves the key as it was. Two states with equal such keys have the same
function, arguments and instance attributes, the same answer to every load the code makes of
its receiver, and neither has a hook on attribute reads: the code cannot tell them apart.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer.dunders import plain_lookup
from flopcast.analyzer.values import ClassVal, FunctionVal, InstanceVal
from flopcast.syntax import INTROSPECTION, ast_walk


@dataclass(frozen=True)
class Uses:
    """How a function's code uses its first parameter ``p``: only to load ``p.NAME`` (``names``)
    and ``super().NAME`` (``supers``), each name once in the order the code names them."""

    names: tuple
    supers: tuple


@dataclass
class ReceiverReads:
    """What a call reads of its receiver (see the module): (name, None) for the instance's own
    attribute, (name, value) for its class's, ("super", name, place in the order, value) for a
    ``super()`` load; and the methods those loads found, which run too (their code is the call's)."""

    reads: list = field(default_factory=list)
    callees: list = field(default_factory=list)

    def form(self, canon) -> tuple:
        """The reads as the call key writes them, values by ``canon``."""
        return tuple(r[:-1] + ("own" if r[-1] is None else canon.form(r[-1]),) for r in self.reads)


def receiver_reads(fn, args: list, plain) -> Optional[ReceiverReads]:
    """What the call ``fn(*args)`` reads of ``args[0]`` (see the module); None when that is not
    a few plain attributes by name and ``super()`` loads. ``plain`` is the key's test of plain
    data (repeats._plain)."""
    if not args:
        return None
    out = ReceiverReads()
    return out if _read(fn, args[0], plain, out, 0) else None


#: How many methods deep ``super()`` loads are followed (a chain of overrides each adding to its base's).
_DEPTH = 8


def _read(fn, receiver, plain, out: ReceiverReads, depth: int) -> bool:
    uses = attribute_loads(fn.node)
    if uses is None or depth > _DEPTH:
        return False
    if not uses.names:
        # (never read by name: a classmethod's ``cls`` that its code does not name)
        if receiver.__class__ is not InstanceVal and receiver.__class__ is not ClassVal:
            return False
    elif receiver.__class__ is not InstanceVal or receiver.payload is not None or not plain_lookup(receiver.cls):
        return False
    for name in uses.names:
        own = name in receiver.attrs
        _, found = receiver.cls.lookup(name)
        if own and found is None and plain(receiver.attrs[name]):
            out.reads.append((name, None))
        elif own and found is not None and plain(found) and plain(receiver.attrs[name]):
            # the instance's own attribute over its class's plain default (a dataclass field's,
            # ``log_scale: float = 0.0``): plain data is no descriptor, so the load gives the
            # instance's. The default is written too (a finer key than needed, never a coarser).
            out.reads.append((name, found))
        elif not own and found is not None and plain(found):
            out.reads.append((name, found))
        else:
            return False
    return all(_read_super(fn, receiver, name, plain, out, depth) for name in uses.supers)


def _read_super(fn, receiver, name: str, plain, out: ReceiverReads, depth: int) -> bool:
    """``super().NAME`` in ``fn`` called on ``receiver``, as lookups.get_attr answers it: the
    attribute of the first class after ``fn``'s own in the receiver's order that defines NAME."""
    cls = receiver.cls if receiver.__class__ is InstanceVal else receiver
    if fn.owner.__class__ is not ClassVal or fn.node.args.posonlyargs or not plain_lookup(cls):
        return False  # (with positional-only parameters the interpreter's super() takes another)
    order = cls.mro()
    if fn.owner not in order:
        return False
    at = next((i for i in range(order.index(fn.owner) + 1, len(order)) if name in order[i].attrs), None)
    if at is None:
        return False
    found = order[at].attrs[name]
    out.reads.append(("super", name, at, found))
    if plain(found):
        return True
    if found.__class__ is not FunctionVal:
        return False
    if found.kind == "classmethod":
        runs_with = cls
    elif found.kind == "function" and receiver.__class__ is InstanceVal:
        runs_with = receiver
    else:
        return False  # a property runs at the load, a staticmethod's first parameter is another value
    out.callees.append(found)
    return _read(found, runs_with, plain, out, depth + 1)


def attribute_loads(node) -> Optional[Uses]:
    """The names ``p.NAME`` and ``super().NAME`` the code loads of its first parameter ``p``
    (none when it never names ``p``); None when it has no such parameter or uses ``p``
    otherwise (passes it on, returns it, stores to or deletes its attributes, rebinds it, a
    dunder NAME, ``super()`` otherwise or in a nested scope, a nested function or class that
    may). A lambda's or a comprehension's code is walked as the method's (as repeats._closed_code
    reads it): what it does with ``p`` while the call runs is a use of the call's; one made in
    the call and run after it reads the receiver of that later moment, which the call's key
    need not hold. A lambda parameter or a comprehension target named ``p`` is a bare use
    (None). Kept on the node: asked at every key."""
    cached = node.__dict__.get("_flopcast_receiver", _UNSEEN)
    if cached is not _UNSEEN:
        return cached
    node._flopcast_receiver = found = _attribute_loads(node)
    return found


def _attribute_loads(node) -> Optional[Uses]:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    positional = node.args.posonlyargs + node.args.args
    if not positional:
        return None
    param = positional[0].arg
    names: list = []
    supers: list = []
    accounted: set = set()  # the Name nodes that are the ``p`` of a ``p.NAME`` load, or a ``super`` of a ``super().NAME``
    nested: set = set()  # the nodes inside a lambda or comprehension (its own scope: ``super()`` there is another's)
    for statement in node.body:
        for n in ast_walk(statement):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)):
                return None  # a scope of its own may see ``p`` through a closure
            if isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                nested.update(id(m) for m in ast_walk(n))
                if isinstance(n, ast.Lambda) and param in {a.arg for a in ast_walk(n.args) if isinstance(a, ast.arg)}:
                    return None  # its ``p`` is another value
            if not isinstance(n, ast.Attribute):
                continue
            if isinstance(n.value, ast.Name) and n.value.id == param:
                if not isinstance(n.ctx, ast.Load) or _dunder(n.attr):
                    return None
                accounted.add(id(n.value))
                if n.attr not in names:
                    names.append(n.attr)
            elif _bare_super(n.value) and id(n) not in nested and isinstance(n.ctx, ast.Load) and not _dunder(n.attr):
                accounted.add(id(n.value.func))
                if n.attr not in supers:
                    supers.append(n.attr)
    for statement in node.body:
        for n in ast_walk(statement):
            if isinstance(n, ast.Name) and (n.id == param or n.id in _IMPLICIT) and id(n) not in accounted:
                return None
    return Uses(tuple(names), tuple(supers))


def _bare_super(n: ast.expr) -> bool:
    """Whether ``n`` is ``super()``, with no arguments."""
    return isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "super" \
        and not n.args and not n.keywords


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


#: Names that read the receiver without naming it: zero-argument ``super()`` (and ``__class__``)
#: take the frame's first argument; the introspection builtins read the frame's locals.
_IMPLICIT = frozenset({"super", "__class__"}) | INTROSPECTION
_UNSEEN = object()
