"""``collections.ChainMap``: config layering (``ChainMap(overrides, defaults)``) priced as the
dict lookups it makes.

A ChainMap holds no items of its own: each read looks through ``maps``, first to last, and each
write goes to ``maps[0]`` (CPython's ``collections.ChainMap``). Reads are answered from
``flat``, a dict made at the read with the items a lookup finds, in the order iterating the
ChainMap gives them (the last map's keys first, as ``ChainMap.__iter__`` builds them), so a
lookup, ``in``, ``get``, ``len``, iteration and ``dict()`` are a dict's. Only maps that are plain
dicts are followed: a ``defaultdict`` or ``Counter`` answers a missing key itself (ChainMap
calls ``mapping[key]``), and any other mapping is not modelled; such a ChainMap is unpriced
where it is read. Methods not listed here are unpriced, never guessed.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer.values import DICT_MUTATORS, ChainMapVal, DictVal, Known, ListVal, UserRaise, Value


def _plain(value: Value) -> bool:
    return value.__class__ is DictVal and value.factory is None


def make(interp, args: list, kwargs: dict, span, node) -> Value:
    """``ChainMap(*maps)``; no maps: one empty dict, as CPython makes."""
    if kwargs:
        raise UserRaise(span, "TypeError: ChainMap.__init__() got an unexpected keyword argument "
                              f"'{next(iter(kwargs))}'")
    if not all(_plain(m) for m in args):
        return interp.unpriced(node, "collections.ChainMap()", "a ChainMap over a mapping other than a plain dict "
                                                                "(a defaultdict, a Counter, an object) is not modelled")
    return ChainMapVal(ListVal(list(args) if args else [DictVal({})]))


def flat(chain: ChainMapVal) -> Optional[DictVal]:
    """What the ChainMap reads as now: each key once, with the first map's value that has it, in
    ChainMap's iteration order; None when a map is not a plain dict (``.maps`` was changed)."""
    maps = chain.maps.items
    if not all(_plain(m) for m in maps):
        return None
    order: dict = {}
    for m in reversed(maps):  # `d.update(dict.fromkeys(mapping))`: a key keeps its first place
        for key in m.items:
            order.setdefault(key, None)
    items = {}
    for key in order:
        for m in maps:
            if key in m.items:
                items[key] = m.items[key]
                break
    return DictVal(items)


def read(interp, chain: ChainMapVal, node) -> Value:
    """``flat``, or the ChainMap unpriced where it is read."""
    snapshot = flat(chain)
    if snapshot is None:
        return interp.unpriced(node, "ChainMap", "its maps hold a mapping other than a plain dict "
                                                 "(a defaultdict, a Counter, an object): not modelled")
    return snapshot


def attribute(chain: ChainMapVal, name: str) -> Optional[Value]:
    """``.maps`` (the list itself) and ``.parents`` (a ChainMap of every map but the first)."""
    if name == "maps":
        return chain.maps
    if name == "parents":
        return ChainMapVal(ListVal(chain.maps.items[1:]))
    return None


def store(interp, chain: ChainMapVal, key: Value, value: Value, node) -> None:
    """``chain[key] = value``: into the first map."""
    first = _first(interp, chain, node)
    if first is None:
        return
    if not isinstance(key, Known):
        interp.unfollowed_change(interp.node_span(node), "ChainMap item assignment", "the key is not known")
    first.items[key.value] = value


def _first(interp, chain: ChainMapVal, node) -> Optional[DictVal]:
    maps = chain.maps.items
    if not maps or not _plain(maps[0]):
        interp.unpriced(node, "ChainMap", "its first map is not a plain dict: not modelled")
        return None
    return maps[0]


_READS = frozenset({"get", "keys", "values", "items"})


def method(interp, name: str, chain: ChainMapVal, args: list, kwargs: dict, span, node,
           call_container_method) -> Value:
    """A ChainMap method: reads on ``flat``, writes on the first map, new ChainMaps over the same
    dicts; any other method unpriced. ``call_container_method``: a dict's method (builtins.py's,
    handed over by it)."""
    if name in _READS:
        snapshot = read(interp, chain, node)
        if not isinstance(snapshot, DictVal):
            return snapshot
        return call_container_method(interp, name, snapshot, args, kwargs, span, node)
    if name == "new_child" and len(args) <= 1:
        child = args[0] if args and not (isinstance(args[0], Known) and args[0].value is None) else DictVal({})
        if not _plain(child):
            return interp.unpriced(node, "ChainMap.new_child()", "a map other than a plain dict is not modelled")
        if kwargs:  # `m.update(kwargs)` into the map given, as CPython does
            call_container_method(interp, "update", child, [], kwargs, span, node)
        return ChainMapVal(ListVal([child, *chain.maps.items]))
    if name in ("copy", "__copy__") and not args and not kwargs:
        first = _first(interp, chain, node)
        if first is None:
            return interp.unpriced(node, f"ChainMap.{name}()", "its first map is not a plain dict")
        return ChainMapVal(ListVal([DictVal(dict(first.items)), *chain.maps.items[1:]]))
    if name in ("update", "clear") or name == "pop" and len(args) == 2 and not kwargs:
        # MutableMapping.update writes each item into the first map; clear and a pop with a
        # default are the first map's own
        first = _first(interp, chain, node)
        if first is None:
            interp.unfollowed_change(span, f"ChainMap.{name}()", "its first map is not a plain dict")
        return call_container_method(interp, name, first, args, kwargs, span, node)
    if name == "setdefault" and 1 <= len(args) <= 2 and not kwargs and isinstance(args[0], Known):
        snapshot = read(interp, chain, node)
        if not isinstance(snapshot, DictVal):
            return snapshot
        if args[0].value in snapshot.items:
            return snapshot.items[args[0].value]
        default = args[1] if len(args) == 2 else Known(None)
        store(interp, chain, args[0], default, node)
        return default
    if name in DICT_MUTATORS:  # they change its first map
        interp.unfollowed_change(span, f"ChainMap.{name}()", "this ChainMap method is not modelled")
    return interp.unpriced(node, f"ChainMap.{name}()", "this ChainMap method is not modelled")

