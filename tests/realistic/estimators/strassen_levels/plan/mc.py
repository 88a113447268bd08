"""Chunked Monte Carlo bookkeeping."""

from __future__ import annotations

import flopscope.numpy as fnp


def chunk_bounds(n: int, size: int):
    start = 0
    while start < n:
        yield start, min(n, start + size)
        start += size


class Welford:
    """Running mean and M2 over chunks of rows."""

    def __init__(self, width: int):
        self.count = 0
        self.mean = fnp.zeros(width)
        self.m2 = fnp.zeros(width)

    def add(self, rows):
        k = rows.shape[0]
        if k == 0:
            return
        bmean = fnp.mean(rows, axis=0)
        bm2 = fnp.sum((rows - bmean) ** 2, axis=0)
        total = self.count + k
        delta = bmean - self.mean
        self.mean = self.mean + delta * (k / total)
        self.m2 = self.m2 + bm2 + delta * delta * (self.count * k / total)
        self.count = total

    @property
    def var(self):
        return self.m2 / max(self.count - 1, 1)
