"""Random draws from a ``Generator``: normal family, uniform, integers, choice, permutation.

flopscope charges numel of the draw times the method's weight (normal family 16,
uniform 3N, random/integers 1); choice and permutation follow flopscope's
``_choice_cost`` (pool size, ``p=``, ``replace=False``).
"""

from __future__ import annotations

import functools
from functools import lru_cache
from typing import Optional

from flopcast.analyzer import counters, dtypes, pricing, stdlib_containers
from flopcast.analyzer.ops.operands import (
    _none,
    arg,
    axis_index,
    broadcast,
    dtype_arg,
    known_int,
    known_shape,
    new_shape,
    shape_of,
    to_array,
)
from flopcast.analyzer.ops.registry import HANDLERS, OpError, OpRaises, categories, handler
from flopcast.analyzer.ops.sorting import _ceil_log2, positions
from flopcast.analyzer.values import Array, Builtin, DTypeRef, Generator, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value


@handler("random.default_rng")
def _default_rng(ctx, args, kwargs):
    _check_seed("default_rng", args, kwargs)
    return Generator()


def _accepted_counter(how: str, seed: Known) -> bool:
    """A watched number (a call counter: ``default_rng(1000 * self.calls + layer)``) that numpy
    takes as a seed, told by comparisons the watch records rather than by reading its value: the
    seed steers the values drawn, never a cost, and a read would keep the calls from settling.
    A later call whose seed would answer otherwise is run, not skipped (counters.py)."""
    watch = counters._ACTIVE
    if watch is None or not watch.sees(seed) or counters.raw_value(seed).__class__ is not int:
        return False
    if not _holds(watch.compare("GtE", seed, Known(0))):
        return False
    # the legacy seed takes 32 bits only
    return how == "default_rng" or _holds(watch.compare("LtE", seed, Known(2**32 - 1)))


def _holds(answer: Optional[Known]) -> bool:
    return answer is not None and counters.raw_value(answer) is True


def _check_seed(how: str, args, kwargs) -> None:
    """numpy refuses a known seed it cannot take (a negative int, a float; past 2**32 - 1 for the
    legacy seed): numpy itself is asked with the same known seed."""
    seed = arg(args, kwargs, 0, "seed")
    if len(args) > 1 or not isinstance(seed, Known) or _accepted_counter(how, seed) \
            or type(seed.value) not in (int, float, bool):
        return
    value = seed.value

    def ask() -> Optional[list]:
        import numpy as np

        try:
            np.random.default_rng(value) if how == "default_rng" else np.random.RandomState().seed(value)
        except (ValueError, TypeError) as exc:
            return [type(exc).__name__, str(exc)]
        return None

    # Kept per numpy version (dtypes.ANSWERS): importing numpy.random to ask was a tenth of an analysis.
    refused = dtypes.ANSWERS.ask(f"seed_refusal|{how}|{type(value).__name__}|{value!r}", ask)
    if refused is not None:
        raise OpRaises(*refused)


def _known_probabilities(p_v) -> Optional[list]:
    """The numbers of a ``p=`` given as a flat list or tuple of known Python numbers; None otherwise."""
    if isinstance(p_v, Known) and isinstance(p_v.value, (list, tuple)):
        items = list(p_v.value)
    elif isinstance(p_v, (ListVal, TupleVal)) and all(isinstance(v, Known) for v in p_v.items):
        items = [v.value for v in p_v.items]
    else:
        return None
    return items if items and all(type(v) in (int, float, bool) for v in items) else None


def _check_probabilities(p_v, pool: int, draws: int, replace: bool, legacy: bool) -> None:
    """numpy's ValueError for a known ``p=`` it refuses (a NaN, a negative, a sum off 1 by more
    than its tolerance, fewer nonzero entries than draws without replacement): numpy itself is
    asked with the same numbers. A ``p`` of unknown values is presumed valid."""
    values = _known_probabilities(p_v)
    if values is None or len(values) != pool:
        return
    import numpy as np

    try:
        if legacy:
            np.random.RandomState(0).choice(pool, size=None if replace else draws, replace=replace, p=values)
        else:
            np.random.default_rng(0).choice(pool, size=None if replace else draws, replace=replace, p=values)
    except ValueError as exc:
        raise OpRaises("ValueError", str(exc)) from None


_DRAW_BASE = {"uniform": 3}


#: each sampler's distribution parameters, in order (the size follows them)
_DRAW_PARAMS = {
    "standard_normal": (), "random": (), "random_sample": (), "standard_exponential": (),
    "normal": ("loc", "scale"), "uniform": ("low", "high"), "exponential": ("scale",), "integers": ("low", "high"),
    "poisson": ("lam",), "gamma": ("shape", "scale"), "beta": ("a", "b"), "laplace": ("loc", "scale"),
    "logistic": ("loc", "scale"), "lognormal": ("mean", "sigma"), "binomial": ("n", "p"),
    "standard_t": ("df",), "chisquare": ("df",), "standard_cauchy": (), "standard_gamma": ("shape",),
    "rayleigh": ("scale",), "weibull": ("a",), "pareto": ("a",), "power": ("a",), "gumbel": ("loc", "scale"),
    "wald": ("mean", "scale"), "vonmises": ("mu", "kappa"), "triangular": ("left", "mode", "right"),
    "f": ("dfnum", "dfden"), "geometric": ("p",),
}
#: The parameters numpy's sampler takes as a flopscope array. numpy checks every other one
#: (a bound, a positive scale) with its own ufuncs on the array it was handed, inside
#: flopscope's wrapper, and flopscope refuses that with a RuntimeError (measured on 0.12.4).
_ARRAY_PARAMS_ACCEPTED = {("normal", "loc"), ("laplace", "loc"), ("logistic", "loc"), ("lognormal", "mean"),
                          ("binomial", "p"), ("integers", "low"), ("integers", "high")}
#: Generator samplers whose numpy signature takes ``dtype`` right after ``size``
_DTYPE_AFTER_SIZE = {"standard_normal", "random", "standard_exponential", "integers", "standard_gamma"}


@lru_cache(maxsize=None)
def _draw_dtype(generator: bool, method: str) -> str:
    """The dtype numpy's sampler draws at when no ``dtype=`` is asked (int64 for the counting
    distributions: integers, poisson, binomial, geometric), read from one draw of numpy's own
    with the first parameters it accepts (the draw is unpriced when none is accepted); a draw of
    no size is a Python int exactly when this is an integer dtype. Kept per numpy version
    (dtypes.ANSWERS)."""
    def ask() -> Optional[str]:
        import numpy as np

        sampler = np.random.default_rng(0) if generator else np.random.RandomState(0)
        draw = getattr(sampler, method, None)
        k = len(_DRAW_PARAMS[method])
        for params in ((1,) * k, (0.5,) * k, (0, 1, 2)[:k], (1, 2, 3)[:k]):
            try:
                return np.asarray(draw(*params, size=1)).dtype.name
            except (ValueError, TypeError, OverflowError):
                continue
        return None

    found = dtypes.ANSWERS.ask(f"draw_dtype|{generator}|{method}", ask)
    if found is None:
        raise OpError(f"the dtype numpy draws {method} at could not be read from numpy (no sample draw went through)")
    return found


def random_draw(ctx, method: str, args, kwargs, prefix: str = "random.Generator.") -> Value:
    op = f"{prefix}{method}"
    generator = prefix == "random.Generator."
    if generator and method in _MOVEMENT_METHODS:
        _refuse_keywords(method, kwargs)
    if method in ("choice", "permutation"):
        return _choice_permutation(ctx, method, args, kwargs)
    if method == "permuted" and generator:
        return _permuted(ctx, op, args, kwargs)
    if method == "multinomial" and generator:
        return _multinomial(ctx, op, args, kwargs)
    if method == "shuffle" and prefix == "random.Generator.":
        return _shuffle(ctx, op, args, kwargs)
    if method == "multivariate_normal" and prefix == "random.Generator.":
        return _multivariate_normal(ctx, op, args, kwargs)
    if method not in _DRAW_PARAMS:
        raise OpError(f"Generator.{method} is not modelled yet")
    _refuse_type_objects(op, args, kwargs)
    if generator:  # (the legacy functions' keywords are bound by flopscope's own parameters)
        _refuse_keywords(method, kwargs)
    if not _none(kwargs.get("out")):
        # the buffer is the draw (its shape and dtype, not size='s) and is billed as such
        raise OpError(f"{op}(..., out=) is not modelled")
    names = _DRAW_PARAMS[method]
    params = []
    for i, name in enumerate(names):
        p = arg(args, kwargs, i, name)
        if _none(p):
            continue
        if isinstance(p, Array) and p.ndim > 0 and not p.plain and (method, name) not in _ARRAY_PARAMS_ACCEPTED:
            raise OpError(f"{op} with a flopscope array as {name}=: numpy checks it with its own ufuncs inside "
                          "flopscope's wrapper, which flopscope refuses (RuntimeError)")
        params.append(p)
    size = arg(args, kwargs, len(names), "size")
    if size is None or (isinstance(size, Known) and size.value is None):
        shape = broadcast(*(shape_of(p) for p in params)) if params else ()
    else:
        shape = new_shape(known_shape(size, "size", ctx))
    _check_parameters(prefix, method, {name: arg(args, kwargs, i, name) for i, name in enumerate(names)}, shape)
    dtype = kwargs.get("dtype")
    if len(args) > len(names) + 1:
        if prefix != "random.Generator." or method not in _DTYPE_AFTER_SIZE or len(args) > len(names) + 2:
            raise OpError(f"{op} with arguments after size= given by position is not modelled")
        dtype = arg(args, kwargs, len(names) + 1, "dtype")
    explicit = dtype_arg(dtype)
    if explicit is not None and prefix == "random.Generator." and method in _DTYPE_AFTER_SIZE:
        refused = _numpy_dtype_refusal(method, explicit)
        if refused is not None:
            raise OpRaises(*refused)
    dt = explicit or _draw_dtype(generator, method)
    n = 1
    for s in shape:
        n *= s
    if shape == () and prefix == "random.Generator." and method != "integers":
        # numpy hands back a Python float (int for poisson/binomial), whatever dtype= asked,
        # and flopscope bills the type of what came back: float64 (int64); weak in promotion
        counts = dtypes.kind(_draw_dtype(generator, method)) in "iu"
        ctx.charge(op, _DRAW_BASE.get(method, 1), "int64" if counts else "float64", None)
        return Unknown("int" if counts else "float", ctx.span, f"the value rng.{method}() draws")
    origin = ctx.span if (explicit is None and dt == "float64") else None
    ctx.charge(op, _DRAW_BASE.get(method, 1) * max(n, 1), dt, origin)
    bounds = _integers_bounds(args, kwargs) if generator and method == "integers" else None
    if shape == ():
        # (one draw: each read of it, `int(k)` twice, asks the one site where it was drawn)
        return NumpyScalar(dt, origin, vrange=bounds, origin=ctx.span if bounds is not None else None,
                           what=_drawn(prefix, method, args, kwargs))
    return Array(shape, dt, dtype_origin=origin, vrange=bounds)


def _integers_bounds(args, kwargs) -> Optional[tuple]:
    """The bounds (lo, hi) of ``rng.integers(low, high, endpoint=)``'s values when the limits are
    known Python ints: [0, low) with one limit, [low, high) with two, the high end included under
    ``endpoint=True`` (what bounds a ``bincount`` of the draws). numpy refused limits it cannot
    draw between before this is asked (_check_parameters)."""
    low, high = arg(args, kwargs, 0, "low"), arg(args, kwargs, 1, "high")
    endpoint = kwargs.get("endpoint", Known(False))
    if not (isinstance(endpoint, Known) and isinstance(endpoint.value, bool)):
        return None
    limits = [v for v in (low, high) if not _none(v)]
    if not limits or not all(isinstance(v, Known) and type(v.value) is int for v in limits):
        return None
    lo, hi = (0, limits[0].value) if len(limits) == 1 else (limits[0].value, limits[1].value)
    return (lo, hi if endpoint.value else hi - 1)


def _drawn(prefix: str, method: str, args, kwargs) -> str:
    """What one scalar draw is, for messages: the call with its known limits, which bound it."""
    given = [repr(a.value) if isinstance(a, Known) else "..." for a in args]
    given += [f"{k}={v.value!r}" if isinstance(v, Known) else f"{k}=..." for k, v in kwargs.items()]
    caller = "rng." if prefix == "random.Generator." else prefix.replace("random.", "np.random.", 1)
    return f"the {'integer' if method in ('integers', 'randint') else 'value'} {caller}{method}({', '.join(given)}) draws"


def _check_parameters(prefix: str, method: str, given: dict, shape: tuple) -> None:
    """numpy refuses some known parameters (a negative scale, ``low >= high``, ``p > 1``) when
    it draws, before flopscope bills the draw: numpy itself is asked, with the same parameters
    and one draw (none when the call draws none, where numpy skips some checks)."""
    if not all(isinstance(v, Known) for v in given.values() if not _none(v)):
        return  # (a parameter read from data, `uniform(mlp.seed)`: numpy is not asked)
    values = {name: v.value for name, v in given.items() if not _none(v)}
    if not all(type(x) in (int, float, bool) for x in values.values()):
        return
    # the type is in the key: 5 and 5.0 are equal keys, and numpy may take them otherwise
    refused = _numpy_refusal(prefix == "random.Generator.", method,
                             tuple((k, type(v).__name__, v) for k, v in sorted(values.items())),
                             any(d == 0 for d in shape))
    if refused is not None:
        raise OpRaises(*refused)


@lru_cache(maxsize=1024)
def _numpy_refusal(generator: bool, method: str, values: tuple, empty: bool) -> Optional[tuple[str, str]]:
    """(exception class, message) numpy raises drawing with these known parameters, or None
    (asked once per parameters: a sampling loop draws with the same ones at every chunk; kept per
    numpy version, dtypes.ANSWERS)."""
    def ask() -> Optional[list]:
        import numpy as np

        sampler = np.random.default_rng(0) if generator else np.random.RandomState(0)
        try:
            getattr(sampler, method)(**{k: v for k, _, v in values}, size=0 if empty else None)
        except (ValueError, OverflowError) as exc:
            return [type(exc).__name__, str(exc)]
        return None

    found = dtypes.ANSWERS.ask(f"draw_refusal|{generator}|{method}|{values!r}|{empty}", ask)
    return None if found is None else tuple(found)


@lru_cache(maxsize=None)
def _numpy_dtype_refusal(method: str, dtype: str) -> Optional[tuple[str, str]]:
    """(exception class, message) numpy's Generator raises for a ``dtype=`` its sampler does not
    draw in (``integers(..., dtype=float)``, ``standard_normal(dtype=fnp.float16)``: TypeError
    or ValueError, as it draws, before flopscope bills), or None. It was not read: the draw was
    claimed to go through. Kept per numpy version (dtypes.ANSWERS)."""
    def ask() -> Optional[list]:
        import numpy as np

        rng = np.random.default_rng(0)
        lead = {"integers": (0, 1), "standard_gamma": (1.0,)}.get(method, ())
        try:
            getattr(rng, method)(*lead, size=1, dtype=np.dtype(dtype))
        except (TypeError, ValueError) as exc:
            return [type(exc).__name__, str(exc)]
        return None

    found = dtypes.ANSWERS.ask(f"draw_dtype_refusal|{method}|{dtype}", ask)
    return None if found is None else tuple(found)


#: methods flopscope hands numpy without probing their arguments first (values are moved, not drawn)
_MOVEMENT_METHODS = frozenset({"choice", "permutation", "permuted", "shuffle"})


def _refuse_keywords(method: str, kwargs) -> None:
    """flopscope's sampler wrappers take ``**kwargs`` and pass them to numpy's method, which
    draws before flopscope bills: a keyword the method has no parameter for
    (``rng.uniform(size=n, dtype=fnp.float32)``) is numpy's TypeError, with nothing charged."""
    accepted = _numpy_keywords(method)
    refused = [k for k in kwargs if accepted is not None and k not in accepted]
    if refused:
        raise OpRaises("TypeError", f"{method}() got an unexpected keyword argument {refused[0]!r}")


@lru_cache(maxsize=None)
def _numpy_keywords(method: str) -> Optional[frozenset]:
    """The keywords numpy's ``Generator`` method binds, from its signature; None where it has
    none to read or takes any keyword. Read once per numpy version (dtypes.ANSWERS: importing
    numpy.random to read it was a tenth of an estimator's analysis)."""
    def ask() -> Optional[list]:
        import inspect

        import numpy as np

        try:
            params = inspect.signature(getattr(np.random.Generator, method)).parameters.values()
        except (AttributeError, TypeError, ValueError):
            return None
        kinds = inspect.Parameter
        if any(p.kind is kinds.VAR_KEYWORD for p in params):
            return None
        return sorted({p.name for p in params if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)} - {"self"})

    found = dtypes.ANSWERS.ask(f"generator_keywords|{method}", ask)
    return None if found is None else frozenset(found)


def _refuse_type_objects(op: str, args, kwargs) -> None:
    """flopscope probes every argument of a sampler but ``dtype=`` for a numeric dtype before
    numpy draws (``refuse_non_numeric_source``): a dtype or type handed by position
    (``rng.standard_normal((n, w), fnp.float32)``, which numpy would take) becomes an object
    array there and is refused."""
    handed = list(args) + [v for k, v in kwargs.items() if k != "dtype"]
    if any(isinstance(v, DTypeRef) or (isinstance(v, Builtin) and v.name in ("float", "int", "bool", "complex"))
           for v in handed):
        raise OpRaises("UnsupportedDtypeError", f"{op}: dtype dtype('O') is not billable -- flopscope meters only "
                                                "numeric dtypes (pass the dtype as dtype=)")


def _multivariate_normal(ctx, op: str, args, kwargs) -> Value:
    """``rng.multivariate_normal(mean, cov, size)``: float64 draws of shape ``size + (d,)``,
    priced by flopscope's composite formula (the covariance's SVD, the affine map, the draws)
    whatever ``method=`` numpy factorises with."""
    if len(args) > 3 or set(kwargs) - {"mean", "cov", "size", "check_valid", "tol", "method"}:
        raise OpError("Generator.multivariate_normal with these arguments is not modelled")
    mean = arg(args, kwargs, 0, "mean")
    if isinstance(mean, Known) and isinstance(mean.value, (list, tuple)):
        dims = len(mean.value)
    elif isinstance(mean, (ListVal, TupleVal)):
        dims = len(mean.items)
    else:
        mean_arr = to_array(ctx, mean)
        if mean_arr.ndim != 1:
            raise OpError("Generator.multivariate_normal: a mean that is not a vector is not modelled (numpy raises)")
        dims = mean_arr.shape[0]
    cov = arg(args, kwargs, 1, "cov")
    cov_shape = shape_of(cov) if isinstance(cov, Array) else None
    if cov_shape is not None and cov_shape != (dims, dims):
        raise OpError("Generator.multivariate_normal: cov is not d×d for the mean's d (numpy raises)")
    size = arg(args, kwargs, 2, "size")
    shape = () if _none(size) else new_shape(known_shape(size, "size", ctx))
    draws = 1
    for s in shape:
        draws *= s
    ctx.charge(op, pricing.multivariate_normal_base(draws, dims), "float64", ctx.span)
    return Array(shape + (dims,), "float64", dtype_origin=ctx.span)


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
        if isinstance(a, Known):  # a shuffled arange(pool): each position once
            return positions((pool,), pool)
        return Array((pool,) + rest, pool_dtype)
    shuffle_v = arg(args, kwargs, 5, "shuffle")
    if not (_none(shuffle_v) or isinstance(shuffle_v, Known) and isinstance(shuffle_v.value, bool)):
        raise OpError("Generator.choice with a shuffle= that is not a known bool is not modelled")
    axis_v = arg(args, kwargs, 4, "axis")
    lead = ()
    if not _none(axis_v):
        axis = known_int(axis_v, "choice axis")
        if isinstance(a, Known):
            if axis not in (0, -1):
                raise OpError("Generator.choice of an int pool with an axis other than 0 is not modelled")
        else:
            # draws along that axis: the pool is its extent, the result keeps the axes around it
            ax = axis_index(axis, arr.ndim)
            pool, lead, rest = arr.shape[ax], arr.shape[:ax], arr.shape[ax + 1:]
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
    if with_p:  # numpy checks p before flopscope charges (measured: nothing charged)
        _check_probabilities(p_v, pool, n, replace, legacy=False)
    base = pricing.choice_base(pool, lead + shape + rest, replace, with_p)  # draws of whole rows count every element
    ctx.charge(op, base, None)
    if shape == () and not rest and not lead:
        if isinstance(a, Known):  # numpy hands back the drawn index as a Python int (weak)
            return Unknown("int", ctx.span, "the index rng.choice() draws")
        return NumpyScalar(pool_dtype)
    if isinstance(a, Known) and len(shape) == 1 and not lead:
        # indices of an int pool; drawn without replacement, each at most once
        made = Array(shape, pool_dtype, vrange=(0, max(pool - 1, 0)))
        made.distinct = not replace
        return made
    return Array(lead + shape + rest, pool_dtype)


def _permuted(ctx, op: str, args, kwargs) -> Value:
    """``rng.permuted(x, axis=None)``: a shuffled copy, priced as flopscope's ``numel(input)``
    (dtype-neutral: values are moved, not drawn), untagged, of ``x``'s shape and dtype."""
    if len(args) > 2 or set(kwargs) - {"x", "axis"}:
        raise OpError("Generator.permuted with out= or extra arguments is not modelled")
    x = to_array(ctx, arg(args, kwargs, 0, "x"))
    axis_v = arg(args, kwargs, 1, "axis")
    if not _none(axis_v):
        axis = known_int(axis_v, "permuted axis")
        if not -x.ndim <= axis < x.ndim:
            raise OpError("Generator.permuted with an axis out of range raises (not modelled)")
    ctx.charge(op, max(x.size, 1), None)
    return Array(x.shape, x.dtype)


def _multinomial(ctx, op: str, args, kwargs) -> Value:
    """``rng.multinomial(n, pvals, size=None)``: int64 counts of shape ``size + pvals.shape``,
    priced as flopscope's ``numel(output)`` at the result's dtype. Only a number of trials that is
    one number and pvals that are a vector or known numbers are modelled; pvals of unknown values
    are presumed valid (as for choice's p)."""
    if len(args) > 3 or set(kwargs) - {"n", "pvals", "size"}:
        raise OpError("Generator.multinomial with these arguments is not modelled")
    n = arg(args, kwargs, 0, "n")
    if not (isinstance(n, Known) and type(n.value) in (int, float) and n.value >= 0):
        raise OpError("Generator.multinomial with a number of trials that is not one known number is not modelled")
    pvals = arg(args, kwargs, 1, "pvals")
    values = _known_probabilities(pvals)
    if values is not None:
        k = len(values)
        import numpy as np

        try:
            np.random.default_rng(0).multinomial(n.value, values)
        except (ValueError, TypeError) as exc:  # numpy refuses before flopscope's bill (of its result)
            raise OpRaises(type(exc).__name__, str(exc)) from None
    else:
        p_arr = to_array(ctx, pvals)
        if p_arr.ndim != 1 or not p_arr.dtype.startswith("float"):
            raise OpError("Generator.multinomial with pvals that are not a float vector is not modelled")
        k = p_arr.shape[0]
    if k == 0:
        raise OpError("Generator.multinomial of no categories is not modelled")
    size = arg(args, kwargs, 2, "size")
    shape = (() if _none(size) else new_shape(known_shape(size, "size"))) + (k,)
    count = 1
    for d in shape:
        count *= d
    ctx.charge(op, max(count, 1), "int64", ctx.span)
    return Array(shape, "int64", dtype_origin=ctx.span)


# numpy's legacy global RNG (``fnp.random.seed``, ``fnp.random.randn(n, w)``): float64 always
# (no dtype=), billed as ``random.<name>``; a draw of no size is a Python float.

@handler("random.RandomState")
def _random_state(ctx, args, kwargs):
    """``fnp.random.RandomState(seed)``: numpy's legacy generator, whose samplers flopscope bills
    as ``random.RandomState.<name>`` at the legacy global functions' prices (LEGACY_METHODS)."""
    if len(args) > 1 or set(kwargs) - {"seed"}:
        raise OpError("fnp.random.RandomState with these arguments is not modelled")
    _check_seed("seed", args, kwargs)
    return Generator(legacy=True)


@handler("random.seed")
def _legacy_seed(ctx, args, kwargs, op=None):
    _check_seed("seed", args, kwargs)
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
         "random.random_sample", "random.exponential", "random.standard_exponential", "random.poisson",
         "random.gamma", "random.beta", "random.laplace", "random.logistic", "random.lognormal",
         "random.binomial")
def _legacy_sized(ctx, args, kwargs, op=None):
    method = op.rsplit(".", 1)[1]
    if "dtype" in kwargs:
        raise OpError(f"fnp.{op} has no dtype= (numpy raises TypeError)")
    value = random_draw(ctx, method, args, kwargs, prefix=op[:-len(method)])
    if isinstance(value, NumpyScalar):
        kind = "int" if dtypes.kind(value.dtype) in "iu" else "float"
        return Unknown(kind, ctx.span, f"the value fnp.{op}() draws")
    return value


def _shuffle(ctx, op: str, args, kwargs) -> Value:
    """``shuffle(x[, axis])`` in place: the extent along the axis, dtype-neutral, weight 4; None."""
    if not args or len(args) > 2 or set(kwargs) - {"axis"}:
        raise OpError(f"{op} with these arguments is not modelled")
    x = args[0]
    if isinstance(x, ListVal) and not x.is_set:
        stdlib_containers.forget_order(x, ctx.span, op)  # numpy shuffles a Python list in place too
    if not isinstance(x, Array) or x.ndim == 0:
        raise OpError(f"{op} of something other than an array is not modelled")
    axis = known_int(arg(args, kwargs, 1, "axis", Known(0)), "shuffle axis")
    if op in ("random.shuffle", "random.RandomState.shuffle") and axis != 0:
        raise OpError("fnp.random.shuffle takes no axis")
    ctx.charge(op, max(x.shape[axis_index(axis, x.ndim)], 1), None)
    ctx.write_in_place(x)
    return Known(None)


@handler("random.shuffle")
def _legacy_shuffle(ctx, args, kwargs, op=None):
    return _shuffle(ctx, op, args, kwargs)


@handler("random.permutation")
def _legacy_permutation(ctx, args, kwargs, op=None):
    """``fnp.random.permutation(x)``: max(len, 1), dtype-neutral, weight 4; int64 for an int x."""
    if len(args) != 1 or kwargs:
        raise OpError("fnp.random.permutation with these arguments is not modelled")
    x = args[0]
    if isinstance(x, Known) and isinstance(x.value, int) and not isinstance(x.value, bool):
        n, shape, dt = x.value, (max(x.value, 0),), "int64"
    else:
        arr = to_array(ctx, x)
        if arr.ndim == 0:
            raise OpError("fnp.random.permutation of a 0-d array is not modelled")
        n, shape, dt = arr.shape[0], arr.shape, arr.dtype
    ctx.charge(op, max(n, 1), None)
    if isinstance(x, Known):
        return positions(shape, n)  # a shuffled arange(n): each position once
    return Array(shape, dt)


@handler("random.choice")
def _legacy_choice(ctx, args, kwargs, op=None):
    """``fnp.random.choice(a, size=None, replace=True, p=None)`` (the legacy global RNG):
    draws (+ 3n + draws·⌈log2 n⌉ with ``p``), or n without replacement (n·⌈log2 n⌉ with ``p``),
    dtype-neutral, weight 4; n is the pool."""
    if not args or len(args) > 4 or set(kwargs) - {"size", "replace", "p"}:
        raise OpError("fnp.random.choice with these arguments is not modelled")
    a = args[0]
    if isinstance(a, Known) and isinstance(a.value, int) and not isinstance(a.value, bool):
        pool, dt = a.value, "int64"
    else:
        arr = to_array(ctx, a)
        if arr.ndim != 1:
            raise OpError("fnp.random.choice of a pool that is not a vector is not modelled")
        pool, dt = arr.shape[0], arr.dtype
    size = arg(args, kwargs, 1, "size")
    shape = () if _none(size) else new_shape(known_shape(size, "size", ctx))
    draws = 1
    for d in shape:
        draws *= d
    replace_v = arg(args, kwargs, 2, "replace", Known(True))
    if not (isinstance(replace_v, Known) and isinstance(replace_v.value, bool)):
        raise OpError("fnp.random.choice: replace= is not a known bool")
    p_v = arg(args, kwargs, 3, "p")
    with_p = not _none(p_v)
    if with_p and to_array(ctx, p_v).shape != (pool,):
        raise OpError("fnp.random.choice: p does not match the pool (numpy raises)")
    if pool <= 0 or (not replace_v.value and draws > pool):
        raise OpError("fnp.random.choice of an empty pool or of more items than it holds raises ValueError")
    log2 = _ceil_log2(pool)
    if replace_v.value:
        base = max(draws, 1) + ((3 * pool + max(draws, 1) * log2) if with_p else 0)
    else:
        base = max(pool * log2, 1) if with_p else max(pool, 1)
    ctx.charge(op, base, None)
    if with_p:  # flopscope bills the legacy draw before numpy checks p (measured)
        _check_probabilities(p_v, pool, draws, replace_v.value, legacy=True)
    if shape == ():
        return NumpyScalar(dt)
    made = Array(shape, dt, vrange=(0, pool - 1) if isinstance(a, Known) else None)
    made.distinct = isinstance(a, Known) and len(shape) == 1 and not replace_v.value
    return made


@handler("random.randint")
def _legacy_randint(ctx, args, kwargs, op=None):
    """``fnp.random.randint(low, high=None, size=None, dtype=int)``: numel of the draw at its dtype
    (int64 by default); a draw of no size is a Python int."""
    if len(args) > 4 or set(kwargs) - {"low", "high", "size", "dtype"}:
        raise OpError("fnp.random.randint with these arguments is not modelled")
    size = arg(args, kwargs, 2, "size")
    explicit = dtype_arg(arg(args, kwargs, 3, "dtype"))
    dt = explicit or "int64"
    shape = () if _none(size) else new_shape(known_shape(size, "size", ctx))
    _check_parameters(op[:-len("randint")], "randint", {"low": arg(args, kwargs, 0, "low"), "high": arg(args, kwargs, 1, "high")},
                      shape)
    if _none(size):
        if explicit is not None:
            raise OpError("fnp.random.randint of no size with dtype= is not modelled")
        ctx.charge(op, 1, "int64")
        return Unknown("int", ctx.span, "the value fnp.random.randint() draws")
    n = 1
    for d in shape:
        n *= d
    ctx.charge(op, max(n, 1), dt)
    return Array(shape, dt)


def legacy_method(op: str):
    """The handler of ``RandomState.<name>`` (``op``: ``random.RandomState.<name>``), or None:
    flopscope bills each at the price of the legacy global function of that name (measured on
    0.12.4, tests/ops), under its own op name, which the handler is given."""
    fn = HANDLERS.get("random." + op[len("random.RandomState."):])
    if fn is None or not op.startswith("random.RandomState.") or op not in categories():
        return None
    return functools.partial(getattr(fn, "func", fn), op=op)
