"""Call keys (repeats.CallMemo): the module globals a key holds are those the call's code can
reach (analyzer/reach.py), and calls of functions none of whose calls was ever recorded in the
command are keyed only now and then (analyzer/futile.py). The real flopscope is the oracle.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from oracle import first_call, first_call_unpriced, measure, static_per_op

from flopcast.analyzer import analyze, futile, repeats
from flopcast.model import Point

STEADY = Path(__file__).resolve().parent / "fixtures" / "steady"
REACHED = STEADY / "reached_calls.py"
UNRECORDED = STEADY / "unrecorded_calls.py"


def assert_counted_exactly(path: Path, point: Point) -> None:
    report = analyze(path, point)
    measured = measure(path, point)
    assert first_call(report).exact and not first_call_unpriced(report)
    assert first_call(report).lo == measured.total
    assert static_per_op(report) == measured.per_op


def keys_and_reuses(monkeypatch, path: Path, point: Point, formula: bool = False, futility: bool = True) -> tuple:
    """Keys made and calls reused per function (by qualified name) in an analysis (``formula``:
    with the formula fit's runs; loops are run, not skipped; ``futility``: as it is, else
    every call is keyed as before futile.py)."""
    keyed: collections.Counter = collections.Counter()
    reused: collections.Counter = collections.Counter()
    last: list = [None]
    key, replay = repeats.CallMemo.key, repeats.CallMemo.replay

    def counting_key(self, fn, args, kwargs):
        found = key(self, fn, args, kwargs)
        last[0] = fn.qualname
        if found is not None:
            keyed[fn.qualname] += 1
        return found

    def counting_replay(self, memo_key, canon):
        value = replay(self, memo_key, canon)
        if value is not None:
            reused[last[0]] += 1
        return value

    with monkeypatch.context() as patched:
        patched.setattr(repeats.CallMemo, "key", counting_key)
        patched.setattr(repeats.CallMemo, "replay", counting_replay)
        patched.setattr(repeats.SteadyLoop, "watch", classmethod(lambda cls, *args: None))
        if not futility:
            patched.setattr(futile.Futility, "skip", lambda self, fn, traced: False)
        report = analyze(path, point, formula=formula)
    return report, keyed, reused


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_calls_keyed_by_the_globals_their_code_can_reach_are_counted_exactly(width, depth):
    # each case reads a global its own code does not name, changed between equal calls: through
    # its instance's class, a base class, a helper's code, a default, a dataclass field's
    # factory, a metaclass
    assert_counted_exactly(REACHED, Point(width, depth, 2**41))


def test_the_calls_that_read_what_they_reach_are_reused_while_it_stays(monkeypatch):
    # (else the exactness above would not depend on their keys)
    _, _, reused = keys_and_reuses(monkeypatch, REACHED, Point(16, 3, 2**41))
    for name in ("Scaler.rows", "Child.cost", "via", "defaulted", "planned", "sized"):
        assert reused[name] > 0, name


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_calls_never_recorded_beside_calls_reused_are_counted_exactly(width, depth):
    assert_counted_exactly(UNRECORDED, Point(width, depth, 2**41))


def test_a_function_whose_calls_are_never_recorded_is_keyed_only_now_and_then(monkeypatch):
    # The formula fit analyses the program at a dozen more points: each run calls Tally.bump
    # 120 times (loops run every iteration here).
    point = Point(8, 2, 2**41)
    report, keyed, reused = keys_and_reuses(monkeypatch, UNRECORDED, point, formula=True)
    plain, keyed_always, reused_always = keys_and_reuses(monkeypatch, UNRECORDED, point, formula=True, futility=False)
    assert (report.total, report.formula) == (plain.total, plain.formula)
    assert keyed["Tally.bump"] * 4 < keyed_always["Tally.bump"]
    # a function with recorded calls is keyed as before, and reused as often
    assert keyed["Pure.rows"] == keyed_always["Pure.rows"] and reused["Pure.rows"] == reused_always["Pure.rows"] > 0
    # one whose calls become recordable is keyed again once one is recorded, and reused
    assert reused["Warming.rows"] > reused_always["Warming.rows"] // 2


PER_LAYER = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def layer_rows(i, w):
    return fnp.sum(fnp.ones((i + 1, w)), axis=0)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        total = fnp.zeros(mlp.width)
        rows = []
        for i, w in enumerate(mlp.weights):
            total = total @ w + layer_rows(i, mlp.width) ** 2
            rows.append(total)
        return fnp.stack(rows)
"""


def test_once_settled_a_function_whose_recorded_calls_are_never_reused_is_keyed_only_now_and_then(
        monkeypatch, tmp_path):
    # layer_rows(i, w) is recorded at every call (it writes nothing) and never reused (each layer
    # asks for another i, each grid point for another w). The savings' analyses, made after the
    # command's formula fit, key it only now and then; the fit keys it as before, and every
    # number and formula printed is the same.
    from flopcast.analyzer import api
    from flopcast.check import savings
    from flopcast.check.engine import session

    path = tmp_path / "per_layer.py"
    path.write_text(PER_LAYER)
    point = Point(32, 6, 2**41)

    def command(settling: bool) -> tuple:
        keyed: collections.Counter = collections.Counter()
        phase = ["analysis"]
        key = repeats.CallMemo.key

        def counting_key(self, fn, args, kwargs):
            found = key(self, fn, args, kwargs)
            if found is not None:
                keyed[fn.qualname, phase[0]] += 1
            return found

        with monkeypatch.context() as patched:
            patched.setattr(repeats.CallMemo, "key", counting_key)
            if not settling:
                patched.setattr(api, "settle", lambda lasting: None)
            analyzer = session()
            report = analyzer(str(path), point, trace=True, memory=True, formula=True)
            phase[0] = "savings"
            found = [(f.code, f.line, f.fix.saving, f.fix.formula)
                     for f in savings.savings(str(path), report, formulas=True, analyzer=analyzer)]
        return report, found, keyed

    report, found, keyed = command(settling=True)
    plain, plain_found, keyed_always = command(settling=False)
    assert (report.total, report.formula, found) == (plain.total, plain.formula, plain_found)
    assert any(formula for *_, formula in found)
    assert keyed["layer_rows", "analysis"] == keyed_always["layer_rows", "analysis"] > 0
    assert 0 < keyed["layer_rows", "savings"] * 3 < keyed_always["layer_rows", "savings"]


# A module function holding a lambda (functools.reduce's step) that reads a module global,
# called again after a statement between the calls ({change}).
_LAMBDA_READS = """
import functools
import flopscope.numpy as fnp
from whestbench import BaseEstimator

FACTOR = 1
LABEL = "first"


def products(n):
    total = 0
    for _ in range(n):
        total = total + functools.reduce(lambda acc, c: acc * FACTOR + c, (1, 1), 0)
    return total


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        global FACTOR, LABEL
        w = mlp.weights[0]
        y = w
        for _ in range(products(2)):
            y = y @ w
        {change}
        for _ in range(products(2)):
            y = y @ w
        FACTOR, LABEL = 1, "first"  # (whestbench's later calls begin as the first)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(y)
"""


def _lambda_program(tmp_path: Path, change: str) -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(_LAMBDA_READS.format(change=change))
    return path


def test_a_function_whose_lambda_reads_a_global_that_changed_between_calls_is_run_again(tmp_path):
    # The lambda's global is in the key: the second call counts 3 products a step, not 2.
    path = _lambda_program(tmp_path, "FACTOR = 2")
    assert_counted_exactly(path, Point(8, 2, 10**9))


def test_a_function_holding_a_lambda_over_its_own_parameters_is_keyed_by_the_globals_it_names(
        monkeypatch, tmp_path):
    # The lambda opens no scope that reads more than the function's code names: the key holds
    # those names (not the globals of everything the module reaches), and the second call is
    # reused after a change to a global nothing in it names.
    path = _lambda_program(tmp_path, 'LABEL = "second"')
    kinds: dict = {}
    form = repeats.CallMemo.form

    def spied(self, canon, fn, args, kwargs):
        found = form(self, canon, fn, args, kwargs)
        kind, parts = found[3][:2]
        kinds.setdefault(fn.qualname, set()).add((kind, tuple(sorted(p[1] for p in parts)) if kind == "reads" else ()))
        return found

    monkeypatch.setattr(repeats.CallMemo, "form", spied)
    report, _, reused = keys_and_reuses(monkeypatch, path, Point(8, 2, 10**9))
    (kind, names), = kinds["products"]
    assert kind == "reads" and "FACTOR" in names and "LABEL" not in names
    assert reused["products"] > 0
    assert first_call(report).exact and first_call(report).lo == measure(path, Point(8, 2, 10**9)).total
