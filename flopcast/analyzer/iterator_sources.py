"""What an iterator over the program's lists and dicts reads: the lists' items and the dicts'
keys as they were when it was made, so that a change before it is used up is seen (Python's
iterators read the live list, by index, and refuse a dict whose size changed)."""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer.values import DictVal, ListVal, SeqIterator


def reading(it: SeqIterator, sources: list) -> SeqIterator:
    """``it``, remembering the lists and dicts among ``sources`` as they are now."""
    seen = tuple(s for s in (source_state(a) for a in sources) if s is not None)
    if seen:
        it.seen = seen
    return it


def source_state(a) -> Optional[tuple]:
    """What an iterator over ``a`` depends on, as it is now: a list's item identities, a dict's
    keys (a dict view reads its dict), else None."""
    if a.__class__ is ListVal and a.view_of is None and not a.is_set:
        return (a, [id(v) for v in a.items])
    d = a if a.__class__ is DictVal else a.view_of[0] if a.__class__ is ListVal and a.view_of is not None else None
    if d is not None and d.__class__ is DictVal:
        return (d, ("dict", list(d.items)))
    return None


def source_change(source, ids) -> Optional[str]:
    """How a list or dict remembered by source_state changed since: None, "size" (a dict's
    size: Python's iterator raises), or "changed"."""
    if source.__class__ is DictVal:
        if len(source.items) != len(ids[1]):
            return "size"
        return "changed" if list(source.items) != ids[1] else None
    if len(source.items) != len(ids) or any(id(v) != i for v, i in zip(source.items, ids)):
        return "changed"
    return None
