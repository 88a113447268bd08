"""``enum.Flag`` and ``enum.IntFlag`` members under ``|``, ``&``, ``^``, ``~`` and ``in``.

Python answers these with the enum's own methods: ``Mode.A | Mode.C`` is a member of the
class (a pseudo-member named ``"A|C"``, made once and cached, so ``Mode.A | Mode.C is
Mode.A | Mode.C``), ``Mode.B in mode`` tests its bits, ``~mode`` is the complement within the
class's bits, and an IntFlag also takes a plain int on either side (``Cap.A | 8``). Before
this module an IntFlag member was its number under every operator, so ``Cap.A | Cap.C`` was
the int 5 and ``Cap.B in caps`` a TypeError the program never raises (a false "raises, always"
under an exact total), and a Flag's ``|`` was an unknown value.

Each answer is asked of a real enum class with the same names and numbers (Python's own
rules: boundaries, names of combinations, what an int is refused with), and mapped back to the
analysed class's member objects, so identity, ``.name`` and ``.value`` are the program's.
"""

from __future__ import annotations

import enum as _enum
import functools
from typing import Any, Optional

from flopcast.analyzer.values import ClassVal, DictVal, InstanceVal, Known, LibRef, UserRaise, Value

#: operator name -> the Python operator applied to the real members
_BINARY = {"BitOr": lambda a, b: a | b, "BitAnd": lambda a, b: a & b, "BitXor": lambda a, b: a ^ b}

#: where a class keeps the pseudo-members made for it (Python's ``_value2member_map_``)
PSEUDO_MEMBERS = _PSEUDO = "__flag_pseudo__"


def is_flag(cls: ClassVal) -> bool:
    return any(isinstance(b, LibRef) and b.path in ("py:enum.Flag", "py:enum.IntFlag") or isinstance(b, ClassVal)
               and is_flag(b) for b in cls.bases)


def _member_values(cls: ClassVal) -> Optional[dict]:
    """The class's member names and int values, or None when one is not a known int."""
    members = cls.attrs.get("__members__")
    if not isinstance(members, DictVal):
        return None
    values = {}
    for name, m in members.items.items():
        if not isinstance(name, str) or not isinstance(m, InstanceVal) or not isinstance(m.attrs.get("value"), Known):
            return None
        v = m.attrs["value"].value
        if type(v) is not int:
            return None
        values[name] = v
    return values


def real_class(cls: ClassVal) -> Optional[type]:
    """A real Flag (or IntFlag) class with the names and int values of the analysed flag class's
    members, or None when one is not a known int."""
    values = _member_values(cls)
    if values is None:
        return None
    return _made_class(cls.attrs.get("__int_like__") is not None, cls.name, tuple(values.items()))


@functools.lru_cache(maxsize=256)
def _made_class(int_like: bool, name: str, values: tuple) -> Optional[type]:
    # Made once per set of members: making an enum class costs ~0.5 ms, and an operator on a
    # flag asks for it each time (flag_stages made 2,165 of them in one analyze).
    try:
        return (_enum.IntFlag if int_like else _enum.Flag)(name, dict(values))
    except (ValueError, TypeError):
        return None


def member_for(cls: ClassVal, real: Any, span) -> Value:
    """The analysed class's member for a real enum member: a named member itself, else the
    class's cached pseudo-member for that value (made as Python makes it)."""
    value = int(real._value_)
    members = cls.attrs["__members__"]
    if real._name_ is not None and real._name_ in members.items:
        member = members.items[real._name_]
        if member.attrs["value"].value == value:
            return member
    cache = cls.attrs.get(_PSEUDO)
    if not isinstance(cache, DictVal):
        cache = cls.attrs[_PSEUDO] = DictVal({})
    made = cache.items.get(value)
    if made is None:
        name = Known(real._name_)
        made = cache.items[value] = InstanceVal(cls, {"name": name, "value": Known(value), "_value_": Known(value),
                                                      "_name_": name})
    return made


#: The attributes member_for gives a pseudo-member.
_MADE_WITH = frozenset({"name", "value", "_value_", "_name_"})


def pristine(cache: Value) -> bool:
    """Whether ``cache`` (a class's PSEUDO_MEMBERS) holds only pseudo-members as member_for made them."""
    return isinstance(cache, DictVal) and all(
        isinstance(m, InstanceVal) and m.attrs.keys() == _MADE_WITH and isinstance(m.attrs["value"], Known)
        and m.attrs["value"].value == value for value, m in cache.items.items())


def pseudo_member(cls: ClassVal, value: Any, span) -> Optional[Value]:
    """``Cap(3)`` of a Flag: the member for a combination of bits, or None when the class's
    values or ``value`` are not known ints. Python's refusal (a STRICT boundary) is the program's."""
    if type(value) is not int:
        return None
    real = real_class(cls)
    if real is None:
        return None
    try:
        made = real(value)
    except (ValueError, TypeError) as err:
        raise UserRaise(span, f"{type(err).__name__}: {err}") from None
    return member_for(cls, made, span)


def _with_real(cls: Optional[ClassVal]) -> Optional[tuple]:
    """(the flag class, the real enum class with its members), or None when either is unknown."""
    real = real_class(cls) if cls is not None else None
    return None if real is None else (cls, real)


def _flag_class(v: Value) -> Optional[ClassVal]:
    if v.__class__ is InstanceVal and is_flag(v.cls) and "value" in v.attrs and "name" in v.attrs:
        return v.cls
    return None


def _as_real(v: Value, cls: ClassVal, real: type):
    """``v`` as the real enum sees it: a member of ``cls`` as the real member, a known int as
    itself; None for anything else (a member of another class, a value read from data)."""
    if v.__class__ is InstanceVal:
        if v.cls is not cls or not isinstance(v.attrs.get("value"), Known):
            return None
        return real(v.attrs["value"].value)
    if isinstance(v, Known) and type(v.value) in (int, bool):
        return v.value
    return None


def _operands(left: Value, right: Value):
    found = _with_real(_flag_class(left) or _flag_class(right))
    if found is None:
        return None
    cls, real = found
    a, b = _as_real(left, cls, real), _as_real(right, cls, real)
    if a is None or b is None:
        return None
    return cls, a, b


def binary(name: str, left: Value, right: Value, span) -> Optional[Value]:
    """``left | right`` (``&``, ``^``) where an operand is a Flag member: the member Python
    gives, or None when this module cannot tell (the caller goes on as before)."""
    if name not in _BINARY:
        return None
    found = _operands(left, right)
    if found is None:
        return None
    cls, a, b = found
    try:
        result = _BINARY[name](a, b)
    except TypeError as err:  # `Mode.A | 1` of a plain Flag
        raise UserRaise(span, f"TypeError: {err}") from None
    if isinstance(result, _enum.Flag):
        return member_for(cls, result, span)
    return Known(result) if type(result) is int else None


def invert(operand: Value, span) -> Optional[Value]:
    """``~mode`` of a Flag member: the complement within the class's bits (an IntFlag's too)."""
    found = _with_real(_flag_class(operand))
    if found is None:
        return None
    cls, real = found
    return member_for(cls, ~real(operand.attrs["value"].value), span)


def contains(left: Value, right: Value, span) -> Optional[bool]:
    """``left in right`` where ``right`` is a Flag member: whether its bits hold ``left``'s.
    Python refuses a left operand of another kind with a TypeError (the program's)."""
    found = _with_real(_flag_class(right))
    if found is None:
        return None
    cls, real = found
    b = _as_real(right, cls, real)
    if left.__class__ is InstanceVal:
        a = _as_real(left, cls, real) if left.cls is cls else None
        if a is None:
            return None  # (a member of another class: not told here)
    elif isinstance(left, Known) and type(left.value) in (int, bool, str, float, type(None)):
        a = left.value
    else:
        return None
    try:
        return a in b
    except TypeError as err:
        raise UserRaise(span, f"TypeError: {err}") from None


def members_of(v: Value) -> Optional[list]:
    """``list(mode)``: the one-bit members a Flag value holds, in Python's order (3.11)."""
    found = _with_real(_flag_class(v))
    if found is None:
        return None
    cls, real = found
    return [member_for(cls, m, None) for m in real(v.attrs["value"].value)]
