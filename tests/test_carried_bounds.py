"""carried_bounds: a watched call's recorded computation (counters.py events) proven to compute
alike at every later call. Each case is held against Python itself: the same events re-run, call
after call, from the numbers each call leaves; a proof must never be given for a program whose
answers change at some later call (checked here up to 10,000 calls), and is expected for the
counters the corpus keeps (a count past a bound, a root of a growing count)."""

from __future__ import annotations

import pytest

from flopcast.analyzer.carried_bounds import alike_for_every_later_call
from flopcast.analyzer.counters import _ARITH, _CMP, _ONE_ARG

ONE = ("c", _ONE_ARG)


def _run(events, start):
    """Python's own run of the events from ``start``: each result, or None when one raises, a
    comparison answers otherwise or a result changes type."""
    done = []
    for kind, name, a, b, expected in events:
        def val(r):
            return start[r[1]] if r[0] == "leaf" else done[r[1]] if r[0] == "d" else r[1]
        x, y = val(a), val(b)
        if kind == "arith":
            try:
                r = _ARITH[name](x, y)
            except Exception:
                return None
            if r.__class__ is not expected:
                return None
            done.append(r)
        else:
            if _CMP[name](x, y) != expected:
                return None
            done.append(None)
    return done


def _alike_for(events, start, recipes, calls: int) -> bool:
    values = list(start)
    for _ in range(calls):
        done = _run(events, values)
        if done is None:
            return False
        values = [values[r[1]] if r[0] == "leaf" else done[r[1]] for r in recipes]
    return True


def _events(start, program):
    """Record ``program``'s events as a watch would at ``start``: (kind, name, a, b) with the
    expected type or answer taken from Python's run."""
    events = []
    done = []
    for kind, name, a, b in program:
        def val(r):
            return start[r[1]] if r[0] == "leaf" else done[r[1]] if r[0] == "d" else r[1]
        x, y = val(a), val(b)
        if kind == "arith":
            r = _ARITH[name](x, y)
            events.append((kind, name, a, b, r.__class__))
            done.append(r)
        else:
            events.append((kind, name, a, b, _CMP[name](x, y)))
            done.append(None)
    return events


L0, L1 = ("leaf", 0), ("leaf", 1)

CASES = {
    # name: (start, program, recipes, proven): True proven; False not proven, and Python's calls
    # do change; None not proven though they do not change (intervals keep no relation between
    # two counters: `b > a` with both growing)
    "count past 1": ([3], [("arith", "Add", L0, ("c", 1)), ("cmp", "Eq", L0, ("c", 1))], [("d", 0)], True),
    "count below 7": ([3], [("arith", "Add", L0, ("c", 1)), ("cmp", "GtE", L0, ("c", 7))], [("d", 0)], False),
    "sqrt of a count": ([2], [("arith", "Mult", L0, ("c", 1e-9)), ("arith", "Add", ("c", 1.0), ("d", 0)),
                              ("arith", "math.sqrt", ("d", 1), ONE), ("arith", "Div", ("c", 1.0), ("d", 2))],
                        [("arith_placeholder",)], True),
    "sqrt of a falling count": ([5], [("arith", "Sub", L0, ("c", 1)), ("arith", "math.sqrt", L0, ONE)],
                                [("d", 0)], False),
    "count falling to 0": ([9], [("arith", "Sub", L0, ("c", 3)), ("cmp", "Gt", L0, ("c", 0))], [("d", 0)], False),
    "doubling float": ([8.0], [("arith", "Mult", L0, ("c", 2.0)), ("cmp", "Lt", L0, ("c", 1e6))], [("d", 0)], False),
    "every third": ([3], [("arith", "Add", L0, ("c", 1)), ("arith", "Mod", L0, ("c", 3)),
                          ("cmp", "Eq", ("d", 1), ("c", 0))], [("d", 0)], False),
    "saturating count": ([3], [("arith", "Add", L0, ("c", 1)), ("arith", "min", ("d", 0), ("c", 5)),
                               ("cmp", "Eq", L0, ("c", 5))], [("d", 1)], False),
    "saturated count": ([5], [("arith", "Add", L0, ("c", 1)), ("arith", "min", ("d", 0), ("c", 5)),
                              ("cmp", "Eq", L0, ("c", 5))], [("d", 1)], True),
    "two counters": ([4, 16], [("arith", "Add", L0, ("c", 1)), ("arith", "Add", L1, ("c", 8)),
                               ("cmp", "Eq", L1, ("c", 8)), ("cmp", "Gt", ("d", 1), L0)],
                     [("d", 0), ("d", 1)], None),
    "counters apart": ([4, 16], [("arith", "Add", L0, ("c", 1)), ("arith", "Add", L1, ("c", 8)),
                                 ("cmp", "Eq", L1, ("c", 8)), ("cmp", "Gt", ("d", 1), ("c", 20))],
                       [("d", 0), ("d", 1)], True),
    "counters that meet": ([4, 0], [("arith", "Add", L0, ("c", 1)), ("arith", "Add", L1, ("c", 3)),
                                    ("cmp", "Lt", L1, L0)], [("d", 0), ("d", 1)], False),
    "count into a divisor": ([2], [("arith", "Sub", ("c", 5), L0), ("arith", "Div", ("c", 1.0), ("d", 0)),
                                   ("arith", "Add", L0, ("c", 1))], [("d", 2)], False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_proof_holds_for_every_later_call(name: str) -> None:
    start, program, recipes, proven = CASES[name]
    events = _events(start, program)
    if recipes == [("arith_placeholder",)]:  # the count moves by one after the root
        events.append(("arith", "Add", L0, ("c", 1), int))
        recipes = [("d", len(events) - 1)]
    got = alike_for_every_later_call(events, start, recipes, _ONE_ARG)
    assert got == bool(proven), f"{name}: proven {got}"
    alike = _alike_for(events, start, recipes, 10_000)
    assert alike == (proven is not False), f"{name}: Python's calls {'do not ' if alike else ''}change"
