"""One ranking of the same numbers read from data: ``min(errs, key=errs.get)`` is
``sorted(errs, key=errs.get)[0]``.

A blend that picks the best candidate and ranks them all compares the same keys twice. Each
comparison was a site of its own (4 outcomes for ``min``, 24 orders for ``sorted``: 96 paths,
past the cap), though no run gives a minimum that is not its order's first. The keys are the same
Python objects at both calls (a dict's values, read back by ``errs.get``), each one value of the
run, so once a path has chosen one, the other follows: a sort whose keys a ``min`` compared
before keeps only the orders that put its pick first, and a ``min`` after a sort takes the
order's first.

Only the same keys in the same order are tied (a key recomputed, a dict entry rewritten, another
order of iteration: a site of its own, as before). Python breaks ties by the order of the input:
``min`` keeps the first least key and ``sorted`` is stable, so ``min`` agrees with an ascending
sort's first and ``max`` with a descending one's (``reverse=True`` keeps equal keys in their
input order); those are the pairs tied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class _Ranking:
    """What this path chose of the order of one sequence of keys, by direction ("min": ascending,
    "max": descending)."""

    keys: tuple  # held so that their ids, which name the record, are not reused while it lives
    first: dict = field(default_factory=dict)  # direction -> index of the item ranked first
    order: dict = field(default_factory=dict)  # direction -> the whole order (indices)


def _recorded(interp, keys: list) -> Optional[_Ranking]:
    return interp.key_orders.get(tuple(id(k) for k in keys))


def _ranking(interp, keys: list) -> _Ranking:
    found = _recorded(interp, keys)
    if found is None:
        found = interp.key_orders[tuple(id(k) for k in keys)] = _Ranking(tuple(keys))
    return found


def _direction(name: str, reverse: bool = False) -> str:
    return "max" if (name == "max") != reverse else "min"


def picked(interp, name: str, keys: list) -> Optional[int]:
    """The index ``min``/``max`` (``name``) picks among ``keys`` where this path already ranked
    them; None where it did not."""
    ranking = _recorded(interp, keys)
    if ranking is None:
        return None
    direction = _direction(name)
    order = ranking.order.get(direction)
    return order[0] if order is not None else ranking.first.get(direction)


def note_pick(interp, name: str, keys: list, index: int) -> None:
    """``min``/``max`` (``name``) picked ``keys[index]`` on this path."""
    interp.effects += 1  # (a call that made it is not reused by another run, which would not note it)
    _ranking(interp, keys).first[_direction(name)] = index


def orders(interp, keys: list, reverse: bool, candidates: list) -> tuple[list, Optional[tuple]]:
    """The orders of ``keys`` a sort may give on this path, and what pins them (for the site's
    key; None: nothing): the one order it already gave, or those that rank first the item a
    ``min``/``max`` picked."""
    ranking = _recorded(interp, keys)
    if ranking is None:
        return candidates, None
    direction = _direction("min", reverse)
    order = ranking.order.get(direction)
    if order is not None:
        return [order], ("order",)
    first = ranking.first.get(direction)
    if first is None:
        return candidates, None
    return [o for o in candidates if o[0] == first], ("first", first)


def note_order(interp, keys: list, reverse: bool, order: tuple) -> None:
    """A sort of ``keys`` gave ``order`` on this path."""
    interp.effects += 1
    ranking = _ranking(interp, keys)
    direction = _direction("min", reverse)
    ranking.order[direction] = tuple(order)
    ranking.first[direction] = order[0]
