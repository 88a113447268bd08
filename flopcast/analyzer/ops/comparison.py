"""Whole-array comparisons: isclose, allclose, array_equal, array_equiv.

flopscope charges 6·numel for isclose, max(7·numel(broadcast) − 1, 1) for allclose and
max(a.size, b.size, 1) or numel(broadcast) for array_equal/array_equiv.
"""

from __future__ import annotations

from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import broadcast, operand, origin_of, shape_of, to_array
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.ops.symmetry import _sym_of_pointwise
from flopcast.analyzer.values import Array, Unknown


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
        except OpRaises:  # array_equiv answers False: nothing raises
            pass
    billed = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    ctx.charge(op, n, billed, origin_of([a, b], billed))
    return Unknown("bool", ctx.span, f"{op} returns a Python bool read from array values")
