"""Numbers a call compares, proven to answer alike at every later call (carried.py).

A counter kept in the state and compared (`if self.stats["refits"] == depth:` after the first
call, `math.sqrt(1.0 + CALLS * 1e-9)`) keeps the watched call (carried.numbers_steer_nothing)
from proving that every later call makes its moves: a comparison may answer otherwise at a later
call, a square root may raise. Here the watched call's recorded computation (counters.py: each
event's operands are the numbers it started from, earlier events or constants) is evaluated over
intervals holding every value each number can start a later call with, and each comparison must
give its recorded answer over the whole interval, each operation be unable to raise and give the
recorded type. Then, by induction over the calls, every later call makes the watched call's moves.

The intervals: a number the call moves by a constant int (`+= 1`, `+= 8`, through any chain of
adding and subtracting int constants) is at ``start + n·step`` at the n-th call after the watched
one; whestbench makes fewer than ``MAX_LATER`` calls in a run (2**63: one a nanosecond for 292
years), so it stays within ``[start, start + MAX_LATER·step]``. Any other number gets the
interval its start value widens to (up or down to infinity, the way it moved), which must hold
what the call leaves there (an inductive invariant). A float is followed only while its interval
is finite: rounding is monotone, so an operation monotone in each operand (+, -, ×, ÷ by a
divisor that keeps its sign, min, max, sqrt, int→float) gives its extreme values at the corners.
Anything else (text compared, ``%`` of an interval crossing a multiple, a float operation that
could reach inf or nan, an int too large to become a float) proves nothing.
"""

from __future__ import annotations

import math
from typing import Optional

from flopcast.analyzer.counters import constant_offset

#: More calls than any whestbench run makes.
MAX_LATER = 2 ** 63
#: Ints up to this size become floats without overflow (floats reach 2**1024).
_FLOATABLE = 2 ** 1000
_INF = math.inf


class _Fail(Exception):
    """The events cannot be proven to compute alike over the intervals."""


class _Iv:
    """An int or float interval (``kind``: int, float or str; a text's bounds are not followed)."""

    __slots__ = ("kind", "lo", "hi")

    def __init__(self, kind: type, lo, hi) -> None:
        self.kind, self.lo, self.hi = kind, lo, hi

    def within(self, other: "_Iv") -> bool:
        return self.kind is other.kind and (self.kind is str or other.lo <= self.lo and self.hi <= other.hi)


def _const(value) -> _Iv:
    cls = value.__class__
    if cls is bool or cls not in (int, float, str):
        raise _Fail
    if cls is float and not math.isfinite(value):
        raise _Fail
    return _Iv(cls, value, value) if cls is not str else _Iv(str, None, None)


def _floats(x: _Iv) -> tuple:
    """``x``'s bounds as floats (an int converted as Python converts it)."""
    if x.kind is float:
        return x.lo, x.hi
    if not -_FLOATABLE < x.lo <= x.hi < _FLOATABLE:
        raise _Fail  # unbounded, or too large to become a float
    return float(x.lo), float(x.hi)


def _finite(kind: type, values: list) -> _Iv:
    lo, hi = min(values), max(values)
    if kind is float and not (math.isfinite(lo) and math.isfinite(hi)):
        raise _Fail  # inf or nan could be reached
    return _Iv(kind, lo, hi)


def _corners(fn, x: _Iv, y: _Iv, kind: type) -> _Iv:
    if kind is float:
        xs, ys = _floats(x), _floats(y)
        return _finite(float, [fn(a, b) for a in xs for b in ys])
    return _finite(int, [_mul_ends(fn, a, b) for a in (x.lo, x.hi) for b in (y.lo, y.hi)])


def _mul_ends(fn, a, b):
    """``fn`` at two int bounds, either possibly infinite (as floats)."""
    if fn is _mul and (a == 0 or b == 0):
        return 0  # 0 × an unbounded end: every value of the box gives 0 there
    r = fn(a, b)
    if isinstance(r, float) and math.isnan(r):
        raise _Fail
    return r


def _add(a, b):
    return a + b


def _sub(a, b):
    return a - b


def _mul(a, b):
    return a * b


def _numeric(x: _Iv, y: _Iv) -> type:
    if x.kind is str or y.kind is str:
        raise _Fail
    return float if float in (x.kind, y.kind) else int


def _arith(name: str, x: _Iv, y: Optional[_Iv]) -> _Iv:
    if name in ("Add", "Sub", "Mult"):
        if name == "Add" and x.kind is str and y.kind is str:
            return _Iv(str, None, None)
        fn = {"Add": _add, "Sub": _sub, "Mult": _mul}[name]
        return _corners(fn, x, y, _numeric(x, y))
    if name == "Div":
        _numeric(x, y)
        ys = _floats(y)
        if not (ys[0] > 0 or ys[1] < 0):
            raise _Fail  # the divisor may be zero
        if x.kind is int and y.kind is int and not (-_FLOATABLE < y.lo and y.hi < _FLOATABLE):
            raise _Fail
        xs = _floats(x)
        return _finite(float, [a / b for a in xs for b in ys])
    if name in ("FloorDiv", "Mod"):
        # Only of ints by a positive int constant: // is monotone; % is followed only where the
        # dividend cannot cross a multiple of the divisor.
        if x.kind is not int or y.kind is not int or y.lo != y.hi or y.lo <= 0:
            raise _Fail
        if not (math.isfinite(x.lo) and math.isfinite(x.hi)):
            raise _Fail
        q_lo, q_hi = x.lo // y.lo, x.hi // y.lo
        if name == "FloorDiv":
            return _Iv(int, q_lo, q_hi)
        if q_lo != q_hi:
            raise _Fail
        return _Iv(int, x.lo % y.lo, x.hi % y.lo)
    if name in ("min", "max"):
        if y is None:
            raise _Fail  # min/max of one iterable: not a number
        kind = _numeric(x, y)
        pick = min if name == "min" else max
        if kind is float and (x.kind is int or y.kind is int):
            raise _Fail  # min(1, 2.0) keeps the winner's type: the type may change with the values
        return _Iv(kind, pick(x.lo, y.lo), pick(x.hi, y.hi))
    if name == "abs" and y is None:
        if x.kind is str:
            raise _Fail
        if x.lo >= 0:
            return _Iv(x.kind, x.lo, x.hi)
        if x.hi <= 0:
            return _Iv(x.kind, -x.hi, -x.lo)
        return _Iv(x.kind, 0 if x.kind is int else 0.0, max(-x.lo, x.hi))
    if name == "float" and y is None:
        if x.kind is str:
            raise _Fail
        lo, hi = _floats(x)
        return _Iv(float, lo, hi)
    if name == "math.sqrt" and y is None:
        if x.kind is str:
            raise _Fail
        lo, hi = _floats(x)
        if lo < 0:
            raise _Fail  # math.sqrt of a negative number raises
        return _finite(float, [math.sqrt(lo), math.sqrt(hi)])
    if name in ("str", "format", "concat"):
        if name == "format" and (y is None or y.kind is not str):
            raise _Fail
        return _Iv(str, None, None)
    raise _Fail


def _compare(name: str, x: _Iv, y: _Iv, answer: bool) -> None:
    """Fails unless ``x <name> y`` answers ``answer`` for every pair of values."""
    if x.kind is str or y.kind is str:
        raise _Fail
    if name == "Lt":
        always, never = x.hi < y.lo, x.lo >= y.hi
    elif name == "LtE":
        always, never = x.hi <= y.lo, x.lo > y.hi
    elif name == "Gt":
        always, never = x.lo > y.hi, x.hi <= y.lo
    elif name == "GtE":
        always, never = x.lo >= y.hi, x.hi < y.lo
    elif name in ("Eq", "NotEq"):
        equal = x.lo == x.hi == y.lo == y.hi
        apart = x.hi < y.lo or y.hi < x.lo
        always, never = (equal, apart) if name == "Eq" else (apart, equal)
    else:
        raise _Fail
    if not (always if answer else never):
        raise _Fail


def _evaluate(events: list, box: list, constants: dict) -> list:
    """Each event's interval over ``box`` (the slots' intervals); fails as the module says."""
    done: list = []

    def operand(ref):
        kind, at = ref
        if kind == "leaf":
            return box[at]
        if kind == "d":
            value = done[at]
            if value is None:
                raise _Fail  # a comparison's answer used as a number
            return value
        if kind == "c":
            if at is constants["one_arg"]:
                return None
            return _const(at)
        raise _Fail  # a loop's counter: not a carried number

    for kind, name, a, b, expected in events:
        if name == "format" and not (b[0] == "c" and b[1].__class__ is str and not b[1].endswith("c")):
            raise _Fail  # format(n, "c") raises past the last code point
        x, y = operand(a), operand(b)
        if kind == "arith":
            if x is None:
                raise _Fail
            r = _arith(name, x, y)
            if r.kind is not expected:
                raise _Fail
            done.append(r)
        elif kind == "cmp":
            if x is None or y is None:
                raise _Fail
            _compare(name, x, y, expected)
            done.append(None)
        else:
            raise _Fail  # an index bound: not followed here
    return done


def _step(events: list, recipe: tuple, slot: int) -> Optional[int]:
    """The int constant ``recipe`` adds to slot ``slot``'s start value, when it is that slot
    plus a chain of int constants added and subtracted; None otherwise."""
    found = constant_offset(events, recipe, int_results=True)
    return found[0] if found is not None and found[1] == ("leaf", slot) else None


def alike_for_every_later_call(events: list, start: list, recipes: list, one_arg) -> bool:
    """Whether a call starting from the numbers ``start`` (by slot) that computed ``events``
    and left in each slot the number ``recipes[slot]`` names (("leaf", j): slot j's start value
    unchanged; ("d", e): event e's result) makes the same moves at every later call: every
    comparison answers as recorded, no operation raises or changes type."""
    box: list = []
    stepped: list = []
    for slot, (value, recipe) in enumerate(zip(start, recipes)):
        if value.__class__ not in (int, float) or value.__class__ is float and not math.isfinite(value):
            return False
        step = _step(events, recipe, slot) if value.__class__ is int else None
        stepped.append(step is not None)
        if step is not None:
            end = value + MAX_LATER * step
            box.append(_Iv(int, min(value, end), max(value, end)))
        else:
            box.append(_Iv(value.__class__, value, value))
    constants = {"one_arg": one_arg}
    for _ in range(3):
        try:
            done = _evaluate(events, box, constants)
            ends = [box[r[1]] if r[0] == "leaf" else done[r[1]] for r in recipes]
        except (_Fail, OverflowError, ZeroDivisionError, ValueError, TypeError):
            return False
        if any(e is None for e in ends):
            return False
        grown = False
        for slot, end in enumerate(ends):
            if stepped[slot] or end.within(box[slot]):
                continue
            if end.kind is not box[slot].kind:
                return False
            b = box[slot]
            # widen the way it moved (a float past its finite bounds then proves nothing)
            box[slot] = _Iv(b.kind, -_INF if end.lo < b.lo else b.lo, _INF if end.hi > b.hi else b.hi)
            grown = True
        if not grown:
            return True
    return False
