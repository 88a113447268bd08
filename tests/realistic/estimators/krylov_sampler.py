"""Full-covariance moment propagation with Krylov resampling ("krylov_sampler").

Per layer the pre-activation covariance C = W^T S W is kept in full while the budget allows
(afterwards: the diagonal). The Gaussian closed form gives each neuron's relu mean; every
`refresh` layers the correlations are put back by sampling: z ~ N(mu, C) drawn as
mu + C^{1/2} g, with C^{1/2} g taken from a Lanczos decomposition started at a probe:

    C V_k = V_k T_k + beta_k v_{k+1} e_k^T,   C^{1/2} g  ~=  V_k sqrt(T_k) (V_k^T g)

plus the diagonal residual of C outside the Krylov subspace. Lanczos runs with full
re-orthogonalisation (classical Gram-Schmidt, twice when the first pass lost more than half
the norm: DGKS) and stops early on a small beta or when the top Ritz value settles. The
samples' relu mean is blended into the closed form, their covariance replaces the
linearised one. Krylov size, sample count and the refresh period all come from the budget.

Safety nets: a non-finite Ritz decomposition falls back on a jittered Cholesky factor;
a trace past 1e30 rescales the layer (relu is positively homogeneous); a non-finite
estimate raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

EPS = 1e-12
RITZ_TOL = 1e-3
BREAKDOWN = 1e-8
DGKS = 1.0 / math.sqrt(2.0)
KRYLOV_MIN, KRYLOV_MAX = 3, 24
SAMPLES_MIN, SAMPLES_MAX = 16, 256
HUGE = 1e30
JITTER = 1e-8
SHARE = 0.65


# ---------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    full_layers: int            # how many leading layers keep the full covariance
    krylov: int                 # Lanczos steps at most
    samples: int                # samples per refresh
    refresh: int                # refresh every `refresh` full layers (0: never)
    blend: float = 0.5
    log: list = field(default_factory=list)

    def refresh_at(self, i: int) -> bool:
        return self.refresh > 0 and i < self.full_layers and (i + 1) % self.refresh == 0


def full_layer_cost(w: int) -> int:
    return 2 * 2 * w * w * w + 2 * 2 * w * w + 2 * 250 * w


def diag_layer_cost(w: int) -> int:
    return 2 * 2 * w * w + 2 * 250 * w


def lanczos_cost(w: int, k: int) -> int:
    per_step = 2 * 2 * w * w + 2 * 2 * 4 * w * k + 2 * 10 * w
    return k * per_step + k * 2 * 30 * k * k


def sample_cost(w: int, k: int, n: int) -> int:
    return 2 * (2 * n * w * k + 2 * n * k * k + 2 * n * w * w + 200 * n * w)


def make_plan(w: int, depth: int, budget: int) -> Plan:
    room = SHARE * budget
    full = depth
    while full > 0 and full * full_layer_cost(w) + (depth - full) * diag_layer_cost(w) > room:
        full -= 1
    spent = full * full_layer_cost(w) + (depth - full) * diag_layer_cost(w)
    if full == 0 or spent > room:
        return Plan(0, 0, 0, 0, log=["diagonal only"])
    left = room - spent
    k = int(np.clip(2 * int(math.log2(max(w, 2))), KRYLOV_MIN, min(KRYLOV_MAX, w)))
    for refresh in range(1, full + 1):
        times = full // refresh
        n = int(left / max(times, 1) - lanczos_cost(w, k)) // max(sample_cost(w, k, 1), 1)
        if n >= SAMPLES_MIN:
            n = min(SAMPLES_MAX, 1 << (n.bit_length() - 1))
            return Plan(full, k, n, refresh, blend=n / (n + 64.0), log=[f"{times} refreshes of {n}"])
    return Plan(full, k, 0, 0, log=["no refresh fits"])


# ---------------------------------------------------------------------------- Lanczos


class Lanczos:
    """Lanczos on a symmetric operator, one step per call of step()."""

    def __init__(self, matvec, start, kmax: int):
        self.matvec = matvec
        self.kmax = kmax
        nrm = fnp.linalg.norm(start)
        self.basis = [start / nrm]
        self.alpha, self.beta = [], []
        self.reorths = 0

    @property
    def k(self) -> int:
        return len(self.alpha)

    def orthogonalise(self, r):
        v = fnp.stack(self.basis, axis=1)
        before = fnp.linalg.norm(r)
        r = r - v @ (v.T @ r)
        after = fnp.linalg.norm(r)
        if float(after) < DGKS * float(before):
            self.reorths += 1
            r = r - v @ (v.T @ r)
            after = fnp.linalg.norm(r)
        return r, after

    def step(self):
        """One Lanczos step: alpha_k, then beta_k (the next basis vector kept unless it is the last)."""
        q = self.basis[-1]
        r = self.matvec(q)
        self.alpha.append(fnp.dot(q, r))
        r, b = self.orthogonalise(r)
        if self.k < self.kmax:
            self.beta.append(b)
            self.basis.append(r / b)
        return b

    def tridiagonal(self):
        a = fnp.stack(self.alpha)
        t = fnp.diag(a)
        if self.k > 1:
            b = fnp.stack(self.beta[: self.k - 1])
            t = t + fnp.diag(b, 1) + fnp.diag(b, -1)
        return t

    def basis_matrix(self):
        return fnp.stack(self.basis[: self.k], axis=1)


def run_lanczos(cov, start, kmax: int, anorm: float) -> Lanczos:
    """Lanczos with early exits: breakdown (small beta) or a settled top Ritz value."""
    lz = Lanczos(partial(fnp.matmul, cov), start, kmax)
    top = None
    while lz.k < lz.kmax:
        beta = lz.step()
        if float(beta) <= BREAKDOWN * anorm:
            break
        if lz.k >= KRYLOV_MIN and lz.k % 2 == 0:
            ritz = fnp.linalg.eigvalsh(lz.tridiagonal())
            new = float(ritz[-1])
            if top is not None and abs(new - top) <= RITZ_TOL * max(abs(new), EPS):
                break
            top = new
    return lz


# ---------------------------------------------------------------------------- samplers


def krylov_root(cov, lz: Lanczos):
    """(V_k sqrt(T_k) V_k^T-ish factor, diagonal residual) of the covariance."""
    t = lz.tridiagonal()
    vals, vecs = fnp.linalg.eigh(t)
    if not fnp.all(fnp.isfinite(vals)):
        raise FloatingPointError("Ritz values")
    v = lz.basis_matrix()
    left = v @ (vecs * fnp.sqrt(fnp.maximum(vals, 0.0))[None, :])          # (w, k)
    resid = fnp.maximum(fnp.diagonal(cov) - fnp.sum(left * left, axis=1), 0.0)
    return left, fnp.sqrt(resid)


def cholesky_root(cov):
    w = cov.shape[0]
    chol = fnp.linalg.cholesky(cov + JITTER * fnp.trace(cov) / w * fnp.eye(w))
    return chol, fnp.zeros(w)


def draw(rng, mu, cov, plan: Plan, anorm: float, log: list):
    """n samples of N(mu, cov): Krylov root first, Cholesky when the Ritz pairs are not finite."""
    n, w = plan.samples, mu.shape[0]
    probe = rng.standard_normal(w)
    try:
        lz = run_lanczos(cov, probe, plan.krylov, anorm)
        left, diag = krylov_root(cov, lz)
        log.append(("krylov", lz.k, lz.reorths))
    except FloatingPointError:
        left, diag = cholesky_root(cov)
        log.append(("cholesky", w, 0))
    g = rng.standard_normal((n, left.shape[1]))
    e = rng.standard_normal((n, w))
    return mu[None, :] + g @ left.T + e * diag[None, :]


# ---------------------------------------------------------------------------- moments


def relu_gaussian(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, EPS))
    z = mu / sd
    cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def push_full(mean, cov, w):
    return mean @ w, w.T @ cov @ w


def push_diag(mean, var, w):
    return mean @ w, var @ (w * w)


class Estimator(BaseEstimator):
    def __init__(self):
        self.log = []
        self.plan = None

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        plan = self.plan = make_plan(width, depth, budget)
        rng = fnp.random.default_rng(mlp.seed)
        mean = fnp.zeros(width)
        cov = fnp.eye(width)
        var = None
        rows = []
        for i, w in enumerate(mlp.weights):
            if i < plan.full_layers:
                mu, cov = push_full(mean, cov, w)
                tr = float(fnp.trace(cov))
                if tr > HUGE:
                    scale = math.sqrt(tr)
                    mu, cov = mu / scale, cov / (scale * scale)
                    anorm = 1.0 / width
                else:
                    scale, anorm = 1.0, tr / width
                v = fnp.diagonal(cov)
                m, var_out, gain = relu_gaussian(mu, v)
                if plan.refresh_at(i) and plan.samples:
                    z = draw(rng, mu, cov, plan, anorm, self.log)
                    h = fnp.maximum(z, 0.0)
                    m = plan.blend * fnp.mean(h, axis=0) + (1.0 - plan.blend) * m
                    cov = fnp.cov(h, rowvar=False)
                else:
                    cov = cov * fnp.outer(gain, gain)
                    cov = cov - fnp.diag(fnp.diagonal(cov)) + fnp.diag(var_out)
                m, cov = m * scale, cov * (scale * scale)
                var = fnp.diagonal(cov)
            else:
                if var is None:
                    var = fnp.ones(width)
                mu, v = push_diag(mean, var, w)
                m, var, _ = relu_gaussian(mu, v)
            rows.append(m)
            mean = m
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError(f"non-finite estimate ({plan.log})")
        return out
