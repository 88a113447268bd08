"""Per-key counters a first call of predict adds to a dict (`stats[how] = stats.get(how, 0) + 1`,
`log.setdefault(key, 0); log[key] += 1`): the first call of a later run is watched on the dict
(counters.CounterWatch.grown), the default a get or setdefault gives at a key not there being a
watched number. When nothing reads the dict's keys and the counts feed only arithmetic, the second
call is not made; any read that lets a count or a key's presence steer a later call keeps it, and
the prediction follows the calls as the real flopscope runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer import interpreter
from flopcast.analyzer.api import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point
from oracle import measure_calls

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

# Two value-dependent sites whose options cost alike: four paths (the first one's second call
# gives the hint the later paths watch their first call on), one exact total.
SOURCE = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

CALLS = 0
LOG = []


def bump(stats, how):
    stats[how] = stats.get(how, 0) + 1


def has(d, k):
    try:
        d[k]
        return True
    except KeyError:
        return False


class Estimator(BaseEstimator):
    def __init__(self):
        self.log = {{}}
        self.stats = {{"rungs": {{}}, "refits": 0}}

    def predict(self, mlp, budget):
        global CALLS
        CALLS += 1
        key = "%dx%d" % (mlp.width, mlp.width)
        extra = {read}
        x = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            {count}
            x = fnp.maximum(x @ w, 0.0)
            peak = float(fnp.max(x))
            x = x / peak if peak > 1e30 else x * 2.0
            x = fnp.nan_to_num(x) if peak != peak else x + 1.0
            rows.append(x)
        if extra:
            rows[-1] = rows[-1] @ mlp.weights[-1]
        return fnp.stack(rows)
'''

COUNTS = {
    "setdefault then +=": "self.log.setdefault(key, 0); self.log[key] += 1",
    "get + 1 in a helper": "bump(self.log, key)",
    "a nested dict's get + 1": 'self.stats["rungs"][key] = self.stats["rungs"].get(key, 0) + 1',
    "a float count": "self.log[key] = self.log.get(key, 0.0) + 0.5",
    "a new key given the call counter, logged as text":
        'self.log[f"rows:{len(rows)}"] = CALLS; LOG.append(f"{CALLS:03d}:{key}")',
}

# Reads that make the counts matter: the later calls take the costlier branch.
READS = {
    "get compared": "self.log.get(key, 0) > 0",
    "get's default compared with ==": "self.log.get(key, 0) == mlp.depth",
    "setdefault compared": "self.log.setdefault(key, 0) > 0",
    "get without a default": "self.log.get(key) is not None",
    "in": "key in self.log",
    "len": "len(self.log) > 0",
    "truth": "bool(self.log)",
    "iteration": "any(True for _ in self.log)",
    "keys": "list(self.log.keys()) != []",
    "items": "len(self.log.items()) > 0",
    "values": "sum(self.log.values()) > 0",
    "==": "self.log != {}",
    "pop": "self.log.pop(key, 0) > 0",
    "a missing key's KeyError": "has(self.log, key)",
    "a copy": "len(dict(self.log)) > 0",
    "sorted": "sorted(self.log) != []",
    "str": "len(str(self.log)) > 2",
    "__contains__": "self.log.__contains__(key)",
}


def _estimator(tmp_path: Path, count: str, read: str = "False") -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(SOURCE.format(count=count, read=read))
    return path


def _analyzed(path: Path, point: Point, monkeypatch, watched: bool) -> tuple:
    """The report, its JSON and how many first calls proved (True) or did not prove (False) the
    later calls alike; with ``watched`` False no first call is watched."""
    tries: list = []
    settled_as_first = interpreter.Interpreter._settled_as_first

    def spy(self, instance, watch, marks, found=None):
        proven = settled_as_first(self, instance, watch, marks, found)
        tries.append(proven)
        return proven

    with monkeypatch.context() as m:
        m.setattr(interpreter.Interpreter, "_settled_as_first", spy)
        if not watched:
            m.setattr(interpreter.Interpreter, "_watch_first", lambda self, instance: None)
        report = analyze(path, point)
    return report, to_json(report), tries


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("count", list(COUNTS), ids=str)
def test_a_first_call_adding_write_only_per_key_counters_is_not_made_again(
        count: str, point: Point, tmp_path: Path, monkeypatch) -> None:
    path = _estimator(tmp_path, COUNTS[count])
    report, with_watch, tries = _analyzed(path, point, monkeypatch, True)
    assert tries and all(tries)  # every later path's second call was not made
    _, without, _ = _analyzed(path, point, monkeypatch, False)
    assert with_watch == without
    measured = [m.total for m in measure_calls(path, point, 4)]
    assert measured == [measured[0]] * 4
    assert not report.per_call and report.total.lo == report.total.hi == measured[0]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("read", list(READS), ids=str)
def test_a_read_of_the_counted_dict_keeps_the_second_call(read: str, point: Point, tmp_path: Path,
                                                          monkeypatch) -> None:
    path = _estimator(tmp_path, "self.log[key] = self.log.get(key, 0) + 1", READS[read])
    report, with_watch, tries = _analyzed(path, point, monkeypatch, True)
    assert not any(tries)  # no first call watched (if any was) proved the later calls alike
    _, without, _ = _analyzed(path, point, monkeypatch, False)
    assert with_watch == without
    measured = [m.total for m in measure_calls(path, point, 4)]
    assert measured[1] > measured[0]  # the later MLPs cost more: the counts steer them
    # Each call's cost is within what the report gives that call (the last of per_call for every
    # later one: settled, or a bound the report says is not followed further), and no single
    # total is claimed for all of them.
    calls = report.per_call or [report.total]
    assert all(calls[min(k, len(calls) - 1)].lo <= cost <= calls[min(k, len(calls) - 1)].hi
               for k, cost in enumerate(measured))
    assert report.per_call or report.total.lo < report.total.hi


LAYER_KEYS = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

CALLS = 0


class Estimator(BaseEstimator):
    def __init__(self):
        self.log = {}

    def predict(self, mlp, budget):
        global CALLS
        CALLS += 1
        x = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for i, w in enumerate(mlp.weights):
            x = fnp.maximum(x @ w, 0.0)
            if self.log.get(f"layer{i}", 0) > 0:
                x = x @ w
            self.log[f"layer{i}"] = self.log.get(f"layer{i}", 0) + 1
            peak = float(fnp.max(x))
            x = x / peak if peak > 1e30 else x * 2.0
            x = fnp.nan_to_num(x) if peak != peak else x + 1.0
            rows.append(x)
        return fnp.stack(rows)
'''


@pytest.mark.parametrize("point", [Point(8, 6, 2**41), Point(16, 8, 2**41)], ids=lambda p: p.label())
def test_a_count_compared_at_keys_made_from_the_layer_index_keeps_the_second_call(
        point: Point, tmp_path: Path, monkeypatch) -> None:
    """The layer loop adds a key per layer (a loop watch's keyed log, counters.CounterWatch.keyed,
    within the first call's): the first call's default compared is a read of the counted dict."""
    path = tmp_path / "estimator.py"
    path.write_text(LAYER_KEYS)
    report, with_watch, tries = _analyzed(path, point, monkeypatch, True)
    assert tries and not any(tries)
    _, without, _ = _analyzed(path, point, monkeypatch, False)
    assert with_watch == without
    measured = [m.total for m in measure_calls(path, point, 4)]
    assert measured[1] > measured[0]
    assert [i.lo for i in report.per_call] == [i.hi for i in report.per_call] == measured[:2]
    assert report.per_call_settled and measured[2:] == [measured[1]] * 2
