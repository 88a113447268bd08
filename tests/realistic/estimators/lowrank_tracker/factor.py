"""Low-rank + diagonal covariance  C = U diag(s) U^T + diag(d)  (helper of lowrank_tracker).

``factor @ w`` pushes the covariance through a linear layer, cheaply: U -> W^T U and
d -> diag(W^T diag(d) W) (the off-diagonal part of that term is dropped). ``refactored``
rebuilds the factor from the full pushed covariance W^T C W (dense, then the top-r
eigenpairs), by one of three methods picked by a cost model (``REFACTOR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import flopscope.numpy as fnp

VAR_FLOOR = 1e-8


@dataclass
class LowRankDiag:
    u: object          # (w, r) float64
    s: object          # (r,)
    d: object          # (w,)

    @property
    def rank(self) -> int:
        return self.u.shape[1]

    @property
    def width(self) -> int:
        return self.u.shape[0]

    @property
    def var(self):
        return (self.u * self.u) @ self.s + self.d

    def __matmul__(self, w) -> "LowRankDiag":
        return LowRankDiag(w.T @ self.u, self.s, fnp.maximum(self.d @ (w * w), VAR_FLOOR))

    def __add__(self, jitter: float) -> "LowRankDiag":
        return LowRankDiag(self.u, self.s, self.d + jitter)

    def scaled(self, c: float) -> "LowRankDiag":
        return LowRankDiag(self.u, self.s * (c * c), self.d * (c * c))

    def dense(self):
        return (self.u * self.s[None, :]) @ self.u.T + fnp.diag(self.d)

    def gated(self, gain, var_after) -> "LowRankDiag":
        """Linearised relu: rows of U scaled by the gain; the diagonal takes up the rest of
        the post-activation variance."""
        u = self.u * gain[:, None]
        low = (u * u) @ self.s
        return LowRankDiag(u, self.s, fnp.maximum(var_after - low, VAR_FLOOR))

    def reorthonormalised(self) -> "LowRankDiag":
        """U = Q R; the small core R diag(s) R^T re-diagonalised (eigh of r x r)."""
        q, r = fnp.linalg.qr(self.u)
        core = (r * self.s[None, :]) @ r.T
        vals, vecs = fnp.linalg.eigh(core)
        return LowRankDiag(q @ vecs, fnp.maximum(vals, 0.0), self.d)

    @classmethod
    def diagonal(cls, d, rank: int) -> "LowRankDiag":
        w = d.shape[0]
        return cls(fnp.zeros((w, rank)), fnp.zeros(rank), d)


# ---------------------------------------------------------------------------- refactoring


def split_top(full, vals, vecs, r: int) -> LowRankDiag:
    """Top-r eigenpairs (eigh is ascending: flipped) and the diagonal of the remainder."""
    vals, vecs = fnp.flip(vals[-r:]), fnp.flip(vecs[:, -r:], axis=1)
    vals = fnp.maximum(vals, 0.0)
    resid = fnp.diagonal(full) - (vecs * vecs) @ vals
    return LowRankDiag(vecs, vals, fnp.maximum(resid, VAR_FLOOR))


def by_eigh(full, r: int, rng) -> LowRankDiag:
    vals, vecs = fnp.linalg.eigh(full)
    return split_top(full, vals, vecs, r)


def by_svd(full, r: int, rng) -> LowRankDiag:
    u, sv, _ = fnp.linalg.svd(full)
    return split_top(full, fnp.flip(sv[:r]), fnp.flip(u[:, :r], axis=1), r)


def by_sketch(full, r: int, rng, power: int = 2) -> LowRankDiag:
    """Randomised range finder: Q from (C^power) Omega, then eigh of Q^T C Q."""
    omega = rng.standard_normal((full.shape[0], r + 4))
    y = full @ omega
    for _ in range(power):
        y, _ = fnp.linalg.qr(y)
        y = full @ y
    q, _ = fnp.linalg.qr(y)
    small = q.T @ full @ q
    vals, vecs = fnp.linalg.eigh(small)
    return split_top(full, vals, q @ vecs, r)


REFACTOR = {"eigh": by_eigh, "svd": by_svd, "sketch": by_sketch}


@lru_cache(maxsize=None)
def sketch_cost(w: int, k: int, power: int) -> int:
    """Recursive: each power step is a QR of (w, k) and a product with the dense matrix."""
    if power == 0:
        return 2 * w * w * k + 4 * w * k * k
    return 2 * w * w * k + 4 * w * k * k + sketch_cost(w, k, power - 1)


def refactor_cost(method: str, w: int, r: int) -> int:
    dense = 2 * w * w * r + 4 * w * w
    if method == "eigh":
        return dense + 9 * w ** 3
    if method == "svd":
        return dense + 22 * w ** 3
    k = r + 4
    return dense + sketch_cost(w, k, 2) + 2 * w * w * k + 9 * k ** 3


def cheapest_refactor(w: int, r: int) -> str:
    costs = {m: refactor_cost(m, w, r) for m in REFACTOR if m != "svd"}
    if r * 4 > w:                        # a sketch of nearly the full width buys nothing
        costs.pop("sketch")
    return min(costs, key=costs.get)


def pushed_dense(f: LowRankDiag, w):
    """W^T C W in full (the refactor's input)."""
    wu = w.T @ f.u
    return (wu * f.s[None, :]) @ wu.T + (w.T * f.d[None, :]) @ w


def effective_rank(s):
    """exp(entropy) of the normalised spectrum (0-d)."""
    p = s / (fnp.sum(s) + 1e-300)
    return fnp.exp(-fnp.sum(p * fnp.log(p + 1e-300)))
