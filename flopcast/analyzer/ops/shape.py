"""Shape ops: reshape, transpose, expand_dims, squeeze, stack/concatenate, diag, tril, tile.

flopscope charges N for reshape/ravel/copy (even for views), numel(out) for stacks and
tiles, the diagonal length for diag(v) and trace, and 0 for transposes, views and
squeeze/expand_dims (a 0 record); ``.T`` writes no record at all.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import (
    _sequence,
    arg,
    as_numpy_scalar,
    axis_index,
    broadcast,
    dtype_arg,
    known_int,
    known_shape,
    new_shape,
    numel,
    operand,
    origin_of,
    to_array,
)
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.ops.symmetry import _permute_sym, broadcast_sym, meet_sym
from flopcast.analyzer.values import Array, Known, ListVal, TupleVal, Value, counted_extent


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
        shape = _reshaped(x, shape)
    ctx.charge(op, max(x.size, 1), x.dtype, x.dtype_origin)
    from flopcast.analyzer.ops.creation import check_order

    if op == "ravel":
        if len(args) > 2 or set(kwargs) - {"order"}:
            raise OpError("ravel with extra arguments is not modelled")
        check_order("ravel", arg(args, kwargs, 1, "order"))  # numpy reads it after flopscope's charge
    else:
        # reshape's order= is read by numpy after the charge too (it was not read: `w.reshape(
        # (-1,), order="Z")` was claimed to go through); copy= and other keywords are not modelled
        if set(kwargs) - {"order", "shape", "newshape"}:
            raise OpError("reshape with these keywords is not modelled")
        check_order("reshape", kwargs.get("order"))
    # the same values in another shape: bounds of an integer array's values carry over
    return x.with_(shape=shape, sym=x.sym if shape == x.shape else None, vrange=x.vrange)


def _reshaped(x: Array, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The target shape with its -1 filled in; numpy's ValueError when ``x`` does not fit it."""
    if shape.count(-1) > 1:
        raise OpRaises("ValueError", "can only specify one unknown dimension")
    if any(s < -1 for s in shape):
        raise OpRaises("ValueError", "negative dimensions not allowed")  # numpy's wording here
    rest = 1
    for s in shape:
        if s != -1:
            rest *= s
    if -1 in shape and rest and x.size % rest == 0:
        shape = tuple(x.size // rest if s == -1 else s for s in shape)
    elif -1 in shape or rest != x.size:
        shown = "(" + ",".join(str(s) for s in shape if s != -1) + ")"  # numpy drops the -1
        if -1 not in shape:
            shown = "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
        raise OpRaises("ValueError", f"cannot reshape array of size {x.size} into shape {shown}")
    return shape


@handler("transpose", "permute_dims", "matrix_transpose", "linalg.matrix_transpose")
def _transpose(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    axes = arg(args, kwargs, 1, "axes")
    if op in ("matrix_transpose", "linalg.matrix_transpose"):
        perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    elif axes is None or (isinstance(axes, Known) and axes.value is None):
        perm = tuple(reversed(range(x.ndim)))
    else:
        perm = known_shape(axes, "axes")
    if op == "transpose":  # permute_dims and matrix_transpose leave no record in flopscope
        ctx.charge(op, 0, x.dtype)
    perm = checked_perm(perm, x.ndim)  # (numpy refuses after flopscope's record)
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


def checked_perm(perm, ndim: int) -> tuple:
    """numpy's transpose axes, normalised: as many as the dimensions (ValueError), each in range
    (AxisError), none twice (ValueError)."""
    if len(perm) != ndim:
        raise OpRaises("ValueError", "axes don't match array")
    for p in perm:
        if not -ndim <= p < ndim:
            raise OpRaises("AxisError", f"axis {p} is out of bounds for array of dimension {ndim}")
    perm = tuple(p % ndim for p in perm)
    if len(set(perm)) != ndim:
        raise OpRaises("ValueError", "repeated axis in transpose")
    return perm


def transpose_attr(x: Array) -> Array:
    perm = tuple(reversed(range(x.ndim)))
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


@handler("expand_dims")
def _expand_dims(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    axis = arg(args, kwargs, 1, "axis")
    named = _axes_named(axis)
    ndim = x.ndim + len(named)
    new = {axis_index(known_int(a, "axis"), ndim) for a in named}
    if len(new) < len(named):
        raise OpRaises("ValueError", "repeated axis")
    kept = [i for i in range(ndim) if i not in new]  # where each axis of x goes
    shape = tuple(1 if i in new else x.shape[kept.index(i)] for i in range(ndim))
    ctx.charge("expand_dims", 0, x.dtype)
    sym = tuple(tuple(kept[a] for a in g) for g in x.sym) if x.sym else None
    return x.with_(shape=shape, sym=sym)


def _axes_named(axis: Value) -> list[Value]:
    """An ``axis=`` argument's axes: one, or each of a tuple or list."""
    if isinstance(axis, Known) and isinstance(axis.value, (tuple, list)):
        return [Known(a) for a in axis.value]
    return list(axis.items) if isinstance(axis, (TupleVal, ListVal)) else [axis]


def squeezed_axes(x: Array, axis: Optional[Value]) -> list[int]:
    """The axes ``squeeze(x, axis)`` drops: every length-1 axis, or the ones named, each of
    length 1 (else numpy's ValueError for the program)."""
    if axis is None or isinstance(axis, Known) and axis.value is None:
        return [i for i, s in enumerate(x.shape) if s == 1]
    named = _axes_named(axis)
    axes = sorted({axis_index(known_int(a, "squeeze's axis"), x.ndim) for a in named})
    if any(x.shape[a] != 1 for a in axes):
        raise OpRaises("ValueError", "cannot select an axis to squeeze out which has size not equal to one")
    return axes


@handler("squeeze")
def _squeeze(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    dropped = squeezed_axes(x, arg(args, kwargs, 1, "axis"))
    ctx.charge("squeeze", 0, x.dtype)
    return x.with_(shape=tuple(s for i, s in enumerate(x.shape) if i not in dropped), sym=None)


@handler("stack", "concatenate", "vstack", "hstack", "concat", "column_stack", "row_stack")
def _stack(ctx, args, kwargs, op=None):
    items = [to_array(ctx, v) for v in _sequence(arg(args, kwargs, 0, "arrays"))]
    if not items:
        if len(args) + len(kwargs) != 1:
            raise OpError(f"{op} of an empty sequence with more arguments is not modelled")
        # flopscope bills max(0 elements, 1) = 1 FLOP (no dtype) before numpy refuses the
        # empty join; concat (numpy 2's alias) refuses before its charge
        if op != "concat":
            ctx.charge({"row_stack": "vstack"}.get(op, op), 1, None, measured=True)
        raise OpRaises("ValueError", "need at least one array to stack" if op == "stack"
                       else "need at least one array to concatenate")
    axis_v = arg(args, kwargs, 1, "axis", Known(0))
    if not (isinstance(axis_v, Known) and (axis_v.value is None or type(axis_v.value) is int)):
        # (an axis read from data, or an array passed where the axis goes, was taken as None: flattened)
        raise OpError(f"{op} with an axis that is not a known int or None is not modelled")
    axis = axis_v.value
    # Promotion is a join: each dtype once gives numpy's answer for thousands of layers' arrays.
    dt = dtypes.result_type(*(Operand(dtype=d) for d in dict.fromkeys(a.dtype for a in items)))
    # dtype= sets the result's dtype; flopscope still bills the inputs' promotion (stack of
    # float32 rows with dtype=float64 bills float32). vstack/hstack/column_stack take no dtype=.
    explicit = dtype_arg(kwargs.get("dtype"))
    if explicit is not None and (op not in ("stack", "concatenate", "concat") or "casting" in kwargs
                                 or not dtypes.can_cast(dt, explicit, "same_kind")):
        raise OpError(f"{op}(..., dtype=) with this op, casting= or a cast numpy refuses is not modelled")
    name = {"row_stack": "vstack"}.get(op, op)  # flopscope records row_stack as vstack
    first = items[0]
    if op in ("concatenate", "concat") and first.ndim == 0:
        raise OpError("zero-dimensional arrays cannot be concatenated (numpy raises ValueError)")
    _check_joinable(op, items, axis)
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
        # numpy's atleast_2d of each: a 0-d item (a row of the vector `fnp.vstack(v)` iterates)
        # is (1, 1), a vector (1, n)
        rows = [a if a.ndim >= 2 else a.with_(shape=(1,) * (2 - a.ndim) + a.shape) for a in items]
        shape = (sum(a.shape[0] for a in rows),) + rows[0].shape[1:]
        sym = _concat_sym(items, 0, len(shape)) if all(a.ndim >= 2 for a in items) else None
    elif op == "hstack":
        # numpy's atleast_1d of each (`fnp.hstack(v)` joins the 0-d rows of a vector)
        flat = [a if a.ndim >= 1 else a.with_(shape=(1,)) for a in items]
        if flat[0].ndim == 1:
            shape = (sum(a.shape[0] for a in flat),)
            sym = None
        else:
            shape = (first.shape[0], sum(a.shape[1] for a in items)) + first.shape[2:]
            sym = _concat_sym(items, 1, len(shape)) if all(a.ndim >= 2 for a in items) else None
    else:
        # numpy's column_stack: a 0-d item is (1, 1), a vector a column
        cols = [a if a.ndim == 2 else a.with_(shape=(a.shape[0] if a.ndim else 1, 1)) for a in items]
        shape = (cols[0].shape[0], sum(a.shape[1] for a in cols))
        sym = None
    n = 1
    for s in shape:
        n *= s
    origin = origin_of(items, dt)
    ctx.charge(name, max(n, 1), dt, origin)
    if explicit is not None and explicit != dt:
        return Array(shape, explicit, sym)
    return Array(shape, dt, sym, dtype_origin=origin)


@handler("dstack")
def _dstack(ctx, args, kwargs):
    """``fnp.dstack(arrays)``: numpy's atleast_3d of each ((n,) -> (1, n, 1), (m, n) -> (m, n, 1)),
    joined along the third axis; flopscope bills numel(out) at the inputs' promoted dtype once
    numpy has made it (a refused join charges nothing), and the result carries no symmetry."""
    if len(args) + len(kwargs) != 1:
        raise OpError("dstack with these arguments is not modelled")
    items = [to_array(ctx, v) for v in _sequence(arg(args, kwargs, 0, "tup"))]
    if not items:
        raise OpRaises("ValueError", "need at least one array to concatenate")  # before any charge
    cubes = [a.with_(shape=(1, 1, 1) if a.ndim == 0 else (1,) + a.shape + (1,) if a.ndim == 1
                     else a.shape + (1,) if a.ndim == 2 else a.shape, sym=None) for a in items]
    _check_joinable("concatenate", cubes, 2)
    dt = dtypes.result_type(*(Operand(dtype=d) for d in dict.fromkeys(a.dtype for a in items)))
    first = cubes[0]
    shape = first.shape[:2] + (sum(a.shape[2] for a in cubes),) + first.shape[3:]
    n = 1
    for e in shape:
        n *= e
    origin = origin_of(items, dt)
    ctx.charge("dstack", max(n, 1), dt, origin)
    return Array(shape, dt, dtype_origin=origin)


def _check_joinable(op: str, items: list[Array], axis) -> None:
    """numpy's refusals when joining arrays of known shapes (flopscope passes them on)."""
    if op == "stack":
        if any(a.shape != items[0].shape for a in items):
            raise OpRaises("ValueError", "all input arrays must have the same shape")
        if isinstance(axis, int) and not -(items[0].ndim + 1) <= axis <= items[0].ndim:
            raise OpRaises("AxisError", f"axis {axis} is out of bounds for array of dimension {items[0].ndim + 1}")
        return
    if op in ("vstack", "row_stack"):
        items, axis = [a if a.ndim >= 2 else a.with_(shape=(1,) * (2 - a.ndim) + a.shape) for a in items], 0
    elif op == "hstack":
        items = [a if a.ndim >= 1 else a.with_(shape=(1,)) for a in items]
        axis = 0 if items[0].ndim == 1 else 1
    elif op not in ("concatenate", "concat") or not isinstance(axis, int) or items[0].ndim == 0:
        return
    ndim = items[0].ndim
    for k, a in enumerate(items[1:], start=1):
        if a.ndim != ndim:
            raise OpRaises("ValueError", "all the input arrays must have same number of dimensions, but the array "
                                         f"at index 0 has {ndim} dimension(s) and the array at index {k} has "
                                         f"{a.ndim} dimension(s)")
    if not -ndim <= axis < ndim:
        raise OpRaises("AxisError", f"axis {axis} is out of bounds for array of dimension {ndim}")
    ax = axis % ndim
    for k, a in enumerate(items[1:], start=1):
        for d in range(ndim):
            if d != ax and a.shape[d] != items[0].shape[d]:
                raise OpRaises("ValueError", "all the input array dimensions except for the concatenation axis "
                                             f"must match exactly, but along dimension {d}, the array at index 0 "
                                             f"has size {items[0].shape[d]} and the array at index {k} has size "
                                             f"{a.shape[d]}")


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


def diagonal_of(x: Array, args, kwargs) -> Array:
    """numpy's ``diagonal(a, offset=0, axis1=0, axis2=1)`` view (``args`` after ``a``): the two
    axes dropped and the diagonal, ``offset`` off the main one, appended last; untagged."""
    if len(args) > 3 or set(kwargs) - {"offset", "axis1", "axis2"}:
        raise OpError("diagonal with these arguments is not modelled")
    # numpy parses the three integers before it looks at the array
    given = [arg(args, kwargs, i, name, Known(default)) for i, name, default in ((0, "offset", 0), (1, "axis1", 0),
                                                                               (2, "axis2", 1))]
    if any(isinstance(v, Known) and isinstance(v.value, float) for v in given):
        raise OpRaises("TypeError", "'float' object cannot be interpreted as an integer")
    k, first, second = (known_int(v, f"diagonal {name}") for v, name in zip(given, ("offset", "axis1", "axis2")))
    if x.ndim < 2:
        raise OpRaises("ValueError", "diag requires an array of at least two dimensions")
    a1, a2 = axis_index(first, x.ndim), axis_index(second, x.ndim)
    if a1 == a2:
        raise OpRaises("ValueError", "axis1 and axis2 cannot be the same")
    m, n = x.shape[a1], x.shape[a2]
    length = max(0, min(m, n - k) if k >= 0 else min(m + k, n))
    rest = tuple(e for i, e in enumerate(x.shape) if i not in (a1, a2))
    return Array(rest + (length,), x.dtype, dtype_origin=x.dtype_origin)


@handler("diagonal", "linalg.diagonal")
def _diagonal(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if op == "linalg.diagonal":
        # flopscope's linalg.diagonal is its diagonal of the last two axes (`offset=` by keyword only)
        if len(args) > 1 or set(kwargs) - {"offset"}:
            raise OpRaises("TypeError", "diagonal() takes 1 positional argument and only offset= by keyword")
        result = diagonal_of(x, [], {"offset": kwargs.get("offset", Known(0)), "axis1": Known(-2),
                                     "axis2": Known(-1)})
    else:
        result = diagonal_of(x, list(args[1:]), kwargs)
    ctx.charge("diagonal", 0, x.dtype)
    return result


@handler("fill_diagonal")
def _fill_diagonal(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    wrap = arg(args, kwargs, 2, "wrap", Known(False))
    if not (isinstance(wrap, Known) and isinstance(wrap.value, (bool, int))):
        raise OpError("fill_diagonal's wrap= is not known statically")
    ctx.charge("fill_diagonal", pricing.fill_diagonal_cells(x.shape, bool(wrap.value)), x.dtype, x.dtype_origin)
    # flopscope charges before numpy checks the shape
    if x.ndim < 2:
        raise OpRaises("ValueError", "array must be at least 2-d")
    if x.ndim > 2 and len(set(x.shape)) > 1:
        raise OpRaises("ValueError", "All dimensions of input must be of equal length")
    ctx.write_in_place(x)
    return Known(None)


@handler("trace")
def _trace(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    offset = known_int(arg(args, kwargs, 1, "offset", Known(0)), "trace offset")
    if x.ndim < 2:
        raise OpError("trace of an array with fewer than 2 dimensions")
    given = tuple(known_int(arg(args, kwargs, i, name, Known(default)), f"trace {name}")
                  for i, name, default in ((2, "axis1", 0), (3, "axis2", 1)))
    if len(args) > 5 or "out" in kwargs:
        raise OpError("trace with out= is not modelled")
    if any(not -x.ndim <= a < x.ndim for a in given) or given[0] % x.ndim == given[1] % x.ndim:
        raise OpError("trace over an axis out of range, or twice, is not modelled")
    # any two axes (a batch of matrices: `trace(grams, axis1=1, axis2=2)`): flopscope bills the
    # diagonal's length once per matrix, numpy returns the other axes in their order
    a1, a2 = (a % x.ndim for a in given)
    n1, n2 = x.shape[a1], x.shape[a2]
    if n1 > 0 and n2 > 0:
        k = min(n1, n2)
        if offset > 0:
            k = min(k, n2 - offset)
        elif offset < 0:
            k = min(k, n1 + offset)
        base = max(k, 1) * (x.size // (n1 * n2))
    else:
        base = 0
    dt = dtype_arg(arg(args, kwargs, 4, "dtype")) or dtypes.reduction_accumulator("sum", x.dtype)
    ctx.charge("trace", base, dt, origin_of([x], dt))
    rest = tuple(e for i, e in enumerate(x.shape) if i not in (a1, a2))
    return as_numpy_scalar(Array(rest, dt, dtype_origin=origin_of([x], dt)))


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


@handler("swapaxes", "moveaxis", "flip", "fliplr", "flipud")
def _free_view(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    if op == "swapaxes":
        a1 = axis_index(known_int(arg(args, kwargs, 1, "axis1"), "axis1"), x.ndim)
        a2 = axis_index(known_int(arg(args, kwargs, 2, "axis2"), "axis2"), x.ndim)
        perm = list(range(x.ndim))
        perm[a1], perm[a2] = perm[a2], perm[a1]
    elif op == "moveaxis":
        # numpy's normalize_axis_tuple of each (an int or a sequence of ints), inside
        # flopscope's free charge: AxisError, a repeated axis, lengths that differ
        if x.sym and not all(isinstance(v, Known) and type(v.value) is int
                             for v in (arg(args, kwargs, 1, "source"), arg(args, kwargs, 2, "destination"))):
            raise OpError("moveaxis of a symmetric tensor with sequences of axes is not modelled")
        src = _move_axes(ctx, arg(args, kwargs, 1, "source"), x.ndim, "source")
        dst = _move_axes(ctx, arg(args, kwargs, 2, "destination"), x.ndim, "destination")
        if len(src) != len(dst):
            ctx.charge(op, 0, None)
            raise OpRaises("ValueError", "`source` and `destination` arguments must have the same number of elements")
        perm = [i for i in range(x.ndim) if i not in src]
        for d, a in sorted(zip(dst, src)):
            perm.insert(d, a)
    else:
        ctx.charge(op, 0, None)  # numpy refuses the axes inside flopscope's (free) charge
        flipped = _flipped_axes(op, x, arg(args, kwargs, 1, "axis") if op == "flip" else None)
        if op != "flip":
            return x.with_(sym=None)  # flopscope's fliplr/flipud hand back numpy's plain result
        # flopscope's transport_flip: a block flipped on some of its axes keeps the permutations
        # that map the flipped axes among themselves
        rest = tuple(a for a in range(x.ndim) if a not in flipped)
        return x.with_(sym=meet_sym(x.sym, (flipped, rest)))
    perm = tuple(perm)
    ctx.charge(op, 0, None)
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))


def _move_axes(ctx, v, ndim: int, what: str) -> list[int]:
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)) and all(type(a) is int for a in v.value):
        named = list(v.value)
    elif isinstance(v, (TupleVal, ListVal)) and not getattr(v, "is_set", False):
        named = [known_int(a, what) for a in v.items]
    else:
        named = [known_int(v, what)]
    if ndim == 0:
        raise OpError("moveaxis of a 0-d array is not modelled")
    if any(not -ndim <= a < ndim for a in named):
        ctx.charge("moveaxis", 0, None)
    axes = [axis_index(a, ndim) for a in named]
    if len(set(axes)) != len(axes):
        ctx.charge("moveaxis", 0, None)
        raise OpRaises("ValueError", f"repeated axis in `{what}` argument")
    return axes


@handler("rollaxis")
def _rollaxis(ctx, args, kwargs):
    """``rollaxis(a, axis, start=0)``: free in flopscope (a 0 charge after numpy's call, so a
    refused axis charges nothing), the axes permuted as numpy's rollaxis does."""
    if len(args) + len(kwargs) > 3 or set(kwargs) - {"axis", "start"}:
        raise OpError("rollaxis with these arguments is not modelled")
    x = to_array(ctx, args[0])
    if x.sym:
        raise OpError("rollaxis of a symmetric tensor is not modelled")
    axis = axis_index(known_int(arg(args, kwargs, 1, "axis"), "rollaxis's axis"), x.ndim)
    start = known_int(arg(args, kwargs, 2, "start", Known(0)), "rollaxis's start")
    if start < 0:
        start += x.ndim
    if not 0 <= start < x.ndim + 1:
        raise OpError("rollaxis with start out of range is not modelled")
    if axis < start:
        start -= 1
    perm = list(range(x.ndim))
    perm.remove(axis)
    perm.insert(start, axis)
    ctx.charge("rollaxis", 0, None)
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=None)


def _flipped_axes(op: str, x: Array, axis) -> tuple[int, ...]:
    """The axes flip/fliplr/flipud reverse, after numpy's refusals of them: fliplr needs 2
    dimensions, flipud 1, and flip's ``axis`` must name axes of the array (AxisError), each once
    (ValueError)."""
    least = {"fliplr": 2, "flipud": 1}.get(op, 0)
    if x.ndim < least:
        raise OpRaises("ValueError", f"Input must be >= {least}-d.")
    if op != "flip":
        return (1,) if op == "fliplr" else (0,)
    if axis is None or isinstance(axis, Known) and axis.value is None:
        return tuple(range(x.ndim))
    if isinstance(axis, Known) and isinstance(axis.value, int):
        axes = [axis.value]
    elif isinstance(axis, Known) and isinstance(axis.value, (tuple, list)) and \
            all(isinstance(a, int) for a in axis.value):
        axes = list(axis.value)
    elif isinstance(axis, (TupleVal, ListVal)):
        axes = [known_int(a, f"{op} axis") for a in axis.items]
    else:
        raise OpError(f"{op}'s axis is not a known integer or tuple of integers")
    for a in axes:
        if not -x.ndim <= a < x.ndim:
            raise OpRaises("AxisError", f"axis {a} is out of bounds for array of dimension {x.ndim}")
    if len({a % x.ndim for a in axes}) != len(axes):
        raise OpRaises("ValueError", "repeated axis")
    return tuple(a % x.ndim for a in axes)


@handler("broadcast_to")
def _broadcast_to(ctx, args, kwargs):
    """flopscope carries a tag onto the output (``transport_broadcast_to``: its
    ``broadcast_group``), dense input or not: prepended axes of one extent form a symmetric
    block (``broadcast_to(v, (3, 3, n))`` is symmetric in its first two axes), and a tagged
    input keeps its blocks but the axes of extent 1 it stretches; a zero-size shape drops the
    tag. Later pointwise ops are charged per unique element of the tag."""
    x = to_array(ctx, args[0])
    shape = known_shape(arg(args, kwargs, 1, "shape"))
    if any(d < 0 for d in shape):
        raise OpRaises("ValueError", "all elements of broadcast shape must be non-negative")
    if len(shape) < x.ndim or any(a != b and a != 1 for a, b in zip(x.shape, shape[len(shape) - x.ndim:])):
        # one way only: the array's extents must be the target's or 1 (flopscope records the
        # call, at no cost, before numpy refuses it)
        ctx.charge("broadcast_to", 0, x.dtype, measured=True)
    if len(shape) < x.ndim:
        raise OpRaises("ValueError", "input operand has more dimensions than allowed by the axis remapping")
    if any(a != b and a != 1 for a, b in zip(x.shape, shape[len(shape) - x.ndim:])):
        raise OpRaises("ValueError", f"operands could not be broadcast together with remapped shapes "
                                     f"[original->remapped]: {x.shape} and requested shape {shape}")
    n = 1
    for d in shape:
        n *= d
    sym = None
    if len(x.shape) <= len(shape) and 0 not in x.shape and 0 not in shape:
        sym = broadcast_sym(x.sym, x.shape, tuple(shape))
    ctx.charge("broadcast_to", max(n, 1), x.dtype)
    return Array(tuple(shape), x.dtype, sym=sym, dtype_origin=x.dtype_origin)


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
        if any(r < 0 for r in rs):
            if x.size == 0:
                raise OpError("tile of an empty array with a negative repetition is not modelled")
            raise OpRaises("ValueError", "negative dimensions are not allowed")  # numpy's repeat, nothing charged
        shape = tuple(a * b for a, b in zip(xs, rs))
    else:
        reps_v = arg(args, kwargs, 1, "repeats")
        axis = arg(args, kwargs, 2, "axis")
        flat = axis is None or (isinstance(axis, Known) and axis.value is None)
        ax = None if flat else axis_index(known_int(axis, "axis"), x.ndim)
        extent = x.size if flat else x.shape[ax]
        counts = _repeat_counts(reps_v)
        if counts is None:
            reps = known_int(reps_v, "repeats")
            if reps < 0:
                raise OpRaises("ValueError", "negative dimensions are not allowed")  # numpy's, nothing charged
            total = extent * reps
        elif len(counts) == 1:  # one count broadcast over the extent
            if counts[0] < 0:
                raise OpError("repeat with a negative count is not modelled")
            total = extent * counts[0]
        else:
            # one count per element along the axis (numpy refuses another length, or a negative
            # count, before flopscope's charge after the call: not modelled here)
            if len(counts) != extent or any(c < 0 for c in counts):
                raise OpError("repeat with counts numpy refuses (a length other than the axis's, or negative) "
                              "is not modelled")
            total = sum(counts)
        shape = (total,) if flat else x.shape[:ax] + (total,) + x.shape[ax + 1:]
    n = 1
    for d in shape:
        n *= d
    ctx.charge(op, max(n, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


def _repeat_counts(v) -> Optional[list[int]]:
    """``repeat``'s counts given as a list or tuple of known ints; None for anything else."""
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)) and all(type(c) is int for c in v.value):
        return list(v.value)
    if isinstance(v, (TupleVal, ListVal)) and not getattr(v, "is_set", False):
        if not all(isinstance(c, Known) and type(c.value) is int for c in v.items):
            raise OpError("repeat's counts are not known integers")
        return [c.value for c in v.items]
    return None


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


#: np.pad modes flopscope bills at numel(output) alone
_PAD_PLAIN_MODES = frozenset({"constant", "edge", "empty", "wrap"})


def _pad_pairs(width: Value, ndim: int) -> list:
    """np.pad's (before, after) widths per axis, as numpy normalises them: one int for every
    side, one (before, after) pair for every axis, or one pair (or one width) per axis."""
    raw = _plain(width)
    flat = _flatten_ints(raw)
    if flat is None:
        raise OpError("pad widths that are not known integers are not modelled")
    if any(v < 0 for v in flat):
        raise OpError("negative pad widths (numpy raises ValueError)")
    if len(flat) == 1:
        return [(flat[0], flat[0])] * ndim
    column = isinstance(raw, (tuple, list)) and len(raw) == 2 and all(
        isinstance(r, (tuple, list)) and len(r) == 1 for r in raw)
    if len(flat) == 2 and not column:
        return [(flat[0], flat[1])] * ndim
    rows = list(raw) if isinstance(raw, (tuple, list)) else []
    if len(rows) != ndim:
        raise OpError(f"{len(rows)} pad widths for {ndim} axes (numpy raises ValueError)")
    pairs = []
    for r in rows:
        r = _flatten_ints(r)
        if len(r) == 1:
            pairs.append((r[0], r[0]))
        elif len(r) == 2:
            pairs.append((r[0], r[1]))
        else:
            raise OpError("a pad width with more than two sides (numpy raises ValueError)")
    return pairs


def _plain(v: Value):
    """A pad width as Python data, or None when a part of it is not known."""
    if isinstance(v, Known):
        return v.value
    if isinstance(v, (ListVal, TupleVal)):
        items = [_plain(i) for i in v.items]
        return None if any(i is None for i in items) else tuple(items)
    return None


def _flatten_ints(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return [v]
    if isinstance(v, (tuple, list)):
        out = []
        for item in v:
            sub = _flatten_ints(item)
            if sub is None:
                return None
            out.extend(sub)
        return out
    return None


@handler("pad", "roll")
def _pad_roll(ctx, args, kwargs, op=None):
    # A symmetric tensor (fnp.eye, as_symmetric) is padded or rolled as its plain array: flopscope
    # warns SymmetryLossWarning ("not symmetry-aware"), charges the same and returns it untagged
    # (measured on flopscope 0.12.4, every pad mode and roll axis).
    x = to_array(ctx, args[0])
    if op == "roll":
        if set(kwargs) - {"axis"} or len(args) > 3:
            raise OpError("roll with extra arguments is not modelled")
        # numpy's AxisError for an axis out of range, before flopscope's charge (it was not read:
        # `fnp.roll(w, 1, axis=2)` was claimed to go through)
        axis = arg(args, kwargs, 2, "axis")
        plain = None if axis is None else axis.value if isinstance(axis, Known) else \
            tuple(i.value if isinstance(i, Known) else None for i in axis.items) \
            if isinstance(axis, (TupleVal, ListVal)) else Ellipsis
        if plain is not None:
            axes = (plain,) if type(plain) is int else plain
            if not isinstance(axes, (tuple, list)) or any(type(a) is not int for a in axes):
                raise OpError("roll with an axis that is not known ints is not modelled")
            for a in axes:
                if not -x.ndim <= a < x.ndim:
                    raise OpRaises("AxisError", f"axis {a} is out of bounds for array of dimension {x.ndim}")
        shape = x.shape
    else:
        mode = arg(args, kwargs, 2, "mode", Known("constant"))
        reflecting = isinstance(mode, Known) and mode.value in ("reflect", "symmetric")
        reflect_type = kwargs.get("reflect_type", Known("even")) if reflecting else None
        if reflecting and not (isinstance(reflect_type, Known) and reflect_type.value in ("even", "odd")):
            raise OpError("pad with a reflect_type other than a known 'even' or 'odd' is not modelled")
        if len(args) > 3 or set(kwargs) - {"pad_width", "mode", "constant_values", *(("reflect_type",) if reflecting else ())} \
                or not (isinstance(mode, Known) and (mode.value in _PAD_PLAIN_MODES or reflecting)) \
                or "constant_values" in kwargs and not (isinstance(kwargs["constant_values"], Known)
                                                        and mode.value == "constant"):
            raise OpError("pad with a mode other than constant/edge/wrap/empty/reflect/symmetric is not modelled")
        pairs = _pad_pairs(arg(args, kwargs, 1, "pad_width"), x.ndim)
        shape = tuple(s + b + a for s, (b, a) in zip(x.shape, pairs))
        if reflecting:
            if any(s == 0 and (b or a) for s, (b, a) in zip(x.shape, pairs)):
                raise OpError(f"pad mode={mode.value!r} extending an empty axis (numpy refuses it after "
                              "flopscope's charge) is not modelled")
            # flopscope's _pad_flop_cost: numel(out) for 'even', plus the border's second pass
            # (numel(out) - numel(in)) for 'odd'
            out_n = 1
            for d in shape:
                out_n *= d
            extra = out_n - x.size if reflect_type.value == "odd" else 0
            ctx.charge(op, max(out_n + extra, 1), x.dtype, x.dtype_origin)
            return Array(shape, x.dtype, dtype_origin=x.dtype_origin)
    n = 1
    for d in shape:
        n *= d
    ctx.charge(op, max(n, 1), x.dtype, x.dtype_origin)
    return Array(shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("split", "array_split")
def _split(ctx, args, kwargs, op=None):
    """Consecutive parts along an axis, billed numel(input) at weight 0 by default (free). An
    int gives that many parts (``split`` requires equal ones; ``array_split`` gives the
    first ``len % n`` one element more); a list gives the cut points."""
    x = to_array(ctx, args[0])
    if x.ndim == 0 or x.sym:
        raise OpError(f"{op} of a 0-d or symmetric array is not modelled")
    how = arg(args, kwargs, 1, "indices_or_sections")
    axis = known_int(arg(args, kwargs, 2, "axis", Known(0)), f"{op} axis")
    if not -x.ndim <= axis < x.ndim:
        raise OpError(f"{op} axis out of range")
    axis %= x.ndim
    parts = _split_parts(op, x, how, axis)
    ctx.charge(op, x.size, x.dtype, x.dtype_origin)
    return parts


@handler("hsplit", "vsplit", "dsplit")
def _split_along(ctx, args, kwargs, op=None):
    """``split`` along axis 1 (axis 0 of a vector), 0 or 2; flopscope records the call and
    bills nothing."""
    x = to_array(ctx, args[0])
    if kwargs or len(args) != 2 or x.sym:
        raise OpError(f"{op} with keywords or of a symmetric array is not modelled")
    need = {"hsplit": 1, "vsplit": 2, "dsplit": 3}[op]
    if x.ndim < need:
        raise OpRaises("ValueError", f"{op} only works on arrays of {need} or more dimensions")
    axis = {"vsplit": 0, "dsplit": 2}.get(op, 1 if x.ndim > 1 else 0)
    parts = _split_parts("split", x, args[1], axis)
    ctx.charge(op, 0, x.dtype, x.dtype_origin, measured=True)
    return parts


def _split_parts(op: str, x: Array, how, axis: int) -> ListVal:
    length = x.shape[axis]
    cuts = _plain(how)
    if isinstance(cuts, int) and not isinstance(cuts, bool):
        if cuts <= 0:
            raise OpRaises("ValueError", "number sections must be larger than 0.")
        if op == "split" and length % cuts:
            raise OpRaises("ValueError", "array split does not result in an equal division")
        each, extra = divmod(length, cuts)
        sizes = [each + 1] * extra + [each] * (cuts - extra)
    elif isinstance(cuts, (tuple, list)) and all(isinstance(c, int) and not isinstance(c, bool) for c in cuts):
        bounds = [0, *cuts, length]
        sizes = [len(range(length)[slice(a, b)]) for a, b in zip(bounds, bounds[1:])]
    else:
        raise OpError(f"{op} sections that are not known integers are not modelled")
    return ListVal([Array(x.shape[:axis] + (n,) + x.shape[axis + 1:], x.dtype, dtype_origin=x.dtype_origin)
                    for n in sizes])


@handler("broadcast_arrays")
def _broadcast_arrays(ctx, args, kwargs):
    """Every operand broadcast to the common shape, billed the outputs' total size at the
    operands' promotion (weight 0 by default: free)."""
    arrays = [to_array(ctx, a) for a in args]
    if kwargs or not arrays or any(a.sym for a in arrays):
        raise OpError("broadcast_arrays with keywords or symmetric operands is not modelled")
    shape = broadcast(*(a.shape for a in arrays))
    size = 1
    for d in shape:
        size *= d
    dt = dtypes.result_type(*(Operand(dtype=a.dtype) for a in arrays))
    ctx.charge("broadcast_arrays", size * len(arrays), dt)
    return TupleVal(tuple(Array(shape, a.dtype, dtype_origin=a.dtype_origin) for a in arrays))


@handler("kron")
def _kron(ctx, args, kwargs):
    """Kronecker product: a.size * b.size, billed at the promotion of the two; the result
    carries no symmetry tag, whatever the operands carry."""
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if kwargs:
        raise OpError("kron with keywords is not modelled")
    nd = max(a.ndim, b.ndim)
    sa, sb = (1,) * (nd - a.ndim) + a.shape, (1,) * (nd - b.ndim) + b.shape
    dt = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    ctx.charge("kron", max(a.size * b.size, 1), dt, origin_of([a, b], dt))
    return Array(tuple(x * y for x, y in zip(sa, sb)), dt, dtype_origin=origin_of([a, b], dt))


@handler("shape", "ndim", "size")
def _shape_query(ctx, args, kwargs, op=None):
    """``fnp.shape/ndim/size(a)``: numpy's own answers, free and unrecorded; of an array they
    are its attributes (a size chosen on the path for a selection)."""
    if len(args) != 1 or kwargs:
        if op == "size" and len(args) == 2 and not kwargs and isinstance(args[0], Array):
            ax = axis_index(known_int(args[1], "size axis"), args[0].ndim)
            return counted_extent(args[0], (ax,)) if args[0].counted else Known(args[0].shape[ax])
        raise OpError(f"fnp.{op} with these arguments is not modelled")
    x = args[0]
    if isinstance(x, Array):
        return ctx.get_attr(x, op, ctx.span)
    shape = to_array(ctx, x).shape
    return Known({"shape": shape, "ndim": len(shape), "size": numel(shape)}[op])


@handler("rot90")
def _rot90(ctx, args, kwargs):
    """``rot90(m, k=1, axes=(0, 1))``: a view, a record of 0; an odd k swaps the two axes' extents."""
    x = to_array(ctx, arg(args, kwargs, 0, "m"))
    k = known_int(arg(args, kwargs, 1, "k", Known(1)), "rot90 k")
    axes = known_shape(arg(args, kwargs, 2, "axes", Known((0, 1))), "rot90 axes")
    if x.ndim < 2 or len(axes) != 2:
        raise OpError("rot90 of an array with fewer than two axes is not modelled")
    a, b = (axis_index(i, x.ndim) for i in axes)
    if a == b:
        raise OpError("rot90 with equal axes is not modelled")
    ctx.charge("rot90", 0, None)
    shape = list(x.shape)
    if k % 2:
        shape[a], shape[b] = shape[b], shape[a]
    return Array(tuple(shape), x.dtype, dtype_origin=x.dtype_origin)


@handler("append")
def _append(ctx, args, kwargs):
    """``append(arr, values, axis=None)``: numel(out) at the promotion of both (a Python number
    counts as the float64/int64 array numpy makes of it); flattened without an axis."""
    if len(args) > 3 or set(kwargs) - {"axis", "values"}:
        raise OpError("append with these arguments is not modelled")
    a = to_array(ctx, args[0])
    b = to_array(ctx, arg(args, kwargs, 1, "values"))
    axis_v = arg(args, kwargs, 2, "axis", Known(None))
    dt = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    if isinstance(axis_v, Known) and axis_v.value is None:
        shape = (a.size + b.size,)
    else:
        if a.ndim != b.ndim or a.ndim == 0:
            raise OpError("append along an axis of arrays of different dimensions is not modelled")
        ax = axis_index(known_int(axis_v, "append axis"), a.ndim)
        if any(a.shape[i] != b.shape[i] for i in range(a.ndim) if i != ax):
            raise OpError("append along an axis of arrays whose other extents differ is not modelled")
        shape = a.shape[:ax] + (a.shape[ax] + b.shape[ax],) + a.shape[ax + 1:]
    ctx.charge("append", max(a.size + b.size, 1), dt, origin_of([a, b], dt))
    return Array(shape, dt)


def _known_positions(v: Value) -> list[int]:
    if isinstance(v, Known) and isinstance(v.value, int) and not isinstance(v.value, bool):
        return [v.value]
    if isinstance(v, Known) and isinstance(v.value, (list, tuple)) and all(
            isinstance(i, int) and not isinstance(i, bool) for i in v.value):
        return list(v.value)
    if isinstance(v, (ListVal, TupleVal)):
        return [known_int(i, "delete index") for i in v.items]
    raise OpError("the positions are not known integers")


@handler("delete")
def _delete(ctx, args, kwargs):
    """``delete(arr, obj, axis=None)``: numel(out) at arr's dtype, for known integer positions
    (flattened without an axis)."""
    if len(args) > 3 or set(kwargs) - {"axis", "obj"}:
        raise OpError("delete with these arguments is not modelled")
    a = to_array(ctx, args[0])
    positions = _known_positions(arg(args, kwargs, 1, "obj"))
    axis_v = arg(args, kwargs, 2, "axis", Known(None))
    flat = isinstance(axis_v, Known) and axis_v.value is None
    ax = 0 if flat else axis_index(known_int(axis_v, "delete axis"), a.ndim)
    extent = a.size if flat else a.shape[ax]
    if any(not -extent <= i < extent for i in positions):
        bad = next(i for i in positions if not -extent <= i < extent)
        raise OpRaises("IndexError", f"index {bad} is out of bounds for axis {ax} with size {extent}")
    kept = extent - len({i % extent for i in positions})
    shape = (kept,) if flat else a.shape[:ax] + (kept,) + a.shape[ax + 1:]
    out = Array(shape, a.dtype, dtype_origin=a.dtype_origin)
    ctx.charge("delete", out.size, a.dtype, a.dtype_origin)
    return out


@handler("insert")
def _insert(ctx, args, kwargs):
    """``insert(arr, obj, values, axis=None)`` at one known position: numel(out) at the promotion
    of arr and values (a Python number weakly); the result keeps arr's dtype. Without an axis
    the array is flattened and every value inserted; along an axis of a matrix, one slice."""
    if len(args) > 4 or set(kwargs) - {"axis", "values", "obj"}:
        raise OpError("insert with these arguments is not modelled")
    a = to_array(ctx, args[0])
    pos_v = arg(args, kwargs, 1, "obj")
    if not (isinstance(pos_v, Known) and isinstance(pos_v.value, int) and not isinstance(pos_v.value, bool)):
        raise OpError("insert at positions that are not one known integer is not modelled")
    values = arg(args, kwargs, 2, "values")
    b = to_array(ctx, values)
    if b.ndim > 1:
        raise OpError("insert of values with more than one axis is not modelled")
    axis_v = arg(args, kwargs, 3, "axis", Known(None))
    flat = isinstance(axis_v, Known) and axis_v.value is None
    ax = 0 if flat else axis_index(known_int(axis_v, "insert axis"), a.ndim)
    extent = a.size if flat else a.shape[ax]
    if not -extent <= pos_v.value <= extent:
        raise OpRaises("IndexError", f"index {pos_v.value} is out of bounds for axis {ax} with size {extent}")
    if flat or a.ndim == 1:
        added = max(b.size, 1) if b.ndim else 1
        shape = (extent + added,)
    else:
        row = a.shape[:ax] + a.shape[ax + 1:]
        if b.ndim == 1 and b.shape[0] not in (1, row[-1]):
            raise OpError("insert of values that do not broadcast into the slice is not modelled")
        shape = a.shape[:ax] + (extent + 1,) + a.shape[ax + 1:]
    dt = dtypes.result_type(Operand(dtype=a.dtype), operand(values) if not isinstance(values, Array) else
                            Operand(dtype=b.dtype))
    out = Array(shape, a.dtype, dtype_origin=a.dtype_origin)
    ctx.charge("insert", out.size, dt, origin_of([a, b], dt))
    return out


@handler("resize")
def _resize(ctx, args, kwargs):
    """``fnp.resize(a, new_shape)``: numel(out) at a's dtype (repeats a to fill the shape)."""
    if len(args) != 2 and not (len(args) == 1 and "new_shape" in kwargs):
        raise OpError("resize with these arguments is not modelled")
    a = to_array(ctx, args[0])
    shape = new_shape(known_shape(arg(args, kwargs, 1, "new_shape"), "resize shape", ctx))
    out = Array(shape, a.dtype, dtype_origin=a.dtype_origin)
    ctx.charge("resize", max(out.size, 1), a.dtype, a.dtype_origin)
    return out
