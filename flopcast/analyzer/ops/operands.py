"""Reading a call's arguments: operand dtypes (NEP 50 weak scalars), shapes, known ints.

No charges here: these are the helpers every family uses to turn abstract arguments into
the shapes and dtypes flopscope prices from.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import dataints, dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.registry import OpError, OpRaises
from flopcast.analyzer.values import (Array, Builtin, DTypeRef, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value,
                                      holds_ends)


def operand(v: Value) -> Operand:
    # counters.py lets this function read a watched number: it must look only at its type.
    if isinstance(v, (Array, NumpyScalar)):
        return Operand(dtype=v.dtype)
    if isinstance(v, Known):
        x = v.value
        if isinstance(x, bool):
            return Operand(dtype="bool")
        if isinstance(x, int):
            return Operand(weak="int")
        if isinstance(x, float):
            return Operand(weak="float")
        if isinstance(x, complex):
            return Operand(weak="complex")
        if x is None:
            raise OpError("None used as an array operand")
        name = dtypes.array_literal_dtype(x)
        if not dtypes.billable(name):
            raise OpRaises("UnsupportedDtypeError", f"dtype {name!r} of {_shown(x)} is not billable -- flopscope "
                                                    "meters only numeric dtypes (bool, integer, float, complex)")
        return Operand(dtype=name)
    if isinstance(v, Unknown):
        if v.kind == "":
            # The result of something unpriced: pricing it as a scalar would hide cost.
            raise OpError(unknown_operand_reason(v), machine=v.machine)
        if v.kind == "bool":
            return Operand(dtype="bool")
        return Operand(weak="int" if v.kind == "int" else "float")
    raise OpError(f"cannot use {type(v).__name__} as an array operand")


def _shown(x) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


_UNKNOWN_PREFIX = dataints.UNKNOWN_PREFIX


def unknown_operand_reason(v: Unknown) -> str:
    """Why an op on an unknown value is unpriced, naming the root cause once (not nested)."""
    if v.reason.startswith(_UNKNOWN_PREFIX):
        return v.reason
    where = f" at line {v.origin.line}" if v.origin is not None else ""
    return f"{_UNKNOWN_PREFIX}{where}: {v.reason}"


def shape_of(v: Value) -> tuple[int, ...]:
    # counters.py lets this function read a watched number: it must look only at its type.
    if isinstance(v, Array):
        return v.shape
    if isinstance(v, Unknown) and v.kind == "":
        # The result of something unpriced may be an array of any shape, not a scalar.
        raise OpError(unknown_operand_reason(v), machine=v.machine)
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)):
        import numpy as np

        return tuple(np.shape(v.value))
    return ()


def origin_of(values, billed: Optional[str]):
    for v in values:
        if isinstance(v, (Array, NumpyScalar)) and v.dtype == billed and v.dtype_origin is not None:
            return v.dtype_origin
    return None


def to_array(ctx, v: Value) -> Array:
    """An array view of an operand (lists become arrays; scalars 0-d) without charging."""
    if isinstance(v, Array):
        return v
    if isinstance(v, ListVal):
        flat = _flat_numbers(v.items)
        if flat is not None:
            return flat
        items = [to_array(ctx, x) for x in v.items]
        if not items:
            return Array((0,), "float64")
        if len({a.shape for a in items}) > 1:
            _refuse_ragged([a.shape for a in items])
        # numpy's array coercion promotes every item's dtype, and a Python number in a list is
        # not weak there (its 0-d array is float64, int64): `[np.float32(1), 2.0]` and
        # `[fnp.sum(v32), fnp.max(v64)]` are float64
        dt = dtypes.result_type(*(Operand(dtype=a.dtype) for a in items))
        return Array((len(items),) + items[0].shape, dt)
    if isinstance(v, TupleVal):
        return to_array(ctx, ListVal(list(v.items)))
    op = operand(v)
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)):
        return Array(shape_of(v), op.dtype)
    return Array((), op.dtype or dtypes.result_type(op))


def _refuse_ragged(shapes: list) -> None:
    """numpy refuses to make one array of items whose shapes differ (the last chunk of a list of
    chunks): its ValueError, asked of empty views of those shapes (nothing is allocated)."""
    import numpy as np

    try:
        np.array([np.broadcast_to(np.empty(()), s) for s in shapes])
    except ValueError as exc:
        raise OpRaises("ValueError", str(exc)) from None
    raise OpError("a list of items whose shapes differ is not modelled")


_WEAK_OF = {int: "int", float: "float"}


def _flat_numbers(items: list) -> Optional[Array]:
    """A list of Python numbers, known ints and floats or unknown ints, floats and bools
    (``fnp.array(sorted(units))`` of thousands, ``np.asarray(idx.tolist())``): the array
    ``to_array`` makes of it item by item (each a 0-d array, then their dtypes promoted),
    without those arrays. None when any item is something else. Each item's value is read as
    to_array reads it (``isinstance(x.value, ...)``), so a watched number is seen read as it is
    there (counters.py)."""
    if not items:
        return None
    seen: dict = {}
    for x in items:
        cls = x.__class__
        if cls is Known:
            kind = _WEAK_OF.get(x.value.__class__)
            if kind is None:
                return None
            seen[Operand(weak=kind)] = None
        elif cls is Unknown and x.kind in _SCALAR_KINDS:
            seen[operand(x)] = None
        else:
            return None
    # as the item-by-item path asks: each item's Operand, repeats dropped in order of first occurrence
    return Array((len(items),), dtypes.result_type(*seen))


#: the kinds of an unknown number ``operand`` reads as one Python scalar (a bool array, else weak)
_SCALAR_KINDS = frozenset({"int", "float", "bool"})


def index_out_of_bounds(idx: Array, extent: int) -> Optional[int]:
    """A value of the integer index array ``idx`` known to lie out of an axis of ``extent``
    (numpy's IndexError), else None: an end of its ``vrange`` where the array holds its ends
    (a list of known ints, a fill), or any value where the whole range lies outside. An array
    of unknown values is presumed in bounds, as everywhere; an empty one is never checked."""
    if idx.vrange is None or idx.size == 0 or idx.dtype == "bool":
        return None
    lo, hi = idx.vrange
    if lo >= extent or hi < -extent:
        return lo if lo >= extent else hi
    if holds_ends(idx):
        for v in (lo, hi):
            if not -extent <= v < extent:
                return v
    return None


def numel(shape: tuple[int, ...]) -> int:
    """The number of elements of an array of this shape."""
    n = 1
    for s in shape:
        n *= s
    return n


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """numpy's broadcast shape; shapes that do not broadcast raise ValueError (flopscope
    checks them with numpy's ``broadcast_shapes`` before charging)."""
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        dims = {s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0}
        dims.discard(1)
        if len(dims) > 1:
            a, b = _mismatched(shapes, ndim - i)
            raise OpRaises("ValueError", "shape mismatch: objects cannot be broadcast to a single shape.  "
                                         f"Mismatch is between arg {a} with shape {shapes[a]} and arg {b} "
                                         f"with shape {shapes[b]}.")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def _mismatched(shapes: tuple, back: int) -> tuple[int, int]:
    """The first two shapes whose extents ``back`` axes from the end differ (neither 1)."""
    seen: dict[int, int] = {}
    for k, s in enumerate(shapes):
        if len(s) >= back and s[-back] != 1:
            for extent, first in seen.items():
                if extent != s[-back]:
                    return first, k
            seen.setdefault(s[-back], k)
    return 0, 1


def new_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a new array (a fill, a draw); numpy refuses negative extents."""
    if any(s < 0 for s in shape):
        raise OpRaises("ValueError", "negative dimensions are not allowed")
    return shape


def known_int(v: Value, what: str, ctx=None) -> int:
    """A known integer; with ``ctx``, a size read from data is taken at one end of its range
    (analyzer/dataints.py) and reported when that end is unbounded."""
    if isinstance(v, Known) and isinstance(v.value, int):
        return v.value
    if ctx is not None:
        v = dataints.as_data_int(v, ctx.span)
    if ctx is not None and dataints.is_data_int(v):
        n = dataints.size(ctx, v, what)
        if n is None:
            raise OpError(f"{what} depends on values and has no upper bound")
        return n
    if isinstance(v, NumpyScalar) or isinstance(v, Unknown):
        raise OpError(f"{what} depends on array values")
    raise OpError(f"{what} is not a known integer")


def axis_index(axis: int, ndim: int) -> int:
    """A known axis in [0, ndim), or numpy's AxisError (a ValueError and IndexError) for the program."""
    if ndim == 0:  # numpy takes some axes of 0-d arrays and not others, op by op
        raise OpError("axis= of a 0-d array is not modelled")
    if not -ndim <= axis < ndim:
        raise OpRaises("AxisError", f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def known_shape(v: Value, what: str = "shape", ctx=None) -> tuple[int, ...]:
    if isinstance(v, Known):
        if isinstance(v.value, int) and not isinstance(v.value, bool):
            return (v.value,)
        if isinstance(v.value, tuple) and all(isinstance(x, int) for x in v.value):
            return v.value
    if ctx is not None:
        v = dataints.as_data_int(v, ctx.span)
    if ctx is not None and dataints.is_data_int(v):
        return (known_int(v, what, ctx),)
    if isinstance(v, (TupleVal, ListVal)):
        return tuple(known_int(x, what, ctx) for x in v.items)
    raise OpError(f"{what} is not known statically")


def dtype_arg(v: Optional[Value]) -> Optional[str]:
    """The dtype= of a flopscope call, by numpy's name; flopscope refuses a non-numeric one."""
    name = _dtype_arg(v)
    if name is not None and not dtypes.billable(name):
        raise OpRaises("UnsupportedDtypeError", f"dtype= {name} is not billable -- flopscope meters only numeric "
                                                "dtypes (bool, integer, float, complex)")
    return name


def _dtype_arg(v: Optional[Value]) -> Optional[str]:
    if v is None or (isinstance(v, Known) and v.value is None):
        return None
    if isinstance(v, DTypeRef):
        return v.name
    if isinstance(v, Known) and isinstance(v.value, str):
        return dtypes.normalize(v.value)
    if isinstance(v, Known) and v.value in (float, int, bool, complex):
        return dtypes.normalize(v.value)
    # the builtins themselves (`dtype=bool`), as the interpreter holds them
    if isinstance(v, Builtin) and v.name in ("float", "int", "bool", "complex"):
        return dtypes.normalize({"float": float, "int": int, "bool": bool, "complex": complex}[v.name])
    if isinstance(v, Builtin) and v.name in ("str", "bytes", "object"):
        return v.name  # not numeric: refused (numpy's names are str, bytes and object)
    if isinstance(v, Known) and type(v.value) in (int, float, complex):
        raise OpRaises("TypeError", f"Cannot interpret '{v.value!r}' as a data type")
    raise OpError("dtype= is not known statically")


def arg(args, kwargs, index: int, name: str, default=None):
    """The argument ``name``, passed at position ``index`` or by keyword. Both at once is
    Python's TypeError when the call binds, before the op charges anything."""
    if name in kwargs:
        if index is not None and index < len(args):
            raise OpRaises("TypeError", f"got multiple values for argument '{name}'")
        return kwargs[name]
    if index is not None and index < len(args):
        return args[index]
    return default


def as_numpy_scalar(x: Array) -> Value:
    """A 0-d result that flopscope hands back as a numpy scalar (vdot, trace, det, the norms):
    later arithmetic on it alone is numpy's, free and unrecorded."""
    if isinstance(x, Array) and x.shape == ():
        return NumpyScalar(x.dtype, x.dtype_origin)
    return x


def _sequence(v: Value) -> list[Value]:
    if isinstance(v, (ListVal, TupleVal)):
        return list(v.items)
    if isinstance(v, Array) and v.ndim >= 1:
        return [Array(v.shape[1:], v.dtype) for _ in range(v.shape[0])]
    if isinstance(v, Known) and type(v.value) in (tuple, list) and not v.value:
        return []  # `()` reaches here as a constant
    raise OpError("the sequence of arrays is not known statically")


def _none(v: Optional[Value]) -> bool:
    """``v`` is missing or None (clip's bound, an out=). A number a counter watch follows
    (counters.py) never is: its value is not read, since a read counts as the counter steering
    the work (``fnp.clip(mu, 0.0, self.calls * 1e30)``: the calls' state never settled)."""
    return v is None or (isinstance(v, Known) and v.__dict__["value"] is None)


def non_array_type(v: Value) -> Optional[tuple[str, str]]:
    """(type name, module-qualified name) of a value that is certainly not an ndarray (a number,
    a numpy scalar, a list), as numpy's messages print them; None for an array or an unknown."""
    if isinstance(v, NumpyScalar):
        return v.dtype, f"numpy.{v.dtype}"
    if isinstance(v, ListVal):
        return "list", "list"
    if isinstance(v, Known) and v.value is not None and type(v.value) in (bool, int, float, complex, str, tuple):
        return type(v.value).__name__, type(v.value).__name__
    return None


class NoSpec(Exception):
    """A value ``probe_spec`` cannot hand flopscope as it is."""


def probe_spec(v):
    """``v`` as ``pricing.probe`` takes it: plain Python values as they are, an array by its
    shape and dtype (of zeros: its values are not known), a dtype by name; NoSpec for any other
    value (a symmetric tensor, an object of the program's, anything not known)."""
    from flopcast.analyzer.values import DTypeRef

    if isinstance(v, Known):
        value = v.value
        if value is None or type(value) in (bool, int, float, complex, str):
            return value
        if isinstance(value, (tuple, list)):
            return pricing.plain_spec(value) if all(
                x is None or type(x) in (bool, int, float, complex) for x in value) else _nested(value)
        raise NoSpec()
    if isinstance(v, Array):
        if v.sym or not v.dtype.startswith(("float", "int", "uint", "bool", "complex")):
            raise NoSpec()
        return {"array": [list(v.shape), v.dtype, bool(v.plain)]}
    if isinstance(v, (TupleVal, ListVal)) and not getattr(v, "is_set", False):
        items = [probe_spec(x) for x in v.items]
        return {"tuple": items} if isinstance(v, TupleVal) else {"list": items}
    if isinstance(v, DTypeRef):
        return {"dtype": v.name, "instance": bool(v.instance)}
    raise NoSpec()


def bare_refusal(op: str, src: Value, args, kwargs, refused: OpRaises) -> OpRaises:
    """What flopscope raises for ``fnp.<op>(*args, **kwargs)`` whose operand ``src`` is a bare
    str or bytes (``fnp.argmax("ji,j->i", w, mu)``), given that ``refused`` is the model's
    UnsupportedDtypeError for it. flopscope's operand scan passes a bare string (it takes it for
    an option, like ``ord='fro'``): it is refused only at the charge, after the wrapper has read
    its other arguments, which refuse first where they can (an out= numpy cannot take, a float
    out= of argmax: TypeError; median's axis on the 0-d array: IndexError): flopscope is asked
    (``refused_first``). Where it cannot be, which raise comes first is unmodelled."""
    if not (isinstance(src, Known) and isinstance(src.value, (str, bytes))) or \
            refused.exc_type != "UnsupportedDtypeError" or (len(args) <= 1 and not kwargs):
        return refused
    found = refused_first(op, args, kwargs)
    if found is None:
        raise OpError(f"{op} of a {type(src.value).__name__}: which of its arguments flopscope refuses first "
                      "is not modelled")
    return found


def refused_first(op: str, args, kwargs) -> Optional[OpRaises]:
    """What flopscope raises for ``fnp.<op>(*args, **kwargs)`` before it charges anything (an
    argument of the wrong type or form), asked of flopscope itself (``pricing.probe``, on zeros of
    the arrays' shapes and dtypes); None where it charges first, goes through, or cannot be asked.
    Only for ops whose wrapper reads no array values before its charge (the reductions): what
    such a refusal reads is the arguments' types, shapes and dtypes, which the probe has."""
    try:
        specs = [probe_spec(a) for a in args], {k: probe_spec(v) for k, v in kwargs.items()}
    except NoSpec:
        return None
    arrays = [v for v in list(args) + list(kwargs.values()) if isinstance(v, Array)]
    if not pricing.can_probe(*(a.shape for a in arrays)):
        return None
    found = pricing.probe(op, *specs)
    if found is None or found[2]:
        return None
    return OpRaises(found[0], found[1])


def _nested(value):
    if isinstance(value, (tuple, list)):
        return {"tuple" if isinstance(value, tuple) else "list": [_nested(x) for x in value]}
    if value is None or type(value) in (bool, int, float, complex, str):
        return value
    raise NoSpec()
