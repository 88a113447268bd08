"""Canonical forms of abstract state, equal exactly when two states cannot be told apart.

The interpreter is deterministic: from two states that differ only in *which* allocation
identities they use (the same aliasing between arrays, the same sharing of containers),
it makes the same charges, the same decisions and equal results. ``Canon`` writes a
state as a nested tuple in which every array identity, array object and mutable
container is replaced by the order in which the walk first met it, so equal tuples mean
states that are the same up to a renaming of identities. Values it does not know how to
compare make the whole form ``None`` (never equal to anything), which only costs speed.

Used to skip the repeated iterations of a loop that has reached a steady state, and to
reuse the effects of a call of a user function made again in an equal state.
"""

from __future__ import annotations

from typing import Any, Optional

from flopcast.analyzer.values import (
    Array,
    BoundLib,
    BoundMethod,
    Builtin,
    ClassVal,
    DictVal,
    DTypeRef,
    FunctionVal,
    Generator,
    InstanceVal,
    Known,
    LibRef,
    ListVal,
    MLPVal,
    ModuleVal,
    NumpyScalar,
    TupleVal,
    Unknown,
)


class Incomparable(Exception):
    """The state holds a value whose behaviour the canonical form cannot capture."""


_SCALARS = (int, float, complex, str, bytes, bool, type(None))


class Canon:
    """One walk: identities numbered in order of first meeting, shared across calls of ``form``."""

    def __init__(self, nonzero_counts: Optional[dict] = None) -> None:
        # The interpreter's nonzero count chosen per mask identity: part of what a mask is.
        self.nonzero_counts = nonzero_counts or {}
        self.idents: dict = {}  # array ident -> number
        self.objects: dict = {}  # id(object) -> number, for arrays and mutable containers
        self.by_object: list = []  # number -> object (keeps them alive, so their id() stays theirs)
        self.by_ident: list = []  # number -> ident

    def number(self, table: dict, key: Any, obj: Any = None) -> tuple[int, bool]:
        if key in table:
            return table[key], False
        table[key] = len(table)
        if table is self.objects:
            self.by_object.append(obj)
        else:
            self.by_ident.append(key)
        return table[key], True

    def form(self, value: Any) -> Any:
        if isinstance(value, Known):
            return ("K", _known(value.value))
        if isinstance(value, Array):
            ident, _ = self.number(self.idents, value.ident, value)
            obj, _ = self.number(self.objects, id(value), value)
            return ("A", value.shape, value.dtype, value.sym, value.dtype_origin, ident, obj,
                    self.nonzero_counts.get(value.ident), value.vrange, self.counted(value.counts), value.plain,
                    value.presumed)
        if isinstance(value, Unknown):
            return ("U", value.kind, value.origin, value.reason, value.lo, value.hi, value.chain,
                    self.counted(value.counts), value.presumed)
        if isinstance(value, NumpyScalar):
            return ("S", value.dtype, value.dtype_origin)
        if isinstance(value, TupleVal):
            return ("T", tuple(self.form(v) for v in value.items))
        if isinstance(value, ListVal):
            n, new = self.number(self.objects, id(value), value)
            return ("L", n, tuple(self.form(v) for v in value.items) if new else None)
        if isinstance(value, DictVal):
            n, new = self.number(self.objects, id(value), value)
            if not new:
                return ("D", n)
            items = tuple((_known(k), self.form(v)) for k, v in value.items.items())
            return ("D", n, items, self.form(value.factory) if value.factory is not None else None)
        if isinstance(value, InstanceVal):
            n, new = self.number(self.objects, id(value), value)
            if not new:
                return ("I", n)
            return ("I", n, self.definition(value.cls), self.names(value.attrs))
        if isinstance(value, MLPVal):
            n, new = self.number(self.objects, id(value), value)
            if not new:
                return ("M", n)
            return ("M", n, value.width, value.depth, self.form(value.weights), self.form(value.seed))
        if isinstance(value, FunctionVal):
            n, new = self.number(self.objects, id(value), value)
            if not new:
                return ("F", n)
            closure = None
            if value.closure is not None:
                c, fresh = self.number(self.objects, id(value.closure), value.closure)
                closure = (c, self.names(value.closure) if fresh else None)
            return ("F", n, id(value.node), value.kind, value.cached, self.definition(value.owner),
                    tuple(self.form(v) for v in value.defaults),
                    tuple((k, self.form(v)) for k, v in value.kw_defaults.items()), closure)
        if isinstance(value, BoundMethod):
            return ("B", self.form(value.function), self.form(value.receiver))
        if isinstance(value, BoundLib):
            return ("BL", value.path, self.form(value.receiver))
        if isinstance(value, Generator):
            ident, _ = self.number(self.idents, ("gen", value.ident), value)
            return ("G", ident, value.plain)
        if isinstance(value, (LibRef, DTypeRef, Builtin)):
            return (type(value).__name__, getattr(value, "path", None) or getattr(value, "name", None))
        if isinstance(value, ClassVal):
            n, new = self.number(self.objects, id(value), value)
            return ("C", n, self.definition(value), self.names(value.attrs) if new else None)
        if isinstance(value, ModuleVal):
            # A module's globals are compared through the interpreter's module environments.
            return ("Mod", id(value.module))
        raise Incomparable(type(value).__name__)

    def counted(self, mask: Optional[int]) -> Optional[int]:
        """The number of the mask whose nonzero elements a count counts (an array identity)."""
        return None if mask is None else self.number(self.idents, mask)[0]

    def definition(self, cls: Optional[ClassVal]) -> Any:
        """What tells classes apart: the class object itself, within one run."""
        return id(cls)

    def names(self, env: dict) -> tuple:
        return tuple((k, self.form(v)) for k, v in env.items())


def _known(v: Any) -> Any:
    if isinstance(v, float):
        return ("float", v.hex())  # tells -0.0 from 0.0 and compares NaNs
    if isinstance(v, _SCALARS):
        return (type(v).__name__, v)
    if isinstance(v, (range, slice)) or v is Ellipsis:
        return (type(v).__name__, repr(v))
    if isinstance(v, (tuple, frozenset)):
        return (type(v).__name__, tuple(_known(x) for x in v))
    raise Incomparable(type(v).__name__)


def canonical(*parts: Any) -> Optional[tuple]:
    """The canonical form of ``parts`` (values, name -> value dicts, plain data), or None."""
    canon = Canon()
    try:
        return tuple(canon.names(p) if isinstance(p, dict) else canon.form(p) if _is_value(p) else p
                     for p in parts)
    except (Incomparable, RecursionError):
        return None


def _is_value(p: Any) -> bool:
    from flopcast.analyzer.values import Value

    return isinstance(p, Value)
