"""Active sets, scatter/gather helpers and the chunked sampler."""

from __future__ import annotations

import math

import numpy as np
import flopscope.numpy as fnp

from .consts import *  # noqa: F401,F403  (the package's constants)
from . import consts as C


def clamp(v, lo, hi):
    return lo if v < lo else hi if v > hi else v


def top_k(score, k: int):
    """The k largest scores' indices, in increasing index order."""
    part = fnp.argpartition(score, -k)[-k:]
    return fnp.sort(part)


def covering_set(var, cover: float = COVER):
    """The fewest units whose variances cover ``cover`` of the total (value-dependent size)."""
    order = fnp.argsort(var)[::-1]
    csum = fnp.cumsum(fnp.take(var, order))
    cut = int(fnp.searchsorted(csum, cover * csum[-1])) + 1
    cut = clamp(cut, C.MIN_ACTIVE, var.shape[0])
    return fnp.sort(order[:cut])


def floor_mask(var, floor: float = FLOOR):
    """Boolean mask of units with a usable variance, and its flat indices."""
    mask = var > floor
    return mask, fnp.flatnonzero(mask)


def chunks(n: int, size: int):
    """(start, stop) of each chunk, the last one the remainder."""
    full, rest = divmod(n, size)
    for i in range(full):
        yield i * size, (i + 1) * size
    if rest:
        yield full * size, n


def gather_sum(acc, rows, idx):
    """acc += rows[:, idx].sum(0), written into acc (out=)."""
    part = fnp.sum(fnp.take(rows, idx, axis=1), axis=0)
    fnp.add(acc, part, out=acc)
    return acc


def bucket_counts(z, edges):
    """How many of z fall in each bucket between the edges (searchsorted + bincount)."""
    where = fnp.searchsorted(edges, z)
    return fnp.bincount(where, minlength=edges.shape[0] + 1)


def tally(hits: np.ndarray, idx) -> None:
    """Bookkeeping in plain numpy: how often each unit was in an active set."""
    np.add.at(hits, np.asarray(idx, dtype=np.intp), 1)


__all__ = ["clamp", "top_k", "covering_set", "floor_mask", "chunks", "gather_sum",
           "bucket_counts", "tally", *C.__all__]
