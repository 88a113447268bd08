"""Recursion keys a recorded call made, named by the call's state rather than by object ids.

A recorded call (repeats.CallMemo) keeps the recursion keys of the calls it made of functions
that were on the stack (``Interpreter.call_key``): a reuse must not make a call that equals one
below it now, or it would hide the endless recursion running it would end in. A key names an
instance, an iterator or an MLP's weights by ``id()`` (values.signature), so a key recorded in
one state says nothing of another state's objects: such a key blocked every reuse under a frame
of its function, and a recursion through a cost model object (``strassen(a, b, model)``) was
interpreted afresh at every level on every path.

The objects a key names were, when the call began, objects of its state, which the call's
canonical walk numbered (canonical.Canon), or objects the call made. A ``HeldKey`` keeps the
numbers of the first kind: a reuse, whose state has the same form, has the object of the same
number in each place, and the key it would make is the recorded one with those objects' ids.
That key equals a key of the stack exactly when both, written with the walk's numbers in place
of ids (``form``, ``stack_forms``; an object the walk did not meet is written apart), are equal.
A key naming an object the call made stays as it was: it blocks a reuse under its function, as
before.
"""

from __future__ import annotations

from typing import Optional

#: Tags of values.signature's parts that name no object and hold no other part.
_PLAIN = frozenset({"K", "U", "A", "S", "deep"})


class _Unknown(Exception):
    """A part whose shape the walk does not know: the key is kept as it was."""


class HeldKey:
    """A recursion key whose ids are of the objects numbered ``numbers`` in its call's walk."""

    __slots__ = ("key", "ids", "numbers", "_form")

    def __init__(self, key: tuple, ids: tuple, numbers: tuple) -> None:
        self.key = key  # as recorded: its ids are only placeholders now
        self.ids = ids  # the ids it names, each once
        self.numbers = numbers  # the number each has in the walk of the recording call's state
        self._form: Optional[tuple] = None

    def form(self) -> tuple:
        """The key with the walk's numbers in place of ids (made once: a recorded call is reused
        under frames of its function at every level of a recursion)."""
        if self._form is None:
            numbered = {old: ("#", n) for old, n in zip(self.ids, self.numbers)}
            self._form = _key(self.key, numbered.__getitem__)
        return self._form

    def moved(self, node_id: int) -> "HeldKey":
        """The same key for the function's node in another program (lasting.py)."""
        return HeldKey((node_id,) + self.key[1:], self.ids, self.numbers)


class Replayed:
    """The recursion keys a reused call stands for, in the state it was reused in (its walk's
    objects): the path's record of keys (``Interpreter.active_keys_seen``) takes them as one
    item, written out only by a call recorded around the reuse (``renumbered``)."""

    __slots__ = ("keys", "by_object")

    def __init__(self, keys: list, by_object: list) -> None:
        self.keys = keys
        self.by_object = by_object


def held(key: tuple, objects: dict, ids_of: dict) -> Optional[HeldKey]:
    """``key`` written with the numbers ``objects`` (id -> number: a call's canonical walk) gives
    the objects it names; None when one is not there, it names none or has a part of unknown
    shape. ``ids_of``: id(key) -> (key, its ids or None), kept by the caller across keys (one key
    is in the records of every call around it)."""
    found = ids_of.get(id(key))
    if found is None:
        named: list = []
        try:
            _key(key, lambda i: named.append(i) or i)
        except _Unknown:
            named = None
        found = ids_of[id(key)] = (key, None if named is None else tuple(dict.fromkeys(named)))
    ids = found[1]
    if not ids:
        return None
    numbers = tuple([objects.get(i) for i in ids])
    if None in numbers:
        return None
    return HeldKey(key, ids, numbers)


def renumbered(key: HeldKey, by_object: list, objects: dict):
    """A key held in the state whose walk numbered ``by_object``, in the walk ``objects`` of a
    call recorded around it: held again, or, when an object is not in that walk, the key as
    recorded, whose ids name no object here: it names some (it was held), so it blocks a reuse
    under its function, as the key written with this state's ids would."""
    numbers = tuple([objects.get(id(by_object[n])) for n in key.numbers])
    if None in numbers:
        return key.key
    return HeldKey(key.key, key.ids, numbers)


def stack_forms(keys: list, objects: dict) -> Optional[set]:
    """The keys of the calls on the stack written as ``HeldKey.form`` writes a key in the walk
    ``objects`` (an object not in it named apart, equal to no number); None when one has a part
    of unknown shape."""
    def numbered(i):
        n = objects.get(i)
        return ("?", i) if n is None else ("#", n)
    try:
        return {_key(k, numbered) for k in keys}
    except _Unknown:
        return None


def _key(key: tuple, rename) -> tuple:
    """``key`` (Interpreter.call_key: node, arguments, keywords, module globals, then the closure
    and the FLOPs spent where it has them) with each id it names passed through ``rename``."""
    if len(key) == 1:
        return key
    rest = tuple(_pairs(part, rename) if part.__class__ is tuple else part for part in key[4:])
    return (key[0], tuple([_part(p, rename) for p in key[1]]), _pairs(key[2], rename), _pairs(key[3], rename)) + rest


def _pairs(pairs: tuple, rename) -> tuple:
    return tuple([(name, _part(p, rename)) for name, p in pairs])


def _part(part: tuple, rename) -> tuple:
    """One values.signature, its ids renamed."""
    tag = part[0]
    if tag in _PLAIN:
        return part
    if tag == "L":
        return ("L", tuple([_part(p, rename) for p in part[1]]))
    if tag == "D":
        return ("D", _pairs(part[1], rename))
    if tag == "I":
        return ("I", rename(part[1]), _pairs(part[2], rename))
    if tag == "O":
        return ("O", part[1], rename(part[2])) + part[3:]
    if tag == "M":
        return ("M", part[1], part[2], rename(part[3]))
    raise _Unknown(tag)
