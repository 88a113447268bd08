"""Calls of an ``lru_cache``d function that fill its table, reused by the command's other analyses
(flopcast/analyzer/repeats.py, CallMemo.finish and _apply; lasting.py): a dynamic programme's first
call, made with the path's table empty, is recorded with the entries it added, and a reuse adds
them again (in the same order, sharing parts with the returned value as the run did).

Each analysis must come out exactly as when nothing is kept: every path's charges in order,
sites, roll-ups, comparisons, functions entered, raises; and the real flopscope's count. A call
recorded from an empty table must not be replayed onto a table that holds entries (they may have
been made under other globals), and what the table and the returned value share must stay one
object (``is``).
"""

from __future__ import annotations

from pathlib import Path

from exploring import kept_program, paths_of
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.lasting import LastingCalls
from flopcast.analyzer.program import load_program
from flopcast.model import Point

POINT = Point(16, 3, 10**9)

_HEAD = """
from functools import lru_cache

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

"""

# A planner's dynamic programme over the layers: the best split of the depth into segments of two
# costs; predict's ``{tail}`` line is what the rewrites change (the planner keeps its place).
PLANNER = """
COSTS = (3, 5)


@lru_cache(maxsize=None)
def best(start, depth, units):
    if start == depth:
        return 0, ()
    found = (10**9, ())
    for kind in range(2):
        for stop in range(start + 1, depth + 1):
            cost = COSTS[kind] * (stop - start)
            if cost > units:
                break
            err, rest = best(stop, depth, units - cost)
            err += kind + (stop - start) % 2
            if err < found[0]:
                found = (err, ((kind, start, stop),) + rest)
    return found


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        _, plan = best(0, mlp.depth, 4 * mlp.depth)
        x = fnp.ones((mlp.width,))
        rows = []
        for kind, start, stop in plan:
            for w in mlp.weights[start:stop]:
                x = fnp.tanh(x @ w) if kind else fnp.maximum(x @ w, 0.0)
                rows.append(x)
        return {tail}
"""

# ``steps(n)`` reads SCALE: its entries depend on the global when they were made. The first
# text calls steps(3) on an empty table; the second first fills steps(2) under another SCALE,
# and steps(3) then hits it: replaying the first text's steps(3) (equal argument, equal SCALE)
# there would be wrong.
GLOBAL_READ = """
SCALE = 1


@lru_cache(maxsize=None)
def steps(n):
    if n == 0:
        return (SCALE,)
    return steps(n - 1) + (n * SCALE,)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        global SCALE
        {before}
        SCALE = 1
        sizes = steps(3)
        x = fnp.ones((mlp.width, sum(sizes)))
        return fnp.stack([fnp.sum(x @ fnp.ones((sum(sizes), mlp.width)), axis=0)] * mlp.depth)
"""

# ``pick(n)`` returns the entry of pick(0): the same object, in the table and returned.
SHARED_TUPLE = """
@lru_cache(maxsize=None)
def pick(n):
    if n == 0:
        return (n, [n])
    return pick(n - 1)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,))
        if pick(3) is pick(0):
            x = fnp.exp(x)
        return fnp.stack([x] * mlp.depth){tail}
"""


# The planner as a method: its table's keys name the cost model (``self``) by identity, and each
# analysis makes its own.
METHOD_PLANNER = """
class Costs:
    def __init__(self, width):
        self.width = width

    @lru_cache(maxsize=None)
    def best(self, layers, units):
        if layers == 0:
            return (0, ())
        found = (10**9, ())
        for kind in range(3):
            cost = (kind + 1) * self.width
            if cost <= units:
                err, rest = self.best(layers - 1, units - cost)
                if err + 2 - kind < found[0]:
                    found = (err + 2 - kind, (kind,) + rest)
        return found


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        _, kinds = Costs(mlp.width).best(mlp.depth, 5 * mlp.width)
        x = fnp.ones((4, mlp.width))
        rows = []
        for w, kind in zip(mlp.weights, kinds):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
            rows.append(x[0])
        return {tail}
"""


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "estimator.py"
    path.write_text(_HEAD + text)
    return path


def _check_with_flopscope(folder: Path, text: str) -> None:
    path = _write(folder, text)
    for point in (POINT, Point(24, 2, 10**9)):
        report = analyze(path, point)
        assert report.total.exact and report.total.lo == measure(path, point).total


def test_a_dynamic_programme_filling_its_table_is_reused_by_a_rewrite(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", PLANNER.format(tail="fnp.stack(rows, axis=0)"))
    rewrite = _HEAD + PLANNER.format(tail="fnp.stack([r.astype(fnp.float32) for r in rows], axis=0)")
    store = LastingCalls()
    paths_of(kept_program(path, store), POINT)
    kept, kept_work = paths_of(kept_program(path, store, rewrite), POINT)
    alone, alone_work = paths_of(load_program(path, rewrite), POINT)
    assert kept == alone
    assert kept_work < alone_work / 2  # the programme (most of the work) was not interpreted again
    _check_with_flopscope(tmp_path / "b", PLANNER.format(tail="fnp.stack([r.astype(fnp.float32) for r in rows], axis=0)"))


def test_a_call_recorded_on_an_empty_table_is_not_replayed_onto_a_filled_one(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", GLOBAL_READ.format(before="pass"))
    filled = GLOBAL_READ.format(before="SCALE = 5; steps(2)")
    store = LastingCalls()
    paths_of(kept_program(path, store), POINT)
    kept, _ = paths_of(kept_program(path, store, _HEAD + filled), POINT)
    alone, _ = paths_of(load_program(path, _HEAD + filled), POINT)
    assert kept == alone
    _check_with_flopscope(tmp_path / "b", filled)
    # and the call is reused where the table is empty
    again, again_work = paths_of(kept_program(path, store, _HEAD + GLOBAL_READ.format(before="x = 0")), POINT)
    fresh, fresh_work = paths_of(load_program(path, _HEAD + GLOBAL_READ.format(before="x = 0")), POINT)
    assert again == fresh and again_work < fresh_work


def test_what_the_table_and_the_returned_value_share_stays_one_object(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", SHARED_TUPLE.format(tail=""))
    rewrite = _HEAD + SHARED_TUPLE.format(tail="  # rewritten")
    store = LastingCalls()
    paths_of(kept_program(path, store), POINT)
    kept, kept_work = paths_of(kept_program(path, store, rewrite), POINT)
    alone, alone_work = paths_of(load_program(path, rewrite), POINT)
    assert kept == alone
    assert kept_work < alone_work  # pick(3) was reused
    _check_with_flopscope(tmp_path / "b", SHARED_TUPLE.format(tail="  # rewritten"))


def test_analyze_and_its_savings_share_the_calls_of_the_analysis(tmp_path: Path) -> None:
    # The whole command: its savings come out as when each analysis keeps its own calls.
    from flopcast.check import savings
    from flopcast.check.engine import session

    path = _write(tmp_path / "a", PLANNER.format(tail="fnp.stack(rows, axis=0)"))
    point = Point(32, 4, 10**9)
    analyzer = session()
    report = analyzer(path, point, trace=True, memory=True, formula=True)
    alone = analyze(path, point, trace=True, memory=True, formula=True)
    assert report == alone

    def found(**kw) -> list:
        return [(f.code, f.line, f.fix.title, f.fix.saving, f.fix.formula, f.fix.safe)
                for f in savings.savings(str(path), report, formulas=True, **kw)]

    assert found(analyzer=analyzer) == found()


def test_a_memoised_method_filling_its_table_is_reused_by_a_rewrite(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", METHOD_PLANNER.format(tail="fnp.stack(rows, axis=0)"))
    tail = "fnp.stack([r.astype(fnp.float32) for r in rows], axis=0)"
    rewrite = _HEAD + METHOD_PLANNER.format(tail=tail)
    store = LastingCalls()
    paths_of(kept_program(path, store), POINT)
    kept, kept_work = paths_of(kept_program(path, store, rewrite), POINT)
    alone, alone_work = paths_of(load_program(path, rewrite), POINT)
    assert kept == alone
    assert kept_work < alone_work / 2  # the programme was reused with the rewrite's cost model
    _check_with_flopscope(tmp_path / "b", METHOD_PLANNER.format(tail=tail))
