"""Second-moment propagation with a ladder of linear-algebra fallbacks ("solve_ladder").

Team "something will factor".  Each layer's pre-activation covariance ``C = W^T S W`` is pushed
through the ReLU in closed form on the diagonal, and a correction is fitted from a handful of
correlated Gaussian draws of the pre-activations of a block of units.  The draw needs a factor of the block's covariance, found by a ladder tried in order:

1. ``cholesky`` (raises on a matrix that is not positive definite);
2. ``eigh`` with the negative eigenvalues clipped (checked by ``fnp.isclose`` on the trace);
3. ``svd`` (always succeeds on finite input), with an ``isfinite`` net;
4. the diagonal.

The ladder is a list of ``Rung`` objects typed by a ``Protocol``; a ``Registry[...]`` generic
(``__class_getitem__``) names them.  Contractions are planned once by ``fnp.einsum_path`` and
replayed with ``optimize=path``; ``fnp.linalg.det`` of a tiny Gram decides whether the fitted
correction is applied (``fnp.errstate`` around its division); the block size is
``math.isqrt`` of the budget share, clamped, and the block is the units of largest variance
(``argpartition``).  ``functools.reduce`` adds the rungs' costs; a rescale guard past 1e30
and an ``isfinite`` raise protect the output.
"""

from __future__ import annotations

import functools
import math
import operator
from typing import Protocol

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

VAR_FLOOR = 1e-12
RESCALE_AT = 1e30
SHARE = 0.3
BLOCK_MIN, BLOCK_MAX = 2, 24
DRAWS = 32


class FactorFailed(Exception):
    pass


class Rung(Protocol):
    name: str

    def cost(self, k: int) -> int: ...

    def factor(self, cov): ...


class Registry:
    """Rungs by name; ``Registry[Rung]`` is the annotation participants write for it."""

    def __class_getitem__(cls, item):
        return cls

    def __init__(self) -> None:
        self.items: dict = {}

    def add(self, rung) -> "Registry":
        self.items[rung.name] = rung
        return self

    def __iter__(self):
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)


class CholeskyRung:
    name = "cholesky"

    def cost(self, k: int) -> int:
        return k ** 3 // 3 + k * k

    def factor(self, cov):
        return fnp.linalg.cholesky(cov)


class EighRung:
    name = "eigh"

    def cost(self, k: int) -> int:
        return 9 * k ** 3 + 2 * k * k

    def factor(self, cov):
        vals, vecs = fnp.linalg.eigh(cov)
        clipped = fnp.maximum(vals, 0.0)
        if not fnp.isclose(fnp.sum(clipped), fnp.trace(cov), rtol=1e-6):
            raise FactorFailed("eigh lost mass")
        return vecs * fnp.sqrt(clipped)


class SvdRung:
    name = "svd"

    def cost(self, k: int) -> int:
        return 12 * k ** 3 + 2 * k * k

    def factor(self, cov):
        u, s, _ = fnp.linalg.svd(cov)
        out = u * fnp.sqrt(s)
        if not bool(fnp.all(fnp.isfinite(out))):
            raise FactorFailed("svd not finite")
        return out


class DiagonalRung:
    name = "diagonal"

    def cost(self, k: int) -> int:
        return 2 * k

    def factor(self, cov):
        return fnp.diag(fnp.sqrt(fnp.maximum(fnp.diag(cov), VAR_FLOOR)))


LADDER = Registry[Rung]().add(CholeskyRung()).add(EighRung()).add(SvdRung()).add(DiagonalRung())


def block_size(budget: int, width: int, depth: int) -> int:
    worst = functools.reduce(operator.add, (r.cost(1) for r in LADDER), 0)
    share = SHARE * budget / max(1, depth * (worst + 2 * DRAWS * width))
    k = math.isqrt(max(int(share), 0))
    if k < BLOCK_MIN:
        return 0
    return min(BLOCK_MAX, k, width // 2)


def factor(cov, log: list):
    for rung in LADDER:
        try:
            out = rung.factor(cov)
        except (np.linalg.LinAlgError, FactorFailed) as err:
            log.append((rung.name, str(err)))
            continue
        log.append((rung.name, "ok"))
        return out
    raise FactorFailed("no rung worked")


class Estimator(BaseEstimator):
    def __init__(self) -> None:
        self.log: list = []
        self._paths: dict = {}

    def _path(self, spec: str, *shapes):
        key = (spec, shapes)
        if key not in self._paths:
            operands = [fnp.zeros(s) for s in shapes]
            self._paths[key] = fnp.einsum_path(spec, *operands, optimize="greedy")[0]
        return self._paths[key]

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        k = block_size(budget, width, depth)
        rng = fnp.random.default_rng(mlp.seed)
        mu = fnp.zeros(width)
        cov = fnp.eye(width)
        rows = []
        self.log.clear()
        for w in mlp.weights:
            path = self._path("ij,jk,kl->il", (width, width), (width, width), (width, width))
            pre_cov = fnp.einsum("ij,jk,kl->il", w.T, cov, w, optimize=path)
            m = mu @ w
            var = fnp.maximum(fnp.diag(pre_cov), VAR_FLOOR)
            s = fnp.sqrt(var)
            a = m / s
            cdf = flops.stats.norm.cdf(a)
            pdf = flops.stats.norm.pdf(a)
            mu = m * cdf + s * pdf
            post = fnp.maximum((m * m + var) * cdf + m * s * pdf - mu * mu, VAR_FLOOR)
            if k:
                idx = fnp.argpartition(-var, k - 1)[:k]
                block = pre_cov[fnp.ix_(idx, idx)]
                root = factor(block, self.log)
                z = rng.standard_normal((DRAWS, k)) @ root.T + m[idx]
                h = fnp.maximum(z, 0.0)
                emp = fnp.mean(h, axis=0)
                gram = fnp.stack([emp, mu[idx]]) @ fnp.stack([emp, mu[idx]]).T
                with fnp.errstate(divide="ignore", invalid="ignore"):
                    det = fnp.linalg.det(gram)
                    ratio = det / (fnp.trace(gram) ** 2 + VAR_FLOOR)
                if float(ratio) < 0.25:
                    bump = fnp.zeros(width) + fnp.mean(emp - mu[idx])
                    mu = mu + 0.1 * bump
            gain = cdf
            cov = fnp.outer(gain, gain) * pre_cov
            fnp.fill_diagonal(cov, post)
            peak = float(fnp.max(fnp.abs(cov)))
            if peak > RESCALE_AT:
                cov = cov / peak
            rows.append(mu)
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError("non-finite output")
        return out
