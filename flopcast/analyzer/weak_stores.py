"""``xs[k] = v`` into a Python list by an integer ``k`` read from data (``inv[p] = i`` of a permutation).

Which item changes is not known, but the list keeps its length and each item afterwards is
either what it held or ``v`` (a *weak update*): every item becomes a value standing for either
(``one_of``). Python's IndexError where ``k``'s range reaches outside ``[-len, len)`` is a raise site as any
(``builtins.may_raise``: a site where a handler may catch it, else a named presumption).
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import builtins, dataints
from flopcast.analyzer.one_of import one_of
from flopcast.analyzer.values import ListVal, NumpyScalar, UserRaise, Value

WHY = "an item of a list stored into at a position read from data"


def store_anywhere(ctx, lst: ListVal, key: Value, value: Value, span) -> bool:
    """Store ``value`` into ``lst`` at the integer ``key`` read from data, or raise the program's
    IndexError where ``key`` may be out of range (builtins.may_raise); False (nothing changed) where
    flopcast cannot follow it: no such integer, or items with no common stand-in."""
    if key.__class__ is NumpyScalar:
        key = dataints.from_scalar(key, key.origin or span, "an element of an integer array used as a list index")
    key = dataints.as_data_int(key, span)
    if not dataints.is_data_int(key):
        return False
    joined: list[Optional[Value]] = []
    for item in lst.items:
        either = one_of([item, value], span, WHY)
        if either is None:
            return False
        joined.append(either())
    n = len(lst.items)
    lo, hi = dataints.ends(key)
    if hi < -n or lo >= n:
        raise UserRaise(span, "IndexError: list assignment index out of range")
    if not -n <= lo <= hi < n:
        builtins.may_raise(ctx, span, "list item assignment", "IndexError",
                           f"the index, from {lo:,} to {hi:,}, may fall outside the list's {n} items",
                           "list assignment index out of range")
    lst.items[:] = joined
    return True
