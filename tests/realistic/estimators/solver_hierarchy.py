"""Covariance propagation through a hierarchy of solver classes ("solver_hierarchy").

* ``Propagator`` is an abstract base with ``__slots__``, a ``name`` property, a ``price``
  staticmethod and a ``from_budget`` classmethod that picks the subclass whose price fits;
  ``FullCov`` -> ``LowRankCov`` (``super().step``, then a truncation) and ``DiagCov`` are the
  subclasses, each registered by ``__init_subclass__`` in a dict keyed by its rank;
* the covariance square root is a ladder: ``cholesky``, then ``eigh`` with the negative
  eigenvalues clipped, then the diagonal, each rung in ``try/except LinAlgError``;
* the pre-activation moments are einsums of several operand patterns (``"ij,jk->ik"``,
  ``"ji,jk,kl->il"`` with ``optimize=``, ``"ii->i"``, ``"i,i->"``), the Gram of the rows
  ``"ki,kj->ij"``; a float64 accumulator in the low-rank class, float32 elsewhere;
* the config is formatted into a text key (``f"{name}-r{rank}-{dtype}"``) and read back;
* the rank of the low-rank class comes from the budget through a ``while`` loop that doubles
  it while it fits, then ``math.floor(math.log2(...))`` rounding.

The solver rungs read values only to decide whether LAPACK gives up (safety nets): cholesky
of a jittered covariance, eigh of the same, the ridge ``solve`` of the low-rank Gram. A
ledger (a dataclass with a ``default_factory`` dict) counts the rungs taken, and the stored
dtype is tested by identity (``prop.dtype is not fnp.float32``), as numpy's scalar types
are singletons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import flopscope as flops
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

JITTER = 1e-6
RANK_MIN = 2
HEADROOM = 0.8


class LinAlgTrouble(Exception):
    """Raised by a rung that gives up."""


@dataclass
class Ledger:
    rungs: dict = field(default_factory=dict)
    keys: list = field(default_factory=list)

    def note(self, rung: str) -> None:
        self.rungs[rung] = self.rungs.get(rung, 0) + 1

    def __repr__(self) -> str:
        taken = ", ".join(f"{k}x{v}" for k, v in self.rungs.items())
        return f"Ledger({taken or 'no rungs'}; {len(self.keys)} solvers)"


def relu_moments(mean, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    alpha = mean / sd
    cdf = flops.stats.norm.cdf(alpha)
    pdf = flops.stats.norm.pdf(alpha)
    mu = mean * cdf + sd * pdf
    second = (mean * mean + var) * cdf + mean * sd * pdf
    return mu, fnp.maximum(second - mu * mu, 0.0), cdf


def sqrt_ladder(cov, ledger: Ledger):
    """A square root ``r`` with ``r @ r.T ~ cov``: cholesky, else eigh clipped, else diagonal."""
    n = cov.shape[0]
    eye = fnp.eye(n, dtype=cov.dtype)
    try:
        r = fnp.linalg.cholesky(cov + JITTER * eye)
        ledger.note("chol")
        return r
    except np.linalg.LinAlgError:
        pass
    try:
        vals, vecs = fnp.linalg.eigh(cov)
        ledger.note("eigh")
        return vecs * fnp.sqrt(fnp.maximum(vals, 0.0))
    except np.linalg.LinAlgError:
        ledger.note("diag")
        return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(cov), 0.0)))


class Propagator:
    __slots__ = ("width", "ledger", "dtype")
    registry: ClassVar[dict] = {}
    order: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Propagator.registry[cls.order] = cls

    def __init__(self, width: int, ledger: Ledger, dtype=fnp.float32):
        self.width = width
        self.ledger = ledger
        self.dtype = dtype

    @property
    def name(self) -> str:
        return type(self).__name__.lower()

    @staticmethod
    def price(width: int, depth: int, rank: int) -> int:
        raise NotImplementedError

    @classmethod
    def from_budget(cls, width: int, depth: int, budget: int, ledger: Ledger) -> "Propagator":
        for order in sorted(cls.registry, reverse=True):
            kind = cls.registry[order]
            rank = kind.best_rank(width, depth, budget)
            if rank and kind.price(width, depth, rank) <= budget:
                return kind.build(width, rank, ledger)
        return DiagCov(width, ledger)

    @classmethod
    def best_rank(cls, width: int, depth: int, budget: int) -> int:
        return width

    @classmethod
    def build(cls, width: int, rank: int, ledger: Ledger) -> "Propagator":
        return cls(width, ledger)

    def key(self) -> str:
        return f"{self.name}-w{self.width}-{fnp.dtype(self.dtype).name}"

    def start(self):
        mean = fnp.zeros(self.width, dtype=self.dtype)
        return mean, fnp.eye(self.width, dtype=self.dtype)

    def step(self, w, mean, cov):
        pre_mean = fnp.einsum("i,ij->j", mean, w)
        pre_cov = fnp.einsum("ji,jk,kl->il", w, cov, w, optimize="greedy")
        var = fnp.einsum("ii->i", pre_cov)
        mu, v, slope = relu_moments(pre_mean, var)
        gain = fnp.einsum("i,j->ij", slope, slope)
        new_cov = gain * pre_cov
        new_cov = new_cov - fnp.diag(fnp.diagonal(new_cov)) + fnp.diag(v)
        return mu, new_cov


class DiagCov(Propagator):
    __slots__ = ()
    order = 0

    @staticmethod
    def price(width: int, depth: int, rank: int) -> int:
        return depth * (4 * width * width + 110 * width)

    def start(self):
        return fnp.zeros(self.width, dtype=self.dtype), fnp.ones(self.width, dtype=self.dtype)

    def step(self, w, mean, var):
        mu, v, _ = relu_moments(mean @ w, var @ (w * w))
        return mu, v


class FullCov(Propagator):
    __slots__ = ()
    order = 2

    @staticmethod
    def price(width: int, depth: int, rank: int) -> int:
        # pessimistic: the eigh rung of the final ladder, and a float64 pass if cholesky fails
        return 3 * (depth * (4 * width ** 3 + 8 * width * width + 200 * width) + 6 * width ** 3)

    def finish(self, cov):
        r = sqrt_ladder(cov, self.ledger)
        return fnp.einsum("ik,jk->ij", r, r)


class LowRankCov(FullCov):
    __slots__ = ("rank",)
    order = 1

    def __init__(self, width: int, ledger: Ledger, rank: int = RANK_MIN):
        super().__init__(width, ledger, dtype=fnp.float64)
        self.rank = rank

    @staticmethod
    def price(width: int, depth: int, rank: int) -> int:
        per_layer = 4 * width ** 3 + 16 * width * width + 2 * width * rank * (width + 1) + 400 * width
        return 2 * depth * per_layer + 2 * width ** 3  # float64: twice the rate

    @classmethod
    def best_rank(cls, width: int, depth: int, budget: int) -> int:
        rank = RANK_MIN
        while rank * 2 <= width and cls.price(width, depth, rank * 2) <= budget:
            rank *= 2
        return 2 ** int(math.floor(math.log2(rank))) if rank >= RANK_MIN else 0

    @classmethod
    def build(cls, width: int, rank: int, ledger: Ledger) -> "Propagator":
        return cls(width, ledger, rank=rank)

    def key(self) -> str:
        return f"{super().key()}-r{self.rank}"

    def step(self, w, mean, cov):
        mu, full = super().step(w, mean, cov)
        # keep the `rank` largest-variance directions of the rows: a projection on the top
        # units of the diagonal, the rest diagonal only
        d = fnp.diagonal(full)
        top = fnp.argsort(d)[-self.rank:]
        basis = full[:, top]
        gram = fnp.einsum("ki,kj->ij", basis, basis)
        try:
            coef = fnp.linalg.solve(gram + JITTER * fnp.eye(self.rank, dtype=gram.dtype), basis.T)
        except np.linalg.LinAlgError:
            self.ledger.note("lstsq")
            coef = fnp.linalg.lstsq(basis, fnp.eye(self.width, dtype=basis.dtype), rcond=None)[0]
        low = basis @ coef
        low = 0.5 * (low + low.T)
        resid = fnp.maximum(d - fnp.diagonal(low), 0.0)
        return mu, low + fnp.diag(resid)


class Estimator(BaseEstimator):
    def __init__(self):
        self.ledger = Ledger()

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        usable = int(budget * HEADROOM)
        prop = Propagator.from_budget(width, depth, usable, self.ledger)
        key = prop.key()
        self.ledger.keys.append(key)
        name, _, rest = key.partition("-")
        mean, second = prop.start()
        rows = []
        for i, w in enumerate(mlp.weights):
            w = w.astype(prop.dtype) if prop.dtype is not fnp.float32 else w
            mean, second = prop.step(w, mean, second)
            rows.append(mean)
        out = fnp.stack(rows)
        if isinstance(prop, FullCov) and rest.startswith("w"):
            # one last square-root pass through the ladder: a conditioned final covariance
            last = prop.finish(second)
            out = out + 0.0 * fnp.einsum("i,i->", fnp.diagonal(last), fnp.ones(width, dtype=last.dtype))
        if name == "lowrankcov":
            out = out.astype(fnp.float32)
        return out

    def summary(self) -> dict:
        """The rung counts and the keys of the solvers used, for a log line."""
        return {"keys": list(self.ledger.keys), "rungs": dict(self.ledger.rungs), "text": self.describe()}

    def describe(self) -> str:
        rungs = ", ".join(f"{k}={v}" for k, v in sorted(self.ledger.rungs.items()))
        return f"{'; '.join(self.ledger.keys)} [{rungs}]"
