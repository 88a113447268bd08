"""Covariance propagation through lazy linear operators and a randomized Nystrom sketch
("nystrom_operators").

Team "operator overloading". The pre-activation covariance is never formed when the
budget is tight: it is an expression of user operator classes (``Dense``, ``LowRank``,
``Diag``, ``Sum``) that overload ``@`` (``__matmul__`` / ``__rmatmul__``), ``+`` and scalar
``*``, built with ``functools.reduce(operator.add, ...)`` and turned dense by a
``functools.singledispatch`` function registered per class.

Per layer the operator is compressed to a rank-``r`` Nystrom approximation (a shift ``nu``
for stability, ``cholesky`` of the core with an ``eigh`` rung when LAPACK refuses, an SVD
of the triangular solve), with the sketch width ``r + p`` picked from the budget by integer
arithmetic on shapes (``math.isqrt``, ``divmod``, ``bit_length``, ``bit_count``) and
re-orthogonalised by QR in a while loop until ``||Q^T Q - I||`` is under a float tolerance.
Knobs are descriptors (``__set_name__`` / ``__get__``) reading the plan of the instance.

The ReLU moments use the arc-cosine form (``fnp.arctan2``, ``fnp.hypot``) on ``x[..., None]``
broadcasts; the top-k variances (``argpartition``) are sharpened with ``put_along_axis``.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from dataclasses import dataclass

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator

LinAlgError = np.linalg.LinAlgError

ORTHO_TOL = 1e-10
ORTHO_PASSES = 3
SHIFT_EPS = 2.2e-16
VAR_FLOOR = 1e-12
HUGE = 1e30
SEED = 77


# --------------------------------------------------------------------------------- operators


class Operator:
    """A symmetric n x n linear operator that is cheap to apply to a thin block."""

    shape: tuple

    def apply(self, x):
        raise NotImplementedError

    def diagonal(self):
        raise NotImplementedError

    def __matmul__(self, x):
        return self.apply(x)

    def __rmatmul__(self, x):
        # x @ A for symmetric A: (A x^T)^T
        return self.apply(x.T).T

    def __add__(self, other):
        if other == 0:
            return self
        return Sum((self, other))

    __radd__ = __add__

    def __mul__(self, s: float):
        return Scaled(self, float(s))

    __rmul__ = __mul__


class Dense(Operator):
    def __init__(self, a):
        self.a = a
        self.shape = a.shape

    def apply(self, x):
        return self.a @ x

    def diagonal(self):
        return fnp.diagonal(self.a)


class Diag(Operator):
    def __init__(self, d):
        self.d = d
        self.shape = (d.shape[0], d.shape[0])

    def apply(self, x):
        return self.d[:, None] * x if x.ndim == 2 else self.d * x

    def diagonal(self):
        return self.d


class LowRank(Operator):
    """U diag(s) U^T."""

    def __init__(self, u, s):
        self.u, self.s = u, s
        self.shape = (u.shape[0], u.shape[0])

    @property
    def rank(self) -> int:
        return int(self.s.shape[0])

    def apply(self, x):
        return self.u @ (self.s[:, None] * (self.u.T @ x)) if x.ndim == 2 else self.u @ (self.s * (self.u.T @ x))

    def diagonal(self):
        return fnp.sum(self.u * self.u * self.s[None, :], axis=1)


class Scaled(Operator):
    def __init__(self, op, s: float):
        self.op, self.s = op, s
        self.shape = op.shape

    def apply(self, x):
        return self.s * (self.op @ x)

    def diagonal(self):
        return self.s * self.op.diagonal()


class Sum(Operator):
    def __init__(self, terms):
        flat = []
        for t in terms:
            flat.extend(t.terms if isinstance(t, Sum) else (t,))
        self.terms = tuple(flat)
        self.shape = flat[0].shape

    def apply(self, x):
        return functools.reduce(operator.add, (t @ x for t in self.terms))

    def diagonal(self):
        return functools.reduce(operator.add, map(operator.methodcaller("diagonal"), self.terms))


@functools.singledispatch
def to_dense(op):
    raise TypeError(f"no dense form for {type(op).__name__}")


@to_dense.register
def _(op: Dense):
    return op.a


@to_dense.register
def _(op: Diag):
    return fnp.diag(op.d)


@to_dense.register
def _(op: LowRank):
    return (op.u * op.s[None, :]) @ op.u.T


@to_dense.register
def _(op: Scaled):
    return op.s * to_dense(op.op)


@to_dense.register
def _(op: Sum):
    return functools.reduce(operator.add, map(to_dense, op.terms))


# --------------------------------------------------------------------------------- the plan


class Knob:
    """A plan-derived integer, read off ``instance.plan`` by name (a descriptor)."""

    def __init__(self, floor: int = 0):
        self.floor = floor

    def __set_name__(self, owner, name):
        self.key = name
        owner.KNOBS = (*getattr(owner, "KNOBS", ()), name)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return max(self.floor, getattr(instance.plan, self.key))


@dataclass(frozen=True)
class Plan:
    rank: int
    oversample: int
    topk: int
    sketch_layers: int

    @property
    def sketch(self) -> int:
        return self.rank + self.oversample


def layer_cost(n: int, l: int, dense_input: bool) -> int:
    """FLOPs of one sketched layer, as the team estimated them (not exact, only for choosing)."""
    apply = 2 * n * n * l if dense_input else 6 * n * l * l
    # QR with its check, the core factor, the solve and the SVD dominate at small widths
    factor = 40 * n * l * l + 30 * l ** 3
    return apply + 2 * n * n * l + 2 * n ** 3 + factor + 60 * n


def choose(width: int, depth: int, budget: int) -> Plan:
    diag_total = depth * (2 * width * width + 60 * width)
    spare = budget // 2 - diag_total
    if spare <= 0 or width < 8:
        return Plan(0, 0, 0, 0)
    # the largest power-of-two rank under sqrt(width), then oversampling from what is left
    rank = 1 << (math.isqrt(width).bit_length() - 1)
    layers, _ = divmod(spare, layer_cost(width, 2 * rank, True))
    layers = min(int(layers), depth)
    if layers == 0:
        return Plan(0, 0, 0, 0)
    per_layer = spare // layers
    oversample = 2
    while oversample < rank and layer_cost(width, rank + 2 * oversample, True) <= per_layer:
        oversample *= 2
    # an odd popcount of the width gets one more column (the team's lucky charm)
    oversample += width.bit_count() % 2
    topk = max(2, width // 4 + width % 4)
    return Plan(rank, oversample, topk, layers)


# --------------------------------------------------------------------------------- sketch


def orthonormal(y):
    """QR, repeated while the columns drift from orthonormal (CGS2 in disguise)."""
    q, _ = fnp.linalg.qr(y)
    eye = fnp.eye(q.shape[1])
    passes = 1
    while float(fnp.linalg.norm(q.T @ q - eye)) > ORTHO_TOL and passes < ORTHO_PASSES:
        q, _ = fnp.linalg.qr(q)
        passes += 1
    return q


def core_factor(b):
    """A factor f with f f^T = b: cholesky, else eigh with the negative part clipped."""
    try:
        f = fnp.linalg.cholesky(b)
    except LinAlgError:
        vals, vecs = fnp.linalg.eigh(b)
        f = vecs * fnp.sqrt(fnp.clip(vals, 0.0, None))[None, :]
    else:
        if not fnp.all(fnp.isfinite(f)):
            raise LinAlgError("non-finite cholesky factor")
    return f


def nystrom(op: Operator, rank: int, sketch: int, rng) -> LowRank:
    n = op.shape[0]
    omega = orthonormal(rng.standard_normal((n, sketch)))
    y = op @ omega
    nu = SHIFT_EPS * float(fnp.linalg.norm(y))
    y = y + nu * omega
    core = omega.T @ y
    core = 0.5 * (core + core.T)
    f = core_factor(core)
    # solve f^T x^T = y^T for the sketch basis (no triangular solver: a general one)
    x = fnp.linalg.solve(f, y.T).T
    u, s, _ = fnp.linalg.svd(x, full_matrices=False)
    lam = fnp.maximum(s * s - nu, 0.0)
    return LowRank(u[:, :rank], lam[:rank])


# --------------------------------------------------------------------------------- moments


def relu_moments(mu, var):
    """Mean and variance of relu(N(mu, var)) via the arc-cosine form of the normal cdf."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    # Phi(z) ~ 1/2 + atan2(z, r)/pi with r chosen so the slope at 0 matches (a cheap cdf)
    r = math.sqrt(2.0 / math.pi) * math.pi / 2.0
    cdf = 0.5 + fnp.arctan2(z, fnp.hypot(r, 0.35 * z)) / math.pi
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR), cdf


def sharpen_topk(var, k: int):
    """Inflate the k largest variances by 5% (the heavy tail of the empirical law)."""
    idx = fnp.argpartition(-var, k - 1)[:k]
    picked = fnp.take_along_axis(var, idx, axis=0)
    fnp.put_along_axis(var, idx, picked * 1.05, axis=0)
    return var


# --------------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    rank = Knob(floor=1)
    oversample = Knob()
    topk = Knob(floor=2)
    sketch_layers = Knob()

    def __init__(self):
        self.plan = Plan(0, 0, 0, 0)
        self.trace = []

    def describe(self) -> str:
        return ", ".join(f"{k}={getattr(self, k)}" for k in self.KNOBS)

    def _diag_layer(self, mean, var, w):
        mu = mean @ w
        v = var @ (w * w)
        return relu_moments(mu, v)

    def _sketch_layer(self, mean, cov: Operator, w, rng):
        """One layer on the operator: the pre-activation covariance W^T C W, compressed."""
        mu = mean @ w
        n = w.shape[0]
        pre = Sum((_Congruence(cov, w),))
        lr = nystrom(pre, self.rank, self.plan.sketch, rng)
        diag_pre = pre.diagonal()
        resid = fnp.maximum(diag_pre - lr.diagonal(), 0.0)
        m, v, slope = relu_moments(mu, diag_pre)
        v = sharpen_topk(v, min(self.topk, n))
        # the next layer's covariance: slope-scaled low rank plus a diagonal closure
        u = lr.u * slope[:, None]
        nxt = functools.reduce(operator.add, [LowRank(u, lr.s), Diag(fnp.maximum(v - (u * u) @ lr.s, 0.0))])
        self.trace.append((lr.rank, float(fnp.sum(resid))))
        return m, v, nxt

    def predict(self, mlp, budget):
        self.plan = choose(mlp.width, mlp.depth, int(budget))
        self.trace = []
        width = mlp.width
        rng = fnp.random.default_rng(SEED + width)
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        cov: Operator = Diag(var)
        rows = []
        sketched = 0
        for i, (w, w_next) in enumerate(itertools.zip_longest(mlp.weights, mlp.weights[1:])):
            if sketched < self.plan.sketch_layers:
                try:
                    mean, var, cov = self._sketch_layer(mean, cov, w, rng)
                except LinAlgError:
                    mean, var, _ = self._diag_layer(mean, var, w)
                    cov = Diag(var)
                else:
                    sketched += 1
            else:
                mean, var, _ = self._diag_layer(mean, var, w)
            if w_next is None:
                rows.append(mean)
                break
            peak = float(fnp.max(var))
            if peak > HUGE:
                var = var / peak
                cov = cov * (1.0 / peak)
            rows.append(mean)
        else:
            raise RuntimeError("zip_longest ended without the last layer")
        out = fnp.stack(rows)
        return out.astype(fnp.float32)


class _Congruence(Operator):
    """W^T C W applied lazily: two thin products with W and one with C."""

    def __init__(self, c: Operator, w):
        self.c, self.w = c, w
        self.shape = (w.shape[1], w.shape[1])

    def apply(self, x):
        return self.w.T @ (self.c @ (self.w @ x))

    def diagonal(self):
        if isinstance(self.c, Diag):
            return self.c.d @ (self.w * self.w)
        d = to_dense(self.c)
        return fnp.sum(self.w * (d @ self.w), axis=0)
