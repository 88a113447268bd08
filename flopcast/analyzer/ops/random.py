"""Random draws from a ``Generator``: normal family, uniform, integers, choice, permutation.

flopscope charges numel of the draw times the method's weight (normal family 16,
uniform 3N, random/integers 1); choice and permutation follow flopscope's
``_choice_cost`` (pool size, ``p=``, ``replace=False``).
"""

from __future__ import annotations

from flopcast.analyzer import pricing
from flopcast.analyzer.ops.operands import _none, arg, broadcast, dtype_arg, known_shape, new_shape, shape_of, to_array
from flopcast.analyzer.ops.registry import OpError, handler
from flopcast.analyzer.values import Array, Generator, Known, NumpyScalar, Unknown, Value


@handler("random.default_rng")
def _default_rng(ctx, args, kwargs):
    return Generator()


_DRAW_BASE = {"uniform": 3}
_DRAW_DEFAULT_DTYPE = {"integers": "int64"}


def random_draw(ctx, method: str, args, kwargs, prefix: str = "random.Generator.") -> Value:
    op = f"{prefix}{method}"
    size_positions = {
        "standard_normal": 0, "random": 0, "random_sample": 0, "standard_exponential": 0, "normal": 2, "uniform": 2,
        "exponential": 1, "integers": 2, "poisson": 1, "gamma": 2, "beta": 2, "laplace": 2,
        "logistic": 2, "lognormal": 2, "binomial": 2,
    }
    if method in ("choice", "permutation"):
        return _choice_permutation(ctx, method, args, kwargs)
    if method not in size_positions:
        raise OpError(f"Generator.{method} is not modelled yet")
    size = arg(args, kwargs, size_positions[method], "size")
    if size is None or (isinstance(size, Known) and size.value is None):
        params = [a for i, a in enumerate(args) if i < size_positions[method]]
        shape = broadcast(*(shape_of(p) for p in params)) if params else ()
    else:
        shape = new_shape(known_shape(size, "size", ctx))
    explicit = dtype_arg(kwargs.get("dtype"))
    dt = explicit or _DRAW_DEFAULT_DTYPE.get(method, "float64")
    n = 1
    for s in shape:
        n *= s
    origin = ctx.span if (explicit is None and dt == "float64") else None
    ctx.charge(op, _DRAW_BASE.get(method, 1) * max(n, 1), dt, origin)
    if shape == ():
        return NumpyScalar(dt, origin)
    return Array(shape, dt, dtype_origin=origin)


def _choice_permutation(ctx, method: str, args, kwargs) -> Value:
    """``choice`` (replace=True, no ``p``) and ``permutation``: dtype-neutral, weight 4."""
    op = f"random.Generator.{method}"
    a = arg(args, kwargs, 0, "a" if method == "choice" else "x")
    if isinstance(a, Known) and isinstance(a.value, int) and not isinstance(a.value, bool):
        pool, pool_dtype, rest = a.value, "int64", ()
    else:
        arr = to_array(ctx, a)
        if arr.ndim == 0:
            raise OpError(f"Generator.{method} of a 0-d array is not modelled")
        pool, pool_dtype, rest = arr.shape[0], arr.dtype, arr.shape[1:]
    if method == "permutation":
        ctx.charge(op, max(pool, 1), None)
        return Array((pool,) + rest, pool_dtype)
    for name, index in (("axis", 4), ("shuffle", 5)):
        if not _none(arg(args, kwargs, index, name)):
            raise OpError(f"Generator.choice with {name}= is not modelled")
    replace_v = arg(args, kwargs, 2, "replace", Known(True))
    if not (isinstance(replace_v, Known) and isinstance(replace_v.value, bool)):
        raise OpError("Generator.choice: replace= is not a known bool")
    replace = replace_v.value
    p_v = arg(args, kwargs, 3, "p")
    with_p = not _none(p_v)
    if with_p:
        p_arr = to_array(ctx, p_v)
        if p_arr.shape != (pool,):
            raise OpError("Generator.choice: p does not match the pool (numpy raises)")
    size = arg(args, kwargs, 1, "size")
    shape = () if _none(size) else new_shape(known_shape(size, "size"))
    n = 1
    for d in shape:
        n *= d
    if not replace and n > pool:
        raise OpError("Generator.choice(replace=False) of more items than the pool raises ValueError")
    if pool == 0 and n > 0:
        raise OpError("Generator.choice from an empty pool raises ValueError")
    base = pricing.choice_base(pool, shape + rest, replace, with_p)  # draws of whole rows count every element
    ctx.charge(op, base, None)
    if shape == () and not rest:
        return NumpyScalar(pool_dtype)
    return Array(shape + rest, pool_dtype)


# numpy's legacy global RNG (``fnp.random.seed``, ``fnp.random.randn(n, w)``): float64 always
# (no dtype=), billed as ``random.<name>``; a draw of no size is a Python float.

@handler("random.seed")
def _legacy_seed(ctx, args, kwargs):
    return Known(None)


@handler("random.randn", "random.rand")
def _legacy_dims(ctx, args, kwargs, op=None):
    if kwargs:
        raise OpError(f"fnp.{op} takes dimensions only")
    shape = new_shape(tuple(known_shape(a, "dimension", ctx)[0] for a in args))
    n = 1
    for d in shape:
        n *= d
    ctx.charge(op, max(n, 1), "float64", ctx.span)
    if shape == ():
        return Unknown("float", ctx.span, f"the value fnp.{op}() draws")
    return Array(shape, "float64", dtype_origin=ctx.span)


@handler("random.standard_normal", "random.normal", "random.uniform", "random.random",
         "random.random_sample", "random.exponential")
def _legacy_sized(ctx, args, kwargs, op=None):
    method = op.split(".", 1)[1]
    if "dtype" in kwargs:
        raise OpError(f"fnp.{op} has no dtype= (numpy raises TypeError)")
    value = random_draw(ctx, method, args, kwargs, prefix="random.")
    if isinstance(value, NumpyScalar):
        return Unknown("float", ctx.span, f"the value fnp.{op}() draws")
    return value
