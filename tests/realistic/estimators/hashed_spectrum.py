"""Count-sketch moments with a spectral smoother ("hashed_spectrum").

A two-person team: one writes plain numpy (hash tables, signs, the fixed probe matrix; all
free, none of it touches the network), the other glues it to flopscope. Per layer:

* the mean/variance are pushed through the layer in closed form on the diagonal;
* every ``REFRESH`` layers a count sketch of the activations (units hashed into ``k`` buckets
  with int8 signs, built with numpy then converted with ``fnp.asarray``) gives a small Gram
  matrix ``S @ S.T`` (symmetric), whose top eigenpair, by ``eigh`` with a power-iteration
  fallback on LinAlgError, sets a correlation correction on the busiest units;
* the busiest units come from ``argpartition``; their block of the weight matrix is read with
  ``fnp.ix_`` and its row norms with ``einsum('ij,kj->ik')``;
* the means are smoothed by a low-pass filter in the Fourier domain (rfft of a float32
  copy: complex64, its ``.conj()``, ``.imag`` and ``abs``; irfft back);
* safety nets: a norm rescale past 1e30, and a raise when the moments stop being finite.

Sample counts and the sketch size come from the budget with clamps.
"""

from __future__ import annotations

import math

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

REFRESH = 2
KEEP_FREQ = 0.5
HUGE = 1e30
POWER_STEPS = 6
SEED = 1234
HALF = np.float32(0.5)            # a numpy float32 scalar: it does not widen a float64 array


def plan(width: int, depth: int, budget: int) -> tuple[int, int, int]:
    """(samples, sketch buckets, busy units): the sketch gets a fifth of what is left."""
    closed_form = depth * (2 * width * width + 20 * width)
    spare = max(budget - closed_form, 0)
    n = int(np.clip(spare // (10 * depth * width * width + 1), 8, 256))
    n -= n % 4
    k = max(2, min(width // 2, int(math.isqrt(max(spare // (50 * depth * width + 1), 1)))))
    busy = max(2, min(width // 4, k))
    return n, k, busy


def hash_tables(width: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain numpy: a bucket per unit and an int8 sign per unit (free)."""
    rng = np.random.default_rng(seed)
    buckets = rng.integers(0, k, size=width)
    signs = rng.choice(np.array([-1, 1], dtype=np.int8), size=width)
    return buckets, signs


def sketch_matrix(width: int, k: int, seed: int) -> np.ndarray:
    """The k x width count-sketch matrix, built with numpy's fancy assignment (free)."""
    buckets, signs = hash_tables(width, k, seed)
    s = np.zeros((k, width), dtype=np.int8)
    s[buckets, np.arange(width)] = signs
    return s


def top_pair(gram):
    """Largest eigenpair of a small symmetric matrix; power iteration if eigh fails."""
    try:
        vals, vecs = fnp.linalg.eigh(gram)
    except np.linalg.LinAlgError:
        v = fnp.ones(gram.shape[0]) / math.sqrt(gram.shape[0])
        lam = 0.0
        for _ in range(POWER_STEPS):
            u = gram @ v
            lam = float(fnp.linalg.norm(u))
            v = u / max(lam, 1e-300)
        return lam, v
    return float(vals[-1]), vecs[:, -1]


def low_pass(mean, keep: float):
    """Keep the lowest ``keep`` share of frequencies of the mean profile (float32 FFT)."""
    m32 = fnp.asarray(mean, dtype=fnp.float32)
    spec = fnp.fft.rfft(m32)                        # complex64
    n_freq = spec.shape[0]
    cut = max(1, int(math.ceil(keep * n_freq)))
    mask = fnp.arange(n_freq) < cut
    kept = fnp.where(mask, spec, 0)
    power = kept * kept.conj()                      # |X|^2, still complex64
    leak = fnp.sum(fnp.abs(kept.imag))              # how much phase the profile carries
    energy = float(fnp.sum(power.real))
    smooth = fnp.fft.irfft(kept, n=mean.shape[0])
    return smooth, energy, float(leak)


def rescale_if_huge(mean, var):
    """Shrink both moments while the mean's norm is past HUGE (a safety net)."""
    scale = 1.0
    while float(fnp.linalg.norm(mean)) > HUGE and scale < 1e300:
        mean = mean * 1e-10
        var = var * 1e-20
        scale *= 1e10
    return mean, var, scale


class Estimator(BaseEstimator):
    def setup(self, context) -> None:
        self.sketches: dict = {}                    # (width, k) -> fnp sketch, kept across MLPs
        self.probe = np.linalg.qr(np.random.default_rng(SEED).standard_normal((6, 6)))[0]

    def sketch_for(self, width: int, k: int):
        key = (width, k)
        if key not in self.sketches:
            raw = sketch_matrix(width, k, SEED + width)
            self.sketches[key] = fnp.asarray(raw, dtype=fnp.float64)   # billed copy, once
        return self.sketches[key]

    def samples(self, n: int, width: int, layer: int):
        rng = np.random.default_rng(SEED + 7 * layer)
        z = rng.standard_normal((n, width)).astype(np.float32)
        return fnp.asarray(z)

    def correlate(self, w, mean, var, busy: int, sk, x):
        """Correction of the busiest units' means from the sketched activations."""
        order = fnp.argpartition(-var, busy - 1)[:busy]
        rows = fnp.sort(order)
        block = w[fnp.ix_(rows, rows)]              # busy x busy sub-block
        norms = fnp.einsum("ij,kj->ik", block, block)   # symmetric busy x busy
        sx = x @ sk.T                               # n x k
        gram = sx.T @ sx / x.shape[0]               # symmetric k x k
        lam, vec = top_pair(gram)
        share = lam / max(float(fnp.trace(gram)), 1e-12)
        lift = fnp.diagonal(norms) * share
        corr = fnp.zeros(mean.shape[0])
        picked = fnp.zeros(mean.shape[0], dtype=bool)
        picked = picked | (fnp.arange(mean.shape[0])[:, None] == rows[None, :]).any(axis=1)
        corr = fnp.where(picked, fnp.max(lift) * 0.0 + share, corr)
        return mean + HALF * corr * fnp.sqrt(var), float(fnp.abs(vec).max())

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        n, k, busy = plan(width, depth, budget)
        sk = self.sketch_for(width, k)
        mean = fnp.zeros(width)
        var = fnp.ones(width)
        out = []
        x = self.samples(n, width, 0)
        for i, w in enumerate(mlp.weights):
            mu = mean @ w
            s2 = (var @ (w * w)) + 1e-12
            sd = fnp.sqrt(s2)
            z = mu / sd
            pdf = fnp.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
            cdf = flops.stats.norm.cdf(z)
            mean = mu * cdf + sd * pdf
            var = fnp.maximum((mu * mu + s2) * cdf + mu * sd * pdf - mean * mean, 0.0)
            fnp.maximum(var, 1e-12, out=var)        # floor in place
            x = fnp.maximum(x @ w, 0.0)
            if i % REFRESH == REFRESH - 1:
                mean, peak = self.correlate(w, mean, var, busy, sk, x)
            mean, var, scale = rescale_if_huge(mean, var)
            smooth, energy, leak = low_pass(mean, KEEP_FREQ)
            if energy > 0.0 and leak < 1e6:
                mean = 0.75 * mean + 0.25 * smooth
            if not bool(fnp.all(fnp.isfinite(mean))):
                raise FloatingPointError(f"moments left the floats at layer {i}")
            out.append(mean * scale)
        return fnp.stack(out)
