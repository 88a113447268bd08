"""Whether Python refuses ``obj.attr = value`` on an object of a fixed library type.

An int, a str, a range, a slice, a Fraction, a hash object, a numpy ndarray or scalar, a list
or a dict has no instance ``__dict__``: storing a new attribute on it is Python's AttributeError.
Going on as if the store happened would price a path the run never takes, so the analysis raises
where the run does. The answer is read from the real class at run time (its ``__dict__``, its
``__setattr__``, the descriptors on its MRO), never from a table of type names.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.values import Array, DictVal, Known, ListVal, NumpyScalar, TupleVal, Unknown


@dataclass(frozen=True)
class Store:
    """What Python does with the store: ``refused`` holds the AttributeError's message; ``followed``
    is False where Python keeps the attribute but the analysis cannot hold it."""

    refused: Optional[str] = None
    followed: bool = True


def _refusal(cls: type, attr: str) -> Optional[str]:
    """The AttributeError an instance of ``cls`` raises on ``obj.attr = v``, or None when the store
    may succeed (an instance ``__dict__``, a ``__setattr__`` of its own, a data descriptor such as
    a writable slot or ``ndarray.shape``)."""
    if cls.__setattr__ is not object.__setattr__ or any("__dict__" in k.__dict__ for k in cls.__mro__):
        return None
    for klass in cls.__mro__:
        if attr in klass.__dict__:
            if hasattr(type(klass.__dict__[attr]), "__set__"):
                return None
            break
    return f"'{_type_name(cls)}' object has no attribute '{attr}'"


def _type_name(cls: type) -> str:
    """A class's name as Python's AttributeError spells it (its tp_name): dotted with the module for
    a C type of an extension (``numpy.ndarray``), bare for builtins and classes written in Python."""
    if cls.__module__ == "builtins" or cls.__flags__ & _HEAPTYPE:
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement


#: the class each kind of unknown scalar stands for
_UNKNOWN_KINDS = {"int": int, "float": float, "bool": bool, "str": str, "slice": slice}


def attribute_store(obj) -> Optional[type]:
    """The real class Python stores on when ``obj`` stands for an object of a fixed library type,
    or None when flopcast models the store otherwise (instances, classes, modules, flopscope
    arrays, values of unknown type)."""
    if isinstance(obj, Known):
        return type(obj.value)
    if isinstance(obj, (NumpyScalar, Array)):
        # numpy is imported only here: an analysis that stores no attribute on a numpy value
        # need not import it (tests/test_library_imports.py)
        import numpy as np

        if isinstance(obj, NumpyScalar):
            return np.dtype(obj.dtype).type
        return np.ndarray if obj.plain else None  # a flopscope array has an instance __dict__
    if isinstance(obj, Unknown):
        return _UNKNOWN_KINDS.get(obj.kind)
    if isinstance(obj, TupleVal):
        return tuple  # numpy's named results (EighResult) are tuples without a __dict__ too
    if isinstance(obj, DictVal):
        if obj.ordered:
            return collections.OrderedDict
        if isinstance(obj.factory, Known):
            return collections.Counter
        return dict if obj.factory is None else collections.defaultdict
    if isinstance(obj, ListVal):
        # whichever iterable it stands for (a list, a tuple, a set, a deque, map(), a generator,
        # a dict view): none takes a new attribute
        return list
    return None


def store_on(obj, attr: str) -> Optional[Store]:
    """What ``obj.attr = v`` does when ``obj`` is of a fixed library type; None when it is not."""
    cls = attribute_store(obj)
    if cls is None:
        return None
    refused = _refusal(cls, attr)
    if refused is None:
        return Store(followed=False)  # a Counter's or a StringIO's __dict__, a writable slot
    if isinstance(obj, Known):
        try:  # no __dict__, no data descriptor, object's __setattr__: the real store raises, in Python's words
            setattr(obj.value, attr, None)
        except AttributeError as exc:
            refused = str(exc)
    return Store(refused=refused)
