"""Chunked Monte Carlo with a control variate fitted by a ridge sweep ("ridge_sweep").

A participant's "MC done right" estimator:

* a mean-field pass, ``functools.reduce`` over the layers with a ``namedtuple`` state moved on
  by ``_replace`` (``fnp.dot`` products, float32);
* the budget is split by a table of per-part costs: parts ``sorted`` by their price per unit of
  value, kept while the ``itertools.accumulate`` of their costs fits (``takewhile``);
* samples: ``n`` from the budget (clamped, rounded down to a multiple of 8), drawn in chunks of a
  size picked by ``dropwhile`` over a table of powers of two; the chunk bounds come from
  ``accumulate(..., initial=0)`` and ``pairwise`` (the last chunk ragged), kept in a memo that is
  a mutable default argument; float32 draws, float64 sums (``dtype=`` reductions); antithetic
  pairs (``concatenate([half, -half])``) in even chunks when the plan (``dataclasses.replace``)
  has room for them;
* a control variate on the last layer: the draws projected on a ``qr`` basis (true mean 0), the
  ridge ``lambda`` picked by a sweep over powers of ten (a tuple made at import)
  scored by a hold-out residual, each solve a ``cholesky`` -> ``lstsq`` ladder;
* the top units by sample variance (``argpartition``) get a power-iteration check of their
  covariance (a ``while`` loop to a tolerance, ``float(fnp.linalg.norm(...))``); a large top
  eigenvalue shrinks the correction;
* the blend is elementwise inverse-variance weights; non-finite rows raise and are replaced by
  the mean-field rows.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import operator
from collections import namedtuple

import flopscope as flops
import flopscope.numpy as fnp
import numpy as np
from whestbench import BaseEstimator, MLP

RIDGES = tuple(10.0 ** k for k in range(-4, 1))  # 1e-4 .. 1: the sweep
CHUNKS = tuple(1 << k for k in range(3, 11))    # 8 .. 1024
MIN_SAMPLES, MAX_SAMPLES = 16, 6000
POWER_TOL, POWER_MAX = 1e-3, 25
SHRINK_AT = 4.0
FLOOR = 1e-8
# price per unit of value of each part (smaller first); "mf" is always taken
VALUE = {"mf": 1.0, "mc": 6.0, "cv": 2.0, "check": 0.5}

Moments = namedtuple("Moments", "mean var rows")
Fit = namedtuple("Fit", "beta ridge score rung")


@dataclasses.dataclass(frozen=True)
class Plan:
    samples: int = 0
    chunk: int = 8
    rank: int = 0
    top: int = 0
    parts: tuple = ("mf",)
    antithetic: bool = False

    @property
    def sampling(self) -> bool:
        return "mc" in self.parts and self.samples >= MIN_SAMPLES

    def describe(self) -> str:
        flags = "".join(sorted(p[0] for p in self.parts))
        return f"n={self.samples}/{self.chunk}{'a' if self.antithetic else ''} r={self.rank} k={self.top} [{flags}]"


#: float64 costs twice float32 (flopscope's rates); the sweep runs in float64, the draws in float32
RATES = {"float16": 1, "float32": 1, "float64": 2}
#: per-chunk overhead of each part, in FLOPs per unit of width (a rough table from a profile)
OVERHEAD = dict(sorted({"mc": 6, "cv": 3, "check": 1}.items(), key=lambda kv: -kv[1]))


class NonFinite(ArithmeticError):
    pass


def mf_step(state: Moments, w) -> Moments:
    pm = fnp.dot(state.mean, w)
    pv = fnp.dot(state.var, w * w)
    sd = fnp.sqrt(pv + FLOOR)
    a = pm / sd
    cdf, pdf = flops.stats.norm.cdf(a), flops.stats.norm.pdf(a)
    mu = pm * cdf + sd * pdf
    var = fnp.maximum((pm * pm + pv) * cdf + pm * sd * pdf - mu * mu, 0.0)
    return state._replace(mean=mu, var=var, rows=state.rows + (mu,))


def mean_field(mlp: MLP) -> Moments:
    start = Moments(fnp.zeros(mlp.width, dtype=fnp.float32), fnp.ones(mlp.width, dtype=fnp.float32), ())
    return functools.reduce(mf_step, mlp.weights, start)


def part_costs(width: int, depth: int, n: int, rank: int, top: int) -> dict:
    per_sample = depth * (2 * width * width + 3 * width)
    fit = len(RIDGES) * (2 * n * rank * rank + 10 * rank ** 3 + 4 * n * rank * top) + 2 * n * width * rank
    check = POWER_MAX * 4 * top * top + 2 * n * top * top
    return {
        "mf": depth * (6 * width * width + 120 * width),
        "mc": n * per_sample + 4 * depth * width,
        "cv": fit,
        "check": check,
    }


def make_plan(width: int, depth: int, budget: int) -> Plan:
    room = int(budget * 0.8)
    per_sample = depth * (2 * width * width + 3 * width)
    n = (room // 3) // max(per_sample, 1)
    n = max(0, min(MAX_SAMPLES, n)) // 8 * 8
    rank = max(2, min(8, math.isqrt(width)))
    top = max(1, min(width // 4, int(n ** 0.5) // 2))
    costs = part_costs(width, depth, n, rank, top)
    order = sorted(costs, key=lambda k: (costs[k] / VALUE[k], k))
    order.remove("mf")
    order.insert(0, "mf")
    running = itertools.accumulate(costs[k] for k in order)
    kept = [k for k, total in itertools.takewhile(lambda kv: kv[1] <= room, zip(order, running, strict=True))]
    if "mc" not in kept:
        kept = [k for k in kept if k not in ("cv", "check")]
    chunk = next(itertools.dropwhile(lambda c: c * width < 2048 and c < n, CHUNKS), CHUNKS[-1])
    plan = Plan(samples=n, chunk=chunk, rank=rank, top=top, parts=tuple(kept))
    # antithetic pairs need even chunks: round the chunk down to even when the draws allow it
    if plan.sampling and chunk % 2 == 0 and n % 2 == 0:
        overhead = sum(OVERHEAD[k] * width for k in kept if k in OVERHEAD) * len(chunk_bounds(n, chunk))
        if costs["mc"] * RATES["float32"] + overhead <= room - costs["mf"]:
            plan = dataclasses.replace(plan, antithetic=True)
    return plan


def chunk_bounds(n: int, chunk: int, _memo={}) -> tuple:
    key = (n, chunk)
    if key not in _memo:
        sizes = [chunk] * (n // chunk) + ([n % chunk] if n % chunk else [])
        _memo[key] = tuple(itertools.pairwise(itertools.accumulate(sizes, initial=0)))
    return _memo[key]


def draw(mlp: MLP, plan: Plan, basis):
    """Chunked forward passes: per-layer float64 sums and sums of squares, the last layer's draws
    and their projections on ``basis`` (for the control variate)."""
    rng = fnp.random.default_rng(1000 + (mlp.seed or 0))
    sums = [fnp.zeros(mlp.width, dtype=fnp.float64) for _ in range(mlp.depth)]
    sq = list(sums)
    last, feats = [], []
    for lo, hi in chunk_bounds(plan.samples, plan.chunk):
        if plan.antithetic and (hi - lo) % 2 == 0:
            half = rng.standard_normal(((hi - lo) // 2, mlp.width), dtype=fnp.float32)
            x = fnp.concatenate([half, -half], axis=0)
        else:
            x = rng.standard_normal((hi - lo, mlp.width), dtype=fnp.float32)
        if basis is not None:
            feats.append(x @ basis)
        for layer, w in enumerate(mlp.weights):
            h = fnp.matmul(x, w)
            fnp.maximum(h, 0.0, out=h)
            sums[layer] = sums[layer] + fnp.sum(h, axis=0, dtype=fnp.float64)
            sq[layer] = sq[layer] + fnp.einsum("ni,ni->i", h, h).astype(fnp.float64)
            x = h
        last.append(x)
    n = float(plan.samples)
    means = [s / n for s in sums]
    vars_ = [fnp.maximum(q / n - m * m, 0.0) for q, m in zip(sq, means, strict=True)]
    ys = fnp.concatenate(last, axis=0)
    fs = fnp.concatenate(feats, axis=0) if feats else None
    return means, vars_, ys, fs


def ridge_solve(gram, rhs, lam: float):
    eye = fnp.eye(gram.shape[0], dtype=gram.dtype)
    try:
        c = fnp.linalg.cholesky(gram + lam * eye)
        z = fnp.linalg.solve(c, rhs)
        return fnp.linalg.solve(c.T, z), "chol"
    except np.linalg.LinAlgError:
        sol, *_ = fnp.linalg.lstsq(gram + lam * eye, rhs, rcond=None)
        return sol, "lstsq"


def sweep(fs, ys, holdout: int) -> Fit:
    """Ridge control-variate coefficients, lambda from a hold-out residual over RIDGES."""
    f_fit, y_fit = fs[holdout:], ys[holdout:]
    f_out, y_out = fs[:holdout], ys[:holdout]
    gram = fnp.einsum("ni,nj->ij", f_fit, f_fit)
    rhs = fnp.einsum("ni,nk->ik", f_fit, y_fit)
    scale = float(fnp.trace(gram)) / gram.shape[0]
    scores = {}
    for lam in RIDGES:
        beta, rung = ridge_solve(gram, rhs, float(lam) * scale)
        resid = y_out - f_out @ beta
        scores[float(lam)] = (float(fnp.mean(resid * resid)), rung, beta)
    best = min(scores.items(), key=lambda kv: (kv[1][0], kv[0]))
    lam, (score, rung, _) = best
    # refit on every sample with the chosen ridge
    full = fnp.einsum("ni,nj->ij", fs, fs)
    beta, rung = ridge_solve(full, fnp.einsum("ni,nk->ik", fs, ys), lam * scale)
    return Fit(beta, lam, score, rung)


def top_eigenvalue(ys_top) -> tuple:
    """Power iteration on the sample covariance of the top units, to a relative tolerance."""
    centred = ys_top - fnp.mean(ys_top, axis=0)
    cov = fnp.einsum("ni,nj->ij", centred, centred) / max(centred.shape[0] - 1, 1)
    v = fnp.ones(cov.shape[0], dtype=cov.dtype) / math.sqrt(cov.shape[0])
    lam, prev, it = 0.0, -1.0, 0
    while it < POWER_MAX and abs(lam - prev) > POWER_TOL * max(abs(lam), 1e-12):
        prev = lam
        u = cov @ v
        nrm = float(fnp.linalg.norm(u))
        if nrm == 0.0:
            break
        v = u / nrm
        lam = float(v @ (cov @ v))
        it += 1
    return lam, it


class Estimator(BaseEstimator):
    def __init__(self):
        self.trace = []

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = make_plan(width, depth, budget)
        mf = mean_field(mlp)
        prior = fnp.stack(mf.rows)
        if not plan.sampling:
            self.trace.append(("mf", plan.parts))
            return prior
        basis = None
        if "cv" in plan.parts:
            rng = fnp.random.default_rng(17)
            raw = rng.normal(size=(width, plan.rank)).astype(fnp.float32)
            basis, _ = fnp.linalg.qr(raw)
        means, vars_, ys, fs = draw(mlp, plan, basis)
        last = means[-1]
        info = {"n": plan.samples, "chunk": plan.chunk}
        if fs is not None:
            holdout = max(plan.rank, plan.samples // 4)
            fit = sweep(fs.astype(fnp.float64), ys.astype(fnp.float64), holdout)
            shift = fnp.mean(fs, axis=0) @ fit.beta
            if "check" in plan.parts:
                idx = fnp.argpartition(vars_[-1], -plan.top)[-plan.top:]
                lam, its = top_eigenvalue(ys[:, idx])
                info = info | {"lam": round(lam, 4), "its": its}
                if lam > SHRINK_AT * float(fnp.mean(vars_[-1][idx])):
                    shift = shift * 0.5
            last = last - shift
            info = info | {"ridge": fit.ridge, "rung": fit.rung}
        means = means[:-1] + [last]
        rows = []
        for i, (m, v, mu, var) in enumerate(zip(means, vars_, mf.rows, self._mf_vars(mlp), strict=True), start=1):
            se2 = v / plan.samples
            weight = var / (var + se2 + FLOOR)
            rows.append((weight * m + (1.0 - weight) * mu).astype(fnp.float32))
        out = fnp.stack(rows)
        self.trace.append(info | {"plan": plan.describe()})
        try:
            if not bool(fnp.all(fnp.isfinite(out))):
                raise NonFinite("sampling produced a non-finite row")
        except NonFinite:
            out = prior
        return out

    def summary(self) -> dict:
        """How often each plan ran and the ridges the sweeps chose (for the notebook)."""
        kept = [t for t in self.trace if isinstance(t, dict)]
        by_plan = {}
        for plan, group in itertools.groupby(sorted(kept, key=operator.itemgetter("plan")),
                                             key=operator.itemgetter("plan")):
            group = list(group)
            ridges = [g["ridge"] for g in group if "ridge" in g]
            by_plan[plan] = {
                "runs": len(group),
                "ridge": math.fsum(ridges) / len(ridges) if ridges else None,
                "shrunk": sum(1 for g in group if g.get("lam", 0.0) > SHRINK_AT),
            }
        return by_plan

    @staticmethod
    def _mf_vars(mlp: MLP):
        """The mean-field variances per layer (a second pass: the first kept only the means)."""
        state = mean_field.__wrapped__(mlp) if hasattr(mean_field, "__wrapped__") else None
        if state is None:
            var = fnp.ones(mlp.width, dtype=fnp.float32)
            mean = fnp.zeros(mlp.width, dtype=fnp.float32)
            out = []
            for w in mlp.weights:
                nxt = mf_step(Moments(mean, var, ()), w)
                mean, var = nxt.mean, nxt.var
                out.append(var)
            return out
        return []
