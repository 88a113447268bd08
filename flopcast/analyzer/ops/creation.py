"""Creation and casts: zeros/ones/full/eye/arange/linspace, array/asarray/astype/copy, load.

flopscope charges 0 for zeros/empty, N for ones/full/*_like, the ones written for eye,
2N for arange/linspace, N at the heavier dtype for astype and array, 0 for asarray
without a copy; constant fills with equal extents are tagged symmetric.
"""

from __future__ import annotations

import math
from typing import Optional

from flopcast import installed
from flopcast.analyzer import buffer_views, dataints, dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import (
    arg,
    dtype_arg,
    known_int,
    known_shape,
    new_shape,
    operand,
    origin_of,
    refused_first,
    to_array,
)
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.plain_numpy import same_buffer
from flopcast.analyzer.values import Array, DTypeRef, Known, ListVal, NumpyScalar, TupleVal, Value, hold_ends, holds_ends


def _fill(ctx, op: str, shape, dtype: str, origin_default: bool, cost_per: int = 1, constant: bool = True):
    shape = new_shape(shape)
    sym = pricing.inferred_constant_symmetry(shape) if constant else None
    n = 1
    for s in shape:
        n *= s
    origin = ctx.span if (origin_default and dtype == "float64") else None
    ctx.charge(op, cost_per * n, dtype if cost_per else None, origin)
    made = Array(shape, dtype, sym, dtype_origin=origin)
    made.sym_inferred = bool(sym)
    return made


def _fill_shape(ctx, v: Value) -> tuple[tuple[int, ...], bool]:
    """A fill's shape, and whether flopscope's symmetry inference for equal extents may be
    applied: not where a size read from data is taken at the high end of its range — a fill
    that is square there is cheaper than the sizes below it, so that end is priced dense."""
    parts = [dataints.as_data_int(p, ctx.span) for p in (v.items if isinstance(v, (TupleVal, ListVal)) else [v])]
    v = TupleVal(tuple(parts)) if isinstance(v, (TupleVal, ListVal)) else parts[0]
    shape = known_shape(v, "shape", ctx)
    high = any(dataints.is_data_int(p) and dataints.at_high_end(ctx, p, "shape") for p in parts)
    return shape, not high


@handler("zeros", "empty")
def _zeros(ctx, args, kwargs, op=None):
    _creation_order(ctx, op or "zeros", args, kwargs, 2)
    shape, symmetric = _fill_shape(ctx, arg(args, kwargs, 0, "shape"))
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    return _fill(ctx, op or "zeros", shape, dt or "float64", dt is None, cost_per=0,
                 constant=op != "empty" and symmetric)


@handler("ones")
def _ones(ctx, args, kwargs):
    _creation_order(ctx, "ones", args, kwargs, 2)
    shape, symmetric = _fill_shape(ctx, arg(args, kwargs, 0, "shape"))
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    return _fill(ctx, "ones", shape, dt or "float64", dt is None, constant=symmetric)


@handler("full")
def _full(ctx, args, kwargs):
    _creation_order(ctx, "full", args, kwargs, 3)
    shape, symmetric = _fill_shape(ctx, arg(args, kwargs, 0, "shape"))
    fill = arg(args, kwargs, 1, "fill_value")
    dt = dtype_arg(arg(args, kwargs, 2, "dtype"))
    if dt is None:
        if isinstance(fill, (Array, NumpyScalar)):
            dt = fill.dtype
        else:
            dt = dtypes.result_type(operand(fill)) if not isinstance(fill, Known) or not isinstance(
                fill.value, (int, float, bool)) else dtypes.array_literal_dtype(fill.value)
    if isinstance(fill, Array) and fill.shape != ():
        raise OpError("full() with an array fill value is not modelled")
    made = _fill(ctx, "full", shape, dt, dt == "float64" and not isinstance(fill, (Array, NumpyScalar)),
                 constant=symmetric)
    _check_int_fill(fill, dt)  # after flopscope's charge, as it raises
    # (the dtype first: a float array's fill is not read, so a layer's `fnp.full(n, (i + 1) / depth)`
    # lets a loop watching its counter repeat; counters.py)
    if dt.startswith(("int", "uint")) and isinstance(fill, Known) and type(fill.value) is int \
            and dtypes.fits_integer((fill.value, fill.value), dt):
        # every element is the fill: an index array of it is checked against the axis
        made.vrange = (fill.value, fill.value)
        hold_ends(made)
    return made


def _creation_order(ctx, op: str, args, kwargs, index: int) -> None:
    """A memory ``order`` other than 'C' or 'F' (or none): numpy refuses one it cannot read
    (``fnp.zeros(3, order="Z")``: ValueError; a number: TypeError) before flopscope's charge,
    asked of flopscope; where it is not refused before the charge it is not modelled. It was not
    read: the call was claimed to go through."""
    order = arg(args, kwargs, index, "order")
    # (numpy's *_like functions also take 'A' and 'K': the prototype's layout)
    valid = (None, "C", "F", "A", "K") if op.endswith("_like") else (None, "C", "F")
    if order is None or isinstance(order, Known) and order.value in valid:
        return
    refused = refused_first(op, args, kwargs)
    if refused is None:
        raise OpError(f"{op} with this order= is not modelled")
    if op in ("zeros", "empty", "zeros_like", "empty_like"):
        ctx.charge(op, 0, None, measured=True)  # flopscope records their free charge before numpy refuses
    raise refused


@handler("zeros_like", "empty_like", "ones_like", "full_like")
def _like(ctx, args, kwargs, op=None):
    _creation_order(ctx, op, args, kwargs, 3 if op == "full_like" else 2)
    proto = to_array(ctx, args[0])
    # flopscope's (a, [fill_value,] dtype=None, **kwargs): dtype may come by position
    dt = dtype_arg(arg(args, kwargs, 2 if op == "full_like" else 1, "dtype")) or proto.dtype
    shape = known_shape(kwargs["shape"], ctx=ctx) if "shape" in kwargs else proto.shape
    cost = 0 if op in ("zeros_like", "empty_like") else 1
    if op == "full_like":
        # flopscope bills full_like by the template's size, floored at 1, whatever shape= asks for
        # (ones_like reads shape=)
        ctx.charge(op, max(proto.size, 1), dt)
        sym = None if 0 in shape else pricing.inferred_constant_symmetry(new_shape(shape))
        made = Array(shape, dt) if 0 in shape else Array(new_shape(shape), dt, sym)
        made.sym_inferred = bool(sym)
        _check_int_fill(arg(args, kwargs, 1, "fill_value"), dt)  # after the charge, as flopscope raises
        return made
    return _fill(ctx, op, shape, dt, False, cost_per=cost, constant=op != "empty_like")


@handler("eye", "identity")
def _eye(ctx, args, kwargs, op=None):
    n = known_int(arg(args, kwargs, 0, "N" if op == "eye" else "n"), "eye size", ctx)
    if op == "identity":
        m, k = n, 0
        dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    else:
        mv = arg(args, kwargs, 1, "M")
        m = n if mv is None or (isinstance(mv, Known) and mv.value is None) else known_int(mv, "eye M", ctx)
        k = known_int(arg(args, kwargs, 2, "k", Known(0)), "eye k")
        dt = dtype_arg(arg(args, kwargs, 3, "dtype"))
    dt_ = dt or "float64"
    new_shape((n, m))
    ones = max(0, min(n, m - k) if k >= 0 else min(n + k, m))
    origin = ctx.span if dt is None else None
    ctx.charge(op, ones, dt_, origin)
    sym = ((0, 1),) if (n == m and k == 0) else None
    return Array((n, m), dt_, sym, dtype_origin=origin)


def _arange_bounds(args, kwargs) -> list:
    """The bounds of ``arange`` as numpy reads them: ``[stop]``, ``[start, stop]`` or ``[start,
    stop, step]``. Positions, then the keywords start/stop/step, fill them (a name given both
    ways is TypeError); a missing (or None) stop takes a start given by position
    (``arange(5, stop=None)``) and is TypeError otherwise; a step of None is 1 (measured on
    flopscope 0.12.4 / numpy 2.4: fnp.arange reads them as numpy does)."""
    names = ("start", "stop", "step")
    given = dict(zip(names, args[:3]))
    for position, name in enumerate(names):
        if name in kwargs:
            if name in given:
                raise OpRaises("TypeError", f"argument for arange() given by name ('{name}') and position "
                                            f"(position {position})")
            given[name] = kwargs[name]

    def missing(name):
        v = given.get(name)
        return v is None or isinstance(v, Known) and v.value is None

    if missing("stop"):
        if missing("start") or "start" in kwargs:
            raise OpRaises("TypeError", "arange() requires stop to be specified.")
        return [given["start"]] if missing("step") else [Known(0), given["start"], given["step"]]
    start = Known(0) if missing("start") else given["start"]
    if missing("step"):
        return [given["stop"]] if missing("start") else [start, given["stop"]]
    return [start, given["stop"], given["step"]]


@handler("arange")
def _arange(ctx, args, kwargs):
    # numpy's arange(start, stop, step, dtype): a dtype in a bound's place is TypeError in
    # flopscope's length arithmetic
    if len(args) > 4:
        raise OpError("arange with more than four arguments by position is not modelled")
    if set(kwargs) - {"start", "stop", "step", "dtype"}:
        raise OpError("arange with keywords other than start/stop/step/dtype is not modelled")
    bounds = _arange_bounds(args, kwargs)
    if any(isinstance(b, DTypeRef) for b in bounds):
        raise OpRaises("TypeError", "unsupported operand type(s): a dtype where arange takes a bound")
    dtype = arg(args, kwargs, 3, "dtype")
    vals = []
    step = bounds[2].value if len(bounds) == 3 and isinstance(bounds[2], Known) else 1
    for i, b in enumerate(bounds):
        if dataints.is_data_int(b):
            vals.append(dataints.materialise(ctx, b, "an arange bound", dataints.range_grows(i, len(bounds), step)))
            continue
        if not (isinstance(b, Known) and isinstance(b.value, (int, float))):
            raise OpError("arange bounds are not known statically")
        vals.append(b.value)
    if len(vals) == 3 and vals[2] == 0:
        # numpy's length arithmetic divides by the step (flopscope charges nothing first)
        raise OpRaises("ZeroDivisionError", "division by zero" if all(isinstance(v, int) for v in vals)
                       else "float division by zero")
    n = len(range(*vals)) if all(isinstance(v, int) for v in vals) else max(
        0, math.ceil((vals[1] - vals[0]) / (vals[2] if len(vals) > 2 else 1)) if len(vals) > 1 else math.ceil(vals[0]))
    if dataints.unbounded(n):
        raise OpError("the length of arange depends on values and has no upper bound")
    explicit = dtype_arg(dtype)
    dt = explicit or dtypes.result_type(*(operand(b) for b in bounds))
    if dt == "int64" and all(isinstance(v, int) for v in vals):
        dt = dtypes.array_literal_dtype(0)
    elif dt in ("float64",) or any(isinstance(v, float) for v in vals):
        dt = explicit or "float64"
    origin = ctx.span if dt == "float64" and explicit is None else None
    ctx.charge("arange", 2 * n, dt, origin)
    taken = range(*vals) if all(isinstance(v, int) for v in vals) else None
    # a range's least and greatest items are its ends (min() and max() walked all of it:
    # heap_frontier's fnp.arange(width) per pair term, thousands of items each time)
    vrange = (min(taken[0], taken[-1]), max(taken[0], taken[-1])) if taken and dt.startswith(("int", "uint")) \
        else None
    made = Array((n,), dt, dtype_origin=origin, vrange=vrange)
    return hold_ends(made) if vrange is not None and dtypes.fits_integer(vrange, dt) else made


def _space_dtype(op: str, args, kwargs, extra: tuple = ()) -> str:
    """numpy's dtype of a linspace/logspace: ``result_type(start, stop[, base], float)``, so
    float32 endpoints (numpy scalars or 0-d arrays, such as ``fnp.min(v)``) give float32; a
    Python number is weak. Array endpoints make an array of ramps, not modelled."""
    ends = [arg(args, kwargs, 0, "start"), arg(args, kwargs, 1, "stop")] + list(extra)
    if any(isinstance(e, Array) and e.ndim > 0 for e in ends):
        raise OpError(f"{op} between array endpoints (one ramp per element) is not modelled")
    return dtypes.result_type(*(operand(e) for e in ends if e is not None), Operand(weak="float"))


@handler("linspace")
def _linspace(ctx, args, kwargs):
    if len(args) > 3 or set(kwargs) - {"start", "stop", "num", "endpoint", "retstep", "dtype", "axis"}:
        raise OpError("linspace with these arguments is not modelled")
    _check_num("linspace", arg(args, kwargs, 2, "num"))
    axis = kwargs.get("axis")
    if axis is not None and not (isinstance(axis, Known) and axis.value in (0, -1)):
        # numpy places the samples on this axis of the endpoints' shape (axis=1 of scalar ends:
        # AxisError, after flopscope's charge): it was not read
        raise OpError("linspace with an axis= other than 0 or -1 is not modelled")
    num = known_int(arg(args, kwargs, 2, "num", Known(50)), "linspace num", ctx)
    natural = _space_dtype("linspace", args, kwargs)
    dt = dtype_arg(kwargs.get("dtype")) or natural
    origin = ctx.span if "dtype" not in kwargs and dt == "float64" else None
    retstep = kwargs.get("retstep", Known(False))
    if not (isinstance(retstep, Known) and isinstance(retstep.value, bool)):
        raise OpError("linspace with retstep= that is not a known bool is not modelled")
    if retstep.value and dtypes.kind(natural) != "f":
        raise OpError("linspace(..., retstep=True) of non-float endpoints is not modelled")
    ctx.charge("linspace", 2 * num, dt, origin)
    ends = [arg(args, kwargs, 0, "start"), arg(args, kwargs, 1, "stop")]
    known = all(isinstance(e, Known) and type(e.value) in (int, float) for e in ends) and dtypes.kind(dt) == "f"
    result = Array((num,), dt, dtype_origin=origin,
                   fbounds=(min(e.value for e in ends), max(e.value for e in ends)) if known else None)
    # retstep: numpy hands back (samples, step), the step a numpy scalar of the endpoints' dtype
    return TupleVal((result, NumpyScalar(natural))) if retstep.value else result


@handler("array")
def _array(ctx, args, kwargs):
    src = arg(args, kwargs, 0, "object")
    copy = kwargs.get("copy")
    if copy is not None and not (isinstance(copy, Known) and type(copy.value) is bool or
                                 isinstance(copy, Known) and copy.value is None):
        # numpy reads copy= after flopscope's charge (`copy="x"`: ValueError): not read, it was
        # claimed to go through
        raise OpError("array with a copy= that is not a known bool or None is not modelled")
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    x = to_array(ctx, src)
    out_dt = dt or x.dtype
    origin = x.dtype_origin if out_dt == x.dtype else (ctx.span if out_dt == "float64" else None)
    if not isinstance(src, Array) and dt is None and out_dt == "float64":
        origin = ctx.span
    ctx.charge("array", max(x.size, 1), out_dt, origin)
    _check_int_fill(src, dt)  # after the charge, as flopscope raises
    return _held_if(Array(x.shape, out_dt, dtype_origin=origin, vrange=_int_bounds(src, x, out_dt),
                          fbounds=_float_bounds(src, out_dt)), src)


def _held_if(made: Array, src) -> Array:
    """``made`` (its vrange from ``src`` by _int_bounds) marked as holding its vrange's ends
    where they are values of ``src``: a list of known ints, or an array that holds its own."""
    if made.vrange is not None and (holds_ends(src) if isinstance(src, Array) else True):
        hold_ends(made)
    return made


def _int_bounds(src, x: Array, dt: str) -> Optional[tuple]:
    """The least and greatest value of an integer array made from ``src``: a flopscope array's
    own bounds, or those of a known list of ints (``fnp.array(sorted(units))``), which bound a
    ``bincount`` of it; None when not known or not an integer dtype."""
    if not dt.startswith(("int", "uint")):
        return None
    if isinstance(src, Array):
        bounds = src.vrange
    else:
        found = _known_ints(src)
        bounds = (min(found), max(found)) if found else None
    return bounds if bounds is not None and dtypes.fits_integer(bounds, dt) else None


@handler("asarray")
def _asarray(ctx, args, kwargs):
    order = arg(args, kwargs, 2, "order")
    if len(args) > 3 or set(kwargs) - {"a", "dtype", "order"} or not (
            order is None or isinstance(order, Known) and order.value in (None, "K")):
        # order='F' (or 'C' of a transposed view) and copy= decide whether numpy copies, which
        # flopscope bills; not followed
        raise OpError("asarray with order= other than 'K', copy= or other arguments is not modelled")
    src = arg(args, kwargs, 0, "a")
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    if isinstance(src, Array):
        if dt is None or dt == src.dtype:
            ctx.charge("asarray", 0, src.dtype)
            # a new array object over the same buffer: not the same operand to identity discounts
            # (its known elements the buffer's: a write through either forgets them in both)
            # (and what is known of them: bounds, distinct positions, a count of True)
            made = same_buffer(src.with_(sym=None, value=src.value, vrange=src.vrange), src)
            made.distinct, made.true_count, made.elements = src.distinct, src.true_count, src.elements
            buffer_views.link(ctx, src, made)  # a write through it voids src's tag
            return made
        billed = dtypes.heavier(src.dtype, dt, pricing.rate)
        ctx.charge("asarray", src.size, billed, origin_of([src], billed))
        return Array(src.shape, dt, dtype_origin=ctx.span if dt == "float64" else None)
    # Not a flopscope array: flopscope probes the source with np.asarray (a Python float or
    # list becomes float64, an int int64) and bills the new buffer at the heavier of that
    # dtype and the target one, unlike fnp.array, which bills the target alone.
    x = to_array(ctx, src)
    out_dt = dt or x.dtype
    _check_int_fill(src, dt)  # numpy's probe raises before flopscope charges
    billed = dtypes.heavier(x.dtype, out_dt, pricing.rate)
    ctx.charge("asarray", x.size, billed, ctx.span if billed == "float64" else None)
    return _held_if(Array(x.shape, out_dt, dtype_origin=ctx.span if out_dt == "float64" else None,
                          vrange=_int_bounds(src, x, out_dt), fbounds=_float_bounds(src, out_dt)), src)


@handler("frombuffer")
def _frombuffer(ctx, args, kwargs):
    """``frombuffer(bytes, dtype=float, count=-1, offset=0)`` of a known bytes value (a known
    string's ``.encode()``): a 1-d array of the buffer's items, billed ``numel`` at its dtype."""
    import numpy as np

    buf = arg(args, kwargs, 0, "buffer")
    if not (isinstance(buf, Known) and isinstance(buf.value, (bytes, bytearray))):
        raise OpError("frombuffer of a buffer whose length is not known statically")
    dt = dtype_arg(arg(args, kwargs, 1, "dtype")) or "float64"
    count = known_int(arg(args, kwargs, 2, "count", Known(-1)), "frombuffer count")
    offset = known_int(arg(args, kwargs, 3, "offset", Known(0)), "frombuffer offset")
    itemsize = np.dtype(dt).itemsize
    available = len(buf.value) - offset
    if offset < 0 or available < 0 or count < 0 and available % itemsize or count > available // itemsize:
        raise OpRaises("ValueError", "frombuffer: the buffer size does not fit the dtype, count and offset")
    n = available // itemsize if count < 0 else count
    ctx.charge("frombuffer", n, dt)
    return Array((n,), dt)


@handler("astype")
def _astype(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    given = arg(args, kwargs, 1, "dtype")
    if given is None:
        raise OpRaises("TypeError", "astype() missing 1 required positional argument: 'dtype'")
    dt = dtype_arg(given) or "float64"  # numpy reads dtype=None as float64
    if len(args) > 2:
        # ndarray.astype(dtype, order, casting, subok, copy): copy= by position decides the charge
        raise OpError("astype with order/casting/subok/copy given by position is not modelled")
    copy = kwargs.get("copy", Known(True))
    if isinstance(copy, Known) and copy.value is False and dt == x.dtype:
        ctx.charge("astype", 0, dt)
        made = x.with_(sym=None)  # a new, plain FlopscopeArray: no tag, and not the same object
        buffer_views.link(ctx, x, made)  # but over x's buffer: a write through it voids x's tag
        return made
    if set(kwargs) - {"dtype", "copy", "casting", "order", "subok"}:
        raise OpError("astype with these keywords is not modelled")
    billed = dtypes.heavier(x.dtype, dt, pricing.rate)
    ctx.charge("astype", x.size, billed, origin_of([x], billed))
    _astype_refusal(x.dtype, dt, kwargs)
    vrange = x.vrange if x.vrange is not None and dt.startswith(("int", "uint")) and dtypes.fits_integer(x.vrange, dt) else None
    return _held_if(Array(x.shape, dt, dtype_origin=ctx.span if dt == "float64" else None, vrange=vrange), x)


_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _astype_refusal(source: str, target: str, kwargs: dict) -> None:
    """numpy's refusal of the array method's ``casting=``/``order=``/``subok=``, after flopscope's
    charge: a casting rule the cast breaks (``w.astype(fnp.int32, casting="safe")``: TypeError),
    one numpy does not know (ValueError), an order it cannot read. They were not read: the call
    was claimed to go through."""
    casting = kwargs.get("casting")
    if casting is not None and not (isinstance(casting, Known) and casting.value == "unsafe"):
        if not (isinstance(casting, Known) and isinstance(casting.value, str)):
            raise OpError("astype with a casting= that is not known text is not modelled")
        if casting.value not in _CASTINGS:
            raise OpRaises("ValueError", "casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe'")
        if not dtypes.can_cast(source, target, casting.value):
            raise OpRaises("TypeError", f"Cannot cast array data from dtype('{source}') to dtype('{target}') "
                                        f"according to the rule '{casting.value}'")
    check_order("astype", kwargs.get("order"))
    subok = kwargs.get("subok")
    if subok is not None and not (isinstance(subok, Known) and type(subok.value) is bool):
        raise OpError("astype with a subok= that is not a known bool is not modelled")


def _float_bounds(src, dt: str) -> Optional[tuple]:
    """The least and greatest of the known numbers a float array is made from
    (``fnp.array([0.25, 0.75])``: quantile's q then lies in range); None when any is not known.
    Rounding to the dtype is monotonic, so the bounds stay bounds of the stored elements."""
    if dtypes.kind(dt) != "f":
        return None
    if isinstance(src, (ListVal, TupleVal)):
        values = [x.value for x in src.items if isinstance(x, Known)]
        if len(values) != len(src.items):
            return None
    elif isinstance(src, Known) and isinstance(src.value, (list, tuple)):
        values = list(src.value)  # a literal tuple of numbers is one Known
    else:
        return None
    if not values or not all(type(v) in (int, float) and math.isfinite(v) for v in values):
        return None
    return min(values), max(values)


def _known_ints(src) -> Optional[list]:
    """The Python ints of a known number or (nested) list/tuple of them, in order; None otherwise."""
    if isinstance(src, (ListVal, TupleVal)):
        # a flat list of known numbers (``fnp.array(sorted(units))`` of thousands): each value
        # read once, as walk reads it, without a Known made and walked per item
        # (anything else, from the first item that is not a plain int on: walked below, which
        # reads the same items up to that one, as it stops there too)
        values = []
        for x in src.items:
            if x.__class__ is not Known:
                break
            v = x.value
            if v.__class__ is not int:
                break
            values.append(v)
        else:
            return values
    return _walked_ints(src)


def _walked_ints(src) -> Optional[list]:
    """_known_ints by walking every item: any nesting of lists, tuples and ranges of ints."""
    found: list = []

    def walk(v) -> bool:
        if isinstance(v, Known):
            if isinstance(v.value, (list, tuple, range)):
                return all(walk(Known(i)) for i in v.value)
            if isinstance(v.value, int) and not isinstance(v.value, bool):
                found.append(v.value)
                return True
            return False
        if isinstance(v, (ListVal, TupleVal)):
            return all(walk(i) for i in v.items)
        return False

    return found if walk(src) else None


def _check_int_fill(src, dt: Optional[str]) -> None:
    """numpy's OverflowError for a Python int an explicit integer ``dtype=`` cannot hold
    (``fnp.full(n, 300, dtype=fnp.int8)``, ``fnp.array([-1], dtype=fnp.uint8)``). Ints beyond
    64 bits make numpy try an object array first: left as before."""
    if dt is None or not dt.startswith(("int", "uint")):
        return
    for v in _known_ints(src) or ():
        if -(2 ** 63) <= v < 2 ** 64 and not dtypes.fits_integer((v, v), dt):
            raise OpRaises("OverflowError", f"Python integer {v} out of bounds for {dt}")


@handler("copy")
def _copy(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    if len(args) > 2 or set(kwargs) - {"order"}:
        raise OpError("copy with subok= or extra arguments is not modelled")
    ctx.charge("copy", max(x.size, 1), x.dtype, x.dtype_origin)
    check_order("copy", arg(args, kwargs, 1, "order"))  # numpy reads it after flopscope's charge
    return x.with_()


def check_order(op: str, order) -> None:
    """numpy's refusal of a memory ``order`` that is not a string (TypeError); one it may read
    otherwise is not modelled."""
    if order is None or isinstance(order, Known) and (order.value is None or order.value in ("C", "F", "A", "K")):
        return
    if isinstance(order, Known) and type(order.value) in (int, float, bool):
        raise OpRaises("TypeError", f"order must be str, not {type(order.value).__name__}")
    raise OpError(f"{op} with this order= is not modelled")


@handler("load")
def _load(ctx, args, kwargs):
    path = arg(args, kwargs, 0, "file")
    arrays = ctx.read_array_file(path)
    ctx.charge("load", 0, None)
    return arrays


@handler("dtype_call")
def _dtype_call(ctx, args, kwargs):
    """``fnp.float64(x)`` on an array: numpy's scalar-type constructor casts without a record; of
    a 0-d array it makes numpy's own scalar (free arithmetic after it), of others a flopscope array."""
    x = to_array(ctx, args[0])
    dt = dtype_arg(args[1])
    if x.shape == ():
        return NumpyScalar(dt, ctx.span if dt == "float64" else None)
    if x.sym:
        raise OpError(f"{dt}(...) of a symmetric tensor returns a tensor with broken symmetry metadata")
    return Array(x.shape, dt, dtype_origin=ctx.span if dt == "float64" else None)


@handler("tri")
def _tri(ctx, args, kwargs):
    n = known_int(arg(args, kwargs, 0, "N"), "tri N")
    mv = arg(args, kwargs, 1, "M")
    m = n if mv is None or (isinstance(mv, Known) and mv.value is None) else known_int(mv, "tri M")
    dt = dtype_arg(arg(args, kwargs, 3, "dtype")) or "float64"
    # numpy makes a negative N or M an empty side (tri(-2) is 0x0), and flopscope bills the
    # output's size, which is 0 for an empty one (not 1)
    n, m = max(n, 0), max(m, 0)
    ctx.charge("tri", n * m, dt, ctx.span if dt == "float64" else None)
    return Array((n, m), dt, dtype_origin=ctx.span if dt == "float64" else None)


@handler("diagflat")
def _diagflat(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    if len(args) > 1 or kwargs:
        raise OpError("diagflat with k= is not modelled")
    ctx.charge("diagflat", x.size, x.dtype, x.dtype_origin)
    return Array((x.size, x.size), x.dtype, ((0, 1),), dtype_origin=x.dtype_origin)


def _check_num(op: str, num) -> None:
    """numpy refuses a known negative number of samples, before flopscope bills anything."""
    if isinstance(num, Known) and type(num.value) is int and num.value < 0:
        raise OpRaises("ValueError", f"Number of samples, {num.value}, must be non-negative.")


@handler("logspace", "geomspace")
def _logspace(ctx, args, kwargs, op=None):
    _check_num(op, arg(args, kwargs, 2, "num"))
    num = known_int(arg(args, kwargs, 2, "num", Known(50)), f"{op} num")
    extra = set(kwargs) - {"num", "dtype", "base"} if op == "logspace" else set(kwargs) - {"num", "dtype"}
    if extra or len(args) > 3:
        raise OpError(f"{op} with {sorted(extra) or 'extra arguments'} is not modelled")
    # logspace's dtype is its endpoints' (and base's) promotion with a float; geomspace's
    # is at least float64 whatever its endpoints
    if op == "logspace":
        natural = _space_dtype(op, args, kwargs, (kwargs.get("base"),))
    else:
        _space_dtype(op, args, kwargs)  # array endpoints are refused here too
        natural = "float64"
    dt = dtype_arg(kwargs.get("dtype")) or natural
    origin = ctx.span if "dtype" not in kwargs and dt == "float64" else None
    ctx.charge(op, max(num, 1), dt, origin)
    return Array((num,), dt, dtype_origin=origin)


@handler("meshgrid")
def _meshgrid(ctx, args, kwargs):
    if kwargs:
        raise OpError("meshgrid with keyword arguments is not modelled")
    xs = [to_array(ctx, a) for a in args]
    if any(x.ndim != 1 for x in xs) or len(xs) < 2:
        raise OpError("meshgrid of other than two or more vectors is not modelled")
    lengths = [x.size for x in xs]
    shape = (lengths[1], lengths[0]) + tuple(lengths[2:])
    n = 1
    for d in shape:
        n *= d
    dt = dtypes.result_type(*(Operand(dtype=x.dtype) for x in xs))
    ctx.charge("meshgrid", max(n * len(xs), 1), dt, origin_of(xs, dt))
    return ListVal([Array(shape, x.dtype, dtype_origin=x.dtype_origin) for x in xs])


@handler("triu_indices", "tril_indices", "triu_indices_from", "tril_indices_from")
def _tri_indices(ctx, args, kwargs, op=None):
    """The (rows, cols) index arrays of a triangle: two int64 arrays, billed their total size
    (dtype-neutral in flopscope)."""
    if op.endswith("_from"):
        a = to_array(ctx, arg(args, kwargs, 0, "arr"))
        if a.ndim != 2:
            raise OpError(f"{op} of a non-matrix (numpy raises ValueError)")
        n, m = a.shape
        k = known_int(arg(args, kwargs, 1, "k", Known(0)), f"{op} offset")
    else:
        n = known_int(arg(args, kwargs, 0, "n"), f"{op} size")
        k = known_int(arg(args, kwargs, 1, "k", Known(0)), f"{op} offset")
        cols = arg(args, kwargs, 2, "m", Known(None))
        m = n if isinstance(cols, Known) and cols.value is None else known_int(cols, f"{op} columns")
    upper = op.startswith("triu")
    per_row = [max(0, m - max(0, i + k)) if upper else min(m, max(0, i + k + 1)) for i in range(max(n, 0))]
    count = sum(per_row)
    ctx.charge(op, max(2 * count, 1), None)
    # the values the indices take (what bounds a bincount of them, or of a selection of them)
    rows = [i for i, c in enumerate(per_row) if c]
    first_cols = [max(0, i + k) if upper else 0 for i in rows]
    last_cols = [m - 1 if upper else min(m, i + k + 1) - 1 for i in rows]
    row_range = (rows[0], rows[-1]) if rows else None
    col_range = (min(first_cols), max(last_cols)) if rows else None
    return TupleVal((Array((count,), "int64", vrange=row_range), Array((count,), "int64", vrange=col_range)))


@handler("diag_indices", "diag_indices_from")
def _diag_indices(ctx, args, kwargs, op=None):
    """(arange(n),) * ndim: ndim int64 index arrays of length n, billed their total size
    (dtype-neutral)."""
    if op == "diag_indices_from":
        a = to_array(ctx, arg(args, kwargs, 0, "arr"))
        if a.ndim < 2 or len(set(a.shape)) != 1:
            raise OpError("diag_indices_from of a non-square array (numpy raises ValueError)")
        n, ndim = a.shape[0], a.ndim
    else:
        n = known_int(arg(args, kwargs, 0, "n"), "diag_indices size")
        ndim = known_int(arg(args, kwargs, 1, "ndim", Known(2)), "diag_indices ndim")
    ctx.charge(op, max(n * ndim, 1), None)
    return TupleVal(tuple(Array((n,), "int64", vrange=(0, n - 1) if n > 0 else None) for _ in range(ndim)))


@handler("hanning", "hamming", "blackman", "bartlett", "kaiser")
def _window(ctx, args, kwargs, op=None):
    """A window of M samples: flopscope's per-sample cost K (read from its source) times M, at
    least 1, billed at float64 (numpy's windows are float64 whatever M is)."""
    per = installed.window_costs().get(op)
    if per is None:
        raise OpError(f"{op}: the installed flopscope's cost formula for it is not one flopcast can read")
    names = ("M", "beta") if op == "kaiser" else ("M",)
    if len(args) + len(kwargs) != len(names) or set(kwargs) - set(names):
        raise OpError(f"{op} takes {', '.join(names)}; other arguments are not modelled")
    m = known_int(arg(args, kwargs, 0, "M"), f"{op} M")
    ctx.charge(op, max(per * m, 1), "float64")
    return Array((max(m, 0),), "float64")


@handler("indices")
def _indices(ctx, args, kwargs):
    """``indices(dimensions, dtype=int, sparse=False)``: the elements materialized, no floor
    (N·prod(dims) dense, sum(dims) sparse) at dtype=. flopscope reads dtype= only as a keyword."""
    if len(args) != 1 or set(kwargs) - {"dtype", "sparse"}:
        raise OpError("indices with a positional dtype or sparse is not modelled")
    dims = known_shape(args[0], "indices dimensions")
    dt = dtype_arg(kwargs.get("dtype")) or "int64"
    sparse = kwargs.get("sparse", Known(False))
    if not (isinstance(sparse, Known) and isinstance(sparse.value, bool)):
        raise OpError("indices sparse= is not a known bool")
    if sparse.value:
        grids = tuple(Array(tuple(d if j == i else 1 for j in range(len(dims))), dt) for i, d in enumerate(dims))
        ctx.charge("indices", sum(g.size for g in grids), dt)
        return TupleVal(grids)
    grid = Array((len(dims),) + dims, dt)
    ctx.charge("indices", grid.size, dt)
    return grid


@handler("dtype")
def _dtype(ctx, args, kwargs):
    """``fnp.dtype(x)`` is numpy's dtype class, re-exported: free, not an op (nothing is logged);
    the dtype of a dtype, a name or a Python type (``fnp.dtype(self.dtype).name``)."""
    # numpy's dtype takes these four, by position or keyword, and nothing else
    if len(args) + len(kwargs) > 4:
        raise OpRaises("TypeError", f"dtype() takes at most 4 arguments ({len(args) + len(kwargs)} given)")
    refused = [k for k in kwargs if k not in ("dtype", "align", "copy", "metadata")]
    if refused:
        raise OpRaises("TypeError", f"{refused[0]!r} is an invalid keyword argument for dtype()")
    given = arg(args, kwargs, 0, "dtype")
    align = arg(args, kwargs, 1, "align")
    if isinstance(align, Array) and align.size > 1:
        # numpy reads align= as a bool before it reads the dtype
        raise OpRaises("ValueError", "The truth value of an array with more than one element is ambiguous. "
                                     "Use a.any() or a.all()")
    if isinstance(given, Array):
        raise OpRaises("TypeError", "Cannot interpret an array as a data type")
    dt = dtype_arg(given) if given is not None and not (isinstance(given, Known) and given.value is None) else "float64"
    if dt is None:
        raise OpError("the dtype is not known statically")
    return DTypeRef(dt, instance=True)
