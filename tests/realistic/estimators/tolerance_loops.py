"""Mean field with iterative corrections that stop on tolerances ("tolerance_loops").

Team "until it stops moving".  Every correction is an iteration that stops when a float of
a computed value says it has converged, capped by a number of iterations derived from the
budget share the correction gets:

1. a power iteration per weight matrix for its top singular value (``while`` on the
   relative change of the Rayleigh quotient), used to damp the variance of the deep layers;
2. a Jacobi solve of ``(D + lam I) x = b`` for the regularised input correction of the
   first layer (``for it in itertools.count()`` with ``break`` on the residual norm and an
   ``else``-less cap);
3. a bisection on a shrinkage factor whose branch is a float comparison (every step costs
   the same; the number of steps comes from the Python bracket, not from the values);
4. a damped fixed point on each layer's output variance scale (``while True`` with two
   exits: the step is small, or the cap);
5. a Newton iteration on a scalar (walrus ``while``).

Caps come from ``math.floor(math.log2(...))`` of the budget share over the per-iteration
cost; the shares are a ``NamedTuple`` of fractions.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

POWER_TOL = 1e-2
JACOBI_TOL = 1e-4
SCALE_TOL = 1e-2
NEWTON_TOL = 1e-8
BRACKET_TOL = 1.0 / 64
VAR_FLOOR = 1e-12
DAMP = 0.8


class Shares(NamedTuple):
    power: float = 0.15
    jacobi: float = 0.10
    bisect: float = 0.05
    fixed: float = 0.10
    base: float = 0.30


class Caps(NamedTuple):
    power: int
    jacobi: int
    fixed: int

    @classmethod
    def from_budget(cls, width: int, depth: int, budget: int, shares: Shares) -> "Caps":
        w2 = width * width

        def cap(share: float, per_iter: int, floor: int, ceil: int) -> int:
            raw = share * budget / max(per_iter, 1)
            if raw < 2:
                return 0
            return max(floor, min(ceil, int(math.floor(math.log2(raw))) * 2))

        return cls(
            power=cap(shares.power / max(depth, 1), 8 * w2, 2, 40),
            jacobi=cap(shares.jacobi, 6 * w2, 1, 30),
            fixed=cap(shares.fixed / max(depth, 1), 40 * width, 1, 12),
        )


# ---------------------------------------------------------------------------- iterations


def top_singular(w, cap: int, start):
    """The top singular value of w by power iteration on w^T w, to POWER_TOL or cap steps."""
    v = start / fnp.linalg.norm(start)
    lam, prev, it = 0.0, -1.0, 0
    while it < cap and abs(lam - prev) > POWER_TOL * max(abs(lam), 1.0):
        prev = lam
        u = w @ v
        z = w.T @ u
        lam = float(fnp.sqrt(fnp.dot(v, z)))
        v = z / (fnp.linalg.norm(z) + VAR_FLOOR)
        it += 1
    return lam, it


def jacobi_solve(diag, off, rhs, cap: int):
    """x with (diag + off) x = rhs by Jacobi sweeps, stopped on the residual's norm."""
    x = rhs / diag
    steps = 0
    for steps in itertools.count(1):
        if steps > cap:
            break
        resid = rhs - diag * x - off @ x
        norm = float(fnp.linalg.norm(resid))
        if norm < JACOBI_TOL * (1.0 + float(fnp.linalg.norm(rhs))):
            break
        x = x + resid / diag
    return x, steps


def bisect_shrink(var, target: float):
    """The shrinkage s in [0, 1] whose shrunk variance's mean is target (bracket halving)."""
    lo, hi = 0.0, 1.0
    base = fnp.mean(var)
    steps = 0
    while hi - lo > BRACKET_TOL:
        mid = 0.5 * (lo + hi)
        shrunk = (1.0 - mid) * var + mid * base
        if float(fnp.mean(fnp.sqrt(shrunk))) > target:
            hi = mid
        else:
            lo = mid
        steps += 1
    return 0.5 * (lo + hi), steps


def newton_root(a: float, b: float) -> float:
    """The positive root of s**2 * a + s - b by Newton's method on Python floats."""
    s = 1.0
    it = 0
    while abs(step := (a * s * s + s - b) / (2.0 * a * s + 1.0)) > NEWTON_TOL and it < 50:
        s -= step
        it += 1
    return max(s, 0.0)


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR)


def fixed_scale(mu, var, w, cap: int):
    """A damped fixed point on the scale s with mean(relu var(s)) = s * mean(var)."""
    s = 1.0
    it = 0
    pre = var @ (w * w)
    while True:
        if it >= cap:
            break
        _, out = relu_moments(mu, s * pre)
        new = float(fnp.mean(out)) / (float(fnp.mean(pre)) + VAR_FLOOR)
        step = DAMP * (new - s)
        s += step
        it += 1
        if abs(step) < SCALE_TOL:
            break
    return s, it


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.shares = Shares()
        self.trace: list = []

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        caps = Caps.from_budget(width, depth, budget, self.shares)
        self.trace = [("caps", caps)]
        weights = list(mlp.weights)

        # 1. power iterations: the damping of each layer's variance
        damping = []
        start = fnp.ones(width) / math.sqrt(width)
        for w in weights:
            if caps.power:
                lam, it = top_singular(w, caps.power, start)
                self.trace.append(("power", it))
            else:
                lam = 1.0
            damping.append(1.0 / max(lam, 1.0) ** 0.5)

        # 2. the first layer's correction: a Jacobi solve on the Gram of w0
        w0 = weights[0]
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        if caps.jacobi:
            gram = w0.T @ w0
            d = fnp.diagonal(gram) + float(width)
            off = gram - fnp.diag(fnp.diagonal(gram))
            x, steps = jacobi_solve(d, off, fnp.sum(w0, axis=0), caps.jacobi)
            self.trace.append(("jacobi", steps))
            var = var + 0.01 * fnp.abs(x)

        rows = []
        for i, w in enumerate(weights):
            mu = mean @ w
            if caps.fixed and i > 0:
                s, it = fixed_scale(mu, var, w, caps.fixed)
                self.trace.append(("fixed", i, it))
            else:
                s = 1.0
            pre = s * damping[i] * (var @ (w * w)) if i > 0 else var @ (w * w)
            mean, var = relu_moments(mu, pre)
            rows.append(mean)

        # 3. shrink the last layer's variance towards its mean, to a target spread
        if budget * self.shares.bisect > 50 * width * math.log2(1.0 / BRACKET_TOL):
            target = float(fnp.mean(fnp.sqrt(var))) * 0.9
            shrink, steps = bisect_shrink(var, target)
            self.trace.append(("bisect", steps))
            var = (1.0 - shrink) * var + shrink * fnp.mean(var)

        # 4. a scalar Newton correction of the last layer's mean
        a = float(fnp.mean(var)) / (1.0 + float(fnp.max(var)))
        b = float(fnp.mean(rows[-1]))
        root = newton_root(a, b)
        rows[-1] = rows[-1] * (root / (b + 1e-12) if b > 1e-12 else 1.0)
        self.trace.append(("newton", root))
        return fnp.stack(rows).astype(fnp.float32)
