"""Mean field plus refinements whose bookkeeping is plain numpy ("index_bookkeeper").

Team "numpy for the indices, flopscope for the maths".  Everything that is not arithmetic
on the network's values is done with plain ``numpy`` (free under flopscope): stage costs in
an ``np.array``, their order by ``np.argsort``, how many fit by ``np.searchsorted`` over
``np.cumsum``, neuron subsets from a seeded ``np.random.default_rng(...).choice``, pairs
from ``np.triu_indices``, sample chunks from ``np.array_split(np.arange(n), k)``,
Gauss-Hermite nodes from ``np.polynomial.hermite_e.hermegauss``, sub-blocks by ``np.ix_``.

The refinements (each an optional stage, dispatched by a dict comprehension over bound
methods):

* ``quad``: the ReLU mean of a subset of neurons by Gauss-Hermite quadrature (k nodes);
* ``pairs``: a covariance correction for pairs of a subset (``np.triu_indices``), by the
  bivariate Gaussian's first-order term, applied to the last layer;
* ``mc``: a chunked Monte Carlo estimate of the last layer, blended in.

A ``Stage`` base class with ``__slots__`` and ``@classmethod`` cost, subclasses with
``super().__init__``; an ``Options`` NamedTuple with ``_replace``; ``functools.partial`` for
the moment kernel; ``itertools.chain`` over the stage logs.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

VAR_FLOOR = 1e-10
SQRT_2PI = math.sqrt(2.0 * math.pi)


class Options(NamedTuple):
    nodes: int = 8
    subset: int = 8
    pairs: int = 6
    samples: int = 64
    chunks: int = 4
    share: float = 0.5


class Stage:
    __slots__ = ("name", "opts", "width", "depth", "notes")
    ORDER_BONUS = 0.0

    def __init__(self, name: str, opts: Options, width: int, depth: int) -> None:
        self.name, self.opts, self.width, self.depth = name, opts, width, depth
        self.notes: list = []

    @classmethod
    def cost(cls, opts: Options, width: int, depth: int) -> int:
        raise NotImplementedError

    @property
    def tag(self) -> str:
        return f"{self.name}[{len(self.notes)}]"


class Quad(Stage):
    __slots__ = ()

    def __init__(self, opts, width, depth):
        super().__init__("quad", opts, width, depth)

    @classmethod
    def cost(cls, opts, width, depth):
        k = min(opts.subset, width)
        return depth * (12 * k * opts.nodes + 6 * k * width + 40 * width)


class Pairs(Stage):
    __slots__ = ("count",)

    def __init__(self, opts, width, depth):
        super().__init__("pairs", opts, width, depth)
        self.count = 0

    @classmethod
    def cost(cls, opts, width, depth):
        k = min(opts.pairs, width)
        return 6 * width ** 3 + 30 * k * (k - 1) // 2 + 8 * k * width


class Sampled(Stage):
    __slots__ = ()

    def __init__(self, opts, width, depth):
        super().__init__("mc", opts, width, depth)

    @classmethod
    def cost(cls, opts, width, depth):
        return depth * (2 * opts.samples * width * width + 4 * opts.samples * width) + 4 * width


STAGES = {"quad": Quad, "pairs": Pairs, "mc": Sampled}


# ---------------------------------------------------------------------------- kernels


def relu_moments(mu, var, floor=VAR_FLOOR):
    sd = fnp.sqrt(fnp.maximum(var, floor))
    z = mu / sd
    cdf = flops.stats.norm.cdf(z)
    pdf = fnp.exp(-0.5 * z * z) / SQRT_2PI
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, floor), cdf


moments = functools.partial(relu_moments, floor=1e-9)


def quad_means(mu, var, idx: np.ndarray, nodes: np.ndarray, weights: np.ndarray):
    """E[relu(x)] for x ~ N(mu[i], var[i]), i in idx, by probabilists' Gauss-Hermite."""
    m = mu[idx][:, None]
    s = fnp.sqrt(fnp.maximum(var[idx], VAR_FLOOR))[:, None]
    pts = m + s * fnp.asarray(nodes)[None, :]
    vals = fnp.maximum(pts, 0.0) @ fnp.asarray(weights)
    return vals / math.sqrt(2.0 * math.pi)


# ---------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.opts = Options()
        self.notes: list = []

    # the stages, found by name through a dict comprehension in predict

    def _run_quad(self, stage, state):
        nodes, weights = np.polynomial.hermite_e.hermegauss(self.opts.nodes)
        rng = np.random.default_rng(7 * stage.width + stage.depth)
        k = min(self.opts.subset, stage.width)
        for i, (mu, var) in enumerate(zip(state["mu"], state["var"], strict=True)):
            idx = np.sort(rng.choice(stage.width, size=k, replace=False))
            refined = quad_means(mu, var, idx, nodes, weights)
            row = state["rows"][i]
            state["rows"][i] = fnp.concatenate([row[:0], row]) if k == 0 else _put(row, idx, refined)
            stage.notes.append(int(idx[0]))

    def _run_pairs(self, stage, state):
        k = min(self.opts.pairs, stage.width)
        order = np.arange(stage.width)[::-1][:k]
        ii, jj = np.triu_indices(k, 1)
        a, b = order[ii], order[jj]
        w = state["w"][-1]
        cov = w.T @ fnp.diag(state["prev_var"]) @ w
        block = cov[np.ix_(order, order)]
        rho = block[ii, jj] / fnp.sqrt(block[ii, ii] * block[jj, jj] + VAR_FLOOR)
        bump = 0.05 * rho * (fnp.sqrt(state["var"][-1][a] * state["var"][-1][b]))
        counts = np.bincount(np.concatenate([a, b]), minlength=stage.width)
        spread = fnp.zeros(stage.width)
        for unit in np.flatnonzero(counts):
            mask = (a == unit) | (b == unit)
            spread = spread + fnp.where(fnp.arange(stage.width) == unit, fnp.sum(bump[mask]), 0.0)
        stage.count = int(counts.sum())
        state["rows"][-1] = state["rows"][-1] + spread / float(max(counts.max(), 1))

    def _run_mc(self, stage, state):
        n = self.opts.samples
        pieces = np.array_split(np.arange(n), self.opts.chunks)
        rng = fnp.random.default_rng(stage.width)
        total = fnp.zeros((stage.depth, stage.width))
        for piece in pieces:
            if piece.size == 0:
                continue
            x = rng.standard_normal((piece.size, stage.width))
            acc = []
            for w in state["w"]:
                x = fnp.maximum(x @ w, 0.0)
                acc.append(fnp.sum(x, axis=0))
            total = total + fnp.stack(acc)
            stage.notes.append(piece.size)
        est = total / n
        for i in range(stage.depth):
            state["rows"][i] = 0.5 * (state["rows"][i] + est[i])

    def plan(self, width: int, depth: int, budget: int) -> list:
        names = list(STAGES)
        costs = np.array([STAGES[n].cost(self.opts, width, depth) for n in names], dtype=np.int64)
        order = np.argsort(costs, kind="stable")
        cum = np.cumsum(costs[order])
        base = depth * (4 * width * width + 250 * width)
        room = self.opts.share * budget - base
        fit = int(np.searchsorted(cum, room, side="right")) if room > 0 else 0
        return [names[i] for i in order[:fit]]

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        if width < 16:
            self.opts = self.opts._replace(subset=width // 2, pairs=min(4, width))
        chosen = self.plan(width, depth, budget)
        state = {"w": list(mlp.weights), "mu": [], "var": [], "rows": []}
        mean, var = fnp.zeros(width), fnp.ones(width)
        for w in state["w"]:
            state["prev_var"] = var
            mu = mean @ w
            pre = var @ (w * w)
            mean, var, _ = moments(mu, pre)
            state["mu"].append(mu)
            state["var"].append(pre)
            state["rows"].append(mean)
        state["var"][-1] = var
        runners = {name: getattr(self, f"_run_{name}") for name in chosen}
        stages = [STAGES[name](self.opts, width, depth) for name in chosen]
        for stage in sorted(stages, key=lambda s: (s.name != "quad", s.name)):
            runners[stage.name](stage, state)
        self.notes = list(itertools.chain.from_iterable([s.tag] + s.notes for s in stages))
        return fnp.stack(state["rows"]).astype(fnp.float32)


def _put(row, idx: np.ndarray, vals):
    """row with row[idx] = vals, without writing into row (a one-hot sum)."""
    onehot = np.zeros((idx.shape[0], row.shape[0]))
    onehot[np.arange(idx.shape[0]), idx] = 1.0
    hot = fnp.asarray(onehot)
    keep = 1.0 - fnp.sum(hot, axis=0)
    return row * keep + vals @ hot
