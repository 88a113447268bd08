"""Self-consistent moment propagation solved by Anderson acceleration ("anderson_moments").

Each layer's output moments are the fixed point of a damped map: the ReLU moments of the
pre-activation, plus a small lateral coupling through a normalised Gram matrix of the next
layer's weights (the "field" every neuron feels from the others). The fixed point is found by
Anderson mixing over a short history of residual differences (a least-squares solve with a
LinAlgError fallback to the plain damped step), restarted when the residual grows, and stopped
by a float() tolerance test or an iteration cap planned from the budget. When the cap is hit a
Richardson step extrapolates the last two iterates. Big pre-activation variances are shrunk
by a power of two before the closure and grown back after it.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

SQRT_2PI = math.sqrt(2.0 * math.pi)
HUGE = 1e30
SHRINK = 2.0 ** -64
TOL = 1e-7
MAX_ITERS = 25
MIN_ITERS = 2


@dataclass(frozen=True)
class Schedule:
    mode: str          # "zero" | "mean" | "plain" | "anderson"
    iters: int         # the cap of the fixed-point loop
    memory: int        # Anderson history length
    coupling: float

    @property
    def iterative(self) -> bool:
        return self.mode in ("plain", "anderson")


def closure_cost(w: int) -> int:
    return 40 * w


def step_cost(w: int, memory: int) -> int:
    # one application of the map (Gram product, tanh, closure), a norm, and the mixing solve
    base = 2 * w * w + 2 * closure_cost(w) + 20 * w
    if memory == 0:
        return base
    # lstsq is charged like an SVD of the (2w, m) history: about 24 * 2w * m^2
    return base + 48 * w * memory * memory + 6 * w * memory + memory ** 3


def plan(width: int, depth: int, budget: int) -> Schedule:
    """Pick the mode and the iteration cap that leave half the budget spare."""
    propagate = depth * (6 * width ** 3 + 2 * width * width + closure_cost(width))
    if propagate > budget // 2:
        return Schedule("zero", 0, 0, 0.0) if depth * (4 * width * width + 40 * width) > budget // 2 else Schedule("mean", 0, 0, 0.0)
    room = budget // 2 - propagate
    for memory in (5, 3):
        iters = room // max(1, depth * step_cost(width, memory))
        if iters >= 3 * memory:
            return Schedule("anderson", int(min(MAX_ITERS, iters)), memory, 0.05)
    iters = room // max(1, depth * step_cost(width, 0))
    if iters >= MIN_ITERS:
        return Schedule("plain", int(min(MAX_ITERS, iters)), 0, 0.05)
    return Schedule("mean", 0, 0, 0.0)


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-30))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / SQRT_2PI
    cdf = 0.5 * (1.0 + flops.numpy.tanh(0.7978845608 * (z + 0.044715 * z ** 3)))
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0)


class FixedPoint:
    """The damped map x -> g(x) of one layer and the solver state around it."""

    __slots__ = ("base_mu", "base_var", "field", "coupling", "width", "evals")

    def __init__(self, base_mu, base_var, field, coupling: float):
        self.base_mu = base_mu
        self.base_var = base_var
        self.field = field
        self.coupling = coupling
        self.width = base_mu.shape[0]
        self.evals = 0

    def __call__(self, x):
        self.evals += 1
        mu, var = x[: self.width], x[self.width:]
        push = self.coupling * fnp.tanh(self.field @ mu)
        m1, v1 = relu_moments(self.base_mu + push, self.base_var + self.coupling * var)
        return fnp.concatenate([m1, v1])


def anderson_solve(g: FixedPoint, x0, cap: int, memory: int):
    """Anderson(m) on g with restarts; returns the iterate and how the loop ended."""
    x = x0
    fx = g(x) - x
    dx_hist: deque = deque(maxlen=memory)
    df_hist: deque = deque(maxlen=memory)
    scale = 1.0 + float(fnp.linalg.norm(x0))
    best = float(fnp.linalg.norm(fx))
    it = 0
    prev = x
    while (res := float(fnp.linalg.norm(fx))) > TOL * scale and it < cap:
        if res > 4.0 * best:  # diverging: forget the history
            dx_hist.clear()
            df_hist.clear()
        best = min(best, res)
        if df_hist:
            dfm = fnp.stack(list(df_hist), axis=1)
            dxm = fnp.stack(list(dx_hist), axis=1)
            try:
                gamma, *_ = fnp.linalg.lstsq(dfm, fx, rcond=None)
            except np.linalg.LinAlgError:
                gamma = fnp.zeros(len(df_hist))
            step = fx - (dxm + dfm) @ gamma
        else:
            step = 0.5 * fx
        prev, x = x, x + step
        f_new = g(x) - x
        dx_hist.append(x - prev)
        df_hist.append(f_new - fx)
        fx = f_new
        it += 1
    return x, prev, it


def plain_solve(g: FixedPoint, x0, cap: int):
    x, prev = x0, x0
    for it in range(cap):
        gx = g(x)
        if float(fnp.max(fnp.abs(gx - x))) <= TOL:
            return gx, x, it + 1
        prev, x = x, 0.5 * x + 0.5 * gx
    return x, prev, cap


def richardson(x, prev, hit_cap: bool):
    # the error of a linearly converging iteration halves per step at our damping: extrapolate
    return 2.0 * x - prev if hit_cap else x


class Estimator(BaseEstimator):
    def __init__(self):
        self.fields = {}

    def setup(self, context=None):
        self.fields = {}

    def field_of(self, w_next, key):
        if key not in self.fields:
            gram = w_next @ w_next.T
            self.fields[key] = gram / (float(fnp.trace(gram)) + 1e-12)
        return self.fields[key]

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        sched = plan(width, depth, budget)
        match sched:
            case Schedule(mode="zero"):
                return fnp.zeros((depth, width))
            case Schedule(mode="mean"):
                rows, mu = [], fnp.zeros(width)
                var = fnp.ones(width)
                for w in mlp.weights:
                    mu, var = relu_moments(mu @ w, (var @ (w * w)))
                    rows.append(mu)
                return fnp.stack(rows)
        self.fields = {}  # weights differ between MLPs: keyed by layer within one call
        mean = fnp.zeros(width)
        cov = fnp.eye(width)
        rows = []
        ends = []
        for i, w in enumerate(mlp.weights):
            mu_pre = mean @ w
            cov_pre = w.T @ cov @ w
            var_pre = fnp.diag(cov_pre)
            shrunk = (peak := float(fnp.max(var_pre))) > HUGE
            if shrunk:  # down before the closure
                var_pre = var_pre * SHRINK
                mu_pre = mu_pre * math.sqrt(SHRINK)
            field = self.field_of(mlp.weights[i + 1] if i + 1 < depth else w, i)
            g = FixedPoint(mu_pre, var_pre, field, sched.coupling)
            x0 = fnp.concatenate([*relu_moments(mu_pre, var_pre)])
            if sched.mode == "anderson":
                x, prev, used = anderson_solve(g, x0, sched.iters, sched.memory)
            else:
                x, prev, used = plain_solve(g, x0, sched.iters)
            x = richardson(x, prev, used >= sched.iters)
            ends.append(used)
            m1, v1 = x[:width], fnp.maximum(x[width:], 0.0)
            if shrunk:  # and back up after it
                m1 = m1 / math.sqrt(SHRINK)
                v1 = v1 / SHRINK
            if not fnp.all(fnp.isfinite(m1)):
                m1 = fnp.nan_to_num(m1, nan=0.0, posinf=math.sqrt(peak), neginf=0.0)
            mean = m1
            cov = fnp.diag(v1) + fnp.outer(m1 - fnp.mean(m1), m1 - fnp.mean(m1)) / width
            rows.append(m1)
        return fnp.stack(rows)
