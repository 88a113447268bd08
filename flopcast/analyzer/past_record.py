"""The states the paths stand for after each call, past the calls they recorded too.

mixed_calls compares the states the paths leave after each call of ``predict``. A path records
them only as far as it followed the calls: one that settled early (carried.REPEATS: its later
calls leave its last state; carried.MOVES: they move only its numbers and logs again) stands for
its later states by its last one, and is compared past its record with a longer path's states, or
each path past its last (mixed_calls.steer_later_calls).
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import carried


def mixed_moves(runs: list) -> bool:
    """Whether a run mixing the paths' answers may move the numbers of the state otherwise than
    every path: paths that settled moving them (carried.MOVES) move them otherwise (other
    recipes, other events), and one's proof holds its comparisons over the values its own moves
    reach only (carried_bounds: `t + 1` stays at 1 and above, `1 - 5 * t` another path makes does not)."""
    moves = [r.calls_moves for r in runs if r.calls_end == carried.MOVES]
    return any(m is None or m[0] for m in moves) and len({m and m[1:] for m in moves}) > 1


def states_at_call(runs: list, k: int, past: bool) -> tuple:
    """The states the paths leave after call ``k + 1`` (None where one cannot be compared), and the
    roots that may hold other numbers or logs there than a state stands for, each with its form in
    the state next to the path's last (``_next_to_last``; None when that is unknown).

    Those are the paths' own states as far as each followed the calls. Past them (``past``: a
    shorter path against a longer one's, or each past its last), a path that settled leaves
    its last state (carried.REPEATS) or that state with the numbers and logs its last call changed
    changed again (carried.MOVES: numbers_steer_nothing proves only those change); a path whose
    later calls are not followed (a lower bound already) is left out."""
    states: list = []
    moved: Optional[dict] = {}
    for r in runs:
        if k < len(r.call_states):
            states.append(r.call_states[k])
            continue
        if not past or not r.calls_end:
            continue
        last = r.call_states[-1]
        states.append(last)
        if r.calls_end != carried.MOVES:
            continue
        other = _next_to_last(r)
        if other is None or last is None:
            moved = None
            continue
        if moved is not None:
            for root in other.roots.keys() & last.roots.keys():
                if other.roots[root] != last.roots[root]:
                    moved.setdefault(root, []).append({root: other.roots[root]})
    return states, moved


def _next_to_last(run):
    """The state next to a MOVES path's last recorded one whose differences from it are the roots
    every later call may move: the state the call proven to repeat its moves left
    (RunResult.calls_after: a memo the call before it filled once is no move); else the state
    before the last recorded call (that call's changes, every number the proof watches among them,
    and what it did once too).

    A root a later call moves that the proven call left as it was is missed here, but never read
    unchecked: a number it left that moves later is no fixed point of its own recipe, so that
    recipe reads a number the call did move; where it sits under another root, that root is among
    these and its read is found (mixed_calls._Steered.not_read), and where under the same root,
    the root moved."""
    last = run.call_states[-1]
    after = run.calls_after
    if after is not None and last is not None and after.roots.keys() == last.roots.keys():
        return after
    return run.call_states[-2] if len(run.call_states) > 1 else run.call_start
