"""Products by engine: Strassen recursion, row blocks, randomised low-rank sketch."""

from __future__ import annotations

import flopscope.numpy as fnp

from .cost import Config


def strassen(a, b, leaf: int):
    n = a.shape[0]
    if n <= leaf or n % 2:
        return a @ b
    h = n // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]
    m1 = strassen(a11 + a22, b11 + b22, leaf)
    m2 = strassen(a21 + a22, b11, leaf)
    m3 = strassen(a11, b12 - b22, leaf)
    m4 = strassen(a22, b21 - b11, leaf)
    m5 = strassen(a11 + a12, b22, leaf)
    m6 = strassen(a21 - a11, b11 + b12, leaf)
    m7 = strassen(a12 - a22, b21 + b22, leaf)
    c11 = m1 + m4 - m5 + m7
    c12 = m3 + m5
    c21 = m2 + m4
    c22 = m1 - m2 + m3 + m6
    return fnp.block([[c11, c12], [c21, c22]])


def blocked(a, b, block: int):
    parts = []
    for s in range(0, a.shape[0], block):
        parts.append(a[s:s + block] @ b)
    return fnp.concatenate(parts, axis=0) if len(parts) > 1 else parts[0]


def sketch(a, b, rank: int, rng):
    omega = rng.standard_normal((a.shape[1], rank))
    y = a @ omega
    q, _ = fnp.linalg.qr(y)
    small = q.T @ a
    return q @ (small @ b)


def matmul(a, b, kind: str, cfg: Config, rng=None):
    n = a.shape[0]
    if kind == "strassen":
        return strassen(a, b, cfg.leaf)
    if kind == "blocked":
        return blocked(a, b, max(cfg.leaf, n // 4))
    if kind == "sketch":
        return sketch(a, b, max(2, int(cfg.rank_share * n)), rng)
    return a @ b
