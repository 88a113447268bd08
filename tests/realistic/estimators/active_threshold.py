"""Active-set moment propagation with data-driven thresholds ("active_threshold").

Team "only the units that matter". Each layer's pre-activation variances decide which units
get a full covariance treatment:

* the top-k units by variance (``fnp.argpartition``; k from a cumsum-of-energy threshold found
  with ``fnp.searchsorted``) form the active set; the rest propagate diagonally;
* units whose mean is far below zero (``|z| > Z_DEAD``) are declared dead and zeroed (a
  boolean mask and ``fnp.nonzero``);
* a ``while`` loop shrinks the active set until its Gram block fits the per-layer share of
  the budget (the loop's trip count depends on ``float(...)`` of the data);
* the active block's covariance is refined by a few Newton-Schulz sweeps whose count stops
  on a tolerance (another data-dependent ``while``).

Index bookkeeping (which units were active at each layer, for the log) is plain numpy.

Between layers the diagonal variances are pooled over units whose means quantise to the same
level (``fnp.unique(..., return_inverse=True)`` and weighted ``fnp.bincount``), and when the
budget is left over the last layer's largest means (a cumulative share, ``fnp.cumsum`` and a
``nonzero`` mask) are refreshed from samples pushed through those columns only.
"""

from __future__ import annotations

import math

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator

Z_DEAD = 4.0
ENERGY = 0.9
NS_TOL = 1e-4
NS_MAX = 3
SAFETY = 0.45
MIN_ACTIVE = 2
SHRINK_STEPS = 2
POOL_LEVELS = 4
SQRT_2PI = math.sqrt(2.0 * math.pi)


def gauss_relu(mu, var):
    """Mean, second moment and the slope Phi(mu/sd) of ReLU of N(mu, var), elementwise."""
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    pdf = fnp.exp(-0.5 * z * z) / SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (z + 0.044715 * z * z * z)))
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, second, cdf, z


def energy_cut(var, cap: int) -> int:
    """Smallest k whose largest k variances hold ENERGY of the total (at most ``cap``).

    The variances are sorted once (descending), their running sum is searched for the
    threshold, and the answer is clamped to [MIN_ACTIVE, cap]: a layer whose energy sits in
    a few units gets a small block, a flat layer the largest the budget allows. A zero
    total (every unit dead) is floored so the search still returns a position.
    """
    order = fnp.argsort(var)[::-1]
    cum = fnp.cumsum(var[order])
    total = max(float(cum[-1]), 1e-30)
    k = int(fnp.searchsorted(cum, ENERGY * total)) + 1
    return min(max(k, MIN_ACTIVE), cap)


class LayerBudget:
    """Per-layer FLOP share; the active block's cost grows as k**3 (one solve, a few sweeps)."""

    def __init__(self, width: int, depth: int, budget: int) -> None:
        self.width = width
        self.share = SAFETY * budget / max(depth, 1)
        self.base = 8 * width * width + 160 * width

    def block_cost(self, k: int) -> float:
        return 8.0 * k ** 3 * NS_MAX + 6.0 * k * k * self.width + 40.0 * k * k

    def fits(self, k: int) -> bool:
        return self.base + self.block_cost(k) <= self.share

    @property
    def cap(self) -> int:
        # the largest k the share allows, from the cubic term alone (a starting point)
        room = max(self.share - self.base, 0.0)
        return max(int((room / (8.0 * NS_MAX)) ** (1.0 / 3.0)), 0)


def newton_schulz_sqrt(c, tol: float = NS_TOL, max_iter: int = NS_MAX):
    """Square root of an SPD block by Newton-Schulz on the normalised matrix; stops once the
    residual's norm is below ``tol`` (data-dependent) or after ``max_iter`` sweeps."""
    k = c.shape[0]
    norm = float(fnp.linalg.norm(c))
    if not math.isfinite(norm) or norm == 0.0:
        return fnp.eye(k), 0
    y = c / norm
    z = fnp.eye(k)
    eye3 = 3.0 * fnp.eye(k)
    it = 0
    resid = 1.0
    while resid > tol and it < max_iter:
        t = 0.5 * (eye3 - z @ y)
        y = y @ t
        z = t @ z
        resid = float(fnp.max(fnp.abs(y @ y - c / norm)))
        it += 1
    return y * math.sqrt(norm), it


def pool_by_level(mean, var, levels: int):
    """Units whose means round to the same level (``fnp.unique`` of the quantised means) share
    the group's average variance: a cheap smoothing of the diagonal part."""
    scale = fnp.maximum(fnp.max(fnp.abs(mean)), 1e-12)
    q = fnp.round(mean / scale * levels)
    _, inverse, counts = fnp.unique(q, return_inverse=True, return_counts=True)
    n = mean.shape[0]
    sums = fnp.bincount(inverse, weights=var, minlength=n)
    sizes = fnp.bincount(inverse, minlength=n)
    pooled = sums / fnp.maximum(sizes, 1)
    return 0.5 * var + 0.5 * pooled[inverse]


class SampleRefresh:
    """A sampled correction of the last layer's means on the units with the largest means: the
    units are picked by a cumulative share of the total mean (``fnp.cumsum`` + a threshold),
    and only their columns of the last weight matrix are pushed through."""

    SHARE = 0.8

    def __init__(self, width: int, depth: int, budget: int, spent: int) -> None:
        per = 2 * width * width * depth + 24 * width + 16 * width
        room = int(0.3 * budget) - max(spent - int(0.45 * budget), 0)
        self.n = 0 if room <= 0 else min(64, room // per)
        if self.n < 8:
            self.n = 0

    def units(self, mean):
        order = fnp.argsort(mean)[::-1]
        frac = fnp.cumsum(mean[order]) / fnp.maximum(fnp.sum(mean), 1e-12)
        keep = frac <= self.SHARE
        picked = order[fnp.nonzero(keep)[0]]
        return picked if picked.shape[0] > 0 else order[:1]

    def run(self, mlp, rows):
        rng = fnp.random.default_rng(mlp.seed + 3)
        x = rng.standard_normal((self.n, mlp.width))
        for w in mlp.weights[:-1]:
            x = fnp.maximum(x @ w, 0.0)
        picked = self.units(rows[-1])
        last = fnp.maximum(x @ mlp.weights[-1][:, picked], 0.0)
        sampled = fnp.mean(last, axis=0)
        fixed = rows[-1] + fnp.bincount(picked, weights=sampled - rows[-1][picked], minlength=mlp.width)
        return fixed, int(picked.shape[0])


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.active_log: list = []
        self.sweeps: list = []
        self.refreshed: list = []

    def _shrink(self, lb: LayerBudget, var, k: int):
        """Top-k by variance, shrinking k while the block does not fit (a data-dependent while,
        at most SHRINK_STEPS times: past that the block is the smallest)."""
        steps = 0
        while k > MIN_ACTIVE and not lb.fits(k) and steps < SHRINK_STEPS:
            k = max(MIN_ACTIVE, int(k * 0.75))
            steps += 1
        if steps == SHRINK_STEPS:
            k = MIN_ACTIVE
        idx = fnp.argpartition(-var, k - 1)[:k]
        return fnp.sort(idx), k

    def _active_step(self, mean, var, w, active, lb):
        """Full covariance on the active units (a Cholesky of their input block), diagonal on the rest."""
        mu = mean @ w
        v_diag = (w * w).T @ var
        wa = w[:, active]
        block = (wa.T * var[None, :]) @ wa
        block = 0.5 * (block + block.T) + 1e-6 * fnp.eye(block.shape[0])
        root, it = newton_schulz_sqrt(block)
        self.sweeps.append(it)
        v_act = fnp.sum(root * root, axis=0)
        v = v_diag.copy()
        v = fnp.concatenate([v, v_act])            # stitched below by a where-mask
        mask = fnp.zeros(v_diag.shape[0], dtype=bool)
        mask = fnp.logical_or(mask, fnp.isin(fnp.arange(v_diag.shape[0]), active))
        placed = fnp.zeros(v_diag.shape[0])
        placed = placed + fnp.bincount(active, weights=v_act, minlength=v_diag.shape[0])
        v = fnp.where(mask, placed, v_diag)
        return mu, v

    def describe(self) -> str:
        """The last call's bookkeeping as one line (the grader's log shows it)."""
        parts = []
        if self.sweeps:
            parts.append(f"sweeps={self.sweeps[-1]}")
        if self.refreshed:
            parts.append(f"refreshed={self.refreshed[-1]}")
        if getattr(self, "counts", None) is not None:
            busiest = int(np.argmax(self.counts)) if self.counts.size else -1
            parts.append(f"busiest={busiest}")
        return ", ".join(parts) or "nothing yet"

    def reset(self) -> None:
        """Forget the logs (called by hand between local experiments, never by the grader)."""
        self.active_log.clear()
        self.sweeps.clear()
        self.refreshed.clear()

    @staticmethod
    def _diag_only(mean, var, w):
        """The diagonal step of the layers no active block fits."""
        return mean @ w, (w * w).T @ var

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        lb = LayerBudget(width, depth, budget)
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        rows = []
        for layer, w in enumerate(mlp.weights):
            cap = min(lb.cap, width)
            if cap >= MIN_ACTIVE:
                v_pre = (w * w).T @ var
                k = energy_cut(v_pre, cap)
                active, k = self._shrink(lb, v_pre, k)
                mu, v = self._active_step(mean, var, w, active, lb)
                self.active_log.append(np.asarray(active.tolist(), dtype=np.int64))
            else:
                mu, v = self._diag_only(mean, var, w)
                self.active_log.append(np.zeros(0, dtype=np.int64))
            m, second, cdf, z = gauss_relu(mu, v)
            dead = z < -Z_DEAD
            m = fnp.where(dead, 0.0, m)
            second = fnp.where(dead, 0.0, second)
            mean = m
            var = fnp.maximum(second - m * m, 0.0)
            if layer < depth - 1 and cap >= MIN_ACTIVE:
                var = pool_by_level(mean, var, POOL_LEVELS)
            rows.append(mean)
        refresh = SampleRefresh(width, depth, budget, int(depth * (lb.base + lb.block_cost(max(cap, 0)))))
        if refresh.n:
            fixed, used = refresh.run(mlp, rows)
            rows[-1] = fixed
            self.refreshed.append(used)
        # plain numpy: how often each unit was active (for the log only)
        seen = np.concatenate(self.active_log[-depth:]) if depth else np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(width, dtype=np.int64)
        np.add.at(self.counts, seen, 1)
        return fnp.stack(rows)
