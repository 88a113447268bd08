"""Indexing and slicing of abstract arrays, as flopscope prices it.

Basic indexing (ints, slices, None, Ellipsis) is a free view with no record; a
symmetry tag survives only full slices and added axes. Advanced indexing with an
integer array is ``getitem`` at 4 x numel(out); a boolean mask selects a number of
elements that depends on values (a size decision for the path explorer).
"""

from __future__ import annotations

from flopcast.analyzer.ops import OpError, to_array
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value


def _parts(key: Value) -> list:
    if isinstance(key, Known) and isinstance(key.value, tuple):
        return [Known(x) for x in key.value]
    if isinstance(key, TupleVal):
        return list(key.items)
    return [key]


def index_array(ctx, x: Array, key: Value) -> Value:
    parts = _parts(key)
    if any(isinstance(p, (Array, ListVal)) for p in parts):
        return _advanced(ctx, x, parts)
    n_real = sum(1 for p in parts if not (isinstance(p, Known) and (p.value is None or p.value is Ellipsis)))
    if n_real > x.ndim:
        raise OpError(f"too many indices for an array of {x.ndim} dimensions")
    shape: list[int] = []
    axis = 0
    full_only = True
    added_axes: list[int] = []
    for p in parts:
        if isinstance(p, Known) and p.value is Ellipsis:
            keep = x.ndim - n_real
            shape.extend(x.shape[axis: axis + keep])
            axis += keep
            continue
        if isinstance(p, Known) and p.value is None:
            added_axes.append(len(shape))
            shape.append(1)
            continue
        if isinstance(p, Known) and isinstance(p.value, slice):
            length = len(range(*p.value.indices(x.shape[axis])))
            if length != x.shape[axis]:
                full_only = False
            shape.append(length)
            axis += 1
            continue
        if isinstance(p, Known) and isinstance(p.value, int) or isinstance(p, (NumpyScalar, Unknown)):
            if isinstance(p, Unknown) and p.kind not in ("int", ""):
                raise OpError("index depends on values and is not an integer")
            full_only = False
            axis += 1
            continue
        raise OpError(f"index {type(p).__name__} is not modelled")
    shape.extend(x.shape[axis:])
    out_shape = tuple(shape)
    if out_shape == () and x.ndim > 0:
        return NumpyScalar(x.dtype, x.dtype_origin)
    sym = None
    if x.sym and full_only:
        sym = tuple(tuple(a + sum(1 for b in added_axes if b <= a) for a in g) for g in x.sym)
    return Array(out_shape, x.dtype, sym, dtype_origin=x.dtype_origin)


def _advanced(ctx, x: Array, parts: list) -> Value:
    if len(parts) != 1:
        raise OpError("mixed advanced indexing is not modelled")
    idx = to_array(ctx, parts[0])
    if idx.dtype == "bool":
        if idx.shape != x.shape[: idx.ndim]:
            raise OpError("boolean mask shape does not match the array")
        count = ctx.choose_size(0, idx.size, "boolean mask: the number of selected elements depends on values")
        rest = x.shape[idx.ndim:]
        n_out = count
        for s in rest:
            n_out *= s
        ctx.charge("getitem", idx.size + 4 * n_out, x.dtype, x.dtype_origin)
        return Array((count,) + rest, x.dtype, dtype_origin=x.dtype_origin)
    out_shape = idx.shape + x.shape[1:]
    n = 1
    for s in out_shape:
        n *= s
    ctx.charge("getitem", 4 * n, x.dtype, x.dtype_origin)
    return Array(out_shape, x.dtype, dtype_origin=x.dtype_origin)
