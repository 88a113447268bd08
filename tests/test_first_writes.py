"""A first call of predict that only adds attributes, by the assignments predict begins with
and before any code can read them (first_writes.py): its paths make no second call. The
reports must be those of following the second call, bit for bit, and the calls' costs those the
real flopscope measures on one instance; where a later call can read what the first added, the
second call still runs and shows it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from flopcast.analyzer import first_writes
from flopcast.analyzer.api import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point
from oracle import measure_calls

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "carried"
CORPUS = HERE / "realistic" / "estimators"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

pytestmark = pytest.mark.xdist_group("first-writes")


@cache
def _analyzed(path: Path, point: Point, proving: bool) -> tuple:
    """The report's JSON, how many first calls proved (True) or did not prove (False) their
    later calls alike by the attributes they added, and the report; with ``proving`` False no
    first call is armed (every path makes its second call). Made once per worker (the module is
    one xdist group): two or three tests read the same analysis, quantile_gram's 2-3 s at 16x3."""
    tries: list = []
    added_unread = first_writes.added_unread

    def spy(interp, instance, before, armed):
        proven = added_unread(interp, instance, before, armed)
        tries.append(proven)
        return proven

    with pytest.MonkeyPatch.context() as m:
        m.setattr(first_writes, "added_unread", spy)
        if not proving:
            m.setattr(first_writes, "arm", lambda instance, predict: None)
        report = analyze(path, point)
    return to_json(report), tuple(tries), report


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("path", [FIXTURES / "prefix_adds.py", FIXTURES / "prefix_registry.py",
                                  FIXTURES / "prefix_helper.py", FIXTURES / "prefix_then_hasattr.py",
                                  FIXTURES / "prefix_overwrites.py", FIXTURES / "prefix_overwrites_reached.py",
                                  FIXTURES / "prefix_guards.py", CORPUS / "quantile_gram.py",
                                  CORPUS / "rescue_ladder.py"], ids=lambda p: p.stem)
def test_skipping_the_second_call_changes_no_report(path: Path, point: Point) -> None:
    proving, tries, _ = _analyzed(path, point, True)
    plain, untried, _ = _analyzed(path, point, False)
    assert tries and not untried  # the first calls were armed, and only then
    assert proving == plain


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("path", [FIXTURES / "prefix_adds.py", FIXTURES / "prefix_overwrites.py",
                                  FIXTURES / "prefix_guards.py", CORPUS / "quantile_gram.py"], ids=lambda p: p.stem)
def test_attributes_written_before_read_prove_the_later_calls(path: Path, point: Point) -> None:
    _, tries, report = _analyzed(path, point, True)
    assert tries and any(tries)  # some path's second call was not made
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured == [measured[0]] * 3  # every MLP costs what the first does
    assert not report.per_call and report.per_call_settled is not False
    assert report.total.lo <= measured[0] <= report.total.hi


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("path", [FIXTURES / "prefix_registry.py", FIXTURES / "prefix_helper.py",
                                  FIXTURES / "prefix_then_hasattr.py", FIXTURES / "prefix_overwrites_reached.py"],
                         ids=lambda p: p.stem)
def test_an_attribute_a_later_call_can_read_keeps_the_second_call(path: Path, point: Point) -> None:
    """The instance reached through a registry, a helper run before the attributes are written,
    an attribute added after the first assignments: the later calls cost otherwise than the
    first, which only the second call shows."""
    _, tries, report = _analyzed(path, point, True)
    assert tries and not any(tries)
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured[1] == measured[2] != measured[0]
    assert report.per_call and len(report.per_call) == 2
    first, later = report.per_call
    assert first.lo <= measured[0] <= first.hi and later.lo <= measured[1] <= later.hi


def test_the_prefix_is_the_plain_assignments_predict_begins_with() -> None:
    import ast

    def prefix_of(source: str):
        return first_writes.prefix(ast.parse(source).body[0])

    found = prefix_of('def predict(self, mlp, budget):\n    "doc"\n    w = mlp.width\n    self.a = [0] * w\n'
                      '    self.b, n = 1, 2\n    self.c = self.a\n    self.d = 1\n')
    assert found is not None and found.through == (frozenset(), frozenset("a"), frozenset("ab"))
    # a value naming the instance, reaching a frame or a namespace, binding or making code: none
    for value in ("self", "super().x", "vars()['self']", "sys._getframe().f_locals", "(y := 1)",
                  "lambda: 1", "[v for v in range(2)]"):
        assert prefix_of(f"def predict(self, mlp, budget):\n    self.a = {value}\n") is None, value
    # targets: only local names and the instance's attributes
    for target in ("mlp.a", "d[0]", "self"):
        assert prefix_of(f"def predict(self, mlp, budget):\n    {target} = 1\n    self.a = 1\n") is None, target


def test_guards_may_stand_in_the_prefix() -> None:
    import ast

    def prefix_of(body: str):
        return first_writes.prefix(ast.parse("def predict(self, mlp, budget):\n" + body).body[0])

    guarded = ("    assert mlp.depth > 0\n    if mlp.width > 9:\n        raise ValueError('wide')\n"
               "    print(mlp.width)\n    match mlp.depth:\n        case 1 | 2:\n            return None\n")
    found = prefix_of(guarded + "    self.a = 1\n")
    assert found is not None and found.through == (frozenset("a"),)
    # a branch that can end normally, a pattern that binds a name, a guard naming the instance:
    # the prefix ends there (and so assigns nothing)
    for guard in ("    if mlp.width > 9:\n        w = 1\n",
                  "    if mlp.width > 9:\n        return 0\n    else:\n        w = 1\n",
                  "    match mlp.depth:\n        case 1 as d:\n            return d\n",
                  "    match mlp:\n        case {'w': 1, **rest}:\n            return 0\n",
                  "    if self.ready:\n        return 0\n",
                  "    assert self.ready\n"):
        assert prefix_of(guard + "    self.a = 1\n") is None, guard
