"""A value standing for any one of some items, when which one depends on values read from data.

A top-k by value (``sorted(range(w), key=lambda i: -float(var[i]))``, ``max(..., key=...)``, a
heap of ``(score, index)`` tuples popped in an order read from data) takes items whose order is
not known, but each is one of them: indexing by one is priced as indexing by any, and a test of
one is a value-dependent site as any number read from data is.
"""

from __future__ import annotations

from typing import Callable, Optional

from flopcast.analyzer.values import Known, TupleVal, Unknown, Value


def one_of(items: list, span, why: str) -> Optional[Callable[[], Value]]:
    """A maker of a value standing for any one of ``items`` (None when flopcast has none): ints,
    known or read from data, stand as an int within the range of them all (open on a side where
    one is unbounded), floats, one of them read from data, as such a float, tuples of one length position by position."""
    if not items:
        return None
    if all(item.__class__ is Known and type(item.value) is int or item.__class__ is Unknown and item.kind == "int"
           for item in items):
        lows = [item.value if item.__class__ is Known else item.lo for item in items]
        highs = [item.value if item.__class__ is Known else item.hi for item in items]
        lo = None if None in lows else min(lows)
        hi = None if None in highs else max(highs)
        return lambda: Unknown("int", span, why, lo=lo, hi=hi)
    if all(item.__class__ is Unknown and item.kind == "float" or item.__class__ is Known and type(item.value) is float
           for item in items) and any(item.__class__ is Unknown for item in items):
        return lambda: Unknown("float", span, why)
    # (a tuple of known items is one Known: `(0.0, k)` beside tuples read from data)
    items = [TupleVal(tuple([Known(v) for v in item.value])) if item.__class__ is Known and type(item.value) is tuple
             else item for item in items]
    if all(item.__class__ is TupleVal and not item.fields for item in items) \
            and len({len(item.items) for item in items}) == 1:
        parts = [one_of([item.items[j] for item in items], span, why) for j in range(len(items[0].items))]
        if any(part is None for part in parts):
            return None
        return lambda: TupleVal(tuple(part() for part in parts))
    return None
