"""Known values of 0-d flopscope arrays made from known numbers.

``fnp.sqrt(budget / cost)``, ``fnp.floor(x)``, ``fnp.clip(n, 2, 64)``, ``fnp.log2(w) * 3`` on Python
numbers give 0-d flopscope arrays (each billed as flopscope bills it). Their value is what numpy
computes on the same numbers at the same dtype, so flopcast computes it with the installed numpy
and keeps it on the array (``Array.value``): ``int(...)``, ``float(...)``, ``bool(...)`` and the truth
of a comparison of it are then known, and a sample count planned from the budget through fnp stays
exact. Only elementwise functions of scalars are followed; any argument of unknown value, any
keyword, or a dtype numpy answers differently from flopcast leaves the value unknown.
"""

from __future__ import annotations

from typing import Any, Optional

from flopcast.analyzer.values import Array, Known, NumpyScalar, Value

#: flopscope functions (and the ufuncs Python's operators call) followed on 0-d values
FOLLOWED = frozenset({
    "sqrt", "cbrt", "square", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "floor", "ceil", "rint",
    "trunc", "abs", "absolute", "fabs", "sign", "negative", "positive", "reciprocal",
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "remainder", "power",
    "float_power", "maximum", "minimum", "fmax", "fmin", "clip", "hypot", "arctan2",
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and", "logical_or",
    "logical_not", "asarray", "array",
    "logaddexp", "logaddexp2", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "fmod", "copysign",
})


def _has_value(v: Value) -> bool:
    """Whether ``_operand`` can make a numpy scalar of ``v``."""
    if isinstance(v, Known):
        return type(v.value) in (int, float, bool)
    return (isinstance(v, Array) and v.shape == () or isinstance(v, NumpyScalar)) and v.value is not None


def _operand(v: Value, numpy):
    """``v`` (one that ``_has_value``) as numpy sees it: a Python number, or a numpy scalar."""
    return v.value if isinstance(v, Known) else numpy.dtype(v.dtype).type(v.value)


def attach(result: Value, name: str, args: list, kwargs: dict) -> Value:
    """``result`` (a 0-d flopscope array from ``fnp.<name>(*args)``) with its value, when numpy
    computes one from known arguments at the same dtype; else unchanged."""
    if not (result.__class__ is Array and result.shape == () and not result.plain and result.value is None) \
            or name not in FOLLOWED or kwargs:
        return result
    value = compute(name, args)
    if value is None or value[1] != result.dtype:
        return result
    result.value = value[0]
    return result


def compute(name: str, args: list) -> Optional[tuple[Any, str]]:
    """numpy's (value, dtype name) of ``numpy.<name>(*args)`` on known scalars, or None."""
    if not args or not all(_has_value(a) for a in args):
        return None  # decided before importing numpy: most operands are arrays of unknown value
    import warnings

    import numpy

    operands = [_operand(a, numpy) for a in args]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = numpy.asarray(getattr(numpy, name)(*operands))
    except Exception:  # noqa: BLE001 - numpy refusing the arguments: the value stays unknown
        return None
    if out.shape != ():
        return None
    return out.item(), out.dtype.name


#: the Python conversions of a numpy scalar that python_value answers
_CONVERT = {"int": int, "float": float, "bool": bool, "item": lambda s: s.item(), "tolist": lambda s: s.tolist()}


def python_value(name: str, a: Array) -> Optional[Known]:
    """``int(a)``, ``float(a)``, ``bool(a)``, ``a.item()``, ``a.tolist()`` of a 0-d array of known
    value, as numpy answers."""
    import numpy

    if a.value is None or a.shape != ():
        return None
    scalar = numpy.dtype(a.dtype).type(a.value)
    try:
        return Known(_CONVERT[name](scalar))
    except (ValueError, OverflowError, KeyError):
        return None


def form(v: Any) -> Any:
    """The value as part of a state's canonical form (floats by their bits, so NaN equals NaN)."""
    if isinstance(v, float):
        return ("f", v.hex())
    if type(v).__name__ == "ndarray":  # a plain ndarray's elements (plain_numpy.with_elements)
        return ("e", v.dtype.str, v.shape, v.tobytes())
    return v
