"""Monte-Carlo refinement of the last layers' means as a generator of running estimates
(one per chunk, up to the cap), cut by ``itertools.takewhile`` (standard error above the
tolerance), the last estimate kept by a ``deque(maxlen=1)``."""

from __future__ import annotations

import itertools
from collections import deque
from typing import NamedTuple

import flopscope.numpy as fnp


class Estimate(NamedTuple):
    mean: object
    stderr: float
    chunks: int

    @property
    def settled(self) -> bool:
        return self.chunks > 1


def _running(mean, factor, weights, size: int, cap: int, rng):
    """One chunk of ``size`` samples per item (``cap`` items), through every layer in ``weights``."""
    n = mean.shape[0]
    total = fnp.zeros(weights[-1].shape[1]) if weights else fnp.zeros(n)
    squares = fnp.zeros_like(total)
    for c in range(1, cap + 1):
        z = rng.standard_normal((size, factor.shape[1]), dtype=fnp.float32)
        x = fnp.maximum(mean.astype(fnp.float32) + z @ factor.T.astype(fnp.float32), 0.0)
        for w in weights:
            x = fnp.maximum(x @ w.astype(fnp.float32), 0.0)
        x = x.astype(fnp.float64)
        total = total + fnp.sum(x, axis=0)
        squares = squares + fnp.sum(x * x, axis=0)
        seen = c * size
        avg = total / seen
        var = fnp.maximum(squares / seen - avg * avg, 0.0)
        yield Estimate(avg, float(fnp.sqrt(fnp.max(var) / seen)), c)


def refine(mean, factor, weights, size: int, max_chunks: int, tol: float, rng):
    """The last running estimate whose standard error is still above ``tol`` (at most
    ``max_chunks`` chunks), or None when the first one is already below it."""
    unsettled = itertools.takewhile(lambda e: e.stderr > tol, _running(mean, factor, weights, size, max_chunks, rng))
    tail = deque(unsettled, maxlen=1)
    return tail[0] if tail else None
