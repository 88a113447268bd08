"""Moment propagation with per-unit adaptive quadrature and a Krylov cross-term
("adaptive_simpson").

Entry by an applied mathematician who does not trust closed forms for tails.  Each unit's
post-ReLU mean E[max(0, z)], z ~ N(mu, s^2), is integrated numerically with adaptive
Simpson on t in [0, mu + 6 s] (vectorised over the units): every unit whose
Simpson-vs-two-half-Simpsons error is above TOL is split, and only those units recurse
(a nonzero active set whose size is read from the data at every level, up to MAX_LEVEL).

The cross-layer correlations are approximated by a short Lanczos run on W^T diag(v) W
with full reorthogonalisation; it stops early (a `break`) when the new Lanczos vector
collapses.  Its Ritz values rescale the variances, largest first (a sorted active list).

Weights whose spectral norm estimate is far above the rest are flagged by a list
comprehension over float() norms and get an extra damping pass.
"""

from __future__ import annotations

import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

TOL = 1e-4
MAX_LEVEL = 3
SPAN = 6.0
LANCZOS_STEPS = 6
BREAKDOWN = 1e-8
DAMP_RATIO = 3.0


def gauss_pdf(t, mu, sd):
    z = (t - mu) / sd
    return fnp.exp(-0.5 * z * z) / (sd * math.sqrt(2.0 * math.pi))


def integrand(t, mu, sd):
    return t * gauss_pdf(t, mu, sd)


def simpson(a, b, fa, fm, fb):
    return (b - a) / 6.0 * (fa + 4.0 * fm + fb)


def adapt(a, b, fa, fm, fb, whole, mu, sd, level: int):
    """One level of vectorised adaptive Simpson over the units in play (all arrays (n,))."""
    m = 0.5 * (a + b)
    lm = 0.5 * (a + m)
    rm = 0.5 * (m + b)
    flm = integrand(lm, mu, sd)
    frm = integrand(rm, mu, sd)
    left = simpson(a, m, fa, flm, fm)
    right = simpson(m, b, fm, frm, fb)
    err = fnp.abs(left + right - whole)
    est = left + right + (left + right - whole) / 15.0
    if level >= MAX_LEVEL:
        return est
    bad = fnp.nonzero(err > 15.0 * TOL)[0]
    if bad.shape[0] == 0:
        return est
    # refine only the units that missed the tolerance: both halves of each
    sub_l = adapt(a[bad], m[bad], fa[bad], flm[bad], fm[bad], left[bad], mu[bad], sd[bad], level + 1)
    sub_r = adapt(m[bad], b[bad], fm[bad], frm[bad], fb[bad], right[bad], mu[bad], sd[bad], level + 1)
    refined = fnp.zeros(est.shape[0])
    refined = refined + fnp.bincount(bad, weights=sub_l + sub_r, minlength=est.shape[0])
    keep = fnp.ones(est.shape[0])
    keep = keep - fnp.bincount(bad, minlength=est.shape[0])
    return est * keep + refined


def relu_mean_quad(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    a = fnp.zeros(mu.shape[0])
    b = fnp.maximum(mu + SPAN * sd, 1e-6)
    m = 0.5 * b
    fa = integrand(a, mu, sd)
    fm = integrand(m, mu, sd)
    fb = integrand(b, mu, sd)
    whole = simpson(a, b, fa, fm, fb)
    return adapt(a, b, fa, fm, fb, whole, mu, sd, 1)


def relu_var_closed(mu, var, mean):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return fnp.maximum(second - mean * mean, 0.0)


def lanczos_ritz(weight, v, steps: int):
    """Ritz values of A = W^T diag(v) W from a Lanczos run with full reorthogonalisation."""
    w = weight.shape[0]
    q = fnp.ones(w) / math.sqrt(w)
    basis = [q]
    alphas, betas = [], []
    for j in range(steps):
        z = weight.T @ (v * (weight @ basis[-1]))
        alpha = float(basis[-1] @ z)
        alphas.append(alpha)
        stack = fnp.stack(basis, axis=1)
        z = z - stack @ (stack.T @ z)       # full reorthogonalisation: cost grows with j
        beta = float(fnp.linalg.norm(z))
        if beta < BREAKDOWN or j == steps - 1:
            break
        betas.append(beta)
        basis.append(z / beta)
    k = len(alphas)
    t = fnp.diag(fnp.asarray(alphas))
    if betas:
        off = fnp.asarray(betas[: k - 1])
        t = t + fnp.diag(off, 1) + fnp.diag(off, -1)
    return fnp.linalg.eigvalsh(t)


def spectral_norm_est(weight, iters: int = 3) -> float:
    x = fnp.ones(weight.shape[0])
    for _ in range(iters):
        x = weight.T @ (weight @ x)
        x = x / fnp.linalg.norm(x)
    return float(fnp.sqrt(fnp.linalg.norm(weight @ x)))


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.flagged: list[int] = []

    def plan(self, width: int, depth: int, budget: int) -> tuple[int, bool]:
        per_layer = 6 * width * width + 400 * width
        lanczos = sum(4 * width * width + 4 * width * (j + 1) for j in range(LANCZOS_STEPS))
        if depth * (per_layer + lanczos) + depth * 12 * width * width < budget:
            return LANCZOS_STEPS, True
        if depth * per_layer * 2 < budget:
            return 0, True
        return 0, False

    def predict(self, mlp: MLP, budget: int):
        steps, quad = self.plan(mlp.width, mlp.depth, budget)
        weights = list(mlp.weights)
        flagged = []
        if steps:
            norms = [spectral_norm_est(w) for w in weights]
            typical = sorted(norms)[len(norms) // 2]
            flagged = [i for i, n in enumerate(norms) if n > DAMP_RATIO * typical]
        self.flagged.append(len(flagged))
        mean = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for i, weight in enumerate(weights):
            mu = weight.T @ mean
            v = (weight * weight).T @ var
            if steps:
                ritz = lanczos_ritz(weight, var, steps)
                top = float(ritz[-1])
                total = float(fnp.sum(v))
                if total > 0.0 and top > total / mlp.width:
                    v = v * (1.0 + 0.1 * min(top / total, 1.0))
            if i in flagged:
                v = v / DAMP_RATIO
            if quad:
                mean = relu_mean_quad(mu, v)
            else:
                sd = fnp.sqrt(fnp.maximum(v, 1e-12))
                z = mu / sd
                mean = mu * flops.stats.norm.cdf(z) + sd * flops.stats.norm.pdf(z)
            var = relu_var_closed(mu, v, mean)
            rows.append(mean)
        return fnp.stack(rows)
