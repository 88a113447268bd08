"""Covariance propagation through the MLP with Winograd's variant of Strassen.

The Winograd form needs 7 half-size products and 15 additions (against Strassen's 18), so it
wins a level earlier. Odd sizes are padded by one zero row/column at each level that needs it
and the result is cropped back. The leaf size (below which we call the dense product) is
picked by a recursive cost model so that a full pass over the network fits in ``budget``;
when nothing fits we fall back to diagonal propagation (mean-field).

Per layer we keep a small record (mean, covariance, log-determinant, accumulated scale) so the
rescaling is undone at the end. The covariance is factored each layer for the sampled ReLU
correction: Cholesky first, then an eigendecomposition with the spectrum clipped, then the
diagonal alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

RESCALE_AT = 1e30
JITTER = 1e-6
EIG_FLOOR = 1e-10
LEAF_CHOICES = (32, 48, 64, 96, 128, 192, 256)
# Python + dispatch overhead of one product call, in FLOP-equivalents (measured ~20us at ~1 GFLOP/s)
CALL_OVERHEAD = 20_000
MIN_PROBES = 4
MAX_PROBES = 32
SQRT_2PI = math.sqrt(2.0 * math.pi)


# --------------------------------------------------------------------------------------------
# Winograd-Strassen
# --------------------------------------------------------------------------------------------


def pad_even(a):
    """Pad a square matrix to an even size with one zero row and column (no-op if even)."""
    n = a.shape[0]
    if n % 2 == 0:
        return a, n
    return fnp.pad(a, ((0, 1), (0, 1))), n


def winograd(a, b, leaf: int):
    """C = A @ B for square A, B with Winograd's 7-multiplication, 15-addition scheme."""
    n = a.shape[0]
    if n <= leaf:
        return a @ b
    a, n0 = pad_even(a)
    b, _ = pad_even(b)
    h = a.shape[0] // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]

    s1 = a21 + a22
    s2 = s1 - a11
    s3 = a11 - a21
    s4 = a12 - s2
    t1 = b12 - b11
    t2 = b22 - t1
    t3 = b22 - b12
    t4 = t2 - b21

    m1 = winograd(a11, b11, leaf)
    m2 = winograd(a12, b21, leaf)
    m3 = winograd(s4, b22, leaf)
    m4 = winograd(a22, t4, leaf)
    m5 = winograd(s1, t1, leaf)
    m6 = winograd(s2, t2, leaf)
    m7 = winograd(s3, t3, leaf)

    u1 = m1 + m2
    u2 = m1 + m6
    u3 = u2 + m7
    u4 = u2 + m5
    u5 = u4 + m3
    u6 = u3 - m4
    u7 = u3 + m5

    out = fnp.block([[u1, u5], [u6, u7]])
    if out.shape[0] != n0:
        out = out[:n0, :n0]
    return out


def winograd_cost(n: int, leaf: int, memo: dict | None = None) -> int:
    """FLOPs of winograd() on n x n operands: dense below the leaf (n^2 (2n - 1)), else 7
    recursive products + 15 half-size additions. Padding is a copy: not counted. Every dense
    leaf also pays CALL_OVERHEAD, or tiny leaves would always win on paper."""
    if memo is None:
        memo = {}
    key = (n, leaf)
    if key in memo:
        return memo[key]
    if n <= leaf:
        cost = n * n * (2 * n - 1) + CALL_OVERHEAD
    else:
        h = (n + 1) // 2
        cost = 7 * winograd_cost(h, leaf, memo) + 15 * h * h
    memo[key] = cost
    return cost


def square_product(a, b, leaf: int):
    """Winograd when it pays off (the cost model says so), else the plain product."""
    n = a.shape[0]
    if leaf and n > leaf and winograd_cost(n, leaf) < n * n * (2 * n - 1) + CALL_OVERHEAD:
        return winograd(a, b, leaf)
    return a @ b


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    mode: str
    leaf: int = 0
    probes: int = 0
    per_layer: int = 0

    def describe(self) -> str:
        return f"{self.mode}(leaf={self.leaf}, probes={self.probes}, per_layer={self.per_layer:,})"


def layer_cost(width: int, leaf: int, probes: int) -> int:
    """Rough per-layer cost: two products for the covariance, the factorisation, probes."""
    dense = width * width * (2 * width - 1) + CALL_OVERHEAD
    prod = min(winograd_cost(width, leaf), dense) if leaf else dense
    factor = width ** 3 // 3 + 4 * width * width
    return 2 * prod + factor + 6 * probes * width * width + 40 * width


def pick_plan(width: int, depth: int, budget: int) -> Plan:
    best = None
    for leaf in (0,) + LEAF_CHOICES:
        if leaf and leaf >= width:
            continue
        probes = MAX_PROBES
        while probes > MIN_PROBES and depth * layer_cost(width, leaf, probes) > budget:
            probes //= 2
        cost = layer_cost(width, leaf, probes)
        if depth * cost > budget:
            continue
        if best is None or (cost, -probes) < (best.per_layer, -best.probes):
            best = Plan("cov", leaf, probes, cost)
    if best is not None:
        return best
    diag_cost = depth * (4 * width * width + 30 * width)
    if diag_cost <= budget:
        return Plan("diag", 0, 0, diag_cost // max(depth, 1))
    return Plan("mean", 0, 0, 2 * width * width)


# --------------------------------------------------------------------------------------------
# Moments
# --------------------------------------------------------------------------------------------


@dataclass
class LayerState:
    mean: object
    cov: object = None
    var: object = None
    logdet: float = 0.0
    log_scale: float = 0.0
    method: str = ""
    notes: list = field(default_factory=list)


def relu_moments(mu, var):
    """Mean and variance of relu(z), z ~ N(mu, var), elementwise."""
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    alpha = mu / sd
    pdf = fnp.exp(-0.5 * alpha * alpha) / SQRT_2PI
    cdf = 0.5 * (1.0 + fnp.tanh(0.7978845608 * (alpha + 0.044715 * alpha ** 3)))
    m = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    v = fnp.clip(second - m * m, 0.0, None)
    return m, v


def factor_cov(cov, state: LayerState):
    """A square root of cov: Cholesky, else clipped eigenvectors, else the diagonal."""
    n = cov.shape[0]
    try:
        root = fnp.linalg.cholesky(cov + JITTER * fnp.eye(n))
        state.method = "chol"
        return root
    except np.linalg.LinAlgError:
        pass
    try:
        vals, vecs = fnp.linalg.eigh(cov)
        vals = fnp.clip(vals, EIG_FLOOR, None)
        state.method = "eigh"
        return vecs * fnp.sqrt(vals)
    except np.linalg.LinAlgError:
        state.method = "diag"
        return fnp.diag(fnp.sqrt(fnp.clip(fnp.diag(cov), EIG_FLOOR, None)))


def probe_correction(mean, root, probes: int, rng):
    """Monte Carlo estimate of E[relu(z)] with z = mean + root @ eps, antithetic pairs."""
    n = mean.shape[0]
    eps = rng.standard_normal((n, probes))
    shift = root @ eps
    plus = fnp.maximum(mean[:, None] + shift, 0.0)
    minus = fnp.maximum(mean[:, None] - shift, 0.0)
    return fnp.mean(plus + minus, axis=1) * 0.5


class Estimator(BaseEstimator):
    def setup(self, context=None):
        self.rng = fnp.random.default_rng(1234)
        self.history = []

    # ---------------------------------------------------------------------------------------
    def _cov_layer(self, layer, state: LayerState, plan: Plan) -> LayerState:
        w = layer.shape[0]
        mu_pre = state.mean @ layer
        left = square_product(state.cov, layer, plan.leaf)
        cov_pre = square_product(layer.T, left, plan.leaf)
        cov_pre = (cov_pre + cov_pre.T) / 2
        log_scale = state.log_scale
        peak = float(fnp.max(fnp.abs(cov_pre)))
        if peak > RESCALE_AT:
            cov_pre = cov_pre / peak
            mu_pre = mu_pre / math.sqrt(peak)
            log_scale += 0.5 * math.log(peak)
        nxt = LayerState(mean=mu_pre, log_scale=log_scale)
        root = factor_cov(cov_pre, nxt)
        sign, logdet = fnp.linalg.slogdet(root @ root.T + JITTER * fnp.eye(w))
        nxt.logdet = float(logdet) if float(sign) > 0 else -math.inf
        var_pre = fnp.diag(cov_pre)
        m, v = relu_moments(mu_pre, var_pre)
        if plan.probes:
            mc = probe_correction(mu_pre, root, plan.probes, self.rng)
            m = 0.75 * m + 0.25 * mc
        # gain of relu on the covariance: D C D with D = P(z > 0)
        gain = 0.5 * (1.0 + fnp.tanh(0.7978845608 * mu_pre / fnp.sqrt(fnp.maximum(var_pre, 1e-12))))
        cov = cov_pre * fnp.outer(gain, gain)
        on_diag = np.eye(w, dtype=bool)
        cov = fnp.where(on_diag, fnp.diag(v), cov)
        nxt.mean = m
        nxt.cov = cov
        nxt.var = v
        nxt.notes.append(f"trace={float(fnp.trace(cov)):.3g}")
        # how much of the widest unit's variance is shared with the others (a diagnostic)
        pivot = max(range(w), key=lambda j: float(v[j]))
        shared = float(fnp.sum(cov[pivot] ** 2)) / max(float(v[pivot]) ** 2, 1e-300)
        nxt.notes.append(f"pivot={pivot} shared={shared:.3g}")
        return nxt

    def _diag_layer(self, layer, state: LayerState) -> LayerState:
        mu_pre = state.mean @ layer
        var_pre = state.var @ (layer * layer)
        m, v = relu_moments(mu_pre, var_pre)
        return LayerState(mean=m, var=v, method="diag")

    # ---------------------------------------------------------------------------------------
    def predict(self, mlp, budget):
        w, d = mlp.width, mlp.depth
        plan = pick_plan(w, d, budget)
        self.history.clear()
        state = LayerState(mean=fnp.zeros(w), cov=fnp.eye(w), var=fnp.ones(w))
        rows = []
        for i, layer in enumerate(mlp.weights):
            if plan.mode == "cov":
                state = self._cov_layer(layer, state, plan)
            elif plan.mode == "diag":
                state = self._diag_layer(layer, state)
            else:
                state = LayerState(mean=fnp.maximum(state.mean @ layer, 0.0))
            if not fnp.all(fnp.isfinite(state.mean)):
                raise FloatingPointError(f"layer {i}: non-finite mean")
            out = state.mean
            if state.log_scale:
                out = out * math.exp(state.log_scale)
            rows.append(out)
            self.history.append((state.method, state.logdet))
        return fnp.stack(rows).astype(fnp.float32)
