"""Counters and logs kept in the state: what changes at every iteration of a loop and steers nothing.

A loop whose state changes at every iteration never reaches a steady state (``repeats.py``),
even when what changes is only a count that no charge and no branch depends on: a running
sample count kept in an object (``acc.n``, updated to ``self.n + nb`` and used only to weigh
arrays by ``nb / tot``), a layer index in a frozen dataclass (``state.layer + 1``, tested
only by ``state.layer > 0``), a log kept in an object that each iteration appends a word to
and that is read only after the loop (``self.used.append(how)``).

When two consecutive iterations start from states that differ only in some known numbers
(ints or floats) at places the analysis can rewrite (a variable, an attribute, a list or
dict item) and in lists that grew, the next iteration is *watched*: those numbers become
fresh ``Known`` objects, and every read of their value — and of every number computed from
them — is seen, because while a watch runs ``Known.value`` (and, with logs, ``ListVal.items``)
is a property. Arithmetic among plain numbers (``+ - * / // %``) on a watched number is done
here and its result watched too, recording how it was computed; a comparison of plain
numbers is done here and its answer recorded. A read by the three helpers that only look at
a scalar's *type* (NEP 50's weak ints and floats: an array times ``nb / tot`` is priced the
same whatever the number) is allowed, and so is ``append_item``, the one way a log may be
touched, with anything but a watched number: a ``Known`` (the same immutable value at every
iteration), or arrays and containers of them that the iteration made (checked after it,
``SteadyLoop.logs_repeatable``: copies with new identities stand for the skipped iterations'
appends). Any other read (a shape, a range, a truth test, an index, a string, a length, a
library call) marks the watch as failed, and the loop goes on as before; a read by a call
memo's key leaves that call unrecorded instead.

If the watched iteration read nothing else and ended in a state that equals the one it
started from once the watched numbers and logs are set aside (each at the same place), the
numbers the next iterations would start from follow by re-doing the recorded arithmetic; the
following iterations are skipped as long as each would compute without an error, the same
types and the same answers to every recorded comparison (the first that would not runs,
and the one before it). Before the last iteration runs, the numbers in the state are set to
the values it starts from, and each log gets what the skipped iterations appended. The
arithmetic is Python's, the same as the interpreter's.

The loop's own counter (`for i, a in enumerate(acts)` whose body calls `merge(i, ...)`) is
watched like those numbers, its value in each iteration read from the loop's items (recipe
``("i", 0)``). A list it indexes (``Indexed``: `self.mean[i]` read and stored, `acts[i + 1]`
read) is found by a first watch (``discovered``) and set aside by the next one: the walk
writes only its length and the items at the counter plus each offset, and every other read
of it is seen through ``ListVal.items``, as a log's are. An array indexed by the counter is
indexed here with a plain number, and the bounds it needs are recorded with the arithmetic.
"""

from __future__ import annotations

import math
import operator
import sys
import threading
from typing import Any, Optional

from flopcast.analyzer.canonical import _EXACT_SCALARS, Canon, Incomparable, _known, _known_form, _known_key
from flopcast.analyzer.open_loops import COMPARED_BELOW, never_compared
from flopcast.analyzer.values import DictVal, FunctionVal, Known, ListVal, ObjKey, Unknown

_ARITH = {"Add": operator.add, "Sub": operator.sub, "Mult": operator.mul, "Div": operator.truediv,
          "FloorDiv": operator.floordiv, "Mod": operator.mod}
#: Builtins and math functions of one or two plain numbers, done on watched numbers like
#: arithmetic (``CounterWatch.apply``); their second argument is ``_ONE_ARG`` when there is one.
_ONE_ARG = object()
_CALLS = {"min": min, "max": max, "abs": abs, "float": float, "int": int, "complex": complex, "str": str,
          **{f"math.{f}": getattr(math, f) for f in ("sqrt", "log", "log2", "log10", "exp", "ceil", "floor",
                                                     "fabs", "trunc", "log1p", "tanh", "cos", "sin", "atan",
                                                     "hypot", "copysign", "pow")}}
_ARITH.update({name: (lambda x, y, f=f: f(x) if y is _ONE_ARG else f(x, y)) for name, f in _CALLS.items()})
#: An f-string's parts (``CounterWatch.format``, ``CounterWatch.join``): a watched number
#: formatted by a spec, and two texts joined; their results are watched texts.
_ARITH.update({"format": format, "concat": operator.add})
_FORMATTED = (int, float, str)
_CMP = {"Gt": operator.gt, "GtE": operator.ge, "Lt": operator.lt, "LtE": operator.le, "Eq": operator.eq,
        "NotEq": operator.ne}
_NUMBERS = (int, float)


def _text_op(name: str, a, b) -> bool:
    """Text made from a watched number the way f-strings make it: joined (`"w" + str(i)`) or
    %-formatted with one number (`"layer %d" % i`)."""
    return a.__class__ is str and (name == "Add" and b.__class__ is str or name == "Mod" and b.__class__ in _NUMBERS)


def _plain_key(raw) -> bool:
    """A dict key equal to itself at every call: text, an int, a bool, None, or a tuple of them
    (not an object, whose identity a later call does not share)."""
    cls = raw.__class__
    if cls is tuple:
        return all(_plain_key(k) for k in raw)
    return cls is str or cls is int or cls is bool or raw is None


def raw_value(value: Known):
    """A Known's value without the watch seeing the read."""
    return value.__dict__["value"]


# ---------------------------------------------------------------------------- the read hook

_ACTIVE: Optional["CounterWatch"] = None
#: One watch at a time in the process: the hook is on the class, seen by every thread. A watch
#: of a loop inside the watched iteration may run within it (``CounterWatch.start``, nested):
#: it is then the active one, and a read of a number its outer watch watches is the outer's.
_ONE = threading.Lock()


def _get(self):
    v = self.__dict__["value"]
    watch = _ACTIVE
    if watch is not None:
        if id(self) in watch.tainted and not watch.suspended:
            watch.read(sys._getframe(1).f_code)
            if id(self) in watch.derived and watch.outer is not None:
                watch.outer.read(sys._getframe(1).f_code)  # made from the carried watch's numbers
        outer = watch.outer
        if outer is not None and id(self) in outer.tainted and not outer.suspended:
            outer.read(sys._getframe(1).f_code)
    return v


def _set(self, v) -> None:
    self.__dict__["value"] = v


# The hooks below look at the active watch and at the one it runs within (a nested watch has
# no logs, keyed logs or indexed lists of its own: CounterWatch.start).


def _get_items(self):
    v = self.__dict__["items"]
    watch = _ACTIVE
    while watch is not None:
        if (id(self) in watch.logs or id(self) in watch.indexed) and not watch.suspended:
            if watch.keying and watch.first_call and id(self) in watch.logs:
                watch.entries_keyed = True  # as a counted dict's (_get_entries)
            else:
                watch.read(sys._getframe(1).f_code)
        watch = watch.outer
    return v


def _set_items(self, v) -> None:
    watch = _ACTIVE
    while watch is not None:
        if (id(self) in watch.logs or id(self) in watch.indexed) and not watch.suspended:
            watch.observed = True  # a watched log or indexed list replaced wholesale
        watch = watch.outer
    self.__dict__["items"] = v


def _get_entries(self):
    v = self.__dict__["items"]
    watch = _ACTIVE
    while watch is not None:
        if (id(self) in watch.keyed or id(self) in watch.grown) and not watch.suspended:
            if watch.keying:
                # A call memo's key of a counted dict, in a first call's watch (whose charges are
                # the report's): the call is keyed by the dict's keys as a run without the watch
                # keys it (else its charges would be new objects, listed apart in the report),
                # but a reuse of it would hide what the call read of them (CallMemo.replay fails
                # the watch then: ``keying.counted``). A log's items likewise (_get_items), and a
                # keyed log's entries (a cost model's memo the first layer filled, read by each
                # layer's recursion: its calls were run afresh in the watched layer).
                watch.entries_keyed = True
            else:
                watch.read(sys._getframe(1).f_code)
        watch = watch.outer
    return v


def _set_entries(self, v) -> None:
    watch = _ACTIVE
    while watch is not None:
        if (id(self) in watch.keyed or id(self) in watch.grown) and not watch.suspended:
            watch.observed = True  # a watched keyed log or counted dict replaced wholesale
        watch = watch.outer
    self.__dict__["items"] = v


def append_item(lst: ListVal, item) -> None:
    """``lst.append(item)``: the one way a watched log may be touched."""
    lst.items.append(item)
    watch = _ACTIVE
    while watch is not None:
        if id(lst) in watch.logs:
            watch.log_append(lst, item)
        watch = watch.outer


def _type_only_readers() -> frozenset:
    """The code of the helpers that read a number only for its type (bool, int, float)."""
    from flopcast.analyzer.ops import elementwise, operands

    return frozenset({operands.operand.__code__, operands.shape_of.__code__,
                      elementwise._pointwise_key.__code__, append_item.__code__})


class CounterWatch:
    """One watched iteration: the watched numbers, what was computed from them, and whether
    any of them was read otherwise."""

    def __init__(self, interp) -> None:
        self.interp = interp
        self.tainted: dict = {}  # id -> (Known, ("leaf", slot) | ("d", event index))
        self.events: list = []  # ("arith", op, a, b, result type) | ("cmp", op, a, b, answer)
        self.start_values: list = []  # the watched numbers, by slot
        self.start_form = None  # the state's form with the watched numbers set aside
        self.start_canon = None  # the walk that made it (what the state held when the iteration began)
        self.logs: dict = {}  # id -> (ListVal, its length when the iteration started): lists only appended to
        self.log_items: dict = {}  # id -> what the iteration appended to it
        # Dicts only given new entries at watched keys (`counts[f"holdout_{i}"] = ...`, after
        # `counts.get(key, 0)` of the key not there): id -> (DictVal, its keys when the iteration
        # started); what the iteration did to each, in order: ("get" | "set", the key, the value).
        self.keyed: dict = {}
        self.keyed_ops: dict = {}
        # Of a carried watch of a first call (carried.watch_first): dicts it may add keys to
        # (per-key counters, ``stats[how] = stats.get(how, 0) + 1``): id -> (DictVal, its keys
        # when the call started). Only an entry's value at a plain key is read here
        # (``entry_load``, ``entry_default``) and entries stored (``entry_store``); every other
        # read of them (``in``, ``len``, iteration, a missing key's KeyError, ``pop``, ``==``) is
        # seen through ``DictVal.items``. The default a ``get``/``setdefault`` gives at a key the
        # dict does not hold is a watched number (the value a later call finds there instead):
        # (id, key) -> the default's class, in ``defaults``.
        self.grown: dict = {}
        self.defaults: dict = {}
        self.entries_keyed = False  # a call memo's key read a counted dict (``keying``)
        # Lists the loop's counter indexes (repeats.SteadyLoop.indexed): id -> Indexed. Only
        # their items at the counter plus an offset are in the state's form; every other read
        # of them is seen. A list the counter indexes that is not among them is ``discovered``
        # (the watch fails; the next one sets it aside).
        self.indexed: dict = {}
        self.discovered: dict = {}
        self.stored: set = set()  # ids of the indexed lists the iteration stored into
        self.follows_counter = False  # the loop's counter is among the watched numbers
        # The iterations watched at once (repeats.SteadyLoop: a state that repeats every
        # ``period`` iterations); the counter of the m-th of them is recipe ("i", m).
        self.period = 1
        self.substituted: set = set()  # ids of the logs whose appends hold watched numbers
        self.observed = False
        # A carried watch gave the length of one of its logs as a number it follows (``log_length``)
        self.lengths_read = False
        self.blocked = False  # a loop inside the iteration could not be watched while this one ran
        self.suspended = 0
        self.keying = 0
        self.key_touched = False
        self.readers = _type_only_readers()
        # A watch running within another one's iteration (``start``): the watch around it, and
        # the one within it.
        self.outer: Optional["CounterWatch"] = None
        self.inner: Optional["CounterWatch"] = None
        self.call_depth = interp.call_depth  # the user calls active where the watched loop runs
        self.carried = False  # a watch of a whole call of predict (carried.watch_numbers)
        # a carried watch's call proven to repeat its moves: (whether its comparisons were bounded,
        # the numbers' recipes, the events), carried.numbers_steer_nothing
        self.moves: Optional[tuple] = None
        self.first_call = False  # of the first call (carried.watch_first), whose charges are the report's
        # Of a first call's (carried.watch_first): the loop statements an earlier run skipped
        # iterations of, whose watches may run within it (repeats.SteadyLoop.start_watch).
        self.skipped_before: frozenset = frozenset()
        # A loop's watch running within a carried watch (``start``): the carried watch, which it
        # hands what it computed from the carried numbers over to (``hand_over``, ``carry_runs``).
        self.carrier: Optional["CounterWatch"] = None
        self.raws: list = []  # each event's operands, as the watched iteration computed them
        self.outer_slots: dict = {}  # slot -> the carrier's ref of the number it took over
        self.o_refs: list = []  # ("o", k): the carrier's ref of a number of its only, an operand here
        self.derived: set = set()  # ids of the numbers here made from the carrier's
        self.derived_events: set = set()  # the events that made them (and comparisons of them)
        self.outer_touched = False  # a number of the carrier's only was an operand in the iteration
        self.d_orefs: list = []  # the carrier's ref of each event's result (``hand_over``)
        # The FLOPs charged when the watched iteration began (None: the budget's answers are not
        # followed, e.g. in a watch of several iterations), and the budget: a read of
        # ``flops_used`` (``flops_remaining``) made ``spent`` FLOPs into the iteration is recipe
        # ("u", spent) (("r", spent)), its value in another iteration worked out from the FLOPs
        # charged when that one begins (the last of ``counters``: ``budget_read``).
        self.used_at_start: Optional[int] = None
        self.budget = 0
        self.reads_budget = False
        # the budget queries this watch followed: not the loop's own unfollowed reads (a loop
        # inside the iteration, unwatched, still sees its reads as the budget's moving answers)
        self.followed_reads = 0

    def budget_read(self, used: int) -> Optional[tuple[Known, Known]]:
        """``(flops_used, flops_remaining)`` of a budget query made now, as numbers this watch
        follows (None: it does not follow the budget's answers)."""
        if self.used_at_start is None or self.outer is not None or self.carrier is not None or self.carried:
            return None
        spent = used - self.used_at_start
        so_far, left = Known(used), Known(self.budget - used)
        self.tainted[id(so_far)] = (so_far, ("u", spent))
        self.tainted[id(left)] = (left, ("r", spent))
        self.reads_budget = True
        self.followed_reads += 1
        return so_far, left

    def _spent(self, ref: tuple, counters: tuple):
        """The value of a budget read (recipe ("u", spent) or ("r", spent)) in the iteration whose
        counters are ``counters`` (their last: the FLOPs charged when it begins)."""
        used = counters[-1] + ref[1]
        return used if ref[0] == "u" else self.budget - used

    # -- the hook --------------------------------------------------------------------------

    def start(self) -> bool:
        """Install the hook (False: another watch runs, in this thread or another).

        Within the iteration another watch of this interpreter watches (a comprehension over a
        layer's units, inside the layer loop's watched iteration), this one runs nested when
        its loop is in the same call as the outer one's (a loop in a helper the iteration calls
        stays unwatched: a call made inside a watch whose key reads a watched number is not
        recorded, so watching more there would reuse fewer of a cost model's calls), the outer
        one is not nested itself, this one watches numbers only (no logs, keyed logs
        or indexed lists of its own: the outer one's are the ones hooked on the classes) and
        none of its numbers is the outer's: it is then the active watch until it stops, and
        the outer one still sees every read of its own numbers, logs and lists, by the hooks
        or as an operand of this one's arithmetic (``ref``), and fails on it as it would
        without this one. Otherwise the outer watch is marked
        ``blocked`` and this one does not start.

        Within the carried watch of a later call of predict (``carried``: carried.watch_numbers),
        a loop's watch runs at any call depth and with logs, keyed logs and indexed lists of its
        own (installing the hooks the carried watch did not), and may take over the carried
        watch's numbers: it is then the ``carrier``, which gets what this watch computed of its
        numbers (``hand_over``, ``carry_runs``). A watched later call ran every iteration of its
        loops: ~3x an unwatched call (qr_active, whitened_moments)."""
        global _ACTIVE
        outer = self.interp.counter_watch
        if outer is not None:
            if _ACTIVE is not outer or outer.outer is not None \
                    or self.call_depth != outer.call_depth and not outer.carried \
                    or (self.logs or self.indexed or self.keyed) and not outer.carried \
                    or any(k in outer.tainted for k in self.tainted):
                outer.blocked = True
                return False
            self.outer, outer.inner = outer, self
            if outer.carried:
                self.carrier = outer
            # The hooks on the classes are installed by the watch that needs them first.
            self.hooked_items = bool(self.logs or self.indexed) and "items" not in ListVal.__dict__
            if self.hooked_items:
                ListVal.items = property(_get_items, _set_items)
            self.hooked_entries = bool(self.keyed) and "items" not in DictVal.__dict__
            if self.hooked_entries:
                DictVal.items = property(_get_entries, _set_entries)
            _ACTIVE = self
            self.interp.counter_watch = self
            return True
        if not _ONE.acquire(blocking=False):
            return False
        _ACTIVE = self
        Known.value = property(_get, _set)
        if self.logs or self.indexed:
            ListVal.items = property(_get_items, _set_items)
        self.hooked_items = bool(self.logs or self.indexed)
        self.hooked_entries = bool(self.keyed or self.grown)
        if self.hooked_entries:
            DictVal.items = property(_get_entries, _set_entries)
        self.interp.counter_watch = self
        return True

    def stop(self) -> None:
        global _ACTIVE
        if self.inner is not None:
            self.inner.stop()
        outer = self.outer
        if outer is not None:
            # nested (``start``): the outer watch is the active one again
            if _ACTIVE is self:
                _ACTIVE = outer
            if self.interp.counter_watch is self:
                self.interp.counter_watch = outer
            if self.hooked_items:
                del ListVal.items
            if self.hooked_entries:
                del DictVal.items
            self.hooked_items = self.hooked_entries = False
            outer.inner = self.outer = None
            if self.carrier is not None:
                self.hand_over()
            return
        if _ACTIVE is self:
            del Known.value
            if self.hooked_items:
                del ListVal.items
            if self.hooked_entries:
                del DictVal.items
            _ACTIVE = None
            _ONE.release()
        if self.interp.counter_watch is self:
            self.interp.counter_watch = None

    def read(self, code) -> None:
        if code in self.readers:
            return
        if self.keying:
            self.key_touched = True
        else:
            self.observed = True

    # -- what the interpreter hands here --------------------------------------------------

    def ref(self, value):
        hit = self.tainted.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        outer = self.outer
        if outer is not None and outer.is_tainted(value):
            if self.carrier is outer:
                # a number of the carried watch's: a ref of its own here, the carrier's when handed
                # over; the loop's iterations are then not skipped (repeats.SteadyLoop.carried_skippable)
                self.outer_touched = True
                ref = ("o", len(self.o_refs))
                self.o_refs.append((outer.tainted[id(value)][1], raw_value(value)))
                self.tainted[id(value)] = (value, ref)
                self.derived.add(id(value))
                return ref
            outer.read(None)  # a number the outer watch watches, an operand here: read, as the interpreter would
        return ("c", raw_value(value))

    def log_append(self, lst: ListVal, item) -> None:
        """An append to a watched log, checked after the iteration (``repeats.py``): a Known
        is the same immutable value at every iteration; arrays and containers of them must be
        new in this iteration, so that copies with new identities stand for the skipped
        iterations' appends; a watched number in them gets, in each copy, the number that
        iteration computes."""
        self.log_items.setdefault(id(lst), []).append(item)

    def _record(self, event: tuple, x, y, out=None) -> None:
        """Append ``event`` (operands ``x``, ``y`` as computed), and, within a carried watch,
        whether it was made from the carrier's numbers."""
        if self.carrier is not None:
            k = len(self.events)
            if self._derived(event[2]) or self._derived(event[3]):
                self.derived_events.add(k)
                if out is not None:
                    self.derived.add(id(out))
        self.events.append(event)
        self.raws.append((x, y))

    def _derived(self, ref: tuple) -> bool:
        kind = ref[0]
        return kind == "o" or kind == "leaf" and ref[1] in self.outer_slots \
            or kind == "d" and ref[1] in self.derived_events

    def _delegate(self, name: str, operands, *args):
        """Plain arithmetic or a comparison of the carrier's numbers only (``operands``), done
        by the carrier as it would without this watch (None: not one)."""
        carrier = self.carrier
        if carrier is None or self.outer is not carrier or not any(carrier.is_tainted(a) for a in operands):
            return None
        out = getattr(carrier, name)(*args)
        if out is not None:
            self.outer_touched = True
        return out

    def sees(self, value) -> bool:
        """``value`` is a number this watch watches, or one of its carrier's (``ref``)."""
        if self.is_tainted(value):
            return True
        carrier = self.carrier
        return carrier is not None and self.outer is carrier and carrier.is_tainted(value)

    def is_tainted(self, value) -> bool:
        hit = self.tainted.get(id(value))
        return hit is not None and hit[0] is value

    def binop(self, name: str, left, right) -> Optional[Known]:
        """``left <op> right`` when a watched number is an operand of plain arithmetic
        (None: the interpreter does it, and reads the value if it needs it)."""
        if not (self.is_tainted(left) or self.is_tainted(right)):
            return self._delegate("binop", (left, right), name, left, right)
        fn = _ARITH.get(name)
        if fn is None or left.__class__ is not Known or right.__class__ is not Known:
            return None
        a, b = raw_value(left), raw_value(right)
        if (a.__class__ not in _NUMBERS or b.__class__ not in _NUMBERS) and not _text_op(name, a, b):
            return None
        try:
            r = fn(a, b)
        except Exception:  # noqa: BLE001 - the interpreter raises or reports it, reading the value
            return None
        out = Known(r)
        self.tainted[id(out)] = (out, ("d", len(self.events)))
        self._record(("arith", name, self.ref(left), self.ref(right), r.__class__), a, b, out)
        return out

    def apply(self, name: str, args: list) -> Optional[Known]:
        """``name(*args)`` of one or two plain numbers, a watched one among them (None: the
        interpreter does it, and reads the number if it needs it)."""
        if name == "len" and len(args) == 1 and args[0].__class__ is ListVal:
            return self.log_length(args[0])
        fn = _CALLS.get(name)
        if fn is not None and self.carrier is not None and not any(self.is_tainted(a) for a in args):
            return self._delegate("apply", args, name, args)
        if fn is None or not 1 <= len(args) <= 2 or not any(self.is_tainted(a) for a in args) \
                or any(a.__class__ is not Known or raw_value(a).__class__ not in (int, float, complex) for a in args):
            return None
        raw = [raw_value(a) for a in args]
        try:
            r = fn(*raw)
        except Exception:  # noqa: BLE001 - the interpreter raises or reports it, reading the value
            return None
        out = Known(r)
        self.tainted[id(out)] = (out, ("d", len(self.events)))
        first = self.ref(args[0])
        second = self.ref(args[1]) if len(args) == 2 else ("c", _ONE_ARG)
        self._record(("arith", name, first, second, r.__class__), raw[0], raw[1] if len(raw) == 2 else _ONE_ARG, out)
        return out

    def log_length(self, lst: ListVal) -> Optional[Known]:
        """``len(log)`` of a log this carried watch follows (a call counter kept as the length of
        a history, ``log.info("%d plans", len(self.history))``): a number it follows, as one it
        watches in the state, so that reading it only by arithmetic that raises at no value, to
        print, log or store it, steers nothing. Its ref names no start value: a watch that read
        one proves nothing by bounds (carried.numbers_steer_nothing). Within a loop's watch that
        runs in the carried one, the carrier's number, and the loop's iterations all run (each
        gives the carrier its own). None (the interpreter reads the log, which the hook sees)
        for any other list, or one the loop's watch follows itself."""
        if not self.carried:
            carrier = self.carrier
            if carrier is None or self.outer is not carrier or id(lst) in self.logs or id(lst) in self.indexed:
                return None
            out = carrier.log_length(lst)
            if out is not None:
                self.outer_touched = True  # (repeats.SteadyLoop.carried_skippable: no iteration skipped)
            return out
        if self.suspended or self.keying or id(lst) not in self.logs or lst.view_of is not None:
            return None
        out = Known(len(lst.__dict__["items"]))
        self.tainted[id(out)] = (out, ("len", id(lst)))
        self.lengths_read = True
        return out

    def compare(self, name: str, left, right) -> Optional[Known]:
        """``left <op> right`` when a watched number is compared with a plain number."""
        if not (self.is_tainted(left) or self.is_tainted(right)):
            return self._delegate("compare", (left, right), name, left, right)
        if name in ("In", "NotIn"):
            # `if key not in self.fields:` of a keyed log at a watched key it does not hold
            if right.__class__ is DictVal and left.__class__ is Known and self.keyed_entry(right, left, "get"):
                return Known(name == "NotIn")
            return None
        if name in ("Is", "IsNot"):
            # `last is not None` of a watched number: no number is None, whatever its value (a
            # skipped iteration's numbers keep their types: ``computed``)
            if left.__class__ is Known and right.__class__ is Known \
                    and (raw_value(left) is None or raw_value(right) is None) \
                    and (raw_value(left).__class__ in _NUMBERS or raw_value(right).__class__ in _NUMBERS):
                return Known(name == "IsNot")
            return None
        fn = _CMP.get(name)
        if fn is None:
            return None
        if left.__class__ is Unknown or right.__class__ is Unknown:
            return self._answered_alike(left, right)
        if left.__class__ is not Known or right.__class__ is not Known:
            return None
        a, b = raw_value(left), raw_value(right)
        if a.__class__ not in _NUMBERS or b.__class__ not in _NUMBERS:
            return None
        answer = fn(a, b)
        self._record(("cmp", name, self.ref(left), self.ref(right), answer), a, b)
        return Known(answer)

    def _answered_alike(self, left, right) -> Optional[Unknown]:
        """A watched int ordered against a number flopcast never compares (`drawn < rows` with
        ``rows`` read from data and unbounded, open_loops.never_compared): the interpreter's
        unknown answer, which names only that number, so every iteration gets it alike and its
        site answers it alike on the path. The int's staying within the range where that holds
        is recorded as a bound each skipped iteration's int must keep."""
        mine, other = (left, right) if right.__class__ is Unknown else (right, left)
        if not (self.is_tainted(mine) and mine.__class__ is Known and raw_value(mine).__class__ is int
                and never_compared(other)):
            return None
        raw = raw_value(mine)
        if abs(raw) >= COMPARED_BELOW:
            return None
        self._record(("bound", "", self.ref(mine), ("c", COMPARED_BELOW), None), raw, COMPARED_BELOW)
        if other.kind == "":
            return other  # (as Interpreter.compare: the result of something unpriced stays itself)
        return Unknown("bool", other.origin, other.reason, machine=other.machine)

    def format(self, value: Known, spec: str) -> Optional[Known]:
        """``format(value, spec)`` of a watched number (or text) in an f-string: a watched text
        (None: the interpreter does it, and reads the value)."""
        raw = raw_value(value)
        if raw.__class__ not in _FORMATTED or spec.__class__ is not str:
            return None
        try:
            text = format(raw, spec)
        except Exception:  # noqa: BLE001 - the interpreter raises it, reading the value
            return None
        out = Known(text)
        self.tainted[id(out)] = (out, ("d", len(self.events)))
        self._record(("arith", "format", self.ref(value), ("c", spec), str), raw, spec, out)
        return out

    def join(self, parts: list) -> Known:
        """An f-string's text from its parts (``str`` or watched texts from ``format``), a
        watched text when one of them is."""
        out = None
        for part in parts:
            if out is None:
                out = part
            elif out.__class__ is str and part.__class__ is str:
                out += part
            else:
                a = out if out.__class__ is Known else Known(out)
                b = part if part.__class__ is Known else Known(part)
                joined = Known(raw_value(a) + raw_value(b))
                self.tainted[id(joined)] = (joined, ("d", len(self.events)))
                self._record(("arith", "concat", self.ref(a), self.ref(b), str), raw_value(a), raw_value(b), joined)
                out = joined
        return out if out.__class__ is Known else Known(out if out is not None else "")

    # -- dicts a first call adds per-key counters to (``grown``) ----------------------------

    def counting(self, obj: DictVal, key) -> Optional["CounterWatch"]:
        """The watch (this one or one it runs within) whose ``grown`` holds ``obj``, when ``key``
        is a plain key no watch follows; None otherwise (the interpreter does it, reading the
        dict: seen)."""
        owner = self
        while owner is not None and id(obj) not in owner.grown:
            owner = owner.outer
        if owner is None or owner.suspended or key.__class__ is not Known or obj.factory is not None \
                or self.follows(key):
            return None
        return owner if _plain_key(raw_value(key)) else None

    def follows(self, value) -> bool:
        """``value`` is a number this watch or one it runs within watches (signs.py then asks no
        sign of it: its value's sign is a read that may differ at a skipped iteration)."""
        watch = self
        while watch is not None:
            if watch.is_tainted(value):
                return True
            watch = watch.outer
        return False

    def entry_load(self, obj: DictVal, key):
        """``obj[key]`` of a counted dict at a key it holds: the entry (None: the interpreter
        does it, reading the dict: a missing key's KeyError is a read of its keys)."""
        if self.counting(obj, key) is None:
            return None
        return obj.__dict__["items"].get(raw_value(key))

    def entry_store(self, obj: DictVal, key, value) -> bool:
        """``obj[key] = value`` of a counted dict: True when done here. Adding a key and
        replacing an entry end alike but for the dict's order, which only a read of its keys
        (seen) tells."""
        if self.counting(obj, key) is None:
            return False
        obj.__dict__["items"][raw_value(key)] = value
        return True

    def entry_default(self, obj: DictVal, key, default, insert: bool):
        """``obj.get(key, default)`` (``insert``: ``obj.setdefault(key, default)``) of a counted
        dict: the entry at a key it holds; at one it does not, a new watched number worth the
        default, an int or a float, that setdefault also stores: a later call finds the number
        the call left there instead, of the default's class (carried.numbers_steer_nothing
        checks it). None: the interpreter does it, reading the dict (seen)."""
        owner = self.counting(obj, key)
        if owner is None:
            return None
        items = obj.__dict__["items"]
        raw = raw_value(key)
        found = items.get(raw)
        if found is not None:
            return found
        if default.__class__ is not Known or self.follows(default):
            return None
        number = raw_value(default)
        cls = number.__class__
        if (cls is not int and cls is not float) or owner.defaults.setdefault((id(obj), raw), cls) is not cls:
            return None
        out = Known(number)
        owner.tainted[id(out)] = (out, ("dflt", len(owner.defaults)))
        if insert:
            items[raw] = out
        return out

    def follows_any(self, items) -> bool:
        """Whether one of ``items`` is a number this watch follows: a tuple made of them under
        the watch of a later call of predict (the outermost watch) keeps them as they are
        (``TupleVal``), so that a later read of one is seen, rather than their values in one
        Known tuple (whose making reads them all: a log entry `(basis.uses, cost, kept)`
        appended at every call would be a read that steers)."""
        return any(self.is_tainted(v) for v in items)

    # -- the loop's counter as an index ----------------------------------------------------

    def offset_of(self, key) -> Optional[int]:
        """``key`` minus the loop's counter when ``key`` is the counter plus or minus int
        literals (None otherwise)."""
        hit = self.tainted.get(id(key))
        if hit is None or hit[0] is not key:
            return None
        found = constant_offset(self.events, hit[1])
        return found[0] if found is not None and found[1] == ("i", 0) and self.period == 1 else None

    def own_appends(self, lst, key):
        """``lst[key]`` when ``lst`` is a log watched here (or by a watch around this one) and
        ``key`` (a negative int, or a slice from a negative start to the end) reaches only items
        the watched code appended to it: what the log held before cannot steer anything through
        them (``self.active_log[-depth:]`` once the call appended its layers). None otherwise:
        the interpreter reads the list, which the hook sees."""
        value = key.__dict__["value"] if key.__class__ is Known else None
        if value.__class__ is int and value < 0:
            reach = -value
        elif value.__class__ is slice and value.start.__class__ is int and value.start < 0 \
                and value.stop is None and value.step in (None, 1):
            reach = -value.start
        else:
            return None
        items = lst.__dict__["items"]
        watch, held = self, False
        while watch is not None:
            # (a log is only appended to while watched: every other touch reads its items, which
            # the hook sees; the items past its length at the start are the watched code's)
            logged = watch.logs.get(id(lst))
            if id(lst) in watch.indexed or logged is not None and (watch.suspended or len(items) - logged[1] < reach):
                return None
            held = held or logged is not None
            watch = watch.outer
        if not held:
            return None
        return items[value] if value.__class__ is int else ListVal(items[value])

    def subscript(self, obj, key):
        """``obj[key]`` when ``key`` is a watched number and ``obj`` a list the counter indexes
        at that offset, or a keyed log holding the entry this iteration added under that very
        key (`return self.fields[key]` after `self.fields[key] = ...`): its item (None: the
        interpreter does it, and reads the number)."""
        if obj.__class__ is DictVal:
            for op, added, value in self.keyed_ops.get(id(obj), ()):
                if added is key and op == "set":
                    items = obj.__dict__["items"]
                    raw = raw_value(key)
                    return value if raw in items and items[raw] is value else None
            return None
        if obj.__class__ is not ListVal:
            return None
        offset = self.offset_of(key)
        if offset is None or id(obj) in self.logs:
            return None
        entry = self.indexed.get(id(obj))
        if entry is None or offset not in entry.offsets or (entry.written and offset):
            self.discover(obj, offset, False)
            return None
        try:
            return obj.__dict__["items"][raw_value(key)]
        except IndexError:
            return None

    def array_index(self, obj, key) -> Known:
        """``obj[key]`` of an array by a watched int: its item has the same shape and price at
        every index within bounds, which the later iterations are checked for. The key to
        index with (not watched)."""
        value = raw_value(key)
        if value.__class__ is not int or not obj.ndim:
            return key
        self._record(("bound", "", self.ref(key), ("c", obj.shape[0]), None), value, obj.shape[0])
        return Known(value)

    def array_indices(self, obj, parts: list) -> list:
        """The parts of a tuple index of an array (`codes[:, j]`, `x[i, 0]`) with the watched
        ints among them replaced by plain numbers, as ``array_index`` does for a lone one: an
        int at an axis removes that axis whatever its value, so the item has the same shape and
        price at every index within bounds, recorded for the later iterations. Only the parts
        up to the first that is neither an int nor a slice (None, Ellipsis, an array: the axes
        of the later ones are not worked out here) are looked at; a watched number after them
        is read as before."""
        out = list(parts)
        axis = 0
        for k, part in enumerate(parts):
            if part.__class__ is not Known:
                break
            value = raw_value(part)
            if self.is_tainted(part):
                if value.__class__ is not int or axis >= obj.ndim or obj.shape[axis].__class__ is not int:
                    break
                self._record(("bound", "", self.ref(part), ("c", obj.shape[axis]), None), value, obj.shape[axis])
                out[k] = Known(value)
            elif value.__class__ is not int and value.__class__ is not slice:
                break
            axis += 1
        return out

    def store(self, obj, key, value) -> bool:
        """``obj[key] = value`` when ``key`` is a watched number: True when done here (a list
        the counter indexes, at the counter itself; a keyed log, at a key it does not hold)."""
        if obj.__class__ is DictVal:
            return self.keyed_entry(obj, key, "set", value)
        if obj.__class__ is not ListVal:
            return False
        offset = self.offset_of(key)
        if offset is None or id(obj) in self.logs:
            return False
        entry = self.indexed.get(id(obj))
        if entry is None or not entry.written or offset:
            self.discover(obj, offset, True)
            return False
        items = obj.__dict__["items"]
        at = raw_value(key)
        if not -len(items) <= at < len(items):
            return False
        items[at] = value
        self.stored.add(id(obj))
        return True

    def keyed_entry(self, obj: DictVal, key: Known, op: str, value=None) -> bool:
        """``obj[key] = value`` (``op`` "set") or ``obj.get(key, ...)`` ("get") of a keyed log at
        a watched key it does not hold: True when done here (the entry added, or the key found
        missing); otherwise the interpreter does it, reading the key and the log."""
        if id(obj) not in self.keyed:
            return False
        outer = self.outer
        while outer is not None:
            if id(obj) in outer.grown:
                # a dict a first call's watch counts: a key found missing here (or added), unseen
                # by it, is a read of its keys (a later call finds the key there). The loop goes
                # on as without that watch (whose charges are the report's), which fails.
                outer.observed = True
            outer = outer.outer
        items = obj.__dict__["items"]
        raw = raw_value(key)
        try:
            if raw in items:
                return False
        except TypeError:
            return False
        if op == "set":
            items[raw] = value
        self.keyed_ops.setdefault(id(obj), []).append((op, key, value))
        return True

    def discover(self, obj, offset: Optional[int], written: bool) -> None:
        self.observed = True
        if offset is None:
            return
        entry = self.discovered.get(id(obj)) or self.indexed.get(id(obj))
        offsets = set(entry.offsets) if entry is not None else set()
        offsets.add(offset)
        self.discovered[id(obj)] = Indexed(obj, frozenset(offsets), written or (entry is not None and entry.written))

    # -- after the iteration ----------------------------------------------------------------

    def values_at(self, start: list, counters: tuple) -> dict:
        """id -> value of every watched number, in an iteration (``period`` iterations) starting
        from ``start`` with the loop's counters ``counters`` (ones that ``step`` accepted)."""
        done = self.computed(start, counters)
        out = {}
        for key, (_, (kind, at)) in self.tainted.items():
            out[key] = start[at] if kind == "leaf" else counters[at] if kind == "i" \
                else self._spent((kind, at), counters) if kind == "u" or kind == "r" else done[at]
        return out

    def step(self, start: list, recipes: list, counters: tuple = (None,)) -> Optional[list]:
        """The numbers the next iteration starts from, when an iteration starting from
        ``start`` (the loop's counters ``counters``, one per iteration of the period) computes
        as the watched one did (None: it would not)."""
        done = self.computed(start, counters)
        if done is None:
            return None
        return [start[r[1]] if r[0] == "leaf" else counters[r[1]] if r[0] == "i"
                else self._spent(r, counters) if r[0] == "u" or r[0] == "r" else done[r[1]] for r in recipes]

    def computed(self, start: list, counters: tuple, raws: Optional[list] = None) -> Optional[list]:
        """What each recorded event computes in an iteration starting from ``start`` (None:
        one would compute another type, another answer, or fail); ``raws`` gets each event's
        operands."""
        done: list = []
        o_refs = self.o_refs
        for event in self.events:
            kind, name, a, b, expected = event
            x = start[a[1]] if a[0] == "leaf" else done[a[1]] if a[0] == "d" else counters[a[1]] if a[0] == "i" \
                else o_refs[a[1]][1] if a[0] == "o" else self._spent(a, counters) if a[0] == "u" or a[0] == "r" \
                else a[1]
            y = start[b[1]] if b[0] == "leaf" else done[b[1]] if b[0] == "d" else counters[b[1]] if b[0] == "i" \
                else o_refs[b[1]][1] if b[0] == "o" else self._spent(b, counters) if b[0] == "u" or b[0] == "r" \
                else b[1]
            if raws is not None:
                raws.append((x, y))
            if kind == "bound":
                if x.__class__ is not int or not -y <= x < y:
                    return None
                done.append(None)
                continue
            if kind == "arith":
                try:
                    r = _ARITH[name](x, y)
                except Exception:  # noqa: BLE001 - that iteration would raise or be unpriced: it runs
                    return None
                if r.__class__ is not expected:
                    return None
                done.append(r)
            else:
                if _CMP[name](x, y) != expected:
                    return None
                done.append(None)
        return done

    # -- within a carried watch ------------------------------------------------------------
    #
    # A loop's watch runs within the carried watch of a later call of predict (carried.py), and
    # may take over numbers the carried watch follows (a count kept on ``self`` that each layer
    # bumps and each call carries on). The carried watch must then still see every computation
    # of its numbers in the call: the events this watch recorded of them are handed over to it,
    # written in its own refs, when this watch stops (the watched iterations), and again for
    # each iteration skipped (``carry_runs``); the numbers made here from its numbers become its
    # own. A read of one of them this watch sees is the carrier's read too (``_get``).

    def _translate(self, slots: list, raws: list) -> list:
        """Append to the carrier the events made from its numbers, of an iteration (a period)
        whose slots start as the carrier's refs ``slots`` (None: not its) with operands
        ``raws``; the carrier's ref of each event's result (None: a number not its)."""
        carrier = self.carrier
        d: list = []
        o_refs = self.o_refs
        for k, (kind, name, a, b, expected) in enumerate(self.events):
            x, y = raws[k]
            oa, ob = self._oref(a, slots, d, o_refs), self._oref(b, slots, d, o_refs)
            if oa is None and ob is None:
                d.append(None)
                continue
            ref = ("d", len(carrier.events)) if kind == "arith" else None
            carrier.events.append((kind, name, oa if oa is not None else ("c", x), ob if ob is not None else ("c", y),
                                   expected))
            d.append(ref)
        return d

    @staticmethod
    def _oref(ref: tuple, slots: list, d: list, o_refs: list) -> Optional[tuple]:
        kind, at = ref[0], ref[1]
        if kind == "leaf":
            return slots[at]
        if kind == "d":
            return d[at]
        if kind == "o":
            return o_refs[at][0]
        return None

    def hand_over(self) -> None:
        """This watch stopped: the carrier gets the events of the watched iterations made from
        its numbers, and follows every number made here from them."""
        carrier = self.carrier
        slots = [self.outer_slots.get(s) for s in range(len(self.start_values))]
        if not self.outer_slots and not self.o_refs:
            self.d_orefs = [None] * len(self.events)
            return
        self.d_orefs = d = self._translate(slots, self.raws)
        for value, ref in list(self.tainted.values()):
            o = self._oref(ref, slots, d, self.o_refs) if ref[0] in ("leaf", "d", "o") else None
            if o is not None:
                carrier.tainted[id(value)] = (value, o)

    def carry_runs(self, recipes: list, runs: list) -> Optional[list]:
        """The iterations ``runs`` ((start, counters) each) are skipped: the carrier gets the
        events each would make of its numbers; the carrier's refs of the slots after them (None:
        nothing of the carrier's is in this watch; a slot not its is None)."""
        if not self.outer_slots:
            return None
        o_refs = self.o_refs
        slots = [self._oref(r, [self.outer_slots.get(s) for s in range(len(self.start_values))], self.d_orefs, o_refs)
                 if r[0] != "i" else None for r in recipes]
        for start, counters in runs:
            raws: list = []
            if self.computed(start, counters, raws) is None:
                self.carrier.observed = True  # (step() said it computes as the watched one: not reached)
                return slots
            d = self._translate(slots, raws)
            slots = [slots[r[1]] if r[0] == "leaf" else d[r[1]] if r[0] == "d" else None for r in recipes]
        return slots


class Indexed:
    """A list the loop's counter indexes: at which offsets from the counter, and whether the
    iteration stores into it (then only at the counter itself)."""

    __slots__ = ("lst", "offsets", "written")

    def __init__(self, lst: ListVal, offsets: frozenset, written: bool) -> None:
        self.lst, self.offsets, self.written = lst, offsets, written


class suspended:
    """Reads made by the analysis itself (a probe's canonical walk) are not the program's."""

    def __init__(self, watch: Optional[CounterWatch]):
        self.watch = watch

    def __enter__(self):
        watch = self.watch
        while watch is not None:  # and the watch it runs within (nested)
            watch.suspended += 1
            watch = watch.outer
        self.outer = self.watch.outer if self.watch is not None else None

    def __exit__(self, *exc):
        watch = self.watch
        if watch is not None:
            watch.suspended -= 1
            if self.outer is not None:
                self.outer.suspended -= 1


class keying:
    """A call memo's key or record: a watched number read there makes the call unrecorded
    (its key would hold a value that changes), not the watch fail."""

    def __init__(self, watch: Optional[CounterWatch]):
        self.watch = watch

    def __enter__(self):
        self.watches = []
        watch = self.watch
        while watch is not None:  # and the watch it runs within (nested)
            if not watch.keying:
                watch.key_touched = False
                watch.entries_keyed = False
            watch.keying += 1
            self.watches.append(watch)
            watch = watch.outer
        return self

    def __exit__(self, *exc):
        for watch in self.watches:
            watch.keying -= 1

    @property
    def touched(self) -> bool:
        return any(watch.key_touched for watch in self.watches)

    @property
    def counted(self) -> list:
        """The watches a counted dict or a log of which the key read (CounterWatch.grown)."""
        return [watch for watch in self.watches if watch.entries_keyed]


# ---------------------------------------------------------------------------- the walk


def constant_offset(events: list, ref: tuple, int_results: bool = False) -> Optional[tuple[int, tuple]]:
    """(offset, root) when the watched number ``ref`` names is ``root`` plus a chain of int
    literals added and subtracted (``i + 1 - 2``, ``3 + i``); None otherwise. With
    ``int_results``, each addition must also have given an int."""
    offset = 0
    while ref[0] == "d":
        kind, name, a, b, expected = events[ref[1]]
        if kind != "arith" or name not in ("Add", "Sub") or int_results and expected is not int:
            return None
        if b[0] == "c" and b[1].__class__ is int:
            offset, ref = offset + (b[1] if name == "Add" else -b[1]), a
        elif a[0] == "c" and a[1].__class__ is int and name == "Add":
            offset, ref = offset + a[1], b
        else:
            return None
    return offset, ref


class LeafCanon(Canon):
    """The canonical walk, also listing every plain ``Known`` it meets with where it sits
    (a dict and key, a list and index; None where it cannot be rewritten), and writing the
    numbers in ``blind`` (ids) as slots numbered in the order met."""

    def __init__(self, nonzero_counts: Optional[dict] = None, blind: Optional[set] = None,
                 logs: Optional[set] = None, indexed: Optional[dict] = None, at: Optional[int] = None,
                 index_names: frozenset = frozenset(), indexed_apart: frozenset = frozenset()) -> None:
        super().__init__(nonzero_counts)
        # The lists the counter indexes (ids) written without their items: what the state holds
        # beside them (repeats.SteadyLoop.items_apart_from_state)
        self.indexed_apart = indexed_apart
        # The lists the loop's counter indexes (id -> Indexed), written with their length and
        # only their items at ``at`` (the counter of the iteration about to run) plus an
        # offset; and the names bound to that counter, written as a counter in the item.
        self.indexed = indexed or {}
        self.at = at
        self.index_names = index_names
        self.leaves: list = []  # (Known, (container, key) | None)
        self.lists: list = []  # (ListVal, its length) in the order met
        self.dicts: list = []  # (DictVal, its keys) in the order met
        self.list_leaves: dict = {}  # id(ListVal or DictVal) -> the range of ``leaves`` met inside it
        self.blind = blind
        self.logs = logs  # ids of the lists and dicts written as ("log", number), their items left out
        self.slots: dict = {}  # id -> slot
        self.slot_objects: list = []
        # Dicts a first call may add keys to (CounterWatch.grown): id -> the keys they held when
        # it started, the only ones written; the entries at the others are listed in ``added``.
        self.grown: dict = {}
        self.added: list = []  # (DictVal, its (key, value) entries at the keys added)

    def leaf(self, value: Known, where) -> tuple:
        self.leaves.append((value, where))
        if self.blind is not None and id(value) in self.blind:
            slot = self.slots.get(id(value))
            if slot is None:
                slot = self.slots[id(value)] = len(self.slot_objects)
                self.slot_objects.append(value)
            return ("ctr", slot)
        # Canon._known_value, inlined (every plain number of a walk's state comes here)
        v = value.__dict__["value"]
        cls = v.__class__
        if cls in _EXACT_SCALARS and cls is not float:
            return ("K", (cls.__name__, v))
        # kept on the Known: a memo's tuple of 750 chunk bounds, a float's hex text (a module's
        # constants and a class's defaults, at every probe)
        return _known_form(value, v)

    def form(self, value):
        cls = value.__class__
        if cls is Known:
            return self.leaf(value, None)
        if cls is ListVal:
            return self._list(value)
        if cls is DictVal:
            return self._dict(value)
        return Canon.form(self, value)

    def _known_value(self, value: Known) -> tuple:
        # Reached for a function's defaults, whose form a module-level function keeps: a watched
        # number there would be kept in it.
        if self.blind is not None and id(value) in self.blind:
            raise Incomparable("a watched number in a default")
        return Canon._known_value(self, value)

    def names(self, env: dict) -> tuple:
        leaf, form = self.leaf, self.form
        # A module-level function whose form is made is written as Canon.names writes it
        # (without the dispatch: most of a module's globals and a class's attributes).
        # (Canon.made_function, inlined as Canon.names inlines it)
        objects, by_object, namer = self.objects, self.by_object, type(self).definition
        out = []
        for k, v in env.items():
            cls = v.__class__
            if cls is Known:
                out.append((k, leaf(v, (env, k))))
                continue
            if cls is FunctionVal and v.closure is None and not v.attrs and id(v) not in objects:
                made = v.form
                got = made.get(namer) if made is not None else None
                if got is not None:
                    kind, cached, owner = got[0]
                    if (kind is v.kind or kind == v.kind) and (cached is v.cached or cached == v.cached) \
                            and (owner is v.owner or owner == v.owner):
                        n = objects[id(v)] = len(objects)
                        by_object.append(v)
                        out.append((k, ("F", n) + got[1]))
                        continue
            out.append((k, form(v)))
        return tuple(out)

    def attribute(self, attrs: dict, name: str, value) -> Any:
        if value.__class__ is Known:
            return self.leaf(value, (attrs, name))
        return self.form(value)

    def _closure(self, number: int, value) -> tuple:
        """Canon._closure, with the numbers of the enclosing frame where they sit (a nonlocal
        counter a helper bumps at every iteration can be watched)."""
        from flopcast.analyzer.canonical import _mentioned

        env = value.closure
        free = _mentioned(value.node)
        written = self.closure_names.setdefault(number, set())
        names = [k for k in (env if free is None else free) if k in env and k not in written]
        written.update(names)
        leaf, form = self.leaf, self.form
        return tuple([(k, leaf(env[k], (env, k)) if env[k].__class__ is Known else form(env[k])) for k in names])

    def _list(self, value) -> tuple:
        objects = self.objects
        n = objects.get(id(value))
        if n is not None:
            return ("L", n, None)
        n = objects[id(value)] = len(objects)
        self.by_object.append(value)
        if self.logs is not None and id(value) in self.logs:
            return ("log", n)
        items = value.items
        entry = self.indexed.get(id(value))
        if entry is not None:
            if entry.offsets and self.at is None:
                raise Incomparable("a list the loop's counter indexes, in a walk that does not follow it")
            if id(value) in self.indexed_apart:
                return ("ix", n, len(items))
            return ("ix", n, len(items), tuple([self._at(items, self.at + offset) for offset in sorted(entry.offsets)]))
        self.lists.append((value, len(items)))
        first = len(self.leaves)
        out = ("L", n, tuple([self.leaf(v, (items, i)) if v.__class__ is Known else self.form(v)
                              for i, v in enumerate(items)]))
        self.list_leaves[id(value)] = (first, len(self.leaves))
        return out

    def _at(self, items: list, i: int) -> tuple:
        if not -len(items) <= i < len(items):
            return ("out",)
        v = items[i]
        return self.leaf(v, (items, i)) if v.__class__ is Known else self.form(v)

    def _dict(self, value) -> tuple:
        n, new = self.number(self.objects, id(value), value)
        if not new:
            return ("D", n)
        if self.logs is not None and id(value) in self.logs:
            return ("log", n)
        items = value.items
        keys = tuple(items)
        self.dicts.append((value, keys))
        first = len(self.leaves)
        start = self.grown.get(id(value)) if self.grown else None
        entries = items.items()
        if start is not None:
            if keys[:len(start)] != start:
                raise Incomparable("a counted dict lost or reordered keys")
            self.added.append((value, [(k, items[k]) for k in keys[len(start):]]))
            entries = [(k, items[k]) for k in start]
        out = ("D", n, tuple([(self.form(k.value) if isinstance(k, ObjKey) else _known_key(k) if k.__class__ is tuple else _known(k),
                               self.leaf(v, (items, k)) if v.__class__ is Known else self.form(v))
                              for k, v in entries]),
               self.form(value.factory) if value.factory is not None else None)
        self.list_leaves[id(value)] = (first, len(self.leaves))
        return out


def rewrite(leaves: list, make) -> Optional[list]:
    """Put ``make(old)`` wherever the walk met an ``old`` that ``make`` takes (it returns None
    for the others), one new object per place; the undo list, or None (nothing changed) when
    one of them sits where it cannot be rewritten."""
    places: dict = {}
    for value, where in leaves:
        new = make(value)
        if new is None:
            continue
        if where is None:
            return None
        container, key = where
        if container[key] is not value:
            return None
        places.setdefault((id(container), key), (container, key, value, new))
    for container, key, _, new in places.values():
        container[key] = new
    return list(places.values())


def undo(places: list) -> None:
    for container, key, value, _ in places:
        container[key] = value
