"""``collections.deque``, ``collections.Counter``, ``heapq`` and iterators over known sequences
(``iter``, ``next``, ``itertools.islice`` of an iterator), run on abstract values.

A Counter is a dict whose missing keys read as 0 without being added (its ``factory`` is the
known value ``0``, where a defaultdict's is the callable it calls and stores); counting,
``update``/``subtract``, ``most_common`` and ``total`` run on known items and counts (and
``update`` on items read at run time into a Counter nothing reads: write_only.keyless_dicts), and
leave the call unpriced otherwise.

A deque is a list with a ``maxlen``; heapq's functions run the real heapq on the items,
ordered the way Python orders them (numbers, and tuples and lists of them, lexicographically);
an order that depends on values leaves the call unpriced; known items Python cannot order (``None < 1``)
raise its TypeError, the heap left as the sift left it. ``nsmallest``/``nlargest`` are
``sorted(iterable, key=key)[:n]`` (and ``reverse=True``), as heapq documents them.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import heapq
import itertools
from typing import Optional

from flopcast.analyzer import write_only
from flopcast.analyzer.iterator_sources import reading
from flopcast.analyzer.one_of import one_of
from flopcast.analyzer.values import (Array, DequeVal, dict_key, DictVal, EndlessIter, hashes_without_code, InstanceVal,
                                      Known, LazyIterator, ListVal,
                                      PyGenerator, SeqIterator, TupleVal, Unknown, UserRaise, Value, make_tuple,
                                      plain_member)
from flopcast.model import Span


class Unordered(Exception):
    """Two items whose order depends on values."""


class Incomparable(Exception):
    """Two known values Python cannot order (``None < 1``): its TypeError, in its words."""


def _compare(a: Value, b: Value) -> int:
    if isinstance(a, Known) and isinstance(b, Known):
        try:
            return -1 if a.value < b.value else 1 if b.value < a.value else 0
        except TypeError as exc:
            raise Incomparable(str(exc)) from None
    if isinstance(a, (TupleVal, ListVal)) and type(a) is type(b):
        # Python orders sequences by their first pair of items that differ by `==`; only that
        # pair is compared with `<` (equal Nones in a tuple do not raise)
        for x, y in zip(a.items, b.items):
            same = _equal(x, y)
            if same is None:
                raise Unordered()
            if not same:
                return _compare(x, y)
        return (len(a.items) > len(b.items)) - (len(a.items) < len(b.items))
    raise Unordered()


def _equal(a: Value, b: Value) -> Optional[bool]:
    """``a == b`` of known values and of tuples and lists of them; None when it depends on values."""
    if isinstance(a, Known) and isinstance(b, Known):
        return bool(a.value == b.value)
    if isinstance(a, (TupleVal, ListVal)) and type(a) is type(b):
        if len(a.items) != len(b.items):
            return False
        answers = [_equal(x, y) for x, y in zip(a.items, b.items)]
        return False if False in answers else None if None in answers else True
    return None


_KEY = functools.cmp_to_key(_compare)


def _holds_instance(v: Value) -> bool:
    from flopcast.analyzer.values import InstanceVal

    return isinstance(v, InstanceVal) or isinstance(v, (TupleVal, ListVal)) and any(_holds_instance(x) for x in v.items)


def _undecided():
    from flopcast.analyzer.dunders import Undecided

    return Undecided


class _Ordered:
    """A heap item compared by Python's `<` on the values (dunders.Ordering: tuples item by item,
    instances by their methods); Undecided when a comparison depends on values."""

    __slots__ = ("obj", "order")

    def __init__(self, obj: Value, order) -> None:
        self.obj = obj
        self.order = order

    def __lt__(self, other: "_Ordered") -> bool:
        return self.order.decided("Lt", self.obj, other.obj)


def heap_call(interp, name: str, args: list, kwargs: dict, span, node, sort, sort_by_keys) -> Value:
    """heapq.<name>(...) on a ListVal heap; nsmallest/nlargest through ``sort`` (the builtin
    sorted()) or ``sort_by_keys`` (its ordering of keys already made), handed over by builtins.py."""
    if name in ("nsmallest", "nlargest"):
        if len(args) != 2 or set(kwargs) - {"key"} or not isinstance(args[0], Known) \
                or not isinstance(args[0].value, int):
            return interp.unpriced(node, f"heapq.{name}", "these arguments are not modelled")
        n = args[0].value
        if n <= 0:
            return ListVal([])  # heapq takes no item and calls no key
        items = interp.iterate(args[1], node, ordered=True)
        if items is None or n >= len(items) and n != 1 or len(items) <= 1:
            # heapq's own sorted() (n >= len: it asks what a sort asks), over the items taken once
            # (an iterator or generator is consumed by the first pass)
            taken = args[1] if items is None else ListVal(list(items))
            ordered = sort(interp, "sorted", [taken], {**kwargs, "reverse": Known(name == "nlargest")}, span, node)
            return ListVal(ordered.items[:n]) if isinstance(ordered, ListVal) else ordered
        key = kwargs.get("key")
        keys = [plain_member(interp.call(key, [i], {}, span, node)) for i in items] \
            if key is not None and not (isinstance(key, Known) and key.value is None) else [plain_member(i) for i in items]
        if any(k.__class__ is Array and not k.plain or isinstance(k, InstanceVal) for k in keys):
            # min()/max() for n == 1, else a heap of (key, order, item) tuples: the comparisons
            # they ask (flopscope bills each `<`/`==` of its arrays; a class's __lt__ runs) are
            # not a sort's
            return interp.unpriced(node, f"heapq.{name}",
                                   "its keys are compared as heapq compares them, which is not modelled")
        ordered = sort_by_keys(interp, items, keys, name == "nlargest", span, node)
        return ListVal(ordered.items[:n]) if isinstance(ordered, ListVal) else ordered
    if name == "merge":
        return _merge(interp, args, kwargs, span, node)
    if not args or not isinstance(args[0], ListVal) or kwargs:
        if args and isinstance(args[0], (ListVal, DictVal)):  # a deque, a dict: heapq changes what it holds
            interp.unfollowed_change(span, f"heapq.{name}", "a heap that is not a list is not modelled")
        return interp.unpriced(node, f"heapq.{name}", "a heap that is not a list is not modelled")
    heap = args[0]
    pushed = args[1:2]
    order = None
    if any(_holds_instance(v) for v in [*heap.items, *pushed]):
        # instances ordered by their classes' `<` (a dataclass with __lt__, @total_ordering):
        # heapq asks `a < b` pair by pair; each is the user's method, run as Python runs it
        from flopcast.analyzer.dunders import Ordering

        order = Ordering(interp, span)
        wrap = lambda v: _Ordered(v, order)  # noqa: E731
    else:
        wrap = _KEY
    keyed = [wrap(v) for v in heap.items]
    try:
        if name == "heapify":
            heapq.heapify(keyed)
            out: Value = Known(None)
        elif name == "heappush":
            heapq.heappush(keyed, wrap(args[1]))
            out = Known(None)
        elif name == "heappop":
            if not keyed:
                raise UserRaise(span, "IndexError: index out of range")
            out = heapq.heappop(keyed).obj
        elif name in ("heappushpop", "heapreplace"):
            if name == "heapreplace" and not keyed:
                raise UserRaise(span, "IndexError: index out of range")
            out = getattr(heapq, name)(keyed, wrap(args[1])).obj
        else:
            return interp.unpriced(node, f"heapq.{name}", "not modelled")
    except Incomparable as exc:
        # the heap is left as Python's sift left it when `<` raised (the pushed item already in it)
        heap.items[:] = [k.obj for k in keyed]
        raise UserRaise(span, f"TypeError: {exc}") from None
    except (Unordered, _undecided()):
        items = [*heap.items, *pushed]
        if any(v.__class__ is Array for v in items) and len(items) > 1:
            interp.stop_path(f"{span}: heapq.{name} compares arrays (each `<` billed, its truth depending on values "
                             "or raising); the cost after it is not counted", span, f"heapq.{name}")
        stop_at_array_ties(interp, items, items, span, f"heapq.{name}")
        return _in_unknown_order(interp, name, heap, pushed, span, node)
    heap.items[:] = [k.obj for k in keyed]
    return out


def _merge(interp, args: list, kwargs: dict, span, node) -> Value:
    """heapq.merge(*lists) of plain items, no key: Python's merge of them, an iterator over the
    lists as they are now (iterator_sources.reading: a list changed before it is used up ends the path)."""
    reverse = kwargs.get("reverse", Known(False))
    sequences = all(a.__class__ in (ListVal, TupleVal) and not (a.__class__ is ListVal and (a.is_set or a.view_of))
                    or a.__class__ is Known and type(a.value) in (list, tuple, range) for a in args)
    lists = [interp.iterate(a, node, ordered=True) for a in args] if sequences else None
    if set(kwargs) - {"reverse"} or not isinstance(reverse, Known) or lists is None or None in lists \
            or any(_holds_instance(v) or v.__class__ is Array for items in lists for v in items):
        return interp.unpriced(node, "heapq.merge", "these arguments are not modelled")
    try:
        merged = [k.obj for k in heapq.merge(*([_KEY(v) for v in items] for items in lists), reverse=bool(reverse.value))]
    except (Unordered, Incomparable, _undecided()):
        # (merge compares lazily, as its items are read: a TypeError would be raised there, not here)
        return interp.unpriced(node, "heapq.merge", "the order of the items depends on values")
    return reading(SeqIterator(merged), list(args))


def _in_unknown_order(interp, name: str, heap: ListVal, pushed: list, span, node) -> Value:
    """heapq.<name> on items whose order depends on values: which item goes where is not known,
    but how many the heap holds is, and when its items are numbers or tuples of numbers, each
    is one of them (one_of: a top-k of ``(score, index)`` pairs indexes as any index would).
    Otherwise the heap keeps its length with every item unknown (and what a pop returns is
    unknown), so a `while heap: heappop(heap)` loop ends as the program's does instead of
    running to the iteration cap on a heap that never shrinks."""
    if name in ("heappop", "heapreplace") and not heap.items:
        raise UserRaise(span, "IndexError: index out of range")
    length = len(heap.items) + (name == "heappush") - (name == "heappop")
    every = [*heap.items, *pushed]
    one = one_of(every, span, "an item of a heap ordered by values read from data") \
        if _quiet_kind(every) is not None else None
    if one is not None:
        heap.items[:] = [one() for _ in range(length)]
        return Known(None) if name in ("heapify", "heappush") else one()
    quiet = _quiet_kind(heap.items)
    unknown = interp.unpriced(node, f"heapq.{name}", "the order of the heap's items depends on values",
                              raises=quiet is None)
    heap.items[:] = [unknown if quiet is None else dataclasses.replace(unknown, reason=_QUIET_ITEMS[quiet])] * length
    return Known(None) if name in ("heapify", "heappush") else unknown


#: What an item of a heap in unknown order is when its items compare quietly (_quiet_kind), by
#: their kind: the next heapq call on the heap knows them as such.
_QUIET_ITEMS = {"number": "an item of a heap of numbers in an order that depends on values",
                "tuple": "an item of a heap of tuples of numbers in an order that depends on values"}


def _quiet_kind(items: list) -> Optional[str]:
    """"number" or "tuple" when any two of ``items`` compare without raising whatever their values:
    all numbers, or all tuples of numbers (`(score, i)`); None otherwise."""
    def number(v: Value) -> bool:
        return isinstance(v, Known) and type(v.value) in (int, float, bool) or \
            isinstance(v, Unknown) and v.kind in ("int", "float")

    def made(v: Value, kind: str) -> bool:
        return isinstance(v, Unknown) and v.reason == _QUIET_ITEMS[kind]

    if all(number(v) or made(v, "number") for v in items):
        return "number"
    if all(made(v, "tuple") or v.__class__ is TupleVal and all(map(number, v.items))
           or v.__class__ is Known and type(v.value) is tuple and all(type(x) in (int, float, bool) for x in v.value)
           for v in items):
        return "tuple"
    return None


def make_deque(interp, args: list, kwargs: dict, span, node) -> Value:
    # deque's C constructor states no signature for the binding check: its own refusals
    if len(args) + len(kwargs) > 2:
        raise UserRaise(span, f"TypeError: deque() takes at most 2 arguments ({len(args) + len(kwargs)} given)")
    for key in kwargs:
        if key not in ("iterable", "maxlen"):
            raise UserRaise(span, f"TypeError: {key!r} is an invalid keyword argument for deque()")
        if ("iterable", "maxlen").index(key) < len(args):
            raise UserRaise(span, f"TypeError: argument for deque() given by name ({key!r}) and position "
                                  f"({('iterable', 'maxlen').index(key) + 1})")
    source = args[0] if args else kwargs.get("iterable")
    maxlen = args[1] if len(args) > 1 else kwargs.get("maxlen", Known(None))
    if not isinstance(maxlen, Known) or not (maxlen.value is None or isinstance(maxlen.value, int)):
        return interp.unpriced(node, "collections.deque", "maxlen= is not known")
    if isinstance(maxlen.value, int) and maxlen.value < 0:
        raise UserRaise(span, "ValueError: maxlen must be non-negative")
    items = [] if source is None or isinstance(source, Known) and source.value is None else interp.iterate(source, node)
    if items is None:
        return interp.unpriced(node, "collections.deque", "its items are not known")
    d = DequeVal([], maxlen.value)
    d.items.extend(items)
    trim(d, left=True)
    return d


def trim(d: DequeVal, left: bool) -> None:
    """Drop items past maxlen from the left (after appends) or the right (after appendleft)."""
    if d.maxlen is not None and len(d.items) > d.maxlen:
        extra = len(d.items) - d.maxlen
        if left:
            del d.items[:extra]
        else:
            del d.items[len(d.items) - extra:]


def deque_method(interp, name: str, d: DequeVal, args: list, span, node) -> Value:
    """A deque method; None for the list methods it shares (then trimmed by the caller)."""
    if name == "appendleft":
        d.items.insert(0, args[0])
        trim(d, left=False)
        return Known(None)
    if name == "extendleft":
        items = interp.iterate(args[0], node)
        if items is None:
            interp.unfollowed_change(span, "deque.extendleft()", "extends by a sequence whose length is not known")
        for item in items:
            d.items.insert(0, item)
        trim(d, left=False)
        return Known(None)
    if name == "popleft":
        if not d.items:
            raise UserRaise(span, "IndexError: pop from an empty deque")
        return d.items.pop(0)
    if name == "rotate":
        n = args[0] if args else Known(1)
        if not isinstance(n, Known) or not isinstance(n.value, int):
            interp.unfollowed_change(span, "deque.rotate()", "the step depends on values")
        if d.items:
            k = n.value % len(d.items)
            d.items[:] = d.items[-k:] + d.items[:-k] if k else d.items
        return Known(None)
    if name == "copy":
        return DequeVal(list(d.items), d.maxlen)
    return None


def check_islice_bounds(bounds: list, span) -> None:
    """islice's own refusal of its bounds (a float, a negative stop), raised before it takes anything."""
    try:
        itertools.islice((), *bounds)
    except (ValueError, TypeError) as exc:
        raise UserRaise(span, f"{type(exc).__name__}: {exc}") from None


def islice(interp, source: Value, bounds: list, span, node) -> Value:
    """itertools.islice of an iterator or a generator takes from it only what islice consumes."""
    check_islice_bounds(bounds, span)
    stop = bounds[0] if len(bounds) == 1 else bounds[1] if len(bounds) > 1 else None
    if isinstance(source, LazyIterator):
        # map()/filter(): islice pulls at most `stop` items, each made when pulled
        if isinstance(stop, int):
            source.ready(source.consumed + max(stop, 0))
            rest = source._made[source.consumed:source.consumed + max(stop, 0)]
        else:
            rest = source.items[source.consumed:]
    elif isinstance(source, SeqIterator):
        rest = source.items[source.consumed:]
    elif isinstance(source, EndlessIter):
        if not isinstance(stop, int):
            return interp.unpriced(node, "itertools.islice()", "islice of an endless iterator without a stop")
        rest = [source.item(source.consumed + k) for k in range(max(stop, 0))]
    else:
        # islice pulls at most `stop` items: an endless generator stops there
        need = stop if isinstance(stop, int) and stop >= 0 and source.items is None and made_here(node, 0) else None
        rest = interp.run_generator(source, need)[source.consumed:]
    counter = itertools.count()
    taken = list(itertools.islice(zip(rest, counter), *bounds))
    # islice stops pulling from its source at `stop` (or when it runs out): count the pulls
    used = next(counter)
    source.consumed += min(used, len(rest))
    if isinstance(stop, int) and stop <= len(rest):  # (islice stops at `stop`, never asking past it)
        interp.refuse_taken_short(source, source.consumed, span)
    return SeqIterator([item for item, _ in taken])  # an iterator, used up once


def is_iterator(value: Value) -> bool:
    return isinstance(value, (SeqIterator, PyGenerator, EndlessIter))


#: What a Counter's missing key reads as (DictVal.factory of a Counter).
COUNTER_MISSING = Known(0)


def is_counter(value: Value) -> bool:
    return isinstance(value, DictVal) and value.factory is COUNTER_MISSING


def make_counter(interp, args: list, kwargs: dict, span, node) -> Value:
    """``Counter()``, ``Counter(iterable)``, ``Counter(mapping)``, ``Counter(a=1, ...)``."""
    counter = DictVal({}, COUNTER_MISSING)
    if args or kwargs:
        done = _count(interp, counter, args, kwargs, 1, node)
        if done is not None:
            return interp.unpriced(node, "collections.Counter()", done)
    return counter


def _count(interp, counter: DictVal, args: list, kwargs: dict, sign: int, node):
    """Add (sign 1) or subtract (-1) counts into ``counter``; why not, or None when done."""
    sources = []
    if args:
        src = args[0]
        if isinstance(src, DictVal):
            sources = list(src.items.items())
        elif isinstance(src, Known) and isinstance(src.value, dict):
            sources = [(k, Known(v)) for k, v in src.value.items()]
        else:
            items = interp.iterate(src, node)
            if items is None:
                return "the items counted are not known"
            if not all(isinstance(i, Known) for i in items):
                if kwargs or not _counts_unread(interp, counter, items, node):
                    return "the items counted are not known"
                # ``self.picked.update(int(i) for i in idx.tolist())``: a count of unknown value
                # under a key of its own per item, as an item stored there would be
                # (write_only.keyless_dicts); only its kind, an int, can matter
                for i in items:
                    counter.items[dict_key(i)] = Unknown("int", interp.node_span(node),
                                                         "a count of a Counter nothing reads")
                return None
            sources = [(i.value, Known(1)) for i in items]
        if sign == 1 and not counter.items and (isinstance(src, DictVal) or isinstance(src, Known)
                                                and isinstance(src.value, dict)):
            # CPython updates an empty Counter from a mapping by dict.update: the counts are stored
            # as they are, added to nothing (Counter({i: int(c) for ...}) of unknown ints is free)
            counter.items.update(sources)
            sources = []
    sources += list(kwargs.items())
    for key, n in sources:
        now = counter.items.get(key, COUNTER_MISSING)
        if not (isinstance(n, Known) and isinstance(now, Known)):
            return "a count is not known"
        try:
            counter.items[key] = Known(now.value + sign * n.value)
        except TypeError:
            return "a count is not a number"
    return None


def _counts_unread(interp, counter: DictVal, items: list, node) -> bool:
    """``x.name.update(items)`` on a Counter of a keyless name (write_only.keyless_dicts: made
    right there wherever it is stored, nothing reads what it holds), by items Python hashes
    without the program's code, where every count already there is a number (the counts Python
    adds to then raise on none). Whatever it holds after is then never read."""
    func = getattr(node, "func", None)
    return (isinstance(func, ast.Attribute) and func.value.__class__ is ast.Attribute
            and func.value.attr in write_only.keyless_dicts(interp.program)
            and all(isinstance(i, Known) or isinstance(i, Unknown) and i.kind in ("int", "float", "bool", "str")
                    for i in items) and all(hashes_without_code(i) for i in items)
            and all(n.__class__ is Known and type(n.value) in (int, float, bool)
                    or n.__class__ is Unknown and n.kind in ("int", "float", "bool") for n in counter.items.values()))


def counter_method(interp, counter: DictVal, name: str, args: list, kwargs: dict, span, node):
    """Counter's own methods; None for the dict methods it inherits."""
    if name in ("update", "subtract"):
        why = _count(interp, counter, args, kwargs, 1 if name == "update" else -1, node)
        if why is not None:
            interp.unfollowed_change(span, f"Counter.{name}()", why)
        return Known(None)
    if name not in ("most_common", "total", "elements"):
        return None
    counts = list(counter.items.items())
    if not all(isinstance(n, Known) for _, n in counts):
        return interp.unpriced(node, f"Counter.{name}()", "a count is not known")
    if name == "total":
        return Known(sum(n.value for _, n in counts))
    if name == "elements":
        return ListVal([Known(k) for k, n in counts for _ in range(max(n.value, 0))])
    limit = args[0] if args else kwargs.get("n", Known(None))
    if not isinstance(limit, Known):
        return interp.unpriced(node, "Counter.most_common()", "how many is not known")
    ranked = sorted(counts, key=lambda kn: kn[1].value, reverse=True)  # stable: first seen first among ties
    if limit.value is not None:
        ranked = ranked[: limit.value]
    return ListVal([make_tuple([Known(k), n]) for k, n in ranked])


def made_here(node, i: int) -> bool:
    """Whether a call's argument ``i`` is a call made right there (`zip(range(n), stream())`):
    a generator it returned is consumed by this call only, so its body may stop at the last
    item this call takes (a generator held by a name may be consumed again later)."""
    return isinstance(node, ast.Call) and i < len(node.args) and isinstance(node.args[i], ast.Call) \
        and not any(isinstance(a, ast.Starred) for a in node.args[:i + 1])


def forget_order(lst: ListVal, span: Span, what: str) -> None:
    """A list reordered in place by a random generator: its length stays, which item sits where
    is not known from here on (every item unknown, unless they are all one value)."""
    items = lst.items
    if items and not (all(isinstance(i, Known) for i in items) and len({repr(i.value) for i in items}) == 1):
        items[:] = [Unknown("", span, f"an item of a list reordered by {what}") for _ in items]


def stop_at_array_ties(interp, items: list, keys: list, span: Span, name: str) -> None:
    """Tuples whose earlier items may tie go on to compare the arrays they hold: `a == b`
    (flopscope bills it), then its truth, which raises ValueError for more than one element.
    Which arrays are compared depends on values: the path ends."""
    if len(items) > 1 and any(_holds_array(k) for k in keys) and _arrays_reached(keys):
        interp.stop_path(f"{span}: {name}() compares tuples holding arrays, and which arrays it compares (each "
                         "`==` billed, its truth raising for arrays of more than one element) depends on values; "
                         "the cost after it is not counted", span, f"{name}()")


def _arrays_reached(keys: list) -> bool:
    """Whether comparing some two of ``keys`` (tuples item by item) may reach an array: every
    item before it may be equal (known items that differ decide first: `(score, i, arr)` with
    distinct known i never compares arrays)."""
    if len(keys) > 200:
        return True
    seqs = [k.items if isinstance(k, (TupleVal, ListVal)) else None for k in keys]
    for a in range(len(seqs)):
        for b in range(a + 1, len(seqs)):
            x, y = seqs[a], seqs[b]
            if x is None or y is None:
                continue
            for u, v in zip(x, y):
                if u.__class__ is Array or v.__class__ is Array:
                    if u is not v:
                        return True
                    continue
                if isinstance(u, Known) and isinstance(v, Known) and type(u.value) in (int, float, str, bool) \
                        and type(v.value) in (int, float, str, bool) and u.value != v.value:
                    break  # these two differ here: decided before any array
    return False


def _holds_array(key: Value) -> bool:
    """Whether a sort key is a tuple or list with an array among its items."""
    return isinstance(key, (TupleVal, ListVal)) and any(i.__class__ is Array for i in key.items)
