"""Pointwise ops: operators, ufuncs, clip, where, isnan/isinf/isfinite.

flopscope charges numel of the broadcast output (unique elements when the output is
symmetric), floored at 1, times the op's weight (16 for exp/log/trig/``**``), billed at
the heavier of numpy's loop dtype and ``result_type``; ``clip`` charges per bound.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import (
    _none,
    arg,
    axis_index,
    broadcast,
    dtype_arg,
    non_array_type,
    numel,
    operand,
    origin_of,
    shape_of,
    to_array,
)
from flopcast.analyzer.ops.registry import OpError, OpRaises, by_category, categories, handler
from flopcast.analyzer.ops.sorting import _nonzero_like
from flopcast.analyzer.ops.symmetry import _sym_of_pointwise, refuse_voided_claim
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value, hold_ends, holds_ends


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


#: ufuncs with integer and boolean loops only
_INTEGER_ONLY = frozenset({"bitwise_and", "bitwise_or", "bitwise_xor", "invert", "bitwise_not", "bitwise_invert",
                           "left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift"})


#: pointwise results by what decides them (op, dtype=, each operand's dtype/weak kind, shape
#: and symmetry): unrolled loops ask the same questions again and again.
_POINTWISE_MEMO: dict = {}


def _pointwise_key(op: str, values: list[Value], dtype_kw: Optional[str]):
    # counters.py lets this function read a watched number: it must look only at its type.
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


def _lists_as_arrays(ctx, values: list[Value]) -> list[Value]:
    """numpy makes an array of a list operand before the ufunc runs (`x + [x[0], x[1]]`), and
    refuses a ragged one with its ValueError then."""
    return [to_array(ctx, v) if v.__class__ is TupleVal or v.__class__ is ListVal and not v.is_set
            and v.view_of is None else v for v in values]


def pointwise(ctx, op: str, values: list[Value], *, dtype_kw: Optional[str] = None, outputs: int = 1) -> Value:
    """``outputs``: flopscope prices a ufunc of several outputs (divmod, modf, frexp) as that
    many applications; the first output is returned."""
    values = _lists_as_arrays(ctx, values)
    key = _pointwise_key(op, values, dtype_kw)
    hit = _POINTWISE_MEMO.get(key) if key is not None else None
    if hit is not None:
        out_shape, loop_out, billed, sym, base = hit
        origin = origin_of(values, billed)
        ctx.charge(op, outputs * base, billed, origin)
        _check_weak_int(op, values)
        return _held_ends(op, values, Array(out_shape, loop_out, sym, dtype_origin=origin if loop_out == billed else None,
                                            vrange=_int_range(op, values, loop_out)))
    ops_ = [operand(v) for v in values]
    if op in _INTEGER_ONLY and any(o.weak in ("float", "complex") or o.dtype is not None
                                   and dtypes.kind(o.dtype) in "fc" for o in ops_):
        # numpy has no float loop for these: TypeError before flopscope charges anything
        raise OpRaises("TypeError", f"ufunc '{op}' not supported for the input types, and the inputs could not "
                                    "be safely coerced to any supported types according to the casting rule ''safe''")
    shapes = [shape_of(v) for v in values]
    out_shape = broadcast(*shapes)
    np_name = _NUMPY_UFUNC.get(op, op)
    refused = dtypes.ufunc_refusal(np_name, *ops_, dtype=dtype_kw)
    if refused is not None:
        # numpy has no loop for these dtypes (`gcd` of floats): flopscope resolves the loop
        # before it charges, and numpy's TypeError is raised then
        raise OpRaises(*refused)
    try:
        loop_in, loop_out = dtypes.ufunc_loop(np_name, *ops_) if dtype_kw is None else (dtype_kw, dtype_kw)
    except AttributeError:
        loop_in = loop_out = dtypes.result_type(*ops_)
        if op == "angle" and loop_in is not None:
            loop_in, loop_out = _angle_loop(loop_in)
        elif len(ops_) == 1 and loop_in is not None:
            loop_in, loop_out = _function_loop(op, np_name, loop_in)
    # ldexp's exponent steers the mantissa loop without computing in it: flopscope leaves it out
    # of the billed dtype (ldexp(float32, int32) bills float32, not result_type's float64)
    rated = ops_[:1] if op == "ldexp" else ops_
    billed = dtypes.heavier(loop_in, dtypes.result_type(*rated), pricing.rate) if len(ops_) > 1 else loop_in
    if dtype_kw is not None:
        billed = dtype_kw
    sym = _sym_of_pointwise(values, out_shape)
    base = max(pricing.unique_count(out_shape, sym), 1)
    if key is not None:
        _POINTWISE_MEMO[key] = (out_shape, loop_out, billed, sym, base)
    origin = origin_of(values, billed)
    ctx.charge(op, outputs * base, billed, origin)
    _check_weak_int(op, values)
    return _held_ends(op, values, Array(out_shape, loop_out, sym, dtype_origin=origin if loop_out == billed else None,
                                        vrange=_int_range(op, values, loop_out)))


#: the values each integer dtype holds; an int outside one of them is asked of numpy
_INT_RANGE = {f"int{b}": (-2 ** (b - 1), 2 ** (b - 1) - 1) for b in (8, 16, 32, 64)}
_INT_RANGE.update({f"uint{b}": (0, 2 ** b - 1) for b in (8, 16, 32, 64)})


def _check_weak_int(op: str, values: list[Value]) -> None:
    message = weak_int_overflow(op, values)
    if message is not None:
        raise OpRaises("OverflowError", message)
    if negative_int_power(op, values):
        raise OpRaises("ValueError", "Integers to negative integer powers are not allowed.")


def negative_int_power(op: str, values: list[Value]) -> bool:
    """``int_array ** -1``: numpy's integer power loop refuses a negative exponent (after
    flopscope's charge). Only an exponent of known value (a Python int, a numpy integer scalar or
    0-d array made from known numbers) is decided here; one read from an array depends on its values."""
    if op != "power" or len(values) != 2:
        return False
    base, exp = values
    if not (isinstance(base, (Array, NumpyScalar)) and base.dtype in _INT_RANGE):
        return False
    if type(exp) is Known:
        return type(exp.value) is int and exp.value < 0
    return (type(exp) is NumpyScalar or type(exp) is Array and exp.shape == ()) and exp.dtype in _INT_RANGE \
        and exp.value is not None and exp.value < 0


def weak_int_overflow(op: str, values: list[Value]) -> Optional[str]:
    """numpy raises OverflowError, after flopscope has charged the op, when a Python int does not
    fit the dtype of an integer operand (``q * 200`` on int8, ``u - (-1)`` on uint8): NEP 50
    converts the weak int to that dtype. Asked of numpy only when an int lies outside the range of
    an integer array's or numpy scalar's dtype (numpy decides which loop, and message, applies)."""
    # The dtypes first: a Python int is read only beside an integer operand (a loop's count that
    # weighs float arrays stays unread, so the loop can still be skipped: counters.py).
    ranges = [r for v in values if isinstance(v, (Array, NumpyScalar)) and (r := _INT_RANGE.get(v.dtype))]
    if not ranges:
        return None
    ints = [v.value for v in values if type(v) is Known and type(v.value) is int]
    if all(r[0] <= i <= r[1] for r in ranges for i in ints):
        return None  # fits every integer operand: numpy computes
    args = []
    for v in values:
        if isinstance(v, (Array, NumpyScalar)) and v.dtype is not None:
            args.append(v.dtype)
        elif type(v) is Known and type(v.value) in (int, float, complex):
            args.append(v.value)
        else:
            return None  # an operand numpy's answer would need more of: leave it as before
    return dtypes.weak_int_overflow(_NUMPY_UFUNC.get(op, op), tuple(args))


def _int_range(op: str, values: list[Value], dtype: Optional[str]) -> Optional[tuple]:
    """Bounds of an integer result from its operands' bounds (an index array's, a known int's):
    ``(ranks * bins) // n`` of an argsort's ranks lies in [0, bins - 1], so a ``bincount`` of it
    has a known length. ``idx % k`` lies in [0, k - 1] for k > 0 whatever idx holds (numpy's
    integer modulo takes the divisor's sign). None when a bound is unknown or leaves the dtype."""
    if len(values) != 2 or dtype is None or dtypes.kind(dtype) not in "iu":
        return None
    a, b = (_int_bounds(v) for v in values)
    if op in ("remainder", "mod"):
        return (0, b[0] - 1) if b is not None and b[0] == b[1] and b[0] > 0 else None
    if a is None or b is None:
        return None
    if op == "add":
        bounds = (a[0] + b[0], a[1] + b[1])
    elif op == "subtract":
        bounds = (a[0] - b[1], a[1] - b[0])
    elif op == "multiply":
        corners = [x * y for x in a for y in b]
        bounds = (min(corners), max(corners))
    elif op == "floor_divide" and b[0] > 0:
        # for a positive divisor, x // y is monotone in each argument: the corners bound it
        corners = [x // y for x in a for y in b]
        bounds = (min(corners), max(corners))
    else:
        return None
    return bounds if dtypes.fits_integer(bounds, dtype) else None


def _held_ends(op: str, values: list, made: Array) -> Array:
    """``made`` marked as holding its vrange's ends where an operand holding its own meets a
    known int by a map monotone in each element (``idx + 1``, ``2 * idx``, ``idx // 3``): the
    ends are the images of the operand's ends."""
    if made.vrange is None or len(values) != 2 or op not in ("add", "subtract", "multiply", "floor_divide"):
        return made
    arrays = [v for v in values if isinstance(v, Array)]
    known = [v for v in values if isinstance(v, Known) and type(v.value) is int]
    if len(arrays) == 1 and len(known) == 1 and holds_ends(arrays[0]) and arrays[0].shape == made.shape \
            and (op != "floor_divide" or values[0] is arrays[0] and known[0].value > 0):
        hold_ends(made)
    return made


def _int_bounds(v: Value) -> Optional[tuple]:
    """(lo, hi) of an integer operand's values: an array's known bounds or a known int."""
    if isinstance(v, Array):
        return v.vrange
    if isinstance(v, Known) and type(v.value) is int:
        return (v.value, v.value)
    return None


#: flopscope's non-ufunc unary ops that floor an integer input's billing at float64
_FLOAT64_MIN_FUNCTIONS = frozenset({"i0", "sinc"})


def _function_loop(op: str, np_name: str, dtype: str) -> tuple[str, str]:
    """(billed, result) dtypes of a unary op numpy implements as a function, not a ufunc
    (``sinc``, ``i0``): numpy answers the result dtype (sinc(int32) is float64); flopscope
    bills the input's dtype, an integer one floored at float64 for i0/sinc."""
    out = dtypes.function_result(np_name, dtype)
    if out is None:  # numpy refuses this dtype: keep the input's
        return dtype, dtype
    if op in _FLOAT64_MIN_FUNCTIONS and dtypes.kind(dtype) in "biu":
        return "float64", out
    return dtype, out


def _angle_loop(dtype: str) -> tuple[str, str]:
    """(billed, result) dtypes of ``fnp.angle``: numpy's angle is a function, not a ufunc;
    it returns the real dtype of a complex input (complex64 -> float32), which flopscope bills
    at the complex input; an integer input computes (and is billed) in numpy's float loop for
    its width, a bool one in float64 (flopscope's _UNARY_FLOAT_LOOP_OPS)."""
    out = dtypes.function_result("angle", dtype)
    if out is None:  # numpy refuses this dtype: keep the input's
        return dtype, dtype
    kind = dtypes.kind(dtype)
    if kind == "b":
        return "float64", out
    return (out, out) if kind in "iu" else (dtype, out)


def pointwise_out(ctx, op: str, values: list[Value], out: Value, dtype_kw: Optional[str],
                  widened: Optional[tuple] = None) -> Value:
    """A ufunc writing into ``out=``: the buffer's dtype joins the billed-dtype resolution
    (flopscope's ``store_billing_dtypes``: ``result_type(loop dtypes..., out.dtype)``) and the
    buffer itself is returned, untagged (operand symmetry still discounts the count). Only plain
    (untagged) buffers of exactly the output shape are modelled, an input's own among them."""
    if isinstance(out, TupleVal) and len(out.items) == 1:
        out = out.items[0]
    if not isinstance(out, Array):
        wrong = non_array_type(out)
        if wrong is not None:
            raise OpRaises("TypeError", f"{op}(): return arrays must be of ArrayType -- out= must be an array, or a "
                                        f"tuple of 1 holding one per output, not {wrong[0]}. Pass the destination "
                                        "array itself, not a container holding it.")
        raise OpError(f"{op}(..., out=) with a non-array buffer is not modelled")
    values = _lists_as_arrays(ctx, values)
    # An input passed as its own destination (`fnp.maximum(buf, 0.0, out=buf)`) is priced as
    # any other plain buffer: flopscope charges the ufunc once and returns that object.
    ops_ = [operand(v) for v in values]
    out_shape = broadcast(*(shape_of(v) for v in values))
    if (widened or out_shape) != out.shape:
        raise OpError(f"{op}(..., out=) with a buffer of another shape than the result is not modelled")
    sym = _sym_of_pointwise(values, out_shape)  # prices the call; the plain buffer comes back untagged
    # (a constant fill's inferred tag is dropped by an unsymmetric result, as flopscope drops it)
    if out.sym and not (out.sym_inferred and sym is None) or out.was_tagged and sym:
        raise OpError(f"{op}(..., out=) into a symmetric-tagged buffer is not modelled")
    refuse_voided_claim(op, out, lambda: sym)
    np_name = _NUMPY_UFUNC.get(op, op)
    refused = dtypes.ufunc_refusal(np_name, *ops_, dtype=dtype_kw)
    if refused is not None:
        raise OpRaises(*refused)  # no loop for the operands' dtypes, as in pointwise()
    if dtype_kw is not None:
        loop_in = loop_out = dtype_kw
    else:
        try:
            loop_in, loop_out = dtypes.ufunc_loop(np_name, *ops_)
        except AttributeError:
            raise OpError(f"{op}(..., out=) is not a numpy ufunc call flopcast can resolve")
    # numpy refuses the cast (`fnp.multiply(int8s, 1.5, out=int8_buffer)`) after flopscope charged
    cast_fails = not dtypes.can_cast(loop_out, out.dtype, "same_kind")
    if len(ops_) > 1:
        natural = dtypes.heavier(loop_in, dtypes.result_type(*ops_), pricing.rate)
    else:
        natural = loop_in
    billed = dtypes.result_type(Operand(dtype=natural), Operand(dtype=out.dtype))
    if dtype_kw is not None:
        billed = dtypes.result_type(Operand(dtype=dtype_kw), Operand(dtype=out.dtype))
    base = max(pricing.unique_count(out_shape, sym), 1)
    ctx.charge(op, base, billed, origin_of(list(values) + [out], billed))
    _check_weak_int(op, values)
    if cast_fails:
        raise OpRaises("_UFuncOutputCastingError", f"Cannot cast ufunc '{np_name}' output from "
                                                   f"dtype('{loop_out}') to dtype('{out.dtype}') with casting rule 'same_kind'")
    ctx.write_in_place(out)  # the buffer's old values, and what was known of them, are gone
    return out


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
    if extra or len(args) > 1:  # (flopscope's second place is out=, numpy's copy)
        raise OpError(f"nan_to_num with {', '.join(sorted(extra)) or 'extra arguments'} is not modelled")
    return pointwise(ctx, "nan_to_num", [x])


@handler("clip", models_out=True)
def _clip(ctx, args, kwargs):
    x = arg(args, kwargs, 0, "a")
    lo = arg(args, kwargs, 1, "a_min", kwargs.get("min"))
    hi = arg(args, kwargs, 2, "a_max", kwargs.get("max"))
    out = arg(args, kwargs, 3, "out")
    bounds = [b for b in (lo, hi) if not _none(b)]
    values = _lists_as_arrays(ctx, [x] + bounds)
    ops_ = [operand(v) for v in values]
    out_shape = broadcast(*(shape_of(v) for v in values))
    billed = dtypes.result_type(*ops_)
    sym = _sym_of_pointwise(values, out_shape)
    base = max(len(bounds), 1) * max(pricing.unique_count(out_shape, sym), 1)
    if not _none(out):
        made = _clip_into(ctx, values, out, out_shape, billed, base)
    else:
        origin = origin_of(values, billed)
        ctx.charge("clip", base, billed, origin)
        made = Array(out_shape, billed, sym, dtype_origin=origin, vrange=_clip_range(billed, lo, hi))
    given_min, given_max = len(args) > 1 or "a_min" in kwargs, len(args) > 2 or "a_max" in kwargs
    if given_min != given_max:
        # numpy's clip takes a_min and a_max as a pair (min=/max= alone): after flopscope's charge
        raise OpRaises("TypeError", f"clip() missing 1 required positional argument: "
                                    f"'{'a_max' if given_min else 'a_min'}'")
    if not bounds:
        # numpy's clip without bounds is np.positive, which has no bool loop: raised after the charge
        refused = dtypes.ufunc_refusal("positive", operand(values[0]))
        if refused is not None:
            raise OpRaises(*refused)
    return made


def _clip_into(ctx, values: list[Value], out: Value, out_shape: tuple, natural: str, base: int) -> Value:
    """``clip(..., out=buf)``: the buffer's dtype joins the billed dtype (flopscope's
    ``store_billing_dtypes``), the buffer is written and handed back, untagged. Only a plain buffer
    of the result's shape that numpy can cast the result into is modelled (an input's own too)."""
    if not isinstance(out, Array) or out.shape != out_shape or out.sym and not (
            out.sym_inferred and not out.was_tagged and _sym_of_pointwise(values, out_shape) is None) \
            or not dtypes.can_cast(natural, out.dtype, "same_kind"):
        raise OpError("clip(..., out=) into a tagged buffer, one of another shape, or one the result "
                      "cannot be cast into is not modelled")
    refuse_voided_claim("clip", out, lambda: _sym_of_pointwise(values, out_shape))
    billed = dtypes.result_type(Operand(dtype=natural), Operand(dtype=out.dtype))
    ctx.charge("clip", base, billed, origin_of(list(values) + [out], billed))
    ctx.write_in_place(out)
    return out


def _clip_range(dtype: str, lo: Optional[Value], hi: Optional[Value]) -> Optional[tuple]:
    """An integer clip between two known ints lies between them whatever it clips:
    ``fnp.bincount(fnp.clip(codes, 0, k - 1), minlength=k)`` has length k. (numpy's clip is
    maximum(minimum(x, hi), lo): with lo > hi every element is lo, still inside [min, max].)"""
    if dtypes.kind(dtype) not in "iu" or not all(isinstance(b, Known) and type(b.value) is int for b in (lo, hi)):
        return None
    return (min(lo.value, hi.value), max(lo.value, hi.value))


@handler("where")
def _where(ctx, args, kwargs):
    if len(args) == 1 and not kwargs:
        return _nonzero_like(ctx, "nonzero", args[0], tuple_result=True)
    cond, a, b = _lists_as_arrays(ctx, list(args[:3]))
    out_shape = broadcast(shape_of(cond), shape_of(a), shape_of(b))
    billed = dtypes.result_type(operand(a), operand(b))
    n = 1
    for s in out_shape:
        n *= s
    origin = origin_of([a, b], billed)
    ctx.charge("where", max(n, 1), billed, origin)  # weight 4 comes from the table
    return Array(out_shape, billed, dtype_origin=origin)


@handler("diff")
def _diff(ctx, args, kwargs):
    """np.diff: n rounds of ``a[1:] - a[:-1]`` along the axis, billed at the input's dtype,
    ``sum over k = 1..n of (L - k)`` per line (flopscope's closed form). ``prepend=`` and
    ``append=`` are concatenated along the axis first: L grows by their length there (1 for a
    scalar), and the bill is at the dtypes' promotion as arrays (np.concatenate's, no weak
    Python scalars: a float32 input with ``prepend=0.0`` bills float64)."""
    x = to_array(ctx, args[0])
    if len(args) > 5 or set(kwargs) - {"n", "axis", "prepend", "append"}:
        raise OpError("diff with these arguments is not modelled")
    n_v = arg(args, kwargs, 1, "n", Known(1))
    axis_v = arg(args, kwargs, 2, "axis", Known(-1))
    if not (isinstance(n_v, Known) and type(n_v.value) is int and n_v.value >= 1):
        raise OpError("diff with an order n that is not a known positive int is not modelled")
    if not (isinstance(axis_v, Known) and type(axis_v.value) is int):
        raise OpError("diff axis= is not a known int")
    if x.ndim == 0:
        # flopscope reads the axis's length before numpy's own check (ValueError) can run
        if ctx.free > 0:
            raise OpRaises("ValueError", "diff requires input that is at least one dimensional")
        raise OpRaises("IndexError", "tuple index out of range")
    ax = axis_index(axis_v.value, x.ndim)
    n, length = n_v.value, x.shape[ax]
    lines = 1
    for i, extent in enumerate(x.shape):
        lines *= extent if i != ax else 1
    billed, origin = x.dtype, x.dtype_origin
    for place, name in ((3, "prepend"), (4, "append")):
        given = arg(args, kwargs, place, name, None)
        if given is None:
            continue
        if not isinstance(given, (Array, Known, ListVal, TupleVal)):
            raise OpError(f"diff {name}= of a value flopcast does not follow is not modelled")
        edge = to_array(ctx, given)
        if edge.ndim == 0:
            length += 1
        elif edge.ndim == x.ndim and all(e == s for i, (e, s) in enumerate(zip(edge.shape, x.shape)) if i != ax):
            length += edge.shape[ax]
        else:
            raise OpError(f"diff {name}= whose shape does not fit the input's is not modelled")
        promoted = dtypes.result_type(Operand(dtype=billed), Operand(dtype=edge.dtype))
        if promoted != billed:
            billed, origin = promoted, ctx.span
    ctx.charge("diff", max(lines * (n * length - n * (n + 1) // 2), 1), billed, origin)
    shape = x.shape[:ax] + (max(length - n, 0),) + x.shape[ax + 1:]
    return Array(shape, billed, dtype_origin=origin)


@handler("gradient")
def _gradient(ctx, args, kwargs):
    """np.gradient with uniform spacing (none, or one scalar): 2·size per differentiated axis,
    + 6·(size // L) with edge_order 2 (flopscope's closed form), billed at mean's compute
    dtype (an integer input in float64). One array for a single axis, else a tuple (empty for a
    0-d input). flopscope charges, then numpy refuses an axis of fewer than edge_order + 1
    elements (a stack of one layer's rows at depth 1)."""
    x = to_array(ctx, args[0])
    spacing = args[1:]
    if set(kwargs) - {"axis", "edge_order"} or len(spacing) > 1 or spacing and not (
            isinstance(spacing[0], Known) and isinstance(spacing[0].value, (int, float))):
        raise OpError("gradient with coordinate arrays is not modelled")
    edge = kwargs.get("edge_order", Known(1))
    axis = kwargs.get("axis", Known(None))
    if not (isinstance(edge, Known) and edge.value in (1, 2)) or not isinstance(axis, Known):
        raise OpError("gradient with this edge_order or axis is not modelled")
    billed = dtypes.reduction_accumulator("mean", x.dtype)
    origin = x.dtype_origin if billed == x.dtype else ctx.span
    if x.ndim == 0:
        ctx.charge("gradient", 1, billed, origin)
        return TupleVal(())
    raw = axis.value
    single = isinstance(raw, int) or x.ndim == 1 and raw is None
    axes = range(x.ndim) if raw is None else [raw] if isinstance(raw, int) else list(raw)
    axes = [axis_index(a, x.ndim) for a in axes]
    cost = sum(2 * x.size + (6 * (x.size // x.shape[a]) if edge.value != 1 and x.shape[a] > 0 else 0) for a in axes)
    ctx.charge("gradient", max(cost, 1), billed, origin)
    if any(x.shape[a] < edge.value + 1 for a in axes):
        raise OpRaises("ValueError", "Shape of array too small to calculate a numerical gradient, at least "
                                     "(edge_order + 1) elements are required.")
    if single:
        return Array(x.shape, billed, dtype_origin=origin)
    return TupleVal(tuple(Array(x.shape, billed, dtype_origin=origin) for _ in axes))


@handler("ediff1d")
def _ediff1d(ctx, args, kwargs):
    """``ediff1d(ary, to_end=None, to_begin=None)``: the flattened differences, numel − 1 plus
    whatever is put at either end, at ary's dtype."""
    if len(args) > 3 or set(kwargs) - {"to_end", "to_begin"}:
        raise OpError("ediff1d with these arguments is not modelled")
    x = to_array(ctx, args[0])
    extra = 0
    for index, name in ((1, "to_end"), (2, "to_begin")):
        v = arg(args, kwargs, index, name)
        if v is not None and not (isinstance(v, Known) and v.value is None):
            extra += max(to_array(ctx, v).size, 1) if not isinstance(v, Array) else v.size
    if x.size == 0:
        raise OpError("ediff1d of an empty array is not modelled")
    length = x.size - 1 + extra
    ctx.charge("ediff1d", max(length, 1), x.dtype, x.dtype_origin)
    return Array((length,), x.dtype, dtype_origin=x.dtype_origin)


_CORRELATE_MODES = {0: "valid", 1: "same", 2: "full"}


@handler("convolve", "correlate")
def _convolve(ctx, args, kwargs, op=None):
    """``convolve(a, v, mode='full')`` / ``correlate(a, v, mode='valid')`` of vectors: flopscope's
    ``_correlate_cost(n, m, mode)``, except convolve's full mode, which flopscope keeps at
    2·n·m − n − m; at the promotion of both dtypes."""
    if len(args) > 3 or set(kwargs) - {"mode"}:
        raise OpError(f"{op} with these arguments is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim != 1 or b.ndim != 1:
        raise OpError(f"{op} of arrays that are not vectors (numpy raises)")
    n, m = a.size, b.size
    if n == 0 or m == 0:
        raise OpRaises("ValueError", f"{'a' if n == 0 else 'v'} cannot be empty")
    mode_v = arg(args, kwargs, 2, "mode", Known("full" if op == "convolve" else "valid"))
    if not isinstance(mode_v, Known) or not isinstance(mode_v.value, (str, int)):
        raise OpError(f"{op}'s mode= is not known statically")
    mode = _CORRELATE_MODES.get(mode_v.value) if isinstance(mode_v.value, int) else {
        "f": "full", "v": "valid", "s": "same"}.get(mode_v.value.lower()[:1])
    if mode is None:
        raise OpError(f"{op} with mode={mode_v.value!r} is not modelled")
    if op == "convolve" and mode == "full":
        base = max(2 * n * m - n - m, 1)
    else:
        base = pricing.pointwise("_correlate_cost", n, m, mode)
    length = {"full": n + m - 1, "valid": max(n, m) - min(n, m) + 1, "same": max(n, m)}[mode]
    dt = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    ctx.charge(op, base, dt, origin_of([a, b], dt))
    return Array((length,), dt)


@handler("isnan", "isinf", "isfinite")
def _predicate(ctx, args, kwargs, op=None):
    # flopscope's signature is (x, **kwargs): a second positional (`isfinite(x, 0.0)`, numpy's
    # out) is Python's TypeError before anything is billed
    if len(args) > 1:
        raise OpRaises("TypeError", f"{op}() takes 1 positional argument but {len(args)} were given")
    if not args and "x" not in kwargs:
        raise OpRaises("TypeError", f"{op}() missing 1 required positional argument: 'x'")
    kwargs = dict(kwargs)
    x = to_array(ctx, args[0] if args else kwargs.pop("x"))
    if kwargs:
        # out= is billed at its dtype, numpy's ufunc keywords (where=, dtype=, ...) are passed on
        # as given (a flopscope array as where= reaches numpy unstripped: RuntimeError)
        raise OpError(f"{op}(..., {', '.join(f'{k}=' for k in kwargs)}) is not modelled")
    ctx.charge(op, x.size, x.dtype, None)
    # flopscope hands back numpy's own bool array for a symmetric tensor: numpy ops on it
    # (`~mask`, `mask & other`) are free, fnp calls on it (`fnp.all(mask)`) are billed
    return Array(x.shape, "bool", plain=bool(x.sym))


#: Counted binary ufuncs whose cost is not pointwise (they contract).
_NOT_POINTWISE = ("matvec", "vecmat", "vecdot")


@by_category("counted_unary", "counted_binary")
def ufunc(ctx, name: str, args, kwargs) -> Value:
    """``fnp.<ufunc>(x[, y], dtype=, out=)`` for every ufunc flopscope counts (read from its registry)."""
    if name in _NOT_POINTWISE:
        raise OpError(f"fnp.{name} is not modelled by flopcast yet")
    nin = 1 if categories().get(name) == "counted_unary" else 2
    if name in ("round", "around"):
        # round(a, decimals=0, out=None): the second positional is the number of decimals,
        # which does not change the price
        decimals = arg(args, kwargs, 1, "decimals", Known(0))
        if not (isinstance(decimals, Known) and isinstance(decimals.value, int)):
            raise OpError(f"{name} with decimals= that is not a known int is not modelled")
        args = list(args[:1]) + list(args[2:])
        kwargs = {k: v for k, v in kwargs.items() if k != "decimals"}
    # numpy's defaults spelled out change nothing (`casting="same_kind"`, `order="K"`, `subok=True`)
    kwargs = {k: v for k, v in kwargs.items()
              if not (k in _UFUNC_DEFAULTS and isinstance(v, Known) and v.value == _UFUNC_DEFAULTS[k]
                      and type(v.value) is type(_UFUNC_DEFAULTS[k]))}
    widened = _widened_by_where(name, args[:nin], kwargs)
    if widened is not None:
        kwargs = {k: v for k, v in kwargs.items() if k != "where"}
    kwargs = _drop_where_and_order(name, args[:nin], kwargs)
    dt = dtype_arg(kwargs.get("dtype"))
    out = kwargs.get("out", args[nin] if len(args) > nin else None)
    if set(kwargs) - {"dtype", "out"} or len(args) > nin + 1:
        raise OpError(f"{name} with where=, casting=, order= or extra arguments is not modelled")
    if name in _TWO_OUTPUTS:
        return _two_outputs(ctx, name, list(args[:nin]), out, dt)
    if not _none(out):
        return pointwise_out(ctx, name, list(args[:nin]), out, dt, widened)
    made = pointwise(ctx, name, list(args[:nin]), dtype_kw=dt)
    if widened is None:
        return made
    if not isinstance(made, Array) or made.sym:
        raise OpError(f"{name} with a where= mask that widens a symmetric or 0-d result is not modelled")
    return Array(widened, made.dtype, dtype_origin=made.dtype_origin)


def _widened_by_where(name: str, inputs, kwargs: dict) -> Optional[tuple]:
    """The result's shape where a bool ``where=`` mask broadcasts the unsymmetric array inputs
    to a larger one (``fnp.add(v, 1.0, where=m)`` with ``v`` (n,) and ``m`` (n, n)): numpy writes
    that shape, flopscope bills the inputs' own broadcast shape. None otherwise."""
    where = kwargs.get("where")
    if not isinstance(where, Array) or where.dtype != "bool" or name in _TWO_OUTPUTS \
            or any(isinstance(v, Array) and v.sym for v in inputs):
        return None
    try:
        shape = broadcast(*(shape_of(v) for v in inputs))
        wide = broadcast(shape, where.shape)
    except Exception:
        return None
    return wide if wide != shape else None


def _drop_where_and_order(name: str, inputs, kwargs: dict) -> dict:
    """``kwargs`` without the ``where=`` and ``order=`` that leave flopscope's bill as it is.

    flopscope prices a ufunc on its inputs' shapes and dtypes and hands ``where=`` to numpy
    untouched: a bool mask (or a known bool) that broadcasts into the inputs' shape changes which
    elements numpy writes, not the count, the result's shape, dtype or tag. ``order=`` (a memory
    layout) changes nothing billed either. A mask that widens the result, is not bool (numpy's
    TypeError after the charge) or may not broadcast is left to the caller's refusal."""
    where = kwargs.get("where")
    if where is not None and not (isinstance(where, Known) and (where.value is None or type(where.value) is bool)):
        if not (isinstance(where, Array) and where.dtype == "bool" and name not in _TWO_OUTPUTS):
            return kwargs
        try:
            shape = broadcast(*(shape_of(v) for v in inputs))
            if broadcast(shape, where.shape) != shape:
                return kwargs
        except Exception:
            return kwargs
    order = kwargs.get("order")
    if order is not None and not (isinstance(order, Known) and order.value in ("C", "F", "A", "K")):
        return kwargs
    return {k: v for k, v in kwargs.items() if k not in ("where", "order")}


#: keywords of every ufunc call whose value here is numpy's default
_UFUNC_DEFAULTS = {"casting": "same_kind", "order": "K", "subok": True}

#: ufuncs of two outputs: a tuple of two arrays, each output billed (nout × the pointwise cost)
_TWO_OUTPUTS = frozenset({"divmod", "modf", "frexp"})


def _two_outputs(ctx, name: str, values: list[Value], out, dt: Optional[str]) -> Value:
    if not _none(out) or dt is not None:
        raise OpError(f"{name} with out= or dtype= is not modelled")
    first = pointwise(ctx, name, values, outputs=2)
    second = dtypes.ufunc_outputs(name, *(operand(v) for v in values))[1]
    # two new arrays (not one object twice), each with the symmetry flopscope gives both
    return TupleVal((first, first.with_(dtype=second, dtype_origin=first.dtype_origin if second == first.dtype
                                        else None)))


@handler("cross")
def _cross(ctx, args, kwargs):
    """``cross(a, b)`` of 2- or 3-vectors along the last axis: 3 per output element (a 3-vector
    per pair, or one z per pair of 2-vectors) at the promotion of a's and b's dtypes."""
    if len(args) != 2 or kwargs:
        raise OpError("cross with axis arguments is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise OpRaises("ValueError", "incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    lead = broadcast(a.shape[:-1], b.shape[:-1])
    shape = lead if a.shape[-1] == b.shape[-1] == 2 else lead + (3,)
    dt = dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype))
    origin = origin_of([a, b], dt)
    ctx.charge("cross", max(3 * numel(shape), 1), dt, origin)
    return Array(shape, dt, dtype_origin=origin)


def ufunc_outer(ctx, op: str, args, kwargs) -> Array:
    """``np.<ufunc>.outer(a, b)`` with a flopscope operand: flopscope's generic ufunc-method path
    (``_counted_ufunc_outer``) charges ``a.size * b.size`` (floored at 1) under the name
    ``<ufunc.__name__>.outer`` at the base ufunc's weight, scaled to the unique elements of the
    output's symmetry: the direct product of the operands' groups (no discount for one array
    passed twice). numpy's outer takes a Python number as the strong 0-d array ``np.asarray``
    makes of it (``np.add.outer(float32, 2)`` is float64), and flopscope bills it so."""
    import numpy as np

    ufunc = getattr(np, op[: -len(".outer")], None)
    if not isinstance(ufunc, np.ufunc) or ufunc.nin != 2 or ufunc.nout != 1:
        raise OpError(f"{op} of other than a binary ufunc of one output is not modelled")
    if kwargs or len(args) != 2:
        raise OpError(f"{op} with keywords or other than two operands is not modelled")
    operands = []
    for v in args:
        if isinstance(v, Array):
            operands.append(v)
        elif isinstance(v, NumpyScalar) or isinstance(v, Known) and type(v.value) in (bool, int, float):
            dtype = v.dtype if isinstance(v, NumpyScalar) else np.asarray(v.value).dtype.name
            operands.append(Array((), dtype))
        else:
            raise OpError(f"{op} of an operand other than an array or a number is not modelled")
    name = ufunc.__name__
    strong = [operand(v) for v in operands]
    if dtypes.ufunc_refusal(name, *strong) is not None:
        raise OpError(f"{op}: numpy has no loop for these operands (not modelled)")
    loop_in, loop_out = dtypes.ufunc_loop(name, *strong)
    billed = dtypes.heavier(loop_in, dtypes.result_type(*(strong[:1] if name == "ldexp" else strong)), pricing.rate)
    a, b = operands
    out_shape = a.shape + b.shape
    sym = tuple(a.sym or ()) + tuple(tuple(axis + a.ndim for axis in group) for group in b.sym or ()) or None
    dense = max(a.size * b.size, 1)
    elements = numel(out_shape)
    base = dense if elements <= 1 else max(dense * pricing.unique_count(out_shape, sym) // elements, 1)
    origin = origin_of(operands, billed)
    ctx.charge(f"{name}.outer", base, billed, origin)
    return Array(out_shape, loop_out, sym, dtype_origin=origin if loop_out == billed else None)
