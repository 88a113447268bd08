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

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional

from flopcast.analyzer import carried_bounds, flags, lru, write_only
from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.counters import _ONE_ARG, CounterWatch, LeafCanon, raw_value, rewrite, suspended, undo
from flopcast.analyzer.flags import PSEUDO_MEMBERS
from flopcast.analyzer.joins import _Walk
from flopcast.analyzer.values import ClassVal, InstanceVal, Known

#: The most calls of ``predict`` followed on one instance (the first included).
MAX_CALLS = 4
#: How a path's record of the states its calls leave ends (RunResult.calls_end), where it ends
#: before another path's: every later call leaves the last state recorded (REPEATS), or makes the
#: moves of the one that left it, changing only the numbers and logs that call changed (MOVES:
#: numbers_steer_nothing, steers_nothing_unbounded). "" where the calls after it are not followed.
REPEATS = "repeats"
MOVES = "moves"


class _StateWalk(_Walk):
    """joins' walk (write-only attributes by kind), naming classes by object: both states
    compared are of one run, whose classes are the same objects."""

    definition = Canon.definition

    def names(self, env: dict) -> tuple:
        # A Flag class's pseudo-members (``Cap.A | Cap.B``, flags.py) are made once per value and
        # cached: a later call gets the cached member where the first made it, the same object
        # either way (Python's ``_value2member_map_`` grows alike), so which are cached steers no
        # call while none was given an attribute of its own. Left out then, a first call that
        # only combined flags leaves the state it found: no second call is made (flag_stages
        # made one per run, 45% of its formula fit).
        if PSEUDO_MEMBERS in env and flags.pristine(env[PSEUDO_MEMBERS]):
            env = {k: v for k, v in env.items() if k != PSEUDO_MEMBERS}
        return Canon.names(self, env)


def state(interp, instance) -> Optional[tuple]:
    """What a later call of ``predict`` can read, canonically; None when it cannot be compared."""
    return _walked(interp, instance, _StateWalk(interp._nonzero_counts, write_only.attributes(interp.program)))


class _PathStateWalk(_StateWalk):
    """``state``'s walk naming classes by their definition (joins._Walk): each path runs in an
    interpreter of its own, whose classes are other objects."""

    definition = _Walk.definition


@dataclass(frozen=True)
class Root:
    """A part of the state a call leaves: an attribute of the instance (``module`` None) or a
    global of a module (its key)."""

    name: str
    module: Optional[str] = None


class PathState(NamedTuple):
    """The state a call of predict left on a path, comparable with another path's
    (mixed_calls.py): ``whole``, ``state``'s form (equal: the states are alike); and, to tell
    where they differ, each root's form made by a walk of its own (an attribute of the instance,
    a module's global: so one root holding more objects does not renumber the next), and the
    objects met under more than one root, each as the (root, number) pairs naming it."""

    whole: tuple
    roots: dict
    shared: frozenset


#: The root of the instance's own payload (a subclass of a builtin's items): a Root's
#: name where no attribute can have it.
PAYLOAD = "<payload>"


def path_state(interp, instance) -> Optional[PathState]:
    """The state a later call of predict can read, comparable with another path's; None when it
    cannot be compared."""
    dead = write_only.attributes(interp.program)
    whole = _walked(interp, instance, _PathStateWalk(interp._nonzero_counts, dead))
    if whole is None or not isinstance(instance, InstanceVal):
        return None if whole is None else PathState(whole, {}, frozenset())
    roots: dict = {}
    tables: dict = {}
    # the objects met under an earlier root (and the instance), each by a number naming that root
    # and its place there: met again, the walk writes that number
    seen: dict = {id(instance): -1}

    def walked(root, form) -> None:
        walk = _PathStateWalk(interp._nonzero_counts, dead)
        walk.objects = _Numbering(seen)
        made = form(walk)  # ((name, its form),), or () where the walk leaves it out
        roots[root] = made[0][1] if made else None
        tables[root] = walk.objects.met
        place = len(roots)
        seen.update((ident, -2 - place * _PLACES - n) for ident, n in walk.objects.met.items() if n >= 0)

    try:
        for name, value in instance.attrs.items():
            walked(Root(name), lambda w: w.attributes({name: value}))
        if instance.payload is not None:
            walked(Root(PAYLOAD), lambda w: ((PAYLOAD, w.form(instance.payload)),))
        envs = interp.module_envs
        for path in sorted(envs):
            for name, value in envs[path].items():
                walked(Root(name, path), lambda w: w.names({name: value}))
    except (Incomparable, RecursionError):
        return None
    met: dict = {}
    for root, table in tables.items():
        for ident, number in table.items():
            if ident != id(instance):
                met.setdefault(ident, []).append((root, number))
    return PathState(whole, roots, frozenset(frozenset(names) for names in met.values() if len(names) > 1))


#: How many objects one root's walk may number apart from the next's (path_state's names).
_PLACES = 1 << 32


class _Numbering(dict):
    """A walk's table of objects that starts with those of the roots walked before (named by
    negative numbers) and numbers the ones it meets first from 0 (Canon numbers a new object by
    the table's length): one root holding more objects does not renumber the next."""

    def __init__(self, seen: dict) -> None:
        super().__init__(seen)
        self.made = 0
        self.met: dict = {}  # the objects this walk met: each id with its number

    def __setitem__(self, key, value) -> None:
        if not dict.__contains__(self, key):
            self.made += 1
        self.met[key] = value
        super().__setitem__(key, value)

    def get(self, key, default=None):
        found = super().get(key, default)
        if found is not default:
            self.met[key] = found
        return found

    def __contains__(self, key) -> bool:
        found = super().__contains__(key)
        if found:
            self.met[key] = super().__getitem__(key)
        return found

    def __getitem__(self, key):
        found = super().__getitem__(key)
        self.met[key] = found
        return found

    def __len__(self) -> int:
        return self.made


def _walked(interp, instance, walk) -> Optional[tuple]:
    """``walk``'s form of the instance, every module's globals and the lru_cache tables; None
    when they cannot be compared."""
    try:
        parts: list = [walk.form(instance)]
        envs = interp.module_envs
        for path in sorted(envs):
            parts.append((path, walk.names(envs[path])))
        cache = _live_entries(interp, walk)
        if cache is None:
            return None
        # A table that keeps every entry only grows: its size tells which keys are there. A
        # bounded one evicts, so its keys, in the order of use, are part of the state (an object
        # a key names, by the walk's number for it). What the cached values hold can change (a
        # cached list appended to).
        values = tuple([walk.form(v) for v in cache.values()])
        bounded = tuple(key[:2] + (_renamed(key[2], walk.objects),) for key in cache if key[:2] in interp.cache_bounded)
        parts.append((len(cache), values, bounded))
    except (Incomparable, RecursionError):
        return None
    return tuple(parts)


def _live_entries(interp, walk) -> Optional[dict]:
    """The lru_cache entries a later call can hit. A key naming an object that nothing a later
    call can read holds (not the instance, a module's globals, a cached value: the walk so far
    and the tables' values) is never equal to a later key: `@lru_cache` on a method of an object
    made in the call. Such an entry is left out: in a table that keeps every entry it changes
    nothing; in a bounded one, while it is older than every live entry of its function, it is
    evicted before them, as free room would be. Dropped entries among live ones: None. So is
    every entry of a table whose wrapper nothing a later call can read holds (an lru_cache'd
    closure a planner makes at each call): no later call can look it up."""
    cache = interp._cache_results
    if not cache:
        return cache
    reached = set(walk.objects)
    if all(key[1] in reached and not _names_objects(key[2]) for key in cache):
        return cache
    held = list(walk.by_object)
    # One probe walks every cached value: an object two values hold is numbered once, and the
    # objects reached are the same (riccati_filter's planner memo holds ~1,400 entries at 256x8,
    # each given a walk of its own at every state compared before).
    probe = Canon(interp._nonzero_counts)
    for value in cache.values():
        probe.form(value)
    reached.update(probe.objects)
    held.extend(probe.by_object)
    _reach_classes(interp, held, reached)
    live: dict = {}
    seen_live: set = set()
    for key, value in cache.items():
        if key[1] not in reached or not _names_objects(key[2]) <= reached:
            if key[:2] in seen_live and key[:2] in interp.cache_bounded:
                return None
            continue
        seen_live.add(key[:2])
        live[key] = value
    return live


def _reach_classes(interp, held: list, reached: set) -> None:
    """Add to ``reached`` what the classes of the objects held can reach: a walk names an
    instance's class by identity without its attributes, and a class made inside a call (its
    cached methods among them) is held only by its instances."""
    classes = [v.cls for v in held if isinstance(v, InstanceVal)] + [v for v in held if isinstance(v, ClassVal)]
    seen: set = set()
    while classes:
        cls = classes.pop()
        if not isinstance(cls, ClassVal) or id(cls) in seen:
            continue
        seen.add(id(cls))
        probe = Canon(interp._nonzero_counts)
        probe.form(cls)
        reached.update(probe.objects)
        classes.extend(cls.bases)
        classes.extend(v.cls for v in probe.by_object if isinstance(v, InstanceVal))
        classes.extend(v for v in probe.by_object if isinstance(v, ClassVal))


def _renamed(parts: tuple, numbers: dict) -> tuple:
    """A live key with each object it names written as the walk's number for it."""
    out = []
    for p in parts:
        if p[0] == "id":
            if p[1] not in numbers:
                raise Incomparable("a cache key names an object only a dropped entry holds")
            p = ("obj", numbers[p[1]])
        elif p[0] == "tuple":
            p = ("tuple", _renamed(p[1], numbers))
        elif not lru.is_plain((p,)):
            raise Incomparable("a cache key part compared by value flopcast cannot follow")
        out.append(p)
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def _names_objects(parts: tuple) -> frozenset:
    """The identities of the objects a cache key names (lru.make_key's ("id", ...) parts). Kept
    per parts: the same keys are asked at every state compared (the ids are in the parts, so
    equal parts name the same ones)."""
    found: set = set()
    for p in parts:
        if p[0] == "id":
            found.add(p[1])
        elif p[0] == "tuple":
            found |= _names_objects(p[1])
    return frozenset(found)


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

    def __init__(self, nonzero_counts: dict, write_only_names: dict, blind: Optional[set] = None,
                 logs: Optional[set] = None) -> None:
        super().__init__(nonzero_counts, blind, logs)
        self.write_only = write_only_names

    def attributes(self, attrs: dict) -> tuple:
        dead = self.write_only
        parts = []
        for k, v in attrs.items():
            if k not in dead:
                parts.append((k, self.attribute(attrs, k, v)))
                continue
            summary = write_only.kind(v, dead[k] == write_only.ITEM)
            if summary is None:
                if dead[k]:
                    raise Incomparable("a write-only attribute holding an object")
                parts.append((k, self.form(v)))
            elif dead[k]:
                parts.append((k, ("write-only", summary)))
        return tuple(parts)


def _leaf_walk(interp, instance, blind: Optional[set] = None, logs: Optional[set] = None,
               grown: Optional[dict] = None) -> Optional[tuple]:
    walk = _LeafStateWalk(interp._nonzero_counts, write_only.attributes(interp.program), blind, logs)
    if grown:
        walk.grown = {key: keys for key, (_, keys) in grown.items()}
    parts = _walked(interp, instance, walk)
    return None if parts is None else (parts, walk)


class Numbers(NamedTuple):
    """What ``watch_numbers`` needs of the state a call started from: its plain numbers in the
    order the walk meets them, and the lists it met (id -> the list and its length) with the
    range of those numbers met inside each."""

    values: list
    lists: dict
    inside: dict
    places: list  # where each number sits: (container, key), None where it cannot be rewritten
    containers: dict  # id -> the items of each list and dict met (held, so their ids stay theirs)
    dicts: list  # (DictVal, its items, its keys) of each dict met, in the order met


def numbers(interp, instance) -> Optional[Numbers]:
    """The plain numbers and the lists of the state (None: not comparable)."""
    with suspended(interp.counter_watch):
        walked = _leaf_walk(interp, instance)
    if walked is None:
        return None
    walk = walked[1]
    return Numbers([raw_value(v) for v, _ in walk.leaves], {id(lst): (lst, n) for lst, n in walk.lists},
                   dict(walk.list_leaves), [where for _, where in walk.leaves],
                   {id(c.items): c.items for c, _ in (*walk.lists, *walk.dicts)},
                   [(d, d.__dict__["items"], keys) for d, keys in walk.dicts])


# ---------------------------------------------------------------------------- logs no call reads
#
# A log kept in the state (`self.history.append(...)`, `STAGE_LOG.append(...)`, a dict of lists a
# timing context manager appends to) grows at every call, so the state never repeats. A list the
# last call made longer (the same object, at a place the walk meets) is watched through the next
# call as a loop's logs are (counters.py): set aside in the state's form, its items seen at every
# read but an append. If that call only appended to it, nothing the call did depended on what the
# log holds, so a later call, whose logs hold more, makes the same moves; whestbench reads nothing
# of the estimator after its calls, so what the logs end up holding is never needed (a loop's
# logs are replayed because code after the loop may read them; nothing runs after the calls).


def _grown(walk, before: Numbers) -> dict:
    """The lists of ``walk`` that are longer than they were in ``before`` (the same objects)."""
    logs = {}
    for lst, n in walk.lists:
        old = before.lists.get(id(lst))
        if old is not None and old[0] is lst and n > old[1]:
            logs[id(lst)] = (lst, n)
    return logs


def watch_numbers(interp, instance, before: Numbers) -> Optional[CounterWatch]:
    """A watch, started, of the numbers that changed since ``before`` (``numbers`` of the state
    the last call started from), each put in a new object at its place, and of the lists that
    grew since then (logs); None when the state differs otherwise, a changed number cannot be
    rewritten, or nothing changed."""
    walked = _leaf_walk(interp, instance)
    if walked is None:
        return None
    logs = _grown(walked[1], before)
    old_values, old_places = before.values, before.places
    if logs:
        # The numbers inside the logs are set aside, in both states (a number the old state met
        # first inside a log and the new one elsewhere misplaces the rest: then the state is
        # found to differ, or the watch to fail, as for any number wrongly taken as changed).
        skip = set()
        for key in logs:
            first, last = before.inside.get(key, (0, 0))
            skip.update(range(first, last))
        old_values = [v for i, v in enumerate(old_values) if i not in skip]
        old_places = [p for i, p in enumerate(old_places) if i not in skip]
        walked = _leaf_walk(interp, instance, logs=set(logs))
        if walked is None:
            return None
    changed = set()
    for old, (new, where) in _paired(walked[1].leaves, old_values, old_places, before.containers):
        b = raw_value(new)
        if old is _NEW_KEY or old is _NEW_PLACE:
            if old is _NEW_KEY and b.__class__ in (int, float):
                changed.add(id(new))
            continue
        if old.__class__ is b.__class__ and (old == b if b.__class__ is not float else old.hex() == b.hex()):
            continue
        if old.__class__ is not b.__class__ or b.__class__ not in (int, float) or where is None:
            return None
        changed.add(id(new))
    if not changed and not logs:
        return None
    return _started(interp, instance, walked[1].leaves, changed, logs)


def _paired(leaves: list, old_values: list, old_places: list, containers: dict):
    """Each number of the state now with the one the state before held in its stead: in the
    order the walks met them when they met as many, else by place.

    The first call often adds numbers (`self.width = mlp.width`, a per-kind counter at a new
    key of a dict made in setup): then each is paired with the number at its place before. A
    number at a new key of a list or dict the state held before (`stats[kind] = stats.get(kind,
    0) + 1`) is paired with _NEW_KEY, and watched; one elsewhere (an attribute the call added,
    a list the call made) with _NEW_PLACE, and taken as unchanged. Which numbers are watched is
    only a choice: the watched call proves they steer nothing (numbers_steer_nothing compares
    the state it ends in with the one it started from), so a wrong pairing costs a call
    followed, never a claim."""
    if len(leaves) == len(old_values):
        return zip(old_values, leaves)
    # The old containers are held by ``Numbers``: an id met now is theirs.
    before = {(id(where[0]), where[1]): value for value, where in zip(old_values, old_places) if where is not None}
    return [(before.get((id(where[0]), where[1]), _NEW_KEY if id(where[0]) in containers else _NEW_PLACE),
             (new, where)) for new, where in leaves if where is not None]


_NEW_KEY = object()
_NEW_PLACE = object()


def numbers_steer_nothing(interp, instance, watch: CounterWatch) -> bool:
    """After the watched call (the watch stopped): whether every later call makes its moves."""
    if watch.observed:  # (a call memo's key that read one left that call unrecorded: key_touched)
        return False  # (also: a log's items read otherwise than by an append)
    # A comparison may answer otherwise at a later call, and an operation not in _SAFE_ARITH may
    # raise: then the later calls' numbers are bounded (carried_bounds.py), once the state is
    # found to be the same but for them.
    bounded = not all(_safe(event) for event in watch.events)
    if bounded and (watch.defaults or watch.lengths_read):
        return False  # (carried_bounds follows the numbers the call started from only)
    # Each watched number at its own place, as the start's were (`log[key] = CALLS` shares one).
    logs = set(watch.logs)
    grown = watch.grown
    walked = _leaf_walk(interp, instance, logs=logs, grown=grown)
    if walked is None:
        return False
    # A key the call added to a counted dict (counters.CounterWatch.grown) holds, for a later
    # call, what a get or setdefault there gave this one: the default, a watched number. The
    # later call finds the number this call left there instead: it must be of the default's
    # class (a number read only by arithmetic that raises at no value, of the same class, steers
    # alike). An entry no get or setdefault met before it was stored is never read before a
    # later call stores it again.
    for d, entries in walked[1].added:
        for key, value in entries:
            cls = watch.defaults.get((id(d), key))
            if cls is not None and (value.__class__ is not Known or raw_value(value).__class__ is not cls):
                return False
    tainted = watch.tainted
    places = rewrite(walked[1].leaves, lambda v: Known(raw_value(v)) if id(v) in tainted and tainted[id(v)][0] is v
                     else None)
    if places is None:
        return False
    end = _leaf_walk(interp, instance, {id(new) for _, _, _, new in places}, logs, grown)
    if end is None or end[0] != watch.start_form or len(end[1].slot_objects) != len(watch.start_values):
        return False
    now = [raw_value(v) for v in end[1].slot_objects]
    if not all(a.__class__ is b.__class__ for a, b in zip(now, watch.start_values)):
        return False
    old = {id(new): value for _, _, value, new in places}
    recipes = [tainted[id(old[id(v)])][1] for v in end[1].slot_objects]
    # (what a later call does to the numbers: mixed_calls compares it across paths)
    watch.moves = (bounded, tuple(recipes), tuple(watch.events))
    if not bounded:
        return True
    return carried_bounds.alike_for_every_later_call(watch.events, watch.start_values, recipes, _ONE_ARG)


def _safe(event: tuple) -> bool:
    """Arithmetic that raises at no value of its operands (a comparison is not safe)."""
    kind, name, _, right, _ = event
    if kind != "arith":
        return False
    if name in _BY_DIVISOR:
        return right[0] == "c" and right[1].__class__ in (int, float) and bool(right[1])
    return name in _SAFE_ARITH


# ---------------------------------------------------------------------------- the first call watched
#
# A path's second call is watched (above) against the numbers and logs the first call changed.
# When an earlier run of the command found which those were (``FirstCallHint``: their places in
# the walk of the state the first call starts from), the first call of a later run is watched on
# them instead. If it reads them only by arithmetic that raises at no value, compares none of
# them and ends in the state it started from but for them (each at its place, of the same type,
# the logs only appended to), the second call starts from that state with other numbers and makes
# the moves the first made, and so does every later call: each costs what the first did, and the
# second need not run (interpreter._settled_as_first). A hint that does not fit only costs the
# watch: the second call then runs as it always did.


class FirstCallHint(NamedTuple):
    """Where the numbers and logs a first call changed sat in the state it started from: the
    walk's count of numbers and of lists, and the indices of the changed ones among them."""

    values: int
    numbers: tuple
    lists: int
    logs: tuple
    skipped: frozenset  # the loop statements whose iterations that run skipped
    dicts: int = 0
    counted: tuple = ()  # the dicts the call added keys to (per-key counters), by their places


def first_call_hint(before: Numbers, after: Numbers, skipped: frozenset) -> Optional[FirstCallHint]:
    """The numbers, logs and dicts that changed from ``before`` (the state a first call started
    from) to ``after`` (the one it left), by their places in ``before``'s walk; None when the call
    changed the state's numbers' count otherwise than by keys it added to dicts of ``before``, or
    changed neither numbers, logs nor dicts' keys. The numbers inside the logs are left out of
    both (a log of ``(name, layer)`` records grows by numbers; the watch sets a log's items aside,
    so they are no numbers it watches), and so are those at the keys added (a per-key counter,
    ``stats[how] = stats.get(how, 0) + 1``: the watch follows such a dict's entries,
    counters.CounterWatch.grown)."""
    if len(before.lists) != len(after.lists) or len(before.dicts) != len(after.dicts):
        return None
    counted = []
    added: set = set()
    for i, ((d, items, keys), (now, now_items, now_keys)) in enumerate(zip(before.dicts, after.dicts)):
        if now is not d or now_keys == keys:
            continue
        if now_items is not items or now_keys[:len(keys)] != keys:
            return None
        counted.append(i)
        added.update((id(items), k) for k in now_keys[len(keys):])
    grown = [(i, key) for i, (key, (lst, n)) in enumerate(before.lists.items())
             if key in after.lists and after.lists[key][0] is lst and after.lists[key][1] > n]
    logs = tuple(i for i, _ in grown)
    old = _outside(before, [key for _, key in grown])
    new = _outside(after, [key for _, key in grown], added)
    if len(old) != len(new):
        return None
    changed = tuple(i for (i, a), (_, b) in zip(old, new)
                    if a.__class__ is not b.__class__ or (a.hex() != b.hex() if a.__class__ is float else a != b))
    if not changed and not logs and not counted:
        return None
    return FirstCallHint(len(before.values), changed, len(before.lists), logs, skipped, len(before.dicts),
                         tuple(counted))


def merged(old: Optional[FirstCallHint], new: FirstCallHint) -> FirstCallHint:
    """``new`` with what ``old`` names too, when both are of one state's shape; else ``new``.
    Watching a number no call changes, or a dict no call adds keys to, costs nothing but the
    reads of it the watch sees: each watch proves what it claims on its own."""
    if old is None or (old.values, old.lists, old.dicts) != (new.values, new.lists, new.dicts):
        return new
    return FirstCallHint(new.values, tuple(sorted(set(old.numbers) | set(new.numbers))), new.lists,
                         tuple(sorted(set(old.logs) | set(new.logs))), old.skipped | new.skipped, new.dicts,
                         tuple(sorted(set(old.counted) | set(new.counted))))


def _outside(numbers: Numbers, logs: list, added: frozenset = frozenset()) -> list:
    """The numbers of the state not inside one of ``logs`` (ids) nor at one of the ``added``
    places ((id of a dict's items, key)), each with its index."""
    skip: set = set()
    for key in logs:
        first, last = numbers.inside.get(key, (0, 0))
        skip.update(range(first, last))
    if added:
        places = numbers.places
        skip.update(i for i, where in enumerate(places) if where is not None and (id(where[0]), where[1]) in added)
    return [(i, v) for i, v in enumerate(numbers.values) if i not in skip]


def watch_first(interp, instance, hint: FirstCallHint) -> Optional[CounterWatch]:
    """A watch, started, of the numbers and logs ``hint`` names in the state now (before the first
    call of predict), each number put in a new object at its place; None when the state does not
    fit the hint (another count of numbers or lists, a number of another kind or that cannot be
    rewritten) or the watch cannot start."""
    walked = _leaf_walk(interp, instance)
    if walked is None:
        return None
    walk = walked[1]
    if len(walk.leaves) != hint.values or len(walk.lists) != hint.lists or len(walk.dicts) != hint.dicts:
        return None
    grown = {id(walk.dicts[i][0]): walk.dicts[i] for i in hint.counted}
    if any(d.factory is not None for d, _ in grown.values()):
        return None
    changed = set()
    for i in hint.numbers:
        value, where = walk.leaves[i]
        if where is None or raw_value(value).__class__ not in (int, float):
            return None
        changed.add(id(value))
    logs = {id(walk.lists[i][0]): walk.lists[i] for i in hint.logs}
    return _started(interp, instance, walk.leaves, changed, logs, hint.skipped, grown, True)


def _started(interp, instance, leaves: list, changed: set, logs: dict, skipped=None,
             grown: Optional[dict] = None, first_call: bool = False) -> Optional[CounterWatch]:
    """A carried watch, started, of the numbers of ``leaves`` whose ids are in ``changed`` (each put
    in a new object at its place), of ``logs`` and of the entries of the dicts in ``grown`` (id ->
    (DictVal, its keys)); None, the state as it was, when one cannot be rewritten or the watch
    cannot start."""
    places = rewrite(leaves, lambda v: Known(raw_value(v)) if id(v) in changed else None) if changed else []
    if places is None:
        return None
    fresh = {id(new) for _, _, _, new in places}
    start = _leaf_walk(interp, instance, fresh, set(logs))
    if start is None or len(start[1].slot_objects) != len(fresh):
        undo(places)
        return None
    watch = CounterWatch(interp)
    watch.carried = True
    watch.first_call = first_call
    watch.logs = logs
    if grown:
        watch.grown = grown
    if skipped is not None:
        watch.skipped_before = skipped
    for slot, value in enumerate(start[1].slot_objects):
        watch.tainted[id(value)] = (value, ("leaf", slot))
        watch.start_values.append(raw_value(value))
    watch.start_form = start[0]
    if not watch.start():
        undo(places)
        return None
    return watch


def steers_nothing_unbounded(interp, instance, watch: CounterWatch) -> bool:
    """After a watched call (the watch stopped): whether every later call makes its moves, proven
    without bounds (the numbers were read by arithmetic that raises at no value only)."""
    return not watch.observed and all(_safe(event) for event in watch.events) \
        and numbers_steer_nothing(interp, instance, watch)
