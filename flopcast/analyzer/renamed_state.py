"""A loop whose state comes back the same but for which objects hold it.

`Interpreter.loop_state` signs what a loop's exits depend on at each loop head; two equal
states in a row end the path as a loop that never ends. An instance is signed with its
identity (``values.signature``: ``a is b`` can tell two instances apart), so a loop that
builds a new instance of the same contents at every iteration never repeats its state:
``while len(mix) > cap: mix = merge(mix)`` where ``len(mix)`` is not known (a value-dependent
site, which answers "go on" for the whole path) ran to the iteration cap (100,000
iterations: a minute per path) although from the second iteration on each one is the last
one again, only on other objects.

Two states are the same but for the objects that hold them when the object graphs reachable
from the loop's names are isomorphic: each instance, list, tuple and dict walked (no depth
limit, unlike ``signature``'s three levels, below which a growing chain `node = Node(node)`
would look alike) and numbered in the order first met, a second meeting written as that
number, so that aliasing between names and inside objects is compared too; every other value
signed as ``signature`` signs it (arrays by shape, dtype and symmetry, unknowns by kind, other
objects by identity). The interpreter does the same with two isomorphic states (Python's `id()`
is not a known number to it, and identity is otherwise seen only by ``is`` and by hashing,
which the numbering keeps), so the next iteration repeats the last one as equal states do.
A graph past ``LIMIT`` objects, a dict keyed by objects, or a container of a special kind
(a set, a view, a deque, a defaultdict...) makes no claim: the loop runs on as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.values import DictVal, InstanceVal, ListVal, ObjKey, TupleVal, Value, signature

#: Objects walked at most (and nesting depth at most) for one state; past either, no claim.
LIMIT = 2000
DEPTH = 100


class _NoClaim(Exception):
    """The state is too large, too deep or holds a value this walk does not compare."""


def only_objects_differ(previous: tuple, state: tuple) -> bool:
    """Whether two `loop_state` tuples differ only in the identities of instances named at
    their top (a cheap test before the walk: each differing entry is an instance whose
    contents' signatures are equal but for identities)."""
    if len(previous) != len(state):
        return False
    differ = False
    for before, now in zip(previous, state):
        if before == now:
            continue
        if before[0] != now[0] or not (before[1].__class__ is tuple and now[1].__class__ is tuple
                                       and before[1][:1] == ("I",) == now[1][:1]):
            return False
        if _without_ids(before[1]) != _without_ids(now[1]):
            return False
        differ = True
    return differ


def _without_ids(sign):
    """A signature with the identities of the instances in it left out."""
    if sign.__class__ is not tuple:
        return sign
    if sign[:1] == ("I",) and len(sign) == 3:
        return ("I", _without_ids(sign[2]))
    return tuple([_without_ids(s) for s in sign])


def graph_key(values: list[Value]) -> Optional[tuple]:
    """The values' object graph up to the identities of its containers and instances, or None
    where this walk makes no claim (module doc)."""
    numbers: dict[int, int] = {}

    def walk(v: Value, depth: int):
        cls = v.__class__
        if cls is not InstanceVal and cls is not ListVal and cls is not TupleVal and cls is not DictVal:
            if isinstance(v, (InstanceVal, ListVal, TupleVal, DictVal)):
                raise _NoClaim  # a deque, a named kind of dict...: signature() compares it by contents
            return signature(v)
        seen = numbers.get(id(v))
        if seen is not None:
            return ("ref", seen)
        if len(numbers) >= LIMIT or depth >= DEPTH:
            raise _NoClaim
        numbers[id(v)] = len(numbers)
        depth += 1
        if cls is InstanceVal:
            payload = None if v.payload is None else walk(v.payload, depth)
            return ("I", id(v.cls), payload, tuple(sorted([(k, walk(a, depth)) for k, a in v.attrs.items()])))
        if cls is TupleVal:
            return ("T", v.fields, tuple([walk(x, depth) for x in v.items]))
        if cls is ListVal:
            if v.unordered or v.is_set or v.mutable_set or v.view_of is not None:
                raise _NoClaim
            return ("L", tuple([walk(x, depth) for x in v.items]))
        if v.factory is not None or v.ordered or v.npz is not None or any(k.__class__ is ObjKey for k in v.items):
            raise _NoClaim
        return ("D", tuple([(repr(k), walk(x, depth)) for k, x in v.items.items()]))

    try:
        return tuple([walk(v, 0) for v in values])
    except _NoClaim:
        return None


@dataclass
class RenamedStates:
    """Per loop execution: the graph key at the last loop head whose state differed from the
    one before only in objects (None when the last head was not such)."""

    last: Optional[tuple] = None

    def repeats(self, previous: Optional[tuple], state: tuple, values: list[Value]) -> bool:
        """Whether ``state`` (the loop head's, ``values`` those of its names) repeats the last
        head's up to the objects holding it: both this head and the last differed from the one
        before only in objects, and their graph keys are equal."""
        if previous is None or not only_objects_differ(previous, state):
            self.last = None
            return False
        key = graph_key(values)
        hit = key is not None and key == self.last
        self.last = key
        return hit


#: Heads in a row whose signatures match only past signature's depth, confirmed on the whole
#: graph, before the old reading (the path ends) is taken again: a loop that grows a structure
#: and then raises (a depth check) is followed that far, one that never stops costs no more.
DEEP_TRIES = 64


def signed_past_depth(sign) -> bool:
    """Whether a signature holds ``("deep", ...)``: a value below signature's few levels,
    signed by its kind only, so two equal signatures may stand for different states."""
    if sign.__class__ is not tuple:
        return False
    if len(sign) == 2 and sign[0] == "deep":
        return True
    return any([signed_past_depth(s) for s in sign])


@dataclass
class DeepStates:
    """Per loop execution: the graph key at the last head whose state signed equal to the one
    before only past signature's depth (a list grown one level per iteration, ``x = [x, h]``,
    signs alike from the fourth level on though each head's is deeper)."""

    last: Optional[tuple] = None
    tries: int = 0

    def repeats(self, values: list[Value]) -> bool:
        """Whether this head repeats the last one on the whole object graph; past DEEP_TRIES
        heads, or past what graph_key walks, as the signatures say."""
        self.tries += 1
        key = graph_key(values)
        if key is None or self.tries > DEEP_TRIES:
            return True
        hit = key == self.last
        self.last = key
        return hit
