"""Tactics picked by an Enum that knows its own price ("enum_tactics").

Team "the enum is the plan".  Every propagation tactic is a member of ``Tactic`` whose value is
``(label, passes)``, unpacked by the enum's own ``__init__``; the member carries its cost model as
a method (``Tactic.DIAG.cost(w, d)``) and its propagator is filed in a class-level registry by a
decorator.  ``predict`` ranks the affordable tactics with
``sorted(..., key=lambda ...)`` and walks them until one produces finite rows:

* ``FULL``     the full covariance, squared as a Gram ``a @ a.T`` of its root, the ReLU gain
               applied through ``outer(g, g)`` in place (``out=``), a symmetric einsum for the
               diagonal, a ``qr`` -> ``eigh`` -> ``svd`` re-rooting ladder when the root drifts;
* ``LOWRANK``  a float32 root of k columns (``k = isqrt``-planned) with a float64 diagonal
               beside it, re-orthogonalised by QR with a ``contextlib.suppress`` fallback;
* ``DIAG``     mean field with a damped fixed point on the variance scale (``while`` with a
               tolerance and a cap, the last scales kept in a ``deque(maxlen=3)``);
* ``SAMPLE``   Monte Carlo with ``int(budget ** 0.5)``-planned chunks, float32 draws and
               float64 accumulation;
* ``PRIOR``    the closed form, for budgets nothing else fits.

A ``match`` on ``(tactic, depth)`` tuples and on the ``Plan`` class picks each arm's options;
a ``Knobs`` proxy answers attribute reads with ``__getattr__`` from a dict keyed by f-strings;
a ``Layers`` helper hands out ``(index, weight, is_last)`` by ``__iter__``.  What is left of the
budget buys a cross-check against the mean field and a ``Polish`` (an enum whose members are
callables: shrink toward the row mean by the drift a ``History`` of the layers saw, or smooth
adjacent rows in place).

v4 notes: "the enum keeps the planner honest: a tactic can't be picked without a price".
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import enum
import functools
import math
from typing import Callable, NamedTuple

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
VAR_FLOOR = 1e-12
RESCALE_AT = 1e30
SCALE_TOL = 1e-3
SCALE_CAP = 6
ENERGY_KEEP = 0.999


# ---------------------------------------------------------------------------------------------
# knobs: attribute reads answered from a flat dict keyed by f-strings
# ---------------------------------------------------------------------------------------------


class Knobs:
    """Per-tactic options read as attributes (``knobs.full_damp``), from a flat dict."""

    _DEFAULTS = {
        "full_damp": 1.0,
        "lowrank_floor": 2,
        "lowrank_share": 0.5,
        "diag_damp": 0.7,
        "sample_floor": 16,
        "sample_cap": 2048,
        "prior_scale": 0.5,
    }

    def __init__(self, **overrides: float) -> None:
        self._table = dict(self._DEFAULTS)
        for key, value in overrides.items():
            self._table[key] = value

    def __getattr__(self, name: str):
        # only called for names the instance lacks: everything but _table
        try:
            return self.__dict__["_table"][name]
        except KeyError:
            raise AttributeError(name) from None

    def for_tactic(self, tactic: "Tactic") -> dict:
        prefix = f"{tactic.label}_"
        return {key[len(prefix):]: value for key, value in self._table.items() if key.startswith(prefix)}


# ---------------------------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------------------------


class Tactic(enum.Enum):
    # (label, passes over the weights per layer: the tie-breaker when two tactics cost alike)
    FULL = ("full", 3)
    LOWRANK = ("lowrank", 2)
    SAMPLE = ("sample", 1)
    DIAG = ("diag", 2)
    PRIOR = ("prior", 0)

    def __init__(self, label: str, passes: int) -> None:
        self.label = label
        self.passes = passes

    def cost(self, width: int, depth: int, budget: int = 0) -> int:
        """The tactic's price in FLOPs at (width, depth): the planner's own model."""
        w, d = width, depth
        match self:
            case Tactic.FULL:
                return d * (12 * w ** 3 + 40 * w * w)
            case Tactic.LOWRANK:
                k = low_rank(w, budget)
                return d * (6 * w * w * k + 30 * w * k * k + 60 * w)
            case Tactic.DIAG:
                return d * (2 * w * w + 2 * w * w + 60 * w) * (1 + SCALE_CAP // 2)
            case Tactic.SAMPLE:
                n = sample_count(w, d, budget)
                return d * n * (2 * w * w + 4 * w)
            case Tactic.PRIOR:
                return 8 * d * w
        raise ValueError(self)

    @property
    def rank(self) -> int:
        """Preference when two tactics fit: lower is better."""
        return list(Tactic).index(self)

    def fits(self, width: int, depth: int, budget: int) -> bool:
        return self.cost(width, depth, budget) <= budget


def low_rank(width: int, budget: int) -> int:
    """Columns of the low-rank root: the square root of the width, doubled while it fits."""
    k = max(2, math.isqrt(width))
    while 2 * k <= width // 2 and 6 * width * width * 2 * k * 4 < budget:
        k *= 2
    return k


def sample_count(width: int, depth: int, budget: int) -> int:
    """Monte Carlo rows: the square root of the budget, clamped, a power of two."""
    raw = int(budget ** 0.5) // max(depth, 1)
    n = 1 << max(4, int(math.log2(max(raw, 2))))
    while n > 16 and depth * n * (2 * width * width + 4 * width) > budget:
        n //= 2
    return max(16, min(2048, n))


class Plan(NamedTuple):
    tactic: Tactic
    rank: int = 0
    samples: int = 0
    damp: float = 1.0


@dataclasses.dataclass(frozen=True)
class Budgeted:
    """What the planner knew when it picked: kept for the post-mortem log."""

    width: int
    depth: int
    budget: int
    spent: int = 0
    notes: tuple = ()


def plan_for(width: int, depth: int, budget: int, knobs: Knobs) -> list[Plan]:
    """Every affordable tactic, best first, as a Plan with its options filled in."""
    priced = [(t, c) for t in Tactic if (c := t.cost(width, depth, budget)) <= budget]
    ranked = sorted(priced, key=lambda tc: (tc[0].rank, -tc[0].passes, tc[1]))
    plans = []
    for tactic, _ in ranked:
        base = Plan(tactic)
        match (tactic, depth):
            case (Tactic.FULL, 1):
                plans.append(base._replace(damp=1.0))
            case (Tactic.FULL, _):
                spare = budget - Tactic.FULL.cost(width, depth, budget)
                steps = max(0, min(8, int(math.log2(max(spare // (2 * width * width * depth), 1)))))
                plans.append(base._replace(damp=knobs.full_damp, samples=steps))
            case (Tactic.LOWRANK, d) if d >= 2:
                plans.append(base._replace(rank=low_rank(width, budget)))
            case (Tactic.LOWRANK, _):
                continue  # one layer: the diagonal is as good
            case (Tactic.SAMPLE, _):
                plans.append(base._replace(samples=sample_count(width, depth, budget)))
            case (Tactic.DIAG, _):
                plans.append(base._replace(damp=knobs.diag_damp))
            case _:
                plans.append(base)
    if not plans or plans[-1].tactic is not Tactic.PRIOR:
        plans.append(Plan(Tactic.PRIOR))
    return plans


# ---------------------------------------------------------------------------------------------
# shared numerics
# ---------------------------------------------------------------------------------------------


def relu_moments(mu, var):
    """Mean, variance and gain of ReLU(x) for x ~ N(mu, var), elementwise."""
    sigma = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    alpha = mu / sigma
    pdf = fnp.exp(-0.5 * alpha * alpha) * INV_SQRT_2PI
    cdf = flops.stats.norm.cdf(alpha)
    mean = mu * cdf + sigma * pdf
    second = (mu * mu + var) * cdf + mu * sigma * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


class Layers:
    """The MLP's weights as (index, weight, is_last) triples, iterated more than once."""

    def __init__(self, mlp: MLP) -> None:
        self._weights = list(mlp.weights)

    def __iter__(self):
        last = len(self._weights) - 1
        for i, w in enumerate(self._weights):
            yield i, w, i == last

    def __len__(self) -> int:
        return len(self._weights)


def counted(fn: Callable) -> Callable:
    """Wraps fn with a call counter read back by the log: a closure with nonlocal state."""
    calls = 0

    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        wrapper.calls = calls
        return fn(*args, **kwargs)

    wrapper.calls = 0
    wrapper.__name__ = getattr(fn, "__name__", type(fn).__name__)
    return wrapper


def finite(x) -> bool:
    return bool(fnp.all(fnp.isfinite(x)))


class Breakdown(ArithmeticError):
    """A propagator produced rows the scorer would reject."""


# ---------------------------------------------------------------------------------------------
# propagators, filed by tactic
# ---------------------------------------------------------------------------------------------


class Propagator:
    registry: dict = {}
    tactic: Tactic

    def __init__(self, plan: Plan, knobs: Knobs) -> None:
        self.plan = plan
        self.knobs = knobs

    def __call__(self, mlp: MLP) -> list:
        raise NotImplementedError


def propagates(tactic: Tactic):
    def file(cls):
        cls.tactic = tactic
        Propagator.registry[tactic] = cls
        return cls

    return file


@propagates(Tactic.FULL)
class FullCov(Propagator):
    def __call__(self, mlp: MLP) -> list:
        width = mlp.width
        mu = fnp.zeros(width)
        root = fnp.eye(width)
        gain_buf = fnp.empty((width, width))
        rows = []
        for i, w, last in Layers(mlp):
            mu_pre = w.T @ mu
            a = w.T @ root
            cov = a @ a.T
            var = fnp.einsum("ij,ij->i", a, a)
            mu, var_post, gain = relu_moments(mu_pre, var)
            rows.append(mu)
            if last:
                break
            fnp.outer(gain, gain, out=gain_buf)
            cov = fnp.multiply(cov, gain_buf)
            fnp.fill_diagonal(cov, var_post + VAR_FLOOR)
            if self.plan.damp != 1.0:
                fnp.multiply(cov, self.plan.damp, out=cov)
            if self.plan.samples:  # iterations the planner left for the spectral check
                lam, _ = top_eigenvalue(cov, self.plan.samples)
                if lam > 1e6:
                    fnp.divide(cov, lam, out=cov)
            root = self.reroot(cov, i)
        return rows

    @staticmethod
    def reroot(cov, layer: int):
        """A root r with r @ r.T == cov: Cholesky, else eigh clipped, else svd, else the diagonal."""
        try:
            return fnp.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            pass
        try:
            vals, vecs = fnp.linalg.eigh(cov)
            return vecs * fnp.sqrt(fnp.maximum(vals, 0.0))
        except np.linalg.LinAlgError:
            pass
        try:
            u, s, _ = fnp.linalg.svd(cov)
            return u * fnp.sqrt(s)
        except np.linalg.LinAlgError:
            return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diag(cov), 0.0)))


@propagates(Tactic.LOWRANK)
class LowRank(Propagator):
    def __call__(self, mlp: MLP) -> list:
        width, k = mlp.width, self.plan.rank
        mu = fnp.zeros(width)
        root = fnp.eye(width, k, dtype=fnp.float32)
        resid = fnp.ones(width) - fnp.sum(root * root, axis=1)
        rows = []
        for i, w, last in Layers(mlp):
            w32 = w.astype(fnp.float32)
            mu_pre = w.T @ mu
            a = w32.T @ root
            var = fnp.einsum("ij,ij->i", a, a).astype(fnp.float64) + (w * w).T @ resid
            mu, var_post, gain = relu_moments(mu_pre, var)
            rows.append(mu)
            if last:
                break
            root = a * gain.astype(fnp.float32)[:, None]
            root = self.orthonormal(root)
            kept = fnp.sum(root * root, axis=1)
            resid = fnp.maximum(var_post - kept, 0.0)
        return rows

    @staticmethod
    def orthonormal(root):
        """The root with orthogonal columns scaled by its R's diagonal; the root itself if QR fails."""
        with contextlib.suppress(np.linalg.LinAlgError):
            q, r = fnp.linalg.qr(root)
            return q * fnp.abs(fnp.diag(r))
        return root


@propagates(Tactic.DIAG)
class MeanField(Propagator):
    def __call__(self, mlp: MLP) -> list:
        width = mlp.width
        mu = fnp.zeros(width)
        var = fnp.ones(width)
        history: collections.deque = collections.deque(maxlen=3)
        rows = []
        for i, w, last in Layers(mlp):
            w2 = w * w
            mu_pre = w.T @ mu
            var_pre = w2.T @ var
            scale, steps = self.settle(mu_pre, var_pre, history)
            mu, var, _ = relu_moments(mu_pre, var_pre * scale)
            rows.append(mu)
            history.append((i, scale, steps))
        return rows

    def settle(self, mu_pre, var_pre, history):
        """A damped fixed point on the variance scale: stop on SCALE_TOL or SCALE_CAP steps."""
        scale = history[-1][1] if history else 1.0
        target = float(fnp.mean(var_pre))
        steps = 0
        while steps < SCALE_CAP and abs(
            (new := self.plan.damp * scale + (1 - self.plan.damp) * target / max(float(fnp.mean(var_pre * scale)), VAR_FLOOR))
            - scale
        ) > SCALE_TOL:
            scale = new
            steps += 1
        return scale, steps


@propagates(Tactic.SAMPLE)
class Sampler(Propagator):
    def __call__(self, mlp: MLP) -> list:
        width, n = mlp.width, self.plan.samples
        chunk = min(n, max(16, 256 // max(1, width // 16)))
        rng = fnp.random.default_rng(7 + mlp.seed)
        sums = [fnp.zeros(width) for _ in range(mlp.depth)]
        done = 0
        while (take := min(chunk, n - done)) > 0:
            x = rng.standard_normal((take, width), dtype=fnp.float32)
            for i, w, _ in Layers(mlp):
                x = fnp.maximum(x @ w.astype(fnp.float32), 0.0)
                fnp.add(sums[i], fnp.sum(x, axis=0, dtype=fnp.float64), out=sums[i])
            done += take
        return [s / n for s in sums]


@propagates(Tactic.PRIOR)
class Prior(Propagator):
    def __call__(self, mlp: MLP) -> list:
        scale = self.knobs.prior_scale
        row = fnp.full(mlp.width, scale * INV_SQRT_2PI)
        return [row * (0.5 ** i) for i in range(mlp.depth)]


# ---------------------------------------------------------------------------------------------
# polish: a second enum whose members are callables
# ---------------------------------------------------------------------------------------------


class History:
    """The last few layers' (mean, spread) pairs: iterated, sized and tested for truth."""

    def __init__(self, maxlen: int = 3) -> None:
        self._items: collections.deque = collections.deque(maxlen=maxlen)

    def push(self, mean: float, spread: float) -> None:
        self._items.append((mean, spread))

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    @property
    def drift(self) -> float:
        """How far the latest mean moved from the oldest kept one, relative to its spread."""
        if len(self) < 2:
            return 0.0
        (m0, _), *_, (m1, s1) = self._items
        return abs(m1 - m0) / max(s1, VAR_FLOOR)


class Polish(enum.Enum):
    NONE = enum.auto()
    SHRINK = enum.auto()
    SMOOTH = enum.auto()

    @classmethod
    def pick(cls, depth: int, spare: int, width: int) -> "Polish":
        """SMOOTH needs two passes over the rows, SHRINK one, NONE nothing."""
        per_row = 6 * width
        match (depth, spare // max(per_row * depth, 1)):
            case (1, _):
                return cls.NONE
            case (_, n) if n >= 4:
                return cls.SMOOTH
            case (_, n) if n >= 1:
                return cls.SHRINK
            case _:
                return cls.NONE

    def __call__(self, rows: list, history: History) -> list:
        if self is Polish.NONE or not rows:
            return rows
        if self is Polish.SHRINK:
            # pull each row toward its own mean by how much the history says it drifted
            lam = min(0.5, history.drift / (1.0 + history.drift))
            return [r * (1.0 - lam) + fnp.mean(r) * lam for r in rows]
        smoothed = [rows[0]]
        for prev, cur in zip(rows, rows[1:]):
            mixed = cur * 0.75
            fnp.add(mixed, prev * 0.25, out=mixed)
            smoothed.append(fnp.maximum(mixed, 0.0, out=mixed))
        return smoothed


def top_eigenvalue(cov, cap: int, tol: float = 1e-3) -> tuple[float, int]:
    """The largest eigenvalue of a symmetric PSD matrix by power iteration, to tol or cap steps."""
    n = cov.shape[0]
    v = fnp.ones(n) / math.sqrt(n)
    lam, prev, steps = 0.0, -1.0, 0
    while steps < cap and abs(lam - prev) > tol * max(lam, 1.0):
        prev = lam
        z = cov @ v
        lam = float(v @ z)
        v = z / (fnp.linalg.norm(z) + VAR_FLOOR)
        steps += 1
    return lam, steps


# ---------------------------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------------------------


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.knobs = Knobs()
        self.log: dict = {}
        self.last: Budgeted | None = None

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        plans = plan_for(width, depth, budget, self.knobs)
        book = Budgeted(width, depth, budget)
        for plan in plans:
            run = counted(functools.partial(self.attempt, plan))
            try:
                rows = run(mlp)
            except Breakdown as exc:
                book = dataclasses.replace(book, notes=book.notes + (f"{plan.tactic.label}: {exc}",))
                continue
            book = dataclasses.replace(book, spent=plan.tactic.cost(width, depth, budget))
            self.log[f"{mlp.name}/{plan.tactic.label}"] = run.calls
            rows = self.finish(mlp, plan, rows, budget - book.spent)
            self.last = book
            return fnp.stack(rows).astype(fnp.float32)
        raise RuntimeError("no tactic produced rows")

    def finish(self, mlp: MLP, plan: Plan, rows: list, spare: int) -> list:
        """Cross-check against the mean field where it is affordable, then polish."""
        history = History()
        for r in rows:
            history.push(float(fnp.mean(r)), float(fnp.std(r)))
        match plan:
            case Plan(tactic=Tactic.FULL | Tactic.LOWRANK, rank=k) if spare > Tactic.DIAG.cost(mlp.width, mlp.depth):
                check = MeanField(Plan(Tactic.DIAG, damp=self.knobs.diag_damp), self.knobs)(mlp)
                spare -= Tactic.DIAG.cost(mlp.width, mlp.depth)
                if not all(float(fnp.max(fnp.abs(a - b))) < 10.0 * (1 + k) for a, b in zip(rows, check)):
                    rows = [0.5 * (a + b) for a, b in zip(rows, check)]
            case Plan(tactic=Tactic.SAMPLE, samples=n) if n < 64:
                spare = 0  # too few samples to trust a polish
            case _:
                pass
        return Polish.pick(mlp.depth, spare, mlp.width)(rows, history)

    def attempt(self, plan: Plan, mlp: MLP) -> list:
        propagator = Propagator.registry[plan.tactic](plan, self.knobs)
        rows = propagator(mlp)
        if any(float(fnp.max(fnp.abs(r))) > RESCALE_AT for r in rows):
            raise Breakdown("rows past the rescale bound")
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            raise Breakdown("non-finite rows")
        return rows
