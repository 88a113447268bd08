"""Latin-hypercube Monte Carlo steered by an iterator controller ("lhs_coroutine").

Team "send()".  Plain Monte Carlo, but every design decision is a generator or an iterator:

* ``sample_source`` is the input stream.  It starts with one Latin-hypercube block (ranks by a
  double ``argsort`` along axis 0, jittered uniforms, ``stats.norm.ppf``), then ``yield from``
  an antithetic float32 stream (``standard_normal`` with ``dtype=float32``, each block
  followed by its negation, as many pairs as the plan needs);
* ``Controller`` is an iterator (``__next__``, ``__slots__``, a ``converged`` property): it
  yields the next chunk size and is fed ``(rows, se)`` back after every chunk; it stops when the
  plan is spent or when the last three standard errors were all below the tolerance;
* ``forward`` is a generator over the layers that yields each layer's post-activations, the
  caller folding them into running sums (``enumerate(zip(...))`` over the layer weights and
  the accumulators);
* chunks above CHUNK_CAP rows are cut with ``fnp.array_split`` (free) to keep memory flat.

The per-chunk means are combined with ``fnp.average(..., weights=rows)``; the standard error is
``fnp.linalg.norm(se, ord=fnp.inf)`` (the worst neuron).  Safety net: a non-finite averaged
mean sends the estimate to the mean-field fallback (never seen on He-initialised nets).
"""

from __future__ import annotations

import collections
import itertools
import math
import statistics

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SE_TOL = 2e-3            # stop once the last three chunks' worst standard error is under this
CHUNK_CAP = 256          # rows per forward pass (memory)
FIRST_CHUNK = 32
GROWTH = 2.0
LHS_MAX = 128            # rows of the Latin-hypercube block
SAFETY = 0.75
MIN_ROWS = 16
MAX_ROWS = 8192


# ----------------------------------------------------------------------------- planning


def per_row_cost(width: int, depth: int) -> int:
    """flopscope's bill for one float32 row through the net (matmul 2w^2 - w, relu, the sums)."""
    return depth * (2 * width * width + 4 * width) + 18 * width


def lhs_cost(rows: int, width: int) -> int:
    """Two argsorts along axis 0, the jitter, the ppf (83 a point, billed at float64)."""
    log = max(1, math.ceil(math.log2(max(rows, 2))))
    return width * rows * (2 * 4 * log * 2 + 4 + 2 * 83)


def plan_rows(width: int, depth: int, budget: int) -> tuple[int, int]:
    """(total rows, Latin-hypercube rows) that fit SAFETY of the budget, clamped."""
    room = SAFETY * budget - 8 * depth * width
    lhs = LHS_MAX
    while lhs > 8 and lhs_cost(lhs, width) > 0.25 * room:
        lhs //= 2
    if lhs_cost(lhs, width) > 0.25 * room:
        lhs = 0
    rows = int((room - lhs_cost(lhs, width)) // per_row_cost(width, depth))
    rows = max(MIN_ROWS, min(MAX_ROWS, rows))
    rows -= rows % 8
    return rows, min(lhs, rows)


# ----------------------------------------------------------------------------- generators


def lhs_block(rng, rows: int, width: int):
    """One Latin-hypercube block of standard normals, float32."""
    keys = rng.random((rows, width))
    ranks = fnp.argsort(fnp.argsort(keys, axis=0), axis=0)
    u = (ranks + rng.random((rows, width))) / rows
    z = flops.stats.norm.ppf(fnp.clip(u, 1e-7, 1.0 - 1e-7))
    return z.astype(fnp.float32)


def antithetic(rng, width: int, rows: int, blocks: int):
    """``blocks`` pairs of float32 normal blocks, each followed by its negation."""
    half = max(1, rows // 2)
    for _ in range(blocks):
        z = rng.standard_normal((half, width), dtype=fnp.float32)
        yield z
        yield -z


def sample_source(rng, width: int, lhs_rows: int, block: int, total: int):
    """The Latin-hypercube block, then antithetic pairs until ``total`` rows are covered."""
    if lhs_rows:
        yield lhs_block(rng, lhs_rows, width)
    yield from antithetic(rng, width, block, -(-max(total - lhs_rows, 0) // max(2 * (block // 2), 2)))


def take(source, rows: int, pending: list):
    """``rows`` rows from the stream (blocks cut, the remainder kept for the next call)."""
    parts, have = [], 0
    while have < rows:
        block = pending.pop() if pending else next(source)
        need = rows - have
        if block.shape[0] > need:
            pending.append(block[need:])
            block = block[:need]
        parts.append(block)
        have += block.shape[0]
    return parts[0] if len(parts) == 1 else fnp.concatenate(parts, axis=0)


class Controller:
    """The chunk planner as an iterator: ``for size in ctrl`` yields chunk sizes, ``feed(rows,
    se)`` reports a chunk back.  (It was a ``send()`` coroutine first; this is the same state
    machine, easier to test on its own.)  Stops when the plan is spent or when the last three
    standard errors were all under the tolerance; ``used`` is the rows consumed."""

    __slots__ = ("total", "size", "tol", "used", "recent", "_fed")

    def __init__(self, total: int, first: int, tol: float):
        self.total, self.size, self.tol = total, first, tol
        self.used = 0
        self.recent = collections.deque(maxlen=3)
        self._fed = True

    def __iter__(self):
        return self

    def __next__(self) -> int:
        if not self._fed:
            raise RuntimeError("feed() the last chunk first")
        if self.used >= self.total or self.converged:
            raise StopIteration
        self._fed = False
        return min(self.size, self.total - self.used)

    @property
    def converged(self) -> bool:
        return len(self.recent) == self.recent.maxlen and max(self.recent) < self.tol

    def feed(self, rows: int, se: float) -> None:
        self.used += rows
        self.recent.append(se)
        self.size = int(self.size * GROWTH)
        self._fed = True


def forward(x, weights):
    """Each layer's post-activations for the rows ``x``."""
    h = x
    for w in weights:
        h = fnp.maximum(h @ w, 0.0)
        yield h


# ----------------------------------------------------------------------------- fallback


def mean_field(mlp: MLP):
    mu = fnp.zeros(mlp.width)
    var = fnp.ones(mlp.width)
    rows = []
    for w in mlp.weights:
        m = mu @ w
        s = fnp.sqrt(var @ (w * w) + 1e-12)
        z = m / s
        cdf = flops.stats.norm.cdf(z)
        pdf = flops.stats.norm.pdf(z)
        mu = m * cdf + s * pdf
        var = fnp.maximum((m * m + s * s) * cdf + m * s * pdf - mu * mu, 1e-12)
        rows.append(mu)
    return fnp.stack(rows)


# ----------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def setup(self, context):
        self.trace = []

    def predict(self, mlp: MLP, budget: int):
        total, lhs_rows = plan_rows(mlp.width, mlp.depth, budget)
        if per_row_cost(mlp.width, mlp.depth) * MIN_ROWS > budget:
            return mean_field(mlp)
        rng = fnp.random.default_rng(mlp.seed)
        source = sample_source(rng, mlp.width, lhs_rows, min(FIRST_CHUNK, total), total)
        pending: list = []
        sums = [fnp.zeros(mlp.width, dtype=fnp.float32) for _ in range(mlp.depth)]
        squares = [fnp.zeros(mlp.width, dtype=fnp.float32) for _ in range(mlp.depth)]
        chunk_means, chunk_rows, errors = [], [], []
        ctrl = Controller(total, min(FIRST_CHUNK, total), SE_TOL)
        for size in ctrl:
            x = take(source, size, pending)
            pieces = fnp.array_split(x, max(1, -(-size // CHUNK_CAP)), axis=0)
            part_sum = [fnp.zeros(mlp.width, dtype=fnp.float32) for _ in range(mlp.depth)]
            for piece in pieces:
                for i, (h, acc) in enumerate(zip(forward(piece, mlp.weights), part_sum)):
                    part_sum[i] = acc + fnp.sum(h, axis=0)
                    squares[i] = squares[i] + fnp.sum(h * h, axis=0)
            sums = [s + p for s, p in zip(sums, part_sum)]
            chunk_means.append(fnp.stack(part_sum) / size)
            chunk_rows.append(size)
            seen = sum(chunk_rows)
            last = sums[-1] / seen
            var = squares[-1] / seen - last * last
            se = fnp.linalg.norm(fnp.sqrt(fnp.maximum(var, 0.0) / seen), ord=fnp.inf)
            errors.append(float(se))
            ctrl.feed(size, errors[-1])
        used = ctrl.used
        self.trace.append((used, statistics.fmean(errors) if errors else math.nan))
        out = fnp.average(fnp.stack(chunk_means), axis=0, weights=fnp.asarray(chunk_rows, dtype=fnp.float64))
        if not fnp.all(fnp.isfinite(out)):
            return mean_field(mlp)
        return out
