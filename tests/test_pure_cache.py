"""lru_cache entries a first call of predict added whose hits stand in for its runs (pure_cache.py),
left out of the state the later calls are proven alike on, with the attributes predict's prefix
added (first_writes.added): their paths make no second call. The reports must be those of
following the second call, bit for bit, and the calls' costs those the real flopscope measures on
one instance; where the cached body does more than compute a number, the second call still runs
and shows what the later MLPs cost."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flopcast.analyzer import interpreter, pure_cache
from flopcast.analyzer.api import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point
from oracle import measure_calls

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "carried"
CORPUS = HERE / "realistic" / "estimators"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]


def _analyzed(path: Path, point: Point, monkeypatch, standing_in: bool) -> tuple:
    """The report's JSON, how many second calls the paths made, and the report; with
    ``standing_in`` False no cache entry is taken to stand in for its run."""
    second_calls: list = []
    call_again = interpreter.Interpreter._call_again

    def spy(self, predict, instance):
        second_calls.append(predict)
        return call_again(self, predict, instance)

    with monkeypatch.context() as m:
        m.setattr(interpreter.Interpreter, "_call_again", spy)
        if not standing_in:
            m.setattr(pure_cache, "stands_in", lambda interp, key: False)
        report = analyze(path, point)
    return to_json(report), len(second_calls), report


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("path", [FIXTURES / "staged_log_costs.py", FIXTURES / "cost_table.py",
                                  FIXTURES / "recursive_costs.py", CORPUS / "staged_pipeline.py"], ids=lambda p: p.stem)
def test_leaving_out_the_entries_changes_no_report(path: Path, point: Point, monkeypatch) -> None:
    standing_in, fewer, _ = _analyzed(path, point, monkeypatch, True)
    plain, calls, _ = _analyzed(path, point, monkeypatch, False)
    assert fewer < calls  # some path's second call was not made, and only by the entries left out
    assert standing_in == plain


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("path", [FIXTURES / "staged_log_costs.py", FIXTURES / "cost_table.py",
                                  FIXTURES / "recursive_costs.py"], ids=lambda p: p.stem)
def test_entries_of_bodies_that_only_compute_numbers_prove_the_later_calls(path: Path, point: Point,
                                                                          monkeypatch) -> None:
    _, second_calls, report = _analyzed(path, point, monkeypatch, True)
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured == [measured[0]] * 3  # every MLP costs what the first does
    assert not report.per_call and report.per_call_settled is not False
    assert report.total.lo <= measured[0] <= report.total.hi


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("path", [FIXTURES / "cost_side_effect.py", FIXTURES / "shadowed_builtin_costs.py"],
                         ids=lambda p: p.stem)
def test_an_entry_whose_body_writes_keeps_the_second_call(path: Path, point: Point, monkeypatch) -> None:
    """The miss sets a flag the call reads and resets (itself, or in a `min` of the module's own
    that shadows the builtin): the later calls, which hit, cost less."""
    _, second_calls, report = _analyzed(path, point, monkeypatch, True)
    assert second_calls
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured[1] == measured[2] < measured[0]
    assert report.per_call and len(report.per_call) == 2
    first, later = report.per_call
    assert first.lo <= measured[0] <= first.hi and later.lo <= measured[1] <= later.hi


def _function(source: str) -> ast.FunctionDef:
    return ast.parse("@functools.lru_cache(maxsize=None)\n" + source).body[0]


@pytest.mark.parametrize("source", [
    "def f(w):\n    return 4 * w * w + 90 * w\n",
    "def f(w, k):\n    '''doc'''\n    per = 2 * w * k\n    per += w ** 3\n    return per if k > 1 else -w\n",
    "def f(w, *, k):\n    if w > k and not k:\n        return w // 2\n    return 1.5 * k\n",
    "def f(w):\n    return [w][0]\n",
])
def test_a_body_of_arithmetic_on_its_parameters_only_computes_a_number(source: str) -> None:
    assert pure_cache.pure(_function(source)) == frozenset()


@pytest.mark.parametrize("source, calls", [
    ("def f(n, leaf):\n    if n <= leaf:\n        return 2 * n ** 3\n    return 7 * f(n // 2, leaf) + 18 * n\n", {"f"}),
    ("def f(n, block):\n    full, rest = divmod(n, block)\n    return 2 * n * (full * block + rest)\n", {"divmod"}),
    ("def f(n, cap):\n    costs = [(g(n, k), k) for k in range(cap + 1)]\n    return min(costs)[1]\n",
     {"g", "range", "min"}),
])
def test_a_body_may_call_names_that_must_resolve_to_pure_code(source: str, calls: set) -> None:
    # (what they are is looked up when an entry is asked about: a global may shadow a builtin)
    assert pure_cache.pure(_function(source)) == calls


@pytest.mark.parametrize("source", [
    "def f(w):\n    return w * SCALE\n",  # a global: it may be anything
    "def f(w):\n    return max(w, key=abs)\n",  # a keyword: it may call anything
    "def f(w, g):\n    return g(w)\n",  # a call of a parameter
    "def f(w):\n    LOG.append(w)\n    return w\n",
    "def f(w):\n    global N\n    N = w\n    return w\n",
    "def f(w):\n    MISSED[0] = 1\n    return w\n",
    "def f(w, k=SCALE):\n    return w * k\n",  # a default, evaluated at the def
    "def f(*ws):\n    return 1\n",
    "def f(w):\n    for i in range(w):\n        w += i\n    return w\n",
    "def f(w):\n    return 'w'\n",
])
def test_a_body_that_may_do_more_than_compute_a_number_is_not_pure(source: str) -> None:
    assert pure_cache.pure(_function(source)) is None


def test_a_function_with_another_decorator_is_not_pure() -> None:
    node = ast.parse("@functools.lru_cache(maxsize=None)\n@traced\ndef f(w):\n    return w\n").body[0]
    assert pure_cache.pure(node) is None


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_the_nominal_path_makes_no_second_call_either(point: Point, monkeypatch) -> None:
    """The nominal path's decisions only add the presumptions of the sites they first meet: a
    second call making the first's moves meets none, so it need not run there either (the
    nominal path of staged_pipeline is a run of its own: no explored path takes its options)."""
    path = CORPUS / "staged_pipeline.py"
    made: list = []
    skipped: list = []
    call_again, add_second_call = interpreter.Interpreter._call_again, interpreter.Interpreter._add_second_call

    def spy_made(self, predict, instance):
        made.append(type(self.decisions).__name__)
        return call_again(self, predict, instance)

    def spy_skipped(self, marks):
        skipped.append(type(self.decisions).__name__)
        return add_second_call(self, marks)

    monkeypatch.setattr(interpreter.Interpreter, "_call_again", spy_made)
    monkeypatch.setattr(interpreter.Interpreter, "_add_second_call", spy_skipped)
    report = analyze(path, point)
    assert "NominalDecisions" in skipped and "NominalDecisions" not in made
    # (its MLPs take other paths through the value-dependent sites: each lies in the interval)
    assert not report.per_call
    assert all(report.total.lo <= m.total <= report.total.hi for m in measure_calls(path, point, 3))
