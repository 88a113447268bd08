"""Cumulant propagation with hand-written special functions ("cumulant_flow").

A physicist's submission.  The pre-activations of each layer are treated as a Gaussian field
plus a small skew, and the first cumulants are pushed through the ReLU by closed forms:

* the rectified-Gaussian mean and variance, with the tails cut by a chain of ``fnp.where``
  (far positive: the identity; far negative: zero; in between the closed form), and a
  third-cumulant correction from the probabilists' Hermite polynomials, built by their
  three-term recursion ``He_{n+1} = x He_n - n He_{n-1}`` up to an order the budget pays for;
* where the budget allows, the full covariance: ``w.T @ cov @ w``, symmetrised by
  ``(c + c.T) / 2``, its spectrum by ``fnp.linalg.eigh`` with the eigenvalues clipped to a
  floor (a PSD projection), rebuilt as ``v @ diag(lam) @ v.T``; the off-diagonal part is
  kept by ``fnp.triu``/``fnp.tril`` and shrunk toward the diagonal with a factor found by a
  scalar Newton iteration on the known sizes (``while`` until the step is tiny);
* the final estimate blends several "temperatures" of the correction by a log-sum-exp with the
  max shift, and a global confidence from ``math.erf`` of ``float()`` of the mean z-score.

The costs of each piece live in a ``@staticmethod`` table on a small class, read by the planner.
"""

from __future__ import annotations

import math

import flopscope.numpy as fnp
from whestbench import BaseEstimator

# ----------------------------------------------------------------- constants
SQRT2 = math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
VAR_FLOOR = 1e-9
EIG_FLOOR = 1e-7
TAIL_Z = 5.0                   # |z| past which the rectified moments take their limits
MAX_ORDER = 6                  # highest Hermite order of the skew correction
TEMPERATURES = (0.5, 1.0, 2.0)
NEWTON_TOL = 1e-10
NEWTON_MAX = 30
NEWTON_STEPS = 3               # Newton steps on the data-dependent temperature
COV_SHARE = 0.6                # share of the budget the covariance layers may take


# ----------------------------------------------------------------- special functions


def std_pdf(z):
    return INV_SQRT_2PI * fnp.exp(-0.5 * z * z)


def std_cdf(z):
    """Normal CDF through a rational erfc (A&S 7.1.26), mirrored for negative arguments."""
    x = fnp.abs(z) / SQRT2
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erfc = poly * fnp.exp(-x * x)
    return fnp.where(z >= 0.0, 1.0 - 0.5 * erfc, 0.5 * erfc)


def hermite_stack(z, order):
    """He_0 .. He_order at z by the three-term recursion (probabilists' convention)."""
    polys = [fnp.ones_like(z), z]
    for n in range(1, order):
        polys.append(z * polys[n] - n * polys[n - 1])
    return polys[: order + 1]


def scalar_erf_confidence(z):
    """A global confidence in [0, 1] from the mean |z| of a layer (plain math on one float)."""
    zbar = float(fnp.mean(fnp.abs(z)))
    return 0.5 * (1.0 + math.erf(zbar / SQRT2))


def logsumexp(scores):
    """log(sum(exp(scores))) with the max shift, over the first axis."""
    top = fnp.max(scores, axis=0)
    return top + fnp.log(fnp.sum(fnp.exp(scores - top), axis=0))


# ----------------------------------------------------------------- closed forms


def rectified(mu, var):
    """E[relu(X)], Var[relu(X)] and the standardised z for X ~ N(mu, var), tails by limits."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf, pdf = std_cdf(z), std_pdf(z)
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    mean = fnp.where(z > TAIL_Z, mu, fnp.where(z < -TAIL_Z, 0.0, m1))
    second = fnp.where(z > TAIL_Z, mu * mu + var, fnp.where(z < -TAIL_Z, 0.0, m2))
    return mean, fnp.maximum(second - mean * mean, 0.0), z


def skew_correction(z, sd, kappa3, order):
    """Edgeworth-style correction of E[relu] for a third cumulant kappa3 (per unit)."""
    polys = hermite_stack(z, order)
    pdf = std_pdf(z)
    corr = fnp.zeros_like(z)
    for n in range(2, order + 1):
        corr = corr + polys[n - 2] * math.exp(-math.lgamma(n + 1))
    return sd * pdf * corr * kappa3 / fnp.maximum(sd * sd * sd, VAR_FLOOR)


# ----------------------------------------------------------------- cost table


class Costs:
    """FLOPs of each piece, per layer, as the planner sees them (hand-counted, rounded up)."""

    TABLE = {"diag": 48, "hermite": 6, "blend": 10}

    @staticmethod
    def diag_layer(width: int) -> int:
        return 2 * width * width + Costs.TABLE["diag"] * width

    @staticmethod
    def hermite(width: int, order: int) -> int:
        return Costs.TABLE["hermite"] * width * order + 4 * width

    @staticmethod
    def cov_layer(width: int) -> int:
        # two products, the symmetrisation, eigh (~9 w^3 by flopscope's estimate), the rebuild
        return 4 * width ** 3 + 9 * width ** 3 + 2 * width ** 3 + 12 * width * width

    @staticmethod
    def blend(width: int, depth: int) -> int:
        return Costs.TABLE["blend"] * len(TEMPERATURES) * width * depth


def shrink_factor(width: int, depth: int) -> float:
    """Ledoit-Wolf-like shrinkage for the off-diagonal covariance, from the sizes alone.

    Solves g(a) = a * (1 + width / (4 * depth)) - exp(-a) = 0 by Newton's method: a closed
    form would do, but the physicist likes to see the iteration converge.
    """
    ratio = 1.0 + width / (4.0 * depth)
    a, step, it = 0.5, 1.0, 0
    while abs(step) > NEWTON_TOL and it < NEWTON_MAX:
        g = a * ratio - math.exp(-a)
        dg = ratio + math.exp(-a)
        step = g / dg
        a -= step
        it += 1
    return min(max(a, 0.0), 1.0)


def psd_project(cov):
    """The nearest PSD matrix in the spectral sense: symmetrise, clip eigenvalues, rebuild.

    When most of the spectrum sits on the floor the rebuild is not worth its product: the
    diagonal of the symmetrised matrix is kept instead (the count is a plain int of the data).
    """
    sym = (cov + cov.T) / 2.0
    lam, vec = fnp.linalg.eigh(sym)
    clipped = int(fnp.count_nonzero(lam < EIG_FLOOR))
    if clipped > sym.shape[0] // 2:
        return fnp.diag(fnp.diag(sym))
    lam = fnp.clip(lam, EIG_FLOOR, None)
    return (vec * lam) @ vec.T


def newton_temperature(corr, target=0.5):
    """The temperature beta with mean(tanh(beta |corr|) / tanh(beta max|corr|)) = target.

    Newton's method on one float, each step a reduction over the data read back by float():
    the number of steps depends on the values.
    """
    mag = fnp.abs(corr)
    top = float(fnp.max(mag)) + VAR_FLOOR
    beta, step, it = 1.0 / top, 1.0, 0
    while abs(step) > 1e-6 and it < NEWTON_STEPS:
        th = fnp.tanh(beta * mag)
        g = float(fnp.mean(th)) - target * math.tanh(beta * top)
        dg = float(fnp.mean(mag * (1.0 - th * th))) - target * top * (1.0 - math.tanh(beta * top) ** 2)
        step = g / (dg + 1e-12)   # dg > 0: tanh is increasing in beta
        beta = max(beta - step, 1e-3 / top)
        it += 1
    return beta


def shrink_offdiag(cov, factor):
    """Keep the diagonal, scale the strict upper and lower triangles by (1 - factor)."""
    upper = fnp.triu(cov, 1)
    lower = fnp.tril(cov, -1)
    return fnp.diag(fnp.diag(cov)) + (1.0 - factor) * (upper + lower)


def relu_cov(mean_in, cov_pre, mean_out, var_out):
    """Covariance of relu outputs by the first-order (linear-response) rule."""
    sd = fnp.sqrt(fnp.maximum(fnp.diag(cov_pre), VAR_FLOOR))
    slope = std_cdf(mean_in / sd)
    cov = cov_pre * fnp.outer(slope, slope)
    return cov - fnp.diag(fnp.diag(cov)) + fnp.diag(var_out)


# ----------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.last_plan: dict = {}

    def plan(self, width: int, depth: int, budget: int) -> dict:
        base = depth * Costs.diag_layer(width) + Costs.blend(width, depth)
        if base > budget:
            return {"mode": "prior", "order": 0, "cov_layers": 0}
        left = budget - base
        order = 0
        for k in range(2, MAX_ORDER + 1):
            if depth * Costs.hermite(width, k) <= left // 2:
                order = k
        left -= depth * Costs.hermite(width, order) if order else 0
        cov_layers = min(depth, int(COV_SHARE * left) // Costs.cov_layer(width))
        mode = "cov" if cov_layers else ("hermite" if order else "diag")
        return {"mode": mode, "order": order, "cov_layers": cov_layers}

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        plan = self.plan(width, depth, budget)
        self.last_plan = plan
        if plan["mode"] == "prior":
            # half-normal mean of a unit-variance pre-activation, every unit alike
            return fnp.full((depth, width), INV_SQRT_2PI, dtype=fnp.float32)

        factor = shrink_factor(width, depth)
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        kappa3 = fnp.zeros(width)
        cov = None
        rows, corrections = [], []
        for layer, w in enumerate(mlp.weights):
            mu = mean @ w
            if cov is not None and layer < plan["cov_layers"]:
                cov_pre = psd_project(w.T @ cov @ w)
                pre = fnp.diag(cov_pre)
            else:
                cov_pre = None
                pre = var @ (w * w)
            k3_pre = kappa3 @ (w * w * w)
            new_mean, new_var, z = rectified(mu, pre)
            if plan["order"]:
                sd = fnp.sqrt(fnp.maximum(pre, VAR_FLOOR))
                corr = skew_correction(z, sd, k3_pre, plan["order"])
                corrections.append(corr)
            # third cumulant of relu(X): a crude one-sided skew of the rectified Gaussian
            kappa3 = fnp.where(z > 0.0, 0.2 * new_var * fnp.sqrt(new_var), 0.4 * new_var * fnp.sqrt(new_var))
            if layer + 1 < plan["cov_layers"]:
                full = relu_cov(mu, cov_pre if cov_pre is not None else fnp.diag(pre), new_mean, new_var)
                cov = shrink_offdiag(full, factor)
            else:
                cov = None
            mean, var = new_mean, new_var
            rows.append(mean)

        out = fnp.stack(rows)
        if corrections:
            corr = fnp.stack(corrections)
            conf = scalar_erf_confidence(corr)
            beta = newton_temperature(corr) if plan["mode"] == "cov" else 1.0
            scores = fnp.stack([-beta * fnp.abs(corr) / t for t in TEMPERATURES])
            weights = fnp.exp(scores - logsumexp(scores))
            blended = fnp.sum(weights * fnp.stack([corr * t for t in TEMPERATURES]), axis=0)
            out = out + conf * blended
        return fnp.maximum(out, 0.0).astype(fnp.float32)
