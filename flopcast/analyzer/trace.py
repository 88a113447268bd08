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

from flopcast.model import LoopVisit, Span


@dataclass
class Trace:
    #: Loop statement span -> how many times the loop was entered on this path.
    entries: Counter = field(default_factory=Counter)
    #: Charge index (in RunResult.charges) -> the loops it was made in, outermost first.
    visits: dict[int, tuple[LoopVisit, ...]] = field(default_factory=dict)
    # id(LoopContext) of an active loop -> (its statement's span, its entry number)
    _active: dict[int, tuple[Span, int]] = field(default_factory=dict)

    def loop_entered(self, ctx, span: Span) -> None:
        self._active[id(ctx)] = (span, self.entries[span])
        self.entries[span] += 1

    def charged(self, index: int, loops: list) -> None:
        if loops:
            self.visits[index] = tuple(LoopVisit(*self._active[id(ctx)], ctx.index) for ctx in loops)
