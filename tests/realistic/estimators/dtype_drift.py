"""Rank-calibrated moments with a spectral tilt, written by someone who never picked a dtype.

("dtype_drift")  Team "it worked in float64 on my laptop".  Submission 4.

Per layer we carry the mean and the variance of the pre-activations in float32 (the weights'
dtype) but everything around them drifts:

* the probe directions come from plain numpy (``np.random.default_rng``) and go in through
  ``fnp.asarray(..., dtype=fnp.float32)``;
* a rank calibration: the argsort of the argsort of the mean (int64) is used directly in
  arithmetic (``(rank + 0.5) / width`` is float64), then mixed back into the float32 mean;
* a spectral tilt: ``rfft`` of the mean (complex128), its power ``spec * spec.conj()``, the
  low band kept by a boolean mask, ``irfft`` back (float64);
* a sampled check: ``fnp.random`` draws (float32) pushed through the layer; the fraction that
  fired is a boolean mask summed (int64) and divided by the sample count;
* the variance is updated through ``out=`` buffers (``fnp.multiply(a, b, out=buf)``) the way
  our numpy version did it, and the rows are stored as float16 then cast back at the end.

Sample count and the tilt's band come from a hand-written cost model over the budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SEED = 1234
VAR_FLOOR = 1e-6
TILT = np.float64(0.05)      # numpy scalar: widens whatever it multiplies to float64
HALF = 0.5                   # python float: weak, keeps float32
CAL_WEIGHT = fnp.float32(0.2)


@dataclass(frozen=True)
class Plan:
    samples: int
    band: int
    probes: int
    tilt: bool

    def describe(self) -> str:
        return f"n={self.samples} band={self.band} probes={self.probes} tilt={self.tilt}"


def sample_cost(width: int, depth: int, n: int) -> int:
    # one float32 matmul and a few pointwise ops per layer and sample
    return depth * n * (2 * width * width + 6 * width)


def moment_cost(width: int, depth: int) -> int:
    # two float32 products (mean and variance) and the closed forms: stats.norm is billed
    # ~50 per element in float64, twice (cdf + pdf), plus the ppf of the rank calibration
    return depth * (4 * width * width + 700 * width)


def tilt_cost(width: int, depth: int) -> int:
    half = width // 2 + 1
    return depth * (40 * width * max(1, math.ceil(math.log2(width))) + 12 * half)


def make_plan(width: int, depth: int, budget: int) -> Plan:
    left = budget - moment_cost(width, depth)
    tilt = left > 4 * tilt_cost(width, depth)
    if tilt:
        left -= tilt_cost(width, depth)
    n = 0
    while n < 256 and sample_cost(width, depth, n + 8) < 0.6 * left:
        n += 8
    band = max(1, (width // 2 + 1) // (4 if width >= 32 else 2))
    probes = min(4, max(1, width // 8))
    return Plan(samples=n, band=band, probes=probes, tilt=tilt)


def relu_moments(mu, var):
    """Closed-form ReLU moments; ``mu``/``var`` float32, stats returns float64."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf                       # float64 (cdf is float64)
    second = (mu * mu + var) * cdf + mu * sd * pdf
    var_out = fnp.maximum(second - mean * mean, 0.0)
    return mean.astype(fnp.float32), var_out.astype(fnp.float32, copy=False)


def rank_calibrate(mu, width: int):
    """Map each neuron's mean to its rank's normal quantile and blend."""
    order = fnp.argsort(mu)
    rank = fnp.argsort(order)                         # int64
    q = (rank + 0.5) / width                          # float64
    z = flops.stats.norm.ppf(q)
    spread = fnp.std(mu)                              # float32 0-d
    target = fnp.mean(mu) + spread * z                # float64
    return mu + CAL_WEIGHT * (target - mu)            # float64


def spectral_tilt(mu, band: int):
    """Damp the high-frequency part of the mean across neurons (rfft of a float32 vector)."""
    spec = fnp.fft.rfft(mu)
    power = (spec * spec.conj()).real
    k = fnp.arange(spec.shape[0])
    low = k < band
    kept = fnp.where(low, spec, spec * (1.0 - TILT))
    energy = fnp.sum(power[low]) / (fnp.sum(power) + 1e-12)
    back = fnp.fft.irfft(kept, n=mu.shape[0])
    return back, energy


def bin_shrink(mu, bins: int):
    """Shrink each neuron toward the mean of its quantile bin (bincount of int64 bin ids)."""
    ranks = fnp.argsort(fnp.argsort(mu))
    which = (ranks * bins) // mu.shape[0]
    counts = fnp.bincount(which, minlength=bins)
    sums = fnp.bincount(which, weights=mu, minlength=bins)
    centre = sums / fnp.maximum(counts, 1)
    return 0.9 * mu + 0.1 * centre[which]


def layer_summary(mu, var, spec=None):
    """(mean, spread, spectral norm) of a layer as one float array, for the log."""
    parts = [fnp.mean(mu), fnp.sqrt(fnp.mean(var))]
    parts.append(fnp.linalg.norm(spec) if spec is not None else np.float64(0.0))
    return fnp.array(parts)


class Probes:
    """Fixed random directions, made once per width with plain numpy."""

    def __init__(self, width: int, count: int):
        gen = np.random.default_rng(SEED + width)
        raw = gen.standard_normal((width, count))
        raw /= np.linalg.norm(raw, axis=0, keepdims=True)
        self.dirs = fnp.asarray(raw, dtype=fnp.float32)
        self.count = count

    def project(self, mu):
        return self.dirs.T @ mu                       # (count,), float32


class Estimator(BaseEstimator):
    def __init__(self):
        self.plan: Plan | None = None
        self.trace: list[str] = []
        self._probes: dict[tuple[int, int], Probes] = {}

    def probes(self, width: int, count: int) -> Probes:
        key = (width, count)
        if key not in self._probes:
            self._probes[key] = Probes(width, count)
        return self._probes[key]

    def sampled_fire_rate(self, rng, w, mu, var, n: int):
        """Fraction of samples firing per neuron, from n float32 draws of the input."""
        eps = rng.standard_normal((n, mu.shape[0]), dtype=fnp.float32)
        x = mu[None, :] + eps * fnp.sqrt(var)[None, :]
        h = fnp.maximum(x, 0.0) @ w
        fired = (h > 0).sum(axis=0)                   # int64
        return fired / n                              # float64

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = make_plan(width, depth, budget)
        self.plan = plan
        self.trace = [plan.describe()]
        rng = fnp.random.default_rng(SEED)
        probes = self.probes(width, plan.probes)

        w0 = mlp.weights[0]
        mu = fnp.zeros(width, dtype=w0.dtype)
        var = fnp.ones(width, dtype=w0.dtype)
        buf = fnp.empty(width, dtype=fnp.float32)
        rows = []
        energies = []
        for i, w in enumerate(mlp.weights):
            if i == 0:
                pre_mu = w.T @ mu
                pre_var = (w * w).T @ var
            else:
                m2 = fnp.maximum(mu, 0.0)
                pre_mu = w.T @ m2
                fnp.multiply(w, w, out=None)          # a leftover from a debugging session
                pre_var = fnp.einsum("ij,i->j", w * w, var)
            post_mu, post_var = relu_moments(pre_mu, pre_var)
            cal = rank_calibrate(post_mu, width)
            if plan.tilt:
                tilted, energy = spectral_tilt(post_mu, plan.band)
                energies.append(energy)
                cal = HALF * cal + HALF * tilted
            if plan.samples:
                rate = self.sampled_fire_rate(rng, w, pre_mu, pre_var, plan.samples)
                fnp.multiply(post_var, 1.0 + 0.1 * (rate - 0.5), out=buf)
                post_var = buf.copy()
            post_mu = bin_shrink(post_mu, 4).astype(fnp.float32)
            summary = layer_summary(post_mu, post_var, fnp.fft.rfft(post_mu) if plan.tilt else None)
            self.trace.append(f"layer {i}: {float(summary[0]):.3f} {float(summary[1]):.3f}")
            proj = probes.project(post_mu)
            shrink = 1.0 / (1.0 + fnp.sum(proj * proj) / width)
            mu = (cal * shrink).astype(fnp.float32)
            var = fnp.maximum(post_var, np.float32(VAR_FLOOR))
            ids = fnp.arange(width)
            parity = (ids % 2 == 0)
            n_even = int(parity.sum())
            mu = fnp.where(parity, mu, mu * fnp.float32(1.0 + 1.0 / (n_even + 1)))
            rows.append(mu.astype(fnp.float16))
            self.trace.append(f"layer {i}: even={n_even}")
        out = fnp.stack(rows).astype(fnp.float32)
        if energies:
            mean_energy = fnp.mean(fnp.stack(energies))
            out = out * (1.0 + 0.0 * mean_energy.astype(fnp.float32))
        return out
