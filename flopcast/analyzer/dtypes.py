"""numpy's promotion rules, asked of the installed numpy (NEP 50 included).

Operands are described as :class:`Operand`: a strong dtype (arrays, 0-d arrays,
numpy scalars) or a weak Python scalar kind ('int', 'float', 'complex', 'bool').

numpy's answers are kept on disk per numpy version (``disk_answers``), so an analysis
whose questions were all asked before does not import numpy (a third of a cold run).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from flopcast import installed
from flopcast.analyzer.disk_answers import DiskAnswers


class _LazyNumpy:
    """``np``, imported on first use."""

    def __getattr__(self, name: str):
        import numpy

        return getattr(numpy, name)


np = _LazyNumpy()
#: numpy's answers, per numpy version. The file's format number changes whenever an answer's form
#: does (2: ``None`` for a numpy function that is not a ufunc), because other versions of flopcast
#: share the cache folder and would misread it.
ANSWERS = DiskAnswers(lambda: installed.cache_dir() / f"dtypes-2-numpy-{installed.version_of('numpy')}.json")
_asked = ANSWERS.ask


_WEAK_SAMPLE = {"int": 1, "float": 1.0, "complex": 1j}
_WEAK_TYPE = {"int": int, "float": float, "complex": complex}


@dataclass(frozen=True)
class Operand:
    dtype: Optional[str] = None  # strong
    weak: Optional[str] = None  # 'int' | 'float' | 'complex'

    def for_result_type(self):
        if self.dtype is not None:
            return np.dtype(self.dtype)
        return _WEAK_SAMPLE[self.weak]

    def for_resolver(self):
        if self.dtype is not None:
            return np.dtype(self.dtype)
        return _WEAK_TYPE[self.weak]


def _key(*parts) -> str:
    """A short, stable text for a question: operands as their dtype, or ``~kind`` when weak."""
    def short(part):
        if isinstance(part, Operand):
            return part.dtype if part.dtype is not None else f"~{part.weak}"
        if isinstance(part, tuple):
            return ",".join(short(p) for p in part)
        return str(part)

    return "|".join(short(p) for p in parts)


def result_type(*operands: Operand) -> str:
    # Promotion is idempotent, so repeats add nothing: a concatenate of 10^5 blocks asks
    # about one dtype, not 10^5 (each repeat used to hash and land in the disk cache's key).
    return _result_type(*dict.fromkeys(operands))


@lru_cache(maxsize=4096)
def _result_type(*operands: Operand) -> str:
    return _asked(_key("result_type", operands),
                  lambda: np.result_type(*(o.for_result_type() for o in operands)).name)


@lru_cache(maxsize=4096)
def ufunc_loop(name: str, *operands: Operand) -> tuple[str, str]:
    """(loop input dtype, output dtype) numpy picks for ``np.<name>`` on these operands."""
    def compute() -> Optional[list]:
        ufunc = getattr(np, name)
        if not hasattr(ufunc, "resolve_dtypes"):
            return None  # a function, not a ufunc (nan_to_num, sinc): kept, so numpy is not imported to learn it again
        try:
            sig = ufunc.resolve_dtypes(tuple(o.for_resolver() for o in operands) + (None,) * ufunc.nout)
        except (TypeError, ValueError, np.exceptions.DTypePromotionError):
            rt = result_type(*operands)
            return [rt, rt]
        return [sig[0].name, sig[ufunc.nin].name]

    answer = _asked(_key("ufunc_loop", name, operands), compute)
    if answer is None:
        raise AttributeError(f"numpy.{name} is not a ufunc")
    loop, out = answer
    return loop, out


@lru_cache(maxsize=4096)
def ufunc_refusal(name: str, *operands: Operand, dtype: Optional[str] = None) -> Optional[tuple[str, str]]:
    """(exception class, message) numpy raises calling the ufunc ``np.<name>`` on operands of these
    dtypes, for want of a loop (``gcd`` of floats, ``bitwise_count`` of a float array), or None.
    numpy itself is asked, on empty arrays of the dtypes (weak operands as Python numbers)."""
    def compute() -> Optional[list]:
        ufunc = getattr(np, name, None)
        if not isinstance(ufunc, np.ufunc) or len(operands) != ufunc.nin:
            return None
        values = [np.empty(0, o.dtype) if o.dtype is not None else _WEAK_SAMPLE[o.weak] for o in operands]
        if not any(isinstance(v, np.ndarray) for v in values):
            return None  # Python numbers alone: numpy's scalar path, not asked here
        try:
            with np.errstate(all="ignore"):
                ufunc(*values, **({"dtype": dtype} if dtype is not None else {}))
        except TypeError as exc:
            return [type(exc).__name__, str(exc)]
        return None

    found = _asked(_key("ufunc_refusal", name, operands, dtype or ""), compute)
    return tuple(found) if found else None


def ufunc_outputs(name: str, *operands: Operand) -> list[str]:
    """The dtype of each of ``np.<name>``'s outputs on these operands (frexp: the mantissa's and
    the int32 exponent's)."""
    def compute() -> list:
        ufunc = getattr(np, name)
        sig = ufunc.resolve_dtypes(tuple(o.for_resolver() for o in operands) + (None,) * ufunc.nout)
        return [d.name for d in sig[ufunc.nin:]]

    return _asked(_key("ufunc_outputs", name, operands), compute)


@lru_cache(maxsize=None)
def itemsize(dtype: str) -> int:
    return _asked(_key("itemsize", dtype), lambda: np.dtype(dtype).itemsize)


def ndarray_method(name: str) -> bool:
    """Whether ``ndarray.<name>`` is a method (``x.dot``), not a data attribute (``x.mT``)."""
    return _asked(_key("ndarray_method", name), lambda: callable(getattr(np.ndarray, name, None)))


def heavier(a: Optional[str], b: Optional[str], rate) -> Optional[str]:
    if a is None:
        return b
    if b is None:
        return a
    return b if rate(b) > rate(a) else a


def normalize(dtype) -> str:
    """A dtype name from what user code may pass: 'float32', np.float32 names, 'f4'."""
    if isinstance(dtype, str):
        return _asked(_key("name", dtype), lambda: np.dtype(dtype).name)
    if dtype in (int, float, bool, complex):
        return _asked(_key("name", f"py:{dtype.__name__}"), lambda: np.dtype(dtype).name)
    return np.dtype(dtype).name


@lru_cache(maxsize=None)
def kind(dtype: str) -> str:
    """numpy's kind letter of a dtype ('f', 'c', 'i', 'u', 'b', ...). Kept per process too: every
    elementwise op asks it (an integer result's bounds), and the question's text cost more than
    the answer's look-up (a tenth of the pricing of adaptive_simpson's 120,000 ops)."""
    return _asked(_key("kind", dtype), lambda: np.dtype(dtype).kind)


def reduction_accumulator(op: str, dtype: str) -> str:
    """The dtype numpy accumulates a reduction in (what flopscope bills)."""
    kind_ = kind(dtype)
    if op in ("sum", "prod", "cumsum", "cumprod", "nansum", "nanprod") and kind_ in "bi":
        return "int64" if kind_ == "b" or itemsize(dtype) < 8 else dtype
    if op in ("sum", "prod", "cumsum", "cumprod") and kind_ == "u":
        return "uint64"
    if op in ("mean", "average", "var", "std", "nanmean", "nanvar", "nanstd", "median") and kind_ in "biu":
        return "float64"
    return dtype


def array_literal_dtype(sample) -> str:
    """dtype numpy gives ``np.asarray(sample)`` for a nested list of Python scalars."""
    if _plain(sample):
        return _asked(_key("literal", sample), lambda: np.asarray(sample).dtype.name)
    return np.asarray(sample).dtype.name


#: the leading words of numpy's numeric dtype names (``int8`` ... ``complex256``); flopscope
#: refuses every other kind (str, bytes, object, void, datetime64) as an operand or a dtype=
_NUMERIC_NAMES = ("bool", "int", "uint", "float", "complex")


def billable(name: str) -> bool:
    """Whether flopscope meters a dtype of this name (numeric kinds only: UnsupportedDtypeError
    otherwise). numpy's name of a string dtype (``str544``) does not parse back, so the name is read."""
    return name.startswith(_NUMERIC_NAMES)


def _plain(sample) -> bool:
    """Python scalars in lists/tuples only: their repr names every value and type."""
    if isinstance(sample, (list, tuple)):
        return all(_plain(x) for x in sample)
    return type(sample) in (int, float, complex, bool)


@lru_cache(maxsize=None)
def fft_result(fn: str, dtype: str) -> str:
    """dtype numpy's ``np.fft.<fn>`` returns for a ``dtype`` input (asked of numpy on a tiny array)."""
    return _asked(_key("fft", fn, dtype), lambda: getattr(np.fft, fn)(np.ones((4, 4), dtype=dtype)).dtype.name)


@lru_cache(maxsize=None)
def quantile_result(fn: str, a_dtype: str, q: Operand, method: str = "linear") -> str:
    """dtype ``np.<fn>(a, q, method=method)`` returns (percentile/quantile and their nan forms):
    the methods that pick an element (nearest, lower, higher, inverted_cdf, closest_observation)
    keep ``a``'s dtype where the interpolating ones promote it with ``q``'s."""
    def compute() -> str:
        sample = 0 if q.weak == "int" else 0.0 if q.weak == "float" else np.zeros((), dtype=q.dtype)
        return np.asarray(getattr(np, fn)(np.ones(3, dtype=a_dtype), sample, method=method)).dtype.name

    return _asked(_key("quantile", fn, a_dtype, q, method), compute)


def can_cast(source: str, target: str, casting: str) -> bool:
    """``numpy.can_cast(source, target, casting)`` for two dtype names."""
    return _asked(_key("can_cast", source, target, casting), lambda: bool(np.can_cast(source, target, casting)))


def weak_int_overflow(ufunc: str, args: tuple) -> Optional[str]:
    """numpy's OverflowError message when ``np.<ufunc>`` gets a Python int its integer operand's
    dtype cannot hold (NEP 50: ``int8_array * 200``), None when it computes. ``args`` are dtype
    names (arrays) and Python ints (the weak scalars), in the call's order."""
    def compute() -> Optional[str]:
        fn = getattr(np, ufunc, None)
        if not isinstance(fn, np.ufunc):
            return None
        real = [np.zeros(1, dtype=a) if isinstance(a, str) else a for a in args]
        try:
            with np.errstate(all="ignore"):
                fn(*real)
        except OverflowError as exc:
            return str(exc)
        except Exception:  # other refusals are decided where the loop is resolved
            return None
        return None

    key = "|".join(a if isinstance(a, str) else f"={a}" for a in args)
    return _asked(_key("weak_int_overflow", ufunc, key), compute)


@lru_cache(maxsize=None)
def function_result(fn: str, dtype: str) -> Optional[str]:
    """dtype of ``np.<fn>(x)`` for a ``dtype`` array x, for a numpy function that is not a ufunc
    (``sinc``, ``i0``, ``angle``, ``nan_to_num``); None when numpy refuses the dtype."""
    def compute() -> Optional[str]:
        try:
            return getattr(np, fn)(np.zeros(1, dtype=dtype)).dtype.name
        except Exception:  # noqa: BLE001 - numpy refuses this dtype
            return None

    return _asked(_key("function", fn, dtype), compute)


def fits_integer(bounds: tuple, dt: str) -> bool:
    """Whether integers within ``bounds`` keep their values in the integer dtype ``dt``."""
    bits = int(dt.lstrip("uint") or 64)
    low, high = (0, 2**bits - 1) if dt.startswith("u") else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return low <= bounds[0] and bounds[1] <= high


def complex_of(dtype: str) -> str:
    """The complex dtype numpy's LAPACK wrappers return for a real ``dtype`` (float32 -> complex64)."""
    return _asked(_key("complex", dtype), lambda: np.result_type(dtype, np.complex64).name)


def real_part(dtype: str) -> str:
    """dtype of ``x.real`` / ``x.imag`` (complex64 -> float32; real dtypes unchanged)."""
    return _asked(_key("real", dtype), lambda: np.empty(0, dtype=dtype).real.dtype.name)


def lstsq_rank() -> str:
    """dtype of the rank ``lstsq`` reports (a numpy scalar, LAPACK's integer: int32)."""
    return _asked(_key("lstsq_rank"), lambda: np.linalg.lstsq(np.eye(1), np.ones(1), rcond=None)[2].dtype.name)


def integer_to_float64_min(dtype: str) -> str:
    """flopscope floors integer and bool computation at float64 (allclose, isclose)."""
    return "float64" if kind(dtype) in "biu" else dtype
