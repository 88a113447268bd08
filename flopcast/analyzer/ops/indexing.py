"""Indexing routines: take, take_along_axis, put_along_axis (subscripts ``x[i]`` are analyzer/indexing.py).

flopscope charges numel of the output for take and take_along_axis (weight 4) and the
elements scattered for put_along_axis, at the array's dtype.
"""

from __future__ import annotations

from flopcast.analyzer.ops.operands import arg, axis_index, broadcast, known_int, to_array
from flopcast.analyzer.ops.registry import OpError, handler
from flopcast.analyzer.values import Array, Known


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
