"""Enum's functional API: ``Kind = enum.Enum("Kind", ["FULL", "DIAG"])`` (also ``"FULL DIAG"``,
``"FULL, DIAG"``, ``[("FULL", 3), ...]``, ``{"FULL": 3}`` and ``start=``).

The members' names and values are asked of the real enum base, called on the known names and
values (plain constants: nothing of the program runs), so its numbering (``start`` and counting for
Enum, powers of two for Flag, lower-case names for StrEnum) and its refusals are Python's own. The
class is then made as a class statement with those constants makes it (``enum_members.make_members``):
``Kind.FULL``, ``Kind(1)``, ``Kind["FULL"]``, ``len(Kind)`` and iteration read the same members.
A form with another keyword or a name or value not known is left to the caller: None. So is
``Kind("T", "A B")`` on a user's enum class (EnumType's functional API, deriving from it) that
has members (Python's TypeError) or hooks the API would run.
"""

from __future__ import annotations

import enum
from typing import Optional

from flopcast.analyzer import enum_members
from flopcast.analyzer.values import (ClassVal, DictVal, FunctionVal, Known, LibRef, ListVal, TupleVal, UserRaise,
                                      Value)
from flopcast.model import Span

#: the enum bases whose functional form is followed
BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})
#: the member values passed on to the real enum: constants that run nothing when compared or hashed
_PLAIN = (int, float, str, bool, type(None))


_UNKNOWN = object()


def _plain(v: Value):
    """A known constant (a tuple of them too) as Python holds it, else _UNKNOWN."""
    if isinstance(v, Known) and (type(v.value) in _PLAIN
                                 or type(v.value) is tuple and all(type(i) in _PLAIN for i in v.value)):
        return v.value
    if isinstance(v, TupleVal):
        items = tuple(_plain(i) for i in v.items)
        return _UNKNOWN if any(i is _UNKNOWN or type(i) is tuple for i in items) else items
    return _UNKNOWN


def _names(v: Value):
    """The ``names`` argument as the real enum takes it, or None when a part of it is not known."""
    if isinstance(v, Known) and type(v.value) is str:
        return v.value
    if isinstance(v, DictVal):
        if not all(type(k) is str for k in v.items):
            return None
        values = {k: _plain(x) for k, x in v.items.items()}
        return None if _UNKNOWN in values.values() else values
    if isinstance(v, Known) and type(v.value) in (list, tuple):
        items = [Known(i) for i in v.value]
    elif isinstance(v, (ListVal, TupleVal)):
        items = list(v.items)
    else:
        return None
    out = []
    for item in items:
        plain = _plain(item)
        if type(plain) is str or type(plain) is tuple and len(plain) == 2 and type(plain[0]) is str:
            out.append(plain)
        else:
            return None
    return out


def make(interp, base, args: list, kwargs: dict, span: Span, node=None) -> Optional[ClassVal]:
    """``enum.<base>(typename, names, start=...)`` (``base`` the enum's name) or ``Kind(typename,
    names)`` of the user's enum class ``base`` without members (EnumType's functional API, the new
    class deriving from it, numbered by the standard enum it derives from), as a class of the
    program; None when not followed (another form, or a user's class with members or with hooks
    the functional API would run: its own numbering, ``__new__``, ``__init__``, ``__init_subclass__``,
    a metaclass)."""
    root = base if isinstance(base, str) else _stdlib_root(base)
    if root is None or len(args) > 2 or set(kwargs) - {"names", "start"} or len(args) + ("names" in kwargs) != 2 \
            or not args or not (isinstance(args[0], Known) and type(args[0].value) is str):
        return None
    names = _names(args[1] if len(args) > 1 else kwargs["names"])
    start = kwargs.get("start", Known(1))
    if names is None or not (isinstance(start, Known) and type(start.value) is int):
        return None
    try:
        real = getattr(enum, root)(args[0].value, names, start=start.value)
    except (TypeError, ValueError) as exc:
        raise UserRaise(span, f"{type(exc).__name__}: {exc}")
    # (__members__ holds the aliases too, each under its own name, in definition order)
    attrs = {name: Known(member._value_) for name, member in real.__members__.items()}
    cls = ClassVal(args[0].value, args[0].value, [LibRef(f"py:enum.{root}") if isinstance(base, str) else base], attrs,
                   None, interp.frame.module if interp.frame else None)
    cls.made_by = node
    enum_members.make_members(cls)
    return cls


def _stdlib_root(cls: ClassVal) -> Optional[str]:
    """The standard enum a user's enum class without members derives from, when the functional
    API on it runs nothing of the program; else None."""
    members = cls.attrs.get("__members__")
    if cls.metaclass is not None or isinstance(members, DictVal) and members.items:
        return None
    roots = set()
    for c in cls.mro():
        if any(isinstance(c.attrs.get(hook), FunctionVal)
               for hook in ("_generate_next_value_", "__new__", "__init__", "__init_subclass__")):
            return None
        roots |= {b.path[len("py:enum."):] for b in c.bases if isinstance(b, LibRef) and b.path.startswith("py:enum.")}
        if any(not isinstance(b, (ClassVal, LibRef)) for b in c.bases):
            return None  # (a mixed-in type: `class Kind(str, Enum)`)
    return roots.pop() if len(roots) == 1 and next(iter(roots)) in BASES else None
