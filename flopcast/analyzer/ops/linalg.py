"""Linear algebra: cholesky, eigh, inv, det, solve, qr, svd, norms, lstsq, matrix_power, multi_dot.

flopscope charges the unweighted base of ``flopscope.accounting``'s ``*_cost`` helpers
(flopcast caches them, see pricing.accounting) times the batch, then the op's weight and the
dtype rate, billing float64 for int inputs.
"""

from __future__ import annotations

import functools
import math

from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import _sequence, arg, as_numpy_scalar, broadcast, dtype_arg, known_int, origin_of, to_array
from flopcast.analyzer.ops.reductions import _axes
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.values import Array, Known, NumpyScalar, TupleVal, Value


def _linalg_dtype(a: Array) -> str:
    return "float64" if dtypes.kind(a.dtype) in "biu" else a.dtype


def _batch(a: Array) -> int:
    n = 1
    for s in a.shape[:-2]:
        n *= s
    return n


def _zero_dim(a: Array) -> bool:
    """flopscope charges nothing for a matrix with no rows or no columns (``_has_zero_dim``:
    cholesky, qr, eig(h), eigvals(h), svd, svdvals, det, slogdet, inv, solve, lstsq, pinv, cond,
    matrix_rank, matrix_power, matrix_norm, trace), where the cost formulas floor at 1."""
    return a.ndim >= 2 and (a.shape[-2] == 0 or a.shape[-1] == 0)


def _uplo_or_raise(uplo: Value) -> None:
    """numpy's eigh/eigvalsh read ``UPLO.upper()`` first (after flopscope's charge): a string
    other than l/L/u/U is ValueError, a known non-string AttributeError."""
    if not isinstance(uplo, Known):
        raise OpError("eigh UPLO= is not known statically")
    if not isinstance(uplo.value, str):
        raise OpRaises("AttributeError", f"'{type(uplo.value).__name__}' object has no attribute 'upper'")
    if uplo.value.upper() not in ("L", "U"):
        raise OpRaises("ValueError", "UPLO argument must be 'L' or 'U'")


def _square_or_raise(a: Array) -> None:
    """numpy's linalg refuses, with LinAlgError, an array of fewer than two dimensions or whose
    last two differ; flopscope has charged the call by then (its price reads only
    ``a.shape[-1]``). Measured on flopscope 0.12.4: cholesky, eigh, eigvalsh, inv, det,
    slogdet, eig, eigvals, solve, matrix_power (every exponent) and cond with an inverse-based
    ``p`` all charge, then raise."""
    if a.ndim < 2:
        raise OpRaises("LinAlgError", f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")
    if a.shape[-1] != a.shape[-2]:
        raise OpRaises("LinAlgError", "Last 2 dimensions of the array must be square")


@functools.lru_cache(maxsize=None)
def _lapack_refusal(dtype: str):
    """numpy's LAPACK routines compute in float32/float64 and their complex forms only: any other
    inexact dtype (float16, longdouble) is refused with TypeError once the shapes have been
    checked, after flopscope's charge. Asked of numpy on an empty matrix of that dtype, once per
    numpy version (dtypes.ANSWERS: importing numpy to ask was a tenth of an estimator's analysis)."""
    def ask():
        import numpy as np

        try:
            np.linalg.inv(np.empty((0, 0), dtype=dtype))
        except TypeError as exc:
            return str(exc)
        return None

    return dtypes.ANSWERS.ask(f"lapack_refusal|{dtype}", ask)


def _lapack_or_raise(*arrays: Array) -> None:
    for a in arrays:
        refused = _lapack_refusal(a.dtype)
        if refused is not None:
            raise OpRaises("TypeError", refused)


@handler("linalg.cholesky", "linalg.eigh", "linalg.eigvalsh", "linalg.inv", "linalg.det",
         "linalg.slogdet", "linalg.eig", "linalg.eigvals")
def _linalg_square(ctx, args, kwargs, op=None):
    a = to_array(ctx, args[0])
    n = a.shape[-1]
    fn = op.split(".")[1]
    if fn == "inv":
        base = pricing.accounting("inv_cost", n, symmetric=bool(a.sym))
    elif fn in ("det", "slogdet"):
        base = pricing.accounting(f"{fn}_cost", n)
    else:
        base = pricing.accounting(f"{fn}_cost", n)
    dt = _linalg_dtype(a)
    ctx.charge(op, 0 if _zero_dim(a) else base * _batch(a), dt, a.dtype_origin)
    if fn in ("eigh", "eigvalsh"):
        _uplo_or_raise(arg(args, kwargs, 1, "UPLO", Known("L")))
    _square_or_raise(a)
    _lapack_or_raise(a)
    batch = a.shape[:-2]
    if fn == "cholesky":
        return Array(a.shape, dt)
    if fn == "inv":
        return Array(a.shape, dt, a.sym)
    real = dtypes.real_part(dt)  # a Hermitian matrix's eigenvalues, and |det|'s log, are real
    if fn == "eigh":
        return TupleVal((Array(batch + (n,), real), Array(a.shape, dt)), ("eigenvalues", "eigenvectors"))
    if fn in ("eig", "eigvals"):
        vt = _eig_dtype(ctx, op, a, dt)
        if fn == "eigvals":
            return Array(batch + (n,), vt)
        return TupleVal((Array(batch + (n,), vt), Array(a.shape, vt)), ("eigenvalues", "eigenvectors"))
    if fn in ("eigvalsh",):
        return Array(batch + (n,), real)
    if fn == "det":
        return as_numpy_scalar(Array(batch, dt))
    return TupleVal((as_numpy_scalar(Array(batch, dt)), as_numpy_scalar(Array(batch, real))), ("sign", "logabsdet"))


def _eig_dtype(ctx, op: str, a: Array, dt: str) -> str:
    """numpy's eig returns a real array when every eigenvalue's imaginary part is zero and a
    complex one otherwise (complex64 from float32): a value-dependent dtype. A general
    matrix's spectrum is presumed complex; a symmetric-tagged one's real."""
    if dtypes.kind(dt) == "c":
        return dt
    complex_dt = dtypes.complex_of(dt)
    presumed = dt if a.sym else complex_dt
    return ctx.choose_outcome((complex_dt, dt), f"{op} returns {complex_dt} unless every eigenvalue "
                              f"is real, then {dt}", presumed=presumed, presumption=f"{op} returns {presumed}")


@handler("linalg.solve")
def _solve(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim == 0 or b.ndim == 0:
        raise OpError("solve of a 0-d operand is not modelled")
    n = a.shape[-1]
    nrhs = 1 if b.ndim == 1 else b.shape[-1]
    # flopscope's batch broadcasts a's and b's loop dimensions (gufunc cores: 2 for a, 1 or 2
    # for b; a mismatch is numpy's ValueError before the charge) and a zero-size matrix costs 0
    loops = broadcast(a.shape[:max(a.ndim - 2, 0)], b.shape[:max(b.ndim - (1 if b.ndim == 1 else 2), 0)])
    base = 0 if a.ndim >= 2 and 0 in a.shape[-2:] else pricing.accounting("solve_cost", n, nrhs)
    dt = dtypes.result_type(Operand(dtype=_linalg_dtype(a)), Operand(dtype=_linalg_dtype(b)))
    ctx.charge("linalg.solve", base * math.prod(loops), dt, origin_of([a, b], dt))
    _square_or_raise(a)
    _lapack_or_raise(a, b)
    # numpy takes b as one vector only when it is 1-d (gufunc (m,m),(m)->(m)), else as columns
    rows, name = (b.shape[-1], "solve1") if b.ndim == 1 else (b.shape[-2] if b.ndim >= 2 else None, "solve")
    if rows is not None and rows != n:
        signature = "(m,m),(m)->(m)" if b.ndim == 1 else "(m,m),(m,n)->(m,n)"
        raise OpRaises("ValueError", f"{name}: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                                     f"signature {signature} (size {rows} is different from {n})")
    # the gufunc's result: the broadcast loop dimensions, then (m,) or (m, k)
    return Array(loops + ((n,) if b.ndim == 1 else b.shape[-2:]), dt)


@handler("linalg.qr")
def _qr(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    mode_v = arg(args, kwargs, 1, "mode", Known("reduced"))
    if not (isinstance(mode_v, Known) and mode_v.value in ("reduced", "complete", "r", "raw")):
        raise OpError("linalg.qr with a mode= that is not known is not modelled")
    mode = mode_v.value
    if a.ndim < 2:
        raise OpRaises("IndexError", "tuple index out of range")  # flopscope's price reads a.shape[-2], first
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    base = pricing.accounting("qr_cost", m, n, mode=mode) if a.size else 0
    dt = _linalg_dtype(a)
    ctx.charge("linalg.qr", base * _batch(a), dt, a.dtype_origin)
    _lapack_or_raise(a)
    batch = a.shape[:-2]
    if mode == "r":  # R alone
        return Array(batch + (k, n), dt)
    if mode == "raw":  # (h, tau): Householder reflectors, transposed, and their scalars
        return TupleVal((Array(batch + (n, m), dt), Array(batch + (k,), dt)))
    q_cols = m if mode == "complete" else k
    return TupleVal((Array(batch + (m, q_cols), dt), Array(batch + (q_cols, n), dt)), ("Q", "R"))


@handler("linalg.svd")
def _svd(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    if a.ndim < 2:
        raise OpRaises("ValueError", f"svd requires a 2D (or batched) array, got shape {a.shape}")  # flopscope's
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    full = arg(args, kwargs, 1, "full_matrices", Known(True))
    uv = arg(args, kwargs, 2, "compute_uv", Known(True))
    hermitian = arg(args, kwargs, 3, "hermitian", Known(False))
    if not all(isinstance(v, Known) for v in (full, uv, hermitian)):
        raise OpError("svd with full_matrices/compute_uv/hermitian not known statically is not modelled")
    full_b, uv_b = bool(full.value), bool(uv.value)
    base = pricing.accounting("svd_cost", m, n, with_vectors=uv_b, full_matrices=full_b)
    dt = _linalg_dtype(a)
    ctx.charge("linalg.svd", 0 if _zero_dim(a) else base * _batch(a), dt, a.dtype_origin)
    if hermitian.value:
        _square_or_raise(a)  # numpy's hermitian SVD is an eigh
    _lapack_or_raise(a)
    batch = a.shape[:-2]
    s = Array(batch + (k,), dtypes.real_part(dt))  # singular values are real
    if not uv_b:
        return s
    if full_b:
        return TupleVal((Array(batch + (m, m), dt), s, Array(batch + (n, n), dt)), ("U", "S", "Vh"))
    return TupleVal((Array(batch + (m, k), dt), s, Array(batch + (k, n), dt)), ("U", "S", "Vh"))


@handler("linalg.norm")
def _norm(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    ord_ = arg(args, kwargs, 1, "ord")
    axis = arg(args, kwargs, 2, "axis")
    keepdims = arg(args, kwargs, 3, "keepdims", Known(False))
    if ord_ is not None and not isinstance(ord_, Known):
        raise OpError("linalg.norm ord= is not known statically")
    if a.ndim == 0:
        raise OpError("linalg.norm of a 0-d array is not modelled")
    order = None if ord_ is None else ord_.value
    if not isinstance(keepdims, Known):
        raise OpError("linalg.norm keepdims= is not known statically")
    if axis is None or (isinstance(axis, Known) and axis.value is None):
        axes = tuple(range(a.ndim))
        if order is not None and a.ndim > 2:
            raise OpError("linalg.norm with ord= of an array of more than 2 dimensions raises in numpy")
    else:
        axes = _axes(axis, a.ndim)
    if keepdims.value:
        shape = tuple(1 if i in axes else s for i, s in enumerate(a.shape))
    else:
        shape = tuple(s for i, s in enumerate(a.shape) if i not in axes)
    # flopscope's norm_cost of one group (the norm's own axes) times the number of groups:
    # 2 per element, 18 per element + 16 for a general vector p-norm (ord=-1, 3, 0.5, ...),
    # the singular values for a matrix 2-norm or nuclear norm
    effective = a.shape if axis is None or (isinstance(axis, Known) and axis.value is None) \
        else tuple(a.shape[i] for i in axes)
    vector = len(effective) == 1
    if isinstance(order, str) and vector or isinstance(order, bool) or not (
            order is None or isinstance(order, (int, float, str))):
        raise OpError("linalg.norm with this ord is not modelled")
    # any other order of a matrix (3, 0.5, 0, "bad"): flopscope's norm_cost bills it 2 per
    # element, then numpy refuses it
    invalid = not vector and order not in (None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)
    group = 1
    for extent in effective:
        group *= extent
    groups = a.size // group if group else 0
    base = pricing.accounting("norm_cost", list(effective), ord=order) * max(groups, 0)
    dt = _linalg_dtype(a)
    ctx.charge("linalg.norm", base, dt, a.dtype_origin)
    if invalid:
        raise OpRaises("ValueError", "Invalid norm order for matrices.")
    if not vector and order in (2, -2, "nuc"):
        _lapack_or_raise(a)  # the singular values
    # A full reduction comes back as a numpy scalar (free arithmetic afterwards); a norm is
    # real: complex64 -> float32, billed above at the complex dtype
    real = {"complex64": "float32", "complex128": "float64", "clongdouble": "longdouble"}.get(dt, dt)
    return as_numpy_scalar(Array(shape, real))


def _matrix(ctx, v: Value, what: str) -> Array:
    a = to_array(ctx, v)
    if a.ndim != 2:
        raise OpError(f"{what} of a non-matrix (batched or vector input) is not modelled")
    return a


#: the options (positional order, then keywords) of each, as flopscope's signatures give them
_SVD_FAMILY_OPTIONS = {"pinv": ("rcond", "hermitian", "rtol"), "svdvals": (), "cond": ("p",),
                       "matrix_rank": ("tol", "hermitian", "rtol")}
#: keyword-only options
_SVD_FAMILY_KEYWORDS = {"svdvals": ("k",)}


@handler("linalg.pinv", "linalg.svdvals", "linalg.cond", "linalg.matrix_rank")
def _svd_family(ctx, args, kwargs, op=None):
    """A matrix or a stack of them (``a.shape[:-2]``): flopscope charges each matrix's price
    times the number of matrices (``_batch_size``), nothing when a matrix is empty."""
    a = to_array(ctx, args[0])
    fn = op.split(".")[1]
    if a.ndim < 2 and fn != "matrix_rank":
        raise OpRaises("IndexError", "tuple index out of range")  # flopscope's price reads a.shape[-2], first
    if a.ndim < 2:
        raise OpError(f"{op} of a vector or a scalar is not modelled")
    # the tolerances and `hermitian` leave the price alone when they are plain numbers (a
    # matrix_rank tolerance array would add a comparison per pair); cond's `p` picks its cost
    names = _SVD_FAMILY_OPTIONS[fn]
    keywords = _SVD_FAMILY_KEYWORDS.get(fn, ())
    options = dict(zip(names, args[1:]), **kwargs)
    if len(args) - 1 > len(names) or set(options) - set(names) - set(keywords) or not all(
            isinstance(v, Known) and (v.value is None or isinstance(v.value, (int, float, str))) for v in options.values()):
        raise OpError(f"{op} with these arguments is not modelled")
    m, n = a.shape[-2:]
    batch = _batch(a)
    extra = {"p": options["p"].value} if "p" in options else {}
    k = min(m, n)
    if fn == "svdvals" and options.get("k", Known(None)).value is not None:
        k = options["k"].value
        if type(k) is not int:
            raise OpError("svdvals with a k that is not an int is not modelled")
        if min(m, n) > 0 and not 1 <= k <= min(m, n):
            raise OpRaises("ValueError", f"k must satisfy 1 <= k <= min(m, n) = {min(m, n)}, got k={k}")
        extra = {"k": k}
    base = pricing.accounting(f"{fn}_cost", m, n, **extra)
    dt = _linalg_dtype(a)
    ctx.charge(op, 0 if _zero_dim(a) else base * batch, dt, a.dtype_origin)
    if fn == "cond" and _zero_dim(a):
        raise OpRaises("LinAlgError", "cond is not defined on empty arrays")
    if fn == "cond" and options.get("p", Known(None)).value not in (None, 2, -2):
        _square_or_raise(a)  # an inverse-based condition number (numpy inverts the matrix)
        _lapack_or_raise(a)
        if options["p"].value not in (1, -1, math.inf, -math.inf, "fro", "nuc"):
            raise OpRaises("ValueError", "Invalid norm order for matrices.")
    if fn in ("pinv", "matrix_rank") and "hermitian" in options and options["hermitian"].value:
        _square_or_raise(a)  # through numpy's hermitian SVD (an eigh) or eigvalsh
    if not (fn == "pinv" and _zero_dim(a)):  # (numpy's pinv of an empty matrix returns before its SVD)
        _lapack_or_raise(a)
    stack = a.shape[:-2]
    if fn == "pinv":
        return Array((*stack, n, m), dt)
    real = dtypes.real_part(dt)  # singular values, and cond's ratio of them, are real
    if fn == "svdvals":
        return Array((*stack, k), real)
    if fn == "matrix_rank":
        return Array(stack, "int64") if stack else NumpyScalar("int64")
    return Array(stack, real) if stack else NumpyScalar(real, a.dtype_origin if real == a.dtype else None)


@handler("linalg.lstsq")
def _lstsq(ctx, args, kwargs):
    if to_array(ctx, args[0]).ndim < 2:
        raise OpRaises("IndexError", "tuple index out of range")  # flopscope's price reads a.shape[-2], first
    a = _matrix(ctx, args[0], "lstsq")
    b = to_array(ctx, args[1])
    m, n = a.shape
    cols = 1 if b.ndim == 1 else b.shape[1]
    base = pricing.accounting("lstsq_cost", m, n, b_cols=cols, b_ndim=b.ndim)
    dt = dtypes.result_type(Operand(dtype=_linalg_dtype(a)), Operand(dtype=_linalg_dtype(b)))
    ctx.charge("linalg.lstsq", 0 if _zero_dim(a) else base, dt, origin_of([a, b], dt))
    if b.ndim == 0 or b.shape[0] != m:
        raise OpRaises("LinAlgError", "Incompatible dimensions")
    _lapack_or_raise(a, b)
    x = Array((n,) if b.ndim == 1 else (n, cols), dt)
    residuals = Array((ctx.choose_size(0, cols, "lstsq: residuals are empty unless the matrix has full rank")
                       if m > n else 0,), dtypes.real_part(dt))
    rank = NumpyScalar(dtypes.lstsq_rank())  # strong in promotion: `x * rank` of float32 x is float64
    return TupleVal((x, residuals, rank, Array((min(m, n),), dtypes.real_part(dt))))


@handler("linalg.matrix_power")
def _matrix_power(ctx, args, kwargs):
    a = to_array(ctx, args[0])
    if a.ndim < 2:
        raise OpError("matrix_power of a vector or a scalar is not modelled")
    p = known_int(arg(args, kwargs, 1, "n"), "matrix_power exponent")
    # a stack of matrices: each one's price (flopscope's _batch_size)
    base = pricing.accounting("matrix_power_cost", a.shape[-1], p) * _batch(a)
    # a negative exponent inverts first (LAPACK: an integer matrix runs, and comes out, in float64)
    dt = _linalg_dtype(a) if p < 0 else a.dtype
    ctx.charge("linalg.matrix_power", 0 if _zero_dim(a) else base, dt, a.dtype_origin)
    _square_or_raise(a)
    if p < 0:
        _lapack_or_raise(a)  # the inverse
    return Array(a.shape, dt, dtype_origin=a.dtype_origin)


@handler("linalg.multi_dot")
def _multi_dot(ctx, args, kwargs):
    arrays = [to_array(ctx, x) for x in _sequence(args[0])]
    if not arrays or any(x.ndim > 2 for x in arrays) or (len(arrays) > 2 and any(x.ndim == 0 for x in arrays)):
        raise OpError("multi_dot of no array, or of an array that is not a vector or a matrix, is not modelled")
    base = pricing.accounting("multi_dot_cost", [list(x.shape) for x in arrays])
    dt = dtypes.result_type(*(Operand(dtype=x.dtype) for x in arrays))
    ctx.charge("linalg.multi_dot", base, dt, origin_of(arrays, dt))
    # flopscope charges, then numpy multiplies: it refuses one array (ValueError) and a chain
    # whose neighbours do not fit (dot's ValueError); a 1-d first array is a row, a 1-d last
    # one a column (measured on flopscope 0.12.4)
    if len(arrays) < 2:
        raise OpRaises("ValueError", "Expecting at least two arrays.")
    if not any(x.ndim == 0 for x in arrays):
        dims = [(1, x.shape[0]) if x.ndim == 1 and i == 0 else (x.shape[0], 1) if x.ndim == 1 else x.shape
                for i, x in enumerate(arrays)]
        if len(arrays) > 2 and any(x.ndim == 1 for x in arrays[1:-1]):
            raise OpError("multi_dot with a vector inside the chain is not modelled")
        for left, right in zip(dims, dims[1:]):
            if left[1] != right[0]:
                raise OpRaises("ValueError", f"shapes {left} and {right} not aligned: "
                                             f"{left[1]} (dim 1) != {right[0]} (dim 0)")
    shape = arrays[0].shape[:-1] + arrays[-1].shape[1:]
    return Array(shape, dt, dtype_origin=origin_of(arrays, dt))


@handler("linalg.vector_norm", "linalg.matrix_norm")
def _vector_matrix_norm(ctx, args, kwargs, op=None):
    """``vector_norm(x, ord=2, axis=None, keepdims=False)``: flopscope's vector_norm_cost of one
    group (the axes normed; all of them for None) times the number of groups (none for an
    empty array). ``matrix_norm(x, ord="fro", keepdims=False)``: each matrix of a stack (the
    last two axes), nothing for an empty one."""
    a = to_array(ctx, args[0])
    fn = op.split(".")[1]
    names = ("ord", "axis", "keepdims") if fn == "vector_norm" else ("ord", "keepdims")
    options = dict(zip(names, args[1:]), **kwargs)
    if len(args) - 1 > len(names) or set(options) - set(names):
        raise OpError(f"{op} with these arguments is not modelled")
    ord_v = options.get("ord", Known(2 if fn == "vector_norm" else "fro"))
    keepdims = options.get("keepdims", Known(False))
    if not isinstance(ord_v, Known) or not isinstance(keepdims, Known) or not isinstance(keepdims.value, bool):
        raise OpError(f"{op} ord=/keepdims= not known statically")
    order = ord_v.value
    if isinstance(order, bool) or not (order is None or isinstance(order, (int, float, str))):
        raise OpError(f"{op} with this ord is not modelled")
    dt = _linalg_dtype(a)
    real = {"complex64": "float32", "complex128": "float64", "clongdouble": "longdouble"}.get(dt, dt)
    if fn == "matrix_norm":
        if a.ndim < 2 or order not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
            raise OpError("matrix_norm of a vector, or with this ord, is not modelled")
        base = 0 if _zero_dim(a) else pricing.accounting("matrix_norm_cost", list(a.shape), ord=order) * _batch(a)
        ctx.charge(op, base, dt, a.dtype_origin)
        if order in (2, -2, "nuc"):
            _lapack_or_raise(a)  # the singular values
        stack = a.shape[:-2]
        shape = (*stack, 1, 1) if keepdims.value else stack
        return as_numpy_scalar(Array(shape, real))
    if isinstance(order, str):
        raise OpError("vector_norm with a text ord is not modelled")
    axis = options.get("axis")
    if axis is None or isinstance(axis, Known) and axis.value is None:
        axes = tuple(range(a.ndim))
        effective = a.shape
    else:
        named = axis.value if isinstance(axis, Known) else None
        if any(type(i) is int and not -a.ndim <= i < a.ndim for i in (
                (named,) if type(named) is int else named if isinstance(named, tuple) else ())):
            raise OpRaises("IndexError", "tuple index out of range")  # flopscope's `x.shape[axis]`, first
        axes = _axes(axis, a.ndim)
        given = axis.value if isinstance(axis, Known) else getattr(axis, "items", ())
        if isinstance(given, (tuple, list)) and len(given) != len(axes):
            raise OpError("vector_norm over an axis given twice is not modelled (numpy raises after the charge)")
        effective = tuple(a.shape[i] for i in axes)
    group = 1
    for extent in effective:
        group *= extent
    groups = a.size // group if group else 0
    base = pricing.accounting("vector_norm_cost", tuple(effective), ord=order) * max(groups, 0)
    ctx.charge(op, base, dt, a.dtype_origin)
    if keepdims.value:
        shape = tuple(1 if i in axes else e for i, e in enumerate(a.shape))
    else:
        shape = tuple(e for i, e in enumerate(a.shape) if i not in axes)
    return as_numpy_scalar(Array(shape, real))


@handler("linalg.trace")
def _linalg_trace(ctx, args, kwargs):
    """numpy 2's ``linalg.trace(x, /, *, offset=0, dtype=None)``: the diagonal of the last two
    axes summed, for each matrix of a stack. flopscope bills it as the sum it is: in numpy's
    accumulator (an int32 matrix runs int64, at int64's rate) or the ``dtype=`` asked for, and
    the result has that dtype."""
    a = to_array(ctx, args[0])
    if a.ndim < 2 or len(args) > 1 or set(kwargs) - {"offset", "dtype"}:
        raise OpError("linalg.trace of a vector, or with these arguments, is not modelled")
    offset = known_int(kwargs.get("offset", Known(0)), "linalg.trace offset")
    explicit = dtype_arg(kwargs["dtype"]) if "dtype" in kwargs and not (
        isinstance(kwargs["dtype"], Known) and kwargs["dtype"].value is None) else None
    if "dtype" in kwargs and explicit is None and not (isinstance(kwargs["dtype"], Known)
                                                       and kwargs["dtype"].value is None):
        raise OpError("linalg.trace with a dtype not known statically is not modelled")
    rows, cols = a.shape[-2:]
    n = min(rows, cols)
    if offset > 0:
        n = min(n, cols - offset)
    elif offset < 0:
        n = min(n, rows + offset)
    n = max(n, 0)
    dt = explicit or dtypes.reduction_accumulator("sum", a.dtype)
    if dtypes.kind(dt) not in "biufc":
        raise OpError("linalg.trace into a non-numeric dtype is not modelled")
    base = 0 if _zero_dim(a) else pricing.accounting("trace_cost", n) * _batch(a)
    ctx.charge("linalg.trace", base, dt, origin_of([a], dt))
    stack = a.shape[:-2]
    if stack:
        return Array(stack, dt, dtype_origin=origin_of([a], dt))
    return NumpyScalar(dt, origin_of([a], dt))
