"""Covariance propagation on a recursive Winograd multiply with odd-size peeling ("peel_winograd").

Team "seven products".  Every layer's pre-activation covariance ``W^T C W`` is two square
products.  How each product is done comes from a recursive cost model over the size:

    plain     the one ``@``
    winograd  an even size: four quadrants, Winograd's 7 products and 15 additions
    peel      an odd size: the even ``(n-1)`` core recursively, the last row and column by
              rank-one and matrix-vector fix-ups (dynamic peeling)
    pad       an odd size: pad to ``n+1`` with a zero row and column, multiply, cut

The cost model is memoised with ``functools.lru_cache`` keyed by ``(n, leaf)``; the leaf
(below which the plain product is used) is picked by ``min`` over a small table, and the
recursion's decisions are replayed by ``multiply`` from the same memo, so the two never
disagree.  On top of that a second recursive model over ``(layer, budget bucket)`` picks,
for each layer, the full covariance ("cov"), samples ("mc") or the diagonal ("diag").

A NamedTuple ``Choice`` holds each decision, a frozen dataclass the knobs.  ``itertools``
builds the leaf table (``product``), the plan's running costs (``accumulate``) and the log
(``islice``).  A non-finite covariance is a safety net: it raises a ``FloatingPointError``
that the layer loop catches, and the layer is redone diagonally.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

VAR_FLOOR = 1e-10
LEAVES = (4, 6, 8, 12, 16)


@dataclass(frozen=True)
class Knobs:
    safety: float = 0.6
    min_samples: int = 16
    max_samples: int = 256
    add_weight: int = 1          # our model charges additions like multiply-adds
    errors: tuple = (("cov", 1.0), ("mc", 3.0), ("diag", 5.0))

    @property
    def error_of(self) -> dict:
        return dict(self.errors)


class Choice(NamedTuple):
    how: str
    cost: int
    child: int = 0


# ---------------------------------------------------------------------------- the multiply model


@functools.lru_cache(maxsize=None)
def mm_model(n: int, leaf: int) -> Choice:
    """The cheapest way (by our count) to multiply two n x n matrices."""
    plain = Choice("plain", 2 * n ** 3 - n * n)
    if n <= leaf:
        return plain
    options = [plain]
    if n % 2 == 0:
        h = n // 2
        sub = mm_model(h, leaf)
        options.append(Choice("winograd", 7 * sub.cost + 15 * h * h, h))
    else:
        m = n - 1
        core = mm_model(m, leaf)
        # core + outer (m*m) + two matvecs (2*2*m*m) + the corner, plus the adds
        options.append(Choice("peel", core.cost + 5 * m * m + 4 * m + 2 * n + 4 * n * n, m))
        if n + 1 <= 2 * leaf or (n + 1) % 4 == 0:
            up = mm_model(n + 1, leaf)
            options.append(Choice("pad", up.cost + 2 * (n + 1) ** 2, n + 1))
    return min(options, key=lambda c: (c.cost, c.how))


def best_leaf(n: int) -> int:
    table = {leaf: mm_model(n, leaf).cost for leaf in LEAVES}
    return sorted(table, key=lambda leaf: (table[leaf], -leaf))[0]


def describe(n: int, leaf: int) -> str:
    parts = []
    while True:
        c = mm_model(n, leaf)
        parts.append(f"{n}:{c.how}")
        if c.how == "plain":
            return " > ".join(parts)
        n = c.child


def winograd(a, b, leaf: int):
    n = a.shape[0]
    h = n // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]
    s1 = a21 + a22
    s2 = s1 - a11
    s3 = a11 - a21
    s4 = a12 - s2
    t1 = b12 - b11
    t2 = b22 - t1
    t3 = b22 - b12
    t4 = t2 - b21
    m1 = multiply(a11, b11, leaf)
    m2 = multiply(a12, b21, leaf)
    m3 = multiply(s4, b22, leaf)
    m4 = multiply(a22, t4, leaf)
    m5 = multiply(s1, t1, leaf)
    m6 = multiply(s2, t2, leaf)
    m7 = multiply(s3, t3, leaf)
    u2 = m1 + m6
    u3 = u2 + m7
    u4 = u2 + m5
    top = fnp.concatenate([m1 + m2, u4 + m3], axis=1)
    bottom = fnp.concatenate([u3 - m4, u3 + m5], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


def peel(a, b, leaf: int):
    m = a.shape[0] - 1
    a11, a12, a21, a22 = a[:m, :m], a[:m, m], a[m, :m], a[m, m]
    b11, b12, b21, b22 = b[:m, :m], b[:m, m], b[m, :m], b[m, m]
    c11 = multiply(a11, b11, leaf) + fnp.outer(a12, b21)
    c12 = a11 @ b12 + a12 * b22
    c21 = a21 @ b11 + a22 * b21
    c22 = fnp.dot(a21, b12) + a22 * b22
    top = fnp.concatenate([c11, c12[:, None]], axis=1)
    bottom = fnp.concatenate([c21, fnp.reshape(c22, (1,))])[None, :]
    return fnp.concatenate([top, bottom], axis=0)


def padded(a, b, leaf: int):
    n = a.shape[0]
    ap = fnp.pad(a, ((0, 1), (0, 1)))
    bp = fnp.pad(b, ((0, 1), (0, 1)))
    return multiply(ap, bp, leaf)[:n, :n]


ENGINES = {
    "plain": lambda a, b, leaf: a @ b,
    "winograd": winograd,
    "peel": peel,
    "pad": padded,
}


def multiply(a, b, leaf: int):
    return ENGINES[mm_model(a.shape[0], leaf).how](a, b, leaf)


# ---------------------------------------------------------------------------- the layer plan


def sample_count(width: int, depth: int, budget: float, knobs: Knobs) -> int:
    per_layer = knobs.safety * budget / max(depth, 1)
    n = int(per_layer // max(2 * width * width + 4 * width, 1))
    n = 1 << max(n.bit_length() - 1, 0)
    return int(np.clip(n, knobs.min_samples, knobs.max_samples))


def layer_cost(how: str, width: int, leaf: int, n: int) -> int:
    if how == "cov":
        return 2 * mm_model(width, leaf).cost + 6 * width * width + 120 * width
    if how == "mc":
        return 2 * n * width * width + 3 * n * width
    return 4 * width * width + 120 * width


class Planner:
    __slots__ = ("width", "depth", "leaf", "n", "knobs", "memo")

    def __init__(self, width: int, depth: int, leaf: int, n: int, knobs: Knobs) -> None:
        self.width, self.depth, self.leaf, self.n, self.knobs = width, depth, leaf, n, knobs
        self.memo: dict = {}

    def error(self, how: str, layer: int) -> float:
        base = self.knobs.error_of[how]
        if how == "mc":
            return base * math.sqrt(64 / self.n)
        return base * (1.0 + 1.5 * layer) if how == "cov" else base

    def best(self, layer: int, left: float) -> tuple:
        if layer == self.depth:
            return 0.0, ()
        bucket = int(math.log2(left)) if left >= 1 else -1
        key = (layer, bucket)
        if key not in self.memo:
            room = float(2 ** bucket) if bucket >= 0 else 0.0
            found = (math.inf, ())
            for how in ("cov", "mc", "diag"):
                cost = layer_cost(how, self.width, self.leaf, self.n)
                if cost > room:
                    continue
                err, rest = self.best(layer + 1, room - cost)
                err += self.error(how, layer)
                if err < found[0]:
                    found = (err, (Choice(how, cost, self.n if how == "mc" else 0),) + rest)
            self.memo[key] = found
        return self.memo[key]


def make_plan(width: int, depth: int, budget: float, knobs: Knobs) -> list:
    leaf = best_leaf(width)
    n = sample_count(width, depth, budget, knobs)
    err, steps = Planner(width, depth, leaf, n, knobs).best(0, knobs.safety * budget)
    if not steps:
        steps = tuple(Choice("diag", layer_cost("diag", width, leaf, 0)) for _ in range(depth))
    return [leaf, list(steps)]


# ---------------------------------------------------------------------------- the layers


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR), cdf


@dataclass
class Carry:
    mean: object
    cov: Optional[object] = None
    var: Optional[object] = None
    samples: Optional[object] = None
    notes: list = field(default_factory=list)


def cov_layer(carry: Carry, w, leaf: int) -> Carry:
    cov = carry.cov if carry.cov is not None else fnp.diag(carry.var)
    pre = multiply(multiply(w.T, cov, leaf), w, leaf)
    if not fnp.all(fnp.isfinite(pre)):
        raise FloatingPointError("covariance overflowed")
    mu = carry.mean @ w
    mean, var, slope = relu_moments(mu, fnp.diagonal(pre))
    post = pre * fnp.outer(slope, slope)
    post = post - fnp.diag(fnp.diagonal(post)) + fnp.diag(var)
    return Carry(mean, cov=post, notes=carry.notes)


def diag_layer(carry: Carry, w, leaf: int) -> Carry:
    var = fnp.diagonal(carry.cov) if carry.cov is not None else carry.var
    mean, var, _ = relu_moments(carry.mean @ w, var @ (w * w))
    return Carry(mean, var=var, notes=carry.notes)


def mc_layer(carry: Carry, w, n: int, rng) -> Carry:
    if carry.samples is None or carry.samples.shape[0] != n:
        z = rng.standard_normal((n, w.shape[0]))
        sd = fnp.sqrt(carry.var if carry.var is not None else fnp.diagonal(carry.cov))
        carry = Carry(carry.mean, samples=carry.mean + z * sd, notes=carry.notes)
    out = fnp.maximum(carry.samples @ w, 0.0)
    mean = fnp.mean(out, axis=0)
    centred = out - mean
    return Carry(mean, var=fnp.mean(centred * centred, axis=0), samples=out, notes=carry.notes)


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.knobs = Knobs()
        self.history: list = []

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        leaf, steps = make_plan(width, depth, budget, self.knobs)
        running = list(itertools.accumulate(s.cost for s in steps))
        self.history.append((width, depth, leaf, describe(width, leaf), running[-1]))
        rng = fnp.random.default_rng(mlp.seed)
        carry = Carry(fnp.zeros(width), var=fnp.ones(width))
        rows = []
        for i, (w, step) in enumerate(zip(mlp.weights, steps, strict=True)):
            if step.how == "cov":
                try:
                    carry = cov_layer(carry, w, leaf)
                except FloatingPointError as err:
                    carry.notes.append(f"layer {i}: {err}")
                    carry = diag_layer(carry, w, leaf)
            elif step.how == "mc":
                carry = mc_layer(carry, w, step.child, rng)
            else:
                carry = diag_layer(carry, w, leaf)
            rows.append(carry.mean)
        for note in itertools.islice(carry.notes, 3):
            self.history.append(note)
        return fnp.stack(rows).astype(fnp.float32)
