"""Reductions: sum, prod, max/min, arg*, cum*, all/any, mean, var/std, ptp, median, trapezoid.

flopscope charges max(N − out, 1) for sum-like reductions (orbits when symmetric),
N for mean, 4N for var (+ out for std), out × extent for median; nan* add one isnan
pass; the billed dtype is numpy's accumulator.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import dataints, dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import (NoSpec, arg, axis_index, bare_refusal, dtype_arg, known_int, operand,
                                           origin_of, probe_spec, refused_first, to_array)
from flopcast.analyzer.ops.registry import OpError, OpRaises, by_category, handler
from flopcast.analyzer.values import Array, DTypeRef, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value


# Reductions priced as flopscope's tier-1 count ``max(reduce(shape, axes, sym), 1)``.
_SUM_LIKE = {"sum", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "all", "any",
             "cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "nanmax", "nanmin",
             "nanargmax", "nanargmin", "nansum", "nanprod", "nancumsum", "nancumprod"}
_CUMULATIVE = {"cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "nancumsum", "nancumprod"}
_INDEX_RESULT = {"argmax", "argmin", "nanargmax", "nanargmin"}
#: reductions numpy refuses over an empty axis
_EMPTY_MESSAGES = {
    **{op: "zero-size array to reduction operation maximum which has no identity" for op in ("max", "amax", "ptp")},
    **{op: "zero-size array to reduction operation minimum which has no identity" for op in ("min", "amin")},
    "nanmax": "zero-size array to reduction operation fmax which has no identity",
    "nanmin": "zero-size array to reduction operation fmin which has no identity",
    **{op: "attempt to get argmax of an empty sequence" for op in ("argmax", "nanargmax")},
    **{op: "attempt to get argmin of an empty sequence" for op in ("argmin", "nanargmin")},
}
_NO_IDENTITY = set(_EMPTY_MESSAGES)
# nan-prefixed reductions add one isnan pass over a float input, except these two.
_NAN_PASS_EXEMPT = {"nanmax", "nanmin"}


def _axes(axis: Optional[Value], ndim: int) -> tuple[int, ...]:
    if axis is None or (isinstance(axis, Known) and axis.value is None) or ndim == 0:
        return tuple(range(ndim))
    if isinstance(axis, Known) and isinstance(axis.value, int):
        return (axis_index(axis.value, ndim),)
    if isinstance(axis, Known) and isinstance(axis.value, tuple):
        return tuple(sorted({axis_index(a, ndim) for a in axis.value}))
    if isinstance(axis, (TupleVal, ListVal)):
        return tuple(sorted({axis_index(known_int(a, "axis"), ndim) for a in axis.items}))
    raise OpError("axis= is not known statically")


def _plain(v: Optional[Value]):
    """``v`` as the plain Python value it is (an int, None, a bool, a dtype's name, a tuple or
    list of ints), or ``_NOT_PLAIN``."""
    if v is None:
        return None
    if isinstance(v, Known) and (v.value is None or type(v.value) in (int, bool) or
                                 isinstance(v.value, (tuple, list)) and all(type(a) is int for a in v.value)):
        return v.value
    if isinstance(v, (TupleVal, ListVal)):
        items = [_plain(i) if isinstance(i, Known) else _NOT_PLAIN for i in v.items]
        if all(type(i) is int for i in items):
            return tuple(items) if isinstance(v, TupleVal) else list(items)
    if isinstance(v, DTypeRef):
        return v.name
    return _NOT_PLAIN


_NOT_PLAIN = object()


def refuse_axis(ctx, op: str, x: Array, axis_v: Optional[Value], kwargs: dict, probe: bool = True,
                lead: tuple = ()) -> None:
    """numpy's refusal of ``axis``, made after flopscope's charge or before it, op by op: an axis
    out of range (flopscope prices the axis wrapped around, then numpy raises AxisError; median
    and the quantiles index the shape first: IndexError), one twice, a tuple or a list where the
    op takes one axis, any axis of a 0-d array. Where the axis may be refused, flopscope itself
    is asked what it charges and raises (``pricing.refusal``); what it takes is left to the
    caller's model. ``kwargs``: the call's other keywords (only ``keepdims``, a dtype and a
    quantile's method are passed to the probe; with others, or ``probe`` False, a refusal is not
    modelled); ``lead``: the plain values the call passes between the array and the axis."""
    axis = _plain(axis_v)
    if axis is None or axis is _NOT_PLAIN:
        return
    if isinstance(axis, int) and x.ndim and -x.ndim <= axis < x.ndim:
        return  # one axis in range: every reduction takes it
    passed = {k: v.value if k == "method" and isinstance(v, Known) and isinstance(v.value, str) else _plain(v)
              for k, v in kwargs.items()}
    if probe and not x.sym and pricing.can_probe(x.shape) and set(passed) <= {"keepdims", "dtype", "method"} and \
            _NOT_PLAIN not in passed.values() and x.dtype.startswith(("float", "int", "uint", "bool", "complex")):
        found = pricing.refusal(op, x.shape, x.dtype, [*lead, axis], passed)
        if found is None:
            return
        exc_type, message, flops = found
        ctx.charge(op, flops, x.dtype, x.dtype_origin, measured=True)
        raise OpRaises(exc_type, message)
    if x.ndim == 0 or isinstance(axis, int) or isinstance(axis, list) or len(set(a % x.ndim if x.ndim else a
                                                                               for a in axis)) != len(axis) or \
            any(not -x.ndim <= a < x.ndim for a in axis):
        raise OpError(f"{op} with axis={axis!r} on a {x.ndim}-d array: numpy refuses it after a charge "
                      "flopcast does not model")


@by_category("counted_reduction")
def reduction(ctx, op: str, args, kwargs) -> Value:
    """A counted reduction, priced by flopscope's orbit-mapping reduction model. A form the model
    leaves unpriced (an out=, arguments after the axis, an axis of another type) that flopscope
    refuses before charging (``fnp.argmax(w, None, v)``: a float out=, TypeError) raises as it does."""
    mark = len(ctx.result.charges)
    try:
        made = _reduction(ctx, op, args, kwargs)
    except OpError:
        if not ctx.free and len(ctx.result.charges) == mark:
            found = refused_first(op, args, kwargs)
            if found is not None:
                raise found from None
        raise
    if set(kwargs) - _READ_KEYWORDS and not ctx.free:
        # keywords the model does not read (initial=, where=, ddof=, correction=, a name numpy
        # has not): numpy refuses what it cannot take after flopscope's charge (`fnp.max(w,
        # initial="x")`, `fnp.var(w, ddof=1, correction=1)`: ValueError), from their types and
        # forms alone; flopscope is asked, where it cannot be the call is not modelled
        try:
            specs = [probe_spec(a) for a in args], {k: probe_spec(v) for k, v in kwargs.items()}
        except NoSpec:
            raise OpError(f"{op} with {', '.join(sorted(set(kwargs) - _READ_KEYWORDS))}= of values flopcast cannot "
                          "hand flopscope is not modelled") from None
        arrays = [v for v in list(args) + list(kwargs.values()) if isinstance(v, Array)]
        if not pricing.can_probe(*(a.shape for a in arrays)):
            raise OpError(f"{op} with {', '.join(sorted(set(kwargs) - _READ_KEYWORDS))}= on arrays this large is "
                          "not modelled")
        found = pricing.probe(op, *specs)
        if found is not None:
            raise OpRaises(found[0], found[1])
    return made


#: the keywords the reductions' model reads (and refuses, where it does not model them)
_READ_KEYWORDS = {"a", "axis", "keepdims", "dtype", "out", "weights", "returned", "mean"}


def _reduction(ctx, op: str, args, kwargs) -> Value:
    src = arg(args, kwargs, 0, "a")
    try:
        x = to_array(ctx, src)
    except OpRaises as refused:
        raise bare_refusal(op, src, args, kwargs, refused) from None
    if len(args) > 2 and op != "average":
        # numpy's third place is dtype for sum/mean/cumsum but out for max/median, and some
        # flopscope wrappers lay them out otherwise (median's keepdims): only keywords are read
        raise OpError(f"{op} with arguments after axis given by position is not modelled")
    out_buf = _out_buffer(op, x, kwargs)
    if op in ("percentile", "quantile", "nanpercentile", "nanquantile", "nanmedian"):
        raise OpError(f"{op} is not modelled yet")
    weights = arg(args, kwargs, 2, "weights") if op == "average" else None
    if isinstance(weights, Known) and weights.value is None:
        weights = None
    if weights is not None and not isinstance(weights, Array):
        raise OpError("average(..., weights=) of a non-array is not modelled")
    returned = False
    if op == "average":
        returned_v = arg(args, kwargs, 3, "returned", Known(False))
        if not (isinstance(returned_v, Known) and isinstance(returned_v.value, bool)) or len(args) > 4:
            raise OpError("average with returned= that is not a known bool or extra arguments is not modelled")
        returned = returned_v.value
    axis_v = arg(args, kwargs, 1, "axis")
    refuse_axis(ctx, op, x, axis_v, {k: v for k, v in kwargs.items() if k != "axis"}, len(args) <= 2)
    axes = _axes(axis_v, x.ndim)
    # numpy refuses a reduction with no identity over an empty extent, after flopscope's charge
    # of the op's usual price at that size (its floor of 1)
    empty_raise = op in _NO_IDENTITY and (any(x.shape[i] == 0 for i in axes) or x.size == 0 and not axes)
    if empty_raise and "initial" in kwargs:
        # initial= gives numpy an identity: the reduction goes through
        raise OpError(f"{op} of an empty extent with initial= is not modelled")
    whole_none = axis_v is None or (isinstance(axis_v, Known) and axis_v.value is None)
    keepdims = arg(args, kwargs, None, "keepdims", Known(False))
    keep = isinstance(keepdims, Known) and bool(keepdims.value)
    out_shape = tuple(
        (1 if keep else None) if i in axes else s for i, s in enumerate(x.shape)
    )
    out_shape = tuple(s for s in out_shape if s is not None)
    sym = x.sym
    unique = max(x.unique_elements(), 1)
    is_float = x.dtype.startswith(("float", "complex"))
    tag_keep = True if op in _CUMULATIVE else keep
    if op in _SUM_LIKE:
        total, m, out_sym = pricing.reduction(x.shape, axes, sym, keepdims=tag_keep)
        base = max(total, 1)
        if op.startswith("nan") and op not in _NAN_PASS_EXEMPT and is_float:
            base += unique
    elif op in ("mean", "nanmean"):
        base, m, out_sym = pricing.reduction(x.shape, axes, sym, 1, "m", keepdims=keep)
        if op == "nanmean" and is_float:
            base += unique
    elif op == "average":
        total, m, out_sym = pricing.reduction(x.shape, axes, sym, keepdims=keep)
        base = max(total, 1) + m
        if weights is not None:
            # flopscope adds the a*w multiply pass and a second (w.sum()) reduction pass
            base += unique + max(total, 1)
    elif op in ("var", "std", "nanvar", "nanstd"):
        if "mean" in kwargs:
            raise OpError(f"{op}(..., mean=) is not modelled")
        total, m, out_sym = pricing.reduction(x.shape, axes, sym, 2, "2m", keepdims=keep)
        base = 2 * unique + total + (m if op.endswith("std") else 0)
        if op.startswith("nan") and is_float:
            base += unique  # the isnan pass over a float input, as for every nan-reduction
    elif op == "ptp":
        total, m, out_sym = pricing.reduction(x.shape, axes, sym, keepdims=keep)
        base = 2 * max(total, 1) + m
    elif op == "median":
        _, m, out_sym = pricing.reduction(x.shape, axes, sym, keepdims=keep)
        dim = 1
        for i in axes:
            dim *= x.shape[i]
        base = m * (dim if x.shape else 1)
    elif op == "count_nonzero":
        _, m, out_sym = pricing.reduction(x.shape, axes, sym, keepdims=keep)
        base = unique
    else:
        raise OpError(f"reduction {op} is not modelled yet")
    explicit = dtype_arg(kwargs.get("dtype"))
    if op == "count_nonzero":
        billed = x.dtype
    elif op in ("mean", "average", "var", "std", "nanmean", "nanvar", "nanstd", "median"):
        billed = explicit or dtypes.reduction_accumulator("mean", x.dtype)
        if weights is not None:  # billed and computed at the promotion with the weights' dtype
            billed = dtypes.result_type(Operand(dtype=billed), Operand(dtype=weights.dtype))
    else:
        billed = explicit or dtypes.reduction_accumulator(op, x.dtype)
    if op in _CUMULATIVE:
        out_shape = x.shape if not whole_none or x.ndim <= 1 else (x.size,)
        if whole_none and x.ndim > 1:
            out_sym = None
    if out_buf is not None:
        if out_buf.shape != out_shape:
            raise OpError(f"{op}(..., out=) with a buffer of another shape than the result is not modelled")
        if op not in _INDEX_RESULT and explicit is None:
            # flopscope's reduction_billing_dtype: out= only widens the accumulator (by rate, the
            # accumulator first on a tie), never below the input's width
            billed = dtypes.heavier(dtypes.heavier(billed, out_buf.dtype, pricing.rate), x.dtype, pricing.rate)
        ctx.charge(op, base, billed, origin_of([x, out_buf], billed))
        if empty_raise:
            raise OpRaises("ValueError", _EMPTY_MESSAGES[op])
        ctx.write_in_place(out_buf)  # numpy casts the result into the buffer (unsafe casting)
        return out_buf
    origin = origin_of([x], billed)
    ctx.charge(op, base, billed, origin)
    if empty_raise:
        raise OpRaises("ValueError", _EMPTY_MESSAGES[op])
    if op in ("cumulative_sum", "cumulative_prod") and whole_none and x.ndim > 1:
        # numpy's array-API scans take no axis only for a vector (after flopscope's charge)
        raise OpRaises("ValueError", "For arrays which have more than one dimension ``axis`` argument is required.")
    counted = _reduced_range(op, x, axes)
    # A count over the whole array of its nonzero elements is tied to that array's mask size.
    counts = x.ident if len(axes) == x.ndim and (op == "count_nonzero" or op in ("sum", "nansum")
                                                 and x.dtype == "bool") else None
    if op == "count_nonzero" and whole_none and not keep:
        return Unknown("int", ctx.span, "count_nonzero returns a Python int read from array values", *counted,
                       counts=counts)
    if op in _INDEX_RESULT:
        out_dtype = "int64"
    elif op in ("all", "any"):
        out_dtype = "bool"
    elif op == "count_nonzero":
        out_dtype = "int64"
    elif op in ("var", "std", "nanvar", "nanstd") and explicit is None:
        out_dtype = dtypes.real_part(billed)  # a complex array's spread is real (complex64 -> float32)
    else:
        out_dtype = billed
    if out_sym is not None and len(out_shape) != x.ndim - (0 if keep or op in _CUMULATIVE else len(axes)):
        out_sym = None
    if returned:
        # flopscope wraps numpy's (average, sum of weights) pair as one array stacked on a new
        # first axis (the same price): unpacking it yields its two rows (numpy scalars when 0-d)
        if out_sym is not None:
            raise OpError("average(..., returned=True) of a symmetric array is not modelled")
        return Array((2,) + out_shape, out_dtype, dtype_origin=origin if out_dtype == billed else None)
    made = Array(out_shape, out_dtype, out_sym, dtype_origin=origin if out_dtype == billed else None,
                 vrange=counted if counted != (None, None) else None, counts=counts)
    if op in ("any", "all") and not out_shape and x.dtype == "bool" and x.true_count is not None \
            and "where" not in kwargs:
        # A mask whose True count is known (a sign test of a ReLU's output: signs.decided_mask, a
        # const_masks one) answers a whole any()/all() too: `if fnp.any(h < 0):` is no site.
        made.value = x.true_count > 0 if op == "any" else x.true_count == x.size
    return made


#: reductions whose ``out=`` flopcast models: flopscope's counted-reduction, mean and variance
#: wrappers, which fold the buffer's dtype into reduction_billing_dtype and return the buffer
_OUT_MODELLED = (_SUM_LIKE - {"cumulative_sum", "cumulative_prod"}) | {"mean", "nanmean", "var", "std", "nanvar",
                                                                        "nanstd"}


def _out_buffer(op: str, x: Array, kwargs: dict) -> Optional[Array]:
    """The plain buffer a reduction writes into (``out=``), None when there is none, or OpError
    for a form flopcast does not model (a complex input, whose complex factor flopscope re-imposes
    on the store, a symmetric-tagged buffer, an index reduction's non-int64 buffer, which
    flopscope refuses)."""
    out = kwargs.get("out")
    if out is None or isinstance(out, Known) and out.value is None:
        return None
    if isinstance(out, TupleVal) and len(out.items) == 1:
        out = out.items[0]
    # (a constant fill's inferred tag is dropped by the write: a reduction's result is untagged; a
    # caller's tag a write voided is still checked against the result: ops/symmetry.refuse_voided_claim)
    if op not in _OUT_MODELLED or not isinstance(out, Array) or (out.sym or out.was_tagged) and not out.sym_inferred \
            or out.plain or \
            x.dtype.startswith("complex") or not dtypes.billable(out.dtype) or out.dtype.startswith("complex") or \
            op in _INDEX_RESULT and out.dtype != "int64":
        raise OpError(f"{op}(..., out=) of this buffer is not modelled")
    return out


def _reduced_range(op: str, x: Array, axes: tuple) -> tuple:
    """Bounds of an integer reduction's result (a count of booleans, an index), so that
    ``int(fnp.sum(mask))`` used as a size is an interval, not unbounded."""
    m = 1
    for i in axes:
        m *= x.shape[i]
    if op in _INDEX_RESULT:
        return (0, max(m - 1, 0))
    if op == "count_nonzero":
        return (0, m)
    inner = dataints.value_range(x)
    if inner is None:
        return (None, None)
    if op in ("sum", "nansum"):
        return (inner[0] * m, inner[1] * m)
    if op in ("max", "min", "amax", "amin", "nanmax", "nanmin"):
        return inner
    return (None, None)


@handler("trapezoid")
def _trapezoid(ctx, args, kwargs) -> Value:
    """``trapezoid(y, x=None, dx=1.0, axis=-1)``: flopscope's own ``_trapezoid_cost`` of the
    shapes (4 per sample of ``y``, times the grids an N-d ``x`` broadcasts), billed at the
    promotion of ``y``, ``dx`` (a Python number weakly) and ``x``."""
    if set(kwargs) - {"x", "dx", "axis"} or len(args) > 4:
        raise OpError("trapezoid with these arguments is not modelled")
    y = to_array(ctx, arg(args, kwargs, 0, "y"))
    x_v = arg(args, kwargs, 1, "x")
    x = None if x_v is None or isinstance(x_v, Known) and x_v.value is None else to_array(ctx, x_v)
    dx = arg(args, kwargs, 2, "dx", Known(1.0))
    axis = known_int(arg(args, kwargs, 3, "axis", Known(-1)), "trapezoid axis")
    if y.ndim == 0:
        raise OpError("trapezoid of a 0-d array is not modelled")
    k = axis_index(axis, y.ndim)
    if x is not None and x.ndim > 1:
        raise OpError("trapezoid with an N-d x is not modelled")
    if x is not None and x.shape[0] != y.shape[k]:
        raise OpError("trapezoid with x not as long as y's axis is not modelled")
    if not isinstance(dx, Known) and not (isinstance(dx, (Array, NumpyScalar)) and not dx.shape):
        raise OpError("trapezoid with an array dx is not modelled")
    parts = [Operand(dtype=y.dtype), operand(dx)] + ([Operand(dtype=x.dtype)] if x is not None else [])
    dt = dtypes.result_type(*parts)
    if dt.startswith("complex") or dt in ("bool",) or dt.startswith(("int", "uint")):
        raise OpError(f"trapezoid billed at {dt} is not modelled")
    base = pricing.pointwise("_trapezoid_cost", y.shape, None if x is None else x.shape, axis)
    ctx.charge("trapezoid", base, dt, origin_of([y], dt))
    shape = y.shape[:k] + y.shape[k + 1:]
    return Array(shape, dt) if shape else NumpyScalar(dt)


def ufunc_reduction(ctx, op: str, args, kwargs) -> Array:
    """``np.<ufunc>.reduce(a[, axis])`` / ``.accumulate`` on a flopscope array where flopscope has
    no dedicated function for the ufunc (``np.subtract.reduce``, ``np.logaddexp.reduce``,
    ``np.maximum.accumulate``): its generic path charges the tier-1 count ``N - n_out`` (orbit-mapped
    for a symmetric input) under ``<ufunc>.<method>`` at the base ufunc's weight, billed at the
    wider of numpy's loop for ``(a, a)`` and ``a``'s dtype, with numpy's default ``axis=0``.
    numpy itself is asked on a small array of ``a``'s dtype what the result's dtype is (or that
    it refuses the call)."""
    import numpy as np

    name, _, method = op.rpartition(".")
    ufunc = getattr(np, name, None)
    if not isinstance(ufunc, np.ufunc) or ufunc.nin != 2 or ufunc.nout != 1:
        raise OpError(f"{op} of other than a binary ufunc of one output is not modelled")
    allowed = {"axis", "keepdims"} if method == "reduce" else {"axis"}
    if len(args) > 2 or not args or set(kwargs) - allowed or not isinstance(args[0], Array):
        raise OpError(f"{op} with arguments other than the array, axis= and keepdims= is not modelled")
    x = args[0]
    axis_v = args[1] if len(args) > 1 else kwargs.get("axis", Known(0))
    keepdims = kwargs.get("keepdims", Known(False))
    if not (isinstance(axis_v, Known) and (axis_v.value is None or type(axis_v.value) is int)
            and isinstance(keepdims, Known) and type(keepdims.value) is bool):
        raise OpError(f"{op} with an axis other than a known int or None is not modelled")
    axis = axis_v.value
    if 0 in x.shape or x.ndim == 0 or axis is not None and not -x.ndim <= axis < x.ndim:
        raise OpError(f"{op} of an empty or 0-d array or an axis out of range is not modelled")
    keep = keepdims.value or method == "accumulate"
    probe = np.ones(tuple(min(s, 2) for s in x.shape), dtype=x.dtype)
    try:
        shown = getattr(ufunc, method)(probe, axis=axis, **({"keepdims": keep} if method == "reduce" else {}))
    except (TypeError, ValueError) as exc:
        raise OpError(f"{op}: numpy refuses it ({type(exc).__name__}: {exc}), after or before a charge flopcast "
                      "does not model") from None
    axes = tuple(range(x.ndim)) if axis is None else (axis_index(axis, x.ndim),)
    total, _, out_sym = pricing.reduction(x.shape, axes, x.sym, keepdims=keep)
    loop = dtypes.ufunc_loop(name, Operand(dtype=x.dtype), Operand(dtype=x.dtype))[1]
    billed = dtypes.heavier(loop, x.dtype, pricing.rate)
    origin = origin_of([x], billed)
    ctx.charge(f"{ufunc.__name__}.{method}", max(total, 1), billed, origin)
    out_shape = x.shape if method == "accumulate" else tuple(1 if i in axes else s for i, s in enumerate(x.shape)) \
        if keep else tuple(s for i, s in enumerate(x.shape) if i not in axes)
    dtype = shown.dtype.name
    return Array(out_shape, dtype, out_sym, dtype_origin=origin if dtype == billed else None)
