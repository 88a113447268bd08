"""``str()``, ``repr()`` and ``format()`` of an enum member of the user's classes.

Python's answers differ by the kind of enum, and by version (3.11: ``str(IntEnum.A)`` is the
number, ``str(Enum.A)`` and a ``(str, Enum)`` mixin's are ``"Kind.A"``, a format spec formats the
value of an IntEnum/StrEnum/IntFlag and the text of the others), so each is asked of a real enum
class made with the member's class name, name and value and the same base and mixin; a Flag's
combinations of the analysed class's own real class (flags.py). A member of a class with another
base, or whose name or value is not known, gives None: not known.
"""

from __future__ import annotations

import enum as _enum
import functools
from typing import Any, Optional

from flopcast.analyzer import flags
from flopcast.analyzer.values import Builtin, ClassVal, InstanceVal, Known, LibRef

#: enum base path -> the real base class
_BASES = {"py:enum.Enum": _enum.Enum, "py:enum.IntEnum": _enum.IntEnum, "py:enum.StrEnum": _enum.StrEnum,
          "py:enum.Flag": _enum.Flag, "py:enum.IntFlag": _enum.IntFlag}
#: a mixed-in builtin type (`class Kind(str, Enum)`)
_MIXINS = {"str": str, "int": int, "float": float}


def member_text(member: InstanceVal, kind: str, spec: str = "") -> Optional[str]:
    """``str(member)`` (kind "str"), ``repr(member)`` ("repr") or ``format(member, spec)``
    ("format") as Python gives it, or None when not known."""
    real = _real_member(member)
    if real is None:
        return None
    try:
        return str(real) if kind == "str" else repr(real) if kind == "repr" else format(real, spec)
    except (TypeError, ValueError):
        return None  # (a spec the value refuses: Python's message is not claimed)


def _real_member(member: InstanceVal) -> Optional[Any]:
    name, value = member.attrs.get("_name_"), member.attrs.get("_value_")
    if not (isinstance(name, Known) and isinstance(value, Known)):
        return None
    kinds = _kinds(member.cls)
    if kinds is None:
        return None
    base, mixin = kinds
    if issubclass(base, _enum.Flag):
        real = flags.real_class(member.cls)
        return None if real is None or type(value.value) is not int else real(value.value)
    if not isinstance(name.value, str):
        return None
    try:
        return _made(base, mixin, member.cls.name, name.value, value.value)
    except TypeError:  # an unhashable value (a list): not cached, not claimed
        return None


def _kinds(cls: ClassVal) -> Optional[tuple]:
    """(the real enum base, the mixed-in builtin type or None) of a class of the user's, or None
    when a base is neither an enum base, a builtin mixin nor a class of the user's."""
    base = mixin = None
    for c in cls.mro():
        for b in c.bases:
            if isinstance(b, LibRef) and b.path in _BASES:
                base = base or _BASES[b.path]
            elif isinstance(b, Builtin) and b.name in _MIXINS:
                mixin = mixin or _MIXINS[b.name]
            elif not (isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"):
                return None
    return None if base is None else (base, mixin)


@functools.lru_cache(maxsize=256)
def _made(base: type, mixin: Optional[type], cls_name: str, name: str, value: Any) -> Optional[Any]:
    try:
        made = base(cls_name, [(name, value)], type=mixin) if mixin is not None else base(cls_name, [(name, value)])
    except (TypeError, ValueError):
        return None
    return made[name]
