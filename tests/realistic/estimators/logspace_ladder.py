"""Log-space path-sum estimator with mantissa/exponent rescaling ("logspace_ladder").

Team "overflow is a feature". The mean of each ReLU unit is estimated three ways, most
expensive first, and each rung refuses (raises) when its numbers stop being finite:

    1. "paths":  products of |weights| along layers are kept as (mantissa, exponent) pairs
                 (fnp.frexp / fnp.ldexp), the exponents summed in int arithmetic; the final
                 log-mass is combined across units with a hand-written logsumexp.
    2. "logmom": moments propagated in log space (fnp.logaddexp of positive and negative
                 parts), fnp.errstate silences the log(0)s, fnp.nan_to_num cleans them.
    3. "clipped": a clipped linear pass (fnp.clip + fnp.where masks), never raises.

When the budget leaves a share over, the last layer's means are calibrated from samples whose
activations are accumulated in log space chunk by chunk (a running logaddexp of per-chunk
log-sums, the chunk size from math.isqrt and divmod); the calibration has its own isfinite
net and falls back to no calibration.

An ``isfinite`` net after each rung raises ``FloatingPointError``; the outer ladder
catches it, records the rung and falls back. The budget chooses where the ladder starts
(math.log2 of the per-layer cost against the budget).
"""

from __future__ import annotations

import math

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

LOG_TINY = -700.0
RESCALE_AT = 1e30
CLIP = 1e6
RUNGS = ("logmom", "paths", "clipped")
CHUNK_MIN = 8
SAMPLE_SHARE = 0.3
SAFETY = 0.7


def logsumexp(a, axis=None, keepdims=False):
    """logsumexp by hand: max-shift, exp, sum, log; -inf rows give -inf."""
    m = fnp.max(a, axis=axis, keepdims=True)
    m = fnp.where(fnp.isfinite(m), m, 0.0)
    s = fnp.sum(fnp.exp(a - m), axis=axis, keepdims=True)
    with fnp.errstate(divide="ignore"):
        out = fnp.log(s) + m
    if not keepdims:
        out = fnp.squeeze(out, axis=axis) if axis is not None else fnp.squeeze(out)
    return out


def check(name, arr):
    if not bool(fnp.all(fnp.isfinite(arr))):
        raise FloatingPointError(f"{name}: non-finite")
    return arr


def split_scale(x):
    """(mantissa, exponent) of x: x = m * 2**e with 0.5 <= |m| < 1."""
    m, e = fnp.frexp(x)
    return m, e


def renormalise(m, e):
    """Pull a common exponent out of the mantissas: returns (m', shift) with max |m'| in [0.5, 1)."""
    peak = float(fnp.max(fnp.abs(m)))
    if peak == 0.0:
        return m, 0
    _, k = math.frexp(peak)
    return fnp.ldexp(m, -k), k


class Rung:
    name = "base"

    def cost(self, width: int, depth: int) -> int:
        raise NotImplementedError

    def run(self, mlp):
        raise NotImplementedError


class PathRung(Rung):
    """Mean of unit j at layer l ~ sum over paths of |w| products times a ReLU gain of 1/2
    per layer, accumulated as (mantissa, exponent) so depth-32 products do not overflow."""

    name = "paths"

    def cost(self, width, depth):
        return depth * (2 * width * width + 12 * width) + 8 * width

    def run(self, mlp):
        width = mlp.width
        mant = fnp.full(width, 0.5)
        exp_total = 0
        rows = []
        logs = []
        for w in mlp.weights:
            a = fnp.abs(w)
            nxt = 0.5 * (mant @ a)
            m, e = split_scale(nxt)
            # bring every unit to the largest exponent (exponents are ints per unit)
            top = int(fnp.max(e))
            mant = fnp.ldexp(m, e - top)
            mant, k = renormalise(mant, e)
            exp_total += top + k
            mean = fnp.ldexp(mant, fnp.full(width, exp_total, dtype=fnp.int64)) * 0.39894
            rows.append(check(self.name, mean))
            with fnp.errstate(divide="ignore"):
                logs.append(fnp.log(fnp.abs(mant)) + exp_total * math.log(2.0))
        lse = logsumexp(fnp.stack(logs), axis=1)
        check(self.name, lse)
        return fnp.stack(rows), lse


class LogMomentRung(Rung):
    """Means and variances carried as logs; a pre-activation's positive and negative parts
    combined with logaddexp and the ReLU mean taken from a Gaussian closed form."""

    name = "logmom"

    def cost(self, width, depth):
        return depth * (6 * width * width + 120 * width)

    def run(self, mlp):
        width = mlp.width
        log_mean = fnp.full(width, LOG_TINY)
        log_var = fnp.zeros(width)
        rows = []
        for w in mlp.weights:
            pos = fnp.maximum(w, 0.0)
            neg = fnp.maximum(-w, 0.0)
            with fnp.errstate(divide="ignore", invalid="ignore"):
                lp = fnp.log(fnp.exp(log_mean) @ pos)
                ln = fnp.log(fnp.exp(log_mean) @ neg)
                lv = fnp.log(fnp.exp(log_var) @ (w * w))
            lp = fnp.nan_to_num(lp, nan=LOG_TINY, neginf=LOG_TINY)
            ln = fnp.nan_to_num(ln, nan=LOG_TINY, neginf=LOG_TINY)
            lv = fnp.nan_to_num(lv, nan=0.0, neginf=LOG_TINY, posinf=700.0)
            mu = fnp.exp(lp) - fnp.exp(ln)
            sd = fnp.exp(0.5 * lv)
            z = fnp.clip(mu / sd, -30.0, 30.0)
            cdf = 0.5 * (1.0 + flops.numpy.tanh(0.79788456 * z))
            pdf = fnp.exp(-0.5 * z * z) * 0.39894228
            m = mu * cdf + sd * pdf
            second = (mu * mu + sd * sd) * cdf + mu * sd * pdf
            var = fnp.maximum(second - m * m, 1e-300)
            with fnp.errstate(divide="ignore"):
                log_mean = fnp.log(fnp.maximum(m, 0.0))
            log_mean = fnp.where(fnp.isfinite(log_mean), log_mean, LOG_TINY)
            log_var = fnp.log(var)
            rows.append(check(self.name, m))
        return fnp.stack(rows), None


class ClippedRung(Rung):
    name = "clipped"

    def cost(self, width, depth):
        return depth * (2 * width * width + 8 * width)

    def run(self, mlp):
        x = fnp.full(mlp.width, 0.5)
        rows = []
        for w in mlp.weights:
            pre = fnp.clip(x @ w, -CLIP, CLIP)
            act = fnp.where(pre > 0.0, pre, 0.05 * pre)
            x = fnp.nan_to_num(act)
            peak = float(fnp.max(fnp.abs(x)))
            if peak > RESCALE_AT:
                x = x / peak
            rows.append(fnp.maximum(x, 0.0))
        return fnp.stack(rows), None


LADDER = {cls.name: cls for cls in (PathRung, LogMomentRung, ClippedRung)}


class LogAccumulator:
    """Running log of a sum of positive rows: ``add`` takes a chunk's log-values (n, w)."""

    def __init__(self, width: int) -> None:
        self.log_total = fnp.full(width, -fnp.inf)
        self.count = 0

    def add(self, logs) -> None:
        chunk = logsumexp(logs, axis=0)
        self.log_total = fnp.logaddexp(self.log_total, chunk)
        self.count += logs.shape[0]

    @property
    def log_mean(self):
        return self.log_total - math.log(max(self.count, 1))


def plan_samples(width: int, depth: int, budget: int, spent: int) -> tuple:
    """(chunk, full chunks, remainder) of the calibration samples the budget's share buys."""
    per_sample = depth * (2 * width * width + 3 * width) + 16 * width + 24 * width
    room = int(SAMPLE_SHARE * budget) - spent
    if room <= 0:
        return 0, 0, 0
    n = room // per_sample
    if n < CHUNK_MIN:
        return 0, 0, 0
    chunk = max(CHUNK_MIN, 1 << (math.isqrt(n).bit_length() - 1))
    full, rest = divmod(n, chunk)
    return chunk, min(full, 8), rest if full < 8 else 0


def calibrate(mlp, rows, chunk: int, full: int, rest: int):
    """Per-unit log-ratio of sampled to predicted last-layer means, clipped to [-1, 1]."""
    rng = fnp.random.default_rng(mlp.seed + 1)
    acc = LogAccumulator(mlp.width)
    sizes = [chunk] * full + ([rest] if rest else [])
    for n in sizes:
        x = rng.standard_normal((n, mlp.width))
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        with fnp.errstate(divide="ignore"):
            acc.add(fnp.log(x))
    predicted = rows[-1]
    with fnp.errstate(divide="ignore", invalid="ignore"):
        ratio = acc.log_mean - fnp.log(fnp.maximum(predicted, 1e-300))
    ratio = fnp.nan_to_num(ratio, nan=0.0, posinf=1.0, neginf=-1.0)
    return fnp.clip(ratio, -1.0, 1.0), acc.count


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.failures: list = []
        self.last_lse = None
        self.used = np.zeros(0, dtype=np.int64)   # plain numpy: which rung answered each call
        self.calibrated: list = []

    def start_rung(self, width: int, depth: int, budget: int) -> int:
        room = SAFETY * budget
        for i, name in enumerate(RUNGS):
            c = LADDER[name]().cost(width, depth)
            # headroom in octaves: at least one doubling (two when the net is deep)
            octaves = math.log2(room / c) if c > 0 and room > 0 else -1.0
            if octaves >= (2.0 if depth > 3 else 1.0):
                return i
        return len(RUNGS) - 1

    def blend(self, rows, lse):
        """Damp each layer's means by a softmax of its log-mass (when the path rung gave one)."""
        if lse is None:
            return rows
        weights = fnp.exp(lse - logsumexp(lse))
        scale = 1.0 + 0.1 * (weights - fnp.mean(weights))
        return rows * scale[:, None]

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        first = self.start_rung(width, depth, budget)
        # the rungs compute exp/log of possibly huge numbers on purpose: quiet numpy for the call
        # (the settings handed back are restored however the ladder ends)
        old = np.seterr(over="ignore", under="ignore", divide="ignore")
        try:
            for name in RUNGS[first:]:
                rung = LADDER[name]()
                try:
                    rows, lse = rung.run(mlp)
                    out = self.blend(rows, lse)
                    if not bool(fnp.all(fnp.isfinite(out))):
                        raise FloatingPointError("blend")
                    self.last_lse = lse
                    self.used = np.append(self.used, RUNGS.index(name))
                    break
                except (FloatingPointError, OverflowError) as err:
                    self.failures.append((name, str(err)))
                    continue
            else:
                return fnp.zeros((depth, width))
            spent = LADDER[name]().cost(width, depth)
            chunk, full, rest = plan_samples(width, depth, budget, spent)
            if chunk:
                try:
                    ratio, count = calibrate(mlp, out, chunk, full, rest)
                    if not bool(fnp.all(fnp.isfinite(ratio))):
                        raise FloatingPointError("calibration")
                    self.calibrated.append(count)
                    out = fnp.concatenate([out[:-1], (out[-1] * fnp.exp(0.5 * ratio))[None, :]])
                except FloatingPointError as err:
                    self.failures.append(("calibrate", str(err)))
            return out
        finally:
            np.seterr(**old)
