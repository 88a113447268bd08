"""Covariance propagation with a Strassen product, a live FLOP meter and an FFT mixer
("strassen_meter").

* ``Meter`` is a context manager (contextlib) that reads flopscope's live counter before and
  after a block; the first layer is metered and the measured cost decides how many layers
  get the full covariance (the rest fall back to diagonal moments);
* ``strassen`` multiplies square blocks recursively (a memo dict caches the cost model that
  decides the leaf size; odd sizes are padded);
* the covariance is factored with Cholesky (eigh when it fails), and a few units with the
  largest variance (argsort, fancy indexing) get a correction from a circular FFT mixer
  (complex intermediates; only the real part survives);
* a small fixed-point loop (walrus on a float test) damps the variance.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

_PREDICTS = 0
DAMP_TOL = 1e-4
DAMP_MAX = 5
# flopscope.numpy.linalg has no LinAlgError (numpy's is raised); ValueError is its base
LinAlgError = getattr(fnp.linalg, "LinAlgError", ValueError)


class PlanError(ValueError):
    """No plan fits the budget."""


# ----------------------------------------------------------------------------- cost model

_COST_MEMO: dict = {}


def strassen_flops(n: int, leaf: int) -> int:
    """FLOPs of our Strassen at size n with the given leaf (a recursive cost model)."""
    key = (n, leaf)
    if key in _COST_MEMO:
        return _COST_MEMO[key]
    if n <= leaf:
        cost = n * n * (2 * n - 1)
    else:
        h = (n + 1) // 2
        cost = 7 * strassen_flops(h, leaf) + 18 * h * h + (4 * h * h if n % 2 else 0)
    _COST_MEMO[key] = cost
    return cost


def best_leaf(n: int) -> int:
    # at most three levels of recursion: deeper ones save FLOPs but cost wall time (numpy calls)
    leaves = [leaf for leaf in (8, 16, 32, 64, 128, 256) if n // leaf <= 8] or [n]
    cands = [(strassen_flops(n, leaf), -leaf, leaf) for leaf in leaves]
    return heapq.nsmallest(1, cands)[0][2]


class Option:
    __slots__ = ("name", "cost", "full_layers")

    def __init__(self, name: str, cost: int, full_layers: int):
        self.name = name
        self.cost = cost
        self.full_layers = full_layers

    def __repr__(self) -> str:
        return f"Option({self.name}, {self.cost:,}, full={self.full_layers})"

    @classmethod
    def make(cls, name: str, width: int, depth: int, full: int) -> "Option":
        leaf = best_leaf(width)
        per_full = 2 * strassen_flops(width, leaf) + 6 * width ** 3 // 3 + 300 * width
        per_diag = 4 * width * width + 200 * width
        return cls(name, full * per_full + (depth - full) * per_diag, full)


def choose(width: int, depth: int, budget: int) -> Option:
    options = [Option.make(f"full{k}", width, depth, k) for k in range(depth, -1, -1)]
    fitting = sorted((o for o in options if o.cost <= budget), key=lambda o: (-o.full_layers, o.cost))
    if not fitting:
        raise PlanError(f"nothing fits {budget:,} at {width}x{depth}: cheapest {min(o.cost for o in options):,}")
    return fitting[0]


# ----------------------------------------------------------------------------- primitives


@contextlib.contextmanager
def meter(log: dict, name: str):
    before = flops.current_budget().flops_used
    box = {"used": 0}
    try:
        yield box
    finally:
        box["used"] = flops.current_budget().flops_used - before
        log[name] = box["used"]


def strassen(a, b, leaf: int):
    n = a.shape[0]
    if n <= leaf:
        return a @ b
    if n % 2:
        a = fnp.pad(a, ((0, 1), (0, 1)))
        b = fnp.pad(b, ((0, 1), (0, 1)))
        return strassen(a, b, leaf)[:n, :n]
    h = n // 2
    a11, a12, a21, a22 = a[:h, :h], a[:h, h:], a[h:, :h], a[h:, h:]
    b11, b12, b21, b22 = b[:h, :h], b[:h, h:], b[h:, :h], b[h:, h:]
    mul = functools.partial(strassen, leaf=leaf)
    m1 = mul(a11 + a22, b11 + b22)
    m2 = mul(a21 + a22, b11)
    m3 = mul(a11, b12 - b22)
    m4 = mul(a22, b21 - b11)
    m5 = mul(a11 + a12, b22)
    m6 = mul(a21 - a11, b11 + b12)
    m7 = mul(a12 - a22, b21 + b22)
    top = fnp.concatenate([m1 + m4 - m5 + m7, m3 + m5], axis=1)
    bottom = fnp.concatenate([m2 + m4, m1 - m2 + m3 + m6], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


def relu_moments(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    a = mu / sd
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m1 = mu * cdf + sd * pdf
    m2 = (mu * mu + var) * cdf + mu * sd * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0), cdf


def factor(cov):
    """A square root of cov: Cholesky, else eigh with clipped eigenvalues."""
    try:
        return fnp.linalg.cholesky(cov), "chol"
    except LinAlgError:
        vals, vecs = fnp.linalg.eigh(cov)
        return vecs * fnp.sqrt(fnp.maximum(vals, 0.0)), "eigh"


def fft_mix(v, kernel):
    """Circular convolution of v with a short kernel, through complex FFTs."""
    n = v.shape[0]
    k = fnp.zeros(n, dtype=v.dtype)
    k = fnp.concatenate([kernel.astype(v.dtype), k[kernel.shape[0]:]])
    spec = fnp.fft.fft(v) * fnp.conj(fnp.fft.fft(k))
    return fnp.real(fnp.fft.ifft(spec))


def damp(var, target: float):
    """Scale var towards a mean of ``target`` until the change is below DAMP_TOL."""
    it = 0
    scale = 1.0
    while (delta := abs(float(fnp.mean(var)) * scale - target)) > DAMP_TOL and it < DAMP_MAX:
        scale = 0.5 * scale + 0.5 * target / max(float(fnp.mean(var)), 1e-12)
        it += 1
    return var * scale if it else var


# ----------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.log: dict = {}
        self.kernel = fnp.array([0.5, 0.25, 0.0, 0.25])

    def layer_full(self, w, mu, cov, leaf: int):
        mu_pre = mu @ w
        wt = fnp.asarray(w.T, dtype=fnp.float64)
        cov_pre = strassen(strassen(wt, cov, leaf), fnp.asarray(w, dtype=fnp.float64), leaf)
        var_pre = fnp.diagonal(cov_pre)
        m1, v1, gain = relu_moments(mu_pre, var_pre)
        root, how = factor(cov_pre + 1e-6 * fnp.eye(cov_pre.shape[0]))
        self.log.setdefault("factor", []).append(how)
        scaled = root * gain[:, None]
        cov = scaled @ scaled.T
        cov = cov - fnp.diag(fnp.diagonal(cov)) + fnp.diag(v1)
        return m1, cov

    def predict(self, mlp: MLP, budget: int):
        global _PREDICTS
        _PREDICTS += 1
        width, depth = mlp.width, mlp.depth
        try:
            plan = choose(width, depth, budget)
        except PlanError as err:
            self.log["plan"] = str(err)
            plan = Option("mean", 0, 0)
        leaf = best_leaf(width)
        mu = fnp.zeros(width)
        cov = fnp.eye(width)
        var = fnp.ones(width)
        rows = []
        full_left = plan.full_layers
        for i, w in enumerate(mlp.weights):
            if plan.name == "mean":
                mu = fnp.maximum(mu @ w, 0.0)
                rows.append(mu)
                continue
            if full_left > 0:
                with meter(self.log, f"layer{i}") as box:
                    mu, cov = self.layer_full(w, mu, cov, leaf)
                full_left -= 1
                if i == 0 and box["used"] * plan.full_layers > budget // 2:
                    full_left = min(full_left, 1)
                var = fnp.diagonal(cov)
            else:
                mu_pre = mu @ w
                var_pre = var @ (w * w)
                mu, var, _ = relu_moments(mu_pre, var_pre)
                var = damp(var, 1.0)
            k = max(1, width // 8)
            top = fnp.argsort(var)[::-1][:k]
            hot = var[top]
            mixed = fnp.zeros(width)
            mixed = fft_mix(fnp.where(var >= fnp.min(hot), mu, 0.0), self.kernel)
            mu = mu + 0.01 * mixed
            rows.append(mu)
        pairs = list(itertools.pairwise(rows))
        drift = functools.reduce(lambda acc, p: acc + fnp.sum(fnp.abs(p[1] - p[0])), pairs, 0.0)
        self.log["drift"] = f"{float(drift):.3g} over {len(pairs)} pairs of shape {rows[0].shape}"
        out = fnp.stack(rows)
        return out.astype(fnp.float32)
