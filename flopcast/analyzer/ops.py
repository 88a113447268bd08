"""Abstract semantics and prices of flopscope operations.

Each handler takes the call's abstract arguments and returns the abstract result,
charging through ``ctx.charge(op, base, dtype)``. ``op`` is the name flopscope
records in ``OpRecord.op_name``; the base counts follow flopscope 0.12's formulas
(see docs/cost-model.md), and every one is pinned by an oracle test that runs the
real flopscope. Which names are unary/binary ufuncs or reductions is read from
flopscope's registry, not listed here.
"""

from __future__ import annotations

import functools
import math
from typing import Callable, Optional

from flopcast import installed
from flopcast.analyzer import dataints, dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.values import (
    Array,
    DTypeRef,
    Generator,
    Known,
    ListVal,
    NumpyScalar,
    TupleVal,
    Unknown,
    Value,
)


class OpError(Exception):
    """The call cannot be modelled; the interpreter reports it as unpriced with this reason."""


HANDLERS: dict[str, Callable] = {}


def handler(*names: str):
    """Register ``fn(ctx, args, kwargs[, op])`` for these op names; a handler that takes
    ``op`` serves several names and is told, once here, which one it was called as."""
    def register(fn):
        takes_op = "op" in fn.__code__.co_varnames[: fn.__code__.co_argcount]
        for n in names:
            HANDLERS[n] = functools.partial(fn, op=n) if takes_op else fn
        return fn

    return register


# ----------------------------------------------------------------- operands


def operand(v: Value) -> Operand:
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
        return Operand(dtype=dtypes.array_literal_dtype(x))
    if isinstance(v, Unknown):
        if v.kind == "":
            # The result of something unpriced: pricing it as a scalar would hide cost.
            raise OpError(unknown_operand_reason(v))
        if v.kind == "bool":
            return Operand(dtype="bool")
        return Operand(weak="int" if v.kind == "int" else "float")
    raise OpError(f"cannot use {type(v).__name__} as an array operand")


_UNKNOWN_PREFIX = "uses a value flopcast could not compute"


def unknown_operand_reason(v: Unknown) -> str:
    """Why an op on an unknown value is unpriced, naming the root cause once (not nested)."""
    if v.reason.startswith(_UNKNOWN_PREFIX):
        return v.reason
    where = f" at line {v.origin.line}" if v.origin is not None else ""
    return f"{_UNKNOWN_PREFIX}{where}: {v.reason}"


def shape_of(v: Value) -> tuple[int, ...]:
    if isinstance(v, Array):
        return v.shape
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
        items = [to_array(ctx, x) for x in v.items]
        if not items:
            return Array((0,), "float64")
        dt = dtypes.result_type(*(operand(x) for x in v.items)) if all(
            not isinstance(x, Array) for x in v.items
        ) else items[0].dtype
        return Array((len(items),) + items[0].shape, dt)
    if isinstance(v, TupleVal):
        return to_array(ctx, ListVal(list(v.items)))
    op = operand(v)
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)):
        return Array(shape_of(v), op.dtype)
    return Array((), op.dtype or dtypes.result_type(op))


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        dims = {s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0}
        dims.discard(1)
        if len(dims) > 1:
            raise OpError(f"shapes {shapes} do not broadcast")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


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
    """A known axis in [0, ndim), or numpy's AxisError (a ValueError) for the program."""
    if ndim == 0:  # numpy takes some axes of 0-d arrays and not others, op by op
        raise OpError("axis= of a 0-d array is not modelled")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
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
    if v is None or (isinstance(v, Known) and v.value is None):
        return None
    if isinstance(v, DTypeRef):
        return v.name
    if isinstance(v, Known) and isinstance(v.value, str):
        return dtypes.normalize(v.value)
    if isinstance(v, Known) and v.value in (float, int, bool, complex):
        return dtypes.normalize(v.value)
    raise OpError("dtype= is not known statically")


def arg(args, kwargs, index: int, name: str, default=None):
    if name in kwargs:
        return kwargs[name]
    if index is not None and index < len(args):
        return args[index]
    return default


def categories() -> dict[str, str]:
    return installed.op_inventory().categories


# ----------------------------------------------------------------- pointwise

# Python operators and the op names flopscope records for them.
BINARY_OPERATORS = {
    "Add": "add", "Sub": "subtract", "Mult": "multiply", "Div": "true_divide",
    "FloorDiv": "floor_divide", "Mod": "mod", "Pow": "power", "MatMult": "matmul",
    "BitAnd": "bitwise_and", "BitOr": "bitwise_or", "BitXor": "bitwise_xor",
    "LShift": "left_shift", "RShift": "right_shift",
}
COMPARE_OPERATORS = {
    "Gt": "greater", "GtE": "greater_equal", "Lt": "less", "LtE": "less_equal",
    "Eq": "equal", "NotEq": "not_equal",
}
UNARY_OPERATORS = {"USub": "negative", "UAdd": "positive", "Invert": "invert"}
#: `2.0 > x` runs `x.__lt__(2.0)`, and so does `a > S` for a plain array `a` and a
#: SymmetricTensor `S` (Python tries the right operand's reflected comparison first when
#: its type is a subclass of the left's): flopscope records the reflected op's name.
REFLECTED_COMPARE = {"greater": "less", "less": "greater", "greater_equal": "less_equal",
                     "less_equal": "greater_equal", "equal": "equal", "not_equal": "not_equal"}
#: `fnp.float32(2.0) / x`: the numpy scalar's operator calls the ufunc itself, and
#: flopscope's __array_ufunc__ records the ufunc's __name__.
NUMPY_SCALAR_LEFT = {"true_divide": "divide", "mod": "remainder"}


def comparison_is_reflected(left: Value, right: Value) -> bool:
    if not isinstance(right, Array):
        return False
    if not isinstance(left, Array):
        return True
    return not left.sym and bool(right.sym)
# numpy loop names for flopscope op names that differ.
_NUMPY_UFUNC = {"abs": "absolute", "true_divide": "divide", "round": "rint", "around": "rint", "fix": "trunc"}


def meet_sym(a: pricing.Symmetry, b: pricing.Symmetry) -> pricing.Symmetry:
    """The intersection of two products of symmetric groups: S on the meet of their blocks."""
    if not a or not b:
        return None
    out = [tuple(sorted(set(g) & set(h))) for g in a for h in b]
    return tuple(sorted(g for g in out if len(g) >= 2)) or None


def broadcast_sym(sym: pricing.Symmetry, in_shape: tuple, out_shape: tuple) -> pricing.Symmetry:
    """flopscope's ``broadcast_group``: a tag carried onto a broadcast output. Axes of extent
    1 that broadcast leave their block; prepended axes sharing an extent form a new block."""
    offset = len(out_shape) - len(in_shape)
    created: dict[int, list[int]] = {}
    for axis in range(offset):
        created.setdefault(out_shape[axis], []).append(axis)
    groups = [tuple(b) for b in created.values() if len(b) >= 2]
    tagged = [a for g in sym or () for a in g]
    stretched = [a for a in tagged if in_shape[a] == 1 and out_shape[a + offset] > 1]
    if stretched and len(tagged) - len(stretched) >= 2:
        # flopscope restricts the group to the axes that stay and its restrict() fails
        raise OpError("broadcasting a symmetric array whose tagged axes of extent 1 are partly stretched: "
                      "flopscope raises KeyError here")
    for g in sym or ():
        kept = tuple(a + offset for a in g if a not in stretched)
        if len(kept) >= 2:
            groups.append(kept)
    return tuple(sorted(groups)) or None


def _sym_of_pointwise(values, out_shape) -> pricing.Symmetry:
    """flopscope's ``_pointwise_symmetry``: 0-d operands are ignored; any other operand
    without a tag makes the result dense; the tags, each broadcast onto the output
    shape, are intersected."""
    aligned = []
    dense = False
    for v in values:
        if (v.shape if isinstance(v, Array) else shape_of(v)) == ():
            continue
        if not (isinstance(v, Array) and v.sym):
            dense = True
            continue
        g = broadcast_sym(v.sym, v.shape, out_shape)  # every tag is broadcast, even beside a dense operand
        if g:
            aligned.append(g)
    if not aligned or dense:
        return None
    out = aligned[0]
    for g in aligned[1:]:
        out = meet_sym(out, g)
    return out


#: pointwise results by what decides them (op, dtype=, each operand's dtype/weak kind, shape
#: and symmetry): unrolled loops ask the same questions again and again.
_POINTWISE_MEMO: dict = {}


def _pointwise_key(op: str, values: list[Value], dtype_kw: Optional[str]):
    parts = [op, dtype_kw]
    for v in values:
        t = type(v)
        if t is Array:
            parts.append((v.dtype, v.shape, v.sym))
        elif t is Known and type(v.value) in (int, float, bool):
            parts.append(type(v.value))
        elif t is NumpyScalar:
            parts.append(("S", v.dtype))
        else:
            return None
    return tuple(parts)


def pointwise(ctx, op: str, values: list[Value], *, dtype_kw: Optional[str] = None) -> Value:
    key = _pointwise_key(op, values, dtype_kw)
    hit = _POINTWISE_MEMO.get(key) if key is not None else None
    if hit is not None:
        out_shape, loop_out, billed, sym, base = hit
        origin = origin_of(values, billed)
        ctx.charge(op, base, billed, origin)
        return Array(out_shape, loop_out, sym, dtype_origin=origin if loop_out == billed else None)
    ops_ = [operand(v) for v in values]
    shapes = [shape_of(v) for v in values]
    out_shape = broadcast(*shapes)
    np_name = _NUMPY_UFUNC.get(op, op)
    try:
        loop_in, loop_out = dtypes.ufunc_loop(np_name, *ops_) if dtype_kw is None else (dtype_kw, dtype_kw)
    except AttributeError:
        loop_in = loop_out = dtypes.result_type(*ops_)
    billed = dtypes.heavier(loop_in, dtypes.result_type(*ops_), pricing.rate) if len(ops_) > 1 else loop_in
    if dtype_kw is not None:
        billed = dtype_kw
    sym = _sym_of_pointwise(values, out_shape)
    base = max(pricing.unique_count(out_shape, sym), 1)
    if key is not None:
        _POINTWISE_MEMO[key] = (out_shape, loop_out, billed, sym, base)
    origin = origin_of(values, billed)
    ctx.charge(op, base, billed, origin)
    return Array(out_shape, loop_out, sym, dtype_origin=origin if loop_out == billed else None)


def pointwise_out(ctx, op: str, values: list[Value], out: Value, dtype_kw: Optional[str]) -> Value:
    """A ufunc writing into ``out=``: the buffer's dtype joins the billed-dtype resolution
    (flopscope's ``store_billing_dtypes``: ``result_type(loop dtypes..., out.dtype)``) and the
    buffer itself is returned, untagged (operand symmetry still discounts the count). Only plain
    (untagged) buffers of exactly the output shape are modelled."""
    import numpy as np

    if isinstance(out, TupleVal) and len(out.items) == 1:
        out = out.items[0]
    if not isinstance(out, Array):
        raise OpError(f"{op}(..., out=) with a non-array buffer is not modelled")
    if out.sym:
        raise OpError(f"{op}(..., out=) into a symmetric-tagged buffer is not modelled")
    if any(isinstance(v, Array) and v.ident == out.ident for v in values):
        raise OpError(f"{op}(..., out=) aliasing an input is not modelled")
    ops_ = [operand(v) for v in values]
    out_shape = broadcast(*(shape_of(v) for v in values))
    if out_shape != out.shape:
        raise OpError(f"{op}(..., out=) with a buffer of another shape than the result is not modelled")
    sym = _sym_of_pointwise(values, out_shape)  # prices the call; the plain buffer comes back untagged
    np_name = _NUMPY_UFUNC.get(op, op)
    if dtype_kw is not None:
        loop_in = loop_out = dtype_kw
    else:
        try:
            loop_in, loop_out = dtypes.ufunc_loop(np_name, *ops_)
        except AttributeError:
            raise OpError(f"{op}(..., out=) is not a numpy ufunc call flopcast can resolve")
    if not np.can_cast(loop_out, out.dtype, "same_kind"):
        raise OpError(f"{op}(..., out=) cannot cast {loop_out} into a {out.dtype} buffer: numpy raises")
    if len(ops_) > 1:
        natural = dtypes.heavier(loop_in, dtypes.result_type(*ops_), pricing.rate)
    else:
        natural = loop_in
    billed = dtypes.result_type(Operand(dtype=natural), Operand(dtype=out.dtype))
    if dtype_kw is not None:
        billed = dtypes.result_type(Operand(dtype=dtype_kw), Operand(dtype=out.dtype))
    base = max(pricing.unique_count(out_shape, sym), 1)
    ctx.charge(op, base, billed, origin_of(list(values) + [out], billed))
    return out


def as_numpy_scalar(x: Array) -> Value:
    """A 0-d result that flopscope hands back as a numpy scalar (vdot, trace, det, the norms):
    later arithmetic on it alone is numpy's, free and unrecorded."""
    if isinstance(x, Array) and x.shape == ():
        return NumpyScalar(x.dtype, x.dtype_origin)
    return x


def free_scalar_arithmetic(values: list[Value]) -> Optional[Value]:
    """numpy scalars combined with scalars: computed by numpy, never charged."""
    if any(isinstance(v, Array) for v in values):
        return None
    for v in values:
        if isinstance(v, Unknown) and v.kind == "":
            return v  # the result of something unpriced stays unknown
    if any(isinstance(v, NumpyScalar) for v in values):
        ops_ = [operand(v) for v in values]
        dt = dtypes.result_type(*ops_)
        return NumpyScalar(dt, origin_of(values, dt))
    return None


@handler("nan_to_num")
def _nan_to_num(ctx, args, kwargs):
    """``nan_to_num(x, copy=, nan=, posinf=, neginf=)``: flopscope's non-ufunc unary wrapper
    passes the replacement values through to numpy; they change values, not the price
    (``pointwise_cost(x.shape, symmetry)`` at x's dtype)."""
    x = arg(args, kwargs, 0, "x")
    extra = set(kwargs) - {"x", "copy", "nan", "posinf", "neginf"}
    if extra or len(args) > 5:
        raise OpError(f"nan_to_num with {', '.join(sorted(extra)) or 'extra arguments'} is not modelled")
    return pointwise(ctx, "nan_to_num", [x])


@handler("clip")
def _clip(ctx, args, kwargs):
    x = arg(args, kwargs, 0, "a")
    lo = arg(args, kwargs, 1, "a_min", kwargs.get("min"))
    hi = arg(args, kwargs, 2, "a_max", kwargs.get("max"))
    bounds = [b for b in (lo, hi) if b is not None and not (isinstance(b, Known) and b.value is None)]
    values = [x] + bounds
    ops_ = [operand(v) for v in values]
    out_shape = broadcast(*(shape_of(v) for v in values))
    billed = dtypes.result_type(*ops_)
    sym = _sym_of_pointwise(values, out_shape)
    base = max(len(bounds), 1) * max(pricing.unique_count(out_shape, sym), 1)
    origin = origin_of(values, billed)
    ctx.charge("clip", base, billed, origin)
    return Array(out_shape, billed, sym, dtype_origin=origin)


@handler("where")
def _where(ctx, args, kwargs):
    if len(args) == 1 and not kwargs:
        return _nonzero_like(ctx, "nonzero", args[0], tuple_result=True)
    cond, a, b = args[0], args[1], args[2]
    out_shape = broadcast(shape_of(cond), shape_of(a), shape_of(b))
    billed = dtypes.result_type(operand(a), operand(b))
    n = 1
    for s in out_shape:
        n *= s
    origin = origin_of([a, b], billed)
    ctx.charge("where", max(n, 1), billed, origin)  # weight 4 comes from the table
    return Array(out_shape, billed, dtype_origin=origin)


# ----------------------------------------------------------------- reductions

# Reductions priced as flopscope's tier-1 count ``max(reduce(shape, axes, sym), 1)``.
_SUM_LIKE = {"sum", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "all", "any",
             "cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "nanmax", "nanmin",
             "nanargmax", "nanargmin", "nansum", "nanprod", "nancumsum", "nancumprod"}
_CUMULATIVE = {"cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "nancumsum", "nancumprod"}
_INDEX_RESULT = {"argmax", "argmin", "nanargmax", "nanargmin"}
#: reductions numpy refuses over an empty axis
_NO_IDENTITY = {"max", "min", "amax", "amin", "argmax", "argmin", "nanargmax", "nanargmin", "ptp"}
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


def reduction(ctx, op: str, args, kwargs) -> Value:
    """A counted reduction, priced by flopscope's orbit-mapping reduction model."""
    src = arg(args, kwargs, 0, "a")
    x = to_array(ctx, src)
    if "out" in kwargs:
        raise OpError(f"{op}(..., out=) is not modelled")
    if op in ("percentile", "quantile", "nanpercentile", "nanquantile", "nanmedian"):
        raise OpError(f"{op} is not modelled yet")
    if op == "average" and arg(args, kwargs, 2, "weights") is not None:
        raise OpError("average(..., weights=) is not modelled")
    axis_v = arg(args, kwargs, 1, "axis")
    axes = _axes(axis_v, x.ndim)
    if op in _NO_IDENTITY and any(x.shape[i] == 0 for i in axes) or op in _NO_IDENTITY and x.size == 0 and not axes:
        raise OpError(f"{op} of an empty array raises ValueError in numpy (no identity)")
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
    elif op in ("var", "std", "nanvar", "nanstd"):
        if "mean" in kwargs:
            raise OpError(f"{op}(..., mean=) is not modelled")
        total, m, out_sym = pricing.reduction(x.shape, axes, sym, 2, "2m", keepdims=keep)
        base = 2 * unique + total + (m if op.endswith("std") else 0)
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
    else:
        billed = explicit or dtypes.reduction_accumulator(op, x.dtype)
    if op in _CUMULATIVE:
        out_shape = x.shape if not whole_none or x.ndim <= 1 else (x.size,)
        if whole_none and x.ndim > 1:
            out_sym = None
    origin = origin_of([x], billed)
    ctx.charge(op, base, billed, origin)
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
    else:
        out_dtype = billed
    if out_sym is not None and len(out_shape) != x.ndim - (0 if keep or op in _CUMULATIVE else len(axes)):
        out_sym = None
    return Array(out_shape, out_dtype, out_sym, dtype_origin=origin if out_dtype == billed else None,
                 vrange=counted if counted != (None, None) else None, counts=counts)


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


# ----------------------------------------------------------------- contractions


#: (subscripts, shapes, identity pattern, symmetries, dtypes) -> (base, output symmetry,
#: billed dtype, output shape), in front of pricing.contraction's persistent cache.
_CONTRACT_MEMO: dict = {}


def contract(ctx, op: str, subscripts: str, operands_: list[Value], *, out_dtype=None) -> Value:
    arrays = [to_array(ctx, v) for v in operands_]
    shapes = tuple(a.shape for a in arrays)
    first_seen: dict = {}
    pattern = tuple(first_seen.setdefault(a.ident, len(first_seen)) for a in arrays)
    syms = tuple(a.sym for a in arrays)
    key = (subscripts, shapes, pattern, syms, tuple(a.dtype for a in arrays))
    hit = _CONTRACT_MEMO.get(key)
    if hit is None:
        base, sym = pricing.contraction(subscripts, shapes, tuple(a.ident for a in arrays), syms)
        billed = dtypes.result_type(*(Operand(dtype=a.dtype) for a in arrays))
        hit = _CONTRACT_MEMO[key] = (base, sym, billed, _einsum_out_shape(subscripts, arrays))
    base, sym, billed, out_shape = hit
    origin = origin_of(arrays, billed)
    ctx.charge(op, base, billed, origin)
    return Array(out_shape, billed, sym, dtype_origin=origin)


def _einsum_out_shape(subscripts: str, arrays: list[Array]) -> tuple[int, ...]:
    inputs, _, output = subscripts.replace(" ", "").partition("->")
    parts = inputs.split(",")
    extents: dict[str, int] = {}
    ell: tuple[int, ...] = ()
    for part, a in zip(parts, arrays):
        if "..." in part:
            before, after = part.split("...")
            n_ell = a.ndim - len(before) - len(after)
            ell_shape = a.shape[len(before): len(before) + n_ell]
            ell = broadcast(ell, ell_shape)
            labels = list(before) + [None] * n_ell + list(after)
        else:
            labels = list(part)
        for label, extent in zip(labels, a.shape):
            if label is not None:
                extents[label] = extent if extents.get(label, 1) == 1 else extents[label]
    if "->" not in subscripts:
        counts: dict[str, int] = {}
        for part in parts:
            for c in part.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        output = ("..." if ell else "") + "".join(sorted(c for c, k in counts.items() if k == 1))
    if "..." in output:
        before, after = output.split("...")
        return tuple(extents[c] for c in before) + ell + tuple(extents[c] for c in after)
    return tuple(extents[c] for c in output)


def _matmul_subscripts(a: Array, b: Array) -> str:
    if a.ndim == 1 and b.ndim == 1:
        return "i,i->"
    if a.ndim == 2 and b.ndim == 1:
        return "ij,j->i"
    if a.ndim == 1 and b.ndim == 2:
        return "i,ij->j"
    if a.ndim == 2 and b.ndim == 2:
        return "ij,jk->ik"
    if b.ndim == 1:
        return "...ij,j->...i"
    if a.ndim == 1:
        return "i,...ij->...j"
    return "...ij,...jk->...ik"


@handler("matmul", "linalg.matmul")
def _matmul(ctx, args, kwargs, op="matmul"):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    return contract(ctx, op, _matmul_subscripts(a, b), [args[0] if isinstance(args[0], Array) else a,
                                                      args[1] if isinstance(args[1], Array) else b])


@handler("dot")
def _dot(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim == 0 or b.ndim == 0:
        letters = "abcdefgh"
        la, lb = letters[: a.ndim], letters[a.ndim: a.ndim + b.ndim]
        return contract(ctx, "dot", f"{la},{lb}->{la}{lb}", [a, b])
    if a.ndim <= 2 and b.ndim <= 2:
        return contract(ctx, "dot", _matmul_subscripts(a, b), [a, b])
    raise OpError("dot of arrays with more than 2 dimensions is not modelled")


@handler("inner")
def _inner(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    letters_a = "abcdefgh"[: a.ndim - 1] + "z"
    letters_b = "ijklmnop"[: b.ndim - 1] + "z"
    out = letters_a[:-1] + letters_b[:-1]
    return contract(ctx, "inner", f"{letters_a},{letters_b}->{out}", [a, b])


@handler("vdot")
def _vdot(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim != 1 or b.ndim != 1:
        raise OpError("vdot of non-vectors is not modelled")
    return as_numpy_scalar(contract(ctx, "vdot", "i,i->", [a, b]))


@handler("outer", "linalg.outer")
def _outer(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim != 1 or b.ndim != 1:
        raise OpError("outer of non-vectors is not modelled (flopscope ravels them)")
    return contract(ctx, "outer", "i,j->ij", [a, b])


@handler("einsum")
def _einsum(ctx, args, kwargs):
    sub = args[0]
    if not (isinstance(sub, Known) and isinstance(sub.value, str)):
        raise OpError("einsum subscripts are not a known string")
    if "out" in kwargs:
        raise OpError("einsum(..., out=) is not modelled")
    return contract(ctx, "einsum", sub.value.replace(" ", ""), list(args[1:]))


@handler("tensordot", "linalg.tensordot")
def _tensordot(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    axes = arg(args, kwargs, 2, "axes", Known(2))
    letters = "abcdefghijklmnopqrstuvwxy"
    la = list(letters[: a.ndim])
    lb = list(letters[a.ndim: a.ndim + b.ndim])
    if isinstance(axes, Known) and isinstance(axes.value, int):
        ax_a = list(range(a.ndim - axes.value, a.ndim))
        ax_b = list(range(axes.value))
    elif isinstance(axes, (Known, TupleVal, ListVal)):
        raw = axes.value if isinstance(axes, Known) else tuple(
            x.value if isinstance(x, Known) else tuple(y.value for y in x.items) for x in axes.items
        )
        ax_a = [raw[0]] if isinstance(raw[0], int) else list(raw[0])
        ax_b = [raw[1]] if isinstance(raw[1], int) else list(raw[1])
    else:
        raise OpError("tensordot axes are not known")
    for i, j in zip(ax_a, ax_b):
        lb[j % b.ndim] = la[i % a.ndim]
    out = [c for i, c in enumerate(la) if i not in [x % a.ndim for x in ax_a]] + [
        c for j, c in enumerate(lb) if j not in [x % b.ndim for x in ax_b]
    ]
    return contract(ctx, "tensordot", f"{''.join(la)},{''.join(lb)}->{''.join(out)}", [a, b])


# ----------------------------------------------------------------- creation


def _fill(ctx, op: str, shape, dtype: str, origin_default: bool, cost_per: int = 1, constant: bool = True):
    sym = pricing.inferred_constant_symmetry(shape) if constant else None
    n = 1
    for s in shape:
        n *= s
    origin = ctx.span if (origin_default and dtype == "float64") else None
    ctx.charge(op, cost_per * n, dtype if cost_per else None, origin)
    return Array(shape, dtype, sym, dtype_origin=origin)


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
    shape, symmetric = _fill_shape(ctx, arg(args, kwargs, 0, "shape"))
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    return _fill(ctx, op or "zeros", shape, dt or "float64", dt is None, cost_per=0,
                 constant=op != "empty" and symmetric)


@handler("ones")
def _ones(ctx, args, kwargs):
    shape, symmetric = _fill_shape(ctx, arg(args, kwargs, 0, "shape"))
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    return _fill(ctx, "ones", shape, dt or "float64", dt is None, constant=symmetric)


@handler("full")
def _full(ctx, args, kwargs):
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
    return _fill(ctx, "full", shape, dt, dt == "float64" and not isinstance(fill, (Array, NumpyScalar)),
                 constant=symmetric)


@handler("zeros_like", "empty_like", "ones_like", "full_like")
def _like(ctx, args, kwargs, op=None):
    proto = to_array(ctx, args[0])
    dt = dtype_arg(kwargs.get("dtype")) or proto.dtype
    shape = known_shape(kwargs["shape"], ctx=ctx) if "shape" in kwargs else proto.shape
    cost = 0 if op in ("zeros_like", "empty_like") else 1
    if op == "full_like" and 0 in shape:
        ctx.charge(op, 1, dt)  # flopscope floors full_like (not ones_like) at 1
        return Array(shape, dt)
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
    ones = max(0, min(n, m - k) if k >= 0 else min(n + k, m))
    origin = ctx.span if dt is None else None
    ctx.charge(op, ones, dt_, origin)
    sym = ((0, 1),) if (n == m and k == 0) else None
    return Array((n, m), dt_, sym, dtype_origin=origin)


@handler("arange")
def _arange(ctx, args, kwargs):
    bounds = [a for a in args if not isinstance(a, DTypeRef)]
    vals = []
    for b in bounds:
        if dataints.is_data_int(b):
            vals.append(dataints.materialise(ctx, b, "an arange bound"))
            continue
        if not (isinstance(b, Known) and isinstance(b.value, (int, float))):
            raise OpError("arange bounds are not known statically")
        vals.append(b.value)
    n = len(range(*vals)) if all(isinstance(v, int) for v in vals) else max(
        0, math.ceil((vals[1] - vals[0]) / (vals[2] if len(vals) > 2 else 1)) if len(vals) > 1 else math.ceil(vals[0]))
    if dataints.unbounded(n):
        raise OpError("the length of arange depends on values and has no upper bound")
    dt = dtype_arg(kwargs.get("dtype")) or dtypes.result_type(*(operand(b) for b in bounds))
    if dt == "int64" and all(isinstance(v, int) for v in vals):
        dt = dtypes.array_literal_dtype(0)
    elif dt in ("float64",) or any(isinstance(v, float) for v in vals):
        dt = dtype_arg(kwargs.get("dtype")) or "float64"
    origin = ctx.span if dt == "float64" and "dtype" not in kwargs else None
    ctx.charge("arange", 2 * n, dt, origin)
    return Array((n,), dt, dtype_origin=origin)


@handler("linspace")
def _linspace(ctx, args, kwargs):
    num = known_int(arg(args, kwargs, 2, "num", Known(50)), "linspace num", ctx)
    dt = dtype_arg(kwargs.get("dtype")) or "float64"
    origin = ctx.span if "dtype" not in kwargs else None
    ctx.charge("linspace", 2 * num, dt, origin)
    return Array((num,), dt, dtype_origin=origin)


@handler("array")
def _array(ctx, args, kwargs):
    src = arg(args, kwargs, 0, "object")
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    x = to_array(ctx, src)
    out_dt = dt or x.dtype
    origin = x.dtype_origin if out_dt == x.dtype else (ctx.span if out_dt == "float64" else None)
    if not isinstance(src, Array) and dt is None and out_dt == "float64":
        origin = ctx.span
    ctx.charge("array", max(x.size, 1), out_dt, origin)
    return Array(x.shape, out_dt, dtype_origin=origin)


@handler("asarray")
def _asarray(ctx, args, kwargs):
    src = arg(args, kwargs, 0, "a")
    dt = dtype_arg(arg(args, kwargs, 1, "dtype"))
    if isinstance(src, Array):
        if dt is None or dt == src.dtype:
            ctx.charge("asarray", 0, src.dtype)
            return src.with_(sym=None) if src.sym else src
        billed = dtypes.heavier(src.dtype, dt, pricing.rate)
        ctx.charge("asarray", src.size, billed, origin_of([src], billed))
        return Array(src.shape, dt, dtype_origin=ctx.span if dt == "float64" else None)
    # Not a flopscope array: flopscope probes the source with np.asarray (a Python float or
    # list becomes float64, an int int64) and bills the new buffer at the heavier of that
    # dtype and the target one, unlike fnp.array, which bills the target alone.
    x = to_array(ctx, src)
    out_dt = dt or x.dtype
    billed = dtypes.heavier(x.dtype, out_dt, pricing.rate)
    ctx.charge("asarray", x.size, billed, ctx.span if billed == "float64" else None)
    return Array(x.shape, out_dt, dtype_origin=ctx.span if out_dt == "float64" else None)


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
        raise ValueError("frombuffer: the buffer size does not fit the dtype, count and offset")
    n = available // itemsize if count < 0 else count
    ctx.charge("frombuffer", n, dt)
    return Array((n,), dt)


@handler("astype")
def _astype(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    given = arg(args, kwargs, 1, "dtype")
    if given is None:
        raise TypeError("astype() missing 1 required positional argument: 'dtype'")
    dt = dtype_arg(given) or "float64"  # numpy reads dtype=None as float64
    copy = kwargs.get("copy", Known(True))
    if isinstance(copy, Known) and copy.value is False and dt == x.dtype:
        ctx.charge("astype", 0, dt)
        return x.with_(sym=None)  # a new, plain FlopscopeArray: no tag, and not the same object
    billed = dtypes.heavier(x.dtype, dt, pricing.rate)
    ctx.charge("astype", x.size, billed, origin_of([x], billed))
    return Array(x.shape, dt, dtype_origin=ctx.span if dt == "float64" else None)


@handler("copy")
def _copy(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    ctx.charge("copy", max(x.size, 1), x.dtype, x.dtype_origin)
    return x.with_()


# ----------------------------------------------------------------- shape ops


@handler("reshape", "ravel")
def _reshape(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if op == "ravel":
        shape = (x.size,)
    else:
        raw = args[1:] if len(args) > 2 else [arg(args, kwargs, 1, "shape", kwargs.get("newshape"))]
        if len(raw) == 1:
            shape = known_shape(raw[0])
        else:
            shape = tuple(known_int(r, "reshape size") for r in raw)
        if -1 in shape:
            rest = 1
            for s in shape:
                if s != -1:
                    rest *= s
            shape = tuple(x.size // rest if s == -1 else s for s in shape)
    ctx.charge(op, max(x.size, 1), x.dtype, x.dtype_origin)
    return x.with_(shape=shape, sym=x.sym if shape == x.shape else None)


@handler("transpose", "permute_dims", "matrix_transpose")
def _transpose(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    axes = arg(args, kwargs, 1, "axes")
    if op == "matrix_transpose":
        perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    elif axes is None or (isinstance(axes, Known) and axes.value is None):
        perm = tuple(reversed(range(x.ndim)))
    else:
        perm = known_shape(axes, "axes")
    if op == "transpose":  # permute_dims and matrix_transpose leave no record in flopscope
        ctx.charge(op, 0, x.dtype)
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


def _permute_sym(sym, perm):
    if not sym:
        return None
    inverse = {old: new for new, old in enumerate(perm)}
    return tuple(sorted(tuple(sorted(inverse[a] for a in g)) for g in sym))


def transpose_attr(x: Array) -> Array:
    perm = tuple(reversed(range(x.ndim)))
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


@handler("expand_dims")
def _expand_dims(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    axis = known_int(arg(args, kwargs, 1, "axis"), "axis")
    axis = axis % (x.ndim + 1)
    shape = x.shape[:axis] + (1,) + x.shape[axis:]
    ctx.charge("expand_dims", 0, x.dtype)
    sym = tuple(tuple(a + (a >= axis) for a in g) for g in x.sym) if x.sym else None
    return x.with_(shape=shape, sym=sym)


@handler("squeeze")
def _squeeze(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    ctx.charge("squeeze", 0, x.dtype)
    return x.with_(shape=tuple(s for s in x.shape if s != 1), sym=None)


def _sequence(v: Value) -> list[Value]:
    if isinstance(v, (ListVal, TupleVal)):
        return list(v.items)
    if isinstance(v, Array) and v.ndim >= 1:
        return [Array(v.shape[1:], v.dtype) for _ in range(v.shape[0])]
    raise OpError("the sequence of arrays is not known statically")


@handler("stack", "concatenate", "vstack", "hstack", "concat", "column_stack", "row_stack")
def _stack(ctx, args, kwargs, op=None):
    items = [to_array(ctx, v) for v in _sequence(arg(args, kwargs, 0, "arrays"))]
    if not items:
        raise OpError(f"{op} of an empty sequence")
    axis_v = arg(args, kwargs, 1, "axis", Known(0))
    axis = axis_v.value if isinstance(axis_v, Known) else None
    dt = dtype_arg(kwargs.get("dtype")) or dtypes.result_type(*(Operand(dtype=a.dtype) for a in items))
    name = {"row_stack": "vstack"}.get(op, op)  # flopscope records row_stack as vstack
    first = items[0]
    if op in ("concatenate", "concat") and first.ndim == 0:
        raise OpError("zero-dimensional arrays cannot be concatenated (numpy raises ValueError)")
    if op == "stack":
        # flopscope's transport_stack: every input's tag, its axes from the new one on
        # shifted by one, intersected (stacking along axis=-1 keeps a (0, 1) tag).
        ax = axis % (first.ndim + 1)
        shape = first.shape[:ax] + (len(items),) + first.shape[ax:]
        sym = None
        if all(a.sym for a in items):
            shifted = [tuple(tuple(x if x < ax else x + 1 for x in g) for g in a.sym) for a in items]
            sym = shifted[0]
            for g in shifted[1:]:
                sym = meet_sym(sym, g)
    elif op in ("concatenate", "concat"):
        if axis is None:
            shape = (sum(a.size for a in items),)
            sym = None
        else:
            ax = axis % first.ndim
            shape = first.shape[:ax] + (sum(a.shape[ax] for a in items),) + first.shape[ax + 1:]
            sym = _concat_sym(items, axis, len(shape))
    elif op in ("vstack", "row_stack"):
        rows = [a if a.ndim >= 2 else a.with_(shape=(1,) + a.shape) for a in items]
        shape = (sum(a.shape[0] for a in rows),) + rows[0].shape[1:]
        sym = _concat_sym(items, 0, len(shape)) if all(a.ndim >= 2 for a in items) else None
    elif op == "hstack":
        if first.ndim == 1:
            shape = (sum(a.shape[0] for a in items),)
            sym = None
        else:
            shape = (first.shape[0], sum(a.shape[1] for a in items)) + first.shape[2:]
            sym = _concat_sym(items, 1, len(shape)) if all(a.ndim >= 2 for a in items) else None
    else:
        cols = [a if a.ndim == 2 else a.with_(shape=(a.shape[0], 1)) for a in items]
        shape = (cols[0].shape[0], sum(a.shape[1] for a in cols))
        sym = None
    n = 1
    for s in shape:
        n *= s
    origin = origin_of(items, dt)
    ctx.charge(name, max(n, 1), dt, origin)
    return Array(shape, dt, sym, dtype_origin=origin)


@handler("block")
def _block(ctx, args, kwargs, op=None):
    """np.block: nested lists joined along the last axes (innermost list on axis -1);
    flopscope bills numel(output) at the leaves' promoted dtype and drops symmetry."""
    nested = arg(args, kwargs, 0, "arrays")

    def depth(v) -> int:
        return 1 + depth(v.items[0]) if isinstance(v, (ListVal, TupleVal)) and v.items else 0

    levels = depth(nested)
    leaves: list[Array] = []

    def collect(v, level: int):
        if isinstance(v, (ListVal, TupleVal)):
            if not v.items or level >= levels:
                raise OpError("fnp.block of ragged or empty nested lists is not modelled")
            return [collect(c, level + 1) for c in v.items]
        if level != levels:
            raise OpError("fnp.block: nested lists of different depths (numpy raises ValueError)")
        a = to_array(ctx, v)
        leaves.append(a)
        return a

    tree = collect(nested, 0)
    if levels == 0:
        raise OpError("fnp.block of a single array is not modelled")
    ndim = max(levels, max(a.ndim for a in leaves))

    def assemble(node, level: int) -> tuple:
        if isinstance(node, Array):
            return (1,) * (ndim - node.ndim) + tuple(node.shape)
        shapes = [assemble(c, level + 1) for c in node]
        ax = ndim - (levels - level)
        for s in shapes[1:]:
            if any(x != y for i, (x, y) in enumerate(zip(s, shapes[0])) if i != ax):
                raise OpError("fnp.block: block shapes do not line up (numpy raises ValueError)")
        out = list(shapes[0])
        out[ax] = sum(s[ax] for s in shapes)
        return tuple(out)

    shape = assemble(tree, 0)
    dt = dtypes.result_type(*(Operand(dtype=a.dtype) for a in leaves))
    n = 1
    for x in shape:
        n *= x
    origin = origin_of(leaves, dt)
    ctx.charge("block", max(n, 1), dt, origin)
    return Array(shape, dt, None, dtype_origin=origin)


def _concat_sym(items: list[Array], axis: int, out_ndim: int) -> pricing.Symmetry:
    """flopscope's transport_concatenate: each input's tag without the joined axis, intersected."""
    if not all(a.sym for a in items):
        return None
    if axis < 0 and len(items) > 1:
        # flopscope reduces the axis modulo max(ndim, len(group.axes) + 1), and a group's
        # recorded axes can span every axis (after an intersection) even when it only swaps
        # two: then a negative axis misses the joined one and the result is a SymmetricTensor
        # that is not symmetric (the next op on it raises). Which happens depends on that
        # provenance, which flopcast does not track.
        raise OpError(f"concatenate(axis={axis}) of symmetric arrays: flopscope may keep a symmetry tag "
                      "across the joined axis, leaving broken symmetry metadata (a later op on the result "
                      "raises); write the axis as a non-negative number")
    restricted = []
    for a in items:
        tagged = sorted({x for g in a.sym for x in g})
        fs_axis = axis % out_ndim
        keep = [x for x in tagged if x != fs_axis]
        if len(keep) < 2:
            return None
        groups = tuple(tuple(x for x in g if x != fs_axis) for g in a.sym)
        restricted.append(tuple(g for g in groups if len(g) >= 2) or None)
    sym = restricted[0]
    for g in restricted[1:]:
        sym = meet_sym(sym, g)
    return sym


@handler("diag")
def _diag(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    k = known_int(arg(args, kwargs, 1, "k", Known(0)), "diag k")
    if x.ndim == 1:
        n = x.shape[0] + abs(k)
        ctx.charge("diag", x.shape[0], x.dtype, x.dtype_origin)
        return Array((n, n), x.dtype, ((0, 1),) if k == 0 else None, dtype_origin=x.dtype_origin)
    ctx.charge("diag", 0, x.dtype)
    m, n = x.shape
    length = max(0, min(m, n - k) if k >= 0 else min(m + k, n))
    return Array((length,), x.dtype, dtype_origin=x.dtype_origin)


@handler("diagonal")
def _diagonal(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    ctx.charge("diagonal", 0, x.dtype)
    return Array((min(x.shape[0], x.shape[1]),) + x.shape[2:], x.dtype, dtype_origin=x.dtype_origin)


@handler("fill_diagonal")
def _fill_diagonal(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    ctx.charge("fill_diagonal", min(x.shape), x.dtype, x.dtype_origin)
    ctx.mutate(x, x.with_(sym=None) if x.sym else x)
    return Known(None)


@handler("trace")
def _trace(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    offset = known_int(arg(args, kwargs, 1, "offset", Known(0)), "trace offset")
    if x.ndim < 2:
        raise OpError("trace of an array with fewer than 2 dimensions")
    n1, n2 = x.shape[0], x.shape[1]
    if n1 > 0 and n2 > 0:
        k = min(n1, n2)
        if offset > 0:
            k = min(k, n2 - offset)
        elif offset < 0:
            k = min(k, n1 + offset)
        base = max(k, 1) * (x.size // (n1 * n2))
    else:
        base = 0
    dt = dtype_arg(kwargs.get("dtype")) or dtypes.reduction_accumulator("sum", x.dtype)
    ctx.charge("trace", base, dt, origin_of([x], dt))
    return as_numpy_scalar(Array(x.shape[2:], dt, dtype_origin=origin_of([x], dt)))


@handler("tril", "triu")
def _tril(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    k = known_int(arg(args, kwargs, 1, "k", Known(0)), f"{op} k")
    shape = x.shape if x.ndim >= 2 else (x.shape[-1], x.shape[-1])
    rows, cols = shape[-2], shape[-1]
    lead = (x.size // (rows * cols) if x.ndim >= 2 else 1) if rows and cols else 0
    kept = 0
    for i in range(rows):
        if op == "triu":
            kept += cols - min(max(i + k, 0), cols)
        else:
            kept += min(max(i + k + 1, 0), cols)
    ctx.charge(op, max(lead * kept, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("isnan", "isinf", "isfinite")
def _predicate(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if "out" in kwargs:
        raise OpError(f"{op}(..., out=) is not modelled")
    if x.sym:
        raise OpError(f"{op} of a symmetric tensor returns a plain numpy array (later ops on it are uncounted)")
    ctx.charge(op, x.size, x.dtype, None)
    return Array(x.shape, "bool")


# ----------------------------------------------------------------- free views and copies


@handler("swapaxes", "moveaxis", "flip", "fliplr", "flipud")
def _free_view(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if op == "swapaxes":
        a1 = axis_index(known_int(arg(args, kwargs, 1, "axis1"), "axis1"), x.ndim)
        a2 = axis_index(known_int(arg(args, kwargs, 2, "axis2"), "axis2"), x.ndim)
        perm = list(range(x.ndim))
        perm[a1], perm[a2] = perm[a2], perm[a1]
    elif op == "moveaxis":
        src = axis_index(known_int(arg(args, kwargs, 1, "source"), "source"), x.ndim)
        dst = axis_index(known_int(arg(args, kwargs, 2, "destination"), "destination"), x.ndim)
        perm = [i for i in range(x.ndim) if i != src]
        perm.insert(dst, src)
    else:
        if x.sym:
            raise OpError(f"{op} of a symmetric tensor is not modelled")
        ctx.charge(op, 0, None)
        return x.with_()
    perm = tuple(perm)
    ctx.charge(op, 0, None)
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


@handler("broadcast_to")
def _broadcast_to(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    shape = known_shape(arg(args, kwargs, 1, "shape"))
    if x.sym:
        raise OpError("broadcast_to of a symmetric tensor is not modelled")
    broadcast(x.shape, shape)
    n = 1
    for d in shape:
        n *= d
    ctx.charge("broadcast_to", max(n, 1), x.dtype)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("tile", "repeat")
def _tile(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if x.sym:
        raise OpError(f"{op} of a symmetric tensor is not modelled")
    if op == "tile":
        reps = known_shape(arg(args, kwargs, 1, "reps"), "reps")
        nd = max(len(reps), x.ndim)
        xs = (1,) * (nd - x.ndim) + x.shape
        rs = (1,) * (nd - len(reps)) + tuple(reps)
        shape = tuple(a * b for a, b in zip(xs, rs))
    else:
        reps = known_int(arg(args, kwargs, 1, "repeats"), "repeats")
        axis = arg(args, kwargs, 2, "axis")
        if axis is None or (isinstance(axis, Known) and axis.value is None):
            shape = (x.size * reps,)
        else:
            ax = axis_index(known_int(axis, "axis"), x.ndim)
            shape = x.shape[:ax] + (x.shape[ax] * reps,) + x.shape[ax + 1:]
    n = 1
    for d in shape:
        n *= d
    ctx.charge(op, max(n, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


# ----------------------------------------------------------------- value-dependent sizes


def _nonzero_like(ctx, op: str, x: Value, tuple_result: bool):
    a = to_array(ctx, x)
    ctx.charge(op, max(a.size, 1), a.dtype, None)
    count = ctx.choose_size(0, a.size, f"{op}: the number of nonzero elements depends on values", nonzero_of=a)
    idx = Array((count,), "int64")
    if tuple_result:
        return TupleVal(tuple(idx.with_() for _ in range(max(a.ndim, 1))))
    return idx


@handler("nonzero", "flatnonzero", "argwhere")
def _nonzero(ctx, args, kwargs, op=None):
    a = to_array(ctx, args[0])
    if op == "argwhere":
        ctx.charge(op, max(a.size, 1), a.dtype, None)
        count = ctx.choose_size(0, a.size, "argwhere: the number of nonzero elements depends on values",
                                nonzero_of=a)
        return Array((count, a.ndim), "int64")
    return _nonzero_like(ctx, op, a, tuple_result=op == "nonzero")


@handler("sort", "argsort")
def _sort(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    axis = arg(args, kwargs, 1, "axis", Known(-1))
    if isinstance(axis, Known) and axis.value is None:
        n, slices, shape = x.size, 1, (x.size,)
    else:
        ax = axis_index(known_int(axis, "axis"), x.ndim)
        n = x.shape[ax]
        slices = x.size // max(n, 1)
        shape = x.shape
    per = n * math.ceil(math.log2(n)) if n > 1 else 0
    ctx.charge(op, max(slices * per, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype if op == "sort" else "int64")


@handler("partition", "argpartition")
def _partition(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    ctx.charge(op, max(x.size, 1), x.dtype, x.dtype_origin)
    return Array(x.shape, x.dtype if op == "partition" else "int64")


@handler("take")
def _take(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    idx = to_array(ctx, args[1])
    axis = arg(args, kwargs, 2, "axis")
    if axis is None or (isinstance(axis, Known) and axis.value is None):
        shape = idx.shape
    else:
        ax = axis_index(known_int(axis, "axis"), x.ndim)
        shape = x.shape[:ax] + idx.shape + x.shape[ax + 1:]
    n = 1
    for s in shape:
        n *= s
    ctx.charge("take", n, x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("take_along_axis")
def _take_along_axis(ctx, args, kwargs):
    x = to_array(ctx, arg(args, kwargs, 0, "arr"))
    idx = to_array(ctx, arg(args, kwargs, 1, "indices"))
    axis = arg(args, kwargs, 2, "axis")
    if axis is None:
        raise OpError("take_along_axis needs an axis")
    if isinstance(axis, Known) and axis.value is None:
        if idx.ndim != 1:
            raise OpError("take_along_axis(axis=None) needs 1-d indices")
        shape = idx.shape
    else:
        if idx.ndim != x.ndim:
            raise OpError("take_along_axis: indices and array must have the same number of dimensions")
        ax = axis_index(known_int(axis, "axis"), x.ndim)
        other = broadcast(tuple(1 if i == ax else s for i, s in enumerate(x.shape)),
                          tuple(1 if i == ax else s for i, s in enumerate(idx.shape)))
        shape = tuple(idx.shape[ax] if i == ax else s for i, s in enumerate(other))
    n = 1
    for s_ in shape:
        n *= s_
    ctx.charge("take_along_axis", max(n, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("put_along_axis")
def _put_along_axis(ctx, args, kwargs):
    """In place; flopscope bills the elements scattered at ``arr``'s dtype:
    ``numel(arr) / arr.shape[axis] x indices.shape[axis]`` (``indices.size`` for axis=None,
    0 for an empty ``arr``, no floor). The written array loses its symmetry tag."""
    x = arg(args, kwargs, 0, "arr")
    if not isinstance(x, Array):
        raise OpError("put_along_axis into something other than a flopscope array is not modelled")
    idx = to_array(ctx, arg(args, kwargs, 1, "indices"))
    if arg(args, kwargs, 2, "values") is None:
        raise OpError("put_along_axis needs values")
    axis = arg(args, kwargs, 3, "axis")
    if axis is None:
        raise OpError("put_along_axis needs an axis")
    if isinstance(axis, Known) and axis.value is None:
        if idx.ndim != 1:
            raise OpError("put_along_axis(axis=None) needs 1-d indices")
        cost = idx.size
    else:
        if idx.ndim != x.ndim:
            raise OpError("put_along_axis: indices and array must have the same number of dimensions")
        ax = axis_index(known_int(axis, "axis"), x.ndim)
        cost = 0 if x.size == 0 else (x.size // x.shape[ax]) * idx.shape[ax]
    ctx.charge("put_along_axis", cost, x.dtype, x.dtype_origin)
    if x.sym:
        ctx.mutate(x, x.with_(sym=None))
    return Known(None)


# ----------------------------------------------------------------- random


@handler("random.default_rng")
def _default_rng(ctx, args, kwargs):
    return Generator()


_DRAW_BASE = {"uniform": 3}
_DRAW_DEFAULT_DTYPE = {"integers": "int64"}


def random_draw(ctx, method: str, args, kwargs) -> Value:
    op = f"random.Generator.{method}"
    size_positions = {
        "standard_normal": 0, "random": 0, "standard_exponential": 0, "normal": 2, "uniform": 2,
        "exponential": 1, "integers": 2, "poisson": 1, "gamma": 2, "beta": 2, "laplace": 2,
        "logistic": 2, "lognormal": 2, "binomial": 2,
    }
    if method in ("choice", "permutation"):
        return _choice_permutation(ctx, method, args, kwargs)
    if method not in size_positions:
        raise OpError(f"Generator.{method} is not modelled yet")
    size = arg(args, kwargs, size_positions[method], "size")
    if size is None or (isinstance(size, Known) and size.value is None):
        params = [a for i, a in enumerate(args) if i < size_positions[method]]
        shape = broadcast(*(shape_of(p) for p in params)) if params else ()
    else:
        shape = known_shape(size, "size", ctx)
    explicit = dtype_arg(kwargs.get("dtype"))
    dt = explicit or _DRAW_DEFAULT_DTYPE.get(method, "float64")
    n = 1
    for s in shape:
        n *= s
    origin = ctx.span if (explicit is None and dt == "float64") else None
    ctx.charge(op, _DRAW_BASE.get(method, 1) * max(n, 1), dt, origin)
    if shape == ():
        return NumpyScalar(dt, origin)
    return Array(shape, dt, dtype_origin=origin)


def _choice_permutation(ctx, method: str, args, kwargs) -> Value:
    """``choice`` (replace=True, no ``p``) and ``permutation``: dtype-neutral, weight 4."""
    op = f"random.Generator.{method}"
    a = arg(args, kwargs, 0, "a" if method == "choice" else "x")
    if isinstance(a, Known) and isinstance(a.value, int) and not isinstance(a.value, bool):
        pool, pool_dtype, rest = a.value, "int64", ()
    else:
        arr = to_array(ctx, a)
        if arr.ndim == 0:
            raise OpError(f"Generator.{method} of a 0-d array is not modelled")
        pool, pool_dtype, rest = arr.shape[0], arr.dtype, arr.shape[1:]
    if method == "permutation":
        ctx.charge(op, max(pool, 1), None)
        return Array((pool,) + rest, pool_dtype)
    for name, index in (("axis", 4), ("shuffle", 5)):
        if not _none(arg(args, kwargs, index, name)):
            raise OpError(f"Generator.choice with {name}= is not modelled")
    replace_v = arg(args, kwargs, 2, "replace", Known(True))
    if not (isinstance(replace_v, Known) and isinstance(replace_v.value, bool)):
        raise OpError("Generator.choice: replace= is not a known bool")
    replace = replace_v.value
    p_v = arg(args, kwargs, 3, "p")
    with_p = not _none(p_v)
    if with_p:
        p_arr = to_array(ctx, p_v)
        if p_arr.shape != (pool,):
            raise OpError("Generator.choice: p does not match the pool (numpy raises)")
    size = arg(args, kwargs, 1, "size")
    shape = () if _none(size) else known_shape(size, "size")
    n = 1
    for d in shape:
        n *= d
    if not replace and n > pool:
        raise OpError("Generator.choice(replace=False) of more items than the pool raises ValueError")
    if pool == 0 and n > 0:
        raise OpError("Generator.choice from an empty pool raises ValueError")
    base = pricing.choice_base(pool, shape + rest, replace, with_p)  # draws of whole rows count every element
    ctx.charge(op, base, None)
    if shape == () and not rest:
        return NumpyScalar(pool_dtype)
    return Array(shape + rest, pool_dtype)


# ----------------------------------------------------------------- stats


def stats_call(ctx, name: str, args, kwargs) -> Value:
    per = installed.stats_costs().get(name)
    if per is None:
        raise OpError(f"flops.stats.{name} is not in the installed flopscope")
    values = [a for a in args] + [v for k, v in kwargs.items() if k not in ("out",)]
    if any(isinstance(v, Array) and v.ndim > 0 for v in values[1:]):
        raise OpError(f"flops.stats.{name} with array-valued parameters: flopscope also charges the "
                      "kernel's own arithmetic on them (subtract, divide, ...), which is not modelled")
    shape = broadcast(*(shape_of(v) for v in values))
    n = 1
    for s in shape:
        n *= s
    ctx.charge(f"stats.{name}", per * max(n, 1), "float64", ctx.span)
    return Array(shape, "float64", dtype_origin=ctx.span)


# ----------------------------------------------------------------- linalg


def _linalg_dtype(a: Array) -> str:
    return "float64" if dtypes.kind(a.dtype) in "biu" else a.dtype


def _batch(a: Array) -> int:
    n = 1
    for s in a.shape[:-2]:
        n *= s
    return n


@handler("linalg.cholesky", "linalg.eigh", "linalg.eigvalsh", "linalg.inv", "linalg.det",
         "linalg.slogdet", "linalg.eig", "linalg.eigvals")
def _linalg_square(ctx, args, kwargs, op=None):
    a = to_array(ctx, args[0])
    n = a.shape[-1]
    fn = op.split(".")[1]
    if fn == "inv":
        base = pricing.accounting("inv_cost", n, symmetric=bool(a.sym))
    elif fn in ("det", "slogdet"):
        base = pricing.accounting(f"{fn}_cost", n)
    else:
        base = pricing.accounting(f"{fn}_cost", n)
    dt = _linalg_dtype(a)
    ctx.charge(op, base * _batch(a), dt, a.dtype_origin, weighted_base=True)
    batch = a.shape[:-2]
    if fn == "cholesky":
        return Array(a.shape, dt)
    if fn == "inv":
        return Array(a.shape, dt, a.sym)
    if fn == "eigh":
        return TupleVal((Array(batch + (n,), dt), Array(a.shape, dt)))
    if fn == "eig":
        return TupleVal((Array(batch + (n,), "complex128"), Array(a.shape, "complex128")))
    if fn in ("eigvalsh",):
        return Array(batch + (n,), dt)
    if fn == "eigvals":
        return Array(batch + (n,), "complex128")
    if fn == "det":
        return as_numpy_scalar(Array(batch, dt))
    return TupleVal((as_numpy_scalar(Array(batch, dt)), as_numpy_scalar(Array(batch, dt))))


@handler("linalg.solve")
def _solve(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    n = a.shape[-1]
    nrhs = 1 if b.ndim == 1 else b.shape[-1]
    base = pricing.accounting("solve_cost", n, nrhs)
    dt = dtypes.result_type(Operand(dtype=_linalg_dtype(a)), Operand(dtype=_linalg_dtype(b)))
    ctx.charge("linalg.solve", base * _batch(a), dt, origin_of([a, b], dt), weighted_base=True)
    return Array(b.shape, dt)


@handler("linalg.qr")
def _qr(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    base = pricing.accounting("qr_cost", m, n)
    dt = _linalg_dtype(a)
    ctx.charge("linalg.qr", base * _batch(a), dt, a.dtype_origin, weighted_base=True)
    return TupleVal((Array(a.shape[:-2] + (m, k), dt), Array(a.shape[:-2] + (k, n), dt)))


@handler("linalg.svd")
def _svd(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    full = arg(args, kwargs, 1, "full_matrices", Known(True))
    uv = arg(args, kwargs, 2, "compute_uv", Known(True))
    full_b = bool(full.value) if isinstance(full, Known) else True
    uv_b = bool(uv.value) if isinstance(uv, Known) else True
    base = pricing.accounting("svd_cost", m, n, with_vectors=uv_b, full_matrices=full_b)
    dt = _linalg_dtype(a)
    ctx.charge("linalg.svd", base * _batch(a), dt, a.dtype_origin, weighted_base=True)
    batch = a.shape[:-2]
    s = Array(batch + (k,), dt)
    if not uv_b:
        return s
    if full_b:
        return TupleVal((Array(batch + (m, m), dt), s, Array(batch + (n, n), dt)))
    return TupleVal((Array(batch + (m, k), dt), s, Array(batch + (k, n), dt)))


@handler("linalg.norm")
def _norm(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    ord_ = arg(args, kwargs, 1, "ord")
    axis = arg(args, kwargs, 2, "axis")
    keepdims = arg(args, kwargs, 3, "keepdims", Known(False))
    if ord_ is not None and not (isinstance(ord_, Known) and ord_.value in (None, "fro", 1, -1, math.inf, -math.inf)):
        raise OpError("linalg.norm with this ord is not modelled")
    if not isinstance(keepdims, Known):
        raise OpError("linalg.norm keepdims= is not known statically")
    if axis is None or (isinstance(axis, Known) and axis.value is None):
        axes = tuple(range(a.ndim))
    else:
        axes = _axes(axis, a.ndim)
    if keepdims.value:
        shape = tuple(1 if i in axes else s for i, s in enumerate(a.shape))
    else:
        shape = tuple(s for i, s in enumerate(a.shape) if i not in axes)
    dt = _linalg_dtype(a)
    ctx.charge("linalg.norm", 2 * a.size, dt, a.dtype_origin)
    # A full reduction comes back as a numpy scalar (free arithmetic afterwards).
    return as_numpy_scalar(Array(shape, dt))


# ----------------------------------------------------------------- flopscope extras


@handler("flopscope.as_symmetric")
def _as_symmetric(ctx, args, kwargs):
    # flopscope's signature is as_symmetric(data, *, symmetry): Python rejects anything else
    if len(args) > 1:
        raise TypeError(f"as_symmetric() takes 1 positional argument but {len(args)} were given")
    for key in kwargs:
        if key not in ("data", "symmetry"):
            raise TypeError(f"as_symmetric() got an unexpected keyword argument '{key}'")
    if "symmetry" not in kwargs:
        raise TypeError("as_symmetric() missing 1 required keyword-only argument: 'symmetry'")
    x = to_array(ctx, args[0] if args else kwargs["data"])
    sym_v = kwargs["symmetry"]
    axes = known_shape(sym_v, "symmetry")
    generators = max(len(axes) - 1, 1)
    ctx.charge("as_symmetric", generators * (7 * x.size - 1), x.dtype, x.dtype_origin)
    return x.with_(sym=(tuple(sorted(axes)),))


@handler("load")
def _load(ctx, args, kwargs):
    path = arg(args, kwargs, 0, "file")
    arrays = ctx.read_array_file(path)
    ctx.charge("load", 0, None)
    return arrays


def dispatch(ctx, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    """Price and model ``fnp.<name>(*args, **kwargs)``."""
    fn = HANDLERS.get(name)
    if fn is not None:
        return fn(ctx, args, kwargs)
    if name.startswith("stats."):
        return stats_call(ctx, name[len("stats."):], args, kwargs)
    category = categories().get(name)
    if category in ("counted_unary", "counted_binary") and name not in ("matvec", "vecmat", "vecdot"):
        nin = 1 if category == "counted_unary" else 2
        dt = dtype_arg(kwargs.get("dtype"))
        out = kwargs.get("out", args[nin] if len(args) > nin else None)
        if set(kwargs) - {"dtype", "out"} or len(args) > nin + 1:
            raise OpError(f"{name} with where=, casting=, order= or extra arguments is not modelled")
        if not _none(out):
            return pointwise_out(ctx, name, list(args[:nin]), out, dt)
        return pointwise(ctx, name, list(args[:nin]), dtype_kw=dt)
    if category == "counted_reduction":
        return reduction(ctx, name, args, kwargs)
    if category == "free":
        raise OpError(f"fnp.{name} is free in flopscope but its result is not modelled yet")
    if category == "blacklisted":
        raise OpError(f"fnp.{name} is blacklisted by flopscope and raises AttributeError")
    if category is None:
        raise OpError(f"fnp.{name} does not exist in flopscope {installed.flopscope_version()}")
    raise OpError(f"fnp.{name} is not modelled by flopcast yet")




# ----------------------------------------------------------------- array methods

#: ``x.<method>(...)`` -> the op it is priced as. FlopscopeArray overrides these
#: methods to call the fnp function of the same name (same record, same price);
#: the ``ndarray.*`` entries are numpy's own methods, which flopscope does not
#: intercept: a free view with no record (SymmetricTensor.squeeze excepted).
ARRAY_METHOD_OPS = {
    **{m: m for m in (
        "sum", "mean", "max", "min", "std", "var", "prod", "argmax", "argmin", "cumsum", "cumprod",
        "any", "all", "ptp", "reshape", "ravel", "astype", "copy", "dot", "clip", "trace", "round",
        "nonzero", "argsort", "take", "repeat", "argpartition")},
    "conj": "conjugate",
    "conjugate": "conjugate",
    "squeeze": "ndarray.squeeze",
    "diagonal": "ndarray.diagonal",
    "transpose": "ndarray.transpose",
    "swapaxes": "ndarray.swapaxes",
    "sort": "ndarray.sort",
    "partition": "ndarray.sort",
    "fill": "ndarray.sort",
    "put": "ndarray.sort",
}


@handler("ndarray.sort")
def _inplace_method(ctx, args, kwargs):
    raise OpError("in-place array methods (.sort, .partition, .fill, .put) raise: flopscope arrays are immutable")


@handler("ndarray.squeeze")
def _squeeze_method(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    if arg(args, kwargs, 1, "axis") is not None:
        raise OpError(".squeeze(axis=) is not modelled")
    dropped = [i for i, s in enumerate(x.shape) if s == 1]
    sym = None
    if x.sym:
        ctx.charge("squeeze", 0, None)  # SymmetricTensor.squeeze routes to fnp.squeeze
        remap = {old: new for new, old in enumerate(i for i in range(x.ndim) if i not in dropped)}
        groups = [tuple(remap[a] for a in g if a in remap) for g in x.sym]
        sym = tuple(g for g in groups if len(g) > 1) or None
    return x.with_(shape=tuple(s for s in x.shape if s != 1), sym=sym)


@handler("ndarray.diagonal")
def _diagonal_method(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    if len(args) > 1 or kwargs or x.ndim != 2:
        raise OpError(".diagonal() with arguments or on a non-matrix is not modelled")
    return Array((min(x.shape),), x.dtype, dtype_origin=x.dtype_origin)


@handler("ndarray.transpose", "ndarray.swapaxes")
def _transpose_method(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if op == "ndarray.swapaxes":
        a1 = axis_index(known_int(args[1], "axis1"), x.ndim)
        a2 = axis_index(known_int(args[2], "axis2"), x.ndim)
        perm = list(range(x.ndim))
        perm[a1], perm[a2] = perm[a2], perm[a1]
        perm = tuple(perm)
    else:
        axes = args[1] if len(args) > 1 else None
        if axes is None or (isinstance(axes, Known) and axes.value is None):
            perm = tuple(reversed(range(x.ndim)))
        else:
            perm = known_shape(axes, "axes")
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


@handler("dtype_call")
def _dtype_call(ctx, args, kwargs):
    """``fnp.float64(x)`` on an array: numpy's scalar-type constructor casts without a record."""
    x = to_array(ctx, args[0])
    dt = dtype_arg(args[1])
    if x.sym:
        raise OpError(f"{dt}(...) of a symmetric tensor returns a tensor with broken symmetry metadata")
    return Array(x.shape, dt, dtype_origin=ctx.span if dt == "float64" else None)


# ----------------------------------------------------------------- more linalg (flopscope.accounting prices)


def _matrix(ctx, v: Value, what: str) -> Array:
    a = to_array(ctx, v)
    if a.ndim != 2:
        raise OpError(f"{what} of a non-matrix (batched or vector input) is not modelled")
    return a


@handler("linalg.pinv", "linalg.svdvals", "linalg.cond", "linalg.matrix_rank")
def _svd_family(ctx, args, kwargs, op=None):
    a = _matrix(ctx, args[0], op)
    if len(args) > 1 or kwargs:
        raise OpError(f"{op} with extra arguments is not modelled")
    m, n = a.shape
    fn = op.split(".")[1]
    base = pricing.accounting(f"{fn}_cost", m, n)
    dt = _linalg_dtype(a)
    ctx.charge(op, base, dt, a.dtype_origin, weighted_base=True)
    if fn == "pinv":
        return Array((n, m), dt)
    if fn == "svdvals":
        return Array((min(m, n),), dt)
    if fn == "matrix_rank":
        return NumpyScalar("int64")
    return NumpyScalar(dt, a.dtype_origin if dt == a.dtype else None)


@handler("linalg.lstsq")
def _lstsq(ctx, args, kwargs):
    a = _matrix(ctx, args[0], "lstsq")
    b = to_array(ctx, args[1])
    m, n = a.shape
    cols = 1 if b.ndim == 1 else b.shape[1]
    base = pricing.accounting("lstsq_cost", m, n, b_cols=cols, b_ndim=b.ndim)
    dt = dtypes.result_type(Operand(dtype=_linalg_dtype(a)), Operand(dtype=_linalg_dtype(b)))
    ctx.charge("linalg.lstsq", base, dt, origin_of([a, b], dt), weighted_base=True)
    x = Array((n,) if b.ndim == 1 else (n, cols), dt)
    residuals = Array((ctx.choose_size(0, cols, "lstsq: residuals are empty unless the matrix has full rank")
                       if m > n else 0,), dt)
    rank = Unknown("int", ctx.span, "the rank lstsq reports depends on values")
    return TupleVal((x, residuals, rank, Array((min(m, n),), dt)))


@handler("linalg.matrix_power")
def _matrix_power(ctx, args, kwargs):
    a = _matrix(ctx, args[0], "matrix_power")
    p = known_int(arg(args, kwargs, 1, "n"), "matrix_power exponent")
    if p < 0:
        raise OpError("matrix_power with a negative exponent (an inverse) is not modelled")
    base = pricing.accounting("matrix_power_cost", a.shape[0], p)
    ctx.charge("linalg.matrix_power", base, a.dtype, a.dtype_origin, weighted_base=True)
    return Array(a.shape, a.dtype, dtype_origin=a.dtype_origin)


@handler("linalg.multi_dot")
def _multi_dot(ctx, args, kwargs):
    arrays = [to_array(ctx, x) for x in _sequence(args[0])]
    if len(arrays) < 2:
        raise OpError("multi_dot of fewer than two arrays")
    base = pricing.accounting("multi_dot_cost", [list(x.shape) for x in arrays])
    dt = dtypes.result_type(*(Operand(dtype=x.dtype) for x in arrays))
    ctx.charge("linalg.multi_dot", base, dt, origin_of(arrays, dt), weighted_base=True)
    shape = arrays[0].shape[:-1] + arrays[-1].shape[1:]
    return Array(shape, dt, dtype_origin=origin_of(arrays, dt))


@handler("linalg.vector_norm", "linalg.matrix_norm")
def _vector_matrix_norm(ctx, args, kwargs, op=None):
    a = to_array(ctx, args[0])
    if len(args) > 1 or any(k != "ord" for k in kwargs):
        raise OpError(f"{op} with axis/keepdims is not modelled")
    ord_v = kwargs.get("ord")
    ord_ = None if ord_v is None else ord_v.value if isinstance(ord_v, Known) else OpError
    if ord_ is OpError:
        raise OpError(f"{op} ord= is not known statically")
    fn = op.split(".")[1]
    if fn == "matrix_norm" and a.ndim != 2:
        raise OpError("batched matrix_norm is not modelled")
    base = pricing.accounting(f"{fn}_cost", list(a.shape), ord=ord_)
    dt = _linalg_dtype(a)
    ctx.charge(op, base, dt, a.dtype_origin, weighted_base=True)
    return NumpyScalar(dt, a.dtype_origin if dt == a.dtype else None)


@handler("linalg.trace")
def _linalg_trace(ctx, args, kwargs):
    a = _matrix(ctx, args[0], "linalg.trace")
    if len(args) > 1 or kwargs:
        raise OpError("linalg.trace with offset/dtype is not modelled")
    base = pricing.accounting("trace_cost", min(a.shape))
    ctx.charge("linalg.trace", base, a.dtype, a.dtype_origin, weighted_base=True)
    return NumpyScalar(a.dtype, a.dtype_origin)


# ----------------------------------------------------------------- more creation and shape ops


@handler("tri")
def _tri(ctx, args, kwargs):
    n = known_int(arg(args, kwargs, 0, "N"), "tri N")
    mv = arg(args, kwargs, 1, "M")
    m = n if mv is None or (isinstance(mv, Known) and mv.value is None) else known_int(mv, "tri M")
    dt = dtype_arg(arg(args, kwargs, 3, "dtype")) or "float64"
    ctx.charge("tri", max(n * m, 1), dt, ctx.span if dt == "float64" else None)
    return Array((n, m), dt, dtype_origin=ctx.span if dt == "float64" else None)


@handler("diagflat")
def _diagflat(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    if len(args) > 1 or kwargs:
        raise OpError("diagflat with k= is not modelled")
    ctx.charge("diagflat", x.size, x.dtype, x.dtype_origin)
    return Array((x.size, x.size), x.dtype, ((0, 1),), dtype_origin=x.dtype_origin)


@handler("logspace", "geomspace")
def _logspace(ctx, args, kwargs, op=None):
    num = known_int(arg(args, kwargs, 2, "num", Known(50)), f"{op} num")
    extra = set(kwargs) - {"num", "dtype"}
    if extra or len(args) > 3:
        raise OpError(f"{op} with {sorted(extra) or 'extra arguments'} is not modelled")
    dt = dtype_arg(kwargs.get("dtype")) or "float64"
    origin = ctx.span if "dtype" not in kwargs else None
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


@handler("atleast_1d", "atleast_2d", "atleast_3d")
def _atleast(ctx, args, kwargs, op=None):
    if len(args) != 1:
        raise OpError(f"{op} of several arrays is not modelled")
    x = to_array(ctx, args[0])
    want = int(op[-2])
    shape = x.shape
    if len(shape) < want:
        if want == 1:
            shape = (1,)
        elif want == 2:
            shape = (1,) * (2 - len(shape)) + shape
        else:
            shape = {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[len(shape)]
    ctx.charge(op, 0, None)
    return x.with_(shape=shape, sym=x.sym if shape == x.shape else None)


@handler("pad", "roll")
def _pad_roll(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if x.sym:
        raise OpError(f"{op} of a symmetric tensor is not modelled")
    if op == "roll":
        if set(kwargs) - {"axis"} or len(args) > 3:
            raise OpError("roll with extra arguments is not modelled")
        shape = x.shape
    else:
        if kwargs or len(args) != 2:
            raise OpError("pad with a mode or constant values is not modelled")
        width = arg(args, kwargs, 1, "pad_width")
        if not (isinstance(width, Known) and isinstance(width.value, int)):
            raise OpError("pad widths other than one int are not modelled")
        shape = tuple(s + 2 * width.value for s in x.shape)
    n = 1
    for d in shape:
        n *= d
    ctx.charge(op, max(n, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


def _ceil_log2(n: int) -> int:
    return max(n - 1, 0).bit_length()


@handler("unique")
def _unique(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    if len(args) > 1 or kwargs:
        raise OpError("unique with return_* or axis= is not modelled")
    n = x.size
    ctx.charge("unique", max(n * _ceil_log2(n), 1), x.dtype, x.dtype_origin)
    count = ctx.choose_size(min(n, 1), n, "unique: the number of distinct values depends on values")
    return Array((count,), x.dtype, dtype_origin=x.dtype_origin)


@handler("searchsorted")
def _searchsorted(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    v = to_array(ctx, args[1])
    if a.ndim != 1 or set(kwargs) - {"side"}:
        raise OpError("searchsorted with sorter= or a non-vector haystack is not modelled")
    m = max(v.size, 1)
    ctx.charge("searchsorted", max(m * _ceil_log2(a.size), 1), a.dtype, a.dtype_origin)
    return Array(v.shape, "int64") if v.ndim else NumpyScalar("int64")


@handler("interp")
def _interp(ctx, args, kwargs):
    """np.interp: ``3n + n ceil(log2(len(xp)))`` for n queries, billed at float64 (the search
    and blend run in float64) or fp's dtype if heavier; the result is float64 for real fp."""
    if len(args) < 3 or set(kwargs) - {"left", "right"}:
        raise OpError("interp with period= or missing arguments is not modelled")
    x, xp, fp = (to_array(ctx, a) for a in args[:3])
    if fp.dtype.startswith("complex"):
        raise OpError("interp of complex fp values is not modelled")
    n = max(x.size, 1)
    ctx.charge("interp", max(3 * n + n * _ceil_log2(max(xp.size, 1)), 1), "float64")
    return Array(x.shape, "float64") if x.ndim else NumpyScalar("float64")


@handler("cov", "corrcoef")
def _cov(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if len(args) > 1 or kwargs or x.ndim != 2:
        raise OpError(f"{op} with y=, keyword arguments or a non-matrix input is not modelled")
    f, s = x.shape
    base = 2 * f * f * s + 2 * f * s
    if op == "corrcoef":
        base += 2 * f * f + f
    dt = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype="float64"))
    ctx.charge(op, base, dt, ctx.span if dt == "float64" else None)
    return Array((f, f), dt, dtype_origin=ctx.span if dt == "float64" else None)


@handler("isclose")
def _isclose(ctx, args, kwargs):
    if set(kwargs) - {"rtol", "atol", "equal_nan"}:
        raise OpError("isclose with extra arguments is not modelled")
    values = [args[0], args[1]] + [kwargs[k] for k in ("rtol", "atol") if k in kwargs]
    out_shape = broadcast(*(shape_of(v) for v in values))
    sym = _sym_of_pointwise(values, out_shape)
    billed = dtypes.result_type(*(operand(v) for v in values))
    origin = origin_of(values, billed)
    ctx.charge("isclose", 6 * max(pricing.unique_count(out_shape, sym), 1), billed, origin)
    if out_shape == () and not any(isinstance(v, Array) for v in values[:2]):
        return Unknown("bool", ctx.span, "isclose of scalars is a Python bool read from values")
    return Array(out_shape, "bool", sym)


# ----------------------------------------------------------------- fft

#: 1-D transforms: cost kind, and how the transformed axis's output length follows from n.
_FFT_1D = {
    "fft": ("fft", lambda n: n), "ifft": ("fft", lambda n: n),
    "rfft": ("rfft", lambda n: n // 2 + 1), "irfft": ("rfft", lambda n: n),
    "hfft": ("hfft", lambda n: n), "ihfft": ("hfft", lambda n: n // 2 + 1),
}
#: N-D transforms: staged cascade kind (c2c, r2c, c2r), default axes.
_FFT_ND = {
    "fft2": ("c2c", (-2, -1)), "ifft2": ("c2c", (-2, -1)), "rfft2": ("r2c", (-2, -1)),
    "irfft2": ("c2r", (-2, -1)), "fftn": ("c2c", None), "ifftn": ("c2c", None),
    "rfftn": ("r2c", None), "irfftn": ("c2r", None),
}


def _none(v: Optional[Value]) -> bool:
    return v is None or (isinstance(v, Known) and v.value is None)


def _optional_ints(v: Value, what: str) -> tuple:
    """A sequence of ints or Nones (fft ``s=``), known statically."""
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)):
        items = [Known(x) for x in v.value]
    elif isinstance(v, (TupleVal, ListVal)):
        items = list(v.items)
    else:
        raise OpError(f"{what} is not known statically")
    return tuple(None if _none(x) else known_int(x, what) for x in items)


def _fft_input(ctx, op: str, v: Value, kwargs) -> Array:
    if "out" in kwargs and not _none(kwargs["out"]):
        raise OpError(f"fnp.{op}(..., out=) is not modelled")
    x = to_array(ctx, v)
    if x.ndim == 0:
        raise OpError(f"fnp.{op} of a 0-d array raises in numpy")
    return x


@handler(*(f"fft.{name}" for name in _FFT_1D))
def _fft_1d(ctx, args, kwargs, op=None):
    name = op[len("fft."):]
    kind, out_len = _FFT_1D[name]
    x = _fft_input(ctx, op, args[0], kwargs)
    axis = known_int(arg(args, kwargs, 2, "axis", Known(-1)), "axis")
    if not -x.ndim <= axis < x.ndim:
        raise OpError(f"{op}: axis {axis} is out of range (numpy raises)")
    axis %= x.ndim
    n_v = arg(args, kwargs, 1, "n")
    m = x.shape[axis]
    if _none(n_v):
        n = 2 * (m - 1) if name in ("irfft", "hfft") else m
    else:
        n = known_int(n_v, "n")
    if n < 1:
        raise OpError(f"{op} with a transform length below 1 raises in numpy")
    base = pricing.fft_base(kind, x.shape, (n,), (axis,))
    billed = pricing.fft_billing_dtype(x.dtype)
    ctx.charge(op, base, billed)
    shape = tuple(out_len(n) if i == axis else s for i, s in enumerate(x.shape))
    return Array(shape, dtypes.fft_result(name, x.dtype))


@handler(*(f"fft.{name}" for name in _FFT_ND))
def _fft_nd(ctx, args, kwargs, op=None):
    name = op[len("fft."):]
    kind, default_axes = _FFT_ND[name]
    x = _fft_input(ctx, op, args[0], kwargs)
    s_v = arg(args, kwargs, 1, "s")
    axes_v = arg(args, kwargs, 2, "axes", Known(default_axes))
    s = None if _none(s_v) else _optional_ints(s_v, "s")
    if _none(axes_v):
        eff = tuple(range(x.ndim)) if s is None else tuple(range(x.ndim - len(s), x.ndim))
    else:
        eff = known_shape(axes_v, "axes")
    if any(not -x.ndim <= a < x.ndim for a in eff) or not eff:
        raise OpError(f"{op}: axes {eff} are out of range or empty (numpy raises)")
    if s is not None and len(s) != len(eff):
        raise OpError(f"{op}: s and axes differ in length (numpy raises)")
    axes_nn = tuple(a % x.ndim for a in eff)
    if len(set(axes_nn)) != len(axes_nn):
        raise OpError(f"{op} with a repeated axis is not modelled")
    last = len(eff) - 1
    if s is None:
        lengths = tuple(2 * (x.shape[a] - 1) if kind == "c2r" and i == last else x.shape[a]
                        for i, a in enumerate(axes_nn))
    elif kind == "c2r":
        lengths = tuple(sv if sv is not None and sv >= 0 else
                        (2 * (x.shape[a] - 1) if sv is None and i == last else x.shape[a])
                        for i, (sv, a) in enumerate(zip(s, axes_nn)))
    else:
        lengths = tuple(x.shape[a] if sv is None or sv < 0 else sv for sv, a in zip(s, axes_nn))
    if any(n < 1 for n in lengths):
        raise OpError(f"{op} with a transform length below 1 raises in numpy")
    base = pricing.fft_base(kind, x.shape, lengths, axes_nn)
    ctx.charge(op, base, pricing.fft_billing_dtype(x.dtype))
    shape = list(x.shape)
    for i, (a, n) in enumerate(zip(axes_nn, lengths)):
        shape[a] = n // 2 + 1 if kind == "r2c" and i == last else n
    return Array(tuple(shape), dtypes.fft_result(name, x.dtype))


@handler("fft.fftfreq", "fft.rfftfreq")
def _fftfreq(ctx, args, kwargs, op=None):
    n = known_int(arg(args, kwargs, 0, "n"), "n")
    if n < 1:
        raise OpError(f"{op} with n < 1 divides by zero in numpy")
    length = n if op == "fft.fftfreq" else n // 2 + 1
    ctx.charge(op, max(length, 1), "float64", ctx.span)
    return Array((length,), "float64", dtype_origin=ctx.span)


@handler("fft.fftshift", "fft.ifftshift")
def _fftshift(ctx, args, kwargs, op=None):
    x = to_array(ctx, arg(args, kwargs, 0, "x"))
    if x.ndim == 0:
        raise OpError(f"{op} of a 0-d array raises in numpy")
    ctx.charge(op, max(x.size, 1), x.dtype, x.dtype_origin)
    return Array(x.shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("real", "imag")
def _real_imag(ctx, args, kwargs, op=None):
    x = to_array(ctx, arg(args, kwargs, 0, "val"))
    if x.sym:
        raise OpError(f"fnp.{op} of a symmetric array is not modelled")
    ctx.charge(op, 0, None)
    dt = dtypes.real_part(x.dtype)
    return Array(x.shape, dt, dtype_origin=x.dtype_origin if dt == x.dtype else None)


# ----------------------------------------------------------------- percentile / quantile

_QUANTILE_RANGE = {"percentile": 100, "nanpercentile": 100, "quantile": 1, "nanquantile": 1}


def _q_operand(q: Value) -> tuple[tuple[int, ...], Operand, Optional[list]]:
    """(q's shape, its billing operand, its known values or None) — numpy coerces q with asarray."""
    if isinstance(q, Known) and isinstance(q.value, (int, float)) and not isinstance(q.value, bool):
        return (), operand(q), [q.value]
    if isinstance(q, Known) and isinstance(q.value, (tuple, list)):
        import numpy as np

        arr = np.asarray(q.value)
        if arr.dtype.kind not in "iuf":
            raise OpError("q is not numeric")
        return arr.shape, Operand(dtype=arr.dtype.name), list(arr.ravel())
    if isinstance(q, (ListVal, TupleVal)) and all(isinstance(x, Known) for x in q.items):
        return _q_operand(Known([x.value for x in q.items]))
    if isinstance(q, (Array, NumpyScalar)):
        return (q.shape if isinstance(q, Array) else ()), Operand(dtype=q.dtype), None
    raise OpError("q is not known statically")


@handler("percentile", "quantile", "nanpercentile", "nanquantile")
def _quantile(ctx, args, kwargs, op=None):
    x = to_array(ctx, arg(args, kwargs, 0, "a"))
    q_shape, q_op, q_values = _q_operand(arg(args, kwargs, 1, "q"))
    if set(kwargs) - {"axis", "keepdims", "method", "q", "a"} or len(args) > 3:
        raise OpError(f"{op} with out=, weights= or overwrite_input= is not modelled")
    hi = _QUANTILE_RANGE[op]
    if q_values is not None and q_values and not (min(q_values) >= 0 and max(q_values) <= hi):
        raise OpError(f"{op}: q outside [0, {hi}] raises ValueError")
    if q_values is None and isinstance(arg(args, kwargs, 1, "q"), Array) and x.size == 0:
        raise OpError(f"{op} of an empty array is not modelled")
    axis_v = arg(args, kwargs, 2, "axis")
    axes = _axes(axis_v, x.ndim)
    keepdims = arg(args, kwargs, None, "keepdims", Known(False))
    keep = isinstance(keepdims, Known) and bool(keepdims.value)
    if not isinstance(keepdims, Known):
        raise OpError("keepdims= is not known statically")
    axis_dim = 1
    for i in axes:
        axis_dim *= x.shape[i]
    if x.size == 0:
        raise OpError(f"{op} of an empty array is not modelled")
    k = 1
    for d in q_shape:
        k *= d
    _, m, out_sym = pricing.reduction(x.shape, axes, x.sym, keepdims=keep)
    base = m * pricing.quantile_per_output(axis_dim, max(k, 1))
    if op.startswith("nan"):
        base += max(x.unique_elements(), 1)  # flopscope's extra isnan pass
    a_dtype = x.dtype if op.endswith("quantile") else dtypes.reduction_accumulator("mean", x.dtype)
    billed = dtypes.result_type(Operand(dtype=a_dtype), q_op)
    origin = origin_of([x], billed)
    ctx.charge(op, base, billed, origin)
    red_shape = tuple(1 if i in axes else s for i, s in enumerate(x.shape)) if keep else tuple(
        s for i, s in enumerate(x.shape) if i not in axes)
    if out_sym is not None and len(red_shape) != x.ndim - (0 if keep else len(axes)):
        out_sym = None
    if out_sym and q_shape:
        out_sym = tuple(tuple(a + len(q_shape) for a in g) for g in out_sym)
    out_dtype = dtypes.quantile_result(op, x.dtype, q_op)
    shape = tuple(q_shape) + red_shape
    if shape == ():
        return Array((), out_dtype, dtype_origin=origin if out_dtype == billed else None)
    return Array(shape, out_dtype, out_sym, dtype_origin=origin if out_dtype == billed else None)


@handler("nanmedian")
def _nanmedian(ctx, args, kwargs):
    x = to_array(ctx, arg(args, kwargs, 0, "a"))
    if set(kwargs) - {"axis", "keepdims"} or len(args) > 2:
        raise OpError("nanmedian with out= or overwrite_input= is not modelled")
    axes = _axes(arg(args, kwargs, 1, "axis"), x.ndim)
    keepdims = arg(args, kwargs, None, "keepdims", Known(False))
    if not isinstance(keepdims, Known):
        raise OpError("keepdims= is not known statically")
    keep = bool(keepdims.value)
    if x.size == 0:
        raise OpError("nanmedian of an empty array is not modelled")
    dim = 1
    for i in axes:
        dim *= x.shape[i]
    _, m, out_sym = pricing.reduction(x.shape, axes, x.sym, keepdims=keep)
    base = m * (dim if x.shape else 1) + max(x.unique_elements(), 1)
    billed = dtypes.reduction_accumulator("mean", x.dtype)
    origin = origin_of([x], billed)
    ctx.charge("nanmedian", base, billed, origin)
    shape = tuple(1 if i in axes else s for i, s in enumerate(x.shape)) if keep else tuple(
        s for i, s in enumerate(x.shape) if i not in axes)
    if out_sym is not None and len(shape) != x.ndim - (0 if keep else len(axes)):
        out_sym = None
    return Array(shape, billed, out_sym, dtype_origin=origin)


# ----------------------------------------------------------------- allclose / array_equal


@handler("allclose")
def _allclose(ctx, args, kwargs):
    if len(args) > 2:
        raise OpError("flopscope's allclose takes tolerances as keywords only: positional ones raise TypeError")
    if set(kwargs) - {"rtol", "atol", "equal_nan"}:
        raise OpError("allclose with extra arguments is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    tols = [kwargs[k] for k in ("rtol", "atol") if k in kwargs]
    shape = broadcast(a.shape, b.shape, *(shape_of(t) for t in tols))
    n = 1
    for s in shape:
        n *= s
    resolved = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype), *(operand(t) for t in tols))
    billed = dtypes.integer_to_float64_min(resolved)
    ctx.charge("allclose", max(7 * n - 1, 1), billed, origin_of([a, b] + tols, billed))
    return Unknown("bool", ctx.span, "allclose returns a Python bool read from array values")


@handler("array_equal", "array_equiv")
def _array_equal(ctx, args, kwargs, op=None):
    if (set(kwargs) - {"equal_nan"} if op == "array_equal" else kwargs) or len(args) > 2:
        raise OpError(f"{op} with extra arguments is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    n = max(a.size, b.size, 1)
    if op == "array_equiv":
        try:
            shape = broadcast(a.shape, b.shape)
            n = 1
            for s in shape:
                n *= s
            n = max(n, 1)
        except OpError:
            pass
    billed = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    ctx.charge(op, n, billed, origin_of([a, b], billed))
    return Unknown("bool", ctx.span, f"{op} returns a Python bool read from array values")
