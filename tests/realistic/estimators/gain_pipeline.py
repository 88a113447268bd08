"""Moment propagation as a pipeline of stages, one propagator per plan, that stops listening to
layers once the signal has died ("gain_pipeline").

Team "pipelines": settings are layered (``ChainMap`` over module defaults, overrides from a
dataclass ``field(default_factory=dict)``), plans are ``NamedTuple`` candidates yielded by
generators (``yield from`` per family), priced by a recursive per-layer cost model memoised with
``functools.lru_cache``, filtered with ``filter`` and picked with ``max(key=attrgetter)``.

Propagators live in a dict of lambdas forwarding ``**kwargs``:

* ``diag``    mean field (pre-activation variance through the squared weights);
* ``topk``    mean field plus the covariance among the k loudest units (``nonzero`` of a floor
              mask sizes the candidates, ``argpartition`` picks the k, an ``ix_`` block);
* ``sketch``  mean field plus a rank-s covariance on a basis found per layer by a range finder
              on the fused product ``W1 @ ... @ Wl`` (``itertools.accumulate``), the test matrix
              drawn with *plain numpy* from ``mlp.seed``; the basis is orthonormalised by
              Cholesky-QR under ``contextlib.suppress(LinAlgError)`` with a jitter ladder, QR last.

Layers whose gain (Frobenius norm per unit) falls below a floor end the propagation
(``enumerate(zip(...))`` with a ``break`` on ``float``); the rest repeat the last row, damped.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections import ChainMap
from dataclasses import asdict, dataclass, field, replace
from operator import attrgetter
from typing import NamedTuple, Optional

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

DEFAULTS = {
    "floor": 1e-8,
    "gain_stop": 0.05,
    "damp": 0.5,
    "topk_share": 0.25,
    "jitters": (1e-10, 1e-7, 1e-4),
    "safety": 0.6,
}
SCORES = {"diag": 1.0, "topk": 2.0, "sketch": 3.0}


@dataclass
class Settings:
    overrides: dict = field(default_factory=dict)

    def __post_init__(self):
        self.view = ChainMap(self.overrides, DEFAULTS)

    def __getitem__(self, key):
        return self.view[key]

    def kwargs(self, *names) -> dict:
        return {n: self.view[n] for n in names}


class Plan(NamedTuple):
    kind: str
    rank: int
    cost: int

    @property
    def score(self) -> float:
        return SCORES[self.kind] + self.rank / 1000.0

    @classmethod
    def priced(cls, kind: str, rank: int, width: int, depth: int) -> "Plan":
        return cls(kind, rank, setup_cost(kind, rank, width, depth) + layers_cost(kind, rank, width, depth))


# ---------------------------------------------------------------------------------------
# cost model
# ---------------------------------------------------------------------------------------


def _layer_cost(kind: str, rank: int, width: int) -> int:
    base = 20 * width * width + 60 * width
    if kind == "topk":
        return base + 2 * rank * rank * width + 4 * rank * rank + 2 * width
    if kind == "sketch":
        return base + 8 * width * width * rank + 10 * width * rank * rank + rank ** 3
    return base


@functools.lru_cache(maxsize=None)
def layers_cost(kind: str, rank: int, width: int, depth: int) -> int:
    if depth == 0:
        return 0
    return _layer_cost(kind, rank, width) + layers_cost(kind, rank, width, depth - 1)


def setup_cost(kind: str, rank: int, width: int, depth: int) -> int:
    gains = depth * (2 * width * width + 2)
    if kind == "sketch":
        return gains + (depth - 1) * 2 * width ** 3 + depth * 2 * width * width * rank
    return gains


def _family(kind: str, ranks, width: int, depth: int):
    for r in ranks:
        yield Plan.priced(kind, r, width, depth)


def candidates(width: int, depth: int):
    yield Plan.priced("diag", 0, width, depth)
    yield from _family("topk", (k for k in (4, 8, 16) if k < width), width, depth)
    yield from _family("sketch", (s for s in (2, 4, 8) if 2 * s <= width), width, depth)


def choose(width: int, depth: int, budget: int) -> Optional[Plan]:
    fits = filter(lambda p: p.cost <= budget, candidates(width, depth))
    return max(fits, key=attrgetter("score"), default=None)


# ---------------------------------------------------------------------------------------
# propagators
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    mu: object
    var: object
    basis: object = None
    core: object = None


def relu_moments(mu, var, floor):
    sd = fnp.sqrt(fnp.maximum(var, floor))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, floor), cdf


def _diag(state: State, w, *, floor, **_):
    pre_mu = state.mu @ w
    pre_var = state.var @ (w * w)
    mean, var, _ = relu_moments(pre_mu, pre_var, floor)
    return replace(state, mu=mean, var=var)


def _topk(state: State, w, *, floor, rank, **_):
    pre_mu = state.mu @ w
    pre_var = state.var @ (w * w)
    mean, var, slope = relu_moments(pre_mu, pre_var, floor)
    loud = fnp.nonzero(state.var > 10.0 * floor)[0]
    k = min(rank, loud.shape[0])
    if k < 2:
        return replace(state, mu=mean, var=var)
    if k < loud.shape[0]:
        pick = fnp.argpartition(-state.var[loud], k - 1)[:k]
        top = loud[pick]
    else:
        top = loud
    rows = w[top, :]                                                 # (k, n)
    block = state.var[top][:, None] * rows                           # diag input covariance on the top set
    cross = fnp.einsum("aj,aj->j", rows, block)                      # the part already in pre_var
    full = fnp.einsum("aj,ab,bj->j", rows, fnp.outer(fnp.sqrt(state.var[top]), fnp.sqrt(state.var[top])), rows)
    extra = fnp.maximum(full - cross, 0.0) * slope * slope
    return replace(state, mu=mean, var=var + extra)


def cholesky_qr(y, jitters):
    """Orthonormal columns spanning y: Cholesky-QR with a jitter ladder, Householder QR last."""
    gram = y.T @ y
    eye = fnp.eye(gram.shape[0])
    scale = fnp.trace(gram) / gram.shape[0]
    for eps in jitters:
        with contextlib.suppress(np.linalg.LinAlgError):
            r = fnp.linalg.cholesky(gram + (eps * scale) * eye).T
            return fnp.linalg.solve(r.T, y.T).T
    q, _ = fnp.linalg.qr(y)
    return q


def _sketch(state: State, w, *, floor, basis, jitters, **_):
    pre_mu = state.mu @ w
    pre_var = state.var @ (w * w)
    t = None
    if state.basis is not None:
        t = w.T @ state.basis                                        # (n, s) old directions after W
        pre_var = pre_var + fnp.sum((t @ state.core) * t, axis=1)
    mean, var, slope = relu_moments(pre_mu, pre_var, floor)
    q = cholesky_qr(basis, jitters)
    b = w @ q
    core = b.T @ (state.var[:, None] * b)
    if t is not None:
        m = q.T @ t
        core = core + functools.reduce(fnp.matmul, (m, state.core, m.T))
    g = q.T @ (slope[:, None] * q)
    core = functools.reduce(fnp.matmul, (g, core, g.T))
    low = fnp.sum((q @ core) * q, axis=1)
    return State(mean, fnp.maximum(var - low, floor), q, core)


PROPAGATORS = {
    "diag": lambda state, w, **kw: _diag(state, w, **kw),
    "topk": lambda state, w, **kw: _topk(state, w, **kw),
    "sketch": lambda state, w, **kw: _sketch(state, w, **kw),
}


# ---------------------------------------------------------------------------------------
# estimator
# ---------------------------------------------------------------------------------------


class Estimator(BaseEstimator):
    settings = Settings()

    @staticmethod
    def gains(weights, width: int):
        return [fnp.linalg.norm(w) / math.sqrt(width) for w in weights]

    @staticmethod
    def bases(weights, rank: int, seed: int):
        """Range-finder inputs per layer: the fused products' transposes against a plain-numpy
        test matrix (the products accumulate layer by layer)."""
        omega = np.random.default_rng(seed).standard_normal((weights[0].shape[0], rank))
        for fused in itertools.accumulate(weights, lambda a, b: a @ b):
            yield fused.T @ omega

    def _fallback(self, mlp: MLP):
        return fnp.zeros((mlp.depth, mlp.width)) + 0.5

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        s = self.settings
        plan = choose(width, depth, int(budget * s["safety"]))
        if plan is None:
            return self._fallback(mlp)
        step = PROPAGATORS[f"{plan.kind}"]
        extra = {"rank": plan.rank} if plan.kind == "topk" else {}
        bases = self.bases(mlp.weights, plan.rank, mlp.seed) if plan.kind == "sketch" else itertools.repeat(None)

        state = State(fnp.zeros(width), fnp.ones(width))
        rows = []
        for i, (w, gain, basis) in enumerate(zip(mlp.weights, self.gains(mlp.weights, width), bases)):
            if float(gain) < s["gain_stop"]:
                break
            kw = dict(s.kwargs("floor", "jitters"), **extra)
            if basis is not None:
                kw["basis"] = basis
            state = step(state, w, **kw)
            rows.append(state.mu)
        if not rows:
            return self._fallback(mlp)
        if len(rows) < depth:
            # the quiet layers repeat the last row, damped by how spread the last state still is
            last = asdict(state)
            spread = fnp.mean(fnp.sqrt(last["var"]))
            damp = s["damp"] * spread / (1.0 + spread)
            while len(rows) < depth:
                rows.append(rows[-1] * damp)
        return fnp.stack(rows)
