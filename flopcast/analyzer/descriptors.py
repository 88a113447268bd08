"""Descriptors of the user's own: a class attribute whose class defines ``__get__`` (and
``__set__``/``__delete__``), as Python's attribute lookup runs them.

A validated-field descriptor (``k = Clamped(lo=2)``, its ``__set__`` clamping what ``self.k = k``
stores, its ``__get__`` reading it back) steers loop counts and shapes: storing the raw value in
the instance, as plain attributes are, made a false exact (a loop of 1 counted where Python runs
3). Python's order (``object.__getattribute__``): a data descriptor on the type (``__get__`` with
``__set__`` or ``__delete__``) wins over the instance's dict; then the instance's dict; then a
non-data descriptor's ``__get__``; ``Class.attr`` calls ``__get__(None, Class)``. ``type.__new__``
calls each attribute's ``__set_name__(owner, name)`` before the bases' ``__init_subclass__``.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer.values import BoundMethod, ClassVal, FunctionVal, InstanceVal, Known, Value


def defines_get(cls: ClassVal) -> bool:
    """Whether a class statement made a descriptor class, or one whose instances learn their name
    (``__set_name__`` alone: a field registry), (the interpreter then looks for them)."""
    return "__get__" in cls.attrs or "__set__" in cls.attrs or "__set_name__" in cls.attrs


def _method(desc: Value, name: str) -> Optional[FunctionVal]:
    if not isinstance(desc, InstanceVal):
        return None
    method = desc.cls.lookup(name)[1]
    return method if isinstance(method, FunctionVal) else None


def on_type(cls: ClassVal, name: str) -> Optional[InstanceVal]:
    """The descriptor ``cls`` (or a base) holds under ``name``, if it is one (it has ``__get__``)."""
    desc = cls.lookup(name)[1]
    return desc if _method(desc, "__get__") is not None else None


def is_data(desc: InstanceVal) -> bool:
    return _method(desc, "__set__") is not None or _method(desc, "__delete__") is not None


def get(interp, desc: InstanceVal, obj: Value, owner: ClassVal, span) -> Value:
    """``desc.__get__(obj, owner)`` (``obj`` is ``Known(None)`` for ``Class.attr``)."""
    return interp.call(BoundMethod(_method(desc, "__get__"), desc), [obj, owner], {}, span)


def setter(desc: Value) -> Optional[FunctionVal]:
    """The ``__set__`` that ``obj.name = value`` calls instead of storing (None: there is none)."""
    return _method(desc, "__set__")


def set_names(interp, cls: ClassVal, span) -> None:
    """``type.__new__``'s ``__set_name__(owner, name)`` on each attribute that defines it."""
    for name, value in list(cls.attrs.items()):
        hook = _method(value, "__set_name__")
        if hook is not None:
            interp.call(BoundMethod(hook, value), [cls, Known(name)], {}, span)
