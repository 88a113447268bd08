"""Masks whose True elements follow from how they were made: a selection by one has a known size.

``w[fnp.eye(n, dtype=bool)]``, ``fnp.copyto(g, 3.0, where=fnp.arange(n) < 3)``,
``x[fnp.triu(fnp.ones((n, n), dtype=bool), 1)]`` select a count that shapes and known numbers
decide. The run computes those elements with numpy; flopcast computes them the same way with the
installed numpy, from the same shapes and numbers (never from user code), and keeps them on the
array (``Array.elements``; numpy's own ``np.eye`` too, past the 4,096 elements plain_numpy keeps). A boolean result then carries its count of True elements
(``Array.true_count``), which every size site asked about that mask answers (``choose_size``).

Only the calls listed here are followed, each on operands whose elements are all known; any
other operand, keyword or dtype numpy answers differently from flopcast's model leaves the
elements unknown (and the selection a value-dependent size, as before). A write into the array
forgets them (``write_in_place``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Optional

from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, Value

#: Elements are kept up to this many bytes (a bool eye of width 4096): past it the mask's count
#: is a size site, as for a mask of unknown elements.
MAX_BYTES = 1 << 24

#: flopscope calls (and the ufuncs Python's operators call) whose elements numpy computes from
#: shapes and known numbers, or from operands whose elements are known
_MADE = frozenset({"eye", "identity", "tri", "arange", "ones", "zeros", "full", "array", "asarray"})
_LIKE = frozenset({"ones_like", "zeros_like", "full_like"})
_FROM_ELEMENTS = frozenset({
    "triu", "tril", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "invert", "bitwise_not", "add", "subtract", "multiply", "floor_divide", "mod", "remainder", "negative",
    "absolute", "abs", "minimum", "maximum",
})
FOLLOWED = _MADE | _LIKE | _FROM_ELEMENTS
#: Only masks and the integers they are made of (an arange) are kept: a float array's elements
#: would cost a copy of every zeros((w, w)) and count nothing
_COUNTED_KINDS = ("bool", "int", "uint")


@dataclass(frozen=True)
class Elements:
    """A read-only ndarray of known elements and a digest of them (a state's canonical form
    compares masks by it without copying megabytes at each loop iteration)."""

    array: Any
    key: bytes = field(compare=False)


@dataclass(frozen=True)
class Filled:
    """Elements all one value (``fnp.ones(n, dtype=bool)``, ``zeros_like``): counted and keyed
    without importing numpy (a tenth of a cold analysis), made an array only for an op that
    combines them with others."""

    fill: int
    dtype: str
    shape: tuple

    @property
    def key(self) -> tuple:
        return ("filled", self.dtype, self.shape, self.fill)

    @property
    def array(self):
        import numpy

        out = numpy.full(self.shape, self.fill, dtype=self.dtype)
        out.setflags(write=False)
        return out


#: constructors whose every element is the one value they are named for
_FILLS = {"ones": 1, "ones_like": 1, "zeros": 0, "zeros_like": 0}


def _held(out) -> Elements:
    out.setflags(write=False)  # (numpy's fresh result: no one else holds it)
    digest = hashlib.blake2b(out.tobytes(), digest_size=16).digest()
    return Elements(out, (out.dtype.str, out.shape, digest))


class _NotKnown(Exception):
    pass


def _operand(v: Value, numpy, like: bool):
    """``v`` as numpy sees it where its elements are known (raises _NotKnown otherwise). ``like``:
    a ``*_like`` prototype, of which only the shape and dtype are read."""
    from flopcast.analyzer import plain_numpy

    if v.__class__ is Array:
        if like:
            return numpy.broadcast_to(numpy.zeros((), dtype=v.dtype), v.shape)  # (its shape and dtype, no memory)
        if v.elements is not None:
            return v.elements.array
        if v.value is not None and v.shape:
            return v.value  # a plain ndarray's (plain_numpy.with_elements), an npz member's
        if v.shape == () and v.value is not None:
            return numpy.dtype(v.dtype).type(v.value)
        raise _NotKnown
    if v.__class__ in (ListVal, TupleVal) and not all(i.__class__ in (Known, NumpyScalar) for i in v.items):
        raise _NotKnown
    try:
        return plain_numpy.numpy_operand(v)
    except LookupError:
        raise _NotKnown from None


def attach(result: Value, name: str, args: list, kwargs: dict) -> Value:
    """``result`` (the array ``fnp.<name>(*args, **kwargs)`` gives, or numpy's own ``np.<name>``)
    with the elements numpy
    computes from known operands, and a boolean one with its count of True elements; else unchanged."""
    if name not in FOLLOWED or result.__class__ is not Array or not result.shape \
            or result.elements is not None or "out" in kwargs or "where" in kwargs \
            or not result.dtype.startswith(_COUNTED_KINDS):
        return result
    if name in _FILLS:
        result.elements = Filled(_FILLS[name], result.dtype, tuple(result.shape))
        if result.dtype == "bool":
            result.true_count = result.size if _FILLS[name] else 0
        return result
    if name in _FROM_ELEMENTS and not any(a.__class__ is Array and (a.elements is not None or a.value is not None
                                                                      and a.shape) for a in args):
        return result  # (decided before numpy is imported: most operands are arrays of data)
    import warnings

    import numpy

    if result.size * numpy.dtype(result.dtype).itemsize > MAX_BYTES:
        return result
    try:
        operands = [_operand(a, numpy, name in _LIKE and i == 0) for i, a in enumerate(args)]
        keywords = {k: _operand(v, numpy, False) for k, v in kwargs.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = getattr(numpy, name)(*operands, **keywords)
    except Exception:  # noqa: BLE001 - numpy refusing these values: flopcast's model decides
        return result
    if not isinstance(out, numpy.ndarray) or out.shape != result.shape or out.dtype.name != result.dtype:
        return result
    result.elements = _held(out)
    if out.dtype == bool:
        result.true_count = int(numpy.count_nonzero(out))
    return result


def known_count(v: Value) -> Optional[int]:
    """The number of True items of a flat list of known bools (``where=[True] + [False] * (n - 1)``)."""
    items = v.items if v.__class__ is ListVal else v.value if v.__class__ is Known and type(v.value) is list else None
    if not items:
        return None
    values = [i.value if i.__class__ is Known else None for i in items] if v.__class__ is ListVal else items
    if not all(type(i) is bool for i in values):
        return None
    return sum(values)
