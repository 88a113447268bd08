"""A path's charges, with how often each distinct charge object occurs kept as they are made.

A reused call (repeats.CallMemo) or a steady loop's skipped iterations append the same
Charge objects again: a Strassen recursion at 4096×64 leaves two million charges that are
a few hundred objects. The roll-ups, the path's total and the budget check need only each
distinct object and its count (rollup.counted); walking the list for them cost seconds.
The list keeps that tally as it grows: an appended charge adds one, and a reused call or a
skipped iteration adds its part's tally (counted once, in C, however often it is reused).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from itertools import compress
from operator import attrgetter
from typing import Iterable, Optional

from flopcast.model import Charge


class ChargeList(list):
    """A list of charges that knows each distinct object's count, in order of first occurrence.

    ``append`` and ``extend`` keep the tally; any other change to the list leaves it stale
    (``counted`` then answers None): the length no longer matches (charges are only
    appended), or ``_stale`` said so."""

    __slots__ = ("_counts", "_objects", "_length", "_parts_at", "_parts")

    def __init__(self, charges: Iterable[Charge] = ()) -> None:
        super().__init__(charges)
        self._counts: dict = {}  # id of a charge -> how often it occurs, in order of first occurrence
        self._objects: dict = {}  # id of a charge -> the charge (held, so its id stays its own)
        self._length = 0
        # The parts appended with their tally (extend_counted), in order: where each begins,
        # and (where it ends, its tally, how many times over), so that the tally of the charges
        # a call made (tally_between) adds the tallies of the calls it reused.
        self._parts_at: list = []
        self._parts: list = []
        if len(self):
            whole = tallied(self)
            self._counts, self._objects, self._length = dict(whole.counts), dict(whole.objects), len(self)
            self._parts_at.append(0)
            self._parts.append((len(self), whole, 1, list(self)))

    def __reduce__(self):
        return ChargeList, (list(self),)

    def append(self, charge: Charge) -> None:
        super().append(charge)
        key = id(charge)
        counts = self._counts
        if key in counts:
            counts[key] += 1
        else:
            counts[key] = 1
            self._objects[key] = charge
        self._length += 1

    def extend(self, charges: Iterable[Charge]) -> None:
        charges = charges if isinstance(charges, list) else list(charges)
        self.extend_counted(charges, tallied(charges))

    def extend_counted(self, charges: list, counts: "Tally", times: int = 1) -> None:
        """Append ``charges`` ``times`` times over; ``counts`` is their tally (``tallied``)."""
        if times != 1:
            super().extend(charges * times)
        else:
            super().extend(charges)
        mine, objects = self._counts, self._objects
        for key, n in counts.counts.items():
            if key in mine:
                mine[key] += n * times
            else:
                mine[key] = n * times
                objects[key] = counts.objects[key]
        self._parts_at.append(self._length)
        self._length += len(charges) * times
        self._parts.append((self._length, counts, times, charges))

    def part_at(self, start: int, end: int) -> Optional[tuple[list, "Tally"]]:
        """The charges ``start:end`` and their tally when they are one part appended once with
        its tally (a reused call's): the list appended, the same objects in the same order."""
        if self._length != len(self):
            return None
        k = bisect_right(self._parts_at, start) - 1
        if k < 0 or self._parts_at[k] != start:
            return None
        part_end, counts, times, charges = self._parts[k]
        return (charges, counts) if part_end == end and times == 1 else None

    def tally_between(self, start: int, end: int) -> "Tally":
        """The tally of the charges ``start:end``: the tallies of the parts appended with one
        are added, a part the range covers only in part is counted in C, and the charges
        appended one by one are counted one by one."""
        if self._length != len(self):
            return tallied(self[start:end])
        counts: dict = {}
        objects: dict = {}

        def add(key: int, n: int, charge: Charge) -> None:
            if key in counts:
                counts[key] += n
            else:
                counts[key] = n
                objects[key] = charge

        def one_by_one(a: int, b: int) -> None:
            for c in self[a:b]:
                add(id(c), 1, c)

        starts, parts = self._parts_at, self._parts
        k = max(bisect_right(starts, start) - 1, 0)
        at = start
        while at < end:
            while k < len(starts) and parts[k][0] <= at:
                k += 1  # parts that end before ``at`` (or are empty)
            if k == len(starts) or starts[k] >= end:
                one_by_one(at, end)
                break
            if starts[k] > at:
                one_by_one(at, starts[k])
                at = starts[k]
            part_end, part, times, _ = parts[k]
            upto = min(part_end, end)
            if at == starts[k] and upto == part_end:
                for key, n in part.counts.items():
                    add(key, n * times, part.objects[key])
            else:
                for key, n in Counter(map(id, self[at:upto])).items():
                    add(key, n, part.objects[key])
            at = upto
            k += 1
        return Tally(counts, objects)

    def segments(self) -> Optional[list[tuple[int, int, Optional[list], int, Optional["Tally"]]]]:
        """The list as it was made, in order: ``(start, end, part, times, tally)`` for a part
        appended with its tally (``self[start:end]`` is ``part * times``), and ``(start, end, None,
        1, None)`` for charges appended one by one. None when the list was changed other than by
        appending. A walk of millions of charges that a few parts repeat is then one walk of each
        distinct part (``mapped``)."""
        if self._length != len(self):
            return None
        out: list = []
        at = 0
        for start, (end, counts, times, part) in zip(self._parts_at, self._parts):
            if start > at:
                out.append((at, start, None, 1, None))
            if end > start:
                out.append((start, end, part, times, counts))
            at = end
        if at < len(self):
            out.append((at, len(self), None, 1, None))
        return out

    def tally(self) -> Optional[tuple[dict, dict]]:
        """The counts and the charges by id, in order of first occurrence (None when the list was
        changed other than by appending): the list's own dicts, to be read only."""
        if self._length != len(self):
            return None
        return self._counts, self._objects

    def counted(self) -> Optional[list[tuple[Charge, int]]]:
        """Each distinct charge object and its count, in order of first occurrence (None when
        the list was changed other than by appending)."""
        if self._length != len(self):
            return None
        objects = self._objects
        return [(objects[key], n) for key, n in self._counts.items()]

    def repeats(self) -> bool:
        """Whether the tally is much shorter than the list (reused calls, skipped iterations):
        then reading it beats walking the list in C."""
        return self._length == len(self) and 4 * len(self._counts) < len(self)

    def total(self) -> int:
        if not self.repeats():
            return sum(map(_FLOPS, self))
        objects = self._objects
        return sum(objects[key].flops * n for key, n in self._counts.items())

    # Changes that keep the length would not be noticed by it: they leave the tally stale.
    def _stale(self, *args, **kwargs):
        self._length = -1

    def __setitem__(self, index, value) -> None:
        super().__setitem__(index, value)
        self._stale()

    def __delitem__(self, index) -> None:
        super().__delitem__(index)
        self._stale()

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __imul__(self, n):
        super().__imul__(n)
        self._stale()
        return self

    def insert(self, index, value) -> None:
        super().insert(index, value)
        self._stale()

    def pop(self, *args):
        value = super().pop(*args)
        self._stale()
        return value

    def remove(self, value) -> None:
        super().remove(value)
        self._stale()

    def clear(self) -> None:
        super().clear()
        self._stale()

    def sort(self, *args, **kwargs) -> None:
        super().sort(*args, **kwargs)
        self._stale()

    def reverse(self) -> None:
        super().reverse()
        self._stale()


_FLOPS = attrgetter("flops")


class Tally:
    """The tally of a list of charges: id -> count in order of first occurrence, id -> object."""

    __slots__ = ("counts", "objects", "_positions")

    def __init__(self, counts: dict, objects: dict) -> None:
        self.counts = counts
        self.objects = objects
        self._positions: Optional[tuple] = None

    def positions(self, charges: list) -> list[int]:
        """For each charge of ``charges`` (the list this is the tally of), the place of its
        object in ``objects``: a list mapped through them is ``itemgetter(*positions)``, in C,
        and the places are small ints (no int made per charge, as ``id`` makes). Kept for the
        last list asked about (a reused call's, the same list at every reuse)."""
        known = self._positions
        if known is None or known[0] is not charges:
            place = {key: j for j, key in enumerate(self.objects)}
            known = self._positions = (charges, list(map(place.__getitem__, map(id, charges))))
        return known[1]


def tallied(charges: list) -> Tally:
    """The tally of ``charges``, counted in C loops."""
    return Tally(dict(Counter(map(id, charges))), dict(zip(map(id, charges), charges)))


def mapped(charges: list, swap: dict) -> list:
    """``[swap[id(c)] for c in charges]``, made part by part when ``charges`` is a ChargeList
    (each distinct part mapped once, then repeated in C)."""
    segments = charges.segments() if isinstance(charges, ChargeList) else None
    if segments is None:
        return list(map(swap.__getitem__, map(id, charges)))
    out: list = []
    done: dict = {}  # id of a part -> (the part, it mapped)
    for start, end, part, times, _ in segments:
        if part is None:
            out.extend(map(swap.__getitem__, map(id, charges[start:end])))
            continue
        made = done.get(id(part))
        if made is None:
            made = done[id(part)] = (part, list(map(swap.__getitem__, map(id, part))))
        out.extend(made[1] * times if times != 1 else made[1])
    return out


def picked(charges: list, keys: set) -> list:
    """The charges of ``charges`` whose ids are in ``keys``, in order; a part appended with its
    tally that holds none of them is not walked."""
    segments = charges.segments() if isinstance(charges, ChargeList) else None
    if segments is None:
        return list(compress(charges, map(keys.__contains__, map(id, charges))))
    out: list = []
    for start, end, part, times, counts in segments:
        if counts is not None and keys.isdisjoint(counts.counts):
            continue
        run = charges[start:end]
        out.extend(compress(run, map(keys.__contains__, map(id, run))))
    return out
