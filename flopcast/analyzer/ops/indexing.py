"""Indexing routines: take, take_along_axis, put_along_axis (subscripts ``x[i]`` are analyzer/indexing.py).

flopscope charges numel of the output for take and take_along_axis (weight 4) and the
elements scattered for put_along_axis, at the array's dtype.
"""

from __future__ import annotations

import math

from flopcast.analyzer import const_masks, dtypes
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import (
    _sequence,
    arg,
    axis_index,
    broadcast,
    index_out_of_bounds,
    known_int,
    known_shape,
    non_array_type,
    numel,
    operand,
    origin_of,
    refused_first,
    shape_of,
    to_array,
)
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, hold_ends, holds_ends, mark_counted


def _check_bounds(idx: Array, extent: int, axis: int) -> None:
    """numpy's IndexError for an index array holding a value known to lie out of the axis."""
    bad = index_out_of_bounds(idx, extent)
    if bad is not None:
        raise OpRaises("IndexError", f"index {bad} is out of bounds for axis {axis} with size {extent}")


def _integer_indices(idx: Array) -> None:
    """numpy's take_along_axis/put_along_axis take integer index arrays only: any other dtype
    (bool and float included, a list of floats too) is its IndexError."""
    if not idx.dtype.startswith(("int", "uint")):
        raise OpRaises("IndexError", "`indices` must be an integer array")


@handler("take")
def _take(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    idx = to_array(ctx, args[1])
    if isinstance(args[1], Array) and args[1].dtype.startswith(("float", "complex")):
        # numpy casts an index array to intp under 'same_kind' (a list of floats is converted
        # elementwise and passes); a float or complex array is its TypeError, before any charge
        raise OpRaises("TypeError", f"Cannot cast array data from dtype('{args[1].dtype}') to dtype('int64') "
                                    "according to the rule 'same_kind'")
    axis = arg(args, kwargs, 2, "axis")
    if axis is None or (isinstance(axis, Known) and axis.value is None):
        shape, extent, ax = idx.shape, x.size, 0
    else:
        ax = axis_index(known_int(axis, "axis"), x.ndim)
        shape, extent = x.shape[:ax] + idx.shape + x.shape[ax + 1:], x.shape[ax]
    mode = arg(args, kwargs, 4, "mode", Known("raise"))
    out = arg(args, kwargs, 3, "out")
    if not (isinstance(mode, Known) and mode.value in ("raise", "wrap", "clip", None)) or \
            out is not None and not (isinstance(out, Known) and out.value is None):
        # numpy refuses a mode it cannot read (`mode="c"`, `mode=3`: ValueError) and an out= that
        # is no array before flopscope's charge: asked of flopscope; an array out= is not modelled
        raise refused_first("take", args, kwargs) or OpError("take with this mode= or out= is not modelled")
    if isinstance(mode, Known) and mode.value == "raise":
        for i in _known_indices(args[1]):
            # numpy's bounds check comes before flopscope's charge (measured: nothing charged)
            if not -extent <= i < extent:
                raise OpRaises("IndexError", f"index {i} is out of bounds for axis {ax} with size {extent}")
        _check_bounds(idx, extent, ax)
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
    _integer_indices(idx)
    if isinstance(axis, Known) and axis.value is None:
        if idx.ndim != 1:
            raise OpError("take_along_axis(axis=None) needs 1-d indices")
        shape = idx.shape
    else:
        ax = axis_index(known_int(axis, "axis"), x.ndim)
        if idx.ndim != x.ndim:
            raise OpRaises("ValueError", "`indices` and `arr` must have the same number of dimensions")
        other = broadcast(tuple(1 if i == ax else s for i, s in enumerate(x.shape)),
                          tuple(1 if i == ax else s for i, s in enumerate(idx.shape)))
        shape = tuple(idx.shape[ax] if i == ax else s for i, s in enumerate(other))
    # numpy's bounds check of the indices, before flopscope's charge (measured: nothing charged)
    _check_bounds(idx, x.size if isinstance(axis, Known) and axis.value is None else x.shape[ax],
                  0 if isinstance(axis, Known) and axis.value is None else ax)
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
    _integer_indices(idx)  # flopscope bills before numpy checks
    if isinstance(axis, Known) and axis.value is None:
        _check_bounds(idx, x.size, 0)
    else:
        _check_bounds(idx, x.shape[ax], ax)
    ctx.write_in_place(x)
    return Known(None)


def _selected(ctx, op: str, cond: Array) -> int:
    """How many of ``cond``'s elements are nonzero: known for a constant mask (its elements
    known: a plain ndarray's, an npz member's, or counted by const_masks.py), else a size site
    shared with every other selection by the same mask on the path."""
    if cond.value is not None and cond.shape:
        return int(cond.value.astype(bool).sum())
    return ctx.choose_size(0, cond.size, f"{op}: the number of selected elements depends on values",
                           nonzero_of=cond)


@handler("compress")
def _compress(ctx, args, kwargs):
    """``compress(condition, a, axis=None)``: len(condition) + 4·numel(out) at a's dtype; the
    kept count is the condition's nonzero count (a size site)."""
    if len(args) > 3 or set(kwargs) - {"axis"}:
        raise OpError("compress with out= or these arguments is not modelled")
    cond = to_array(ctx, args[0])
    x = to_array(ctx, args[1])
    axis_v = arg(args, kwargs, 2, "axis", Known(None))
    flat = isinstance(axis_v, Known) and axis_v.value is None
    ax = 0 if flat else axis_index(known_int(axis_v, "compress axis"), x.ndim)
    extent = x.size if flat else x.shape[ax]
    if cond.ndim != 1 or cond.shape[0] != extent:
        raise OpError("compress with a condition that is not as long as the axis is not modelled")
    count = _selected(ctx, "compress", cond)
    shape = (count,) if flat else x.shape[:ax] + (count,) + x.shape[ax + 1:]
    out = mark_counted(ctx, Array(shape, x.dtype, dtype_origin=x.dtype_origin), ax)
    ctx.charge("compress", cond.size + 4 * numel(shape), x.dtype, x.dtype_origin)
    return out


@handler("extract")
def _extract(ctx, args, kwargs):
    """``extract(condition, arr)``: numel(arr) at arr's dtype; as long as the condition's
    nonzero count (a size site)."""
    if len(args) != 2 or kwargs:
        raise OpError("extract with these arguments is not modelled")
    cond = to_array(ctx, args[0])
    x = to_array(ctx, args[1])
    if cond.shape != x.shape:
        raise OpError("extract with a condition of another shape is not modelled")
    ctx.charge("extract", x.size, x.dtype, x.dtype_origin)
    count = _selected(ctx, "extract", cond)
    return mark_counted(ctx, Array((count,), x.dtype, dtype_origin=x.dtype_origin), 0)


@handler("select")
def _select(ctx, args, kwargs):
    """``select(condlist, choicelist, default=0)``: numel(out) × len(condlist) at the promotion of
    every choice and the default (a Python number weakly)."""
    if len(args) > 3 or set(kwargs) - {"default"}:
        raise OpError("select with these arguments is not modelled")
    conds, choices = args[0], args[1]
    if not isinstance(conds, (ListVal, TupleVal)) or not isinstance(choices, (ListVal, TupleVal)):
        raise OpError("select's lists are not known sequences")
    if len(conds.items) != len(choices.items) or not conds.items:
        raise OpError("select with lists of different or no length (numpy raises)")
    default = arg(args, kwargs, 2, "default", Known(0))
    cond_arrays = [to_array(ctx, c) for c in conds.items]
    if any(c.dtype != "bool" for c in cond_arrays):
        raise OpError("select with conditions that are not bool arrays (numpy raises TypeError)")
    choice_arrays = [to_array(ctx, c) for c in choices.items]
    shape = broadcast(*(a.shape for a in cond_arrays + choice_arrays), shape_of(default))
    parts = [Operand(dtype=d) for d in dict.fromkeys(a.dtype for a in choice_arrays)] + [operand(default)]
    dt = dtypes.result_type(*parts)
    ctx.charge("select", numel(shape) * len(cond_arrays), dt, origin_of(choice_arrays, dt))
    return Array(shape, dt)


@handler("putmask", "place")
def _putmask(ctx, args, kwargs, op=None):
    """``putmask(a, mask, values)`` / ``place(arr, mask, vals)`` in place: numel(a) at a's dtype;
    returns None."""
    if len(args) != 3 or kwargs:
        raise OpError(f"{op} with these arguments is not modelled")
    x = args[0]
    if not isinstance(x, Array):
        raise OpError(f"{op} into something other than an array is not modelled")
    mask = to_array(ctx, args[1])
    if mask.size != x.size:
        raise OpError(f"{op} with a mask of another size is not modelled")
    to_array(ctx, args[2])
    ctx.charge(op, x.size, x.dtype, x.dtype_origin)
    ctx.write_in_place(x)
    return Known(None)


@handler("copyto")
def _copyto(ctx, args, kwargs):
    """``copyto(dst, src)`` in place: numel(dst) at the promotion of src's and dst's dtypes;
    returns None. With a ``where=`` mask flopscope charges the elements written: the mask's
    nonzero count (a size site) times how often broadcasting to dst repeats each element."""
    if len(args) != 2 or set(kwargs) - {"casting", "where"}:
        raise OpError("copyto with these arguments is not modelled")
    dst = args[0]
    if not isinstance(dst, Array):
        wrong = non_array_type(dst)
        if wrong is not None:
            raise OpRaises("TypeError", f"copyto() argument 1 must be a numpy.ndarray, not {wrong[1]}")
        raise OpError("copyto into something other than an array is not modelled")
    src = to_array(ctx, args[1])
    broadcast(src.shape, dst.shape)
    if len(broadcast(src.shape, dst.shape)) > dst.ndim or broadcast(src.shape, dst.shape) != dst.shape:
        raise OpRaises("ValueError", f"could not broadcast input array from shape {src.shape} into shape {dst.shape}")
    dt = dtypes.result_type(Operand(dtype=src.dtype), Operand(dtype=dst.dtype))
    written = dst.size if _unmasked(kwargs.get("where")) else _masked_writes(ctx, kwargs["where"], dst)
    ctx.charge("copyto", written, dt, origin_of([src, dst], dt))
    ctx.write_in_place(dst)
    return Known(None)


def _unmasked(where) -> bool:
    return where is None or (isinstance(where, Known) and where.value is True)


def _masked_writes(ctx, where, dst: Array) -> int:
    """The elements ``copyto(dst, src, where=mask)`` writes: each nonzero of the bool mask once
    per copy broadcasting to dst's shape makes of it (``where=False`` writes nothing)."""
    if isinstance(where, Known) and where.value is False:
        return 0
    mask = to_array(ctx, where)
    listed = const_masks.known_count(where)
    if listed is not None and mask.dtype == "bool" and mask.ndim == 1:
        mask.true_count = listed  # a list of known bools: its True items, known without a site
    if mask.dtype != "bool":
        raise OpError("copyto with a where= mask that is not a bool array is not modelled (numpy casts it safely or raises)")
    if broadcast(mask.shape, dst.shape) != dst.shape:
        raise OpError("copyto with a where= mask that does not broadcast to the destination is not modelled")
    repeats = dst.size // mask.size if mask.size else 0
    return _selected(ctx, "copyto", mask) * repeats


def _known_int_list(a) -> tuple:
    """The ints of a flat list or tuple of known Python ints (not bools); () otherwise."""
    items = a.value if isinstance(a, Known) and isinstance(a.value, (list, tuple)) else \
        [v.value if isinstance(v, Known) else None for v in a.items] if isinstance(a, (ListVal, TupleVal)) else ()
    return tuple(items) if items and all(type(v) is int for v in items) else ()


@handler("ix_")
def _ix(ctx, args, kwargs):
    """``ix_(*seqs)``: an open mesh, one index array per sequence shaped to broadcast against the
    others; sum of their lengths plus numel of each boolean sequence (its nonzero scan, a size
    site), at the promotion of the index dtypes."""
    if kwargs or not args:
        raise OpError("ix_ with these arguments is not modelled")
    k = len(args)
    meshes, scan, out_dtypes = [], 0, []
    for i, a in enumerate(args):
        x = to_array(ctx, a)
        if x.ndim != 1:
            raise OpError("ix_ of a sequence that is not one-dimensional (numpy raises)")
        if x.dtype == "bool":
            scan += x.size
            n = _selected(ctx, "ix_", x)
            dt, vrange = "int64", (0, max(x.size - 1, 0))
        elif x.dtype.startswith(("int", "uint")):
            n, dt, vrange = x.shape[0], x.dtype, x.vrange
            held = holds_ends(x)
            known = _known_int_list(a)
            if known:  # a list of known ints: its least and greatest are values of the mesh
                vrange, held = (min(known), max(known)), True
        else:
            raise OpError("ix_ of a sequence that is not of integers or booleans (numpy raises)")
        shape = (1,) * i + (n,) + (1,) * (k - i - 1)
        mesh = Array(shape, dt, vrange=vrange)
        if x.dtype != "bool" and held:
            hold_ends(mesh)
        meshes.append(mark_counted(ctx, mesh, i) if x.dtype == "bool" else mesh)
        out_dtypes.append(dt)
    dt = dtypes.result_type(*(Operand(dtype=d) for d in dict.fromkeys(out_dtypes)))
    ctx.charge("ix_", scan + sum(m.size for m in meshes), dt, None)
    return TupleVal(tuple(meshes))


@handler("unravel_index")
def _unravel_index(ctx, args, kwargs):
    """``unravel_index(indices, shape)``: one index array per axis of ``shape``, each of indices'
    shape; numel of them all (at least 1), dtype-neutral. A single index gives numpy scalars."""
    if len(args) != 2 or kwargs:
        raise OpError("unravel_index with order= or these arguments is not modelled")
    dims = known_shape(args[1], "unravel_index shape", ctx)
    idx = args[0]
    if isinstance(idx, Array):
        if not (idx.dtype.startswith(("int", "uint"))):
            raise OpError("unravel_index of indices that are not integers (numpy raises)")
        ctx.charge("unravel_index", max(len(dims) * idx.size, 1), None)
        if not idx.shape:
            return TupleVal(tuple(NumpyScalar("int64") for _ in dims))
        return TupleVal(tuple(Array(idx.shape, "int64", vrange=(0, max(n - 1, 0))) for n in dims))
    if isinstance(idx, NumpyScalar) and idx.dtype.startswith(("int", "uint")) or \
            isinstance(idx, Known) and isinstance(idx.value, int) and not isinstance(idx.value, bool):
        size = math.prod(dims)
        if isinstance(idx, Known) and not 0 <= idx.value < size:
            # numpy's bounds check, before flopscope's charge (measured: nothing charged)
            raise OpRaises("ValueError", f"index {idx.value} is out of bounds for array with size {size}")
        ctx.charge("unravel_index", max(len(dims), 1), None)
        return TupleVal(tuple(NumpyScalar("int64") for _ in dims))
    raise OpError("unravel_index of indices that are not known integers or integer arrays")


@handler("choose")
def _choose(ctx, args, kwargs):
    """``choose(a, choices, mode='raise')``: numel of the broadcast output at the promotion of
    the choices. As for take, the indices are presumed in range."""
    if len(args) != 2 or set(kwargs) - {"mode"}:
        raise OpError("choose with out= or these arguments is not modelled")
    idx = to_array(ctx, args[0])
    if dtypes.kind(idx.dtype) not in "iu":
        raise OpError("choose with indices that are not integers is not modelled")
    choices = _sequence(args[1])
    if not choices:
        raise OpError("choose from no choices is not modelled")
    shape = broadcast(idx.shape, *(shape_of(c) for c in choices))
    dt = dtypes.result_type(*(operand(c) for c in choices))
    ctx.charge("choose", numel(shape), dt, origin_of(choices, dt))
    return Array(shape, dt)


@handler("put")
def _put(ctx, args, kwargs):
    """``put(a, ind, v, mode='raise')`` in place: numel(ind) at a's dtype, no floor; returns None.
    Indices given as known numbers are checked (IndexError); others are presumed in range."""
    if not 3 <= len(args) <= 4 or set(kwargs) - {"mode"} or len(args) == 4 and "mode" in kwargs:
        raise OpError("put with these arguments is not modelled")
    x = args[0]
    if not isinstance(x, Array):
        raise OpError("put into something other than a flopscope array is not modelled")
    mode = arg(args, kwargs, 3, "mode", Known("raise"))
    if not (isinstance(mode, Known) and mode.value in ("raise", "wrap", "clip")):
        raise OpError("put mode= is not a known mode")
    ind = to_array(ctx, args[1])
    to_array(ctx, args[2])
    ctx.charge("put", ind.size, x.dtype, x.dtype_origin)
    if mode.value == "raise":
        for i in _known_indices(args[1]):
            # flopscope charges, then numpy checks (measured: the charge stands)
            if not -x.size <= i < x.size:
                raise OpRaises("IndexError", f"index {i} is out of bounds for axis 0 with size {x.size}")
    ctx.write_in_place(x)
    return Known(None)


def _known_indices(v) -> tuple:
    """The indices a known int or a list of known ints holds; () when they are not all known."""
    try:
        return known_shape(v, "indices")
    except OpError:
        return ()
