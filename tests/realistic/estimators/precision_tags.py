"""Mixed-precision covariance propagation that leans on flopscope's discounts.

("precision_tags")  Team "tag, you're it".  Submission 6.

We read the cost model closely and built the estimator around what it discounts:

* a covariance kept as a symmetric tensor: pushed through a layer with one einsum that passes
  the weights twice (``'ji,jk,kl->il'``), rescaled by the gain's outer product ``outer(g, g)``,
  its diagonal reset by ``fill_diagonal``, jittered by ``eye``; it is stripped only where we
  must (a float32 working copy, a sliced block);
* the precision of every arm picked from the budget: float64 when it fits, float32 working
  copies (``astype``, ``dtype=``) when it does not, a float16 sketch for the low-rank arm (numpy's
  linalg refuses float16, so the sketch is lifted to float32 before its eigh, after one try);
* Python floats where we want to stay in float32, numpy scalars and 0-d arrays where the
  promotion to float64 is wanted (``fnp.result_type`` decides the buffers' dtype);
* Gram products written so the same object goes in twice (``fnp.inner(a, a)``, a tuple of the
  same array unpacked into an einsum, an attribute read back) and a spectral check of the mean
  through ``rfft``/``irfft`` (complex64 from float32);
* a refinement pass that picks the units to refine by a boolean mask, ``unique`` and
  ``argpartition``;
* with budget to spare, an audit of how much float32 loses on the last layer's Gram against
  float64 (a Cholesky with an eigh fallback, a solve on the tagged Gram).

Every arm ends in an ``isfinite`` safety net that falls back to the mean field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SEED = 52
JITTER = 1e-4                  # Python float: weak, keeps the working dtype
GAIN_FLOOR = np.float64(1e-3)  # numpy scalar: strong, widens float32 to float64 on purpose
HALF = 0.5
VAR_FLOOR = 1e-6
SKETCH_MAX = 8
REFINE_FRACTION = 0.125
AUDIT_MARGIN = 20
AUDIT_TOL = 1e-5


# --------------------------------------------------------------------------------------------
# cost model
# --------------------------------------------------------------------------------------------


def rate(dtype) -> int:
    return 2 if fnp.dtype(dtype).itemsize >= 8 else 1


def full_cost(width: int, depth: int, dtype) -> int:
    # the einsum W^T C W (two products of w^3, the second one halved by the symmetry) and the
    # pointwise work on w^2 elements, a few times
    return depth * rate(dtype) * (3 * width ** 3 + 12 * width * width + 120 * width)


def sketch_cost(width: int, depth: int, k: int) -> int:
    # float16 sketch (w^2 k), its float32 gram and eigh (k^3), the diagonal arm beside it
    return depth * (2 * width * width * k + 2 * width * k * k + 30 * k ** 3 + 150 * width)


def diag_cost(width: int, depth: int) -> int:
    return depth * (4 * width * width + 120 * width)


def spectral_cost(width: int, depth: int) -> int:
    half = width // 2 + 1
    return depth * (10 * width * max(1, int(math.log2(width))) + 30 * half)


def audit_cost(width: int) -> int:
    # two Grams (one halved by the symmetry), a Cholesky or an eigh, a solve, the pointwise diff
    return 4 * width ** 3 + 40 * width * width


def refine_cost(width: int, depth: int) -> int:
    k = max(1, int(width * REFINE_FRACTION))
    return depth * (6 * width * k + 40 * width)


@dataclass(frozen=True)
class Plan:
    mode: str                  # "full", "sketch" or "diag"
    work: object               # the working dtype of the covariance
    rank: int = 0
    spectral: bool = False
    refine: bool = False
    audit: bool = False        # a float32-vs-float64 audit of the last layer when the budget is lavish

    def describe(self) -> str:
        return (f"{self.mode}/{fnp.dtype(self.work).name} k={self.rank} spec={self.spectral} "
                f"ref={self.refine} audit={self.audit}")


def make_plan(width: int, depth: int, budget: int) -> Plan:
    left = budget - diag_cost(width, depth)
    if left <= 0:
        return Plan("diag", fnp.float32)
    spectral = left > 6 * spectral_cost(width, depth)
    if spectral:
        left -= spectral_cost(width, depth)
    refine = left > 8 * refine_cost(width, depth) and width >= 16
    if refine:
        left -= refine_cost(width, depth)
    for dtype in (fnp.float64, fnp.float32):
        if full_cost(width, depth, dtype) <= 0.8 * left:
            audit = left > AUDIT_MARGIN * (full_cost(width, depth, dtype) + audit_cost(width))
            return Plan("full", dtype, spectral=spectral, refine=refine, audit=audit)
    rank = min(SKETCH_MAX, max(2, width // 4))
    while rank > 2 and sketch_cost(width, depth, rank) > 0.8 * left:
        rank //= 2
    if sketch_cost(width, depth, rank) <= 0.8 * left:
        return Plan("sketch", fnp.float32, rank=rank, spectral=spectral, refine=refine)
    return Plan("diag", fnp.float32, spectral=spectral)


# --------------------------------------------------------------------------------------------
# closed forms
# --------------------------------------------------------------------------------------------


def relu_moments(mu, var):
    """ReLU moments of N(mu, var) per unit: mean, variance and the gain P(x > 0).

    stats.norm returns float64 whatever goes in, so the results are float64; callers cast."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = flops.stats.norm.pdf(z)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    out_var = fnp.maximum(second - mean * mean, 0.0)
    return mean, out_var, cdf


def promote_like(x, *others):
    """The dtype numpy would give ``x`` combined with ``others`` (NEP 50: Python floats weak)."""
    return fnp.result_type(x, *others)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


class GramBank:
    """Keeps the last layer's weights and answers Gram questions about them.

    The same array is stored twice on purpose (``self.left`` and ``self.right`` are one object),
    so ``fnp.inner(self.left, self.right)`` is flopscope's symmetric Gram."""

    def __init__(self):
        self.left = None
        self.right = None
        self.history: list[float] = []

    def load(self, w):
        self.left = w
        self.right = self.left

    def gram(self):
        return fnp.inner(self.left, self.right)

    def column_energy(self):
        # one Gram diagonal entry per column; the same array twice in the einsum
        pair = (self.left, self.left)
        return fnp.einsum("ij,ij->j", *pair)

    def record(self, g):
        self.history.append(float(fnp.trace(g)))


@dataclass
class LayerLog:
    layer: int
    mode: str
    dtype: str
    notes: list = field(default_factory=list)


class Ledger:
    """What each layer did, for our own debugging: Python-side only."""

    def __init__(self):
        self.rows: list[LayerLog] = []

    def open(self, layer: int, mode: str, dtype) -> LayerLog:
        row = LayerLog(layer, mode, fnp.dtype(dtype).name)
        self.rows.append(row)
        return row

    def fallbacks(self) -> int:
        return sum(1 for r in self.rows if "fallback" in r.notes)


def symmetric_gain(cdf, work):
    """outer(g, g) of the gain in the working dtype: the same vector twice, so flopscope tags it."""
    g = cdf.astype(work)
    return fnp.outer(g, g)


def lift(x, work):
    """A working copy in ``work``; no copy when it already is (``copy=False``)."""
    return x.astype(work, copy=False)


# --------------------------------------------------------------------------------------------
# the full covariance arm
# --------------------------------------------------------------------------------------------


class FullCovariance:
    """Mean and full covariance in the working dtype, the covariance tagged symmetric."""

    def __init__(self, width: int, work):
        self.width = width
        self.work = work
        self.eye = fnp.eye(width, dtype=work)

    def start(self):
        mu = fnp.zeros(self.width, dtype=self.work)
        cov = fnp.eye(self.width, dtype=self.work)   # tagged by construction
        return mu, cov

    def push(self, w, mu, cov):
        wt = lift(w, self.work)
        pre_mu = wt.T @ mu
        pre_cov = fnp.einsum("ji,jk,kl->il", wt, cov, wt)
        return pre_mu, pre_cov

    def activate(self, pre_mu, pre_cov):
        var = fnp.diagonal(pre_cov)
        mean, out_var, cdf = relu_moments(pre_mu, var)
        gain = symmetric_gain(cdf, self.work)
        post = pre_cov * gain                        # symmetric times symmetric: still tagged
        # (asarray: no copy, the same buffer; the diagonal write voids post's tag all the same)
        fnp.fill_diagonal(fnp.asarray(post), out_var.astype(self.work))
        post = post + JITTER * self.eye
        return mean.astype(self.work), post

    def check(self, cov) -> bool:
        # eigh on the tagged covariance; a negative eigenvalue past the jitter means drift
        vals = fnp.linalg.eigvalsh(cov)
        return bool(vals[0] > -10 * JITTER)


# --------------------------------------------------------------------------------------------
# the low-rank sketch arm
# --------------------------------------------------------------------------------------------


class Sketch:
    """A float16 sketch of the weights' row space beside a float32 diagonal."""

    def __init__(self, width: int, rank: int, rng):
        self.width = width
        self.rank = rank
        probes = rng.standard_normal((width, rank))
        self.probes = probes.astype(fnp.float16)

    def basis(self, w):
        w16 = w.astype(fnp.float16)
        y = w16.T @ self.probes                      # float16 (width, rank)
        gram = fnp.einsum("ij,ik->jk", y, y)         # y twice: tagged, float16
        try:
            vals, vecs = fnp.linalg.eigh(gram)
        except TypeError:
            # numpy's linalg has no float16 loops: lift the Gram and try again
            vals, vecs = fnp.linalg.eigh(gram.astype(fnp.float32))
        scale = fnp.sqrt(fnp.maximum(vals, 1e-6))
        q = (y.astype(fnp.float32) @ vecs) / scale
        return q, vals

    def project(self, q, mu, var):
        coef = q.T @ mu
        low = q @ coef
        energy = fnp.einsum("ij,ij->i", q, q)        # row norms of q: q twice
        resid = fnp.maximum(var - energy * fnp.mean(var), 0.0)
        return low, resid


# --------------------------------------------------------------------------------------------
# spectral check and refinement
# --------------------------------------------------------------------------------------------


def spectral_smooth(mu, keep: int):
    """Damp the high half of the mean's spectrum across units (float32 in: complex64)."""
    spec = fnp.fft.rfft(mu)
    power = fnp.abs(spec) ** 2
    k = fnp.arange(spec.shape[0])
    damp = fnp.where(k < keep, 1.0, 0.5).astype(fnp.float32)
    back = fnp.fft.irfft(spec * damp, n=mu.shape[0])
    cross = fnp.outer(spec, spec)                    # spec twice: a symmetric complex64 tensor
    coherence = fnp.real(cross) / (fnp.abs(cross) + 1e-12)   # fnp.real keeps the tag
    share = fnp.sum(power[:keep]) / (fnp.sum(power) + 1e-12) * fnp.mean(coherence)
    return back, share


def pick_units(mu, var, k: int):
    """Units worth refining: firing ones (a boolean mask), ranked by spread (argpartition)."""
    score = var / (fnp.abs(mu) + 1.0)
    top = fnp.argpartition(score, -k)[-k:]
    firing = mu[top] > 0
    chosen = top[firing]
    levels = fnp.unique((score[chosen] * 4).astype(fnp.int32))
    return chosen, len(levels)


def refine(w, mu, var, chosen, work):
    """One extra step of mean correction on the chosen units' columns."""
    if len(chosen) == 0:
        return mu
    cols = w[:, chosen].astype(work)
    ct = cols.T                                      # one object twice: a symmetric Gram
    corr = fnp.inner(ct, ct)
    fnp.fill_diagonal(corr.T, 0.0)                   # no self-coupling (voids the tag)
    bump = fnp.sum(corr * (HALF / cols.shape[0]), axis=1)
    # scatter back through a one-hot matrix (flopscope arrays are immutable: no mu[idx] += ...)
    units = fnp.arange(mu.shape[0])
    onehot = (units[:, None] == chosen[None, :]).astype(work)
    delta = onehot @ bump
    return mu + 0.05 * delta.astype(mu.dtype)


# --------------------------------------------------------------------------------------------
# the precision audit
# --------------------------------------------------------------------------------------------


@dataclass
class AuditResult:
    drift: float
    lost: float
    method: str


class PrecisionAudit:
    """How far the float32 Gram of the last layer is from the float64 one, and whether the
    float64 Gram is well enough conditioned to solve against. Runs only with budget to spare."""

    def __init__(self, tol: float = AUDIT_TOL):
        self.tol = tol
        self.results: list[AuditResult] = []

    def grams(self, w):
        w64 = w.astype(fnp.float64)
        w32 = lift(w, fnp.float32)                   # float32 already: a new object, no copy
        g64 = fnp.einsum("ij,kj->ik", w64, w64)      # w64 twice: tagged
        g32 = w32 @ w32.T                            # a transpose is another object: dense
        return g64, g32

    def factor(self, g64, n: int):
        eye = fnp.eye(n)
        try:
            chol = fnp.linalg.cholesky(g64 + JITTER * eye)
            return chol, "chol"
        except np.linalg.LinAlgError:
            vals, vecs = fnp.linalg.eigh(g64)
            floor = fnp.maximum(vals, JITTER)
            return vecs * fnp.sqrt(floor), "eigh"

    def run(self, w, mu) -> AuditResult:
        n = w.shape[0]
        g64, g32 = self.grams(w)
        diff = g64 - g32                             # float64: the float32 side is promoted
        scale = fnp.max(fnp.abs(g64)) + 1e-30        # a 0-d float64 array: strong in promotion
        rel = fnp.abs(diff) / scale
        lost = float(fnp.mean(rel > self.tol))       # the share of entries float32 got wrong
        root, method = self.factor(g64, n)
        probe = fnp.linalg.solve(g64 + JITTER * fnp.eye(n), mu.astype(fnp.float64))
        energy = float(fnp.dot(probe, probe))        # the same vector twice: no discount for dot
        drift = float(fnp.sqrt(fnp.sum(rel * rel))) + 1e-3 * math.log1p(energy)
        out = AuditResult(drift, lost, method)
        self.results.append(out)
        return out


# --------------------------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------------------------


class Estimator(BaseEstimator):
    def __init__(self):
        self.plan: Plan | None = None
        self.ledger = Ledger()
        self.bank = GramBank()
        self.calls = 0

    def setup(self, context=None):
        self.ledger = Ledger()

    # ---- the diagonal fallback, used on its own and by every safety net --------------------

    def mean_field(self, weights, start: int, mu, var):
        rows = []
        for w in weights[start:]:
            w2 = w * w                                     # float32
            pre_mu = w.T @ mu
            pre_var = w2.T @ var
            mean, out_var, _ = relu_moments(pre_mu, pre_var)
            mu = mean.astype(fnp.float32)
            var = out_var.astype(fnp.float32)
            rows.append(mu)
        return rows

    # ---- arms --------------------------------------------------------------------------------

    def run_full(self, mlp: MLP, plan: Plan):
        arm = FullCovariance(mlp.width, plan.work)
        mu, cov = arm.start()
        rows = []
        for i, w in enumerate(mlp.weights):
            log = self.ledger.open(i, "full", plan.work)
            pre_mu, pre_cov = arm.push(w, mu, cov)
            mu, cov = arm.activate(pre_mu, pre_cov)
            if not fnp.all(fnp.isfinite(cov)):
                log.notes.append("fallback")
                var = fnp.ones(mlp.width, dtype=fnp.float32)
                rows.append(mu.astype(fnp.float32))
                rows.extend(self.mean_field(mlp.weights, i + 1, mu.astype(fnp.float32), var))
                return rows, None
            rows.append(mu)
            self.bank.load(w)
        # a last look at the covariance: a float32 working copy for the check at float64
        cov_check = cov if plan.work == fnp.float32 else cov.astype(fnp.float32)
        healthy = arm.check(cov_check)
        return rows, (cov if healthy else None)

    def run_sketch(self, mlp: MLP, plan: Plan, rng):
        sk = Sketch(mlp.width, plan.rank, rng)
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for i, w in enumerate(mlp.weights):
            log = self.ledger.open(i, "sketch", fnp.float16)
            q, vals = sk.basis(w)
            pre_mu = w.T @ mu
            pre_var = (w * w).T @ var
            low, resid = sk.project(q, pre_mu, pre_var)
            blend = HALF * pre_mu + (1 - HALF) * low      # float32
            mean, out_var, _ = relu_moments(blend, resid + fnp.abs(pre_var - resid))
            mu = mean.astype(fnp.float32)
            var = out_var.astype(promote_like(mu, JITTER))
            if not fnp.all(fnp.isfinite(mu)):
                log.notes.append("fallback")
                mu = fnp.zeros(mlp.width, dtype=fnp.float32)
            rows.append(mu)
            self.bank.load(w)
        return rows

    def run_diag(self, mlp: MLP):
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        self.ledger.open(0, "diag", fnp.float32)
        return self.mean_field(mlp.weights, 0, mu, var)

    # ---- predict -----------------------------------------------------------------------------

    def predict(self, mlp: MLP, budget: int):
        self.calls += 1
        width, depth = mlp.width, mlp.depth
        plan = make_plan(width, depth, budget)
        self.plan = plan
        rng = fnp.random.default_rng(SEED)

        cov = None
        if plan.mode == "full":
            rows, cov = self.run_full(mlp, plan)
        elif plan.mode == "sketch":
            rows = self.run_sketch(mlp, plan, rng)
        else:
            rows = self.run_diag(mlp)

        # every row in one dtype: the widest the arms produced, decided by result_type
        common = promote_like(*rows)
        out = fnp.stack([lift(r, common) for r in rows])

        if plan.spectral:
            keep = max(1, (width // 2 + 1) // 2)
            smoothed, share = spectral_smooth(out[-1], keep)
            mix = GAIN_FLOOR * 100                     # np.float64: the blend is float64
            last = (1 - mix) * out[-1] + mix * smoothed
            out = fnp.concatenate([out[:-1], last[None, :].astype(out.dtype)])

        if plan.refine and cov is not None:
            var = fnp.diagonal(cov)
            k = max(1, int(width * REFINE_FRACTION))
            chosen, levels = pick_units(out[-1], var, k)
            if levels > 1:
                fixed = refine(mlp.weights[-1], out[-1], var, chosen, plan.work)
                out = fnp.concatenate([out[:-1], fixed[None, :].astype(out.dtype)])

        if plan.audit:
            report = PrecisionAudit().run(mlp.weights[-1], out[-1])
            # the more float32 lost on this MLP, the more the last row is damped toward its mean
            damp = fnp.float32(1.0 - min(report.drift * report.lost, 0.5))
            out = fnp.concatenate([out[:-1], (damp * out[-1] + (1 - damp) * fnp.mean(out[-1]))[None, :]])

        if self.bank.left is not None:
            g = self.bank.gram()
            self.bank.record(g)
            energy = self.bank.column_energy()
            tilt = fnp.sqrt(energy / (fnp.max(energy) + 1e-12))
            out = out * (0.99 + 0.01 * tilt.astype(out.dtype))

        if not fnp.all(fnp.isfinite(out)):
            out = fnp.stack(self.run_diag(mlp))
        return out
