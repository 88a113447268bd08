"""Indexing and slicing of abstract arrays, as flopscope prices it.

Basic indexing (ints, slices, None, Ellipsis) is a free view with no record; a
symmetry tag survives integer indices (minus the indexed axis) and added axes, and is
lost when any other tagged axis is sliced partially. Advanced indexing with an
integer array is ``getitem`` at 4 x numel(out); a boolean mask selects a number of
elements that depends on values (a size decision for the path explorer).
"""

from __future__ import annotations

from flopcast.analyzer import buffer_views, const_masks
from flopcast.analyzer.ops import OpError, OpRaises, to_array, unknown_operand_reason
from flopcast.analyzer.ops.operands import broadcast, index_out_of_bounds
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value


class IndexRaises(Exception):
    """numpy raises this for the index on these known shapes: the program's own error
    (the message is "IndexError: ..." / "ValueError: ..."), not flopcast's."""


def _unknown_index(p: Unknown) -> OpError:
    # A value flopcast could not compute may be an array as well as an int: its shape is unknown.
    if p.kind == "":
        return OpError(unknown_operand_reason(p), machine=p.machine)
    return OpError("index depends on values and is not an integer")


def _parts(key: Value) -> list:
    if isinstance(key, Known) and isinstance(key.value, tuple):
        return [Known(x) for x in key.value]
    if isinstance(key, TupleVal):
        return list(key.items)
    return [key]


def index_array(ctx, x: Array, key: Value) -> Value:
    if key.__class__ is Known and len(x.shape) == 1:
        # `v[j]` of a known int: what the general path below makes of it, without its lists
        # (a sort key asks it of every unit at every layer)
        i = key.value
        if i.__class__ is int:
            n = x.shape[0]
            if not -n <= i < n:
                raise IndexRaises(f"IndexError: index {i} is out of bounds for axis 0 with size {n}")
            return NumpyScalar(x.dtype, x.dtype_origin, vrange=x.vrange, origin=ctx.span)
    parts = _parts(key)
    if sum(1 for p in parts if isinstance(p, Known) and p.value is Ellipsis) > 1:
        raise IndexRaises("IndexError: an index can only have a single ellipsis ('...')")
    for p in parts:
        if isinstance(p, Known) and isinstance(p.value, bool) or isinstance(p, NumpyScalar) and p.dtype == "bool":
            # `x[True]` is a 0-d boolean mask (a new axis of 1 or 0, billed as a mask), not x[1]
            raise OpError("a bool as an index (a 0-d boolean mask) is not modelled")
        if isinstance(p, Known) and isinstance(p.value, (float, complex, str, bytes)):
            raise IndexRaises("IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                              "and integer or boolean arrays are valid indices")
    if any(isinstance(p, (Array, ListVal)) or isinstance(p, Known) and isinstance(p.value, (list, range))
           for p in parts):
        return _advanced(ctx, x, parts)
    n_real = sum(1 for p in parts if not (isinstance(p, Known) and (p.value is None or p.value is Ellipsis)))
    if n_real > x.ndim:
        raise IndexRaises(f"IndexError: too many indices for array: array is {x.ndim}-dimensional, "
                          f"but {n_real} were indexed")
    shape: list[int] = []
    axis = 0
    # per original axis: where it lands in the result (None: removed by an integer) and
    # whether it is taken whole
    lands: dict[int, int | None] = {}
    whole: dict[int, bool] = {}
    for p in parts:
        if isinstance(p, Known) and p.value is Ellipsis:
            keep = x.ndim - n_real
            for a in range(axis, axis + keep):
                lands[a], whole[a] = len(shape), True
                shape.append(x.shape[a])
            axis += keep
            continue
        if isinstance(p, Known) and p.value is None:
            shape.append(1)
            continue
        if isinstance(p, Known) and isinstance(p.value, slice):
            start, stop, step = _slice_indices(p.value, x.shape[axis])
            length = len(range(start, stop, step))
            lands[axis], whole[axis] = len(shape), (start, stop, step) == (0, x.shape[axis], 1)
            shape.append(length)
            axis += 1
            continue
        if isinstance(p, Known) and isinstance(p.value, int) or isinstance(p, (NumpyScalar, Unknown)):
            if isinstance(p, Unknown) and p.kind != "int":
                raise _unknown_index(p)
            if isinstance(p, Known) and not -x.shape[axis] <= p.value < x.shape[axis]:
                raise IndexRaises(f"IndexError: index {p.value} is out of bounds for axis {axis} "
                                  f"with size {x.shape[axis]}")
            lands[axis], whole[axis] = None, False
            axis += 1
            continue
        raise OpError(f"index {type(p).__name__} is not modelled")
    for a in range(axis, x.ndim):
        lands[a], whole[a] = len(shape), True
        shape.append(x.shape[a])
    out_shape = tuple(shape)
    if out_shape == () and x.ndim > 0:
        return NumpyScalar(x.dtype, x.dtype_origin, vrange=x.vrange, origin=ctx.span)
    # a part of x holds a subset of its values: their bounds stay (an argsort's `[:k]`)
    made = Array(out_shape, x.dtype, _sliced_sym(x.sym, lands, whole), dtype_origin=x.dtype_origin, vrange=x.vrange)
    # a slice of distinct positions holds distinct positions (`order[-k:]`, `order[::2]`)
    made.distinct = x.distinct and x.ndim == 1 and len(out_shape) == 1
    buffer_views.link(ctx, x, made)
    return made


def _slice_indices(s: slice, n: int) -> tuple[int, int, int]:
    try:
        return s.indices(n)
    except (TypeError, ValueError) as exc:  # a zero step, a float bound: numpy raises the same
        raise IndexRaises(f"{type(exc).__name__}: {exc}") from exc


def _sliced_sym(sym, lands: dict, whole: dict):
    """flopscope's ``propagate_symmetry_slice`` for a tag (one group, the product of its
    blocks): an integer index removes its axis from its block (the pointwise stabilizer);
    if any other tagged axis is not taken whole the whole tag is lost."""
    if not sym:
        return None
    kept = [a for g in sym for a in g if lands[a] is not None]
    if len(kept) < 2 or not all(whole[a] for a in kept):
        return None
    groups = [tuple(lands[a] for a in g if lands[a] is not None) for g in sym]
    return tuple(sorted(g for g in groups if len(g) >= 2)) or None


def _index_operand(ctx, p: Value) -> Array | None:
    """An advanced index operand as an int/bool array, or None for a basic part."""
    if isinstance(p, Array):
        return p
    if isinstance(p, ListVal):
        try:
            made = to_array(ctx, p)
        except OpRaises as exc:  # numpy's refusal of the list (ragged rows) is the subscript's
            raise IndexRaises(f"{exc.exc_type}: {exc.message}") from None
        listed = const_masks.known_count(p)
        if listed is not None and made.dtype == "bool" and made.ndim == 1:
            made.true_count = listed  # a list of known bools selects its True items (choose_size)
        return made
    if isinstance(p, Known) and isinstance(p.value, (list, range)):
        flat = _flat_index_list(p.value)
        if flat is not None:
            return flat
        import numpy as np

        arr = np.asarray(list(p.value) if isinstance(p.value, range) else p.value)
        if arr.dtype.kind not in "biu":
            raise OpError("index list is not integer or boolean")
        return Array(arr.shape, arr.dtype.name)
    return None


_INT64 = range(-2 ** 63, 2 ** 63)


def _known_ints(p: Value) -> tuple:
    """The ints of a flat list of known Python ints (a Known list, a ListVal of Known ints); ()
    for anything else."""
    if isinstance(p, Known) and isinstance(p.value, list):
        items = p.value
    elif isinstance(p, ListVal) and all(isinstance(v, Known) for v in p.items):
        items = [v.value for v in p.items]
    else:
        return ()
    if not items or not all(type(v) is int for v in items):
        return ()
    return tuple(items)


def _flat_index_list(items) -> Array | None:
    """What ``numpy.asarray`` makes of a non-empty flat list of Python ints or of bools, without
    importing numpy (a tenth of a second of a cold analysis); None for anything else."""
    if not items:
        return None
    kinds = {type(v) for v in items}
    if kinds == {bool}:
        made = Array((len(items),), "bool")
        made.true_count = sum(items)  # a selection by it has as many elements (choose_size)
        return made
    if kinds <= {int, bool} and all(v in _INT64 for v in items):
        return Array((len(items),), "int64")
    return None


def _advanced(ctx, x: Array, parts: list) -> Value:
    """numpy's advanced indexing: the advanced parts (integer arrays, boolean masks, and ints
    alongside them) broadcast to one shape B, placed where they stand when they are adjacent
    and first otherwise; flopscope bills 4 per gathered element plus 1 per mask element."""
    consumed = []
    known_lists: dict = {}  # id of an index array made from a list of known ints: those ints
    for p in parts:
        arr = _index_operand(ctx, p)
        if arr is not None:
            if arr.dtype not in ("bool",) and not arr.dtype.startswith(("int", "uint")):
                raise OpError(f"an index array of dtype {arr.dtype} is not valid")
            if arr.dtype != "bool":
                known = _known_ints(p)
                if known:
                    arr = arr.with_() if arr is p else arr
                    known_lists[id(arr)] = known
            consumed.append(("adv", arr, arr.ndim if arr.dtype == "bool" else 1))
        elif isinstance(p, Known) and p.value is None:
            consumed.append(("new", None, 0))
        elif isinstance(p, Known) and p.value is Ellipsis:
            consumed.append(("ell", None, 0))
        elif isinstance(p, Known) and isinstance(p.value, slice):
            consumed.append(("slice", p.value, 1))
        elif isinstance(p, Known) and isinstance(p.value, int) and not isinstance(p.value, bool) \
                or isinstance(p, NumpyScalar) or isinstance(p, Unknown) and p.kind == "int":
            consumed.append(("int", p.value if isinstance(p, Known) else None, 1))
        elif isinstance(p, Unknown):
            raise _unknown_index(p)
        else:
            raise OpError(f"index {type(p).__name__} is not modelled in advanced indexing")
    used = sum(n for _, _, n in consumed)
    if used > x.ndim:
        raise IndexRaises(f"IndexError: too many indices for array: array is {x.ndim}-dimensional, "
                          f"but {used} were indexed")
    expanded = []
    for kind, val, n in consumed:
        if kind == "ell":
            expanded.extend([("slice", slice(None), 1)] * (x.ndim - used))
            used = x.ndim
        else:
            expanded.append((kind, val, n))
    expanded.extend([("slice", slice(None), 1)] * (x.ndim - used))
    axis = 0
    mask_elems = 0
    selected = None  # (span, on the presumed count) of a boolean mask's selection
    adv_shapes = []
    adv_positions = []
    checks = []  # (index array, axis): numpy's bounds check of each, once the parts broadcast
    pieces: list = []  # ("basic", extent) or ("adv",)
    for pos, (kind, val, n) in enumerate(expanded):
        if kind == "new":
            pieces.append(("basic", 1))
        elif kind == "slice":
            pieces.append(("basic", len(range(*_slice_indices(val, x.shape[axis])))))
        elif kind == "int":
            if val is not None and not -x.shape[axis] <= val < x.shape[axis]:
                raise IndexRaises(f"IndexError: index {val} is out of bounds for axis {axis} "
                                  f"with size {x.shape[axis]}")
            adv_shapes.append(())
            adv_positions.append(pos)
            pieces.append(("adv",))
        else:
            if val.dtype == "bool":
                if tuple(val.shape) != tuple(x.shape[axis: axis + n]):
                    raise OpError("boolean mask shape does not match the array")
                mask_elems += val.size
                if val.value is not None and val.shape:
                    # a plain mask of known elements (plain_numpy.with_elements) selects a known count
                    adv_shapes.append((int(val.value.sum()),))
                else:
                    count = ctx.choose_size(0, val.size, "boolean mask: the number of selected elements depends on "
                                            "values", nonzero_of=val)
                    selected = ctx.last_count
                    adv_shapes.append((count,))
            else:
                checks.append((val, axis))
                adv_shapes.append(tuple(val.shape))
            adv_positions.append(pos)
            pieces.append(("adv",))
        axis += n
    try:
        b_shape = broadcast(*adv_shapes) if adv_shapes else ()
    except OpRaises:
        raise IndexRaises("IndexError: shape mismatch: indexing arrays could not be broadcast together")
    for val, axis in checks:
        # numpy checks the indices against the axis once the parts broadcast, and not at all
        # where they broadcast to nothing (nothing charged): a list of known ints, or an index
        # array holding a value known to lie out of the axis (a fill, an ix_ of known ints)
        extent = x.shape[axis]
        bad = [i for i in known_lists.get(id(val), ()) if not -extent <= i < extent][:1] if 0 not in b_shape else []
        if not bad and 0 not in b_shape and val.value is not None and val.shape:
            bad = [int(i) for i in val.value.ravel() if not -extent <= i < extent][:1]  # known elements
        if not bad and 0 not in b_shape:
            found = index_out_of_bounds(val, extent)
            bad = [found] if found is not None else []
        if bad:
            raise IndexRaises(f"IndexError: index {bad[0]} is out of bounds for axis {axis} with size {extent}")
    adjacent = adv_positions == list(range(adv_positions[0], adv_positions[-1] + 1))
    out: list[int] = []
    if not adjacent:
        out.extend(b_shape)
    placed = False
    for piece in pieces:
        if piece[0] == "basic":
            out.append(piece[1])
        elif adjacent and not placed:
            out.extend(b_shape)
            placed = True
    n_out = 1
    for s_ in out:
        n_out *= s_
    ctx.charge("getitem", mask_elems + 4 * n_out, x.dtype, x.dtype_origin)
    result = Array(tuple(out), x.dtype, dtype_origin=x.dtype_origin, vrange=x.vrange)
    if selected is not None and len(adv_shapes) == 1 and len(b_shape) == 1:
        # the one mask's count is an extent of the result: where the advanced block lands
        before = 0 if not adjacent else sum(1 for piece in pieces[:pieces.index(("adv",))] if piece[0] == "basic")
        result.counted = ((before,) + tuple(selected),)
    return result
