"""Fourier transforms: fft/ifft, rfft/irfft, hfft/ihfft, their N-D forms, fftfreq, fftshift, real/imag.

flopscope charges batch × 5·n·⌈log2 n⌉ (halved for the real forms) per 1-D stage, the
N-D forms as numpy's cascade of stages, billed at complex64 for ≤32-bit inputs and
complex128 otherwise.
"""

from __future__ import annotations

from flopcast.analyzer import buffer_views, dtypes, pricing
from flopcast.analyzer.ops.operands import _none, arg, known_int, known_shape, to_array
from flopcast.analyzer.ops.registry import OpError, handler
from flopcast.analyzer.values import Array, Known, ListVal, TupleVal, Value


#: 1-D transforms: cost kind, and how the transformed axis's output length follows from n.
_FFT_1D = {
    "fft": ("fft", lambda n: n), "ifft": ("fft", lambda n: n),
    "rfft": ("rfft", lambda n: n // 2 + 1), "irfft": ("rfft", lambda n: n),
    "hfft": ("hfft", lambda n: n), "ihfft": ("hfft", lambda n: n // 2 + 1),
}
#: N-D transforms: staged cascade kind (c2c, r2c, c2r), default axes.
_FFT_ND = {
    "fft2": ("c2c", (-2, -1)), "ifft2": ("c2c", (-2, -1)), "rfft2": ("r2c", (-2, -1)),
    "irfft2": ("c2r", (-2, -1)), "fftn": ("c2c", None), "ifftn": ("c2c", None),
    "rfftn": ("r2c", None), "irfftn": ("c2r", None),
}


def _optional_ints(v: Value, what: str) -> tuple:
    """A sequence of ints or Nones (fft ``s=``), known statically."""
    if isinstance(v, Known) and isinstance(v.value, (tuple, list)):
        items = [Known(x) for x in v.value]
    elif isinstance(v, (TupleVal, ListVal)):
        items = list(v.items)
    else:
        raise OpError(f"{what} is not known statically")
    return tuple(None if _none(x) else known_int(x, what) for x in items)


def _fft_input(ctx, op: str, v: Value, kwargs) -> Array:
    if "out" in kwargs and not _none(kwargs["out"]):
        raise OpError(f"fnp.{op}(..., out=) is not modelled")
    x = to_array(ctx, v)
    if x.ndim == 0:
        raise OpError(f"fnp.{op} of a 0-d array raises in numpy")
    return x


@handler(*(f"fft.{name}" for name in _FFT_1D))
def _fft_1d(ctx, args, kwargs, op=None):
    name = op[len("fft."):]
    kind, out_len = _FFT_1D[name]
    x = _fft_input(ctx, op, args[0], kwargs)
    axis = known_int(arg(args, kwargs, 2, "axis", Known(-1)), "axis")
    if not -x.ndim <= axis < x.ndim:
        raise OpError(f"{op}: axis {axis} is out of range (numpy raises)")
    axis %= x.ndim
    n_v = arg(args, kwargs, 1, "n")
    m = x.shape[axis]
    if _none(n_v):
        n = 2 * (m - 1) if name in ("irfft", "hfft") else m
    else:
        n = known_int(n_v, "n")
    if n < 1:
        raise OpError(f"{op} with a transform length below 1 raises in numpy")
    base = pricing.fft_base(kind, x.shape, (n,), (axis,))
    billed = pricing.fft_billing_dtype(x.dtype)
    ctx.charge(op, base, billed)
    shape = tuple(out_len(n) if i == axis else s for i, s in enumerate(x.shape))
    return Array(shape, dtypes.fft_result(name, x.dtype))


@handler(*(f"fft.{name}" for name in _FFT_ND))
def _fft_nd(ctx, args, kwargs, op=None):
    name = op[len("fft."):]
    kind, default_axes = _FFT_ND[name]
    x = _fft_input(ctx, op, args[0], kwargs)
    s_v = arg(args, kwargs, 1, "s")
    axes_v = arg(args, kwargs, 2, "axes", Known(default_axes))
    s = None if _none(s_v) else _optional_ints(s_v, "s")
    if _none(axes_v):
        eff = tuple(range(x.ndim)) if s is None else tuple(range(x.ndim - len(s), x.ndim))
    else:
        eff = known_shape(axes_v, "axes")
    if any(not -x.ndim <= a < x.ndim for a in eff) or not eff:
        raise OpError(f"{op}: axes {eff} are out of range or empty (numpy raises)")
    if s is not None and len(s) != len(eff):
        raise OpError(f"{op}: s and axes differ in length (numpy raises)")
    axes_nn = tuple(a % x.ndim for a in eff)
    if len(set(axes_nn)) != len(axes_nn):
        raise OpError(f"{op} with a repeated axis is not modelled")
    last = len(eff) - 1
    if s is None:
        lengths = tuple(2 * (x.shape[a] - 1) if kind == "c2r" and i == last else x.shape[a]
                        for i, a in enumerate(axes_nn))
    elif kind == "c2r":
        lengths = tuple(sv if sv is not None and sv >= 0 else
                        (2 * (x.shape[a] - 1) if sv is None and i == last else x.shape[a])
                        for i, (sv, a) in enumerate(zip(s, axes_nn)))
    else:
        lengths = tuple(x.shape[a] if sv is None or sv < 0 else sv for sv, a in zip(s, axes_nn))
    if any(n < 1 for n in lengths):
        raise OpError(f"{op} with a transform length below 1 raises in numpy")
    base = pricing.fft_base(kind, x.shape, lengths, axes_nn)
    ctx.charge(op, base, pricing.fft_billing_dtype(x.dtype))
    shape = list(x.shape)
    for i, (a, n) in enumerate(zip(axes_nn, lengths)):
        shape[a] = n // 2 + 1 if kind == "r2c" and i == last else n
    return Array(tuple(shape), dtypes.fft_result(name, x.dtype))


@handler("fft.fftfreq", "fft.rfftfreq")
def _fftfreq(ctx, args, kwargs, op=None):
    n = known_int(arg(args, kwargs, 0, "n"), "n")
    if n < 1:
        raise OpError(f"{op} with n < 1 divides by zero in numpy")
    length = n if op == "fft.fftfreq" else n // 2 + 1
    ctx.charge(op, max(length, 1), "float64", ctx.span)
    return Array((length,), "float64", dtype_origin=ctx.span)


@handler("fft.fftshift", "fft.ifftshift")
def _fftshift(ctx, args, kwargs, op=None):
    x = to_array(ctx, arg(args, kwargs, 0, "x"))
    if x.ndim == 0:
        raise OpError(f"{op} of a 0-d array raises in numpy")
    ctx.charge(op, max(x.size, 1), x.dtype, x.dtype_origin)
    return Array(x.shape, x.dtype, dtype_origin=x.dtype_origin)


@handler("real", "imag")
def _real_imag(ctx, args, kwargs, op=None):
    x = to_array(ctx, arg(args, kwargs, 0, "val"))
    if len(args) > 1 or set(kwargs) - {"val"}:
        # flopscope's (x, out=None, **kwargs): a second argument is out= (numpy's TypeError when it
        # is not an array), the keywords go to numpy
        raise OpError(f"fnp.{op} with out= or keywords is not modelled")
    ctx.charge(op, 0, None)
    dt = dtypes.real_part(x.dtype)
    # flopscope's real and imag keep a symmetric tensor's tag (the array attributes drop it)
    made = Array(x.shape, dt, sym=x.sym, dtype_origin=x.dtype_origin if dt == x.dtype else None)
    made.sym_inferred = x.sym_inferred
    if op == "real" or dt != x.dtype:
        buffer_views.link(ctx, x, made)  # numpy's view of x's buffer (imag of a real array is new zeros)
    return made
