"""An optional recorder the interpreter reports to: which loop run each charge was made in.

The cost advice of `flopcast check` needs more than the charges: to hoist work out of a
loop it must know how many times the loop was entered and in which entry and iteration
each charge was made. The interpreter calls two hooks when a Trace is given (and does
nothing extra otherwise); ``api.analyze(trace=True)`` turns what they saw into
``Report.loops`` (ChargeLoops) and ``Report.loop_entries``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional

from flopcast.model import LoopVisit, Span


@dataclass
class Trace:
    #: Loop statement span -> how many times the loop was entered on this path.
    entries: Counter = field(default_factory=Counter)
    #: Charge index (in RunResult.charges) -> the loops it was made in, outermost first
    #: (loops_between: a reused call's charges made in no loop of its own are in _reused).
    visits: dict[int, tuple[LoopVisit, ...]] = field(default_factory=dict)
    # The charges a reused call appended, one run per reuse, in the order they were appended:
    # their first indices, and (end, the loops active at the reuse). A run's charges are
    # millions in a reused recursion, and share one tuple of loops.
    _reused_at: list[int] = field(default_factory=list)
    _reused: list[tuple[int, tuple]] = field(default_factory=list)
    # id(LoopContext) of an active loop -> (its statement's span, its entry number)
    _active: dict[int, tuple[Span, int]] = field(default_factory=dict)
    #: Array memory, when asked for (analyzer.memory.MemoryTracker): every value computed.
    memory: Optional[object] = None
    # Every loop entry: (loop span, number of charges made before it).
    _entered_at: list[tuple[Span, int]] = field(default_factory=list)
    # The copies of a steady loop's iteration (``repeated``), in the order appended: their first
    # indices, and (end, the iteration's width, its charges' loops, the loop's span, the entries
    # of the loops nested in it). Their loops are made when asked for (loops_between): only a
    # single-path report and the call memo read them, and the copies can be millions.
    _copies_at: list[int] = field(default_factory=list)
    _copies: list[tuple] = field(default_factory=list)
    # id of an entry of _copies -> (the entry, its iteration's runs of one tuple of loops, (copy,
    # id of an iteration's tuple) -> the copy's tuple, _copied's plans), once ``runs`` made them
    # (a recorded call's loops and the report's are read from the same copies).
    _copy_loops: dict = field(default_factory=dict)

    def loop_entered(self, ctx, span: Span, charges_so_far: int) -> None:
        self._active[id(ctx)] = (span, self.entries[span])
        self.entries[span] += 1
        self._entered_at.append((span, charges_so_far))

    def entered(self) -> int:
        """How many loop entries so far (a steady loop's probe notes it)."""
        return len(self._entered_at)

    def repeated(self, start: int, end: int, times: int, ctx, entered: tuple, period: int = 1) -> None:
        """The charges ``start:end`` (one iteration of the loop ``ctx``, or ``period`` of them)
        were appended ``times`` more times without running them (a steady loop): give the copies
        the iterations they stand for, and count the entries of the loops nested in that
        iteration again (those ``entered`` between its two ``entered()`` counts: an iteration
        that charges nothing enters its loops with the same count of charges as the loops
        around it). ``ctx`` is an int for a comprehension's iterations (repeats.SteadyLoop with a
        made list): how many loops are around it; the loops its element enters are nested in
        it, those around it are the same for every copy."""
        span = ctx if ctx.__class__ is int else self._active[id(ctx)][0]
        nested = Counter(s for s, _ in self._entered_at[entered[0]:entered[1]] if s != span)
        for s, n in nested.items():
            self.entries[s] += n * times
        width = end - start
        if width and times > 0:
            self._copies_at.append(end)
            self._copies.append((end + times * width, width, self.loops_between(start, end), span, nested, period))

    def charged(self, index: int, loops: list) -> None:
        if loops:
            self.visits[index] = tuple(LoopVisit(*self._active[id(ctx)], ctx.index) for ctx in loops)

    def call_started(self, loops: list) -> tuple:
        """A call the call memo records begins inside ``loops``: where its loop entries will
        start, and how many loops are active (they are at the call's end as they were)."""
        return len(self._entered_at), len(loops)

    def call_loops(self, started: tuple, charges_at: int, charges_end: int, loops: list) -> Optional[tuple]:
        """The loops a recorded call's charges ``charges_at:charges_end`` were made in inside
        the call, numbered from its own entries of them, and the loops it entered with the
        charges made before each (None: a charge was not made inside the loops the call began in)."""
        entered_at, depth = started
        entered = self._entered_at[entered_at:]
        if not entered:
            return (), ()  # every charge it made was made in the loops it began in, and no other
        outer = self._visits_of(loops[:depth])
        within = Counter(s for s, _ in entered)
        first = {s: self.entries[s] - n for s, n in within.items()}
        inner: list = []
        for a, b, v in self.runs(charges_at, charges_end):  # a run's charges share their loops
            if len(v) > depth:
                if v[:depth] != outer or any(x.loop not in first for x in v[depth:]):
                    return None
                made = tuple((x.loop, x.entry - first[x.loop], x.index) for x in v[depth:])
                inner.extend((i - charges_at, made) for i in range(a, b))
        return tuple(inner), tuple((s, at - charges_at) for s, at in entered)

    def call_replayed(self, record: tuple, charges_at: int, count: int, loops: list) -> None:
        """A call recorded with ``record`` (call_loops) was replayed inside ``loops``, its
        ``count`` charges appended from ``charges_at``: the loop runs they stand for."""
        inner, entered = record
        if not count and not entered:
            return
        outer = self._visits_of(loops)
        first = {s: self.entries[s] for s, _ in entered}
        for s, at in entered:
            self.entries[s] += 1
            self._entered_at.append((s, charges_at + at))
        if outer and count:
            self._reused_at.append(charges_at)
            self._reused.append((charges_at + count, outer))
        for at, visits in inner:
            self.visits[charges_at + at] = outer + tuple(LoopVisit(s, first[s] + e, i) for s, e, i in visits)

    def _visits_of(self, loops: list) -> tuple:
        return tuple(LoopVisit(*self._active[id(ctx)], ctx.index) for ctx in loops)

    def runs(self, start: int, end: int) -> list:
        """The charges ``start:end`` as runs ``(first, stop, loops)``: every charge of a run was
        made in the same tuple of loops (the very object ``loops_between`` gives it), and the next
        run's is another object. Made from the reused calls' runs, the steady loops' copies and
        the charges traced one by one, without a list of every charge's loops: a reused
        recursion's charges are millions in a few hundred runs."""
        base: list = []  # (first, stop, loops) covering start:end, from the reused calls' runs
        at = start
        k = max(bisect_right(self._reused_at, start) - 1, 0)  # runs are appended in order and do not overlap
        for a, (b, outer) in zip(self._reused_at[k:], self._reused[k:]):
            if a >= end:
                break
            a, b = max(a, at), min(b, end)
            if a >= b:
                continue
            if a > at:
                base.append((at, a, ()))
            base.append((a, b, outer))
            at = b
        if at < end:
            base.append((at, end, ()))
        # The copies' charges and those traced one by one, as runs of their own tuple of loops:
        # a copy's charges that share their iteration charge's tuple share one tuple (the copies
        # of an iteration that reuses a recursion are millions of charges in a few runs each).
        own: list = []
        k = max(bisect_right(self._copies_at, start) - 1, 0)
        for a, entry in zip(self._copies_at[k:], self._copies[k:]):
            if a >= end:
                break
            b, width, iteration, span, nested, period = entry
            made = self._copy_loops.get(id(entry))
            if made is None:
                made = self._copy_loops[id(entry)] = (entry, _alike(iteration), {}, {})
            _, alike, loops_of, plans = made
            lo, hi = max(a, start), min(b, end)
            first = (lo - a) // width
            for copy in range(first, (hi - 1 - a) // width + 1 if hi > lo else first):
                at = a + copy * width
                for s, e, visits in alike:
                    s, e = max(at + s, lo), min(at + e, hi)
                    if s >= e or not visits:
                        continue
                    loops = loops_of.get((copy, id(visits)))
                    if loops is None:
                        loops = loops_of[(copy, id(visits))] = _copied(visits, copy + 1, span, nested, plans, period)
                    own.append((s, e, loops))
        visits = self.visits
        if len(visits) < end - start:
            points = sorted(i for i in visits if start <= i < end)
        else:
            points = [i for i in range(start, end) if i in visits]
        if points:
            own = sorted(own + [(i, i + 1, visits[i]) for i in points], key=_first)
        if not own:
            return base  # its runs' tuples are other objects one after another (each reuse makes its own)
        runs: list = []
        append = runs.append
        k, count = 0, len(own)
        for a, b, loops in base:
            while k < count and own[k][0] < b:
                s, e, mine = own[k]
                if s > a:
                    append((a, s, loops))
                append((s, e, mine))
                a = e
                k += 1
            if a < b:
                append((a, b, loops))
        return runs

    def loops_between(self, start: int, end: int) -> list:
        """The loops each charge ``start:end`` was made in, outermost first."""
        loops: list = [()] * (end - start)
        starts = self._reused_at
        k = bisect_right(starts, start) - 1  # runs are appended in order and do not overlap
        for a, (b, outer) in zip(starts[max(k, 0):], self._reused[max(k, 0):]):
            if a >= end:
                break
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                loops[lo - start:hi - start] = [outer] * (hi - lo)
        k = bisect_right(self._copies_at, start) - 1
        for a, (b, width, iteration, span, nested, period) in zip(self._copies_at[max(k, 0):], self._copies[max(k, 0):]):
            if a >= end:
                break
            plans: dict = {}
            for i in range(max(a, start), min(b, end)):
                copy, at = divmod(i - a, width)
                visits = iteration[at]
                if visits:
                    loops[i - start] = _copied(visits, copy + 1, span, nested, plans, period)
        return list(map(self.visits.get, range(start, end), loops))


def _first(run: tuple) -> int:
    return run[0]


def _alike(iteration: list) -> list:
    """An iteration's charges' loops as runs ``(first, stop, loops)`` of the same tuple object."""
    out: list = []
    for i, visits in enumerate(iteration):
        if out and out[-1][2] is visits:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1, visits])
    return out


def _copied(visits: tuple, k: int, span: Span, nested: Counter, plans: Optional[dict] = None,
            period: int = 1) -> tuple:
    """The loops of a charge of the k-th copy of a steady loop's iteration (``span``'s; ``period``
    iterations), from those of the iteration's charge: the loop's index k periods later, the
    entries of the loops nested in it k periods' entries later. ``plans`` keeps, per tuple of the iteration, what moves
    how (the copies of one iteration are thousands: each compares and looks up spans once)."""
    plan = plans.get(id(visits)) if plans is not None else None
    if plan is None:
        plan, inside = [], False
        for depth, v in enumerate(visits):
            if span.__class__ is int and depth >= span:  # a comprehension's: past the loops around it
                inside = True
            if inside:
                plan.append((v, 0, nested[v.loop]))
            elif v.loop == span:
                plan.append((v, 1, 0))
                inside = True
            else:
                plan.append((v, None, 0))
        if plans is not None:
            plans[id(visits)] = (visits, plan)  # the tuple is held, so its id stays its own
    else:
        plan = plan[1]
    shift = k * period
    return tuple(v if moves is None else _visit(v.loop, v.entry, v.index + shift) if moves else
                 _visit(v.loop, v.entry + k * step, v.index) for v, moves, step in plan)


def _visit(loop: Span, entry: int, index: int) -> LoopVisit:
    """LoopVisit(loop, entry, index), made directly (a frozen dataclass's __init__ sets each
    field through object.__setattr__; a steady loop's copies make hundreds of thousands)."""
    v = object.__new__(LoopVisit)
    v.__dict__.update(loop=loop, entry=entry, index=index)
    return v


class ChargeLoops:
    """The loops each charge of a single-path report was made in (``Report.loops``), worked out
    only for the charges asked about. A steady loop's copies and a reused call's charges can be
    hundreds of thousands, each in loops of its own (a comprehension over 4,096 units, 64 times);
    the rules ask about the few made at one expression.

    ``at`` gives what ``Trace.loops_between`` gives for those charges, each loop's span passed
    through ``span_maps`` in order (check.engine.localize renames paths, the editor moves lines).
    Picklable when the maps are (a `flopcast check` worker sends its report to the parent)."""

    def __init__(self, trace: Trace, count: int, span_maps: tuple = ()) -> None:
        self.count = count  # how many charges the report has
        self._visits = trace.visits
        self._reused_at, self._reused = trace._reused_at, trace._reused
        self._copies_at, self._copies = trace._copies_at, trace._copies
        self._span_maps = span_maps
        self._caches()

    def _caches(self) -> None:
        # (entry of _copies, copy, id of the iteration's tuple) -> the copy's tuple, and each
        # entry's _copied plans: equal loops share one tuple, as Trace.runs gives them.
        self._made: dict = {}
        self._plans: dict = {}
        # id of a tuple -> (the tuple, its copy through the maps); equal visits share one copy.
        self._mapped: dict = {}
        self._mapped_visits: dict = {}
        self._mapped_spans: dict = {}

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("_made", "_plans", "_mapped", "_mapped_visits", "_mapped_spans")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._caches()

    def __eq__(self, other: object) -> bool:
        """Equal loops for every charge (two reports compared: one carried over an edit, one made afresh)."""
        if not isinstance(other, ChargeLoops):
            return NotImplemented
        return self.count == other.count and self.at(range(self.count)) == other.at(range(other.count))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ChargeLoops({self.count} charges)"

    def mapped(self, span_map: Callable[[Span], Span]) -> "ChargeLoops":
        """The same loops, each loop's span passed through ``span_map`` after the maps before."""
        copy = object.__new__(ChargeLoops)
        copy.__dict__.update(self.__getstate__())
        copy._span_maps = self._span_maps + (span_map,)
        copy._caches()
        return copy

    def at(self, positions: Iterable[int]) -> list[tuple[LoopVisit, ...]]:
        """The loops of the charges at ``positions`` (indices into the report's charges), outermost first."""
        return [self._mapped_tuple(self._loops(i)) for i in positions]

    def _loops(self, i: int) -> tuple:
        own = self._visits.get(i)
        if own is not None:
            return own
        k = bisect_right(self._copies_at, i) - 1
        if k >= 0:
            a = self._copies_at[k]
            b, width, iteration, span, nested, period = self._copies[k]
            if i < b:
                copy, at = divmod(i - a, width)
                visits = iteration[at]
                if visits:
                    key = (k, copy, id(visits))
                    made = self._made.get(key)
                    if made is None:
                        made = self._made[key] = _copied(visits, copy + 1, span, nested,
                                                         self._plans.setdefault(k, {}), period)
                    return made
        k = bisect_right(self._reused_at, i) - 1
        if k >= 0:
            end, outer = self._reused[k]
            if i < end:
                return outer
        return ()

    def _mapped_tuple(self, loops: tuple) -> tuple:
        if not loops or not self._span_maps:
            return loops
        held = self._mapped.get(id(loops))
        if held is None:
            held = self._mapped[id(loops)] = (loops, tuple(map(self._mapped_visit, loops)))
        return held[1]

    def _mapped_visit(self, v: LoopVisit) -> LoopVisit:
        loop = self._mapped_spans.get(v.loop)
        if loop is None:
            loop = v.loop
            for span_map in self._span_maps:
                loop = span_map(loop)
            self._mapped_spans[v.loop] = loop
        key = (id(loop), v.entry, v.index)
        found = self._mapped_visits.get(key)
        if found is None:
            found = self._mapped_visits[key] = _visit(loop, v.entry, v.index)
        return found


class RenamedPaths:
    """A span map for ChargeLoops.mapped: the span with its path renamed, when ``paths`` names it."""

    def __init__(self, paths: dict[str, str]) -> None:
        self.paths = paths

    def __call__(self, span: Span) -> Span:
        path = self.paths.get(span.path)
        return span if path is None else replace(span, path=path)
