"""Low-discrepancy point sets, written by hand (helper module of the qmc_sobol submission).

Three generators behind one table (DISPATCH), all returning points in [0, 1)^q as float64:

* Sobol (first 8 coordinates, Joe-Kuo direction numbers) through the Gray-code form:
  point n = XOR of the direction integers of the set bits of gray(n) = n ^ (n >> 1);
* Halton: radical inverses in the first q primes (a prime generator), one digit per pass;
* a rank-1 Korobov lattice: frac(n * z / N) with z = (1, a, a^2, ...) mod N.

The direction integers and the primes are plain Python (free, cached); the point arithmetic
runs on flopscope arrays (uint32 / int64), as a participant vectorising it would write it.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache, partial

import flopscope.numpy as fnp

BITS = 32
SOBOL_MAX_DIM = 8
# (degree s, polynomial a, initial m_1..m_s) for dimensions 2..8 (new-joe-kuo-6.21201)
JOE_KUO = (
    (1, 0, (1,)),
    (2, 1, (1, 3)),
    (3, 1, (1, 3, 1)),
    (3, 2, (1, 1, 1)),
    (4, 1, (1, 1, 3, 3)),
    (4, 4, (1, 3, 5, 13)),
    (5, 2, (1, 1, 5, 5, 17)),
)


def primes():
    """Endless generator of primes (trial division by the primes found so far)."""
    found = []
    for n in itertools.count(2):
        limit = math.isqrt(n)
        if all(n % p for p in itertools.takewhile(lambda p: p <= limit, found)):
            found.append(n)
            yield n


@lru_cache(maxsize=None)
def first_primes(q: int) -> tuple:
    return tuple(itertools.islice(primes(), q))


@lru_cache(maxsize=None)
def direction_integers(dim: int) -> tuple:
    """The BITS direction integers v_k = m_k << (BITS - k) of one Sobol coordinate."""
    if dim == 0:
        return tuple(1 << (BITS - 1 - k) for k in range(BITS))
    s, a, m0 = JOE_KUO[dim - 1]
    m = list(m0)
    for k in range(s, BITS):
        new = m[k - s] ^ (m[k - s] << s)
        for j in range(1, s):
            if (a >> (s - 1 - j)) & 1:
                new ^= m[k - j] << j
        m.append(new)
    return tuple(mk << (BITS - 1 - k) for k, mk in enumerate(m))


def digits_needed(n: int, base: int) -> int:
    """Recursive: how many base-`base` digits index n - 1 has."""
    return 1 if n <= base else 1 + digits_needed((n + base - 1) // base, base)


def sobol(n: int, q: int, skip: int = 1):
    """n Sobol points in the first q <= 8 coordinates (the first point, 0, skipped)."""
    if q > SOBOL_MAX_DIM:
        raise ValueError(f"sobol: {q} coordinates, the table has {SOBOL_MAX_DIM}")
    idx = fnp.arange(skip, skip + n, dtype=fnp.uint32)
    gray = fnp.bitwise_xor(idx, fnp.right_shift(idx, 1))
    table = fnp.asarray([direction_integers(d) for d in range(q)], dtype=fnp.uint32)   # (q, BITS)
    acc = fnp.zeros((n, q), dtype=fnp.uint32)
    for k in range(max(1, (skip + n).bit_length())):
        bit = fnp.bitwise_and(fnp.right_shift(gray, k), 1)              # (n,)
        acc = fnp.bitwise_xor(acc, bit[:, None] * table[None, :, k])
    return acc.astype(fnp.float64) * 2.0 ** -BITS


def halton(n: int, q: int, skip: int = 1):
    """n Halton points in q coordinates: digit-by-digit radical inverse in prime bases."""
    bases = fnp.asarray(first_primes(q), dtype=fnp.int64)[None, :]
    idx = fnp.broadcast_to(fnp.arange(skip, skip + n, dtype=fnp.int64)[:, None], (n, q))
    out = fnp.zeros((n, q))
    scale = 1.0 / bases
    for _ in range(digits_needed(skip + n, 2)):
        out = out + fnp.mod(idx, bases) * scale
        idx = idx // bases
        scale = scale / bases
    return out


@lru_cache(maxsize=64)
def korobov(n: int, q: int) -> tuple:
    """The generating vector (1, a, a^2, ...) mod n, a the odd number nearest 0.6 n coprime to n."""
    a = max(3, int(0.6 * n) | 1)
    while math.gcd(a, n) != 1:
        a += 2
    return tuple(pow(a, j, n) for j in range(q))


def lattice(n: int, q: int, skip: int = 0):
    z = fnp.asarray(korobov(n, q), dtype=fnp.float64)
    k = fnp.arange(skip, skip + n, dtype=fnp.float64)
    frac, _ = fnp.modf(fnp.outer(k, z) / n)
    return frac


DISPATCH = {
    "sobol": sobol,
    "halton": halton,
    "lattice": partial(lattice, skip=0),
}


def point_cost(kind: str, n: int, q: int) -> int:
    """What generating n points in q coordinates roughly costs (our model, not flopscope's)."""
    if kind == "sobol":
        return (3 * n + 3 * n * q) * max(1, (n + 1).bit_length()) + 2 * n * q
    if kind == "halton":
        return 8 * n * q * digits_needed(n + 1, 2)
    return 4 * n * q


def shifted(points, shift):
    """Cranley-Patterson rotation: (u + shift) mod 1."""
    return (points + shift[None, :]) % 1.0
