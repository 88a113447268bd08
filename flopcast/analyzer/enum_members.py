"""The members an Enum class statement (or the functional API) makes of its constants, as
Python's ``_EnumDict`` and ``EnumType`` make them: which names become members, aliases, iteration
order, ``__members__`` and ``_value2member_map_``. Used by the class statement
(interpreter/definitions.py) and by ``enum.Enum("T", names)`` (enum_functional.py)."""

from __future__ import annotations

from flopcast.analyzer import descriptors, flags
from flopcast.analyzer.values import (Builtin, ClassVal, DictVal, ENUM_AUTO, FunctionVal, InstanceVal, Known, LibRef,
                                      ListVal, PartialMethodVal, TupleVal)


def member_name(name: str) -> bool:
    """Whether Python's _EnumDict makes a member of a name: not a dunder (``__x__``), a sunder
    (``_x_``, reserved) or a private name (``__x``, kept as its mangled ``_Kind__x``); ``_x`` is one."""
    dunder = len(name) > 4 and name[:2] == name[-2:] == "__" and name[2] != "_" and name[-3] != "_"
    sunder = len(name) > 2 and name[0] == name[-1] == "_" and name[1] != "_" and name[-2] != "_"
    private = name.startswith("__") and not name.endswith("__")
    return not (dunder or sunder or private)


def not_a_member(value) -> bool:
    """A value _EnumDict keeps a plain attribute of the class: a descriptor (a function, whatever
    decorated it, a partialmethod, an object of a class with __get__/__set__)."""
    return isinstance(value, (FunctionVal, PartialMethodVal)) or isinstance(value, LibRef) and \
        value.path == "py:enum.auto" or isinstance(value, InstanceVal) and descriptors.defines_get(value.cls)


def make_members(cls: ClassVal, nonmembers: set = frozenset()) -> list:
    """``class Kind(enum.Enum): FAST = 1``: each public constant (or ``enum.auto()``, numbered
    as _EnumBody numbers it) becomes a member with ``.name`` and ``.value``; ``Kind.FAST``,
    ``Kind["FAST"]``, ``Kind(1)`` and iteration give the same member objects. A constant whose
    value an earlier member has is an alias of that member (``Kind.B is Kind.A``); iteration and
    ``len`` skip aliases and, in a Flag, the members that are not one bit (``FULL = A | B``).
    ``_value2member_map_`` finds an Enum's first member of each value, ``_member_map_`` is ``__members__``;
    a name in ``nonmembers`` (``enum.nonmember``) or in ``_ignore_`` stays a plain attribute.
    Returns the names Python makes members of whose values are not known constants (a list, a
    nested class, a value read at run time): the caller reports them, as the members are not known."""
    members: dict = {}
    canonical: list = []
    by_value: dict = {}
    flag = flags.is_flag(cls)
    ignored = cls.attrs.get("_ignore_")
    ignored = ignored.value.replace(",", " ").split() if isinstance(ignored, Known) and isinstance(ignored.value, str) \
        else [i.value for i in ignored.items if isinstance(i, Known)] if isinstance(ignored, (ListVal, TupleVal)) \
        else list(ignored.value) if isinstance(ignored, Known) and isinstance(ignored.value, (list, tuple)) else []
    unknown: list = []
    for name, value in list(cls.attrs.items()):
        if not member_name(name) or name in nonmembers or name in ignored or not_a_member(value):
            continue
        if not isinstance(value, Known) or value.value is ENUM_AUTO:
            unknown.append(name)
            continue
        try:
            alias = by_value.get(value.value)
        except TypeError:  # an unhashable value (a list): Python compares by ==, flopcast keeps it a member
            alias = None
        if alias is not None:
            cls.attrs[name] = members[name] = alias
            continue
        member = InstanceVal(cls, {"name": Known(name), "value": value, "_value_": value, "_name_": Known(name)})
        cls.attrs[name] = member
        members[name] = member
        try:
            by_value[value.value] = member
        except TypeError:
            pass
        v = value.value
        if not flag or type(v) is int and v > 0 and v & (v - 1) == 0:
            canonical.append(member)
    cls.attrs["__members__"] = cls.attrs["_member_map_"] = DictVal(members)
    if not flag:  # (a Flag's map grows by each combination made: not followed)
        cls.attrs["_value2member_map_"] = DictVal(by_value)
    cls.attrs["__iter_members__"] = ListVal(canonical)
    # (`class Kind(str, Enum)` / `(int, Enum)`: a member is also its text or number, as a StrEnum's is)
    if any(isinstance(b, LibRef) and b.path in ("py:enum.IntEnum", "py:enum.IntFlag", "py:enum.StrEnum")
           or isinstance(b, Builtin) and b.name in ("int", "str") for b in cls.bases):
        cls.attrs["__int_like__"] = Known(True)
    return unknown
