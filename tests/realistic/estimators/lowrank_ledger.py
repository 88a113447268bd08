"""Low-rank-plus-diagonal covariance under a hand-kept FLOP ledger ("lowrank_ledger").

Team "we count our own flops".  The covariance of each layer's activations is carried in one
of three forms, richest first:

* ``"full"``: the whole ``width x width`` matrix (only for narrow nets);
* ``"lowrank"``: ``U diag(s**2) U^T + diag(d)``.  From a full covariance the pre-activation
  factor is a Gaussian sketch (plain-numpy ``RandomState`` normals, ``fnp.asarray``) of its
  Cholesky factor; from a low-rank one it is exact.  The factor is pushed
  through the ReLU's slope, re-orthonormalised with ``fnp.linalg.qr``, and the small
  triangle is diagonalised with ``fnp.linalg.svd(R, full_matrices=False)``.  The rank kept is
  the first ``k`` with ``float(s[k]) < REL_TOL * float(s[0])`` (``for ... else``: all of
  them); what is dropped goes to the diagonal.  Narrow factors are stored as float32 and put
  back to float64 for the factorisations;
* ``"diag"``: the per-neuron variances only.

A ``Ledger`` (our own cost model, not flopscope's) holds a cap of half the budget.  Every
layer's work runs in ``with ledger.stage(name, cost):`` (a class with ``__enter__`` /
``__exit__``; a ``LinAlgError`` inside a stage is swallowed by ``__exit__`` and the
caller's fallback stays).  Before each layer a ``while`` loop refines the method: full ->
lowrank, then halve the rank, then diag, until the layer plus diag for the rest fits what
the ledger says is left.  The ledger is charged at the rank actually kept, so a layer that
truncated hard leaves room for the next one.  Costs are memoised with ``functools.lru_cache``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SAFETY = 0.5
FULL_MAX = 16
MAX_RANK = 8
MIN_RANK = 2
REL_TOL = 0.05
EPS = 1e-12
ORDER = ("diag", "lowrank", "full")
SQRT_2PI = math.sqrt(2.0 * math.pi)


@functools.lru_cache(maxsize=None)
def step_cost(method: str, width: int, rank: int) -> int:
    w2 = width * width
    if method == "full":
        return 4 * w2 * width + 12 * w2 + 30 * width
    if method == "lowrank":
        return 2 * w2 * rank + 8 * width * rank * rank + 2 * w2 + 60 * rank ** 3 + 40 * width
    return 4 * w2 + 30 * width


class Ledger:
    def __init__(self, budget: int):
        self.cap = int(budget * SAFETY)
        self.spent = 0
        self.log = []
        self.failed = []

    def remaining(self) -> int:
        return self.cap - self.spent

    def stage(self, name: str, cost: int) -> "Stage":
        return Stage(self, name, cost)


class Stage:
    def __init__(self, ledger: Ledger, name: str, cost: int):
        self.ledger = ledger
        self.name = name
        self.cost = cost

    def __enter__(self) -> "Stage":
        self.ledger.log.append((self.name, "open"))
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.ledger.spent += self.cost
            self.ledger.log.append((self.name, self.cost))
            return False
        if issubclass(exc_type, np.linalg.LinAlgError):
            self.ledger.failed.append(self.name)
            return True
        return False


def relu_moments(mu, var):
    sd = fnp.sqrt(var + EPS)
    a = mu / sd
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (a + 0.044715 * a ** 3)))
    pdf = fnp.exp(-0.5 * a * a) / SQRT_2PI
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def truncate(sv) -> int:
    thresh = REL_TOL * float(sv[0])
    for k in range(1, sv.shape[0]):
        if float(sv[k]) < thresh:
            break
    else:
        k = sv.shape[0]
    return k


def pre_factor(state, w, sketch):
    """The pre-activation's mean, a (width x rank) factor and the diagonal left over.

    From a full (or white) covariance the factor is a Gaussian sketch of its Cholesky
    factor (E[f f^T] = p); from a low-rank one it is exact."""
    kind = state["kind"]
    mu = state["m"] @ w
    if kind == "white":
        f = w.T @ sketch
        dz = fnp.maximum(fnp.sum(w * w, axis=0) - fnp.sum(f * f, axis=1), 0.0)
        return mu, f, dz
    if kind == "full":
        p = w.T @ state["c"] @ w
        chol = fnp.linalg.cholesky(p + EPS * fnp.eye(p.shape[0]))
        f = chol @ sketch
        dz = fnp.maximum(fnp.diagonal(p) - fnp.sum(f * f, axis=1), 0.0)
        return mu, f, dz
    u = state["u"].astype(fnp.float64)
    f = (w.T @ u) * state["s"][None, :]
    dz = state["d"] @ (w * w)
    return mu, f, dz


def pre_variance(state, w):
    kind = state["kind"]
    mu = state["m"] @ w
    if kind == "white":
        return mu, fnp.sum(w * w, axis=0)
    if kind == "full":
        return mu, fnp.sum(w * (state["c"] @ w), axis=0)
    if kind == "lowrank":
        f = (w.T @ state["u"].astype(fnp.float64)) * state["s"][None, :]
        return mu, fnp.sum(f * f, axis=1) + state["d"] @ (w * w)
    return mu, state["d"] @ (w * w)


def full_step(state, w, rank, ledger, rs):
    p = w.T @ w if state["kind"] == "white" else w.T @ state["c"] @ w
    mu = state["m"] @ w
    mean, var, slope = relu_moments(mu, fnp.diagonal(p))
    c = slope[:, None] * p * slope[None, :]
    c = c + fnp.diag(var - fnp.diagonal(c))
    return {"kind": "full", "m": mean, "c": c}, rank


def lowrank_step(state, w, rank, ledger, rs):
    out, kept = None, 0
    with ledger.stage("factor", rank ** 3):
        sketch = fnp.asarray(rs.standard_normal((w.shape[0], rank)) / math.sqrt(rank))
        mu, f, dz = pre_factor(state, w, sketch)
        var = fnp.sum(f * f, axis=1) + dz
        mean, newvar, slope = relu_moments(mu, var)
        q, r = fnp.linalg.qr(f * slope[:, None])
        ur, sv, _ = fnp.linalg.svd(r, full_matrices=False)
        kept = truncate(sv)
        u = q @ ur[:, :kept]
        s = sv[:kept]
        d = fnp.maximum(newvar - fnp.sum((u * s[None, :]) ** 2, axis=1), 0.0)
        store = fnp.float32 if w.shape[0] >= 32 else fnp.float64
        out = {"kind": "lowrank", "m": mean, "u": u.astype(store), "s": s, "d": d}
    if out is None:
        # the stage swallowed a LinAlgError: this layer goes diagonal
        out, kept = diag_step(state, w, rank, ledger, rs)
    return out, kept


def diag_step(state, w, rank, ledger, rs):
    mu, var = pre_variance(state, w)
    mean, newvar, _ = relu_moments(mu, var)
    return {"kind": "diag", "m": mean, "d": newvar}, 0


STEPS = {"full": full_step, "lowrank": lowrank_step, "diag": diag_step}


def refine(ledger, width, layers_left, ceiling):
    top = "full" if ceiling == "white" else ceiling
    method = ORDER[min(ORDER.index(top), 2 if width <= FULL_MAX else 1)]
    rank = min(width, MAX_RANK)
    tail = (layers_left - 1) * step_cost("diag", width, 0)
    while method != "diag" and ledger.remaining() < step_cost(method, width, rank) + tail:
        if method == "full":
            method = "lowrank"
        elif rank > MIN_RANK:
            rank //= 2
        else:
            method = "diag"
    return method, rank


class Estimator(BaseEstimator):
    def setup(self, context) -> None:
        self.last_log = []

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        ledger = Ledger(budget)
        rs = np.random.RandomState(width * 1000 + depth)
        state = {"kind": "white", "m": fnp.zeros(width)}
        ceiling = "white"
        means = []
        for i, w in enumerate(mlp.weights):
            method, rank = refine(ledger, width, depth - i, ceiling)
            state, kept = STEPS[method](state, w, rank, ledger, rs)
            with ledger.stage(method, step_cost(method, width, kept)):
                means.append(state["m"].astype(fnp.float32))
            ceiling = state["kind"]
        self.last_log = list(ledger.log)
        return fnp.stack(means)
