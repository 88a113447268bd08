"""Calls of a function that costs less to run than to key run whole (repeats._cheaper_to_run):
a getter of a few statements that calls nothing but `len` and loops over nothing. Keying one
walks everything the call can read (an instance holding a Lanczos basis); running it reads an
attribute. So is a lambda that calls nothing but `len`, `int` and `float` (a sort or max key,
`lambda j: float(v[j])`, asked of every unit at every layer). Only the speed may change: the
counts are flopscope's, and the report is the one keying every call gives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flopcast.analyzer import analyze, repeats
from flopcast.analyzer.render import to_json
from flopcast.model import Point
from oracle import assert_exact_at

HERE = Path(__file__).resolve().parent
GETTERS = HERE / "fixtures" / "unkeyed" / "getters.py"
KEY_LAMBDAS = HERE / "fixtures" / "unkeyed" / "key_lambdas.py"
CORPUS = HERE / "realistic" / "estimators"


def _function(source: str) -> ast.FunctionDef:
    return ast.parse(source).body[0]


@pytest.mark.parametrize("source", [
    "def k(self):\n    return len(self.alpha)\n",
    "def last(self):\n    return self.rows[-1] if self.rows else None\n",
    "def bump(self):\n    self.reads += 1\n    return self.n\n",
])
def test_a_getter_is_cheaper_to_run(source: str) -> None:
    assert repeats._cheaper_to_run(_function(source))


@pytest.mark.parametrize("source", [
    "lambda j: float(v[j])",
    "lambda j: -int(order[j])",
    "lambda kv: (kv[1], len(kv[0]))",
])
def test_a_key_lambda_of_reads_is_cheaper_to_run(source: str) -> None:
    assert repeats._cheaper_to_run(ast.parse(source, mode="eval").body)


@pytest.mark.parametrize("source", [
    "lambda j: fnp.sum(v[j])",                  # a call other than len, int, float
    "lambda j: sum(x for x in rows[j])",        # a generator expression
])
def test_a_lambda_that_calls_is_keyed(source: str) -> None:
    assert not repeats._cheaper_to_run(ast.parse(source, mode="eval").body)


@pytest.mark.parametrize("source", [
    "def gram(self):\n    return self.w.T @ fnp.eye(3)\n",                 # a call
    "def total(self):\n    return sum(self.rows)\n",                          # a call other than len
    "def n(self):\n    return len([r for r in self.rows])\n",                 # a comprehension
    "def f(self):\n    while self.k:\n        self.k -= 1\n    return 0\n",  # a loop
    "def f(self):\n    a = 1\n    b = 2\n    c = 3\n    return a\n",          # more than three statements
    "def rows(self, n):\n    return int(n * self.FACTOR)\n",                 # int() outside a lambda
])
def test_a_function_that_calls_or_loops_is_keyed(source: str) -> None:
    assert not repeats._cheaper_to_run(_function(source))


@pytest.mark.parametrize("width,depth", [(16, 5), (32, 8)])
def test_getters_run_whole_are_counted_exactly(width: int, depth: int) -> None:
    assert_exact_at(GETTERS, [Point(width, depth, 2**41)])


@pytest.mark.parametrize("width,depth", [(16, 3), (24, 5)])
def test_key_lambdas_run_whole_are_counted_exactly(width: int, depth: int) -> None:
    assert_exact_at(KEY_LAMBDAS, [Point(width, depth, 2**41)])


#: krylov_sampler at 8x2 (session 52: 30% less analysis than at 16x3): the same value-dependent
#: sites, raises and notes as at 16x3, and 1,243 of its calls still run unkeyed (1,913 at 16x3).
@pytest.mark.parametrize("path,point", [(GETTERS, Point(16, 3, 2**41)), (KEY_LAMBDAS, Point(16, 3, 2**41)),
                                        (CORPUS / "krylov_sampler.py", Point(8, 2, 2**41)),
                                        (CORPUS / "winograd_padded.py", Point(16, 3, 2**41))],
                         ids=lambda v: v.stem if isinstance(v, Path) else v.label())
def test_running_getters_unkeyed_changes_no_report(path: Path, point: Point, monkeypatch: pytest.MonkeyPatch) -> None:
    running = to_json(analyze(path, point))
    with monkeypatch.context() as m:
        m.setattr(repeats, "_cheaper_to_run", lambda node: False)
        keyed = to_json(analyze(path, point))
    assert running == keyed
