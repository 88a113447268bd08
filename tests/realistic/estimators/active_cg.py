"""Mean-field propagation with an active-set correction solved by conjugate gradients.

Idea: the mean-field (diagonal) estimate is cheap but ignores the correlations between the
hidden units. The units that matter most are the high-variance ones, so at each layer we pick
the top-k of them (argpartition, then argsort to keep a stable order), build the k x k
covariance of their pre-activations from the sampled rows of the previous layer, and solve a
ridge system for a low-rank correction of their means. The system is solved by CG with a
relative-residual stopping rule and an iteration cap that comes from the budget; when k is
small a direct solve (with a least-squares fallback) is cheaper and used instead.

Everything stays in float32 (the weights' dtype) except the ridge system, which is done in
float64 for stability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator

MIN_K = 4
MAX_K = 48
DIRECT_K = 12
CG_TOL = 1e-6
RIDGE = 1e-3
SAMPLES_MIN = 16
SAMPLES_MAX = 256
ENERGY = 0.9
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclass
class Budgeting:
    k: int
    samples: int
    cg_cap: int
    use_energy: bool

    @classmethod
    def from_budget(cls, width: int, depth: int, budget: int) -> "Budgeting":
        per_layer = budget // max(depth, 1)
        base = 12 * width * width  # mean-field pass, both moments, float32
        spare = max(per_layer - base, 0)
        # samples: forward pass of a batch through one layer costs ~2 n w^2
        samples = spare // (8 * width * width)
        samples = int(min(max(samples, SAMPLES_MIN), SAMPLES_MAX))
        k = MIN_K
        while k * 2 <= min(width, MAX_K) and 4 * k * k * samples < spare:
            k *= 2
        k = min(k, width)
        cg_cap = max(2, min(k, spare // max(1, 4 * k * k * 10)))
        return cls(k=k, samples=samples, cg_cap=int(cg_cap), use_energy=per_layer > 40 * width ** 3)


def relu_stats(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-8))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) * INV_SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.79788456 * (z + 0.044715 * z * z * z)))
    mean = mu * cdf + sd * pdf
    var_out = (mu * mu + var) * cdf + mu * sd * pdf - mean * mean
    return mean, fnp.maximum(var_out, 0.0), cdf


def top_k(scores, k: int):
    """Indices of the k largest scores, largest first (numpy index array)."""
    part = fnp.argpartition(-scores, k - 1)[:k]
    order = fnp.argsort(-scores[part])
    return np.asarray(part)[np.asarray(order)]


def cg(a, b, cap: int, tol: float = CG_TOL):
    """Conjugate gradients on a symmetric positive definite a."""
    x = fnp.zeros_like(b)
    r = b - a @ x
    p = r
    rs = float(r @ r)
    bnorm = float(fnp.linalg.norm(b))
    it = 0
    while it < cap and float(fnp.linalg.norm(r)) > tol * max(bnorm, 1e-30):
        ap = a @ p
        alpha = rs / float(p @ ap)
        x = x + alpha * p
        r = r - alpha * ap
        rs_new = float(r @ r)
        p = r + (rs_new / rs) * p
        rs = rs_new
        it += 1
    return x, it


def direct(a, b):
    try:
        return fnp.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        sol, *_ = fnp.linalg.lstsq(a, b, rcond=None)
        return sol


def energy_k(var, k_max: int) -> int:
    """Smallest k whose top-k variances hold ENERGY of the total (numpy bookkeeping)."""
    ordered = fnp.sort(var)[::-1]
    energy = fnp.cumsum(ordered)
    total = float(energy[-1])
    k = int(np.searchsorted(np.asarray(energy), ENERGY * total)) + 1
    return int(np.clip(k, MIN_K, k_max))


class Estimator(BaseEstimator):
    def setup(self, context=None):
        self.rng = fnp.random.default_rng(2024)
        self.cg_iters = []

    def _samples(self, mlp, n: int):
        """Forward samples through the network, kept per layer (float32)."""
        x = self.rng.standard_normal((n, mlp.width)).astype(fnp.float32)
        acts = []
        for layer in mlp.weights:
            x = fnp.maximum(x @ layer, 0.0)
            acts.append(x)
        return acts

    def _correct(self, mu_pre, prev, layer, idx, plan: Budgeting):
        """Ridge regression of the active units' pre-activations on their own sample
        covariance: returns a correction of the active units' means (float64)."""
        wa = layer[:, idx]                          # (w, k)
        pre = prev @ wa                             # (n, k) sampled pre-activations
        centred = pre - fnp.mean(pre, axis=0)
        n = centred.shape[0]
        c = fnp.einsum("ni,nj->ij", centred, centred) / (n - 1)
        c = c.astype(fnp.float64)
        k = c.shape[0]
        a = c + RIDGE * fnp.trace(c) / k * fnp.eye(k)
        emp = fnp.mean(fnp.maximum(pre, 0.0), axis=0).astype(fnp.float64)
        target = emp - mu_pre[idx]
        if k <= DIRECT_K:
            sol = direct(a, target)
            its = 0
        else:
            sol, its = cg(a, target, plan.cg_cap)
        self.cg_iters.append(its)
        return c @ sol * (1.0 / (1.0 + RIDGE))

    def predict(self, mlp, budget):
        w, d = mlp.width, mlp.depth
        plan = Budgeting.from_budget(w, d, budget)
        mu = fnp.zeros(w, dtype=fnp.float32)
        var = fnp.ones(w, dtype=fnp.float32)
        use_samples = plan.samples * 8 * w * w * d < budget // 2
        acts = self._samples(mlp, plan.samples) if use_samples else None
        prev = self.rng.standard_normal((plan.samples, w)).astype(fnp.float32) if use_samples else None
        self.cg_iters.clear()
        rows = []
        for i, layer in enumerate(mlp.weights):
            mu_pre = mu @ layer
            var_pre = var @ (layer * layer)
            new_mu, new_var, gate = relu_stats(mu_pre, var_pre)
            mf_mu = new_mu
            if acts is not None:
                k = energy_k(var_pre, plan.k) if plan.use_energy else plan.k
                idx = top_k(var_pre, k)
                corr = self._correct(new_mu, prev, layer, idx, plan)
                fixed = new_mu[idx].astype(fnp.float64) + corr
                fixed = fnp.clip(fixed, 0.0, None).astype(fnp.float32)
                mask = np.zeros(w, dtype=bool)
                mask[idx] = True
                new_mu = fnp.where(mask, fnp.zeros(w, dtype=fnp.float32), new_mu)
                scatter = np.zeros((len(idx), w), dtype=np.float32)
                scatter[np.arange(len(idx)), idx] = 1.0
                new_mu = new_mu + fixed @ fnp.asarray(scatter)
                prev = acts[i]
                # trust the correction less in deep layers (the samples drift)
                blend = np.exp(-0.5 * i / d)
                new_mu = blend * new_mu + (1.0 - blend) * mf_mu
            # shrink the variance of units that are nearly always off
            off = gate < 0.05
            dead = new_var[off]
            if dead.size:
                floor = float(fnp.max(dead)) if dead.size > 1 else float(dead[0])
                shrink = fnp.ones(w, dtype=fnp.float32)
                fnp.multiply(shrink, fnp.where(off, 0.5, 1.0).astype(fnp.float32), out=shrink)
                new_var = fnp.maximum(new_var * shrink, min(floor, 1e-6))
            mu, var = new_mu, new_var
            rows.append(mu)
        return fnp.stack(rows)
