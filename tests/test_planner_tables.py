"""A recursive planner memoised by an lru_cache that keeps every entry (repeats._fills_once):
each of its calls that runs misses the table, so keying it for a reuse (a walk of everything it
can read) finds none on the path. Past CallMemo.UNREUSED misses in a row it is keyed only around
powers of two, as a function that is not recursive is. Only the speed may change: the counts are
flopscope's, and the report is the one keying every call gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer import analyze, repeats
from flopcast.analyzer.render import to_json
from flopcast.model import Point
from oracle import assert_exact_at

PLANNER = Path(__file__).resolve().parent / "fixtures" / "unkeyed" / "cached_planner.py"


def test_a_cached_planner_is_keyed_only_around_powers_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    point = Point(32, 8, 2**41)
    keyed, calls = [], []
    key = repeats.CallMemo.key

    def counting(self, fn, args, kwargs):
        made = key(self, fn, args, kwargs)
        if fn.qualname == "Planner.best":
            calls.append(made)
            if made is not None:
                keyed.append(made)
        return made

    with monkeypatch.context() as m:
        m.setattr(repeats.CallMemo, "key", counting)
        report = to_json(analyze(PLANNER, point))
    assert len(calls) > 60
    assert len(keyed) <= repeats.CallMemo.UNREUSED + 2 * len(calls).bit_length()
    with monkeypatch.context() as m:
        m.setattr(repeats, "_fills_once", lambda fn: False)
        assert to_json(analyze(PLANNER, point)) == report
    assert_exact_at(PLANNER, [Point(16, 5, 2**41), point])
