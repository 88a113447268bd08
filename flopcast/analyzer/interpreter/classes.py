"""User classes as the interpreter sees them: enums, slots, named tuples, flopscope modules' state.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer.values import (Array, Builtin, ClassVal, DequeVal, DictVal, InstanceVal,
                                      is_plain_estimator_base, Known, LibRef, ListVal, TupleVal, Value)


_CACHING_DECORATORS = {"py:functools.lru_cache", "py:functools.cache"}


#: enum base classes: a class deriving from one turns its constants into members.
_ENUM_BASES = {"py:enum.Enum", "py:enum.IntEnum", "py:enum.Flag", "py:enum.IntFlag", "py:enum.StrEnum"}


def _is_enum(cls: ClassVal) -> bool:
    return any(isinstance(b, LibRef) and b.path in _ENUM_BASES or isinstance(b, ClassVal) and _is_enum(b)
               for b in cls.bases)


def _is_enum_member(v: Value) -> bool:
    return isinstance(v, InstanceVal) and _is_enum(v.cls) and "value" in v.attrs and "name" in v.attrs


def _declared_slots(obj: InstanceVal, slotted_library_bases: frozenset = frozenset()) -> Optional[set]:
    """The names every class on an instance's MRO declares in known ``__slots__`` (the user's own
    classes, over ``object`` or these library bases), or None when one of them declares none."""
    names: set = set()
    for c in obj.cls.mro():
        slots = c.attrs.get("__slots__") if c.node is not None else None
        if isinstance(slots, (TupleVal, ListVal)):
            slots = Known(tuple(i.value if isinstance(i, Known) else None for i in slots.items))
        if not isinstance(slots, Known):
            return None
        declared = (slots.value,) if isinstance(slots.value, str) else slots.value
        if not isinstance(declared, (tuple, list)) or not all(isinstance(n, str) for n in declared):
            return None
        names.update(declared)
        if not all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                   or isinstance(b, LibRef) and b.path in slotted_library_bases for b in c.bases):
            return None
    return names


#: library bases that declare ``__slots__ = ()`` (they add no ``__dict__`` to a slotted class)
_SLOTTED_LIBRARY_BASES = frozenset({"py:abc.ABC"})


def _bases_are_plain(cls: ClassVal) -> bool:
    """Whether every base class is the user's own, whestbench's BaseEstimator or object, so a
    method none of them defines does not exist."""
    return all(isinstance(b, ClassVal) or is_plain_estimator_base(b)
               or isinstance(b, Builtin) and b.name == "object" for c in cls.mro() for b in c.bases)


def _class_name(value: Value) -> Optional[str]:
    """The name of an exception class as a value: ``ValueError``, a user class, ``fnp.linalg.LinAlgError``."""
    if isinstance(value, Builtin):
        return value.name
    if isinstance(value, ClassVal):
        return value.name
    if isinstance(value, LibRef):
        return value.path.rsplit(".", 1)[-1]
    return None


def _namedtuple_fields(cls: ClassVal) -> TupleVal:
    """A NamedTuple class's ``_fields``: its field names in order (a subclass's are its base's)."""
    fields = next((c.fields for c in cls.mro() if c.fields is not None), [])
    return TupleVal(tuple(Known(f[0]) for f in fields))


def _is_flops_module(cls: ClassVal) -> bool:
    """Whether a user class derives from flopscope.Module (directly or through user bases)."""
    for c in cls.mro():
        for base in c.bases:
            if isinstance(base, LibRef) and base.path in ("flopscope.Module", "flopscope._module.Module"):
                return True
    return False


def _module_collect(key: str, value: Value) -> dict:
    if isinstance(value, Array):
        return {key: value}
    if isinstance(value, InstanceVal) and _is_flops_module(value.cls):
        return _module_state(value, f"{key}.")
    if isinstance(value, (ListVal, TupleVal)):
        out: dict = {}
        for i, item in enumerate(value.items):
            out.update(_module_collect(f"{key}.{i}", item))
        return out
    if isinstance(value, DictVal):
        out = {}
        for k, item in value.items.items():
            out.update(_module_collect(f"{key}.{k}", item))
        return out
    return {}


def _module_state(obj: InstanceVal, prefix: str) -> dict:
    """flops.Module.state_dict: the public array attributes, nested modules and containers flattened."""
    out: dict = {}
    for name, value in obj.attrs.items():
        if not name.startswith("_"):
            out.update(_module_collect(f"{prefix}{name}", value))
    return out


def _python_type_name(v: Value) -> str:
    """The name Python's errors give the type of ``v`` (as far as flopcast tells it)."""
    if isinstance(v, Known):
        return type(v.value).__name__
    return {DequeVal: "collections.deque", ListVal: "list", TupleVal: "tuple", DictVal: "dict",
            Array: "ndarray"}.get(v.__class__, type(v).__name__)
