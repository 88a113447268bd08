"""Statistics: ``flops.stats.<dist>.pdf/cdf/ppf``, percentile/quantile, nanmedian, cov.

flopscope charges stats a flat per-element price read from its source (norm: 27/48/83),
always billed at float64; percentile/quantile charge output orbits ×
``_quantile_dense_cost(n, k)``.
"""

from __future__ import annotations

from typing import Optional

from flopcast import installed
from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import arg, broadcast, dtype_arg, operand, origin_of, shape_of, to_array
from flopcast.analyzer.ops.reductions import _axes, refuse_axis
from flopcast.analyzer.ops.sorting import _ceil_log2
from flopcast.analyzer.ops.registry import OpError, OpRaises, by_prefix, handler
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, Value


@by_prefix("stats.")
def stats_call(ctx, name: str, args, kwargs) -> Value:
    per = installed.stats_costs().get(name)
    if per is None:
        raise OpError(f"flops.stats.{name} is not in the installed flopscope")
    # a list of points is an array of them (`norm.ppf([0.1, 0.5])` prices two, not one)
    values = [to_array(ctx, v) if isinstance(v, (ListVal, TupleVal)) else v
              for v in list(args) + [v for k, v in kwargs.items() if k not in ("out",)]]
    if any(isinstance(v, Array) for v in values[1:]):
        # a 0-d one too (scale=fnp.std(v)): flopscope runs the kernel's arithmetic on it as ops
        raise OpError(f"flops.stats.{name} with array-valued parameters: flopscope also charges the "
                      "kernel's own arithmetic on them (subtract, divide, ...), which is not modelled")
    shape = broadcast(*(shape_of(v) for v in values))
    n = 1
    for s in shape:
        n *= s
    ctx.charge(f"stats.{name}", per * max(n, 1), "float64", ctx.span)
    return Array(shape, "float64", dtype_origin=ctx.span)


@handler("cov", "corrcoef")
def _cov(ctx, args, kwargs, op=None):
    """flopscope's ``_cov_cost``: f variables (both inputs', read along ``rowvar``) and s
    observations, ``2·f²·s + 2·f·s`` (corrcoef: ``+ 2·f² + f``), billed at least float64."""
    x = to_array(ctx, args[0])
    y_value = arg(args, kwargs, 1, "y")
    y = None if y_value is None or isinstance(y_value, Known) and y_value.value is None else to_array(ctx, y_value)
    allowed = {"y", "rowvar"} | ({"bias", "ddof", "fweights", "aweights", "dtype"} if op == "cov" else set())
    rowvar_value = kwargs.get("rowvar", Known(True))
    if len(args) > 2 or set(kwargs) - allowed or not isinstance(rowvar_value, Known):
        raise OpError(f"{op} with these arguments is not modelled")
    rowvar = bool(rowvar_value.value)
    if x.ndim not in (1, 2) or y is not None and y.ndim not in (1, 2):
        raise OpError(f"{op} of an input of more than two dimensions is not modelled")

    def variables(a: Array) -> int:
        return 1 if a.ndim == 1 else a.shape[0] if rowvar else a.shape[1]

    f = variables(x) + (variables(y) if y is not None else 0)
    s = x.shape[0] if x.ndim == 1 else x.shape[1] if rowvar else x.shape[0]
    base = 2 * f * f * s + 2 * f * s
    if op == "corrcoef":
        base += 2 * f * f + f
    billed = dtypes.result_type(*(Operand(dtype=a.dtype) for a in (x, y) if a is not None), Operand(dtype="float64"))
    origin = ctx.span if billed == "float64" else None
    if f == 1 and op == "corrcoef":
        raise OpError("corrcoef of a single variable (numpy returns a scalar) is not modelled")
    ctx.charge(op, max(base, 1), billed, origin)
    out = dtype_arg(kwargs.get("dtype")) or billed
    return Array(() if f == 1 else (f, f), out, dtype_origin=origin if out == billed else None)


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
    if q_values is None:
        q_array = arg(args, kwargs, 1, "q")
        bounds = getattr(q_array, "vrange", None) or getattr(q_array, "fbounds", None)
        if not (bounds and bounds[0] >= 0 and bounds[1] <= hi):
            # flopscope checks q's values before it charges: numpy's ValueError outside the range
            raise OpError(f"{op}: q read from array values may lie outside [0, {hi}] (ValueError)")
    axis_v = arg(args, kwargs, 2, "axis")
    q = arg(args, kwargs, 1, "q")
    q_plain = q.value if isinstance(q, Known) and (type(q.value) in (int, float) or isinstance(q.value, (tuple, list))
                                                    and all(type(v) in (int, float) for v in q.value)) else None
    refuse_axis(ctx, op, x, axis_v, {k: v for k, v in kwargs.items() if k not in ("axis", "q", "a")},
                q_plain is not None, (q_plain,))
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
    method = kwargs.get("method", Known("linear"))
    if not (isinstance(method, Known) and isinstance(method.value, str)):
        raise OpError(f"{op} with a method= that is not a known string is not modelled")
    out_dtype = dtypes.quantile_result(op, x.dtype, q_op, method.value)
    shape = tuple(q_shape) + red_shape
    if shape == ():
        return Array((), out_dtype, dtype_origin=origin if out_dtype == billed else None)
    return Array(shape, out_dtype, out_sym, dtype_origin=origin if out_dtype == billed else None)


@handler("nanmedian")
def _nanmedian(ctx, args, kwargs):
    x = to_array(ctx, arg(args, kwargs, 0, "a"))
    if set(kwargs) - {"axis", "keepdims"} or len(args) > 2:
        raise OpError("nanmedian with out= or overwrite_input= is not modelled")
    refuse_axis(ctx, "nanmedian", x, arg(args, kwargs, 1, "axis"), {k: v for k, v in kwargs.items() if k != "axis"})
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


def _histogram_edge_dtype(a: Array, range_v: Value) -> str:
    """numpy's ``result_type(first_edge, last_edge, a)`` for the edges it builds, integers made
    float64: Python numbers in ``range=`` are weak, the data's own min/max are a's dtype."""
    parts = [Operand(dtype=a.dtype)]
    if not (isinstance(range_v, Known) and range_v.value is None):
        if isinstance(range_v, Known) and isinstance(range_v.value, (tuple, list)):
            ends = [Known(x) for x in range_v.value]
        elif isinstance(range_v, (TupleVal, ListVal)):
            ends = list(range_v.items)
        else:
            raise OpError("histogram's range= is not a known pair")
        if len(ends) != 2 or not all(isinstance(e, (Known, NumpyScalar)) for e in ends):
            raise OpError("histogram's range= ends are not known numbers or numpy scalars")
        known = [e.value for e in ends if isinstance(e, Known)]
        if len(known) == 2 and known[0] > known[1]:
            raise OpRaises("ValueError", "max must be larger than min in range parameter.")
        parts += [operand(e) for e in ends]
    dt = dtypes.result_type(*parts)
    return "float64" if dt == "bool" or dt.startswith(("int", "uint")) else dt


def _known_numbers(v: Value):
    """A known number, None, or a (nested) list of them for a Python list or tuple of known
    items; the marker ``...`` where anything in it is not known."""
    if isinstance(v, Known):
        return [_known_numbers(Known(x)) for x in v.value] if isinstance(v.value, (list, tuple)) else v.value
    if isinstance(v, (ListVal, TupleVal)):
        return [_known_numbers(item) for item in v.items]
    return ...


@handler("histogram2d")
def _histogram2d(ctx, args, kwargs):
    """``histogram2d(x, y, bins=10, range=None, density=None)`` with a bin count (one, or one per
    axis) as flopscope bills it: numel(x)·Σ⌈log2 bins⌉ (weight 4) at float64 (its counts' dtype
    joins the billed dtypes), no charge for the edges; float64 counts, and edges in the data's
    common float dtype (float64 for integers, or where ``range=`` gives Python numbers)."""
    if len(args) > 3 or set(kwargs) - {"bins", "range", "density"}:
        raise OpError("histogram2d with these arguments is not modelled")
    x, y = to_array(ctx, args[0]), to_array(ctx, args[1])
    if x.ndim != 1 or x.shape != y.shape or any(a.dtype.startswith(("complex", "float16")) for a in (x, y)):
        raise OpError("histogram2d of other than two real vectors of one length is not modelled")
    counts = _known_numbers(arg(args, kwargs, 2, "bins", Known(10)))
    counts = [counts, counts] if type(counts) is int else counts if isinstance(counts, list) else []
    range_v, density_v = _known_numbers(kwargs.get("range", Known(None))), kwargs.get("density", Known(None))
    if len(counts) != 2 or any(type(c) is not int or c < 1 for c in counts) or not isinstance(density_v, Known):
        raise OpError("histogram2d with bins other than known positive counts, or density= not known, is not modelled")
    if range_v is None:
        common = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype=y.dtype))
        edge_dt = "float64" if common == "bool" or common.startswith(("int", "uint")) else common
    elif isinstance(range_v, list) and len(range_v) == 2 and all(
            isinstance(r, list) and len(r) == 2 and all(type(e) in (int, float) for e in r) and r[0] <= r[1]
            for r in range_v):
        edge_dt = "float64"
    else:
        raise OpError("histogram2d's range= is not a known pair of known (min, max) numbers")
    ctx.charge("histogram2d", max(x.size * sum(_ceil_log2(c) for c in counts), 1), "float64", None)
    return TupleVal((Array(tuple(counts), "float64"), Array((counts[0] + 1,), edge_dt),
                     Array((counts[1] + 1,), edge_dt)))


@handler("histogram")
def _histogram(ctx, args, kwargs):
    """``histogram(a, bins=10, range=None, density=None, weights=None)`` as flopscope bills it:
    numel(a)·⌈log2 bins⌉ (weight 4) at a's mean dtype promoted with int64 (and an edge array's
    dtype); the edges numpy builds for an integer ``bins`` as a ``linspace`` of bins + 1;
    with ``density=True`` a diff, a divide, a sum and a divide over the bins. Without
    ``range=`` numpy reads the data's min and max, presumed finite (numpy raises on nan)."""
    if len(args) > 2 or set(kwargs) - {"bins", "range", "density", "weights"}:
        raise OpError("histogram with these arguments is not modelled")
    a = to_array(ctx, args[0])
    if a.dtype.startswith("complex"):
        raise OpError("histogram of complex data is not modelled")
    bins_v = arg(args, kwargs, 1, "bins", Known(10))
    range_v = kwargs.get("range", Known(None))
    density_v = kwargs.get("density", Known(None))
    if not isinstance(density_v, Known):
        raise OpError("histogram's density= is not known statically")
    weights_v = kwargs.get("weights", Known(None))
    weights = None if isinstance(weights_v, Known) and weights_v.value is None else to_array(ctx, weights_v)
    if weights is not None and (weights.shape != a.shape or weights.dtype.startswith("complex")):
        raise OpError("histogram with weights of another shape or complex weights is not modelled")
    mean_dt = dtypes.reduction_accumulator("mean", a.dtype)
    n = a.size
    if isinstance(bins_v, Known) and isinstance(bins_v.value, int) and not isinstance(bins_v.value, bool):
        nbins = bins_v.value
        if nbins < 1:
            raise OpRaises("ValueError", "`bins` must be positive, when an integer")
        edge_dt = _histogram_edge_dtype(a, range_v)
        billed = dtypes.result_type(Operand(dtype=mean_dt), Operand(dtype="int64"))
        ctx.charge("histogram", max(n * _ceil_log2(nbins), 1), billed, None)
        ctx.charge("linspace", 2 * (nbins + 1), edge_dt, None)
    elif isinstance(bins_v, (Array, ListVal, TupleVal)) or isinstance(bins_v, Known) and isinstance(
            bins_v.value, (list, tuple)):
        edges = to_array(ctx, bins_v)
        if edges.ndim != 1 or edges.shape[0] < 2:
            raise OpError("histogram with edges that are not a vector of at least two is not modelled")
        nbins, edge_dt = edges.shape[0] - 1, edges.dtype
        billed = dtypes.result_type(Operand(dtype=mean_dt), Operand(dtype=edges.dtype), Operand(dtype="int64"))
        ctx.charge("histogram", max(n * _ceil_log2(edges.shape[0]), 1), billed, None)
    else:
        raise OpError("histogram with bins chosen by a rule or not known statically is not modelled")
    counts = "int64" if weights is None else weights.dtype
    if density_v.value:
        ctx.charge("diff", nbins, edge_dt, None)
        ctx.charge("divide", nbins, dtypes.result_type(Operand(dtype=counts), Operand(dtype="float64")), None)
        ctx.charge("sum", max(nbins - 1, 0), dtypes.reduction_accumulator("sum", counts), None)
        ctx.charge("divide", nbins, "float64", None)
        hist_dt = "float64"
    else:
        hist_dt = counts
    return TupleVal((Array((nbins,), hist_dt), Array((nbins + 1,), edge_dt)))
