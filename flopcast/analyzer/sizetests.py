"""Tests of a selection's size: ``if idx.size == 0:``, ``k = len(idx) - 1; if k > 0:``.

A selection's size (``nonzero``, ``unique``, a boolean mask) is analysed at the ends of its
range ``[lo, hi]`` (one value-dependent site per selection), which bounds the run's count
where the cost grows with the size. A test of the size breaks that: a run stops between the
ends, where the test can go the other way than at either end (a fallback for "nothing
selected" is dearer than a small selection and cheaper than a full one).

So a size read from a selection is a :class:`CountKnown` that remembers its site, its range
and the steps applied to it since (``- 1``, ``// 2``, ``min(·, 8)``, ``math.ceil``). A test of
it is answered on the path by the count the path took (a real run at that count takes the same
answer), and the counts where its answer changes (*breakpoints*) are recorded. The site is then
analysed, in a second round, at both ends of every stretch of counts where no test changes
its answer: within a stretch every run takes the same branches, and the cost grows with the
size, so the stretch's ends bound every count inside it. When more than MAX_VALUES counts
would be needed the site is left OPEN: each test of it is then unpriced (a lower bound).

The exit test of a ``while`` loop that orders a counter against the size
(``while i < len(idx):``) records no breakpoint: the number of iterations grows with the size,
as ``range(len(idx))``'s does, and each stretch would hold one count.
"""

from __future__ import annotations

import math
import operator
from functools import lru_cache
from typing import Any, Optional

from flopcast.analyzer.values import CountKnown, Known, Value

#: The most counts one selection is analysed at (both ends of every stretch).
MAX_VALUES = 16
#: A selection whose tests change their answers at more counts than that.
OPEN = "open"

#: The steps a size may go through and stay a known function of the count.
_FUNCS = {
    "Add": operator.add, "Sub": operator.sub, "Mult": operator.mul, "Div": operator.truediv,
    "FloorDiv": operator.floordiv, "Mod": operator.mod, "Pow": operator.pow, "USub": operator.neg,
    "min": min, "max": max, "int": int, "float": float, "round": round, "abs": abs,
    "math.ceil": math.ceil, "math.floor": math.floor, "math.sqrt": math.sqrt, "math.isqrt": math.isqrt,
    "math.log": math.log, "math.log2": math.log2, "math.log10": math.log10, "math.trunc": math.trunc,
}
_ORDER = {"Lt": operator.lt, "LtE": operator.le, "Gt": operator.gt, "GtE": operator.ge}
_COMPARE = {**_ORDER, "Eq": operator.eq, "NotEq": operator.ne}
#: Counts up to this many are tried one by one; larger ranges only through monotone steps.
_BRUTE = 256
_MONOTONE = frozenset({"Add", "Sub", "Mult", "USub", "min", "max", "int", "float", "round", "math.ceil",
                       "math.floor", "math.trunc", "math.isqrt", "math.sqrt", "math.log", "math.log2", "math.log10"})


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def through(name: str, args: list, result: Value) -> Value:
    """``result`` of the step ``name`` applied to ``args`` (a binary operator's two operands,
    or a builtin's or ``math`` function's positional arguments): a CountKnown when one of
    them is a size read from a selection and the others are known numbers."""
    if not (isinstance(result, Known) and _is_number(result.value)):
        return result
    counts = [i for i, a in enumerate(args) if isinstance(a, CountKnown)]
    if not counts:
        return result
    first = args[counts[0]]
    keyed = len(counts) == 1 and first.key is not None and name in _FUNCS and all(
        isinstance(a, Known) and _is_number(a.value) for a in args)
    if not keyed:  # two sizes, or a step not followed: a test of it is a plain site
        return CountKnown(result.value, first.origin, first.on_presumed)
    i = counts[0]
    step = (name, tuple(a.value for a in args[:i]), tuple(a.value for a in args[i + 1:]))
    return CountKnown(result.value, first.origin, first.on_presumed, first.key, first.lo, first.hi,
                      first.chain + (step,))


def _apply(chain: tuple, count: int):
    value = count
    for name, before, after in chain:
        value = _FUNCS[name](*before, value, *after)
    return value


def _outcome(test, count: int):
    try:
        return test(count)
    except (ArithmeticError, ValueError, TypeError):
        return "raises"


def breakpoints(op: str, left: Value, right: Value) -> Optional[tuple]:
    """The counts ``b`` in ``(lo, hi]`` at which the comparison ``left <op> right`` of a size
    read from a selection answers differently than at ``b - 1``; None when that cannot be
    worked out (the site is then a plain value-dependent site)."""
    fn = _COMPARE.get(op)
    sized = left if isinstance(left, CountKnown) else right
    other = right if sized is left else left
    if fn is None or sized.key is None:
        return None
    if isinstance(other, CountKnown):
        if other.key != sized.key:
            return None
        return _counted_breaks(op, _typed_chain(left.chain), _typed_chain(right.chain), sized.lo, sized.hi)
    if isinstance(other, Known) and _is_number(other.value):
        return _constant_breaks(op, _typed_chain(sized.chain), _typed(other.value), sized is left, sized.lo, sized.hi)
    return None


# The breakpoints are a pure function of the comparison, the steps and the range, and a
# recursion testing the size of its selection at every level (adaptive_simpson's
# ``bad.shape[0] == 0``) asks for the same ones thousands of times, each a loop over up to
# _BRUTE + 1 counts. They are kept per question; each number in it is keyed with its type
# (and a float by its bits), since 1, 1.0 and True are equal keys that step differently
# (``2 ** 2000`` against ``2.0 ** 2000``).

def _typed(number) -> tuple:
    return (type(number), number.hex() if type(number) is float else number)


def _typed_chain(chain: tuple) -> tuple:
    return tuple((name, tuple(map(_typed, before)), tuple(map(_typed, after))) for name, before, after in chain)


def _untyped_chain(chain: tuple) -> tuple:
    return tuple((name, tuple(map(_untyped, before)), tuple(map(_untyped, after))) for name, before, after in chain)


def _untyped(typed: tuple):
    kind, number = typed
    return float.fromhex(number) if kind is float else number


@lru_cache(maxsize=4096)
def _counted_breaks(op: str, left_chain: tuple, right_chain: tuple, lo: int, hi: int) -> Optional[tuple]:
    """breakpoints of a comparison of two steps of the same size (typed chains)."""
    fn, chains = _COMPARE[op], (_untyped_chain(left_chain), _untyped_chain(right_chain))
    test = lambda c: fn(_apply(chains[0], c), _apply(chains[1], c))  # noqa: E731
    return _breaks(test, lo, hi, None)


@lru_cache(maxsize=4096)
def _constant_breaks(op: str, typed_chain: tuple, typed_value: tuple, on_left: bool, lo: int, hi: int) -> Optional[tuple]:
    """breakpoints of a comparison of a step of a size with a number (typed)."""
    fn, chain, v = _COMPARE[op], _untyped_chain(typed_chain), _untyped(typed_value)
    test = (lambda c: fn(_apply(chain, c), v)) if on_left else (lambda c: fn(v, _apply(chain, c)))
    monotone = all(step[0] in _MONOTONE or step[0] in ("Div", "FloorDiv") and not step[1] for step in chain)
    return _breaks(test, lo, hi, (chain, v) if monotone else None)


def _breaks(test, lo: int, hi: int, monotone: Optional[tuple]) -> Optional[tuple]:
    """Where ``test`` of the count changes its answer in ``(lo, hi]``: one by one over a short
    range, else by bisection when ``monotone`` (the chain and the constant) says how."""
    if hi - lo <= _BRUTE:
        answers = [_outcome(test, c) for c in range(lo, hi + 1)]
        return tuple(lo + j for j in range(1, len(answers)) if answers[j] != answers[j - 1])
    if monotone is None:
        return None
    chain, v = monotone
    # A monotone function of the count against a constant: its sign against the constant
    # changes at most twice; find where by bisection, then keep the changes of the answer.
    try:
        sign = lambda c: (lambda d: (d > 0) - (d < 0))(_apply(chain, c) - v)  # noqa: E731
        changes = []
        start = lo
        while start < hi and len(changes) < 3:
            s0 = sign(start)
            if sign(hi) == s0:
                break
            a, b = start, hi  # sign(a) == s0 != sign(b)
            while b - a > 1:
                mid = (a + b) // 2
                if sign(mid) == s0:
                    a = mid
                else:
                    b = mid
            changes.append(b)
            start = b
    except (ArithmeticError, ValueError, TypeError):
        return None
    return tuple(b for b in changes if _outcome(test, b) != _outcome(test, b - 1))


def record(result, sized: CountKnown, breaks: tuple, line: int) -> None:
    """Note on the run's result where ``sized``'s site changes a test's answer."""
    entry = result.count_breaks.setdefault(sized.key, [sized.lo, sized.hi, set(), set()])
    entry[0], entry[1] = min(entry[0], sized.lo), max(entry[1], sized.hi)
    entry[2].update(breaks)
    entry[3].add(line)


def isolate(result, key, lo: int, hi: int, count: int, line: int) -> None:
    """Note on the run's result that the count ``count`` (an end of the site's range ``[lo, hi]``)
    answers otherwise than its neighbour: an op raised there (a reduction of an empty selection)."""
    entry = result.count_breaks.setdefault(key, [lo, hi, set(), set()])
    entry[0], entry[1] = min(entry[0], lo), max(entry[1], hi)
    entry[2].update(b for b in (count, count + 1) if lo < b <= hi)
    entry[3].add(line)


def alone(analysed: tuple, count: int, lo: int, hi: int) -> bool:
    """Whether ``count`` is the only count of its stretch, or every count of it is analysed:
    its neighbours inside ``[lo, hi]`` are analysed too."""
    return all(n < lo or n > hi or n in analysed for n in (count - 1, count + 1))


def enumeration(results, current: dict) -> dict:
    """Site key -> (the counts inside its range to analyse it at: both ends of every stretch
    between breakpoints; the lines of the tests), or OPEN when they would be more than
    MAX_VALUES counts."""
    merged: dict = {}
    for r in results:
        for key, (lo, hi, breaks, lines) in r.count_breaks.items():
            entry = merged.setdefault(key, [lo, hi, set(), set()])
            entry[0], entry[1] = min(entry[0], lo), max(entry[1], hi)
            entry[2].update(breaks)
            entry[3].update(lines)
    wanted = dict(current)
    for key, (lo, hi, breaks, lines) in merged.items():
        known = current.get(key, ((), ()))
        if known == OPEN:
            continue
        inside = {c for b in breaks for c in (b - 1, b) if lo < c < hi} | set(known[0])
        wanted[key] = OPEN if len(inside) + 2 > MAX_VALUES else (
            tuple(sorted(inside, reverse=True)), tuple(sorted(set(lines) | set(known[1]))))
    return wanted


def analysed_at(key, choices: tuple, current: dict, lo: int, hi: int) -> tuple[tuple, str]:
    """The options of the selection site ``key`` of range ``[lo, hi]`` (``choices``, and the
    counts ``current`` asks for), and the reason it gives (``key[2]``, and those counts)."""
    reason = key[2]
    tested = options(current, key, lo, hi)
    if tested is not None:  # tests of the size answer differently inside the range
        choices = tuple(sorted(set(choices) | set(tested[0]), reverse=True))
        tests = "the test of its size at line" + ("s " if len(tested[1]) > 1 else " ")
        reason += (f"; analysed at {', '.join(map(str, choices))}: the ends of the stretches of counts where "
                   f"{tests}{', '.join(map(str, tested[1]))} answer alike")
    return choices, reason


def options(current: dict, key, lo: int, hi: int) -> Optional[tuple]:
    """The counts the site ``key`` of range ``[lo, hi]`` is analysed at, highest first, and
    the lines of the tests that asked for them, when tests of its size asked for more than
    its ends; else None."""
    known = current.get(key)
    if not known or known == OPEN:
        return None
    return tuple(sorted({hi, lo} | {c for c in known[0] if lo < c < hi}, reverse=True)), known[1]
