"""Separate pricing of sites never changes an interval: derandomized programs built from the
guard shapes real estimators use — rescales, clips, raises, early returns, fallbacks over
`try`, and the ones that must not be separated (a width that persists, an alias kept, a
flag read later, a list that grows) — analysed both ways by the same analyzer. Whenever
the sites are priced separately (joins.py), the interval must be the one every
combination of paths gives."""

from __future__ import annotations

import random

import pytest
from exploring import both_ways, interval

from flopcast.model import Point

HEADER = '''import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def tame(v, limit):
    s = float(fnp.max(fnp.abs(v)))
    if s > limit:
        v = v / s
    return v


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        w = mlp.width
        x = fnp.ones((4, w))
        keep = x
        extra = []
        flag = 0
        for m in mlp.weights:
            x = fnp.maximum(x @ m, 0.0)
'''

#: One guard each, written with {i}: its own threshold, so every guard is its own site.
GUARDS = [
    "        if float(fnp.max(x)) > {i}.5:\n            x = x / {i}.0\n",
    "        if float(fnp.min(x)) < -{i}.0:\n            x = fnp.clip(x, -1.0, 1.0)\n",
    "        if float(fnp.sum(x)) > {i}e3:\n            x = fnp.tanh(x) @ fnp.eye(x.shape[1])\n",
    "        if not fnp.all(fnp.isfinite(x + {i}.0)):\n            raise FloatingPointError('x')\n",
    "        if float(fnp.mean(x)) > {i}e4:\n            return fnp.zeros((mlp.depth, w))\n",
    "        x = tame(x, {i}e2)\n",
    "        try:\n            ch = fnp.linalg.cholesky(x.T @ x + {i}.0 * fnp.eye(x.shape[1]))\n"
    "            x = x @ ch\n        except fnp.linalg.LinAlgError:\n            x = x * 0.5\n",
    # Not separable: the choice persists in a shape, an alias, a flag or a list read later.
    "        if float(fnp.max(x)) > {i}.25:\n            x = fnp.concatenate([x, x], axis=0)\n",
    "        if float(fnp.min(x)) > {i}.75:\n            keep = x\n            x = x * 2.0\n",
    "        if float(fnp.std(x)) > {i}.1:\n            flag = flag + 1\n",
    "        if float(fnp.median(x)) > {i}.2:\n            extra.append(x @ x.T)\n",
    "        if flag > 0:\n            x = x + fnp.sum(x @ x.T)\n",
]

FOOTER = '''        total = x + fnp.mean(keep) + len(extra)
        for e in extra:
            total = total + fnp.mean(e @ e)
        return fnp.zeros((mlp.depth, w)) + fnp.mean(total)
'''

PROGRAMS = 40


def program(seed: int) -> str:
    rng = random.Random(seed)
    body = "".join(rng.choice(GUARDS).format(i=i + 1) for i in range(rng.randint(4, 6)))
    return HEADER + body + FOOTER


def test_the_programs_exercise_both_outcomes(tmp_path):
    outcomes = set()
    for seed in range(PROGRAMS):
        outcomes.add(_both_ways(tmp_path, seed)[0].combined is not None)
    assert outcomes == {True, False}


@pytest.mark.parametrize("seed", range(PROGRAMS))
def test_separate_pricing_gives_the_interval_of_every_combination(tmp_path, seed):
    separate, every = _both_ways(tmp_path, seed)
    assert not every.capped
    assert interval(separate) == interval(every), program(seed)


def _both_ways(tmp_path, seed: int):
    path = tmp_path / f"guards_{seed}.py"
    path.write_text(program(seed))
    return both_ways(path, Point(8, 2, 10**9))
