"""A call reused in an equal state (repeats.CallMemo) returns what running it returns: the
objects it made — instances of the user's classes, dicts — are made anew at each reuse, with
their attributes and items, as a real call makes new ones. A cost model that returns a plan
object (`return Plan(...)`) is then reused like one returning a tuple. The real flopscope is
the oracle; each program mutates one returned object and prices work by another, so a reuse
that handed back a shared object would count otherwise.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from oracle import first_call, measure

from flopcast.analyzer import analyze, repeats
from flopcast.model import Point

_HEAD = """
import flopscope.numpy as fnp
from whestbench import BaseEstimator

"""

PROGRAMS = {
    "an instance of a user class": """
class Plan:
    def __init__(self, n, steps):
        self.n = n
        self.steps = steps
        self.notes = {"n": n}

def make_plan(width, depth):
    steps = [k for k in range(depth)]
    return Plan(width // 2, steps)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        plans = [make_plan(mlp.width, mlp.depth) for _ in range(3)]
        plans[0].n += 5
        plans[0].steps.append(9)
        plans[1].notes["n"] = 1
        first, second, third = plans
        assert first is not second and second.steps is not third.steps
        x = fnp.ones((third.n + len(third.steps) + third.notes["n"], mlp.width))
        row = fnp.exp(x)[0] + fnp.sum(fnp.ones((second.n, len(second.steps))))
        return fnp.zeros((mlp.depth, mlp.width)) + row
""",
    "a dataclass holding an array it made": """
from dataclasses import dataclass

@dataclass
class State:
    mean: object
    count: int

def start(width):
    return State(fnp.zeros(width), 1)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        states = [start(mlp.width) for _ in range(3)]
        states[0].mean = fnp.ones((2, mlp.width))
        states[1].count = 4
        total = states[2].mean
        for s in states:
            total = total + fnp.tanh(s.mean) * s.count
        return fnp.zeros((mlp.depth, mlp.width)) + total.reshape(-1)[: mlp.width]
""",
    "a dict": """
def table(width, depth):
    return {"rows": int(width), "cols": [depth] * 2, ("k", 1): 0.5}  # (int: a call, so that it is keyed)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        tables = [table(mlp.width, mlp.depth) for _ in range(3)]
        tables[0]["rows"] = 1
        tables[1]["cols"].append(7)
        t = tables[2]
        x = fnp.ones((mlp.width, t["rows"] + sum(tables[1]["cols"]) + len(t["cols"])))
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(fnp.exp(x), axis=1)
""",
}

POINTS = [Point(8, 2, 10**9), Point(16, 3, 10**9)]


def _reuses(monkeypatch: pytest.MonkeyPatch, path: Path, point: Point):
    """The analysis, and the calls it reused per function."""
    reused: collections.Counter = collections.Counter()
    replay = repeats.CallMemo.replay

    def counting(self, key, canon):
        value = replay(self, key, canon)
        if value is not None:
            reused[canon.fn.qualname] += 1
        return value

    monkeypatch.setattr(repeats.CallMemo, "replay", counting)
    return analyze(path, point), reused


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_reused_call_returns_new_objects_and_the_count_is_exact(tmp_path: Path, monkeypatch, name: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    for point in POINTS:
        report, reused = _reuses(monkeypatch, path, point)
        assert sum(reused.values()) >= 1, "the maker's later calls are reused"
        total = first_call(report)
        assert total.exact and total.lo == measure(path, point).total



def test_a_deque_a_call_returns_stays_a_deque(tmp_path: Path) -> None:
    """A deque is a list to flopcast inside, with a maxlen: a reuse that made it a plain list
    claimed `appendleft` raised AttributeError, always (a false exact of 0 FLOPs)."""
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + """
from collections import deque

def window(width):
    return deque([width, width], maxlen=3)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        windows = [window(mlp.width) for _ in range(3)]
        q = windows[2]
        q.append(1)
        q.append(2)
        q.appendleft(5)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.ones(sum(q) + len(windows[1])))
""")
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises
        total = first_call(report)
        assert total.exact and total.lo == measure(path, point).total


_CACHED_MODEL = """
from functools import lru_cache
from typing import NamedTuple

class Choice(NamedTuple):
    how: str
    cost: int

@lru_cache(maxsize=None)
def model(n):
    return Choice("split" if n > 2 else "plain", n * n)

def product(a, b):
    if model(a.shape[0]).how == "plain":
        return a @ b
    h = a.shape[0] // 2
    return fnp.concatenate([product(a[:h], b), product(a[h:], b)], axis=0)

def choice_of(n):
    return model(n)
"""


def test_a_call_handed_a_cached_named_tuple_is_reused(tmp_path: Path, monkeypatch) -> None:
    """A cached value that cannot change (a NamedTuple of text and numbers) is read, not kept: the
    recursive product consulting the cost model is reused like any other call."""
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _CACHED_MODEL + """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((8, mlp.width))
        for w in mlp.weights:
            x = fnp.tanh(product(x, w))
        return fnp.zeros((mlp.depth, mlp.width)) + x[0]
""")
    for point in POINTS:
        report, reused = _reuses(monkeypatch, path, point)
        assert reused["product"] >= 1
        total = first_call(report)
        assert total.exact and total.lo == measure(path, point).total


def test_a_call_that_returns_a_cached_value_is_not_reused(tmp_path: Path, monkeypatch) -> None:
    """Each hit returns the table's one object: a reuse, which makes its result anew, would lose
    that (`a is b` is True at run time)."""
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _CACHED_MODEL + """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        got = [choice_of(mlp.width) for _ in range(3)]
        n = 1 + 3 * (got[1] is got[2]) + 5 * (got[0] is got[2])
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.ones(n))
""")
    for point in POINTS:
        report, reused = _reuses(monkeypatch, path, point)
        assert not reused["choice_of"]
        total = first_call(report)
        assert total.exact and total.lo == measure(path, point).total
