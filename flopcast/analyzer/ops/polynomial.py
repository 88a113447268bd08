"""Polynomials: flopscope's polyval and polyfit, and numpy.polynomial's free helpers.

flopscope charges ``2·m·deg`` for ``polyval`` (Horner's method; ``m`` the size of the
broadcast of ``p.shape[1:]`` with ``x.shape``), billed at the promotion of the two arrays,
and ``m·deg + lstsq_cost(m, deg + 1, ncols)`` for ``polyfit`` (the Vandermonde build and
the least-squares solve), billed at float64 or heavier; both prices come from flopscope's
own ``_polynomial`` cost functions (pricing.polynomial).

Plain ``numpy.polynomial`` is not flopscope's: its quadrature rules (``hermgauss``,
``leggauss``, ...) and its least-squares fits (``polyfit``, ``chebfit``, ``hermefit``, ...)
read their arguments with ``np.asarray``, which strips a flopscope array to a plain one, so
they bill nothing and hand back plain ndarrays. Its evaluations (``polyval``, ``hermeval``,
...) run numpy's loops through flopscope's ufuncs on a flopscope array; those are not
modelled and stay unpriced.
"""

from __future__ import annotations

import math

from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import arg, broadcast, known_int, origin_of, to_array
from flopcast.analyzer.ops.registry import OpError, handler
from flopcast.analyzer.values import Array, Known, NumpyScalar, TupleVal, Value

#: numpy.polynomial's families and the prefix of their function names
_FAMILIES = {"polynomial": "poly", "chebyshev": "cheb", "legendre": "leg", "laguerre": "lag",
             "hermite": "herm", "hermite_e": "herme"}


def _coefficients(ctx, v: Value) -> Array:
    a = to_array(ctx, v)
    if a.ndim == 0:
        raise OpError("polyval of a 0-d coefficient array is not modelled")
    return a


@handler("polyval")
def _polyval(ctx, args, kwargs):
    p = _coefficients(ctx, arg(args, kwargs, 0, "p"))
    x = to_array(ctx, arg(args, kwargs, 1, "x"))
    if x.dtype.startswith("complex") or p.dtype.startswith("complex"):
        raise OpError("polyval of complex values is not modelled")
    shape = broadcast(p.shape[1:], x.shape)
    dt = dtypes.result_type(Operand(dtype=p.dtype), Operand(dtype=x.dtype))
    ctx.charge("polyval", pricing.polynomial("polyval_cost", p.shape[0] - 1, math.prod(shape)), dt,
               origin_of([p, x], dt))
    return Array(shape, dt, dtype_origin=origin_of([p, x], dt)) if shape else NumpyScalar(dt)


@handler("polyfit")
def _polyfit(ctx, args, kwargs):
    if set(kwargs) - {"rcond", "deg"} or len(args) > 4:
        raise OpError("polyfit with w=, full= or cov= is not modelled")
    x = to_array(ctx, args[0])
    y = to_array(ctx, arg(args, kwargs, 1, "y"))
    deg = known_int(arg(args, kwargs, 2, "deg"), "polyfit degree")
    if x.ndim != 1 or y.ndim not in (1, 2) or y.shape[0] != x.shape[0] or deg < 0:
        raise OpError("polyfit of these shapes is not modelled")
    cols = y.shape[1] if y.ndim == 2 else 1
    dt = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype=y.dtype), Operand(dtype="float64"))
    if dt != "float64":
        raise OpError(f"polyfit billed at {dt} is not modelled")
    ctx.charge("polyfit", pricing.polynomial("polyfit_cost", x.shape[0], deg, cols), dt)
    return Array((deg + 1,) + y.shape[1:], dt)


def numpy_polynomial(ctx, name: str, args, kwargs) -> Value:
    """``np.polynomial.<family>.<function>(...)``: a quadrature rule or a least-squares fit,
    free and plain (see the module docstring); OpError for anything else."""
    parts = name.split(".")
    family = parts[1] if len(parts) == 3 else "polynomial" if len(parts) == 2 else None
    prefix = _FAMILIES.get(family)
    function = parts[-1]
    if prefix is None or not function.startswith(prefix):
        raise OpError(f"np.{name} is not modelled")
    kind = function[len(prefix):]
    if kind == "gauss" and len(args) == 1 and not kwargs:
        k = known_int(args[0], f"np.{name} degree")
        if k < 1:
            raise OpError(f"np.{name} of a degree below 1 is not modelled")
        return TupleVal((Array((k,), "float64", plain=True), Array((k,), "float64", plain=True)))
    if kind == "fit" and len(args) == 3 and not kwargs:
        x, y = to_array(ctx, args[0]), to_array(ctx, args[1])
        deg = known_int(args[2], f"np.{name} degree")
        if x.ndim != 1 or y.ndim not in (1, 2) or y.shape[0] != x.shape[0] or deg < 0:
            raise OpError(f"np.{name} of these shapes is not modelled")
        dt = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype=y.dtype), Operand(weak="float"))
        if not dt.startswith("float"):
            raise OpError(f"np.{name} of {dt} values is not modelled")
        return Array((deg + 1,) + y.shape[1:], dt, plain=True)
    raise OpError(f"np.{name} is not modelled (numpy.polynomial's evaluations run numpy's loops through "
                  "flopscope's ufuncs)")


@handler("vander")
def _vander(ctx, args, kwargs):
    """``vander(x, N=None, increasing=False)``: n·(N − 2) (at least 1) at the promotion of x's
    dtype and int64, which is also the result's dtype (numpy builds it in that type)."""
    if len(args) > 3 or set(kwargs) - {"N", "increasing"}:
        raise OpError("vander with these arguments is not modelled")
    x = to_array(ctx, args[0])
    if x.ndim != 1:
        raise OpError("vander of something other than a vector (numpy raises)")
    n = x.shape[0]
    n_v = arg(args, kwargs, 1, "N")
    cols = n if n_v is None or isinstance(n_v, Known) and n_v.value is None else known_int(n_v, "vander N", ctx)
    dt = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype="int64"))
    ctx.charge("vander", max(n * (cols - 2), 1), dt, origin_of([x], dt))
    return Array((n, cols), dt)
