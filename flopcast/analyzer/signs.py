"""Arrays whose elements are never negative: a norm, an absolute value, a square, an exponential,
a variance, a sum of squares (``fnp.sum(v * v)``, ``v @ v`` of one real vector).

``math.sqrt(float(fnp.linalg.norm(v)))`` raises ValueError only for a negative argument; without
the sign the count was "exact, presuming no ValueError". The fact rides on ``Array.fbounds`` as
``(0.0, inf)`` (bounds of the elements that are not NaN: a NaN stays a NaN through these ops, and
CPython's math functions do not raise on one), and ``float(...)``/``.item()`` of a 0-d array carry
it to the Python float as its low bound (dataints.from_array), where builtins._math_probes reads it.

Only float results: integer arithmetic wraps (a square of an int64 may be negative), and a complex
square is no square of a magnitude. A write into the array drops the bounds (write_in_place).
"""

from __future__ import annotations

import dataclasses
import math

from flopcast.analyzer.const_masks import Filled
from flopcast.analyzer.values import Array, Known, machine_of, NumpyScalar, Unknown, Value

NONNEGATIVE = (0.0, math.inf)

#: ops whose every element is at least 0 (or NaN) whatever their real operands hold
_ALWAYS = frozenset({"abs", "absolute", "fabs", "sqrt", "exp", "exp2", "square", "cosh", "hypot",
                     "linalg.norm", "linalg.vector_norm", "linalg.matrix_norm", "var", "std", "nanvar", "nanstd"})
#: ops that keep a non-negative operand non-negative (a reduction of it, its order statistics, a
#: copy; not a view, which a write through its base would change unseen)
_KEEP = frozenset({"sum", "nansum", "mean", "nanmean", "max", "amax", "min", "amin", "nanmax", "nanmin", "median",
                   "nanmedian", "cumsum", "prod", "cumprod", "sort", "copy", "array", "astype"})
#: binary ops non-negative when both operands are (a product of one operand with itself is a square)
_BOTH = frozenset({"add", "multiply", "divide", "true_divide", "maximum", "fmax", "minimum", "fmin"})
#: one real vector times itself: the sum of its squares
_SELF_PRODUCTS = frozenset({"matmul", "dot", "inner", "vdot"})
#: every op after_op may mark
_MARKING = _ALWAYS | _KEEP | _BOTH | _SELF_PRODUCTS | {"power", "clip"}


def nonnegative(v: Value, watch=None) -> bool:
    """Whether every element of ``v`` is at least 0 or NaN (a known number at least 0 too).
    ``watch``: the interpreter's counter watch (counters.py). A number it follows is not known
    to be non-negative, and its value is not read: the watched iteration stands for iterations
    whose number differs (its sign too, maybe), and a read would count as the number steering
    the work (carried states and steady loops never settling). Not knowing a sign is always
    safe: the watched iteration then takes every course a negative number could."""
    if v.__class__ is Known:
        if watch is not None and watch.follows(v):
            return False
        return type(v.value) in (int, float) and v.value >= 0
    return v.__class__ in (Array, NumpyScalar) and v.fbounds is not None and v.fbounds[0] >= 0


def _real(v: Value) -> bool:
    return v.dtype.startswith(("float", "int", "uint", "bool"))


def after_op(name: str, args: list, kwargs: dict, result: Value, watch=None) -> Value:
    """``result`` of ``fnp.<name>(*args, **kwargs)``, marked non-negative where that is proven: a
    fresh float array (not an out= buffer nor an operand handed back) in place, a numpy scalar
    (immutable, maybe shared by a memoised call) as a copy. ``watch`` as for ``nonnegative``."""
    if name not in _MARKING:
        return result  # (every op is priced through here: most mark nothing whatever their operands)
    if result.__class__ not in (Array, NumpyScalar) or not result.dtype.startswith("float") or result.fbounds is not None \
            or "out" in kwargs or "where" in kwargs or any(result is a for a in args):
        return result
    operands = [a for a in args if a.__class__ in (Array, NumpyScalar)]
    if not operands or not all(_real(a) for a in operands):
        return result
    first = operands[0]
    if name in _ALWAYS or name in _KEEP and nonnegative(first) \
            or name == "power" and len(args) == 2 and _even(args[1], watch) \
            or name in _BOTH and len(args) == 2 and (args[0] is args[1] and name == "multiply"
                                                     or nonnegative(args[0], watch) and nonnegative(args[1], watch)) \
            or name in ("maximum", "fmax") and len(args) == 2 and (nonnegative(args[0], watch)
                                                                    or nonnegative(args[1], watch)) \
            or name in _SELF_PRODUCTS and len(args) == 2 and args[0] is args[1] and first.__class__ is Array \
            and first.ndim == 1 \
            or name == "clip" and len(args) >= 2 and nonnegative(args[1], watch) and (
                len(args) < 3 or _none(args[2]) or nonnegative(args[2], watch)):
        # (numpy's clip gives a_max where a_max < a_min: a negative a_max would show)
        if result.__class__ is NumpyScalar:
            return dataclasses.replace(result, fbounds=NONNEGATIVE)
        result.fbounds = NONNEGATIVE
    return result


#: comparisons of ``x`` with a number ``t`` that no element at least 0 (nor a NaN) passes, by ``t``:
#: ``x < 0``, ``x <= -1``, ``x == -1``; and ``x != -1``, which every one passes
_NONE_PASS = {"less": lambda t: t <= 0, "less_equal": lambda t: t < 0, "equal": lambda t: t < 0}
_ALL_PASS = {"not_equal": lambda t: t < 0}
#: the same comparison with its operands swapped (``0 > x`` is ``x < 0``)
_SWAPPED = {"greater": "less", "greater_equal": "less_equal", "equal": "equal", "not_equal": "not_equal"}


def decided_mask(name: str, args: list, result: Value, watch=None) -> Value:
    """``result`` of the comparison ``fnp.<name>(x, t)`` (or ``t`` first) of a never-negative ``x``
    with a known number ``t`` where the sign decides every element: ``x < 0`` of a ReLU's output
    is False everywhere, so a selection or a ``copyto(..., where=)`` by it writes nothing (an
    exact count, where a test of signed data is a size site). A 0-d test (``if norm < 0:``) is left
    to its presumption. Only the answers a NaN gives too (NaN compares False, and unequal):
    ``x >= 0`` is False at a NaN, and stays value-dependent. The mask's True count and elements
    are set. What presumptions.after_op presumed of it (the
    same answer: a unit's output is not negative) stays for what counts no True count answers (a
    whole ``fnp.any``/``fnp.all`` of the mask is known from it: ops/reductions.py)."""
    if len(args) != 2 or result.__class__ is not Array or result.dtype != "bool":
        return result
    x, t = args
    if x.__class__ is not Array:
        if name not in _SWAPPED:
            return result
        x, t, name = t, x, _SWAPPED[name]
    if x.__class__ is not Array or not x.shape or x.shape != result.shape or t.__class__ is not Known \
            or type(t.__dict__["value"]) not in (int, float) or watch is not None and watch.follows(t) \
            or not nonnegative(x):
        return result
    threshold = t.value
    if math.isnan(threshold):
        return result
    if name in _NONE_PASS and _NONE_PASS[name](threshold):
        result.true_count = 0
    elif name in _ALL_PASS and _ALL_PASS[name](threshold):
        result.true_count = result.size
    else:
        return result
    result.elements = Filled(1 if result.true_count else 0, "bool", tuple(result.shape))
    return result


def _even(v: Value, watch) -> bool:
    if v.__class__ is not Known or watch is not None and watch.follows(v):
        return False  # (a followed number: as nonnegative)
    return type(v.value) is int and v.value % 2 == 0


def _none(v: Value) -> bool:
    """``v`` is None (clip's missing bound); a number a watch follows never is, whatever its
    value, so only its class is looked at."""
    return v.__class__ is Known and v.__dict__["value"] is None


def python_sum_or_product(name: str, left: Value, right: Value, watch=None) -> Value:
    """``1.0 + x`` or ``x * y`` of Python floats read from data that are at least 0 (``x`` from a
    norm): the result's low bound, rounding being monotone; None where either side is not so.
    A number ``watch`` follows (counters.py) bounds nothing (see ``nonnegative``)."""
    if name not in ("Add", "Mult") or not any(v.__class__ is Unknown for v in (left, right)):
        return None
    bounds = [_low(v, watch) for v in (left, right)]
    if None in bounds or not any(v.__class__ is Unknown and v.kind == "float" for v in (left, right)):
        return None
    made = next(v for v in (left, right) if v.__class__ is Unknown)
    lo = bounds[0] + bounds[1] if name == "Add" else bounds[0] * bounds[1]
    return Unknown("float", made.origin, made.reason, float(lo), machine=machine_of(left, right))


def _low(v: Value, watch):
    if v.__class__ is Known:
        if watch is not None and watch.follows(v):
            return None
        return v.value if type(v.value) in (int, float) and v.value >= 0 else None
    if v.__class__ is Unknown and v.kind in ("float", "int") and v.lo is not None and v.lo >= 0 \
            and (v.kind == "float" or not v.chain):
        return v.lo
    return None
