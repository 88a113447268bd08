"""Sorting, searching and counting: sort/argsort, partition, nonzero, unique, searchsorted, interp,
bincount.

flopscope charges n·⌈log2 n⌉ per sorted slice for sort/argsort and unique, m·⌈log2 n⌉
for searchsorted, 3n + n·⌈log2 len(xp)⌉ for interp, and numel for partition, nonzero and
bincount; the sizes of nonzero and unique depend on values, which the interpreter turns
into a path choice. Index results (argsort, argpartition, nonzero) carry the range of
their values (``Array.vrange``), which bounds the length of a ``bincount`` of them.
"""

from __future__ import annotations

import math
from typing import Optional

from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import NoSpec, arg, axis_index, known_int, origin_of, probe_spec, to_array
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value, mark_counted


def _nonzero_like(ctx, op: str, x: Value, tuple_result: bool):
    a = to_array(ctx, x)
    ctx.charge(op, max(a.size, 1), a.dtype, None)
    count = ctx.choose_size(0, a.size, f"{op}: the number of nonzero elements depends on values", nonzero_of=a)
    idx = mark_counted(ctx, Array((count,), "int64", vrange=(0, max(a.size - 1, 0))), 0)
    if tuple_result:
        extents = a.shape or (1,)
        return TupleVal(tuple(mark_counted(ctx, Array((count,), "int64", vrange=(0, max(n - 1, 0))), 0)
                              for n in extents))
    return idx


@handler("nonzero", "flatnonzero", "argwhere")
def _nonzero(ctx, args, kwargs, op=None):
    a = to_array(ctx, args[0])
    if op == "argwhere":
        ctx.charge(op, max(a.size, 1), a.dtype, None)
        count = ctx.choose_size(0, a.size, "argwhere: the number of nonzero elements depends on values",
                                nonzero_of=a)
        return mark_counted(ctx, Array((count, a.ndim), "int64", vrange=(0, max(max(a.shape, default=1) - 1, 0))), 0)
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
    _refused_options(op, args, kwargs)
    if op == "sort":
        # the same elements, reordered: an index array sorted keeps its bounds (a bincount of it)
        # and its distinct positions (`np.sort(top)`)
        made = Array(shape, x.dtype, vrange=x.vrange)
        made.distinct = x.distinct and len(shape) == 1
        return made
    return positions(shape, n)


def positions(shape: tuple, n: int) -> Array:
    """Positions along an axis of n (an argsort's, an argpartition's, a permutation of n): in a
    1-d result each position once."""
    made = Array(shape, "int64", vrange=(0, max(n - 1, 0)))
    made.distinct = len(shape) == 1
    return made


def _refused_options(op: str, args, kwargs) -> None:
    """numpy's refusal, after flopscope's charge, of sort's and argsort's ``kind``, ``order`` and
    ``stable`` (a kind it cannot read, an order of an array without fields, kind and stable both):
    asked of flopscope itself, as numpy parses them from their types and text alone. They were
    not read, so ``fnp.sort(w, 0, "quicksort", 0.5)`` was claimed to go through where the run
    raised ValueError."""
    given = [arg(args, kwargs, 2, "kind"), arg(args, kwargs, 3, "order"), kwargs.get("stable")]
    if all(v is None or isinstance(v, Known) and v.value is None for v in given):
        return
    try:
        specs = [probe_spec(a) for a in args], {k: probe_spec(v) for k, v in kwargs.items()}
    except NoSpec:
        raise OpError(f"{op} with kind=, order= or stable= flopcast cannot hand flopscope is not modelled") from None
    arrays = [v for v in list(args) + list(kwargs.values()) if isinstance(v, Array)]
    if not pricing.can_probe(*(a.shape for a in arrays)):
        raise OpError(f"{op} with kind=, order= or stable= on arrays this large is not modelled")
    found = pricing.probe(op, *specs)
    if found is not None:
        raise OpRaises(found[0], found[1])


def _kth_count(kth: Value) -> int:
    """``np.size(kth)``: flopscope bills n per slice for each kth (``kth=[1, 2]`` costs twice; a
    float one too, before numpy refuses it)."""
    if isinstance(kth, Known) and isinstance(kth.value, (int, float, NumpyScalar)):
        return 1
    if isinstance(kth, Known) and isinstance(kth.value, (list, tuple)) and \
            not any(isinstance(v, (list, tuple)) for v in kth.value):
        return len(kth.value)
    if isinstance(kth, (ListVal, TupleVal)) and \
            all(isinstance(item, (Known, NumpyScalar)) and not isinstance(getattr(item, "value", None), (list, tuple))
                or isinstance(item, Unknown) and item.kind == "int" for item in kth.items):
        return len(kth.items)
    if isinstance(kth, (Array, NumpyScalar)):
        return kth.size if isinstance(kth, Array) else 1
    if isinstance(kth, Unknown) and kth.kind == "int":
        return 1  # one position read from data
    raise OpError("the number of kth positions is not known")


def _kth_is_bool(kth: Value) -> bool:
    """kth given as booleans only (True, [True], a bool array): numpy's ValueError."""
    if isinstance(kth, Known):
        values = kth.value if isinstance(kth.value, (list, tuple)) else [kth.value]
        return bool(values) and all(type(v) is bool for v in values)
    if isinstance(kth, (ListVal, TupleVal)):
        return bool(kth.items) and all(isinstance(i, Known) and type(i.value) is bool for i in kth.items)
    if isinstance(kth, (Array, NumpyScalar)):
        return kth.dtype == "bool"
    return False


def _kth_is_float(kth: Value) -> bool:
    """kth given as floats (a float, a float array, a list holding one): numpy's TypeError."""
    if isinstance(kth, Known):
        values = kth.value if isinstance(kth.value, (list, tuple)) else [kth.value]
        return any(type(v) is float for v in values)
    if isinstance(kth, (ListVal, TupleVal)):
        return any(_kth_is_float(item) for item in kth.items)
    if isinstance(kth, (Array, NumpyScalar)):
        return kth.dtype.startswith(("float", "complex"))
    return False


@handler("partition", "argpartition")
def _partition(ctx, args, kwargs, op=None):
    x = to_array(ctx, args[0])
    given = arg(args, kwargs, 1, "kth")
    kth = _kth_count(given)
    axis = arg(args, kwargs, 2, "axis", Known(-1))
    if x.ndim and isinstance(axis, Known) and isinstance(axis.value, float):
        # flopscope's cost arithmetic indexes the shape by the axis, before its charge
        raise OpRaises("TypeError", "tuple indices must be integers or slices, not float")
    ctx.charge(op, max(x.size * kth, 1) if x.ndim else 1, x.dtype, x.dtype_origin)
    # flopscope bills the call, then numpy refuses, in this order: positions of more than one
    # dimension, the axis, booleans, floats (or none at all), positions out of bounds
    if isinstance(given, Array) and given.ndim > 1:
        raise OpRaises("ValueError", "object too deep for desired array")
    flat = isinstance(axis, Known) and axis.value is None  # numpy partitions the flattened array
    shape = (x.size,) if flat else x.shape
    n = None
    if flat:
        n = x.size
    elif x.ndim and (op == "argpartition" or isinstance(axis, Known)):
        n = x.shape[axis_index(known_int(axis, "axis"), x.ndim)]  # numpy's AxisError, after the charge
    elif x.ndim:
        raise OpError(f"{op}'s axis is not known statically")
    if _kth_is_bool(given):
        raise OpRaises("ValueError", "Booleans unacceptable as partition index")
    if _kth_is_float(given) or kth == 0:
        raise OpRaises("TypeError", "Partition index must be integer")
    if n is not None:
        _check_kth_in_bounds(given, n)
    if op == "partition":
        return Array(shape, x.dtype, vrange=x.vrange)  # the same elements, reordered
    return positions(shape, n if n is not None else 1)


def _check_kth_in_bounds(kth: Value, n: int) -> None:
    """numpy refuses a known position outside [-n, n) of the partitioned axis (ValueError)."""
    if isinstance(kth, Known):
        values = kth.value if isinstance(kth.value, (list, tuple)) else [kth.value]
    elif isinstance(kth, (ListVal, TupleVal)):
        values = [item.value for item in kth.items if isinstance(item, Known)]
    else:
        values = []
    for k in values:
        if type(k) is int and not -n <= k < n:
            raise OpRaises("ValueError", f"kth(={k if k >= 0 else k + n}) out of bounds ({n})")


def _ceil_log2(n: int) -> int:
    """flopscope's ``_ceil_log2``: ⌈log2 n⌉, at least 1 (a search among one edge or one sorted
    value still bills one comparison per query)."""
    return max(max(n - 1, 0).bit_length(), 1)


def _sort_cost(n: int) -> int:
    """flopscope's ``sort_cost``: n·⌈log2 n⌉, at least 1."""
    return max(n * _ceil_log2(n), 1)


_UNIQUE_FLAGS = {"return_index": "indices", "return_inverse": "inverse_indices", "return_counts": "counts"}


def _distinct(ctx, op: str, x: Array, fields: tuple) -> list:
    """A sort of the flattened input (weight 4, under ``op``'s name) and the arrays ``fields``
    names: every one but the inverse (the input's shape) as long as the number of distinct
    values, one size site for all of them."""
    n = x.size
    ctx.charge(op, _sort_cost(n), x.dtype, x.dtype_origin)
    count = ctx.choose_size(min(n, 1), n, f"{op}: the number of distinct values depends on values")
    made = {"values": lambda: Array((count,), x.dtype, dtype_origin=x.dtype_origin),
            "indices": lambda: Array((count,), "int64", vrange=(0, max(n - 1, 0))),
            "counts": lambda: Array((count,), "int64", vrange=(min(n, 1), n))}
    return [Array(x.shape, "int64", vrange=(0, max(n - 1, 0))) if f == "inverse_indices"
            else mark_counted(ctx, made[f](), 0) for f in fields]


@handler("unique")
def _unique(ctx, args, kwargs):
    """``unique(ar, return_index=, return_inverse=, return_counts=, equal_nan=)``: the distinct
    values alone, or a tuple of them and what each flag asks for, in numpy's order."""
    x = to_array(ctx, args[0])
    axis = kwargs.get("axis")
    if axis is not None and not (isinstance(axis, Known) and axis.value is None):
        if isinstance(axis, Known) and set(kwargs) <= {"axis", "equal_nan"} and len(args) == 1:
            return _unique_along(ctx, x, axis.value)
        raise OpError("unique with axis= and flags, or an axis not known, is not modelled")
    if len(args) > 1 or set(kwargs) - set(_UNIQUE_FLAGS) - {"equal_nan", "axis"}:
        raise OpError("unique with positional flags is not modelled")
    asked = []
    for name, field in _UNIQUE_FLAGS.items():
        v = kwargs.get(name, Known(False))
        if not isinstance(v, Known):
            raise OpError(f"unique's {name}= is not known statically")
        if v.value:
            asked.append(field)
    out = _distinct(ctx, "unique", x, ("values", *asked))
    return TupleVal(tuple(out)) if asked else out[0]


def _unique_along(ctx, x: Array, axis) -> Array:
    """``unique(x, axis=k)``: flopscope's lexicographic sort of the slices along ``k`` (each of the
    other elements' slices sorted: numel / R · R·⌈log2 R⌉ for R = shape[k], weight 4 from the
    table); as many distinct slices as the values make, between one and R."""
    if type(axis) is not int or not -x.ndim <= axis < max(x.ndim, 1) or x.ndim == 0:
        raise OpError("unique with this axis= is not modelled")
    k = axis % x.ndim
    r = x.shape[k]
    ctx.charge("unique", max((x.size // r if r else 1) * _sort_cost(r), 1), x.dtype, x.dtype_origin)
    count = ctx.choose_size(min(r, 1), r, "unique: the number of distinct slices depends on values")
    return mark_counted(ctx, Array(x.shape[:k] + (count,) + x.shape[k + 1:], x.dtype, dtype_origin=x.dtype_origin), k)


#: numpy 2's array-API unique functions: the fields of the named tuple each returns
_UNIQUE_RESULTS = {"unique_values": None, "unique_counts": ("values", "counts"),
                   "unique_inverse": ("values", "inverse_indices"),
                   "unique_all": ("values", "indices", "inverse_indices", "counts")}


@handler(*_UNIQUE_RESULTS)
def _unique_api(ctx, args, kwargs, op=None):
    """``unique_values/counts/inverse/all(x)``: the sort of ``unique``, recorded under their own
    names; a named tuple of the distinct values and their counts, indices, inverse."""
    if len(args) != 1 or kwargs:
        raise OpError(f"{op} with these arguments is not modelled")
    fields = _UNIQUE_RESULTS[op]
    out = _distinct(ctx, op, to_array(ctx, args[0]), fields or ("values",))
    return TupleVal(tuple(out), fields) if fields else out[0]


@handler("isin")
def _isin(ctx, args, kwargs):
    """``isin(element, test_elements)``: flopscope's ``_membership_cost`` — a sort of both
    (n + m)·⌈log2(n + m)⌉, or 2·n·m when numpy takes its masked loop (m < 10·n^0.145 and not
    both integer/bool) — at the promotion of both dtypes; a bool array of element's shape."""
    if len(args) != 2 or set(kwargs) - {"invert", "assume_unique", "kind"}:
        raise OpError("isin with these arguments is not modelled")
    el, te = to_array(ctx, args[0]), to_array(ctx, args[1])
    n, m = el.size, te.size
    base = _sort_cost(max(n + m, 1))
    integral = all(d == "bool" or d.startswith(("int", "uint")) for d in (el.dtype, te.dtype))
    if not integral and m < 10 * max(n, 1) ** 0.145:
        base = max(base, 2 * n * m)
    dt = dtypes.result_type(Operand(dtype=el.dtype), Operand(dtype=te.dtype))
    ctx.charge("isin", base, dt, origin_of([el, te], dt))
    return Array(el.shape, "bool") if el.ndim else NumpyScalar("bool")


@handler("digitize")
def _digitize(ctx, args, kwargs):
    """``digitize(x, bins, right=False)``: numel(x)·⌈log2 len(bins)⌉ at the promotion of both
    dtypes; int64 bin numbers between 0 and len(bins)."""
    if len(args) > 3 or set(kwargs) - {"right", "bins"}:
        raise OpError("digitize with these arguments is not modelled")
    x = to_array(ctx, args[0])
    bins = to_array(ctx, arg(args, kwargs, 1, "bins"))
    if bins.ndim != 1:
        raise OpError("digitize with bins that are not a vector is not modelled")
    nb = bins.shape[0]
    dt = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype=bins.dtype))
    ctx.charge("digitize", max(max(x.size, 1) * _ceil_log2(max(nb, 1)), 1), dt, origin_of([x, bins], dt))
    return Array(x.shape, "int64", vrange=(0, nb)) if x.ndim else NumpyScalar("int64", vrange=(0, nb))


@handler("lexsort")
def _lexsort(ctx, args, kwargs):
    """``lexsort(keys, axis=-1)``: len(keys) × slices × n·⌈log2 n⌉ for n the keys' extent along
    the axis, at the promotion of every key's dtype; int64 indices of the keys' shape."""
    if len(args) > 2 or set(kwargs) - {"axis", "keys"}:
        raise OpError("lexsort with these arguments is not modelled")
    keys_v = arg(args, kwargs, 0, "keys")
    if isinstance(keys_v, Array):
        if keys_v.ndim < 2:
            raise OpError("lexsort of a single vector is not modelled")
        keys = [Array(keys_v.shape[1:], keys_v.dtype)] * keys_v.shape[0]
    elif isinstance(keys_v, (TupleVal, ListVal)):
        keys = [to_array(ctx, k) for k in keys_v.items]
    else:
        raise OpError("lexsort's keys are not a known sequence")
    if not keys:
        raise OpError("lexsort of no keys is not modelled")
    first = keys[0]
    if any(k.shape != first.shape for k in keys) or first.ndim == 0:
        raise OpError("lexsort of keys of different or empty shapes is not modelled")
    ax = axis_index(known_int(arg(args, kwargs, 1, "axis", Known(-1)), "lexsort axis"), first.ndim)
    n = first.shape[ax]
    slices = first.size // n if n > 0 else 1
    dt = dtypes.result_type(*(Operand(dtype=d) for d in dict.fromkeys(k.dtype for k in keys)))
    ctx.charge("lexsort", max(len(keys) * slices * _sort_cost(n), 1), dt, None)
    return Array(first.shape, "int64", vrange=(0, max(n - 1, 0)))


@handler("setdiff1d", "union1d", "intersect1d", "setxor1d")
def _set_op(ctx, args, kwargs, op=None):
    """Set operations: (n + m)·⌈log2(n + m)⌉ at the promotion of both dtypes (weight 4 from the
    table); how many elements come back depends on values, within the bounds of each op."""
    if len(args) != 2 or kwargs:
        raise OpError(f"{op} with assume_unique= or return_indices= is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    n, m = a.size, b.size
    if op == "intersect1d":  # both inputs made unique first, then the concatenation sorted
        sizes = (max(n, 1), max(m, 1), max(n, 1) + max(m, 1))
    else:
        sizes = (max(n + m, 1),)
    dt = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    ctx.charge(op, sum(max(t * _ceil_log2(t), 1) for t in sizes), dt, origin_of([a, b], dt))
    known = _positions_within(a, b)
    if known is not None:
        # b's m distinct positions all lie among a's known values: the answer's size is known
        count = {"setdiff1d": known - m, "union1d": known, "intersect1d": m, "setxor1d": known - m}[op]
        made = Array((count,), a.dtype if op == "setdiff1d" else dt,
                     vrange=b.vrange if op == "intersect1d" else (int(a.value.min()), int(a.value.max())))
        made.distinct = True  # sorted unique values
        return made
    lo, hi = {"setdiff1d": (0, n), "union1d": (min(max(n, m), 1), n + m),
              "intersect1d": (0, min(n, m)), "setxor1d": (0, n + m)}[op]
    count = ctx.choose_size(lo, hi, f"{op}: the number of elements it returns depends on values")
    return mark_counted(ctx, Array((count,), a.dtype if op == "setdiff1d" else dt), 0)


def _positions_within(a: Array, b: Array) -> Optional[int]:
    """The number of unique values of ``a`` when they are known and hold every integer of the
    bounds of ``b``'s distinct positions (``setdiff1d(np.arange(w), top)``); None otherwise."""
    import numpy

    if a.value is None or not a.shape:
        return None
    if not (b.distinct and b.ndim == 1 and b.vrange is not None and a.dtype.startswith(("int", "uint"))):
        return None
    values = numpy.unique(numpy.asarray(a.value))
    lo, hi = b.vrange
    if hi - lo + 1 > values.size or not numpy.isin(numpy.arange(lo, hi + 1), values).all():
        return None
    return int(values.size)


@handler("searchsorted")
def _searchsorted(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    v = to_array(ctx, args[1])
    sorter = kwargs.get("sorter")
    # a permutation of the haystack (argsort's: its values' bounds known) changes where the
    # needles land, not the bill; numpy refuses others after flopscope's charge (not modelled)
    sorted_by = sorter is None or isinstance(sorter, Known) and sorter.value is None or isinstance(sorter, Array) \
        and sorter.shape == a.shape and sorter.dtype == "int64" and sorter.vrange is not None \
        and sorter.vrange[0] >= 0 and sorter.vrange[1] <= a.size - 1
    if a.ndim != 1 or set(kwargs) - {"side", "sorter"} or not sorted_by:
        raise OpError("searchsorted with this sorter= or a non-vector haystack is not modelled")
    m = max(v.size, 1)
    # billed at the promotion of the haystack's and the needles' dtypes, as flopscope's deduct
    dt = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=v.dtype))
    ctx.charge("searchsorted", max(m * _ceil_log2(a.size), 1), dt, origin_of([a, v], dt))
    # an insertion point lies in [0, len(a)] whatever the values (NaN sorts last): bincount's length,
    # and for one needle the count `int(searchsorted(cum, 0.9 * cum[-1])) + 1` an energy rank loops to
    return Array(v.shape, "int64", vrange=(0, a.size)) if v.ndim else NumpyScalar("int64", vrange=(0, a.size))


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


@handler("bincount")
def _bincount(ctx, args, kwargs):
    """numel(x) (at least 1) at the heavier of x's dtype and int64; int64 counts, or float64
    sums with ``weights=``. The length is ``max(max(x) + 1, minlength)``: known when x's
    values have known bounds (indices from argsort, argpartition, argmin, nonzero) and
    ``minlength`` covers them, else a size chosen between the bounds' lengths."""
    if len(args) > 1:  # flopscope's wrapper is bincount(x, **kwargs)
        raise OpRaises("TypeError", f"bincount() takes 1 positional argument but {len(args)} were given")
    if not args or set(kwargs) - {"weights", "minlength"}:
        raise OpError("bincount with these arguments is not modelled")
    x = to_array(ctx, args[0])
    weights = kwargs.get("weights", Known(None))
    minlength = known_int(kwargs.get("minlength", Known(0)), "bincount minlength", ctx)
    if x.ndim != 1 or not (x.dtype == "bool" or x.dtype.startswith(("int", "uint"))):
        raise OpError("bincount of an array that is not a vector of integers is not modelled")
    if not (isinstance(weights, Known) and weights.value is None):
        w = to_array(ctx, weights)
        if w.shape != x.shape or w.dtype.startswith("complex"):
            raise OpError("bincount with weights of another shape or complex weights is not modelled")
    billed = x.dtype if pricing.rate(x.dtype) >= pricing.rate("int64") else "int64"
    ctx.charge("bincount", max(x.size, 1), billed, None)
    bounds = (0, 1) if x.dtype == "bool" else x.vrange
    if x.size and bounds is not None and bounds[0] < 0:
        # numpy refuses negative values after flopscope billed the call; bounds are not values
        # (an argsort's are only reached by some element), so only an all-negative x surely raises
        if bounds[1] < 0:
            raise OpRaises("ValueError", "'list' argument must have no negative elements")
        raise OpError("bincount of values that may be negative (numpy raises ValueError for them)")
    if x.size == 0:
        n = minlength
    elif bounds is None:
        raise OpError("bincount: the length of the result depends on the largest value of x, which has no known bound")
    else:
        lo, hi = max(minlength, bounds[0] + 1), max(minlength, bounds[1] + 1)
        n = lo if lo == hi else ctx.choose_size(lo, hi, "bincount: the length of the result depends on the largest value")
    out = "int64" if isinstance(weights, Known) and weights.value is None else "float64"
    return Array((n,), out)
