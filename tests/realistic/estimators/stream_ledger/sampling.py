"""Sample streams: chunk sizes, seeded draws, antithetic pairs (all generators)."""

from __future__ import annotations

import math

import flopscope.numpy as fnp

MIN_CHUNK = 8


def chunk_sizes(n: int, chunk: int):
    """Chunk sizes adding up to n: full chunks, then the remainder (if any)."""
    full, rest = divmod(n, chunk)
    yield from (chunk for _ in range(full))
    if rest:
        yield rest


def seed_for(budget: int, width: int, depth: int) -> int:
    """A seed from the point: reruns at the same point draw the same samples."""
    return (budget % (2 ** 31 - 1)) ^ (width << 8) ^ depth


def draws(rng, width: int, sizes, antithetic: bool):
    """Standard normal inputs per chunk (float32); antithetic chunks are (z, -z) stacked."""
    for m in sizes:
        if antithetic and m >= 2 * MIN_CHUNK:
            half = rng.standard_normal((m // 2, width), dtype=fnp.float32)
            z = fnp.concatenate([half, -half], axis=0)
            if m % 2:
                z = fnp.concatenate([z, rng.standard_normal((1, width), dtype=fnp.float32)], axis=0)
            yield z
        else:
            yield rng.standard_normal((m, width), dtype=fnp.float32)


def log2_floor(x: float) -> int:
    return int(math.floor(math.log2(x))) if x >= 1 else 0
