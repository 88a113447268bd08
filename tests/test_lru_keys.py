"""Calls of ``functools.lru_cache``d functions hit or miss as CPython's table decides
(flopcast/analyzer/lru.py): the key is made as ``_make_key`` makes it, a bounded table evicts
the entry used least recently, ``maxsize=0`` caches nothing, an object in a key stays alive with
the table, and a lookup flopcast cannot decide is analysed both ways.

Each estimator runs for real on one instance for several MLPs, as whestbench runs it, and every
call's count must be what flopcast says for it (exactly, or inside its interval).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure_calls

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(8, 2, 2**41)
CALLS = 4

_HEAD = """
from dataclasses import dataclass
from functools import cache, lru_cache

import flopscope.numpy as fnp
from whestbench import BaseEstimator

"""

_TAIL = """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
{body}
        return fnp.zeros((mlp.depth, mlp.width))
"""


def _estimator(tmp_path: Path, helpers: str, body: str) -> Path:
    path = tmp_path / "estimator.py"
    lines = "\n".join("        " + line for line in body.strip().splitlines())
    path.write_text(_HEAD + helpers + _TAIL.format(body=lines))
    return path


def _per_call(report, calls: int) -> list:
    """What the report says each of ``calls`` MLPs costs (every call the total, when all cost alike)."""
    if not report.per_call:
        return [report.total] * calls
    assert report.per_call_settled, "the calls did not settle"
    return [report.per_call[min(i, len(report.per_call) - 1)] for i in range(calls)]


def _counted_exactly(path: Path, point: Point = POINT) -> list[int]:
    report = analyze(path, point, formula=False)
    real = [m.total for m in measure_calls(path, point, CALLS)]
    said = _per_call(report, CALLS)
    assert not report.lower_bound and all(i.exact for i in said), f"not exact: {said}"
    assert [i.lo for i in said] == real
    return real


HEAVY = """
@lru_cache{args}
def heavy(k, scale=1.0):
    return fnp.ones(64) * scale
"""


def test_one_int_argument_misses_the_same_number_as_a_float_but_a_float_hits_a_bool(tmp_path):
    # CPython keys one int or str argument by itself, anything else by a list of the arguments:
    # 1 and [1.0] differ, [1.0] and [True] are equal.
    path = _estimator(tmp_path, HEAVY.format(args=""), "heavy(1)\nheavy(1.0)\nheavy(True)\nheavy(1)")
    _counted_exactly(path)


def test_typed_keeps_an_int_and_a_float_apart_but_not_two_equal_tuples(tmp_path):
    path = _estimator(tmp_path, HEAVY.format(args="(maxsize=None, typed=True)"),
                      "heavy(1.0)\nheavy(True)\nheavy((1, 2))\nheavy(tuple([1, 2]))")
    _counted_exactly(path)


def test_keywords_in_another_order_are_another_entry(tmp_path):
    path = _estimator(tmp_path, HEAVY.format(args="(maxsize=None)"),
                      "heavy(k=1, scale=2.0)\nheavy(scale=2.0, k=1)\nheavy(1, scale=2.0)\nheavy(k=1, scale=2.0)")
    _counted_exactly(path)


@pytest.mark.parametrize("args", ["(maxsize=2)", "(2)", "", "(maxsize=0)", "(maxsize=-3)"])
def test_a_bounded_table_evicts_the_entry_used_least_recently(tmp_path, args):
    # at maxsize 2: 1 2 (hit 1) 3 evicts 2, then 2 misses and evicts 1, 1 misses; maxsize 0 keeps nothing;
    # the default keeps 128 entries, so a loop over 130 keys misses them all again
    body = "for k in (1, 2, 1, 3, 2, 1, 3):\n    heavy(k)\nfor k in range(130):\n    heavy(k)\nfor k in range(130):\n    heavy(k)"
    _counted_exactly(_estimator(tmp_path, HEAVY.format(args=args), body))


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)])
def test_a_generator_functions_table_keeps_the_generator_so_a_repeat_gets_it_used_up(tmp_path, point):
    # The first call's generator is the entry: the second loop (and every later MLP's loops) take
    # no item from it. (The instance's state is not seen to settle: the calls after the fourth are
    # left unpriced, a lower bound.)
    helpers = "@lru_cache(maxsize=None)\ndef layers(n):\n    for i in range(n):\n        yield i\n"
    body = "x = fnp.ones((4, mlp.width))\nfor _ in range(2):\n    for i in layers(mlp.depth):\n        x = fnp.tanh(x @ mlp.weights[i])"
    path = _estimator(tmp_path, helpers, body)
    report = analyze(path, point, formula=False)
    real = [m.total for m in measure_calls(path, point, CALLS)]
    assert [(c.lo, c.hi) for c in report.per_call[:CALLS]] == [(n, n) for n in real]


def test_cache_keeps_every_entry(tmp_path):
    helpers = "@cache\ndef heavy(k):\n    return fnp.ones(64) * 2.0\n"
    _counted_exactly(_estimator(tmp_path, helpers, "for k in range(200):\n    heavy(k)\nfor k in range(200):\n    heavy(k)"))


def test_an_object_in_a_key_stays_alive_so_a_new_object_never_hits_its_entry(tmp_path):
    # Were the first Box freed, the next could take its address and seem to hit. Each MLP adds
    # 40 entries no later call can reach (carried._live_entries): every MLP misses them all.
    helpers = "class Box:\n    pass\n\n" + HEAVY.format(args="(maxsize=None)")
    path = _estimator(tmp_path, helpers, "for i in range(40):\n    heavy(Box())")
    report = analyze(path, POINT, formula=False)
    real = [m.total for m in measure_calls(path, POINT, CALLS)]
    assert not report.per_call and not report.unpriced and report.total.exact
    assert real == [report.total.lo] * CALLS


def test_a_number_read_from_data_gives_an_interval_holding_every_call(tmp_path):
    # The first lookup of the table misses for sure; a second cannot tell whether it equals the first.
    path = _estimator(tmp_path, HEAVY.format(args="(maxsize=None)"),
                      "s = float(fnp.sum(fnp.ones(mlp.width)))\nheavy(s)\nheavy(s)\nheavy(2.5)")
    report = analyze(path, POINT, formula=False)
    real = [m.total for m in measure_calls(path, POINT, CALLS)]
    assert not report.total.exact
    said = report.per_call or [report.total]
    for i, count in enumerate(real):
        interval = said[min(i, len(said) - 1)]
        assert interval.lo <= count and (report.lower_bound or count <= interval.hi), (i, interval, count)


def test_a_frozen_dataclass_key_is_compared_by_its_fields_so_an_equal_one_made_apart_hits(tmp_path):
    helpers = "@dataclass(frozen=True)\nclass Cfg:\n    n: int\n\n" + HEAVY.format(args="(maxsize=None)")
    path = _estimator(tmp_path, helpers, "heavy(Cfg(8))\nheavy(Cfg(8))\nheavy(Cfg(9))")
    report = analyze(path, POINT, formula=False)
    real = [m.total for m in measure_calls(path, POINT, CALLS)]
    # Later MLPs find all three entries: equal Cfgs made anew by each call of predict hit them.
    assert not report.unpriced and all(i.exact for i in report.per_call) and report.per_call_settled
    assert real == [i.lo for i in report.per_call] + [report.per_call[-1].lo] * (CALLS - len(report.per_call))
    assert real[1] < real[0]


def test_a_dataclass_compared_by_its_own_eq_keeps_both_outcomes(tmp_path):
    # Its __eq__ is the user's: whether two made apart are equal is not read from the fields.
    helpers = ("@dataclass(frozen=True)\nclass Cfg:\n    n: int\n\n    def __eq__(self, other):\n"
               "        return self.n // 2 == other.n // 2\n\n    def __hash__(self):\n        return 0\n\n"
               + HEAVY.format(args="(maxsize=None)"))
    path = _estimator(tmp_path, helpers, "heavy(Cfg(8))\nheavy(Cfg(9))")
    report = analyze(path, POINT, formula=False)
    first = measure_calls(path, POINT, 1)[0].total
    said = report.per_call[0] if report.per_call else report.total
    assert not said.exact and said.lo <= first <= said.hi


def test_an_unhashable_argument_is_the_type_error_cpython_raises(tmp_path):
    path = _estimator(tmp_path, HEAVY.format(args="(maxsize=None)"), "heavy([1, 2])")
    report = analyze(path, POINT, formula=False)
    assert any("TypeError" in r.what and r.every_path for r in report.raises)
    with pytest.raises(TypeError):
        measure_calls(path, POINT, 1)


def test_a_maxsize_that_is_not_known_is_a_lower_bound(tmp_path):
    helpers = "import os\nSIZE = int(os.environ.get('SIZE', '1'))\n" + HEAVY.format(args="(maxsize=SIZE)")
    path = _estimator(tmp_path, helpers, "heavy(1)\nheavy(2)\nheavy(1)")
    report = analyze(path, POINT, formula=False)
    assert report.lower_bound and any("lru_cache" in u.what for u in report.unpriced)
    assert report.total.lo <= measure_calls(path, POINT, 1)[0].total


def test_cache_clear_empties_the_table_so_every_mlp_misses_again(tmp_path):
    path = _estimator(tmp_path, HEAVY.format(args="(maxsize=None)"), "heavy.cache_clear()\nheavy(1)\nheavy(1)")
    _counted_exactly(path)


TWO_POINTS = [POINT, Point(16, 3, 2**41)]


@pytest.mark.parametrize("point", TWO_POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_cache_info_logged_keeps_every_mlp_exact(tmp_path, point):
    """``cache_info()`` charges nothing and changes no table: a log line of it leaves the count
    exact (it was an unmodelled attribute: a lower bound)."""
    body = "heavy(1)\nheavy(1)\ninfo = heavy.cache_info()\nprint(f'{info} of {heavy.__name__}')"
    _counted_exactly(_estimator(tmp_path, HEAVY.format(args="(maxsize=None)"), body), point)


@pytest.mark.parametrize("point", TWO_POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_branch_on_cache_info_is_a_site_whose_interval_holds_the_run(tmp_path, point):
    """Its counts are not followed: a test of them is a value-dependent site. Its answers leave
    the cache with or without heavy(2) for the next MLP, which reads it: the high end is open at
    the site (a later MLP may answer it otherwise), and the low end holds every call."""
    body = "heavy(1)\nheavy(1)\nif heavy.cache_info().hits > 3:\n    heavy(2)"
    path = _estimator(tmp_path, HEAVY.format(args="(maxsize=None)"), body)
    report = analyze(path, point, formula=False)
    assert report.lower_bound and not report.exact
    assert {u.what for u in report.unpriced} == {"switches"}
    assert all(report.total.lo <= m.total for m in measure_calls(path, point, CALLS))


def test_a_cache_made_by_calling_lru_cache_or_cache_is_a_table_of_its_own(tmp_path):
    helpers = ("import functools\n\n\ndef _heavy(k):\n    return fnp.ones(64) * 2.0\n\n\n"
               "heavy = functools.lru_cache(maxsize=None)(_heavy)\nlight = functools.cache(_heavy)\n"
               "small = functools.lru_cache(maxsize=1)\n\n\n@small\ndef tiny(k):\n    return fnp.ones(8) * 3.0\n")
    body = "heavy(1)\nheavy(1)\nlight(1)\nlight(1)\n_heavy(1)\ntiny(1)\ntiny(2)\ntiny(1)"
    _counted_exactly(_estimator(tmp_path, helpers, body))
