"""Twin-Gram moment propagation ("twin_gram").

Team "aliasing is free money".  flopscope charges a product of an array with itself (``a @ a.T``,
``outer(g, g)``, ``einsum('ij,ij->i', f, f)``) at a discount and keeps the symmetric tag on the
result, so every representation here is carried as a *root*: the covariance of the
pre-activations is ``R R^T`` for a root ``R`` we push through the layer (``W^T R``) and square
only when we need the diagonal or a factorisation.

Per layer one of four propagators runs, planned from the budget by a memoised recursion over
(layers left, budget units, previous mode):

* ``gram``    full covariance as a Gram product ``(W^T L)(W^T L)^T`` of its Cholesky root, the
              ReLU gain applied through ``outer(g, g)`` in place (``out=``), a Cholesky ->
              jittered Cholesky -> eigh (clipped) -> diagonal root ladder;
* ``lowrank`` a float32 root of k columns re-orthogonalised by QR and truncated by an SVD of its
              R factor with an energy while loop (tolerance and cap), a float64 diagonal on top;
* ``active``  mean field plus a small exact block on the top-k units by variance
              (``argpartition``), the block's Gram solved by a cholesky -> solve -> lstsq ladder;
* ``sample``  Monte Carlo in float32 chunks from a generator, antithetic halves as views.

Covariances that blow past 1e30 are rescaled (log scale carried); a non-finite output raises,
the layer is redone by the next cheaper propagator.

v6 notes: "float32 roots halve the products; keep the diagonal in float64 or deep nets drift".
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import operator
from dataclasses import dataclass, field, replace
from typing import Iterator, NamedTuple

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

log = logging.getLogger("twin_gram")

MODES = ("gram", "lowrank", "active", "sample")
NEXT_CHEAPER = {"gram": "lowrank", "lowrank": "active", "active": "sample", "sample": None}
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class Breakdown(ArithmeticError):
    """A propagator produced something the next layer cannot use."""


# ---------------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TwinConfig:
    reserve: float = 0.06
    safety: float = 4.0         # the meter bills float64 twice and the ladders retry: v5 ran over at 1.5
    rescale_at: float = 1e30
    var_floor: float = 1e-12
    jitters: tuple = (0.0, 1e-8, 1e-5)
    eig_floor: float = 1e-10
    rank_frac: float = 0.25
    rank_floor: int = 2
    rank_cap: int = 16
    energy_keep: float = 0.995
    energy_cap: int = 24
    active_frac: float = 0.25
    active_floor: int = 2
    active_cap: int = 12
    samples_min: int = 16
    samples_max: int = 256
    chunk: int = 32
    stop_se: float = 1e-4
    polish_cap: int = 6
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rank_floor > self.rank_cap:
            raise ValueError(f"rank_floor {self.rank_floor} above rank_cap {self.rank_cap}")
        if self.chunk % 2:
            object.__setattr__(self, "chunk", self.chunk + 1)

    @property
    def jitter_ladder(self) -> tuple:
        return tuple(sorted(set(self.jitters)))

    def rank_for(self, width: int) -> int:
        return int(np.clip(int(self.rank_frac * width), self.rank_floor, min(self.rank_cap, width)))

    def active_for(self, width: int) -> int:
        return int(np.clip(round(self.active_frac * width), self.active_floor, min(self.active_cap, width)))

    def tuned(self, **kw) -> "TwinConfig":
        mine = {k: v for k, v in kw.items() if k in self.__dataclass_fields__}
        out = replace(self, **mine)
        out.extra.update({k: v for k, v in kw.items() if k not in mine})
        return out


# ---------------------------------------------------------------------------------------------
# the cost model (plain Python)
# ---------------------------------------------------------------------------------------------


class Costs:
    """FLOP estimates per layer and mode, fitted to flopscope's meter by hand (v5)."""

    def __init__(self, cfg: TwinConfig, width: int, depth: int):
        self.cfg, self.width, self.depth = cfg, width, depth
        self.rank = cfg.rank_for(width)
        self.k_active = cfg.active_for(width)

    @property
    def unit(self) -> int:
        # the planner counts in mean-field layers so that large budgets stay a small table
        return 2 * self.width * self.width + 30 * self.width

    def layer(self, mode: str) -> int:
        return int(self.cfg.safety * self._layer(mode))

    def _layer(self, mode: str) -> int:
        w, k, a = self.width, self.rank, self.k_active
        moments = 30 * w
        if mode == "gram":
            # W^T L (2 w^3), its Gram (w^3, halved by the tag), Cholesky (w^3 / 3) and the gain
            return 2 * w ** 3 + w ** 3 + w ** 3 // 3 + 4 * w * w + moments
        if mode == "lowrank":
            return 2 * w * w * k + 4 * w * k * k + 2 * k ** 3 + 2 * w * w + moments
        if mode == "active":
            return 2 * w * w + 2 * a * w * w + 2 * a ** 3 + moments
        return 0  # sampling is priced on its own below, from what is left

    def samples(self, room: int) -> int:
        per = int(self.cfg.safety * (2 * self.depth * self.width * (self.width + 2) + 8 * self.width))
        n = room // max(per, 1)
        return int(np.clip(n - n % 2, 0, self.cfg.samples_max))

    def units(self, mode: str) -> int:
        return -(-self.layer(mode) // self.unit)

    def plan(self, room: int) -> tuple:
        top = self.depth * self.units("gram")
        err, modes = self._plan(self.depth, min(room // self.unit, top), "gram")
        return modes if not math.isinf(err) else ("sample",) * self.depth

    @functools.lru_cache(maxsize=None)
    def _plan(self, layers: int, units: int, prev: str) -> tuple:
        if layers == 0:
            return 0.0, ()
        best = (math.inf, ())
        for penalty, mode in enumerate(MODES[:-1]):
            # a dearer mode after a cheaper one cannot rebuild the covariance: not allowed
            if MODES.index(mode) < MODES.index(prev):
                continue
            cost = self.units(mode)
            if cost > units:
                continue
            err, tail = self._plan(layers - 1, units - cost, mode)
            cand = (err + (penalty + 1) ** 2 * layers, (mode,) + tail)
            if cand[0] < best[0]:
                best = cand
        return best

    def spent(self, modes) -> int:
        return functools.reduce(operator.add, (self.layer(m) for m in modes), 0)


# ---------------------------------------------------------------------------------------------
# ReLU moments
# ---------------------------------------------------------------------------------------------


class Moments(NamedTuple):
    mean: object
    var: object
    gain: object


def relu_moments(mu, var, floor):
    """Gaussian-closure moments of ReLU(x), x ~ N(mu, var), per unit (float64 in, float64 out)."""
    sigma = fnp.sqrt(fnp.maximum(var, floor))
    alpha = mu / sigma
    cdf = flops.stats.norm.cdf(alpha)
    pdf = fnp.exp(-0.5 * alpha * alpha) * INV_SQRT_2PI
    mean = mu * cdf + sigma * pdf
    second = (mu * mu + var) * cdf + mu * sigma * pdf
    return Moments(mean, fnp.maximum(second - mean * mean, 0.0), cdf)


# ---------------------------------------------------------------------------------------------
# state
# ---------------------------------------------------------------------------------------------


@dataclass
class State:
    mu: object                  # (w,) float64
    root: object = None         # gram: (w, w) lower root; lowrank: (w, k) float32 columns
    diag: object = None         # (w,) float64 residual / mean-field variance
    log_scale: float = 0.0
    trail: list = field(default_factory=list)

    @property
    def scale(self) -> float:
        return math.exp(self.log_scale) if self.log_scale else 1.0

    @property
    def width(self) -> int:
        return int(self.mu.shape[0])

    def note(self, mode: str, **info) -> None:
        self.trail.append((mode, tuple(sorted(info.items()))))


def finite_or_raise(x, what: str):
    if not fnp.all(fnp.isfinite(x)):
        raise Breakdown(f"{what}: non-finite values")
    return x


def rescaled(cov, state: State, cfg: TwinConfig):
    """Divide a covariance by its peak once it passes cfg.rescale_at; the scale goes to the log."""
    peak = float(fnp.max(fnp.abs(cov)))
    if peak > cfg.rescale_at:
        fnp.divide(cov, peak, out=cov)
        state.log_scale += math.log(peak)
    return cov


# ---------------------------------------------------------------------------------------------
# roots
# ---------------------------------------------------------------------------------------------


class RootLadder:
    """cholesky -> jittered cholesky -> eigh (clipped) -> diagonal, first that works."""

    def __init__(self, cfg: TwinConfig):
        self.cfg = cfg
        self.used = []

    def __call__(self, cov):
        n = cov.shape[0]
        for jitter in self.cfg.jitter_ladder:
            try:
                root = fnp.linalg.cholesky(cov + jitter * fnp.eye(n) if jitter else cov)
            except np.linalg.LinAlgError:
                continue
            self.used.append(f"cholesky+{jitter:g}")
            return root
        try:
            vals, vecs = fnp.linalg.eigh(cov)
        except np.linalg.LinAlgError:
            self.used.append("diag")
            return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diagonal(cov), self.cfg.var_floor)))
        vals = fnp.maximum(vals, self.cfg.eig_floor)
        self.used.append("eigh")
        return vecs * fnp.sqrt(vals)


# ---------------------------------------------------------------------------------------------
# propagators
# ---------------------------------------------------------------------------------------------


class Propagator:
    """One layer of moment propagation.  Subclasses fill ``step``; ``__call__`` wraps it with the
    bookkeeping (and the safety net) every propagator shares."""

    mode = "base"

    def __init__(self, cfg: TwinConfig, costs: Costs, **options):
        self.cfg = cfg
        self.costs = costs
        self.options = options

    def __call__(self, state: State, weight, *args, **kwargs) -> State:
        out = self.step(state, weight, *args, **kwargs)
        finite_or_raise(out.mu, self.mode)
        out.note(self.mode, **{k: v for k, v in kwargs.items() if isinstance(v, (int, float, str))})
        return out

    def step(self, state: State, weight, *args, **kwargs) -> State:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def pre_mean(state: State, weight):
        return weight.T @ state.mu


class GramPropagator(Propagator):
    mode = "gram"

    def __init__(self, cfg, costs, **options):
        super().__init__(cfg, costs, **options)
        self.ladder = RootLadder(cfg)

    def root_of(self, state: State, weight):
        if state.root is None:
            # the first layer: the input covariance is the identity, its root is itself
            return fnp.eye(state.width)
        if state.root.shape[1] != state.width:
            # coming from a low-rank state: the square root of F F^T + diag(d) by the ladder
            f = state.root.astype(fnp.float64)
            return self.ladder(f @ f.T + fnp.diag(state.diag))
        return state.root

    def step(self, state, weight, *args, **kwargs):
        w64 = weight.astype(fnp.float64)
        a = w64.T @ self.root_of(state, weight)
        cov = a @ a.T                                   # symmetric: the Gram of the pushed root
        cov = rescaled(cov, state, self.cfg)
        mu_pre = self.pre_mean(state, w64)
        m = relu_moments(mu_pre, fnp.diagonal(cov).copy() * state.scale, self.cfg.var_floor)
        gain = m.gain
        fnp.multiply(cov, fnp.outer(gain, gain), out=cov)   # in place: the gain on both sides
        fnp.fill_diagonal(cov, m.var / state.scale)
        root = self.ladder(cov)
        return State(m.mean, root, None, state.log_scale, state.trail)


class LowRankPropagator(Propagator):
    mode = "lowrank"

    def truncate(self, r):
        """Columns to keep: the smallest k whose singular values hold cfg.energy_keep of the energy."""
        s = fnp.linalg.svd(r, compute_uv=False)
        energy = s * s
        total = float(fnp.sum(energy))
        if total <= 0.0 or not math.isfinite(total):
            return 1
        k, kept = 0, 0.0
        while k < min(len(s), self.cfg.energy_cap) and kept < self.cfg.energy_keep * total:
            kept += float(energy[k])
            k += 1
        return max(k, 1)

    def step(self, state, weight, *args, **kwargs):
        w = weight
        k = self.costs.rank
        if state.root is None:
            # the identity's best rank-k root: the first k unit vectors, as float32
            f = fnp.eye(state.width, k, dtype=fnp.float32)
            d = fnp.ones(state.width) - fnp.sum(f * f, axis=1)
        elif state.root.shape[1] == state.width:
            # from a full root: keep its k heaviest columns (by norm) and the rest as a diagonal
            norms = fnp.einsum("ij,ij->j", state.root, state.root)
            keep = fnp.argpartition(norms, -k)[-k:]
            f = state.root[:, keep].astype(fnp.float32)
            d = fnp.maximum(fnp.einsum("ij,ij->i", state.root, state.root)
                            - fnp.einsum("ij,ij->i", f, f), 0.0)
        else:
            f, d = state.root, state.diag
        g = w.T @ f                                      # float32 x float32
        q, r = fnp.linalg.qr(g)
        keep = self.truncate(r)
        u, s, vt = fnp.linalg.svd(r, full_matrices=False)
        g = q @ (u[:, :keep] * s[:keep])                 # (w, keep) float32
        diag_pre = (w * w).T @ d                         # float32 weights squared, float64 diagonal
        var_pre = fnp.einsum("ij,ij->i", g, g) + diag_pre
        mu_pre = self.pre_mean(state, w)
        m = relu_moments(mu_pre, var_pre, self.cfg.var_floor)
        f_new = g * m.gain[:, None].astype(fnp.float32)
        resid = m.var - fnp.einsum("ij,ij->i", f_new, f_new)
        return State(m.mean, f_new, fnp.maximum(resid, 0.0), state.log_scale, state.trail)


class ActivePropagator(Propagator):
    mode = "active"

    def step(self, state, weight, *args, **kwargs):
        w = weight
        mu_pre = self.pre_mean(state, w)
        var_in = self._input_var(state)
        var_pre = (w * w).T @ var_in
        m = relu_moments(mu_pre, var_pre, self.cfg.var_floor)
        k = self.costs.k_active
        if k >= state.width:
            return State(m.mean, None, m.var, state.log_scale, state.trail)
        top = fnp.argpartition(var_pre, -k)[-k:]
        top = fnp.sort(top)
        block = w[:, top]
        sub = block.T * fnp.sqrt(var_in)                 # (k, w): the block's root
        gram = sub @ sub.T                               # symmetric (k, k)
        rhs = sub @ state.mu[:, None] if state.mu.ndim == 1 else sub @ state.mu
        corr = self._solve(gram, rhs, kwargs.get("ridge", 1e-6))
        # scatter the correction back through the rows of the identity the block picked
        onehot = fnp.eye(state.width)[top]
        mean = m.mean + (1e-3 * corr[:, 0] * m.gain[top]) @ onehot
        return State(mean, None, m.var, state.log_scale, state.trail)

    def _input_var(self, state):
        if state.diag is not None and state.root is not None:
            f = state.root
            return state.diag + fnp.einsum("ij,ij->i", f, f)
        if state.diag is not None:
            return state.diag
        if state.root is not None:
            return fnp.einsum("ij,ij->i", state.root, state.root)
        return fnp.ones(state.width)

    def _solve(self, gram, rhs, ridge):
        n = gram.shape[0]
        try:
            chol = fnp.linalg.cholesky(gram + ridge * fnp.eye(n))
            y = fnp.linalg.solve(chol, rhs)
            return fnp.linalg.solve(chol.T, y)
        except np.linalg.LinAlgError:
            return fnp.linalg.lstsq(gram, rhs, rcond=None)[0]


class SamplePropagator(Propagator):
    """Not a per-layer propagator: runs the whole net on samples (see TwinGram.sample_all)."""

    mode = "sample"

    def step(self, state, weight, *args, **kwargs):
        raise Breakdown("sampling runs the whole net")


REGISTRY = {cls.mode: cls for cls in (GramPropagator, LowRankPropagator, ActivePropagator,
                                       SamplePropagator)}


# ---------------------------------------------------------------------------------------------
# sampling
# ---------------------------------------------------------------------------------------------


def draw_chunks(rng, width: int, n: int, chunk: int) -> Iterator:
    """Antithetic float32 chunks: the second half of each chunk is the negated first half."""
    left = n
    while left > 0:
        m = min(chunk, left)
        half = rng.standard_normal((m // 2, width), dtype=fnp.float32)
        mirror = fnp.empty_like(half)
        fnp.negative(half, out=mirror)
        yield fnp.concatenate([half, mirror], axis=0)
        left -= m


def forward(chunk, weights):
    """Layer means of ReLU(x W) for one chunk, one row per layer."""
    x = chunk
    for w in weights:
        x = fnp.maximum(x @ w, 0.0)
        yield fnp.mean(x, axis=0)


def running_means(chunks, weights):
    """Welford over chunks of per-layer means; yields (count, mean, m2) after each chunk."""
    count, mean, m2 = 0, None, None
    for c in chunks:
        layer_means = fnp.stack(list(forward(c, weights)))
        count += 1
        if mean is None:
            mean, m2 = layer_means, fnp.zeros_like(layer_means)
            yield count, mean, m2
            continue
        delta = layer_means - mean
        mean = mean + delta / count
        m2 = m2 + delta * (layer_means - mean)
        yield count, mean, m2


# ---------------------------------------------------------------------------------------------
# polish: a few power sweeps on the last covariance, paid from what the plan left over
# ---------------------------------------------------------------------------------------------


@dataclass
class Sweep:
    value: float
    change: float


class Polisher:
    """Top eigenpair of the last layer's covariance by power iteration on its Gram form, to
    correct the means of the units that load on it (the direction ReLU clips most)."""

    def __init__(self, cfg: TwinConfig, sweeps: int, tol: float = 1e-6):
        self.cfg, self.sweeps, self.tol = cfg, sweeps, tol
        self._buf = None

    @property
    def active(self) -> bool:
        return self.sweeps > 0

    def gram(self, root):
        """root @ root.T into one buffer kept across calls of the same width and dtype."""
        n = root.shape[0]
        if self._buf is None or self._buf.shape != (n, n) or self._buf.dtype != root.dtype:
            self._buf = fnp.empty((n, n), dtype=root.dtype)
        fnp.matmul(root, root.T, out=self._buf)
        return self._buf

    def sweep_all(self, cov) -> Iterator:
        v = fnp.ones(cov.shape[0], dtype=cov.dtype) / math.sqrt(cov.shape[0])
        prev = 0.0
        for it in range(self.sweeps):
            u = cov @ v
            value = float(fnp.dot(v, u))
            v = u / max(float(fnp.linalg.norm(u)), 1e-30)
            yield it, v, Sweep(value, abs(value - prev))
            prev = value

    def __call__(self, state: State):
        if not self.active or state.root is None:
            return state
        root = state.root
        cov = self.gram(root) if root.shape[0] == root.shape[1] else root @ root.T
        v, last = None, Sweep(0.0, math.inf)
        for it, v, last in self.sweep_all(cov):
            if last.change < self.tol * max(abs(last.value), 1.0):
                break
        if v is None or not math.isfinite(last.value) or last.value <= 0.0:
            return state
        load = v * v                                         # the same vector twice
        shift = np.float64(0.5 * self.cfg.var_floor) * load  # a numpy scalar: float64 either way
        mu = fnp.add(state.mu, shift.astype(state.mu.dtype), out=fnp.empty_like(state.mu))
        return replace(state, mu=mu)


# ---------------------------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------------------------


class TwinGram(BaseEstimator):
    cfg = TwinConfig()

    def __init__(self, **overrides):
        super().__init__()
        self.cfg = TwinConfig().tuned(**overrides) if overrides else type(self).cfg
        self.history = {}
        self.fallbacks = {}     # per MLP, the layers that fell back (read in the notebook, not here)

    # -- planning -------------------------------------------------------------------------

    @functools.lru_cache(maxsize=8)
    def _costs(self, width: int, depth: int) -> Costs:
        return Costs(self.cfg, width, depth)

    def plan(self, width: int, depth: int, budget: int) -> tuple:
        costs = self._costs(width, depth)
        room = int(budget * (1.0 - self.cfg.reserve))
        modes = costs.plan(room)
        spent = costs.spent(m for m in modes if m != "sample")
        if spent > room:
            modes = ("sample",) * depth
        log.debug("plan %s at %dx%d: %d of %d", modes, width, depth, spent, room)
        return modes

    def polish_sweeps(self, modes, costs, budget: int) -> int:
        """Power sweeps the left-over budget pays for (only after a full-covariance last layer)."""
        if not modes or modes[-1] != "gram":
            return 0
        left = int(budget * (1.0 - self.cfg.reserve)) - costs.spent(modes)
        per = int(self.cfg.safety * (2 * costs.width ** 2 + 4 * costs.width))
        return int(np.clip(left // max(per, 1), 0, self.cfg.polish_cap))

    # -- layers ---------------------------------------------------------------------------

    def propagators(self, modes, costs) -> Iterator:
        made = {}
        for mode in modes:
            if mode not in made:
                made[mode] = REGISTRY[mode](self.cfg, costs)
            yield made[mode]

    def run_layers(self, mlp: MLP, modes, costs, polish=None):
        state = State(fnp.zeros(mlp.width))
        rows = []
        last = len(modes) - 1
        for i, (weight, prop) in enumerate(zip(mlp.weights, self.propagators(modes, costs))):
            try:
                state = prop(state, weight, layer=i)
            except (Breakdown, np.linalg.LinAlgError) as err:
                fallback = NEXT_CHEAPER.get(prop.mode)
                self.fallbacks.setdefault(mlp.name, []).append((i, prop.mode, fallback))
                log.info("layer %d: %s failed (%s), falling back to %s", i, prop.mode, err, fallback)
                if fallback in (None, "sample"):
                    raise
                state = REGISTRY[fallback](self.cfg, costs)(state, weight, layer=i)
            if i == last and polish is not None:
                state = polish(state)
            rows.append(state.mu)
        return rows

    def sample_all(self, mlp: MLP, costs, room: int):
        n = max(costs.samples(room), self.cfg.samples_min)
        rng = fnp.random.default_rng(mlp.seed or 5)
        chunks = draw_chunks(rng, mlp.width, n, self.cfg.chunk)
        mean = None
        for count, mean, m2 in running_means(chunks, mlp.weights):
            if count < 2:
                continue
            se = float(fnp.max(m2)) / (count * (count - 1))
            if se < self.cfg.stop_se:
                break
        return [mean[i] for i in range(mlp.depth)]

    # -- entry ----------------------------------------------------------------------------

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        costs = self._costs(width, depth)
        modes = self.plan(width, depth, budget)
        self.history[(mlp.name, mlp.seed)] = modes
        if all(m == "sample" for m in modes):
            rows = self.sample_all(mlp, costs, int(budget * (1.0 - self.cfg.reserve)))
        else:
            rows = self.run_layers(mlp, modes, costs, Polisher(self.cfg, self.polish_sweeps(modes, costs, budget)))
        out = fnp.stack([fnp.asarray(r, dtype=fnp.float32) for r in rows])
        return finite_or_raise(out, "output")


class Estimator(TwinGram):
    """What whestbench loads."""
