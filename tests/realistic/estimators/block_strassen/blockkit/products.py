"""Square products: plain or Strassen, picked by a match on the cost model's choice."""

from __future__ import annotations

import flopscope.numpy as fnp

from .costs import Choice, choose_product


def _strassen(a, b, leaf: int):
    n = a.shape[0]
    if n <= leaf:
        return a @ b
    if n % 2:
        pad = ((0, 1), (0, 1))
        return _strassen(fnp.pad(a, pad), fnp.pad(b, pad), leaf)[:n, :n]
    h = n // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]
    m1 = _strassen(a11 + a22, b11 + b22, leaf)
    m2 = _strassen(a21 + a22, b11, leaf)
    m3 = _strassen(a11, b12 - b22, leaf)
    m4 = _strassen(a22, b21 - b11, leaf)
    m5 = _strassen(a11 + a12, b22, leaf)
    m6 = _strassen(a21 - a11, b11 + b12, leaf)
    m7 = _strassen(a12 - a22, b21 + b22, leaf)
    top = fnp.concatenate([m1 + m4 - m5 + m7, m3 + m5], axis=1)
    bottom = fnp.concatenate([m2 + m4, m1 - m2 + m3 + m6], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


def multiply(a, b, choice: Choice | None = None):
    """a @ b for square a, b of one size; the method comes from the cost model."""
    if a.shape != b.shape or a.shape[0] != a.shape[1]:
        return a @ b
    match choice or choose_product(a.shape[0]):
        case Choice(method="plain"):
            return a @ b
        case Choice(method="strassen", leaf=leaf) if leaf >= 2:
            return _strassen(a, b, leaf)
        case other:
            raise ValueError(f"unknown product {other!r}")
