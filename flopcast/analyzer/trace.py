"""An optional recorder the interpreter reports to: which loop run each charge was made in.

The cost advice of `flopcast check` needs more than the charges: to hoist work out of a
loop it must know how many times the loop was entered and in which entry and iteration
each charge was made. The interpreter calls two hooks when a Trace is given (and does
nothing extra otherwise); ``api.analyze(trace=True)`` turns what they saw into
``Charge.loops`` and ``Report.loop_entries``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from flopcast.model import LoopVisit, Span


@dataclass
class Trace:
    #: Loop statement span -> how many times the loop was entered on this path.
    entries: Counter = field(default_factory=Counter)
    #: Charge index (in RunResult.charges) -> the loops it was made in, outermost first.
    visits: dict[int, tuple[LoopVisit, ...]] = field(default_factory=dict)
    # id(LoopContext) of an active loop -> (its statement's span, its entry number)
    _active: dict[int, tuple[Span, int]] = field(default_factory=dict)
    #: Array memory, when asked for (analyzer.memory.MemoryTracker): every value computed.
    memory: Optional[object] = None
    # Every loop entry: (loop span, number of charges made before it).
    _entered_at: list[tuple[Span, int]] = field(default_factory=list)

    def loop_entered(self, ctx, span: Span, charges_so_far: int) -> None:
        self._active[id(ctx)] = (span, self.entries[span])
        self.entries[span] += 1
        self._entered_at.append((span, charges_so_far))

    def repeated(self, start: int, end: int, times: int, ctx) -> None:
        """The charges ``start:end`` (one iteration of the loop ``ctx``) were appended ``times``
        more times without running them (a steady loop): give the copies the iterations they
        stand for, and count the entries of the loops nested in that iteration again."""
        span, _ = self._active[id(ctx)]
        nested = Counter(s for s, at in self._entered_at if start <= at <= end and s != span)
        for s, n in nested.items():
            self.entries[s] += n * times
        width = end - start
        for k in range(1, times + 1):
            for i in range(start, end):
                visits = self.visits.get(i)
                if not visits:
                    continue
                out, inside = [], False
                for v in visits:
                    if inside:
                        v = LoopVisit(v.loop, v.entry + k * nested[v.loop], v.index)
                    elif v.loop == span:
                        v, inside = LoopVisit(v.loop, v.entry, v.index + k), True
                    out.append(v)
                self.visits[end + (k - 1) * width + (i - start)] = tuple(out)

    def charged(self, index: int, loops: list) -> None:
        if loops:
            self.visits[index] = tuple(LoopVisit(*self._active[id(ctx)], ctx.index) for ctx in loops)
