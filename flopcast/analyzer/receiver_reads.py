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
  takes it first) — the key holds the instance's attributes already (its head);
* else, when the instance lacks it, the class's attribute, when it is plain data (a table of
  qualities, a constant: no descriptor, no method that would run with ``self``) — written here
  into the key.

Anything else (NAME a method, a property, missing, a receiver used otherwise: passed on,
returned, stored to) leaves the key as it was. Two states with equal such keys have the same
function, arguments and instance attributes, the same answer to every load the code makes of
its receiver, and neither has a hook on attribute reads: the code cannot tell them apart.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.dunders import plain_lookup
from flopcast.analyzer.values import ClassVal, InstanceVal
from flopcast.syntax import INTROSPECTION, ast_walk


def receiver_reads(fn, args: list, plain) -> Optional[list]:
    """What the call ``fn(*args)`` reads of ``args[0]`` (see the module), each name once in the
    order the code names them: (name, None) for the instance's own attribute, (name, value) for
    its class's; None when that is not a few plain attributes by name. ``plain`` is the key's
    test of plain data (repeats._plain)."""
    if not args:
        return None
    receiver = args[0]
    names = attribute_loads(fn.node)
    if names is None:
        return None
    if not names:
        # (never read: a classmethod's ``cls`` that its code does not name)
        return [] if receiver.__class__ is InstanceVal or receiver.__class__ is ClassVal else None
    if receiver.__class__ is not InstanceVal or receiver.payload is not None or not plain_lookup(receiver.cls):
        return None
    out: list = []
    for name in names:
        own = name in receiver.attrs
        _, found = receiver.cls.lookup(name)
        if own and found is None and plain(receiver.attrs[name]):
            out.append((name, None))
        elif not own and found is not None and plain(found):
            out.append((name, found))
        else:
            return None
    return out


def attribute_loads(node) -> Optional[tuple]:
    """The names ``p.NAME`` the code loads of its first parameter ``p`` (none when it never names
    ``p``); None when it has no such parameter or uses ``p`` otherwise (passes it on, returns it,
    stores to or deletes its attributes, rebinds it, a dunder NAME, ``super()`` or a nested
    function or class that may). A lambda's or a comprehension's code is walked as the method's
    (as repeats._closed_code reads it): what it does with ``p`` while the call runs is a use of
    the call's; one made in the call and run after it reads the receiver of that later moment,
    which the call's key need not hold. A lambda parameter or a comprehension target named ``p``
    is a bare use (None). Kept on the node: asked at every key."""
    cached = node.__dict__.get("_flopcast_receiver", _UNSEEN)
    if cached is not _UNSEEN:
        return cached
    node._flopcast_receiver = found = _attribute_loads(node)
    return found


def _attribute_loads(node) -> Optional[tuple]:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    positional = node.args.posonlyargs + node.args.args
    if not positional:
        return None
    param = positional[0].arg
    names: list = []
    attribute_of_param: set = set()  # the Name nodes that are the ``p`` of a ``p.NAME`` load
    for statement in node.body:
        for n in ast_walk(statement):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)):
                return None  # a scope of its own may see ``p`` through a closure
            if isinstance(n, ast.Lambda) and param in {a.arg for a in ast_walk(n.args) if isinstance(a, ast.arg)}:
                return None  # its ``p`` is another value
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == param:
                if not isinstance(n.ctx, ast.Load) or n.attr.startswith("__") and n.attr.endswith("__"):
                    return None
                attribute_of_param.add(id(n.value))
                if n.attr not in names:
                    names.append(n.attr)
    for statement in node.body:
        for n in ast_walk(statement):
            if isinstance(n, ast.Name) and (n.id == param and id(n) not in attribute_of_param or n.id in _IMPLICIT):
                return None
    return tuple(names)


#: Names that read the receiver without naming it: zero-argument ``super()`` (and ``__class__``)
#: take the frame's first argument; the introspection builtins read the frame's locals.
_IMPLICIT = frozenset({"super", "__class__"}) | INTROSPECTION
_UNSEEN = object()
