"""A `while` loop that cannot end: its exit tests come out known and its whole state repeats.

The interpreter's own check (Loops.loop_state) signs only the names a loop's exits read, and
trusts two equal signatures in a row only while those exits depend on sites (a path answers each
alike at every execution). An exit test that comes out known may depend on state that signature
does not see (an object a call in the test reads), so such a loop ran to the iteration cap:
100,000 iterations of a planner's `while total > room and any(k.name != "moment" for k in ks):`
that keeps replacing the same kernel, half a minute per path (minutes for calib_mix at 5x4,
budget 2e3), only to say it did not end within 100,000 iterations.

Here the whole state an iteration can read is compared instead, walked as a steady `for` loop's
is (repeats.SteadyLoop.walk: the names the test and the body load, every module's globals unless
only the loop's own code has run, what is reachable from them, up to a renaming of identities),
with the path's records beside it. Two equal states in a row, between which nothing was charged,
no site was answered and no record grew, make every later iteration repeat the last one: the loop
reaches the iteration cap, or the step limit before it. The iterations up to the one before the
cap (or before the one that passes the step limit) are then accounted for at once (their steps
and calls, as a steady loop's skipped iterations are), and the rest run, so the path ends with
the same finding as before, after a few iterations.

Where sites were answered between the two heads and nothing else differs (nothing charged, no
record grown but the answers), the path's choices are fixed per site, so the next iteration
answers them as the last did, from the same state, and so does every later one: on this path the
loop never ends, and the path ends there, as Loops.loop_state's repeat ends a loop whose exits only
sites decide. Running it to the cap took minutes: a planner's `while total > room and any(...)`
whose costs are unknown (a `-property` typo making `cost` a method plus a number), its `max` over
them picking a kernel already replaced, ran 100,000 iterations on each of two paths, a late stop's
signature compared at each of them (tests/test_endless_while.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer import write_only
from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.counters import suspended
from flopcast.analyzer.repeats import (_MISSING_NAME, _names_of, _near_power_of_two, _OWN_CODE_ONLY, _own_code,
                                       _unfinished, _while_as_loop, _yields)
from flopcast.analyzer.values import Known
from flopcast.syntax import INTROSPECTION

_PLAIN = (int, float, str, bool)


@dataclass
class _Head:
    """What the loop's head saw after ``index`` iterations."""

    index: int
    records: tuple  # what a repeated iteration leaves alike: FLOPs, charges, records' sizes, numbers
    answered: tuple  # the answers given, and of them those to steering sites (a skip repeats neither)
    form: Optional[tuple]  # the state's canonical form (None: not walked, or not comparable)
    steps: int
    calls: Optional[dict]  # (kept with the form: a skip reads the calls of two walked heads)


class EndlessWatch:
    """Watches one execution of a `while` loop whose exit tests came out known."""

    @classmethod
    def watch(cls, interp, node: ast.While) -> Optional["EndlessWatch"]:
        """A watcher, or None where the state cannot be compared: a loop that reads its frame
        through introspection, or yields (its consumer decides when it stops)."""
        loop = _while_as_loop(node)
        loaded, targets, _ = _names_of(loop)
        if loaded & INTROSPECTION or _yields(loop):
            return None
        return cls(interp, loop, sorted(loaded - targets))

    def __init__(self, interp, loop: ast.For, names: list) -> None:
        self.interp = interp
        # every name the test and the body load (a list the body only appends to among them: it
        # grows, and the arrays it holds may pass whestbench's memory limit)
        self.names = names
        self.own_code = _own_code(loop)
        self.entered_at = len(interp.entered_log)
        self.unread = write_only.unread(interp.program)
        self.last: Optional[_Head] = None
        # Set where two heads in a row repeat but for the answers of sites between them (answered
        # alike at every execution on this path): the loop never ends on this path.
        self.never_ends = False

    def skip(self, index: int, cap: int, max_steps: int) -> int:
        """Called at the loop's head after ``index`` iterations whose exit tests came out known:
        how many iterations were accounted for without running them (0: none): the next ones to
        run reach ``cap``, or pass ``max_steps`` steps, as every iteration did."""
        if not _watched(index):
            self.last = None
            return 0
        interp = self.interp
        last, head = self.last, self.head(index)
        self.last = head
        if last is None or last.index != index - 1 or last.records != head.records:
            return 0
        if head.form is None or last.form is None or head.form != last.form:
            return 0
        if head.answered != last.answered:
            self.never_ends = True
            return 0
        # Up to the last iteration before the cap, or before the iteration that passes the step
        # limit (each skipped one makes the steps the last one made): those run, and end the path.
        step = head.steps - last.steps
        times = min(cap - 1 - index, (max_steps - interp.steps) // step - 1)
        if times <= 0:
            return 0
        interp.steps += step * times
        calls = interp.result.calls
        for key, count in head.calls.items():
            grown = count - last.calls.get(key, 0)
            if grown:
                calls[key] = calls.get(key, 0) + grown * times
        return times

    def head(self, index: int) -> _Head:
        interp = self.interp
        result, decisions = interp.result, interp.decisions
        records = (interp.used, len(result.charges), len(result.unpriced), len(result.notes), len(result.uncertain),
                   len(decisions.seen), interp.cache_version, len(interp._reentered),
                   _unfinished(interp._ran_generators), self.numbers())
        answered = (len(decisions.answers), decisions.steered)
        last = self.last
        # (walked only where the iteration before this head left the records alike: a loop that
        # charges at every iteration is never walked; nor one that answered sites on a path whose
        # answers may differ from one execution to the next, a plan switching at one of them)
        walk = last is not None and last.index == index - 1 and last.records == records \
            and (last.answered == answered or not decisions.per_execution)
        return _Head(index, records, answered, self.form() if walk else None, interp.steps,
                     dict(result.calls) if walk else None)

    def numbers(self) -> tuple:
        """The plain numbers and texts the loop's own names hold: a bisection's `lo` and `hi`
        change at every iteration, and its state is then not walked (a number that changes
        changes the form too)."""
        local = self.interp.frame.vars
        return tuple([v.__dict__["value"] if v.__class__ is Known and v.__dict__["value"].__class__ in _PLAIN
                      else None for v in map(local.get, self.names)])

    def form(self) -> Optional[tuple]:
        """The state an iteration can read, as repeats.SteadyLoop.walk writes it (None: not comparable)."""
        interp = self.interp
        canon = Canon(interp._nonzero_counts)
        canon.unread = self.unread
        try:
            with suspended(interp.counter_watch):
                parts = [tuple((name, self.lookup(canon, name)) for name in self.names)]
                # No user function entered since the loop began: only its own code ran, and it
                # reaches the globals by the names above (repeats.SteadyLoop.walk).
                if self.own_code and len(interp.entered_log) == self.entered_at and not canon.met_module:
                    parts.append(_OWN_CODE_ONLY)
                else:
                    for path in sorted(interp.module_envs):
                        parts.append((path, canon.names(interp.module_envs[path])))
        except (Incomparable, RecursionError):
            return None
        return tuple(parts)

    def lookup(self, canon: Canon, name: str):
        frame = self.interp.frame
        if name in frame.vars:
            return canon.form(frame.vars[name])
        fn = frame.function
        if fn is not None and fn.closure is not None and name in fn.closure:
            return canon.form(fn.closure[name])
        value = self.interp.module_envs.get(frame.module.key, {}).get(name)
        return _MISSING_NAME if value is None else canon.form(value)


def _watched(index: int) -> bool:
    """Whether the head after ``index`` iterations is looked at: the first few, then three in a
    row around each power of two (a state that settles late is caught by twice its iterations)."""
    return index <= 5 or _near_power_of_two(index) or _near_power_of_two(index - 1)
