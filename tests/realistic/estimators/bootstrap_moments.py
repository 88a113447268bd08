"""Per-layer moment matching with a bootstrap check on the sample moments.

A statistician's submission.  The idea: propagate a small Monte-Carlo cloud through the net,
and at each layer decide, from the sample skewness, whether the pre-activations are close
enough to Gaussian to use the closed-form rectified-Gaussian moments (cheap, smooth) or
whether to keep the empirical moments of the cloud.  The Gaussian formulas use a hand-written
normal CDF (Zelen & Severo 26.2.17 polynomial, no erf), the decision statistic is
max |skew| over units.  The standard error of the layer means is estimated by a bootstrap:
row resampling with `integers` that stops early once the variance estimate has stabilised
(relative change below STAB_TOL twice in a row), a Poisson(1)-weighted bootstrap on odd
layers, and a percentile band (with the resample counts by `bincount`) on the last layer.
The first layer also gets robust diagnostics (median, IQR, MAD, cov/corrcoef, a histogram,
an importance resample by `choice(p=...)`).  The final means are shrunk toward the Gaussian
ones by the bootstrap precision and clipped to be >= 0.  Critical values and the minimum
sample size come from `statistics.NormalDist`.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import flopscope.numpy as fnp
from whestbench import BaseEstimator

# ----------------------------------------------------------------- constants
SKEW_GAUSS = 0.35          # max |skew| below which a layer is treated as Gaussian
STAB_TOL = 0.05            # relative change of the bootstrap variance that counts as "stable"
MIN_BOOT = 4
MAX_BOOT = 24
Z_975 = NormalDist().inv_cdf(0.975)
Z_BAND = NormalDist().inv_cdf(0.95)
# enough samples for a +-0.5 sd interval on a unit-variance mean: ceil((1.96 / 0.5)^2) = 16
MIN_SAMPLES = math.ceil((Z_975 / 0.5) ** 2)
SAMPLE_SHARE = 0.15
MAX_SAMPLES = 256
BOOT_SHARE = 0.5
VAR_EPS = 1e-8

# Zelen & Severo (A&S 26.2.17) coefficients
P0 = 0.2316419
B1, B2, B3, B4, B5 = 0.319381530, -0.356563782, 1.781477937, -1.821255978, 1.330274429
INV_SQRT_2PI = 0.3989422804014327


# ----------------------------------------------------------------- closed forms


def phi(z):
    """Standard normal density."""
    return INV_SQRT_2PI * fnp.exp(-0.5 * z * z)


def big_phi(z):
    """Standard normal CDF by the A&S 26.2.17 polynomial, mirrored for z < 0."""
    az = fnp.abs(z)
    t = 1.0 / (1.0 + P0 * az)
    poly = t * (B1 + t * (B2 + t * (B3 + t * (B4 + t * B5))))
    upper = 1.0 - phi(az) * poly
    return fnp.where(z >= 0.0, upper, 1.0 - upper)


def rectified_gaussian(mu, var):
    """E[relu(X)] and Var[relu(X)] for X ~ N(mu, var), elementwise."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_EPS))
    z = mu / sd
    cdf = big_phi(z)
    pdf = phi(z)
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0)


def sample_moments(x):
    """Mean, variance and skewness over axis 0 (population formulas)."""
    n = x.shape[0]
    mean = fnp.mean(x, axis=0)
    dev = x - mean
    m2 = fnp.sum(dev * dev, axis=0) / n
    m3 = fnp.sum(dev * dev * dev, axis=0) / n
    skew = m3 / fnp.power(fnp.maximum(m2, VAR_EPS), 1.5)
    return mean, m2, skew


# ----------------------------------------------------------------- planning


def plan_samples(width: int, depth: int, budget: int) -> int:
    """Cloud size n: n * depth * (2 w^2 + 12 w) <= SAMPLE_SHARE * budget, rounded to 8."""
    per_sample = depth * (2 * width * width + 12 * width) + 32 * width
    n = int(SAMPLE_SHARE * budget / per_sample)
    n = (n // 8) * 8
    n = min(n, MAX_SAMPLES)
    return n if n >= MIN_SAMPLES else 0


def plan_boot(width: int, depth: int, n: int, budget: int) -> int:
    """Bootstrap replicates per layer, each costs ~ n * w (gather) + 2 n w (mean)."""
    if n == 0:
        return 0
    per = depth * 11 * n * width
    b = int(BOOT_SHARE * budget / max(per, 1))
    return max(0, min(MAX_BOOT, b))


# ----------------------------------------------------------------- bootstrap


class Bootstrap:
    """Row-resampling bootstrap of the column means, with an early stop on stability."""

    def __init__(self, rng, max_rounds: int):
        self.rng = rng
        self.max_rounds = max_rounds
        self.rounds_used: list[int] = []

    def mean_se(self, x):
        n = x.shape[0]
        means = []
        last_var = None
        stable = 0
        for r in range(self.max_rounds):
            idx = self.rng.integers(0, n, size=n)
            means.append(fnp.mean(x[idx], axis=0))
            if r + 1 < MIN_BOOT:
                continue
            stack = fnp.stack(means)
            v = float(fnp.mean(fnp.var(stack, axis=0)))
            if last_var is not None and abs(v - last_var) <= STAB_TOL * max(last_var, VAR_EPS):
                stable += 1
                if stable >= 2:
                    break
            else:
                stable = 0
            last_var = v
        self.rounds_used.append(len(means))
        stack = fnp.stack(means)
        return fnp.sqrt(fnp.var(stack, axis=0))


    def poisson_se(self, x, rounds: int):
        """Poisson(1) bootstrap: each row weighted by a Poisson count (no gather needed)."""
        n = x.shape[0]
        reps = []
        for r in range(rounds):
            wts = self.rng.poisson(1.0, size=n).astype(x.dtype)
            if float(fnp.sum(wts)) == 0.0:
                continue
            reps.append(fnp.average(x, axis=0, weights=wts))
        if len(reps) < 2:
            return fnp.zeros(x.shape[1])
        return fnp.std(fnp.stack(reps), axis=0, ddof=1)

    def percentile_band(self, x, rounds: int, q=(5.0, 95.0)):
        """Percentile bootstrap band of the column means, and the counts of each row drawn."""
        n = x.shape[0]
        draws = self.rng.integers(0, n, size=(rounds, n))
        counts = fnp.bincount(draws.ravel(), minlength=n)
        reps = fnp.stack([fnp.mean(x[draws[r]], axis=0) for r in range(rounds)])
        lo, hi = fnp.percentile(reps, list(q), axis=0)
        return lo, hi, counts


def diagnostics(x, rng, k: int = 8):
    """Cheap distribution checks on a cloud: a robust scale, tail weights, a resampled
    importance estimate.  Returns a dict of small arrays (logged, and one feeds back)."""
    n, w = x.shape
    srt = fnp.sort(x, axis=0)
    med = fnp.median(x, axis=0)
    iqr = fnp.quantile(x, 0.75, axis=0) - fnp.quantile(x, 0.25, axis=0)
    mad = fnp.median(fnp.abs(x - med[None, :]), axis=0)
    frac_zero = fnp.mean(x <= 0.0, axis=0)
    cum = fnp.cumsum(srt, axis=0) / fnp.maximum(fnp.sum(srt, axis=0), VAR_EPS)
    tail = fnp.searchsorted(cum[:, 0], 0.9)
    cov = fnp.cov(x[:, :k], rowvar=False)
    corr = fnp.corrcoef(x[:, :k], rowvar=False)
    score = fnp.sum(x, axis=1)
    probs = fnp.exp(score - fnp.max(score))
    probs = probs / fnp.sum(probs)
    pick = rng.choice(n, size=min(n, 4 * k), p=probs)
    resampled = fnp.mean(x[pick], axis=0)
    hist, edges = fnp.histogram(score, bins=k)
    return {"med": med, "iqr": iqr, "mad": mad, "zero": frac_zero, "tail": tail, "cov": cov,
            "corr": corr, "resampled": resampled, "hist": hist, "edges": edges}


# ----------------------------------------------------------------- layers


def gaussian_layer(mean, var, w):
    """Mean-field propagation: independent units, Var[x w] = var @ w^2."""
    mu = mean @ w
    v = var @ (w * w)
    return rectified_gaussian(mu, v)


def cloud_layer(x, w):
    pre = x @ w
    return pre, fnp.maximum(pre, 0.0)


def combine(gauss_mean, emp_mean, se, n):
    """Precision-weighted average: the empirical mean's weight grows as its s.e. shrinks."""
    prec_emp = 1.0 / fnp.maximum(se * se, VAR_EPS)
    prec_gauss = fnp.full(gauss_mean.shape, float(n) ** 0.5, dtype=gauss_mean.dtype)
    w_emp = prec_emp / (prec_emp + prec_gauss)
    return w_emp * emp_mean + (1.0 - w_emp) * gauss_mean


# ----------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.choices: list[str] = []
        self.n = 0
        self.boot = 0

    def setup(self, context):
        self.n = plan_samples(context.width, context.depth, context.flop_budget)
        self.boot = plan_boot(context.width, context.depth, self.n, context.flop_budget)

    def _mean_field(self, mlp):
        mean = fnp.zeros(mlp.width)
        var = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            mean, var = gaussian_layer(mean, var, w)
            rows.append(mean)
        return fnp.clip(fnp.stack(rows), 0.0, None)

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        n = plan_samples(width, depth, budget)
        if n == 0:
            self.choices.append("mean-field")
            return self._mean_field(mlp)
        boot_rounds = plan_boot(width, depth, n, budget)

        rng = fnp.random.default_rng(mlp.seed)
        boot = Bootstrap(fnp.random.default_rng(mlp.seed + 1), boot_rounds)
        x = rng.standard_normal((n, width))
        g_mean = fnp.zeros(width)
        g_var = fnp.ones(width)
        rows = []
        for layer, w in enumerate(mlp.weights):
            pre, x = cloud_layer(x, w)
            pm, pv, pskew = sample_moments(pre)
            skew_max = float(fnp.max(fnp.abs(pskew)))
            if skew_max < SKEW_GAUSS:
                # near-Gaussian pre-activations: closed form from the *sample* moments
                g_mean, g_var = rectified_gaussian(pm, pv)
                kind = "gauss"
            else:
                g_mean, g_var = gaussian_layer(g_mean, g_var, w)
                kind = "moment"
            self.choices.append(kind)
            emp = fnp.mean(x, axis=0)
            if layer == 0 and n >= 64:
                diag = diagnostics(x, rng)
                heavy = float(fnp.max(diag["iqr"])) > 4.0 * float(fnp.max(diag["mad"]) + VAR_EPS)
                if heavy:
                    emp = 0.5 * (emp + fnp.clip(diag["med"], 0.0, None))
            if boot_rounds >= 2 * MIN_BOOT and layer == depth - 1:
                lo, hi, counts = boot.percentile_band(x, boot_rounds)
                se = (hi - lo) / (2.0 * Z_BAND)
                est = combine(g_mean, emp, se, n)
                if fnp.allclose(lo, hi, atol=1e-3):
                    est = emp
            elif boot_rounds >= MIN_BOOT and layer % 2 == 1:
                se = boot.poisson_se(x, boot_rounds // 2)
                est = combine(g_mean, emp, se, n)
            elif boot_rounds >= MIN_BOOT:
                se = boot.mean_se(x)
                est = combine(g_mean, emp, se, n)
            else:
                est = fnp.where(g_var > 0.0, 0.5 * (g_mean + emp), emp)
            # the cloud gets re-centred on the blended estimate only for Gaussian layers
            if kind == "gauss":
                shift = est - emp
                x = fnp.maximum(x + shift[None, :], 0.0)
            rows.append(est)
        out = fnp.stack(rows)
        return fnp.clip(out, 0.0, None)
