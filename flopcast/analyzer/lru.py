"""The keys of ``functools.lru_cache`` tables, made as CPython's ``_make_key`` makes them.

Whether a call of a cached function hits (returns the first result, charging nothing) or misses
(runs, and charges) is decided by the key CPython builds from the call's arguments:

- the positional arguments, then a marker and each keyword's name and value in the order the
  call gave them (``f(a=1, b=2)`` and ``f(b=2, a=1)`` are two entries);
- with ``typed=True`` the type of each argument too (``f(1)`` and ``f(1.0)`` are two entries);
- without it, one argument that is exactly an ``int`` or a ``str`` is the key itself, and any
  other call a list of its parts: ``f(1)`` and ``f(1.0)`` miss each other, while ``f(1.0)`` and
  ``f(True)`` hit (``[1.0] == [True]``);
- a part compares by ``==`` and hashes by ``hash``: an object whose class leaves ``==`` as identity
  is the same key only as the same object (which the table keeps alive, so no other object can
  take its address); a tuple compares item by item.

A part flopcast cannot compare with every other (a number read from data, an object with its own
``__eq__``) is *uncertain*: a lookup with it, or against an entry made with one, cannot tell a hit
from a miss, and the interpreter analyses each possibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.values import (
    Array, ClassVal, DictVal, DTypeRef, FieldsKey, FunctionVal, InstanceVal, Known, LibRef, ListVal, TupleVal, Value,
    dict_key, equal_only_to_itself,
)

#: ``@lru_cache`` with no arguments keeps this many entries (CPython's default).
DEFAULT_MAXSIZE = 128


@dataclass(frozen=True)
class CacheSpec:
    """How a cached function keeps its table: ``maxsize`` None keeps every entry; ``known`` is
    False when the decorator's arguments were not known values (then eviction is not modelled)."""

    maxsize: Optional[int] = None
    typed: bool = False
    known: bool = True


class Unhashable(Exception):
    """An argument Python cannot hash: the call raises TypeError."""


#: The tag of a part that cannot be compared with every other (see the module docstring):
#: ("?", identity), its value kept alive with the table like an object's.
UNCERTAIN = "?"


def spec_of(args: list, kwargs: dict) -> Optional[CacheSpec]:
    """The table ``lru_cache(*args, **kwargs)`` makes; None when it makes none (maxsize 0, whose
    wrapper only calls the function)."""
    maxsize = args[0] if args else kwargs.get("maxsize", Known(DEFAULT_MAXSIZE))
    typed = args[1] if len(args) > 1 else kwargs.get("typed", Known(False))
    if not isinstance(maxsize, Known) or not isinstance(typed, Known):
        return CacheSpec(known=False)
    size = maxsize.value
    if isinstance(size, int):
        if size <= 0:
            return None
    elif size is not None:
        return CacheSpec(known=False)
    return CacheSpec(size, bool(typed.value))


def make_key(args: list, kwargs: dict, typed: bool, keep: list) -> tuple:
    """The table key of a call, as a tuple of parts; ``keep`` receives the objects the key names
    by identity (the table holds them, as CPython's holds its keys). Raises Unhashable."""
    if not typed and not kwargs and len(args) == 1 and isinstance(args[0], Known) \
            and type(args[0].value) in (int, str):
        return (("fast", args[0].value),)
    values = list(args) + list(kwargs.values())
    parts = [_part(v, keep) for v in args]
    for name, v in kwargs.items():
        parts.append(("kw", name))
        parts.append(_part(v, keep))
    if typed:
        parts.append(("tuple", tuple(_type_part(v) for v in values)))
    return tuple(parts)


def is_certain(key: tuple) -> bool:
    return not any(_uncertain(p) for p in key)


def is_plain(key: tuple) -> bool:
    """Whether the key names nothing by identity: equal in every run of the analysis."""
    return all(p[0] in ("K", "fast", "kw", "dtype", "lib") or p[0] == "tuple" and is_plain(p[1]) for p in key)


def may_equal(a: tuple, b: tuple) -> bool:
    """Whether two keys, at least one uncertain, can be equal at run time."""
    if len(a) != len(b):
        return False
    for p, q in zip(a, b):
        if p[0] == UNCERTAIN or q[0] == UNCERTAIN:
            continue
        if p[0] == "tuple" and q[0] == "tuple":
            if not may_equal(p[1], q[1]):
                return False
        elif p != q:
            return False
    return True


def _uncertain(part) -> bool:
    return part[0] == UNCERTAIN or part[0] == "tuple" and any(_uncertain(p) for p in part[1])


def _part(v: Value, keep: list):
    if isinstance(v, Known):
        try:
            hash(v.value)
        except TypeError as exc:
            raise Unhashable(str(exc)) from None
        return ("K", v.value)
    if isinstance(v, TupleVal):
        items = tuple(_part(item, keep) for item in v.items)
        if all(p[0] == "K" for p in items):
            return ("K", tuple(p[1] for p in items))  # equal to the same tuple known as a whole
        return ("tuple", items)
    if isinstance(v, ListVal) and not v.is_set or isinstance(v, (Array, DictVal)):
        raise Unhashable(f"unhashable type: '{_type_name(v)}'")
    if isinstance(v, DTypeRef):
        return ("dtype", v.name, v.instance)
    if isinstance(v, LibRef):
        return ("lib", v.path)  # a name in a library: the same object wherever it is read
    if equal_only_to_itself(v):
        keep.append(v)
        return ("id", id(v))
    keep.append(v)
    key = dict_key(v)
    if isinstance(key, FieldsKey):
        return ("fields", key)  # a frozen dataclass: equal to any instance with equal fields
    return (UNCERTAIN, id(v))  # a number read from data, an object with its own __eq__, a set of objects


def _type_part(v: Value):
    if isinstance(v, Known):
        return ("K", type(v.value).__name__)
    if isinstance(v, TupleVal):
        return ("K", "tuple")
    if isinstance(v, InstanceVal):
        return ("id", id(v.cls))
    if isinstance(v, (FunctionVal, ClassVal, LibRef, DTypeRef)):
        return ("K", type(v).__name__)
    return (UNCERTAIN, id(v))  # (v is kept alive by its own part)


def _type_name(v: Value) -> str:
    if isinstance(v, Array):
        return "numpy.ndarray"
    return "dict" if isinstance(v, DictVal) else "list"


_IMMUTABLE_SCALARS = (int, float, complex, str, bytes, bool, type(None))


def immutable(value: Value, depth: int = 0) -> bool:
    """Whether a cached value can never change: a known number or text, a tuple or NamedTuple of
    such (a cost model's `Choice(how, cost)`). A call handed one reads nothing of the table but
    the value, and its identity, which leaves the call only in what it returns (repeats.CallMemo)."""
    if depth > 8:
        return False
    if value.__class__ is Known:
        v = value.value
        return isinstance(v, _IMMUTABLE_SCALARS) or isinstance(v, (tuple, frozenset)) and all(
            immutable(Known(x), depth + 1) for x in v)
    if value.__class__ is TupleVal:
        return all(immutable(x, depth + 1) for x in value.items)
    if value.__class__ is InstanceVal and value.payload is None and value.cls.tuple_like:
        # the NamedTuple class itself (a subclass may keep a __dict__): its fields refuse assignment
        return all(immutable(x, depth + 1) for x in value.attrs.values())
    return False
