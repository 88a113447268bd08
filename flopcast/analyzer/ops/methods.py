"""Array methods: ``x.<method>(...)`` and the op each is priced as.

flopscope's array overrides call the fnp function of the same name (same record, same
price); numpy's own view methods (``.squeeze()``, ``.transpose()``) write no record,
and in-place methods raise ValueError.
"""

from __future__ import annotations

from flopcast.analyzer.ops.operands import arg, axis_index, known_int, known_shape, to_array
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.ops.shape import checked_perm, diagonal_of, squeezed_axes
from flopcast.analyzer.ops.symmetry import _permute_sym
from flopcast.analyzer.values import Known


#: flopscope's in-place methods, which raise ValueError, and the advice its message gives
IN_PLACE_METHODS = {
    "sort": "Use fnp.sort(arr) to create a sorted copy.",
    "partition": "Use fnp.partition(arr, kth) to create a copy.",
    "fill": "Use fnp.full(shape, value) or fnp.full_like(arr, value) instead.",
    "put": "Build the result functionally instead.",
    "resize": "Use fnp.reshape(arr, new_shape) to create a reshaped copy.",
}

#: ``x.<method>(...)`` -> the op it is priced as. FlopscopeArray overrides these
#: methods to call the fnp function of the same name (same record, same price);
#: the ``ndarray.*`` entries are numpy's own methods, which flopscope does not
#: intercept: a free view with no record (SymmetricTensor.squeeze excepted).
ARRAY_METHOD_OPS = {
    **{m: m for m in (
        "sum", "mean", "max", "min", "std", "var", "prod", "argmax", "argmin", "cumsum", "cumprod",
        "any", "all", "ptp", "reshape", "ravel", "astype", "copy", "dot", "clip", "trace", "round",
        "nonzero", "argsort", "take", "repeat", "argpartition", "choose", "searchsorted")},
    "conj": "conjugate",
    "conjugate": "conjugate",
    "squeeze": "ndarray.squeeze",
    "diagonal": "ndarray.diagonal",
    "transpose": "ndarray.transpose",
    "swapaxes": "ndarray.swapaxes",
    "view": "ndarray.view",
    **{m: f"ndarray.{m}" for m in IN_PLACE_METHODS},
}


@handler(*(f"ndarray.{m}" for m in IN_PLACE_METHODS))
def _inplace_method(ctx, args, kwargs, op=None):
    """flopscope refuses every in-place method before doing anything: the program's ValueError."""
    method = op.split(".", 1)[1]
    raise OpRaises("ValueError", f"in-place {method} is not supported; flopscope arrays are immutable. "
                                 f"{IN_PLACE_METHODS[method]}")


@handler("ndarray.view")
def _view_method(ctx, args, kwargs):
    """``x.view()``: a new array object over the same buffer, no record; a symmetric tensor's
    view keeps its class but not its symmetry (numpy's view does not copy the tag), so it is
    billed dense. A view as another dtype reinterprets the bytes (not modelled)."""
    x = to_array(ctx, args[0])
    dtype = arg(args, kwargs, 1, "dtype")
    if len(args) > 2 or set(kwargs) - {"dtype"} or dtype is not None and not (
            isinstance(dtype, Known) and dtype.value is None or getattr(dtype, "name", None) == x.dtype):
        raise OpError(".view() as another dtype or type is not modelled")
    return x.with_(sym=None, presumed=x.presumed, vrange=x.vrange)


@handler("ndarray.squeeze")
def _squeeze_method(ctx, args, kwargs):
    x = to_array(ctx, args[0])
    dropped = squeezed_axes(x, arg(args, kwargs, 1, "axis"))
    sym = None
    if x.sym:
        ctx.charge("squeeze", 0, None)  # SymmetricTensor.squeeze routes to fnp.squeeze
        remap = {old: new for new, old in enumerate(i for i in range(x.ndim) if i not in dropped)}
        groups = [tuple(remap[a] for a in g if a in remap) for g in x.sym]
        sym = tuple(g for g in groups if len(g) > 1) or None
    return x.with_(shape=tuple(s for i, s in enumerate(x.shape) if i not in dropped), sym=sym)


@handler("ndarray.diagonal")
def _diagonal_method(ctx, args, kwargs):
    # the method records nothing in flopscope (no wrapper), unlike fnp.diagonal's 0-cost record
    return diagonal_of(to_array(ctx, args[0]), list(args[1:]), kwargs)


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
            perm = checked_perm(known_shape(axes, "axes"), x.ndim)
    return x.with_(shape=tuple(x.shape[p] for p in perm), sym=_permute_sym(x.sym, perm))
