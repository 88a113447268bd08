"""``xs[k] = v`` into a Python list by an integer ``k`` read from data (``inv[p] = i`` of a permutation).

Which item changes is not known, but the list keeps its length and each item afterwards is
either what it held or ``v`` (a *weak update*): for lists of ints, every item becomes an integer
read from data of no known bounds (other items: not followed). Python's IndexError where ``k``'s
range reaches outside ``[-len, len)`` is a raise site as any (``builtins.may_raise``: a site where a
handler may catch it, else a named presumption).
"""

from __future__ import annotations

from flopcast.analyzer import builtins, dataints
from flopcast.analyzer.values import Known, ListVal, NumpyScalar, Unknown, UserRaise, Value

WHY = "an item of a list stored into at a position read from data"


def store_anywhere(ctx, lst: ListVal, key: Value, value: Value, span) -> bool:
    """Store ``value`` into ``lst`` at the integer ``key`` read from data, or raise the program's
    IndexError where ``key`` may be out of range (builtins.may_raise); False (nothing changed) where
    flopcast cannot follow it: no such integer, or an item or the value that is no int."""
    if key.__class__ is NumpyScalar:
        key = dataints.from_scalar(key, key.origin or span, "an element of an integer array used as a list index")
    key = dataints.as_data_int(key, span)
    if not dataints.is_data_int(key):
        return False
    if not all(_is_int(item) for item in lst.items) or not _is_int(value):
        return False
    # (no bounds, and no origin: an origin is the key of its sites (dataints.tested), and one shared
    # by all the items would answer a test of inv[1] and one of inv[2] alike on every path)
    either = Unknown("int", None, WHY)
    n = len(lst.items)
    lo, hi = dataints.ends(key)
    if hi < -n or lo >= n:
        raise UserRaise(span, "IndexError: list assignment index out of range")
    if not -n <= lo <= hi < n:
        builtins.may_raise(ctx, span, "list item assignment", "IndexError",
                           f"the index, from {lo:,} to {hi:,}, may fall outside the list's {n} items",
                           "list assignment index out of range")
    lst.items[:] = [either] * len(lst.items)
    return True


def _is_int(v: Value) -> bool:
    """A Python int, known or read from data (a bool is neither: the join keeps no bools)."""
    return v.__class__ is Known and type(v.value) is int or dataints.is_data_int(v)
