"""State one ``predict`` call leaves for the next.

whestbench makes one estimator per run, calls ``setup()`` once and then ``predict(mlp, budget)``
on that same instance for every MLP of the run, each inside a fresh ``BudgetContext`` with the
same budget (scoring.evaluate_estimator, subprocess_worker._handle_predict). A matrix made once
and kept on ``self``, an ``lru_cache``d helper that makes fnp calls, a module-level cache dict or
a counter on ``self`` read back in a branch make later MLPs cost otherwise than the first.

After the first call the interpreter compares what a later call can read — the instance, every
module's globals and the ``lru_cache`` tables — with what it was before the call, canonically
(canonical.py: equal up to a renaming of allocation identities; attributes the program only
writes compared by kind, joins._Walk). Equal (the common case): every call starts from the same
state as the first, so each MLP costs what the first does. Otherwise ``predict`` is called again
on the same instance with a fresh MLP of the same shape, until the state after a call equals the
state before it (from then on every call costs what that one did), at most ``MAX_CALLS`` calls
in all; a state that has not settled by then, or cannot be compared, leaves the later MLPs
unfollowed, and the report says so (a lower bound on the costliest call).
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import lru, write_only
from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.counters import CounterWatch, LeafCanon, raw_value, rewrite, suspended, undo
from flopcast.analyzer.joins import _Walk
from flopcast.analyzer.values import Known

#: The most calls of ``predict`` followed on one instance (the first included).
MAX_CALLS = 4


class _StateWalk(_Walk):
    """joins' walk (write-only attributes by kind), naming classes by object: both states
    compared are of one run, whose classes are the same objects."""

    definition = Canon.definition


def state(interp, instance) -> Optional[tuple]:
    """What a later call of ``predict`` can read, canonically; None when it cannot be compared."""
    return _walked(interp, instance, _StateWalk(interp._nonzero_counts, write_only.attributes(interp.program)))


def _walked(interp, instance, walk) -> Optional[tuple]:
    """``walk``'s form of the instance, every module's globals and the lru_cache tables; None
    when they cannot be compared."""
    try:
        parts: list = [walk.form(instance)]
        envs = interp.module_envs
        for path in sorted(envs):
            parts.append((path, walk.names(envs[path])))
        cache = interp._cache_results
        # A table that keeps every entry only grows: its size tells which keys are there. A
        # bounded one evicts, so its keys, in the order of use, are part of the state (a key
        # naming an object is not compared). What the cached values hold can change (a cached
        # list appended to).
        bounded = tuple(key for key in cache if key[:2] in interp.cache_bounded)
        if not all(lru.is_plain(key[2]) for key in bounded):
            return None
        parts.append((len(cache), tuple([walk.form(v) for v in cache.values()]), bounded))
    except (Incomparable, RecursionError):
        return None
    return tuple(parts)


# ---------------------------------------------------------------------------- numbers that steer nothing
#
# A call counter kept in a module global or on the instance (`CALLS += 1`, `STATS["calls"] += 1`,
# `Scope.opened += 1` read only as `Scope.opened * 0.0`) changes the state at every call, so it
# never repeats. As for a loop's iterations (counters.py), the numbers that changed between the
# last two calls (the first and the state it started from, too) are watched through the next call:
# if that call reads them only by arithmetic
# that can raise at no value (below) and compares none of them, and ends in the state it started
# from but for those numbers (each at the same place, of the same type), then the next call makes
# the same moves with the numbers it starts from, and so does every call after it: each costs
# what the watched call did. A comparison (`if self.calls % 3 == 0`) may answer otherwise at a
# later call, so a watch that records one proves nothing.

#: Arithmetic that raises at no value of int or float operands (Python's float ops give inf or
#: nan rather than raise; int ops never overflow), and text made from a number.
_SAFE_ARITH = frozenset({"Add", "Sub", "Mult", "float", "abs", "min", "max", "str", "format", "concat"})
#: Arithmetic that raises only at a zero divisor: safe by a known divisor other than zero.
_BY_DIVISOR = frozenset({"Div", "FloorDiv", "Mod"})


class _LeafStateWalk(LeafCanon):
    """``state``'s walk listing every plain number with its place (counters.LeafCanon), with
    the attributes the program only writes compared by kind (joins._Walk)."""

    def __init__(self, nonzero_counts: dict, write_only_names: dict, blind: Optional[set] = None) -> None:
        super().__init__(nonzero_counts, blind)
        self.write_only = write_only_names

    def attributes(self, attrs: dict) -> tuple:
        dead = self.write_only
        parts = []
        for k, v in attrs.items():
            if k not in dead:
                parts.append((k, self.attribute(attrs, k, v)))
                continue
            summary = write_only.kind(v)
            if summary is None:
                if dead[k]:
                    raise Incomparable("a write-only attribute holding an object")
                parts.append((k, self.form(v)))
            elif dead[k]:
                parts.append((k, ("write-only", summary)))
        return tuple(parts)


def _leaf_walk(interp, instance, blind: Optional[set] = None) -> Optional[tuple]:
    walk = _LeafStateWalk(interp._nonzero_counts, write_only.attributes(interp.program), blind)
    parts = _walked(interp, instance, walk)
    return None if parts is None else (parts, walk)


def numbers(interp, instance) -> Optional[list]:
    """The plain numbers of the state, in the order the walk meets them (None: not comparable)."""
    with suspended(interp.counter_watch):
        walked = _leaf_walk(interp, instance)
    return None if walked is None else [raw_value(v) for v, _ in walked[1].leaves]


def watch_numbers(interp, instance, before: list) -> Optional[CounterWatch]:
    """A watch, started, of the numbers that changed since ``before`` (``numbers`` of the state
    the last call started from), each put in a new object at its place; None when the state
    differs otherwise, a changed number cannot be rewritten, or no number changed."""
    walked = _leaf_walk(interp, instance)
    if walked is None or len(walked[1].leaves) != len(before):
        return None
    changed = set()
    for old, (new, where) in zip(before, walked[1].leaves):
        b = raw_value(new)
        if old.__class__ is b.__class__ and (old == b if b.__class__ is not float else old.hex() == b.hex()):
            continue
        if old.__class__ is not b.__class__ or b.__class__ not in (int, float) or where is None:
            return None
        changed.add(id(new))
    if not changed:
        return None
    places = rewrite(walked[1].leaves, lambda v: Known(raw_value(v)) if id(v) in changed else None)
    if places is None:
        return None
    fresh = {id(new) for _, _, _, new in places}
    start = _leaf_walk(interp, instance, fresh)
    if start is None or len(start[1].slot_objects) != len(fresh):
        undo(places)
        return None
    watch = CounterWatch(interp)
    for slot, value in enumerate(start[1].slot_objects):
        watch.tainted[id(value)] = (value, ("leaf", slot))
        watch.start_values.append(raw_value(value))
    watch.start_form = start[0]
    if not watch.start():
        undo(places)
        return None
    return watch


def numbers_steer_nothing(interp, instance, watch: CounterWatch) -> bool:
    """After the watched call (the watch stopped): whether every later call makes its moves."""
    if watch.observed:  # (a call memo's key that read one left that call unrecorded: key_touched)
        return False
    for event in watch.events:
        kind, name, _, right, _ = event
        if kind != "arith":
            return False  # a comparison: a later call may answer otherwise
        if name in _BY_DIVISOR:
            if right[0] != "c" or right[1].__class__ not in (int, float) or not right[1]:
                return False
        elif name not in _SAFE_ARITH:
            return False
    # Each watched number at its own place, as the start's were (`log[key] = CALLS` shares one).
    walked = _leaf_walk(interp, instance)
    if walked is None:
        return False
    tainted = watch.tainted
    places = rewrite(walked[1].leaves, lambda v: Known(raw_value(v)) if id(v) in tainted and tainted[id(v)][0] is v
                     else None)
    if places is None:
        return False
    end = _leaf_walk(interp, instance, {id(new) for _, _, _, new in places})
    if end is None or end[0] != watch.start_form or len(end[1].slot_objects) != len(watch.start_values):
        return False
    now = [raw_value(v) for v in end[1].slot_objects]
    return all(a.__class__ is b.__class__ for a, b in zip(now, watch.start_values))
