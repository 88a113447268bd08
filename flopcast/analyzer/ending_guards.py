"""A branch whose other answer ends the path's choices, priced from one run that took it.

A safety net at the end of predict (`if not fnp.all(fnp.isfinite(out)): raise FloatingPointError`,
caught by a fallback that consults nothing) doubles every path before it: each path the explorer
runs has a child taking the net's other answer, and the cap of 64 paths is met at half the paths
the rest of the program has (circulant_refine: 118 paths, 56 of them such children).

Each run of the exploration notes, at the first consultation of each `if` test that was the
last site of a run made before (paths.py), the state the rest of the program can see just after the answer (``Tested``: a join's form,
joins.state_after_test), what it had spent there and how many answers it had given. A run that
gave no answer after that one, and met no site after it, *ends* there: what it charged from there
on depends only on that state, since the arm it took and all that follows reads nothing else and
chooses nothing. Another path that answered the same test the other way, in an equal state, has
as its child the path taking the ending run's answer there, which then charges exactly what the
ending run charged from there on: its total is the path's spend at the test plus that, no run
made. Where anything is not known alike (a state not comparable, an unpriced op, a later call, a
generator's charges that may be taken back, a total past the budget), the child is run as before.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer import joins


@dataclass(frozen=True)
class Tested:
    """A run's first consultation of a branch site: the answer, the state just after it
    (joins.state_after_test), the FLOPs spent by then that the run keeps (Generators.taken_back_now)
    and the answers given by then (this one's too)."""

    answer: object
    state: tuple
    used: int
    answers: int
    budget: int


def note(interp, node: ast.If, asked: int) -> None:
    """After the test of ``node`` gave the path's answers from ``asked`` on: where it gave one, at
    a site of ``note_sites`` first met now, what the run goes on from (RunResult.tested). Only
    those: each note walks the whole state, and a run ends its choices at its last site."""
    decisions = interp.decisions
    if len(decisions.answers) != asked + 1:
        return
    key, answer = decisions.answers[asked]
    tested = interp.result.tested
    if key not in decisions.note_sites or key in tested or answer.__class__ is not bool:
        return
    tested[key] = None  # (the first consultation only, noted or not)
    # (a generator left short gives back at the run's end what its body charged past the last item
    # taken: no code takes from it again, as none in the state compared holds it)
    taken_back = interp.taken_back_now()
    state = joins.state_after_test(interp, node) if taken_back is not None else None
    if state is not None and _hashable(state):
        tested[key] = Tested(answer, state, interp.used - taken_back, len(decisions.answers), interp.budget)


@dataclass(frozen=True)
class Ending:
    """What an ending run charged after a test, and the budget it ran under."""

    tail: int
    budget: int


def ending(result) -> Optional[tuple]:
    """((site key, answer, state), Ending) when ``result``'s run ended its choices at the last site
    it met (no answer after its first consultation, nothing unpriced, unbounded, bounding, raising
    unpriced, over the budget or left for a later call): every path answering it so from an equal
    state charges what it charged from there on. None otherwise."""
    if not result.sites or not _whole(result) or result.overrun is not None or not result.settled:
        return None
    key = result.sites[-1].key
    tested = result.tested.get(key)
    if tested is None or tested.answers != result.answer_count:
        return None
    return (key, tested.answer, tested.state), Ending(result.total - tested.used, tested.budget)


def priced(parent, key: tuple, answer, endings: dict) -> Optional[int]:
    """The total of the path that answers the site ``key`` with ``answer`` where ``parent``'s run
    (which answered it otherwise, at its first consultation) did, all before alike; None when no
    ending run proves it (``endings``: what ``ending`` found of the runs made)."""
    if not _whole(parent):
        return None
    tested = parent.tested.get(key)
    if tested is None or tested.answer == answer:
        return None
    found = endings.get((key, answer, tested.state))
    if found is None:
        return None
    total = tested.used + found.tail
    return total if total <= found.budget else None


def _whole(result) -> bool:
    """Whether ``result`` priced its one call whole."""
    return not result.unpriced and result.unbounded is None and result.bounding is None \
        and result.first_raising is None and not result.later


def _hashable(state: tuple) -> bool:
    """Whether ``state`` can key the endings found (a form holding a list cannot)."""
    try:
        hash(state)
    except TypeError:
        return False
    return True
