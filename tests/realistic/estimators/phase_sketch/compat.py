"""Feature detection and small numeric helpers shared by the estimator (kept apart so the
estimator file stays readable; whestbench packs the whole folder)."""

from __future__ import annotations

import math
from collections import Counter

import flopscope as flops
import flopscope.numpy as fnp

#: flopscope's ufuncs are plain functions in some versions: no .reduce / .outer
HAS_UFUNC_METHODS = hasattr(fnp.maximum, "reduce")
HAS_SPECIAL = getattr(flops, "special", None) is not None
LOG2 = math.log(2.0)


def column_peak(x):
    """max over rows, through ufunc.reduce when the library has it."""
    if HAS_UFUNC_METHODS:
        return fnp.maximum.reduce(x, axis=0)
    return fnp.max(x, axis=0)


def gauss_cdf(z):
    if HAS_SPECIAL:
        return 0.5 * (1.0 + flops.special.erf(z / math.sqrt(2.0)))
    return flops.stats.norm.cdf(z).astype(z.dtype)


def soft_relu(z, *, sharp: float = 8.0):
    """softplus(sharp * z) / sharp, in the input dtype."""
    return fnp.logaddexp(0.0, sharp * z) / sharp


def bucket_counts(codes, buckets: int):
    """Histogram of integer codes folded into [0, buckets)."""
    return fnp.bincount(codes % buckets, minlength=buckets)


def modal_buckets(counts, top: int = 2):
    """The `top` most frequent buckets (ties broken by numpy's stable sort)."""
    order = fnp.argsort(counts, kind="stable")
    return order[-top:]


def most_used(log: list, default: str = "none") -> str:
    """The rung that ran most often (Counter over the layer log)."""
    if not log:
        return default
    (name, _), *_ = Counter(log).most_common(1)
    return name


def pairs(seq):
    """(a, b), (b, c), ... over a sequence."""
    it = iter(seq)
    prev = next(it, None)
    for cur in it:
        yield prev, cur
        prev = cur
