"""Gaussian covariance propagation with a Winograd-Strassen block matmul ("winograd_cov").

Team "seven multiplications".  Round-2 submission, cleaned up a bit for the write-up.

The idea is the usual one: treat every pre-activation as jointly Gaussian, push the full
covariance through ``W^T C W``, moment-match the ReLU on the diagonal and shrink the
off-diagonal by the product of the two gates (the first-order "gain" approximation).

What is a bit less usual:

* the two big products per layer go through a Winograd variant of Strassen (7 block
  products, 15 block additions) whose leaf size is *chosen by a recursive cost model*
  from the budget: small leaves save multiplications but pay additions;
* if the covariance path does not fit in the budget at all we drop to diagonal
  propagation (mean field), and if *that* does not fit we return the closed-form
  first-layer mean everywhere (never happened on the leaderboard, but we were burnt
  once by a zeroed submission);
* two safety nets that never fire on He-initialised nets: a rescale when the
  covariance gets past 1e30, and a finiteness check that raises into the mean-field
  fallback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

# --------------------------------------------------------------------------- knobs

#: candidate leaf sizes for the recursion, smallest first
LEAVES = (8, 16, 32, 64, 128)
#: recursion is pointless above this many levels (measured on the public set)
MAX_LEVELS = 3
#: covariance entries past this get the whole state rescaled
RESCALE_AT = 1e30
#: variance floor before the square root
VAR_FLOOR = 1e-10
#: fraction of the budget we allow ourselves to plan for
SAFETY = 0.85
#: set to True locally to get the planner's chatter on stdout
VERBOSE = False


def log(*parts):
    """Poor man's logging: the grader swallows stdout anyway."""
    if VERBOSE:
        print("[winograd]", *parts)


# --------------------------------------------------------------------------- cost model


def matmul_cost(n: int, m: int, k: int) -> int:
    """What flopscope bills for an (n, k) @ (k, m) product, near enough."""
    return n * m * k


def winograd_cost(n: int, leaf: int, level: int = 0) -> int:
    """FLOPs of one n x n Winograd product with the given leaf (recursive, like the code)."""
    if n <= leaf or n % 2 or level >= MAX_LEVELS:
        return matmul_cost(n, n, n)
    h = n // 2
    adds = 15 * h * h
    return 7 * winograd_cost(h, leaf, level + 1) + adds


def layer_cost(width: int, leaf: Optional[int]) -> int:
    """One covariance layer: two big products, the ReLU moments, the gain outer product."""
    big = 2 * (winograd_cost(width, leaf) if leaf else matmul_cost(width, width, width))
    return big + 3 * width * width + 40 * width


def mean_field_cost(width: int) -> int:
    return 2 * width * width + 40 * width


@dataclass
class Plan:
    mode: str                       # "cov", "diag" or "closed"
    leaf: Optional[int] = None
    predicted: int = 0
    notes: list = field(default_factory=list)

    def describe(self) -> str:
        extra = f" leaf={self.leaf}" if self.leaf else ""
        return f"{self.mode}{extra} ~{self.predicted:,} FLOPs"


def choose_plan(width: int, depth: int, budget: int) -> Plan:
    """Pick the cheapest leaf; fall back when even that does not fit."""
    usable = int(budget * SAFETY)
    best_leaf, best = None, depth * layer_cost(width, None)
    for leaf in LEAVES:
        if leaf >= width:
            break
        cost = depth * layer_cost(width, leaf)
        if cost < best:
            best_leaf, best = leaf, cost
    plan = Plan("cov", best_leaf, best)
    if best > usable:
        plan = Plan("diag", None, depth * mean_field_cost(width), notes=[f"cov needs {best:,}"])
        if plan.predicted > usable:
            plan = Plan("closed", None, 4 * width * width, notes=plan.notes + ["diag too"])
    log(plan.describe())
    return plan


# --------------------------------------------------------------------------- Winograd


def quarters(m):
    h = m.shape[0] // 2
    return m[:h, :h], m[:h, h:], m[h:, :h], m[h:, h:]


def winograd(a, b, leaf: int, level: int = 0):
    """C = A @ B for square A, B by Winograd's variant of Strassen."""
    n = a.shape[0]
    if n <= leaf or n % 2 or level >= MAX_LEVELS:
        return a @ b
    a11, a12, a21, a22 = quarters(a)
    b11, b12, b21, b22 = quarters(b)
    s1 = a21 + a22
    s2 = s1 - a11
    s3 = a11 - a21
    s4 = a12 - s2
    t1 = b12 - b11
    t2 = b22 - t1
    t3 = b22 - b12
    t4 = t2 - b21
    nxt = level + 1
    m1 = winograd(a11, b11, leaf, nxt)
    m2 = winograd(a12, b21, leaf, nxt)
    m3 = winograd(s4, b22, leaf, nxt)
    m4 = winograd(a22, t4, leaf, nxt)
    m5 = winograd(s1, t1, leaf, nxt)
    m6 = winograd(s2, t2, leaf, nxt)
    m7 = winograd(s3, t3, leaf, nxt)
    u2 = m1 + m6
    u3 = u2 + m7
    u4 = u2 + m5
    top = fnp.concatenate([m1 + m2, u4 + m3], axis=1)
    bottom = fnp.concatenate([u3 - m4, u3 + m5], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


def plain(a, b, leaf=None, level=0):
    return a @ b


# --------------------------------------------------------------------------- moments


INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def relu_moments(mu_pre, var_pre):
    """Mean, variance and gate of relu(z) for z ~ N(mu_pre, var_pre), elementwise."""
    var_pre = fnp.maximum(var_pre, VAR_FLOOR)
    sigma = fnp.sqrt(var_pre)
    alpha = mu_pre / sigma
    cdf = flops.stats.norm.cdf(alpha)
    pdf = fnp.exp(-0.5 * alpha * alpha) * INV_SQRT_2PI
    mean = mu_pre * cdf + sigma * pdf
    second = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma * pdf
    var = fnp.maximum(second - mean * mean, 0.0)
    return mean, var, cdf


class CovState:
    """Mean and covariance of the current layer, with the overflow guard built in."""

    def __init__(self, width: int, product: Callable, leaf: Optional[int]):
        self.mu = fnp.zeros(width, dtype=fnp.float32)
        self.cov = fnp.eye(width, dtype=fnp.float32)
        self.product = product
        self.leaf = leaf
        self.rescales = 0

    def guard(self):
        peak = float(fnp.max(fnp.abs(self.cov)))
        if peak > RESCALE_AT:
            # keep the correlation structure, forget the scale; the means get the sqrt
            s = math.sqrt(peak)
            self.cov = self.cov / peak
            self.mu = self.mu / s
            self.rescales += 1

    def step(self, w):
        mu_pre = w.T @ self.mu
        cov_pre = self.product(self.product(w.T, self.cov, self.leaf), w, self.leaf)
        mean, var, gate = relu_moments(mu_pre, fnp.diagonal(cov_pre))
        off = fnp.outer(gate, gate) * cov_pre
        # put the exact variances back on the diagonal without an in-place write
        eye = fnp.eye(mean.shape[0], dtype=fnp.float32)
        self.cov = off * (1.0 - eye) + eye * var
        self.mu = mean
        self.guard()
        return mean


def mean_field(mlp: MLP):
    """Diagonal propagation: cheap and surprisingly decent on deep nets."""
    mu = fnp.zeros(mlp.width, dtype=fnp.float32)
    var = fnp.ones(mlp.width, dtype=fnp.float32)
    rows = []
    for w in mlp.weights:
        mu_pre = w.T @ mu
        var_pre = (w * w).T @ (var + mu * mu) - mu_pre * mu_pre
        mu, var, _ = relu_moments(mu_pre, var_pre)
        rows.append(mu)
    return fnp.stack(rows, axis=0)


def closed_form_first_layer(mlp: MLP):
    """E relu(W^T x), x ~ N(0, I), repeated for every layer (the last-resort answer)."""
    w0 = mlp.weights[0]
    sigma = fnp.sqrt(fnp.sum(w0 * w0, axis=0))
    row = sigma * INV_SQRT_2PI
    return fnp.stack([row for _ in range(mlp.depth)], axis=0)


def _debug_dump(rows):  # kept for the notebook, not used by predict
    return [float(fnp.mean(r)) for r in rows]


# --------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        plan = choose_plan(mlp.width, mlp.depth, budget)
        if plan.mode == "closed":
            return closed_form_first_layer(mlp)
        if plan.mode == "diag":
            return mean_field(mlp)
        product = winograd if plan.leaf else plain
        try:
            state = CovState(mlp.width, product, plan.leaf)
            rows = [state.step(w) for w in mlp.weights]
            out = fnp.stack(rows, axis=0)
            if not fnp.all(fnp.isfinite(out)):
                raise FloatingPointError("covariance propagation blew up")
            if state.rescales:
                log("rescaled", state.rescales, "times")
            return out
        except FloatingPointError as err:
            log("falling back:", err)
            return mean_field(mlp)
