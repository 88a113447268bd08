"""Pricing the parts of an estimator as stages never changes an interval: derandomized
ensembles and pipelines of parts, each with its own value-dependent guards, analysed both
ways by the same analyzer. Parts whose paths leave nothing behind rejoin and are priced
alone (joins.stage_groups); parts that leave something the rest can see (state kept on the
object, a global counter, a shape, the budget spent) must not be — and whenever stages are
used the interval must be the one every combination of paths gives."""

from __future__ import annotations

import random

import pytest
from exploring import both_ways, interval

from flopcast.model import Point

HEADER = '''import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

CALLS = [0]


class Part:
    def __init__(self, k):
        self.k = k
        self.log = []
        self.hits = 0
'''

#: The body of one part's ``run(self, x)``, written with {i}: its own thresholds.
PARTS = [
    # rescale, rejoins
    "        if float(fnp.max(x)) > {i}.5:\n            x = x / {i}.0\n        return x @ x.T @ x\n",
    # raise on a safety net: ends the program
    "        y = fnp.tanh(x)\n        if not fnp.all(fnp.isfinite(y + {i}.0)):\n            raise FloatingPointError('y')\n"
    "        return y\n",
    # a value-dependent loop exit with a cap: rejoins (the result's shape never changes)
    "        for _ in range({i} + 2):\n            x = fnp.maximum(x @ x.T @ x, 0.0) * 0.5\n"
    "            if float(fnp.max(x)) < {i}.0:\n                break\n        return x\n",
    # two guards in one part: their choices interact inside the part only
    "        if float(fnp.min(x)) < -{i}.0:\n            x = fnp.clip(x, -1.0, 1.0)\n"
    "        if float(fnp.mean(x)) > {i}.25:\n            x = x @ fnp.eye(x.shape[1]) * 2.0\n        return x + 0.0\n",
    # Must not be priced alone: the choice persists on the object, in a global, in a shape,
    # or in the budget spent that a later part reads.
    "        if float(fnp.std(x)) > {i}.1:\n            self.hits += 1\n        return x * (self.hits + 1)\n",
    "        if float(fnp.max(x)) > {i}.75:\n            self.log.append(x @ x.T)\n        return x + len(self.log)\n",
    "        if float(fnp.sum(x)) > {i}e2:\n            CALLS[0] += 1\n        return x * CALLS[0]\n",
    "        if float(fnp.median(x)) > {i}.2:\n            x = fnp.concatenate([x, x], axis=0)[: x.shape[0] + 1]\n"
    "        return x[:4]\n",
    "        if float(fnp.max(x)) > {i}.3:\n            x = x @ x.T @ x\n"
    "        n = int(flops.current_budget().flops_remaining % 3) + 1\n        return x + fnp.sum(x[:n])\n",
]

FOOTER = '''

class Estimator(BaseEstimator):
    def __init__(self):
        self.parts = [{parts}]

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        x = fnp.ones((4, mlp.width)) @ mlp.weights[0]
        out = fnp.zeros((4, mlp.width))
        for p in self.parts:
            r = p.run(x)
            out = out + fnp.mean(r)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(out)
'''

PROGRAMS = 30


def program(seed: int) -> str:
    rng = random.Random(seed)
    # mostly parts that rejoin, so that most programs have stages to find; now and then one that
    # must keep the whole program from being priced in stages
    chosen = [rng.randrange(4) if rng.random() < 0.8 else rng.randrange(4, len(PARTS))
              for _ in range(rng.randint(3, 5))]
    classes = "".join(f"\n\nclass Part{n}(Part):\n    def run(self, x):\n" + PARTS[c].format(i=n + 1)
                      for n, c in enumerate(chosen))
    return HEADER + classes + FOOTER.format(parts=", ".join(f"Part{n}({n})" for n in range(len(chosen))))


@pytest.mark.parametrize("seed", range(PROGRAMS))
def test_stages_give_the_interval_every_combination_gives(tmp_path, seed):
    path = tmp_path / "estimator.py"
    path.write_text(program(seed))
    fast, every = both_ways(path, Point(8, 2, 10**9))
    assert not every.capped
    if fast.capped:  # more paths than the cap and no proof: the low end is still every path's
        assert fast.floor >= 0 and min(min(r.total for r in fast.results), fast.floor) == interval(every)[0]
    else:
        assert interval(fast) == interval(every), program(seed)


def test_parts_that_leave_nothing_behind_are_priced_as_stages(tmp_path):
    # three parts of two guards each: 64 combinations, run as 1 + 3 + 3 + 3 paths
    body = "".join(f"\n\nclass Part{n}(Part):\n    def run(self, x):\n" + PARTS[3].format(i=n + 1) for n in range(3))
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + body + FOOTER.format(parts="Part0(0), Part1(1), Part2(2)"))
    fast, every = both_ways(path, Point(8, 2, 10**9))
    assert fast.combined is not None
    assert len(every.results) == 64 and len(fast.results) < 30
    assert interval(fast) == interval(every)
