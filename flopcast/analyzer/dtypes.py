"""numpy's promotion rules, asked of the installed numpy (NEP 50 included).

Operands are described as :class:`Operand`: a strong dtype (arrays, 0-d arrays,
numpy scalars) or a weak Python scalar kind ('int', 'float', 'complex', 'bool').
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np

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


@lru_cache(maxsize=4096)
def result_type(*operands: Operand) -> str:
    return np.result_type(*(o.for_result_type() for o in operands)).name


@lru_cache(maxsize=4096)
def ufunc_loop(name: str, *operands: Operand) -> tuple[str, str]:
    """(loop input dtype, output dtype) numpy picks for ``np.<name>`` on these operands."""
    ufunc = getattr(np, name)
    try:
        sig = ufunc.resolve_dtypes(tuple(o.for_resolver() for o in operands) + (None,) * ufunc.nout)
    except (TypeError, ValueError, np.exceptions.DTypePromotionError):
        rt = result_type(*operands)
        return rt, rt
    return sig[0].name, sig[ufunc.nin].name


def heavier(a: Optional[str], b: Optional[str], rate) -> Optional[str]:
    if a is None:
        return b
    if b is None:
        return a
    return b if rate(b) > rate(a) else a


def normalize(dtype) -> str:
    """A dtype name from what user code may pass: 'float32', np.float32 names, 'f4'."""
    return np.dtype(dtype).name


def reduction_accumulator(op: str, dtype: str) -> str:
    """The dtype numpy accumulates a reduction in (what flopscope bills)."""
    kind = np.dtype(dtype).kind
    if op in ("sum", "prod", "cumsum", "cumprod", "nansum", "nanprod") and kind in "bi":
        return "int64" if kind == "b" or np.dtype(dtype).itemsize < 8 else dtype
    if op in ("sum", "prod", "cumsum", "cumprod") and kind == "u":
        return "uint64"
    if op in ("mean", "average", "var", "std", "nanmean", "nanvar", "nanstd", "median") and kind in "biu":
        return "float64"
    return dtype


def array_literal_dtype(sample) -> str:
    """dtype numpy gives ``np.asarray(sample)`` for a nested list of Python scalars."""
    return np.asarray(sample).dtype.name


@lru_cache(maxsize=None)
def fft_result(fn: str, dtype: str) -> str:
    """dtype numpy's ``np.fft.<fn>`` returns for a ``dtype`` input (asked of numpy on a tiny array)."""
    return getattr(np.fft, fn)(np.ones((4, 4), dtype=dtype)).dtype.name


@lru_cache(maxsize=None)
def quantile_result(fn: str, a_dtype: str, q: Operand) -> str:
    """dtype ``np.<fn>(a, q)`` returns (percentile/quantile and their nan forms)."""
    sample = 0 if q.weak == "int" else 0.0 if q.weak == "float" else np.zeros((), dtype=q.dtype)
    return np.asarray(getattr(np, fn)(np.ones(3, dtype=a_dtype), sample)).dtype.name


def real_part(dtype: str) -> str:
    """dtype of ``x.real`` / ``x.imag`` (complex64 -> float32; real dtypes unchanged)."""
    return np.empty(0, dtype=dtype).real.dtype.name


def integer_to_float64_min(dtype: str) -> str:
    """flopscope floors integer and bool computation at float64 (allclose, isclose)."""
    return "float64" if np.dtype(dtype).kind in "biu" else dtype
