"""Not re-running what is bound to repeat: the steady state of a `for` loop.

A `for` loop over known items runs iteration by iteration, because what an iteration
costs can change with the state the previous ones left (a covariance symmetric at first
and dense after one layer). Once the state an iteration starts from is the same as the
one the previous iteration started from — up to a renaming of allocation identities
(``canonical.py``) — and the items still to come are alike and unrelated to that state,
every remaining iteration repeats the last one exactly: same charges, same calls. The
loop then accounts for them without running them, and runs the last one, so that the
state after the loop is what it would have been.

The state compared is what an iteration can read: the names the body loads (in the
loop's frame, its closures or the module), every module's globals, what the objects
reachable from those hold, the FLOPs spent so far when the iteration asked the budget
(from an equal state, an iteration that did not ask makes the same moves whatever was
spent before it: it does not ask either), and the sizes of the path's records (notes, unpriced entries, sites, caches), which must not
grow in the iteration that is repeated.

A loop counter the body only compares (`for i, w in enumerate(ws)` with `if i > 0:` or
`if i + 1 < depth:`) is left out of the state: the comparisons an iteration makes with it
are recorded, and the later iterations are skipped only as far as each of them would get
the same answers from those comparisons (then, from an equal state, it makes the same ones):
the first that would not runs.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import itertools
import operator
import weakref
from dataclasses import dataclass, field
from typing import Any, Optional

from flopcast.analyzer import lasting, spent_ranges, write_only
from flopcast.analyzer.canonical import Canon, Incomparable, without_knowledge
from flopcast.analyzer.chargelist import ChargeList, Tally, tallied
from flopcast.analyzer.counters import CounterWatch, Indexed, LeafCanon, keying, raw_value, rewrite, suspended, undo
from flopcast.analyzer.futile import Futility, futility
from flopcast.analyzer.held_keys import HeldKey, Replayed, held, renumbered, stack_forms
from flopcast.analyzer.loop_syntax import bounds_read_as_width, written_first
from flopcast.analyzer.reach import reached
from flopcast.analyzer.receiver_reads import ReceiverReads, receiver_reads
from flopcast.analyzer.values import (
    Array,
    Builtin,
    DequeVal,
    DictVal,
    DTypeRef,
    FunctionVal,
    InstanceVal,
    Known,
    LibRef,
    ListVal,
    NumpyScalar,
    TupleVal,
    Unknown,
    Value,
    fresh_ident,
)
from flopcast.syntax import INTROSPECTION, ast_children, ast_walk, is_generated

_MISSING_NAME = ("<unbound>",)
#: Values a copy shares with what it copies (``_clone_all``): nothing can change them.
_IMMUTABLE = (Known, Unknown, NumpyScalar)


@dataclass
class _Probe:
    index: int
    form: tuple
    canon: Canon
    charges: int
    used: int
    steps: int
    calls: dict
    inclusive: dict
    lengths: tuple  # of the append-only lists
    reads: int  # the interpreter's budget_reads
    leaves: Optional[list] = None  # the plain Knowns the walk met, and where (counters.LeafCanon)
    item_from: int = 0  # the first of them that is in the item
    lists: Optional[list] = None  # the lists the walk met and their lengths (counters.LeafCanon)
    entered: int = 0  # the trace's loop entries so far
    consults: int = 0  # the value-dependent sites consulted so far (decisions.log)
    item: Any = None  # the form of the item about to run, on its own (SteadyLoop.item_alone)


class SteadyLoop:
    """Watches one execution of a `for` loop for a steady state."""

    #: Loops shorter than this are not watched (the fingerprints would cost more than they save).
    MIN_ITEMS = 4
    #: Every iteration up to this one is fingerprinted, then only around powers of two.
    EARLY = 8
    #: A loop statement whose executions were watched this many times on the path without
    #: ever repeating (a counter in its state, items that are part of the state) is "cold":
    #: its next executions are fingerprinted only around powers of two past EARLY, so a long
    #: loop is still caught and a short one costs no fingerprints.
    COLD_AFTER = 2

    @classmethod
    def watch(cls, interp, node: ast.For, items: list, max_steps: int) -> Optional["SteadyLoop"]:
        """A watcher for this execution of the loop, or None when it cannot pay off or be trusted."""
        if len(items) < cls.MIN_ITEMS or _names_of(node)[0] & INTROSPECTION or _yields(node):
            return None
        return cls(interp, node, items, max_steps)

    @classmethod
    def watch_comprehension(cls, interp, node: ast.expr, items: list, made: list,
                            max_steps: int) -> Optional["SteadyLoop"]:
        """A watcher for this run of a list comprehension or generator expression with one
        `for` (``made``: the items it made so far, the list its element's values go to), or
        None. It is watched as the loop it stands for, `for T in I: if C: <made>.append(E)`
        (``_as_loop``): the names it reads, its counters, its made list as a list the body
        only appends to (repeated iterations append clones of what the last one made)."""
        loop = _as_loop(node)
        if len(items) < cls.MIN_ITEMS or _names_of(loop)[0] & INTROSPECTION or _yields(loop):
            return None
        return cls(interp, loop, items, max_steps, ListVal(made))

    @classmethod
    def watch_yielding(cls, interp, node: ast.For, items: list, max_steps: int) -> Optional["SteadyLoop"]:
        """A watcher for this execution of a loop that yields, in a generator's body run whole
        (``need`` None: its consumer takes every item), or None. Only a loop whose every
        `yield X` is a statement of its own body (one item per iteration) is watched, as the
        loop `for T in I: ...; <made>.append(X); ...` over the generator's items: skipped
        iterations give it clones of the last one's item, and the marks where each of them left
        the running totals (``repeat``), so that items never consumed are still taken back."""
        gen = interp.frame.generator
        if gen is None or gen.need is not None or gen.paused or gen.items is None or len(items) < cls.MIN_ITEMS:
            return None
        loop = _yields_as_appends(node)
        if loop is None or _names_of(loop)[0] & INTROSPECTION:
            return None
        steady = cls(interp, loop, items, max_steps, ListVal(gen.items))
        steady.generator = gen
        return steady

    @classmethod
    def watch_while(cls, interp, node: ast.While, cap: int, max_steps: int,
                    by_budget: bool = False) -> Optional["SteadyLoop"]:
        """A watcher for this execution of a `while` loop that runs at most ``cap`` more
        iterations (a counter stepped by one against a known bound: loop_syntax.counted_while),
        or None. It is watched as the loop it stands for, `for _ in range(cap): if not T: break;
        <body>` (``_while_as_loop``), its test evaluated inside the iteration it begins, and
        keyed by the `while` statement itself. Only iterations whose numbers a watch follows
        are skipped (``open_ended``): a state that repeats whole never ends, which the
        interpreter's own check reports. ``by_budget``: only the budget's answer can end the
        loop on this path (``cap`` is the iteration cap): iterations that compute alike up to
        the cap, or past the step limit, end the path (``beyond``) instead of being skipped."""
        loop = _while_as_loop(node)
        if cap < cls.MIN_ITEMS or _names_of(loop)[0] & INTROSPECTION or _yields(loop):
            return None
        steady = cls(interp, loop, [_NO_ITEM] * cap, max_steps, key=node)
        steady.open_ended = True
        steady.by_budget = by_budget
        return steady

    def __init__(self, interp, node: ast.For, items: list, max_steps: int, made: Optional[ListVal] = None,
                 key: Optional[ast.stmt] = None):
        self.interp = interp
        # the statement the loop's records are kept under (a `while` watched as a `for`: itself)
        self.node = key = key or node
        self.open_ended = False
        self.by_budget = False
        # Why the path ends at this loop (a watch ``by_budget`` found the budget's answers
        # alike up to the iteration cap, or so many iterations alike that running them passes
        # the step limit); None while it does not.
        self.beyond: Optional[str] = None
        self.generator = None  # the generator whose items ``made`` holds (watch_yielding)
        # A comprehension's made list (None for a `for` statement), and the loops around it: its
        # repeated iterations' charges are made in those loops, the loops its element enters
        # nested in it (a `for` statement's are nested in its own loop, interp.loops[-1]).
        self.made = made
        self.depth = len(interp.loops)
        history = interp.steady_history.setdefault(key, [0, 0])  # [executions watched, skipped]
        self.cold = history[0] >= self.COLD_AFTER and not history[1]
        history[0] += 1
        interp.history_log.append((key, 0))  # (what a call shared across runs does again: repeats.SharedCalls)
        self.history = history
        self.items = items
        self.max_steps = max_steps
        loaded, targets, appended = _names_of(node)
        # A list the body only appends to (`rows.append(mu)`) does not steer an iteration:
        # it is left out of the state, and repeated iterations append clones of what the
        # last one appended.
        self.lists = {name: value for name in appended if isinstance(value := self.resolve(name), ListVal)}
        # Of the names the body loads, not those it assigns before reading them: the value an
        # iteration begins with there is never read (loop_syntax.written_first).
        function = interp.frame.function
        fresh = written_first(node, function.node) if function is not None and node.__class__ is ast.For \
            else frozenset()
        self.names = sorted(loaded - targets - set(self.lists) - fresh)
        self.target, self.loaded = node.target, loaded
        # Only what the body can read of an item matters: `for i, w in enumerate(ws)` whose body
        # never loads `i` compares the weights alone (and that each item unpacks the same way).
        self.item_matters = not (isinstance(node.target, ast.Name) and node.target.id not in loaded)
        # `for lo, hi in chunks:` read only as `hi - lo`: items compared by their width alone
        self.widths_only = bounds_read_as_width(node) is not None
        self.previous: Optional[_Probe] = None
        self.resumed: Optional[int] = None  # where the loop ran again after its last skip
        # The counters (see the module's docstring): the comparisons that read them, and what
        # they compared in the iteration since the last probe (None: not recorded).
        self.counters, self.compares = _counters(node)
        if self.counters:
            self.counters, self.compares = _int_counters(node.target, items, self.counters, self.compares)
        self.records: Optional[list] = None
        self.saved = {c: interp.counted_compares.get(c) for c in self.compares}
        # Counters kept in the state (counters.py): not with the editor's values (a skipped
        # iteration's numbers would be missing from the hover).
        self.counting = not interp.record_values
        self.watch: Optional[CounterWatch] = None
        self.watches = 0
        self.knowledge_refunded = False  # (refund_if_knowledge_changed)
        # A state that repeats every few iterations (an SVD every second layer): the probes of
        # the last iterations by index, the watches of several iterations made so far, and
        # where the one running began.
        self.recent: dict = {}
        self.period_watches = 0
        self.period_start = 0
        self.items_changed = False  # an iteration changed its item: none is skipped (_skip_from)
        # The budget queries this loop's own watches followed (counters.CounterWatch.budget_read):
        # left out of the reads its probes compare; any other read keeps the iteration.
        self.followed_reads = 0
        self.failed_periods: set = set()
        # The loop's counter read otherwise than compared (`stats.mean[i]`, `merge(i, ...)`):
        # the names the target binds that the body loads, watched like a number in the state,
        # and the lists it indexes (counters.Indexed), found by the watches.
        self.index_names = frozenset(targets & loaded) - self.counters
        self.indexed: dict = {}
        self._counters_at: dict = {}  # index -> (item, counter_at of it)
        interp.counted_compares.update(dict.fromkeys(self.compares, self))
        # The user functions entered before the loop began: while none is entered after, only
        # the loop's own code runs. Walks leave the modules' globals out (see ``walk``) from the
        # start when the loop's last execution ran only its own code, until one is entered.
        self.entered_at = len(interp.entered_log)
        self.own_only = interp.own_code_loops.get(key, False) and _own_code(node)
        # The attributes no code reads from an instance: of a number or a text one holds (a
        # layer object's `self.index = index`), the state's walks write only the kind, so items
        # and states that differ only there are alike (write_only.unread, Canon.attributes).
        self.unread = write_only.unread(interp.program)

    def close(self) -> None:
        """The loop's execution ended: its comparisons are no longer recorded for it."""
        interp = self.interp
        interp.own_code_loops[self.node] = len(interp.entered_log) == self.entered_at
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        table = self.interp.counted_compares
        for compare, watcher in self.saved.items():
            if watcher is None:
                del table[compare]
            else:
                table[compare] = watcher

    def observe(self, node: ast.Compare, left, right) -> None:
        """The interpreter evaluated the operands of one of the comparisons that read a counter."""
        if self.records is None:
            return
        name, on_left, offset = self.compares[node]
        mine, other = (left, right) if on_left else (right, left)
        if type(mine) is Known and type(mine.value) is int and type(other) is Known \
                and type(other.value) in (int, float, bool):
            self.records.append((name, type(node.ops[0]), on_left, offset, mine.value, other.value))
        else:
            self.records.append(None)  # an answer this cannot work out for other counts

    def counters_agree(self, index: int, records: Optional[list]) -> int:
        """How many iterations from ``index`` on (the last one apart) would get the answers
        iteration ``index - 1`` got from every comparison it made with a counter, with the
        iteration after them, which runs, getting them too: it then makes the temporaries
        the skipped ones made, on top of everything they appended (the memory peak)."""
        last = len(self.items) - 1
        if not self.compares:
            return last - index
        if records is None or None in records:
            return 0
        before = self.counts(index - 1)
        if before is None:
            return 0
        for name, op, on_left, offset, seen, other in records:
            if seen != before[name] + offset:
                return 0  # the name did not read the loop's counter
        compare = _COMPARE_OPS
        answers = [compare[op](seen, other) if on_left else compare[op](other, seen)
                   for name, op, on_left, offset, seen, other in records]
        for j in range(index, last + 1):
            counts = self.counts(j)
            if counts is None:
                return max(j - index - 1, 0)
            for (name, op, on_left, offset, _, other), answer in zip(records, answers):
                mine = counts[name] + offset
                if (compare[op](mine, other) if on_left else compare[op](other, mine)) != answer:
                    return max(j - index - 1, 0)  # iteration j takes another course: it runs, and the one before
        return last - index

    def counts(self, index: int) -> Optional[dict]:
        """The counters' values in item ``index`` (None when one is not a known int)."""
        out = {}
        for name, value in _bindings(self.target, self.items[index]):
            if name.id in self.counters:
                if type(value) is not Known or type(value.value) is not int:
                    return None
                out[name.id] = value.value
        return out if len(out) == len(self.counters) else None

    def skip_from(self, index: int) -> int:
        """Called when iteration ``index`` is about to run (its target assigned): how many
        iterations, from this one on, were accounted for without running them."""
        skipped = self._skip_from(index)
        if skipped:
            # The loop runs again from index + skipped (a counter's comparison answers otherwise
            # there, or a watched number computes otherwise): the iterations after it are
            # fingerprinted as the first ones are, so that a loop that settles again (past
            # `i == depth // 2`) is skipped again.
            self.resumed = index + skipped
        return skipped

    def _skip_from(self, index: int) -> int:
        n = len(self.items)
        watch = self.watch
        if watch is not None and index < self.period_start + watch.period:
            # Inside a watch of several iterations (a state that repeats every `period`
            # iterations): the counter of this one is watched too, as the m-th of the period.
            if not self.watch_counter(watch, index, index - self.period_start):
                watch.stop()
                self.watch = None
            return 0
        records, self.records = self.records, None
        self.watch = None
        if watch is not None:
            watch.stop()
            self.followed_reads += watch.followed_reads
            self.indexed.update(watch.discovered)  # set aside by the next watch
            if watch.observed and watch.follows_counter and not watch.discovered:
                self.watches = self.MAX_WATCHES  # the counter is read otherwise than as an index
        if index >= n - 1 or self.items_changed or not (self.fingerprinted(index) or watch is not None):
            return 0
        probe = self.probe(index)
        previous, self.previous = self.previous, probe
        if probe is not None:
            self.recent[index] = probe
            self.recent.pop(index - self.MAX_PERIOD - 1, None)
        if self.compares:
            self.records = []
        period = watch.period if watch is not None else 1
        if probe is None or previous is None or previous.index != index - period:
            return 0
        if previous.item is not None and (previous.item is _INCOMPARABLE
                                          or self.item_alone(previous.index) != previous.item) \
                or self.indexed_item_changed(previous.index, index):
            # The body changed its item (`run.total = s` on a layer's accumulator), or the item of
            # a list its counter indexes (`per_layer[i].append(h)`): a skipped iteration would
            # leave its own as it was, which no state the loop compares shows (the list of
            # accumulators is not among its names; of a list the counter indexes only the item at
            # the counter is compared). No iteration is skipped.
            self.watches = self.MAX_WATCHES
            self.period_watches = self.MAX_PERIOD_WATCHES
            self.items_changed = True
            return 0
        if self.made is not None and probe.consults != previous.consults:
            # A comprehension whose iterations consult a value-dependent site runs each one: the
            # per-execution proof of such a site (joins.separable_interval) needs every
            # execution's join, and a skipped one has none (it would then only be proven alike).
            return 0
        if probe.reads != previous.reads and probe.used != previous.used:
            # The budget was asked and answered otherwise than before: only a watch that follows
            # its answers (counters.CounterWatch.budget_read) may skip iterations from here.
            if period == 1:
                self.start_watch(previous, probe, budget=True)
            return 0
        if previous.form != probe.form or period > 1 or watch is not None and watch.reads_budget:
            if watch is not None and not watch.observed:
                if watch.carrier is None:
                    skipped = self.skip_counted(watch, previous, probe, index, records)
                else:
                    with suspended(watch.carrier):  # the analysis' own reads of the carrier's logs
                        skipped = self.skip_counted(watch, previous, probe, index, records)
                if skipped:
                    return skipped
            if period > 1:
                self.failed_periods.add(period)  # the next watch of several tries a longer period
            if watch is not None and watch.blocked and not watch.discovered:
                # One watch runs at a time: this one kept a loop inside the iteration from being
                # watched (and skipped), and did not pay off itself. (One that found a list the
                # counter indexes, `ws[i + 1]`, failed for that alone: the next one sets it aside.)
                self.watches = self.MAX_WATCHES
                self.period_watches = self.MAX_PERIOD_WATCHES
            if period == 1:
                self.start_watch(previous, probe)
            if self.watch is None:
                self.start_period_watch(probe)
            return 0
        if self.open_ended:
            return 0
        # As far as the counters' comparisons get the same answers and the items look alike (an
        # iteration whose item does not runs, and the one before it).
        repeats = self.counters_agree(index, records)
        if repeats:
            repeats = min(repeats, self.items_alike_for(index, probe.canon, frozenset()))
            repeats = self.interp.fitting_repeats(probe.used - previous.used, repeats)
        steps = stood_for(probe.steps - previous.steps, probe.charges - previous.charges, repeats)
        if not repeats or self.interp.steps + steps > self.max_steps \
                or self.interp.may_exhaust_inside((probe.used - previous.used) * repeats) \
                or not self.appends_repeatable(previous, probe) or not self.yielded_once(previous, probe):
            return 0
        self.repeat(previous, probe, repeats)
        self.history[1] += 1
        self.interp.history_log.append((self.node, 1))
        return repeats

    def fingerprinted(self, index: int) -> bool:
        """Whether the state before iteration ``index`` is fingerprinted."""
        if index > self.EARLY:
            return _near_power_of_two(index) or self.resumed is not None and index <= self.resumed + self.EARLY
        return not self.cold

    def probe(self, index: int) -> Optional[_Probe]:
        interp = self.interp
        result = interp.result
        canon = LeafCanon(interp._nonzero_counts) if self.counting else Canon(interp._nonzero_counts)
        canon.unread = self.unread
        try:
            parts, item_from = self.walk(canon, index)
        except (Incomparable, RecursionError):
            return None
        # Not the masks' chosen counts: each iteration that selects by a mask adds one, looked up
        # only through an array holding that mask's identity; the arrays the state reaches carry
        # their count in their form. Nor the generators run (`for a, b in chunks(n, 64)` in each
        # layer adds one): only whether any ran, and those not consumed to the end, have a
        # later effect (interpreter.retract_unconsumed; a path whose generator bodies ran does
        # not claim its budget overrun).
        # (the steering sites' answers: each execution is a point where a path may switch, onsets.py)
        parts.append((len(result.unpriced), len(result.notes), len(result.uncertain), len(interp.decisions.seen),
                      interp.cache_version, len(interp._reentered), _unfinished(interp._ran_generators),
                      interp.decisions.steered))
        lengths = tuple(len(lst.items) for lst in self.lists.values())
        leaves, lists = (canon.leaves, canon.lists) if self.counting else (None, None)
        return _Probe(index, tuple(parts), canon, len(result.charges), interp.used, interp.steps,
                      dict(result.calls), dict(result.inclusive), lengths,
                      interp.budget_reads - self.followed_reads, leaves, item_from,
                      lists, interp.trace.entered() if interp.trace is not None else 0, len(interp.decisions.log),
                      self.item_alone(index))

    def indexed_item_changed(self, before: int, after: int) -> bool:
        """Whether iteration ``before`` changed an item it read of a list the counter indexes
        (and does not store into): the state before it, which compared that item, equals the
        state before iteration ``after``, which compares the item ``after`` reads, so an item
        that now differs from that one was changed."""
        counts = self.interp._nonzero_counts
        for entry in self.indexed.values():
            if entry.written:
                continue
            items = entry.lst.__dict__["items"]
            for offset in entry.offsets:
                j, k = before + offset, after + offset
                if 0 <= j < len(items) and 0 <= k < len(items):
                    try:
                        if Canon(counts).form(items[j]) != Canon(counts).form(items[k]):
                            return True
                    except (Incomparable, RecursionError):
                        return True
        return False

    def item_alone(self, index: int) -> Any:
        """The form of item ``index`` on its own (None: the body reads none of it)."""
        if not self.item_matters:
            return None
        try:
            return self.alone(self.items[index], self.interp._nonzero_counts)[0]
        except (Incomparable, RecursionError):
            return _INCOMPARABLE

    def walk(self, canon: Canon, index: int) -> tuple[list, int]:
        """The state before iteration ``index``, as a list of canonical parts, and how many
        plain Knowns a LeafCanon had met before the item."""
        interp = self.interp
        with suspended(interp.counter_watch):
            parts = [tuple((name, self.lookup(canon, name)) for name in self.names)]
            # While no user function has been entered since the loop began (nor one replayed),
            # only the loop's own code has run, and it reads the globals it names, which are
            # among the names above: the other globals of every module can neither steer an
            # iteration nor change in one. Two states equal without them before consecutive
            # iterations, the first of which ran only the loop's own code, make every later
            # iteration run only its own code too, the same way (a loop in a numeric helper
            # walked every module's functions and classes at each probe). A module object
            # among the names or in the item, whose globals its form leaves out, keeps them.
            # Once a walk of this execution has them, every later one has them too.
            own_only = self.own_only = self.own_only and len(interp.entered_log) == self.entered_at \
                and not canon.met_module
            if own_only:
                parts.append(_OWN_CODE_ONLY)
            else:
                for path in sorted(interp.module_envs):
                    parts.append((path, canon.names(interp.module_envs[path])))
            item_from = len(canon.leaves) if isinstance(canon, LeafCanon) else 0
            if self.item_matters:
                parts.append(self.item_form(canon, self.items[index]))
                if own_only and canon.met_module:
                    self.own_only = False
                    raise Incomparable("a module in the loop's item")
        return parts, item_from

    def lookup(self, canon: Canon, name: str):
        value, env = self.resolve_in(name)
        if value is None:
            return _MISSING_NAME
        if value.__class__ is Known and isinstance(canon, LeafCanon):
            return canon.leaf(value, (env, name))
        return canon.form(value)

    def resolve(self, name: str):
        """What ``name`` reads in the loop's frame (None when unbound)."""
        return self.resolve_in(name)[0]

    def resolve_in(self, name: str) -> tuple:
        """What ``name`` reads in the loop's frame (None when unbound), and the dict holding it."""
        if name == _MADE and self.made is not None:
            return self.made, None  # a comprehension's made list: no user code can name it
        frame = self.interp.frame
        if name in frame.vars:
            return frame.vars[name], frame.vars
        fn = frame.function
        if fn is not None and fn.closure is not None and name in fn.closure:
            return fn.closure[name], fn.closure
        env = self.interp.module_envs.get(frame.module.key, {})
        return env.get(name), env

    # -- counters kept in the state (counters.py) --------------------------------------------

    #: Executions of one loop statement get at most this many watched iterations each (one
    #: may only find the lists the counter indexes).
    MAX_WATCHES = 3

    def counter_at(self, index: int) -> Optional[tuple]:
        """(name, Known) of the loop's counter in item ``index``: the one name of
        ``index_names`` bound to a known int there (None: none, or more than one)."""
        item = self.items[index]
        cached = self._counters_at.get(index)
        if cached is not None and cached[0] is item:
            return cached[1]  # asked several times per item by a skip over thousands of items
        found = None
        for name, value in _bindings(self.target, item):
            if name.id in self.index_names and value.__class__ is Known and value.__dict__["value"].__class__ is int:
                if found is not None:
                    found = None
                    break
                found = (name.id, value)
        self._counters_at[index] = (item, found)
        return found

    def counter_value(self, index: int) -> Optional[int]:
        found = self.counter_at(index)
        return None if found is None else found[1].__dict__["value"]

    def find_sources(self, probe: _Probe) -> dict:
        """The lists in the state whose items are, one by one, the loop's items (or a part of
        them the body loads): `for w in self.mlp.weights`, `zip(layers, self.mean)`. Each is
        set aside as a list its iteration reads only at the loop's position (counters.Indexed
        with no offset): the item is in the state's form anyway, and every other read of the
        list is seen."""
        n = len(self.items)
        found: dict = {}
        parts = [[v for name, v in _bindings(self.target, item) if name.id in self.loaded] for item in self.items]
        if not parts or not parts[0]:
            return found
        for lst, length in probe.lists or ():
            if length != n or id(lst) in self.indexed or any(lst is v for v in self.lists.values()):
                continue
            items = lst.items
            for k in range(len(parts[0])):
                if all(len(p) == len(parts[0]) and p[k] is items[j] for j, p in enumerate(parts)):
                    found[id(lst)] = Indexed(lst, frozenset(), False)
                    break
        return found

    def index_canon(self, blind, logs, index: int, follow: bool, apart: frozenset = frozenset()) -> Optional[LeafCanon]:
        """The walk that sets aside the watched numbers, the logs, and the lists the loop's
        counter indexes (``follow``: a watch follows it) or that hold the loop's items, but for
        the items the iteration ``index`` reads (None: the counter is not a known int there);
        ``apart``: the ids of those lists written without any of their items."""
        if not follow:
            canon = LeafCanon(self.interp._nonzero_counts, blind, logs, self.indexed, indexed_apart=apart)
        else:
            counter = self.counter_at(index)
            if counter is None:
                return None
            canon = LeafCanon(self.interp._nonzero_counts, blind, logs, self.indexed, counter[1].__dict__["value"],
                              frozenset((counter[0],)), apart)
        canon.unread = self.unread
        return canon

    def items_apart_from_state(self, index: int, canon: LeafCanon, blind, logs, follow: bool) -> Canon:
        """The walk whose identities the items after iteration ``index`` must not share
        (items_alike_for): ``canon``, or, for a loop over a list its counter also indexes ahead
        (`for i, w in enumerate(ws): ... ws[i + 1]`), the state walked without that list's
        items. Every iteration reads the item one or more ahead of its own through the counter:
        a sharing alike in every iteration, whose items indexed_alike compares. Any other list
        the counter indexes keeps its items in the walk (`rev[i]` of the reversed list meets a
        later item once)."""
        ahead = [entry for entry in self.indexed.values() if any(offset > 0 for offset in entry.offsets)]
        if not ahead:
            return canon
        last = len(self.items) - 1
        for entry in ahead:
            lst = entry.lst.items
            if len(lst) != len(self.items) or any(self._sole_leaf(j) is not lst[j] for j in range(index, last + 1)):
                return canon
        apart = self.index_canon(blind, logs, index, follow, frozenset(id(entry.lst) for entry in ahead))
        if apart is None:
            return canon
        try:
            self.walk(apart, index)
        except (Incomparable, RecursionError):
            return canon
        return apart

    def _sole_leaf(self, j: int):
        """The one value the body reads of item ``j`` but its counter (None: none, or several)."""
        leaves: list = []
        if not _read_leaves(self.target, self.items[j], self.loaded, leaves, self.counters | self.index_names) \
                or len(leaves) != 1:
            return None
        return leaves[0]

    #: The longest period of a state that repeats every few iterations that is looked for, and
    #: the watches of several iterations one execution of a loop statement gets.
    MAX_PERIOD = 4
    MAX_PERIOD_WATCHES = 4

    def start_period_watch(self, probe: _Probe) -> None:
        """The state before the iteration about to run did not settle from one iteration to the
        next: if it is the state of two to MAX_PERIOD iterations ago but for numbers the walk
        can rewrite and lists that grew (an SVD every second layer, `if i % 3 == 2:`), watch
        that many iterations as one (``start_watch`` with a period)."""
        if self.compares or self.period_watches >= self.MAX_PERIOD_WATCHES \
                or any(entry.offsets or entry.written for entry in self.indexed.values()):
            return
        for period in range(2, self.MAX_PERIOD + 1):
            if len(self.items) - 1 - probe.index < 3 * period - 1:
                return  # too few iterations left: the watched period, two more, and the last
            old = self.recent.get(probe.index - period)
            if old is None or period in self.failed_periods or (probe.reads != old.reads and probe.used != old.used):
                continue
            self.start_watch(old, probe, period)
            if self.watch is not None:
                self.period_watches += 1
                self.period_start = probe.index
                return

    def watch_counter(self, watch: CounterWatch, index: int, m: int) -> bool:
        """Iteration ``index``, the m-th of a watch of several, is about to run: its counter is
        watched as recipe ("i", m) (False: it cannot be)."""
        if not watch.follows_counter:
            return True
        counter = self.counter_at(index)
        if counter is None or id(counter[1]) in watch.tainted:
            return False
        watch.tainted[id(counter[1])] = (counter[1], ("i", m))
        return True

    def start_watch(self, previous: _Probe, probe: _Probe, period: int = 1, budget: bool = False) -> None:
        """The states before the last two iterations (``period`` iterations apart) differ: if
        only in numbers the walk can rewrite and in lists that grew, watch the iteration (the
        ``period`` iterations) about to run. With ``budget``, the budget's answers differed (the
        states may not)."""
        interp = self.interp
        outer = interp.counter_watch
        if outer is not None and (outer.outer is not None
                                  or interp.call_depth != outer.call_depth and not outer.carried):
            outer.blocked = True  # no watch can run within it (CounterWatch.start)
            return
        if outer is not None and outer.carried:
            # Within the carried watch of a call of predict (counters.CounterWatch.carrier), at any
            # depth, for a loop statement whose iterations were skipped before on this path (the
            # first call ran it: a loop that never repeated, staged_pipeline's stages, would only
            # pay for watches that fail; a first call watched, carried.watch_first: one an earlier
            # run skipped); what is read here of the carrier's logs is the
            # analysis' own reading.
            if not self.history[1] and self.node not in outer.skipped_before:
                outer.blocked = True
                return
            with suspended(outer):
                self._start_watch(previous, probe, period, budget)
            return
        self._start_watch(previous, probe, period, budget)

    def _start_watch(self, previous: _Probe, probe: _Probe, period: int, budget: bool = False) -> None:
        interp = self.interp
        outer = interp.counter_watch
        if not self.counting or (self.watches >= self.MAX_WATCHES and period == 1) \
                or previous.leaves is None or probe.leaves is None or len(previous.lists) != len(probe.lists):
            return
        counter = self.counter_at(probe.index) if self.index_names else None
        if period > 1 and self.index_names and counter is None:
            return
        sources = self.find_sources(probe)
        own = {id(lst) for lst in self.lists.values()}
        grown = [b for (a, la), (b, lb) in zip(previous.lists, probe.lists)
                 if a is b and lb > la and id(b) not in own and id(b) not in self.indexed]
        if any(b.__class__ is DequeVal and b.maxlen is not None and b.maxlen < len(self.items) - probe.index
               for b in grown):
            # A bounded deque filling up (an Anderson solver's history): once full, its appends
            # drop as many items and the state can repeat. A watch now would read the history
            # growing and fail, and a loop gets only MAX_WATCHES of them.
            return
        keyed = _grown_dicts(previous, probe)
        # the Knowns in a log or a list the counter indexes are not compared as numbers, nor
        # in a list of the same length that holds fewer or more of them (`rows[i] = mean` into
        # `[None] * depth`: a list the counter indexes that a first watch is to find)
        apart = [id(lst) for lst in grown] + [id(d) for d in keyed] + list(self.indexed) \
            + _restocked(previous, probe)
        old_leaves = _leaves_but(previous, apart)
        new_leaves = _leaves_but(probe, apart)
        if len(old_leaves) != len(new_leaves):
            return
        changed = set()
        for (old, _), (new, where) in zip(old_leaves, new_leaves):
            a, b = old.__dict__["value"], new.__dict__["value"]
            if a.__class__ is b.__class__ and (a == b if a.__class__ is not float else a.hex() == b.hex()):
                continue
            if a.__class__ not in (int, float) or b.__class__ not in (int, float) or where is None:
                return
            changed.add(id(new))
        if not changed and not grown and not keyed and counter is None and not sources and not self.indexed \
                and period == 1 and not budget:
            return
        for key, entry in sources.items():
            self.indexed.setdefault(key, entry)
        # Each place gets its own new object, so that nothing outside the state shares it.
        places = rewrite(probe.leaves, lambda v: Known(v.__dict__["value"]) if id(v) in changed else None)
        if places is None:
            return
        fresh = {id(new) for _, _, _, new in places}
        logs = {id(lst): (lst, len(lst.items)) for lst in grown}
        keyed_logs = {id(d): (d, tuple(d.items)) for d in keyed}
        canon = self.index_canon(fresh, set(logs) | set(keyed_logs), probe.index, counter is not None)
        try:
            form, _ = self.walk(canon, probe.index)
        except (Incomparable, RecursionError):
            form = None
        if form is None or len(canon.slot_objects) != len(fresh):
            undo(places)
            return
        watch = CounterWatch(interp)
        watch.logs = logs
        watch.keyed = keyed_logs
        watch.indexed = dict(self.indexed)
        for slot, value in enumerate(canon.slot_objects):
            watch.tainted[id(value)] = (value, ("leaf", slot))
            watch.start_values.append(value.__dict__["value"])
        if counter is not None:
            watch.tainted[id(counter[1])] = (counter[1], ("i", 0))
            watch.follows_counter = True
        watch.start_form = tuple(form) + probe.form[len(form):]
        watch.start_canon = canon
        watch.period = period
        if period == 1 and outer is None:
            watch.used_at_start, watch.budget = interp.used, interp.budget
        if outer is not None and outer.carried:
            # numbers the carried watch of this call of predict follows, taken over here: each
            # slot's ref there, handed back with what this watch records of them (counters.py)
            olds = {id(new): old for _, _, old, new in places}
            for slot, value in enumerate(canon.slot_objects):
                old = olds.get(id(value))
                hit = outer.tainted.get(id(old)) if old is not None else None
                if hit is not None and hit[0] is old:
                    watch.outer_slots[slot] = hit[1]
                    watch.derived.add(id(value))
        if not watch.start():
            undo(places)
            return
        self.watch = watch
        if period == 1:
            self.watches += 1

    def refund_if_knowledge_changed(self, watch: CounterWatch, end_form: tuple, slots: int) -> None:
        """A watched iteration that ended in its start's state but for what is known of a value
        (a sign, signs.py: `fnp.maximum` taken under `if i < LIMIT:` no more) was the loop still
        settling, not its numbers steering: the watch is given back, once per execution (a fact
        that comes and goes at every iteration would otherwise be watched for ever). It still
        fails: the next iteration starts knowing otherwise than the watched one did, and a sign
        the watched one knew (`math.sqrt` of a sum that cannot raise) may not hold there."""
        if watch.period == 1 and not self.knowledge_refunded and slots == len(watch.start_values):
            try:
                alike = without_knowledge(end_form) == without_knowledge(watch.start_form)
            except RecursionError:
                return
            if alike:
                self.knowledge_refunded = True
                self.watches -= 1

    def skip_counted(self, watch: CounterWatch, before: _Probe, after: _Probe, index: int, records) -> int:
        """After a watched iteration: how many iterations from ``index`` on are accounted for
        (see counters.py), the state's numbers set to those the iteration that runs next
        starts from."""
        interp = self.interp
        follow = watch.follows_counter
        canon = self.index_canon(set(watch.tainted), set(watch.logs) | set(watch.keyed), index, follow)
        if canon is None:
            return 0
        try:
            form, _ = self.walk(canon, index)
        except (Incomparable, RecursionError):
            return 0
        end_form = tuple(form) + after.form[len(form):]
        if end_form != watch.start_form or len(canon.slot_objects) != len(watch.start_values):
            self.refund_if_knowledge_changed(watch, end_form, len(canon.slot_objects))
            return 0
        for key, (lst, start) in watch.logs.items():
            added = watch.log_items.get(key, [])
            if len(lst.items) != start + len(added) or any(a is not b for a, b in zip(lst.items[start:], added)):
                return 0
        for key, (entries, keys) in watch.keyed.items():
            added = tuple(raw_value(k) for op, k, _ in watch.keyed_ops.get(key, ()) if op == "set")
            if tuple(entries.items) != keys + added:
                return 0
        recipes = [watch.tainted[id(v)][1] for v in canon.slot_objects]
        now = [v.__dict__["value"] for v in canon.slot_objects]
        period = watch.period
        per_iteration = after.used - before.used

        def counters_from(j: int, period: int) -> tuple:
            # with the budget's answers followed, the FLOPs charged when iteration j begins last:
            # each iteration from the watched one on charges what it did
            counters = self.counters_from(j, period)
            return counters + (after.used + (j - index) * per_iteration,) if watch.reads_budget else counters

        if watch.step(watch.start_values, recipes, counters_from(index - period, period)) != now \
                or any(a.__class__ is not b.__class__ for a, b in zip(now, watch.start_values)):
            return 0  # not what re-doing the arithmetic gives, or a number changed its type
        if period > 1 and not self.period_items_alike(index, canon.index_names):
            return 0
        starts = [now]
        last = len(self.items) - 1
        for j in range(index, last + 1 - (period - 1), period):
            if follow and any(self.counter_at(j + m) is None for m in range(period)):
                break
            following = watch.step(starts[-1], recipes, counters_from(j, period))
            if following is None:
                break
            starts.append(following)
        # starts[r] is what iteration index + r * period starts from; the periods from index on
        # up to len(starts) - 2 compute as the watched one did (the one after the last of them
        # that does runs, and so does the last iteration).
        repeats = min(max(len(starts) - 2, 0), (last - index) // period)
        apart = self.items_apart_from_state(index, canon, set(watch.tainted), set(watch.logs) | set(watch.keyed),
                                            follow)
        alike = min(self.counters_agree(index, records), self.indexed_alike(index, canon),
                    self.items_alike_for(index, apart, canon.index_names))
        repeats = min(repeats, alike // period)
        if watch.keyed:
            repeats = min(repeats, self.keys_missing(watch, [(starts[r], counters_from(index + r * period, period))
                                                             for r in range(repeats)]))
        steps = stood_for(after.steps - before.steps, after.charges - before.charges, repeats)
        if self.by_budget and repeats and watch.reads_budget:
            # the iterations to come would be run one by one to the same end, charges and all
            if repeats == (last - index) // period:
                self.beyond = f"the budget leaves room for more than {len(self.items):,} iterations"
                return 0
            if interp.steps + steps > self.max_steps:
                self.beyond = f"the budget leaves room for {repeats:,} more iterations, past the analysis' step limit"
                return 0
        if repeats:
            repeats = interp.fitting_repeats(after.used - before.used, repeats)
            steps = stood_for(after.steps - before.steps, after.charges - before.charges, repeats)
        if not repeats or interp.steps + steps > self.max_steps \
                or interp.may_exhaust_inside((after.used - before.used) * repeats) \
                or not self.appends_repeatable(before, after) or not self.yielded_once(before, after) \
                or not self.logs_repeatable(watch, canon):
            return 0
        substituted = self.appended_counters(before, after, watch)
        if substituted is None:
            return 0
        stored = self.stored_repeatable(watch, canon, index - 1)
        if stored is None:
            return 0
        runs = [(starts[r], counters_from(index + r * period, period)) for r in range(repeats)]
        entries = self.keyed_repeatable(watch, canon, runs)
        if entries is None:
            return 0
        carrier = watch.carrier
        if carrier is not None and not self.carried_skippable(watch, carrier, canon, substituted, stored, entries):
            return 0
        target = starts[repeats]
        slots = {id(v): s for s, v in enumerate(canon.slot_objects)}
        places = rewrite(canon.leaves, lambda v: Known(target[slots[id(v)]]) if id(v) in slots else None)
        if places is None:
            return 0
        check = LeafCanon(interp._nonzero_counts, set(slots))
        try:
            self.walk(check, index)
        except (Incomparable, RecursionError):
            check = None
        if check is None or check.slot_objects:
            undo(places)  # a watched number is still somewhere the rewrite did not reach
            return 0
        if carrier is not None:
            # the carried watch gets what the skipped iterations compute of its numbers, and
            # follows the ones the state holds after them
            final = watch.carry_runs(recipes, runs)
            if final is not None:
                for _, _, old, new in places:
                    ref = final[slots[id(old)]]
                    if ref is not None:
                        carrier.tainted[id(new)] = (new, ref)
        self.extend_logs(watch, repeats, runs)
        self.fill_stored(stored, index, repeats)
        self.fill_keyed(entries)
        self.repeat(before, after, repeats, [watch.values_at(*run) for run in runs] if substituted else None,
                    substituted, period)
        self.history[1] += 1
        self.interp.history_log.append((self.node, 1))
        return repeats * period

    @staticmethod
    def carried_skippable(watch: CounterWatch, carrier: CounterWatch, canon: LeafCanon, substituted, stored,
                          entries) -> bool:
        """Within the carried watch of a later call of predict (counters.CounterWatch.carry_runs):
        whether the iterations may be skipped with the carrier following its numbers through
        them. Not when an iteration computed with a number of the carrier's that this watch did
        not take over (the carrier would have to follow it through each skipped iteration),
        when a skipped iteration's numbers are copied into the state (logs of counters, lists
        stored into, keyed logs: the copies' numbers would not be the carrier's), nor when the
        carrier's numbers in the state are not the same objects at the same places as when the
        watched iteration began (the skipped iterations would move them too)."""
        if watch.outer_touched:
            return False
        if watch.outer_slots and (substituted or stored or entries or watch.keyed_ops):
            return False

        def carriers(walk) -> list:
            return [id(v) for v, _ in walk.leaves if carrier.is_tainted(v) and not watch.is_tainted(v)]

        start = watch.start_canon
        return start is not None and carriers(start) == carriers(canon)

    def counters_from(self, index: int, period: int) -> tuple:
        """The loop's counters of the ``period`` iterations from ``index`` on."""
        return tuple(self.counter_value(index + m) for m in range(period))

    def period_items_alike(self, index: int, index_names: frozenset) -> bool:
        """The items of a watch of several iterations (each ran with its own) look like the item
        of iteration ``index``, which the skipped ones are compared with (``items_alike_for``)."""
        if not self.item_matters:
            return True
        counts = self.interp._nonzero_counts
        try:
            first = self.alone(self.items[index], counts, index_names)[0]
            return all(self.alone(self.items[j], counts, index_names)[0] == first
                       for j in range(self.period_start, index))
        except Incomparable:
            return False

    def logs_repeatable(self, watch: CounterWatch, canon: LeafCanon) -> bool:
        """Whether copies of what the watched iteration appended to each log stand for what the
        skipped iterations would append (``canon``: the state after it, logs set aside). An
        immutable Known is the same at every iteration. Arrays and containers must be new in
        the watched iteration (not in the state it started from, no mask's count) and be
        copyable; nothing appended earlier may be in the state now, nor a container appended
        now (a later iteration could change it, and a copy would not follow): the watched
        iteration's own appends then stand for the last skipped one's, which the state may
        hold, and copies with new identities go before them. Appends that hold watched numbers
        (`{"layer": i}`) are copied with the numbers each skipped iteration computes, after
        the watched iteration's own, and only when the state holds nothing of them."""
        counts = self.interp._nonzero_counts
        start = watch.start_canon
        appended: list = []
        watch.substituted = set()
        for key, (lst, length) in watch.logs.items():
            added = watch.log_items.get(key, [])
            if all(v.__class__ is Known and not watch.is_tainted(v) for v in added):
                continue
            fresh, older = LeafCanon(counts, set(watch.tainted)), Canon(counts)
            try:
                fresh.form(TupleVal(tuple(added)))
                older.form(TupleVal(tuple(lst.items[:length])))
                _clone_all(added, {})
            except (Incomparable, RecursionError):
                return False
            if any(ident in counts for ident in fresh.idents):
                return False
            if not start.idents.keys().isdisjoint(fresh.idents) or not start.objects.keys().isdisjoint(fresh.objects):
                return False
            if not canon.idents.keys().isdisjoint(older.idents) or not canon.objects.keys().isdisjoint(older.objects):
                return False
            if fresh.slot_objects:
                if not canon.idents.keys().isdisjoint(fresh.idents) or not canon.objects.keys().isdisjoint(fresh.objects):
                    return False
                watch.substituted.add(key)
            elif any(id(v) in canon.objects for v in fresh.by_object if v.__class__ is not Array):
                return False
            appended.extend(fresh.idents)
        return self.memory_repeatable(appended)

    def indexed_alike(self, index: int, canon: LeafCanon) -> int:
        """How many iterations from ``index`` on (the last one apart) read items of the lists
        the counter indexes that look like the ones iteration ``index`` reads and share
        nothing with the state nor with each other; an iteration that would not (or would
        index past the end) runs, and the one before it."""
        last = len(self.items) - 1
        read = [entry for entry in self.indexed.values() if entry.offsets]
        if not read:
            return last - index  # the lists holding the loop's items: the items are compared
        counts = self.interp._nonzero_counts
        taken_idents, taken_objects = set(canon.idents), set(canon.objects)
        first = None
        for j in range(index, last + 1):
            at = self.counter_value(j)
            if at is None:
                return max(j - index - 1, 0)
            own = Canon(counts)
            try:
                form = []
                for entry in read:
                    items = entry.lst.items
                    for offset in sorted(entry.offsets):
                        if not -len(items) <= at + offset < len(items):
                            raise Incomparable("past the end")
                        form.append(own.form(items[at + offset]))
            except (Incomparable, RecursionError):
                return max(j - index - 1, 0)
            if first is None:
                first = form
                continue  # iteration `index`'s items are in the state's form
            if form != first or not taken_idents.isdisjoint(own.idents) or not taken_objects.isdisjoint(own.objects):
                return max(j - index - 1, 0)
            taken_idents.update(own.idents)
            taken_objects.update(own.objects)
        return last - index

    def stored_repeatable(self, watch: CounterWatch, canon: LeafCanon, watched: int) -> Optional[list]:
        """What the watched iteration stored into each list the counter indexes, when copies
        stand for what the skipped iterations store at theirs (the same rules as a log's
        appends: ``logs_repeatable``); None when they do not. An item it read from another
        list the counter indexes (`rows[i] = means[i]`) stands for that list's item at each
        skipped iteration's counter: the state, equal at every iteration up to the counter,
        reaches it only there. Each entry: (list, the value, None) or (list, None, (the list
        read, the offset))."""
        if not self.indexed:
            return []
        counts = self.interp._nonzero_counts
        at = self.counter_value(watched)
        out = []
        appended: list = []
        for key, entry in self.indexed.items():
            if not entry.written:
                continue
            items = entry.lst.items
            if at is None or key not in watch.stored or not -len(items) <= at < len(items):
                return None
            value = items[at]
            source = self.read_at(value, at, entry)
            if source is not None:
                if value.ident in canon.idents if value.__class__ is Array else id(value) in canon.objects:
                    return None  # the state holds it: it would hold the watched iteration's item
                out.append((entry.lst, None, source))
                continue
            # every other entry (earlier iterations stored some, on either side when the
            # counter runs down) but the one the next iteration reads, which is in the state
            apart = {at % len(items)}
            following = self.counter_value(watched + 1)
            if following is not None and -len(items) <= following < len(items):
                apart.add(following % len(items))
            fresh, older = LeafCanon(counts, set(watch.tainted)), Canon(counts)
            try:
                fresh.form(TupleVal((value,)))
                older.form(TupleVal(tuple(v for p, v in enumerate(items) if p not in apart)))
                _clone_all([value], {})
            except (Incomparable, RecursionError):
                return None
            if fresh.slot_objects or any(ident in counts for ident in fresh.idents):
                return None
            start = watch.start_canon
            if not start.idents.keys().isdisjoint(fresh.idents) or not start.objects.keys().isdisjoint(fresh.objects):
                return None
            if not canon.idents.keys().isdisjoint(older.idents) or not canon.objects.keys().isdisjoint(older.objects):
                return None
            if any(id(v) in canon.objects for v in fresh.by_object if v.__class__ is not Array):
                return None
            appended.extend(fresh.idents)
            out.append((entry.lst, value, None))
        return out if self.memory_repeatable(appended) else None

    def read_at(self, value, at: int, stored: Indexed) -> Optional[tuple]:
        """(list, offset) of a list the counter indexes, other than ``stored``, whose item at
        ``at`` plus the offset is ``value`` itself (None: none)."""
        for entry in self.indexed.values():
            if entry is stored:
                continue
            items = entry.lst.items
            for offset in sorted(entry.offsets):
                if -len(items) <= at + offset < len(items) and items[at + offset] is value:
                    return entry.lst, offset
        return None

    def fill_stored(self, stored: list, index: int, repeats: int) -> None:
        """Store into each list the counter indexes, at the skipped iterations' counters,
        copies of what the watched iteration stored (or the item of the list it read there)."""
        interp = self.interp
        memory = interp.trace.memory if interp.trace is not None else None
        for lst, value, source in stored:
            for j in range(index, index + repeats):
                at = self.counter_value(j)
                if source is not None:
                    read, offset = source
                    lst.items[at] = read.items[at + offset]
                    continue
                renamed: dict = {}
                lst.items[at] = _clone_all([value], renamed)[0]
                if memory is not None:
                    for old, new in renamed.items():
                        memory.copied(interp, old, new)

    def extend_logs(self, watch: CounterWatch, repeats: int, runs: list) -> None:
        """Give each log what the skipped iterations appended (see ``logs_repeatable``);
        ``runs``: the numbers and the counter each skipped iteration starts from."""
        interp = self.interp
        memory = interp.trace.memory if interp.trace is not None else None
        for key, (lst, length) in watch.logs.items():
            added = watch.log_items.get(key, [])
            if all(v.__class__ is Known and not watch.is_tainted(v) for v in added):
                lst.items.extend(added * repeats)  # immutable Knowns: the same objects
                continue
            clones: list = []
            for start, counter in runs:
                renamed: dict = {}
                values = watch.values_at(start, counter) if key in watch.substituted else None
                clones += _clone_all(added, renamed, values)
                if memory is not None:  # each clone holds as many bytes as what it copies
                    for old, new in renamed.items():
                        memory.copied(interp, old, new)
            if key in watch.substituted:
                lst.items.extend(clones)
            else:
                lst.items[length:length] = clones

    def keys_missing(self, watch: CounterWatch, runs: list) -> int:
        """How many of the iterations (periods) ``runs`` stands for (the numbers and the counter
        each starts from) find each key they read or add to a keyed log missing, as the watched
        iteration did: each key, made from that iteration's own numbers, is not in the log now
        nor added by an iteration before it, and equals another of its keys only where the
        watched iteration's did. The first that would not runs, and the one before it."""
        for key, (entries, _) in watch.keyed.items():
            ops = watch.keyed_ops.get(key, [])
            pattern = _equal_pattern([raw_value(k) for _, k, _ in ops])
            present = set(entries.items)
            for r, (numbers, counters) in enumerate(runs):
                now = watch.values_at(numbers, counters)
                made = [now[id(k)] for _, k, _ in ops]
                try:
                    fresh = _equal_pattern(made) == pattern and present.isdisjoint(made)
                except TypeError:  # a key that cannot be one
                    fresh = False
                if not fresh:
                    runs = runs[:max(r - 1, 0)]
                    break
                present.update(m for (op, _, _), m in zip(ops, made) if op == "set")
        return len(runs)

    def keyed_repeatable(self, watch: CounterWatch, canon: LeafCanon, runs: list) -> Optional[list]:
        """What the skipped iterations add to each keyed log (``runs``: the numbers and the
        counter each starts from; their keys found missing by ``keys_missing``), or None when
        copies of what the watched iteration added do not stand for it. The values are the
        watched iteration's, copied as a log's appends are (``logs_repeatable``), and held by
        nothing in the state: the skipped iterations' entries come after the watched one's,
        each under its own key."""
        if not watch.keyed:
            return []
        counts = self.interp._nonzero_counts
        start = watch.start_canon
        out: list = []
        appended: list = []
        for key, (entries, keys) in watch.keyed.items():
            ops = watch.keyed_ops.get(key, [])
            values = [v for op, _, v in ops if op == "set"]
            fresh, older = LeafCanon(counts, set(watch.tainted)), Canon(counts)
            try:
                fresh.form(TupleVal(tuple(values)))
                older.form(TupleVal(tuple(entries.items[k] for k in keys)))
                _clone_all(values, {})
            except (Incomparable, RecursionError):
                return None
            if any(ident in counts for ident in fresh.idents) \
                    or not start.idents.keys().isdisjoint(fresh.idents) \
                    or not start.objects.keys().isdisjoint(fresh.objects) \
                    or not canon.idents.keys().isdisjoint(older.idents) \
                    or not canon.objects.keys().isdisjoint(older.objects) \
                    or not canon.idents.keys().isdisjoint(fresh.idents) \
                    or any(id(v) in canon.objects for v in fresh.by_object if v.__class__ not in _IMMUTABLE):
                return None
            appended.extend(fresh.idents)
            planned = []
            for numbers, counters in runs:
                now = watch.values_at(numbers, counters)
                added = [now[id(k)] for op, k, _ in ops if op == "set"]
                planned.append((added, now if fresh.slot_objects else None))
            out.append((entries, values, planned))
        return out if self.memory_repeatable(appended) else None

    def fill_keyed(self, planned: list) -> None:
        """Add the skipped iterations' entries to each keyed log (``keyed_repeatable``)."""
        interp = self.interp
        memory = interp.trace.memory if interp.trace is not None else None
        for entries, values, runs in planned:
            for keys, numbers in runs:
                renamed: dict = {}
                for k, v in zip(keys, _clone_all(values, renamed, numbers)):
                    entries.items[k] = v
                if memory is not None:
                    for old, new in renamed.items():
                        memory.copied(interp, old, new)

    def appended_counters(self, before: _Probe, after: _Probe, watch: CounterWatch) -> Optional[set]:
        """The append-only lists (by position) that got watched numbers or texts, each appended
        as an item of its own (`names.append(f"w{i}")`): the skipped iterations' copies get the
        values each computes (``repeat``). None when one is held in a container (its copies
        would all hold the watched iteration's value)."""
        out = set()
        for i, lst in enumerate(self.lists.values()):
            added = lst.items[before.lengths[i]:after.lengths[i]]
            canon = LeafCanon(self.interp._nonzero_counts, set(watch.tainted))
            try:
                with suspended(self.interp.counter_watch):
                    canon.form(ListVal(added))
            except (Incomparable, RecursionError):
                return None
            if canon.slot_objects:
                if not all(v.__class__ is Known for v in added) and not (
                        lst is self.made and self.generator is not None
                        and all(v.__class__ is TupleVal and all(x.__class__ in (Known, Array, InstanceVal) for x in v.items)
                                for v in added)):
                    return None  # (a generator's `yield i, x`: each copy gets its own counter)
                out.add(i)
        return out

    def appends_repeatable(self, before: _Probe, after: _Probe) -> bool:
        """Each append-only list still is the same list, and what the last iteration appended
        is fresh (not in the state it started from) while nothing appended earlier is in the
        state now — so clones with new identities stand for the skipped iterations' items."""
        appended: list = []
        for i, (name, lst) in enumerate(self.lists.items()):
            if self.resolve(name) is not lst:
                return False
            start, end = before.lengths[i], after.lengths[i]
            counts = self.interp._nonzero_counts
            fresh, older = Canon(counts), Canon(counts)
            try:
                fresh.form(TupleVal(tuple(lst.items[start:end])))
                older.form(TupleVal(tuple(lst.items[:start])))
                # ``repeat`` clones them: an item with no clone (a lambda a comprehension made)
                # leaves the iterations to run
                _clone_all(lst.items[start:end], {}, None, self.generator is not None)
            except Incomparable:
                return False
            if set(fresh.idents) & set(before.canon.idents) or set(fresh.objects) & set(before.canon.objects):
                return False
            if any(ident in counts for ident in fresh.idents):
                return False  # a clone would not carry the mask's chosen count
            if not _kept_alike(older, before.canon, after.canon):
                return False
            appended.extend(fresh.idents)
        return self.memory_repeatable(appended)

    def memory_repeatable(self, appended: list) -> bool:
        """With memory traced: the appended arrays are not views (a clone would need a copy of
        its base, which the state may share), and the skipped iterations cannot cross
        whestbench's memory limit (the first allocation past it is reported by its line):
        each adds what one iteration appended, on top of a peak no higher than the one so far."""
        memory = self.interp.trace.memory if self.interp.trace is not None else None
        if memory is None:
            return True
        if any(ident in memory.bases for ident in appended):
            return False
        side = memory.predict if self.interp.metered else memory.setup
        grown = sum(memory.sizes.get(ident, 0) for ident in appended)
        bound = side.peak + grown * len(self.items)
        return (not memory.limit or side.over_limit_span is not None or bound <= memory.limit) \
            and not memory.may_be_caught(self.interp, side, bound)

    def items_alike_for(self, index: int, canon: Canon, index_names: frozenset) -> int:
        """How many iterations from ``index`` on (the last one apart) have items that look like
        iteration ``index``'s and share nothing with the state (``canon``) nor with each other;
        an iteration whose item does not runs, and the one before it."""
        last = len(self.items) - 1
        if not self.item_matters:
            return last - index
        if self.target.__class__ is ast.Name and self.target.id in self.counters | index_names:
            # `for j in range(width)`: an item that is a known int is only a counter, alike and
            # sharing nothing (``alone``); asked once per skip over thousands of units
            items = self.items
            if all(items[j].__class__ is Known and items[j].__dict__["value"].__class__ is int
                   for j in range(index, last + 1)):
                return last - index
        counts = self.interp._nonzero_counts
        taken_idents, taken_objects = set(canon.idents), set(canon.objects)
        try:
            first, _, _ = self.alone(self.items[index], counts, index_names)
            for j in range(index + 1, last + 1):
                form, idents, objects = self.alone(self.items[j], counts, index_names)
                if form != first or taken_idents.intersection(idents) or taken_objects.intersection(objects):
                    return max(j - index - 1, 0)
                taken_idents.update(idents)
                taken_objects.update(objects)
        except Incomparable:
            return 0
        return last - index

    def alone(self, item, counts: dict, index_names: frozenset = frozenset()) -> tuple:
        """An item's form on its own (its identities numbered from zero), and the identities and
        objects it holds. The items of a loop over arrays (`for i, w in enumerate(mlp.weights)`)
        are written directly, as the canonical walk would write them, without one."""
        if self.widths_only:
            item = _as_width(item)
        leaves: list = []
        if _read_leaves(self.target, item, self.loaded, leaves, self.counters | index_names) \
                and all(type(v) is Array and v.counts is None for v in leaves):
            idents = [v.ident for v in leaves]
            objects = [id(v) for v in leaves]
            if len(set(idents)) == len(idents) and len(set(objects)) == len(objects):
                return (("leaves", tuple((v.shape, v.dtype, v.sym, v.dtype_origin, counts.get(v.ident), v.vrange,
                                          v.plain, v.presumed, v.fbounds) for v in leaves)), idents, objects)
        own = Canon(counts)
        own.unread = self.unread
        form = ("whole", _bound_form(own, self.target, item, self.loaded, self.counters | index_names))
        # A module-level function without attributes (`act=_relu`, a default of each layer's
        # closure) is its code: items may share it with each other and with the state.
        return form, own.idents, [id(v) for v in own.by_object if not _code_only(v)]

    def item_form(self, canon: Canon, item) -> Any:
        """The canonical form of what the body can read of an item: the parts bound to names it
        loads; a part bound to a name it never loads is only required to be there (a watch's
        walk writes the counter it follows as a counter: counters.LeafCanon.index_names)."""
        names = self.counters | canon.index_names if isinstance(canon, LeafCanon) else self.counters
        if self.widths_only:
            item = _as_width(item)
        return _bound_form(canon, self.target, item, self.loaded, names)

    def remember_skipped(self, start: int, count: int, limit: int) -> None:
        """The editor's hover lists the first few values a name was assigned: the loop's names
        are given the items of the iterations accounted for without running them too."""
        interp = self.interp
        for item in self.items[start:start + count]:
            bindings = list(_bindings(self.target, item))
            for name, value in bindings:
                interp.remember_value(name, value)
            if all(len(interp.result.values.get(interp.node_span(name), ())) >= limit
                   for name, _ in bindings):
                return

    def repeat(self, before: _Probe, after: _Probe, times: int, values: Optional[list] = None,
               substituted: frozenset = frozenset(), period: int = 1) -> None:
        """Make the effects of the iteration between the two probes ``times`` more times
        (``values``: per skipped iteration, the watched numbers it computes, which the appends
        of the lists at the positions ``substituted`` get: counters.CounterWatch.values_at)."""
        interp = self.interp
        result = interp.result
        charges = result.charges
        iteration = charges[before.charges:after.charges]
        # (the iteration's reused calls are tallied already: a Strassen level's are most of it)
        charges.extend_counted(iteration, charges.tally_between(before.charges, after.charges)
                               if isinstance(charges, ChargeList) else tallied(iteration), times)
        if interp.trace is not None:
            interp.trace.repeated(before.charges, after.charges, times,
                                  interp.loops[-1] if self.made is None or self.generator is not None
                                  else self.depth,
                                  (before.entered, after.entered), period)
        interp.used += (after.used - before.used) * times
        interp.steps += stood_for(after.steps - before.steps, after.charges - before.charges, times)
        for i, lst in enumerate(self.lists.values()):
            # The skipped iterations' items go before the last iteration's own, which the state
            # (now standing for the one before the final iteration) may still hold.
            start, end = before.lengths[i], after.lengths[i]
            last = lst.items[start:end]
            memory = interp.trace.memory if interp.trace is not None else None
            if i in substituted:
                # plain Knowns, watched texts among them (or a generator's tuples of them and
                # arrays): each skipped iteration's own values after the watched iteration's
                for run in values:
                    renamed = {}
                    lst.items.extend(_clone_all(last, renamed, run, self.generator is not None))
                    if memory is not None:
                        for old, new in renamed.items():
                            memory.copied(interp, old, new)
                continue
            clones = []
            for _ in range(times):
                renamed: dict = {}
                clones += _clone_all(last, renamed, None, self.generator is not None)
                if memory is not None:  # each clone holds as many bytes as what it copies
                    for old, new in renamed.items():
                        memory.copied(interp, old, new)
            if memory is not None and lst is self.made and self.generator is None:
                # A comprehension's items are alive as the operands of its expression (no name
                # holds them): the clones are, too, for the walks of the iterations still to run.
                for v in clones:
                    memory.read(interp, v)
            lst.items[start:end] = clones + last
        for table, old, new in ((result.calls, before.calls, after.calls),
                                (result.inclusive, before.inclusive, after.inclusive)):
            for key, value in new.items():
                grown = value - old.get(key, 0)
                if grown:
                    table[key] = table.get(key, 0) + grown * times
        if self.generator is not None:
            # One yield per iteration (``yielded_once``): the k-th skipped iteration's item left
            # the running totals k iterations' worth past where the last one's did.
            marks = self.generator.marks
            charges, used, inclusive, calls, unpriced = marks[-1]

            def shifted(table: dict, old: dict, new: dict, k: int) -> dict:
                out = dict(table)
                for key, value in new.items():
                    grown = value - old.get(key, 0)
                    if grown:
                        out[key] = out.get(key, 0) + grown * k
                return out

            for k in range(1, times + 1):
                marks.append((charges + k * (after.charges - before.charges), used + k * (after.used - before.used),
                              shifted(inclusive, before.inclusive, after.inclusive, k),
                              shifted(calls, before.calls, after.calls, k), unpriced))

    def yielded_once(self, before: _Probe, after: _Probe) -> bool:
        """A generator's loop: the iteration between the probes yielded one item, and its mark
        is the last (True for any other loop)."""
        if self.generator is None:
            return True
        i = list(self.lists.values()).index(self.made)
        return after.lengths[i] - before.lengths[i] == 1 and len(self.generator.marks) == len(self.made.items)




#: The name a comprehension's made list has in the loop it is watched as (no identifier: no
#: user code can load, store or shadow it).
_MADE = "<made>"
_INCOMPARABLE = ("<incomparable>",)  # an item whose form cannot be made (SteadyLoop.item_alone)
_LOOPS: "weakref.WeakKeyDictionary[ast.AST, ast.For]" = weakref.WeakKeyDictionary()
_WHILE_LOOPS: "weakref.WeakKeyDictionary[ast.AST, ast.For]" = weakref.WeakKeyDictionary()
#: The item of each iteration of a `while` loop watched as a `for` (its target is never read).
_NO_ITEM = Known(None)
_WHILE_TARGET = "<while>"


def _while_as_loop(node: ast.While) -> ast.For:
    """The `for` statement a `while` loop is watched as, made of its own nodes: `for <while> in
    ...: if not T: break` then its body (the names it loads and binds, its test's comparisons
    among them; made once per loop)."""
    loop = _WHILE_LOOPS.get(node)
    if loop is None:
        leave = ast.If(test=ast.UnaryOp(op=ast.Not(), operand=node.test), body=[ast.Break()], orelse=[])
        loop = _WHILE_LOOPS[node] = ast.For(target=ast.Name(id=_WHILE_TARGET, ctx=ast.Store()),
                                            iter=ast.Constant(value=None), body=[leave, *node.body], orelse=[],
                                            type_comment=None)
    return loop


def _as_loop(node: ast.expr) -> ast.For:
    """The `for` statement a comprehension with one `for` runs as, made of its own nodes:
    `for T in I: if C1: if C2: <made>.append(E)` (the names it loads, the comparisons of its
    counters, are those nodes; made once per comprehension)."""
    loop = _LOOPS.get(node)
    if loop is None:
        gen = node.generators[0]
        made = ast.Name(id=_MADE, ctx=ast.Load())
        body: list = [ast.Expr(value=ast.Call(func=ast.Attribute(value=made, attr="append", ctx=ast.Load()),
                                              args=[node.elt], keywords=[]))]
        for test in reversed(gen.ifs):
            body = [ast.If(test=test, body=body, orelse=[])]
        loop = _LOOPS[node] = ast.For(target=gen.target, iter=gen.iter, body=body, orelse=[], type_comment=None)
    return loop


_YIELDING: "weakref.WeakKeyDictionary[ast.AST, Optional[ast.For]]" = weakref.WeakKeyDictionary()


def _yields_as_appends(node: ast.For) -> Optional[ast.For]:
    """A loop whose yields are all `yield X` statements of its own body, as the loop that
    appends X to ``_MADE`` there instead (made of its own nodes); None for any other yield
    (nested in a statement, `yield from`, a yield's value used)."""
    if node in _YIELDING:
        return _YIELDING[node]
    body = []
    for stmt in node.body:
        if stmt.__class__ is ast.Expr and stmt.value.__class__ is ast.Yield and stmt.value.value is not None:
            made = ast.Name(id=_MADE, ctx=ast.Load())
            stmt = ast.Expr(value=ast.Call(func=ast.Attribute(value=made, attr="append", ctx=ast.Load()),
                                           args=[stmt.value.value], keywords=[]))
        body.append(stmt)
    loop = ast.For(target=node.target, iter=node.iter, body=body, orelse=[], type_comment=None)
    found = _YIELDING[node] = None if _yields(loop) else loop
    return found


def _kept_alike(older: Canon, before: Canon, after: Canon) -> bool:
    """Whether what ``older`` (the items a list got before the last iteration) holds is in the
    state after it only where it was in the state before it, at the same place of the two
    equal forms (`first = means[0]` kept from the first layer): the iteration left it where it
    was, and so would the skipped ones. An item that moved (`prev` holding the item before
    last) would be somewhere else after them."""
    for mine, theirs_before, theirs_after in ((older.idents, before.idents, after.idents),
                                              (older.objects, before.objects, after.objects)):
        for key in mine.keys() & theirs_after.keys():
            if theirs_before.get(key) != theirs_after[key]:
                return False
    return True


def _code_only(value) -> bool:
    """A module-level function with constant defaults and no attributes: nothing of it that an
    iteration could change but its attributes, which the state's form holds."""
    return value.__class__ is FunctionVal and value.closure is None and not value.attrs \
        and all(v.__class__ is Known for v in value.defaults) \
        and all(v.__class__ is Known for v in value.kw_defaults.values())


def _unfinished(generators: list) -> tuple:
    """Whether generator bodies ran on the path, and which have items left that the program has
    not taken (a generator consumed to the end has no effect after it)."""
    return bool(generators), tuple(id(g) for g in generators if g.consumed < len(g.items))


def _restocked(previous: _Probe, probe: _Probe) -> list:
    """The lists (ids) met at the same place of both walks, of the same length, holding more or
    fewer plain Knowns in the second."""
    before, after = previous.canon.list_leaves, probe.canon.list_leaves
    out = []
    for (a, la), (b, lb) in zip(previous.lists, probe.lists):
        if a is b and la == lb and id(a) in before and id(b) in after:
            (s, e), (t, f) = before[id(a)], after[id(b)]
            if e - s != f - t:
                out.append(id(b))
    return out


def _grown_dicts(previous: _Probe, probe: _Probe) -> list:
    """The dicts met at the same place of both walks that kept their keys, in order, and got
    new ones after them: keyed logs, if the watch sees only new keys added."""
    old, new = previous.canon.dicts, probe.canon.dicts
    if len(old) != len(new):
        return []
    return [b for (a, ka), (b, kb) in zip(old, new) if a is b and len(kb) > len(ka) and kb[:len(ka)] == ka]


def _equal_pattern(keys: list) -> tuple:
    """Which of ``keys`` equal an earlier one (the first position of each)."""
    first: dict = {}
    return tuple(first.setdefault(k, i) for i, k in enumerate(keys))


def _leaves_but(probe: _Probe, lists: list) -> list:
    """The plain Knowns a probe's walk met in the state, but those inside ``lists`` (ids)."""
    ranges = [probe.canon.list_leaves[key] for key in lists if key in probe.canon.list_leaves]
    return [leaf for i, leaf in enumerate(probe.leaves[:probe.item_from])
            if not any(a <= i < b for a, b in ranges)]


def _yields(node: ast.For) -> bool:
    """A loop in a generator's body hands an item out per iteration: skipped iterations
    would drop those items, so such a loop is never skipped."""
    found = _YIELDS.get(node)
    if found is None:
        found = _YIELDS[node] = any(isinstance(n, (ast.Yield, ast.YieldFrom))
                                    for n in ast_walk(ast.Module(body=node.body, type_ignores=[])))
    return found


_YIELDS: "weakref.WeakKeyDictionary[ast.AST, bool]" = weakref.WeakKeyDictionary()  # each loop is walked once


def _own_code(node: ast.For) -> bool:
    """Whether the loop's own code (calls of user functions apart, seen as they happen)
    reaches no global but by the names it loads: it imports nothing (a module's first import
    runs its code), defines no class (a class body runs at once), declares no global or
    nonlocal, and names no way into a module's namespace."""
    found = _OWN_CODE.get(node)
    if found is None:
        found = True
        for n in ast_walk(node):
            if isinstance(n, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.Global, ast.Nonlocal)) \
                    or isinstance(n, ast.Name) and (n.id in INTROSPECTION or n.id in _NAMESPACE_WAYS) \
                    or isinstance(n, ast.Attribute) and n.attr in _NAMESPACE_WAYS:
                found = False
                break
        _OWN_CODE[node] = found
    return found


_OWN_CODE: "weakref.WeakKeyDictionary[ast.AST, bool]" = weakref.WeakKeyDictionary()
_NAMESPACE_WAYS = frozenset({"__import__", "import_module", "modules", "__globals__", "__dict__", "__builtins__"})
#: In place of the modules' globals in a walk of a loop whose own code alone has run.
_OWN_CODE_ONLY = ("own code only",)


def _bound_form(canon: Canon, target: ast.expr, item, loaded: frozenset, counters: frozenset) -> Any:
    """``item`` as the target ``target`` unpacks it, keeping only the parts bound to loaded names
    (a counter's known int stands for any other: what is compared is checked apart)."""
    if isinstance(target, ast.Name):
        if target.id in counters and type(item) is Known and type(item.value) is int:
            return ("counter",)
        return canon.form(item) if target.id in loaded else ("unread",)
    parts = _unpacked(target, item)
    if parts is None:
        return canon.form(item)
    return ("unpacked", tuple(_bound_form(canon, e, v, loaded, counters) for e, v in zip(target.elts, parts)))


def _read_leaves(target: ast.expr, item, loaded: frozenset, out: list, counters: frozenset) -> bool:
    """Collect the parts of ``item`` bound to loaded names but counters; False where a part is taken whole."""
    if isinstance(target, ast.Name):
        if target.id in loaded and not (target.id in counters and type(item) is Known and type(item.value) is int):
            out.append(item)
        return True
    parts = _unpacked(target, item)
    return parts is not None and all(_read_leaves(e, v, loaded, out, counters) for e, v in zip(target.elts, parts))


def _bindings(target: ast.expr, item) -> list:
    """(Name node, value) for each name the target binds from the item, where ``_unpacked`` can tell.
    (A list, not a generator: asked for every item at every probe.)"""
    if isinstance(target, ast.Name):
        return [(target, item)]
    out: list = []
    _bind_into(target, item, out)
    return out


def _bind_into(target: ast.expr, item, out: list) -> None:
    if isinstance(target, ast.Name):
        out.append((target, item))
        return
    parts = _unpacked(target, item)
    for e, v in zip(target.elts, parts or ()):
        _bind_into(e, v, out)


def _unpacked(target: ast.expr, item) -> Optional[tuple]:
    """The parts a tuple target binds from an item, or None where the item is taken whole.

    Only tuples are unpacked (one cannot change between the probe and its iteration; a list
    could); a list, an array, a starred or attribute target, a length that does not match
    are compared whole."""
    if not isinstance(target, (ast.Tuple, ast.List)):
        return None
    for e in target.elts:
        if isinstance(e, ast.Starred):
            return None
    n = len(target.elts)
    if isinstance(item, TupleVal) and len(item.items) == n:
        return tuple(item.items)
    if isinstance(item, Known) and isinstance(item.value, tuple) and len(item.value) == n:
        return tuple(Known(x) for x in item.value)
    return None


_CHEAP: "weakref.WeakKeyDictionary[ast.AST, bool]" = weakref.WeakKeyDictionary()
_NOT_CHEAP = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
              ast.Lambda, ast.Yield, ast.YieldFrom, ast.Await, ast.FunctionDef, ast.AsyncFunctionDef,
              ast.ClassDef, ast.Try, ast.With, ast.Global, ast.Nonlocal)
_CHEAP_CALLS = frozenset({"len"})
_CHEAP_LAMBDA_CALLS = frozenset({"len", "int", "float"})


def _cheaper_to_run(node: ast.AST) -> bool:
    """Whether a function's calls cost less to run than to key: a body of a few statements
    that calls nothing but ``len`` and loops over nothing (a property returning
    ``len(self.alpha)``, a getter), or a lambda that calls nothing but ``len``, ``int`` and
    ``float`` (a sort key ``lambda j: float(v[j])``). Its key walks everything the call can read
    (the instance, its lists of arrays; the key's closure, at each of the thousand units
    `max(range(w), key=...)` asks about); running it reads an attribute or an item. Only the
    speed changes: a call that is not keyed runs, as a first call does."""
    cheap = _CHEAP.get(node)
    if cheap is None:
        lam = isinstance(node, ast.Lambda)
        body = [node.body] if lam else getattr(node, "body", None)
        calls = _CHEAP_LAMBDA_CALLS if lam else _CHEAP_CALLS
        cheap = _CHEAP[node] = (lam or isinstance(node, ast.FunctionDef)) and len(body) <= 3 and not any(
            isinstance(n, _NOT_CHEAP) or isinstance(n, ast.Call) and not (
                isinstance(n.func, ast.Name) and n.func.id in calls)
            for statement in body for n in ast_walk(statement))
    return cheap


def _as_width(item: Value) -> Value:
    """Chunk bounds ``(lo, hi)`` of known ints as ``(0, hi - lo)``: what a body that reads them
    only as their difference can tell of them (loop_syntax.bounds_read_as_width)."""
    if item.__class__ is Known:
        pair = item.__dict__["value"]
    elif item.__class__ is TupleVal and all(v.__class__ is Known for v in item.items):
        pair = tuple(v.__dict__["value"] for v in item.items)
    else:
        return item
    if pair.__class__ is tuple and len(pair) == 2 and pair[0].__class__ is int and pair[1].__class__ is int:
        return Known((0, pair[1] - pair[0]))
    return item


def _fills_once(fn) -> bool:
    """Whether ``fn`` is an lru_cache function whose table keeps every entry: a call of it that
    runs is a miss, and arguments that missed are in the table at every later call on the path,
    so its recursion runs each arguments once, keyed or not."""
    spec = fn.cache_spec
    return fn.cached and spec is not None and spec.known and spec.maxsize is None


def _near_power_of_two(i: int) -> bool:
    return i & (i - 1) == 0 or (i + 1) & i == 0


def _clone_all(items: list, renamed: dict, values: Optional[dict] = None, instances: bool = False) -> list:
    """Copies of one iteration's appended items with new identities (aliasing among them kept);
    ``renamed`` is filled with old identity -> new identity; ``values``: id(Known) -> the
    number a copy holds in its place (counters.CounterWatch.values_at)."""
    seen: dict = {}

    def clone(v):
        if isinstance(v, (Array, Unknown)) and v.counts is not None:
            raise Incomparable("a count of a mask")  # it names the mask by its identity
        if values is not None and v.__class__ is Known and id(v) in values:
            return Known(values[id(v)])
        if isinstance(v, (Known, Unknown, NumpyScalar)):
            return v
        if id(v) in seen:
            return seen[id(v)]
        if isinstance(v, Array):
            ident = renamed.setdefault(v.ident, fresh_ident())
            out = _renamed(v, ident)
        elif isinstance(v, TupleVal):
            out = TupleVal(tuple(clone(x) for x in v.items))
        elif _plain_list(v):
            out = ListVal([clone(x) for x in v.items])
        elif isinstance(v, DictVal):
            out = DictVal({k: clone(x) for k, x in v.items.items()}, v.factory)
            out.ordered = v.ordered
        elif instances and v.__class__ is InstanceVal and v.payload is None:
            # a generator's yielded object made in its iteration (`yield i, Moments(mu, var)`)
            out = InstanceVal(v.cls, {k: clone(x) for k, x in v.attrs.items()})
        else:
            raise Incomparable(type(v).__name__)
        seen[id(v)] = out
        return out

    return [clone(v) for v in items]


def _renamed(v: Array, ident: int) -> Array:
    """The same array under another allocation identity: what
    ``Array(v.shape, v.dtype, v.sym, ident, v.dtype_origin, v.vrange, None, v.plain, v.presumed)``
    makes, its fields set directly (one per skipped iteration's item: thousands per comprehension
    over a layer's units)."""
    out = object.__new__(Array)
    out.__dict__.update(shape=v.shape, dtype=v.dtype, sym=v.sym, ident=ident, dtype_origin=v.dtype_origin,
                        vrange=v.vrange, counts=None, plain=v.plain, presumed=v.presumed, counted=(), value=None,
                        fbounds=v.fbounds, sym_inferred=v.sym_inferred, was_tagged=v.was_tagged, view_of=v.view_of,
                        power=v.power)
    return out


def _renamed_keeping(v: Array, ident: int) -> Array:
    """``_renamed`` with the known elements kept: what an equal call returned (its key holds the
    elements of every array it read). A skipped iteration's copies drop them: each iteration may
    make other elements (``x * i``)."""
    out = _renamed(v, ident)
    out.value = v.value
    return out


if tuple(f.name for f in dataclasses.fields(Array)) != ("shape", "dtype", "sym", "ident", "dtype_origin", "vrange",
                                                        "counts", "plain", "presumed", "counted", "value",
                                                        "fbounds"):
    raise RuntimeError("Array's fields changed: _renamed sets each of them")  # fails at import, in every test




def stood_for(steps: int, charged: int, times: int = 1) -> int:
    """The steps the step limit counts for ``times`` skipped iterations of ``steps`` each
    that appended ``charged`` charges. Iterations that charge append their charges again, so
    the path's list grows as if they ran: every step counts. Iterations that charge nothing
    (a cost model's numeric loop) cost the analysis one step, and count one; a call that
    ran such a loop is recorded with the steps it counted, which its reuses count again."""
    return steps * times if charged else 1


def _names_of(node: ast.For) -> tuple[frozenset, frozenset]:
    """The names the loop body loads anywhere (nested functions included), and the target's names."""
    # Kept on the node, as lasting._names keeps its names (asked at every watch of the loop).
    cached = node.__dict__.get("_flopcast_loop_names")
    if cached is None:
        body = ast.Module(body=node.body, type_ignores=[])
        loaded, stored, receivers = set(), set(), set()
        loads: dict = {}
        for n in ast_walk(body):
            if isinstance(n, ast.Name):
                if isinstance(n.ctx, ast.Load):
                    loaded.add(n.id)
                    loads[n.id] = loads.get(n.id, 0) + 1
                else:
                    stored.add(n.id)
            if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
                loaded.add(n.target.id)  # `acc += x` reads acc
                stored.add(n.target.id)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" \
                    and isinstance(n.func.value, ast.Name) and len(n.args) == 1 and not n.keywords:
                receivers.add(id(n.func.value))
        appends: dict = {}
        for n in ast_walk(body):
            if isinstance(n, ast.Name) and id(n) in receivers:
                appends[n.id] = appends.get(n.id, 0) + 1
        appended = frozenset(k for k, c in appends.items() if c == loads.get(k) and k not in stored)
        # The names the target binds; the names its attributes and subscripts read (`self` in
        # `for self.x in ...`) are read at every iteration, like the body's.
        targets = frozenset(n.id for n in ast_walk(node.target) if isinstance(n, ast.Name)
                            and isinstance(n.ctx, ast.Store))
        loaded.update(n.id for n in ast_walk(node.target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
        cached = node._flopcast_loop_names = (frozenset(loaded), targets, appended - targets)
    return cached


_COMPARE_OPS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
                ast.Gt: operator.gt, ast.GtE: operator.ge}
#: Where a name's binding changes other than by storing to a Name node.
_BINDERS = (ast.ExceptHandler, ast.alias, ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.Global, ast.Nonlocal,
            ast.arg)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.GeneratorExp)
_COUNTERS: "weakref.WeakKeyDictionary[ast.AST, tuple]" = weakref.WeakKeyDictionary()


def _counters(node: ast.For) -> tuple[frozenset, dict]:
    """The loop's counters: names the target binds that the body loads only as a side of a
    one-operator order or equality comparison, alone or plus/minus an int literal (`i > 0`,
    `i + 1 < depth`), never in a nested function, class or generator, never bound otherwise;
    and those comparisons: node -> (name, whether the name is on the left, the literal added)."""
    cached = _COUNTERS.get(node)
    if cached is not None:
        return cached
    targets = {n.id for n in ast_walk(node.target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if any(isinstance(n, ast.Starred) for n in ast_walk(node.target)):
        targets = set()
    parents: dict = {}
    for parent in ast_walk(ast.Module(body=node.body, type_ignores=[])):
        for child in ast_children(parent):
            parents[child] = parent
    bad: set = set()
    compares: dict = {}
    for n in parents:
        if isinstance(n, _BINDERS):
            bad.update(_bound_names(n))
        if not (isinstance(n, ast.Name) and n.id in targets):
            continue
        if not isinstance(n.ctx, ast.Load):
            bad.add(n.id)
            continue
        side, offset = n, 0
        up = parents.get(n)
        if isinstance(up, ast.BinOp) and isinstance(up.op, (ast.Add, ast.Sub)):
            literal = up.right if up.left is n else up.left if isinstance(up.op, ast.Add) else None
            if not (isinstance(literal, ast.Constant) and type(literal.value) is int):
                bad.add(n.id)
                continue
            side, offset = up, literal.value if isinstance(up.op, ast.Add) else -literal.value
            up = parents.get(up)
        if not (isinstance(up, ast.Compare) and len(up.ops) == 1 and type(up.ops[0]) in _COMPARE_OPS):
            bad.add(n.id)
            continue
        on_left = up.left is side
        other = up.comparators[0] if on_left else up.left
        if up in compares or any(isinstance(m, ast.Name) and m.id in targets for m in ast_walk(other)):
            bad.add(n.id)
            continue
        scope = parents.get(up)
        while scope is not None and not isinstance(scope, _SCOPES):
            scope = parents.get(scope)
        if scope is not None:
            bad.add(n.id)
            continue
        compares[up] = (n.id, on_left, offset)
    counters = frozenset(name for name, _, _ in compares.values()) - bad
    compares = {c: v for c, v in compares.items() if v[0] in counters}
    cached = _COUNTERS[node] = (counters, compares)
    return cached


def _int_counters(target: ast.expr, items: list, counters: frozenset, compares: dict) -> tuple[frozenset, dict]:
    """The counters of this execution: a name only compared (``_counters``) is followed as a
    counter only where every item binds it to a known int. Bound to anything else (`for j in
    top:` over an array's items, `fnp.arange(w) == j`) its comparisons' answers cannot be worked
    out for the other items (``observe`` records None and nothing was ever skipped): it is then
    an ordinary part of the item, in the state's form and in the items compared."""
    bad: set = set()
    for item in items:
        ints = {name.id for name, value in _bindings(target, item)
                if value.__class__ is Known and value.__dict__["value"].__class__ is int}
        bad.update(counters - ints)  # bound to something else, or not bound (an item taken whole)
        if len(bad) == len(counters):
            break
    if not bad:
        return counters, compares
    kept = counters - bad
    return kept, {c: v for c, v in compares.items() if v[0] in kept}


def _bound_names(n: ast.AST) -> set:
    if isinstance(n, (ast.Global, ast.Nonlocal)):
        return set(n.names)
    if isinstance(n, ast.alias):
        return {n.asname or n.name.split(".")[0]}
    if isinstance(n, ast.arg):
        return {n.arg}
    name = n.rest if isinstance(n, ast.MatchMapping) else n.name
    return {name} if name else set()


# ---------------------------------------------------------------------------- calls


@dataclass
class _Recorded:
    """What one call of a user function did, to be done again for an equal call."""

    template: Any  # the returned value, in terms of the call's state (see _template)
    # Its charges: (the path's charge list, where they begin, where they end). Sliced at the
    # first reuse (``charges``): most calls recorded are never reused, and a recursion's
    # first calls made most of the path's charges.
    part: tuple
    used: int
    steps: int
    calls: dict  # (caller, callee) -> calls made inside
    inclusive: dict  # qualname -> FLOPs credited while the call ran
    outer: frozenset  # qualnames on the call stack below the call when it was recorded
    inner: frozenset  # qualnames of the function and of everything it called
    depth: int  # the interpreter's call depth at the call
    reentered: frozenset  # function nodes found recursive while it ran
    inner_keys: list  # recursion keys of the calls it made of functions that were on the stack (HeldKey: naming its state)
    allocated: Optional[int]  # bytes of the arrays allocated while it ran (None: memory not traced)
    peaks: Optional[tuple]  # its memory high-water marks over what was alive when it began (MemoryTracker.call_ended; None: not followed)
    loops: Optional[tuple]  # the loops its charges were made in inside it (Trace.call_loops; None: not traced)
    sizes: dict  # identity of an array it made and returned -> the bytes the memory tracker gave it
    cache_size: Optional[int]  # the lru_cache table's size, if the call read it (None: it did not)
    budget_used: Optional[int]  # the FLOPs spent when it began, if it asked the budget (None: it did not)
    # The lru_cache entries it added to a table that was empty when it began (CallMemo.cache_added):
    # (arguments' parts, keyword names, value template, owner) in the order it added them; None: it
    # added none. The owner is None for the called function's own table, else _CacheOwner.
    cache_added: Optional[tuple] = None
    cache_identity: bool = False  # it looked an entry up by identity or got a cached container (one it added)
    # With memory traced: identity of a view it made and returned -> its bases in order (_base_chain)
    view_bases: dict = field(default_factory=dict)
    # (site key, option) of each value-dependent site it consulted, in order: sites the path had
    # met before it (else it is not recorded for the path); a reuse consults them again, so that
    # a call recorded around it for other runs knows them (SharedCalls' consults). Its first
    # comparisons of known numbers are logged again for the same reason (formula.py reads them).
    answers: tuple = ()
    compares: tuple = ()
    # The generators whose bodies ran inside it and were used up there (Generators.spent): a reuse lists
    # them on the path as running it does, so the records that count or scan them stay alike.
    generators: tuple = ()
    # It consulted only its own function's lru_cache table, which held none of its entries when it
    # began (``cache_size`` then tells nothing of it): a reuse needs that table empty, not all.
    own_table: bool = False
    # How much more the tables' version moved in the call than the entries added (uses that moved
    # an entry, evictions), moved again by a reuse so that the version goes as a run's does.
    cache_moves: int = 0
    # The tests it settled without a site that a run answering per execution asks at one
    # (Interpreter.unasked): such a run reuses it only when none (CallMemo.per_execution_reuses).
    unasked: int = 0
    # (span, FLOPs spent) of each budget snapshot it read (RunResult.read_log): a reuse reads them again
    reads: tuple = ()
    _charges: Optional[list] = field(default=None, compare=False, repr=False)
    _tally: Optional[Tally] = field(default=None, compare=False, repr=False)  # made at its first reuse
    _cache_parts: Optional[tuple] = field(default=None, compare=False, repr=False)  # made at its first reuse

    def cache_parts(self) -> tuple:
        """``cache_added`` with each key's parts marked plain when they name no object of the
        state (``_key_template``): such parts are the key itself at every reuse."""
        if self._cache_parts is None:
            self._cache_parts = tuple((all(p[0] != "object" and p[0] != "tuple" for p in parts), parts, names, t, owner)
                                      for parts, names, t, owner in self.cache_added or ())
        return self._cache_parts

    @property
    def charges(self) -> list:
        if self._charges is None:
            made, start, end = self.part
            self._charges = made[start:end]  # the list only grows: these are still its charges
        return self._charges

    @property
    def count(self) -> int:
        """How many charges it made."""
        return self.part[2] - self.part[1]

    def tally(self) -> Tally:
        """Its charges' tally: added up from the path's (ChargeList.tally_between)."""
        if self._tally is None:
            made, start, end = self.part
            self._tally = made.tally_between(start, end) if isinstance(made, ChargeList) else tallied(self.charges)
        return self._tally


class CallMemo:
    """Reuses the effects of a call of a user function made again in an equal state.

    The state a call can read is its function (code, defaults, closure), its arguments,
    the module globals its code and the code they hold can reach (reach.py) and, when it
    asks the budget, the FLOPs spent. A call
    is recorded only when it leaves that state as it found it (it mutates nothing the
    caller could see), meets no new value-dependent site, adds no note, unpriced entry,
    lru_cache entry, and ends normally; an equal call then gets the same charges and calls
    and a copy of the result with new identities for what the call created.

    The path's lru_cache table is read only by a call of a cached function: a call that
    made none (the cost model a cached dynamic programme consults, whose table grows
    between its calls) is reused whatever the table holds; one that made some, only while
    the table has the size it had (it only grows on a path, so its size tells its content).
    A call that looked an object up in the table by its identity, or was handed a cached
    array or container (the same object at every hit), is not recorded: the table's content
    is not part of the canonical state, so an equal-looking call can miss where it hit. (One
    that began on an empty table looked up only entries it added: it is recorded, and a reuse
    adds them naming the objects of its own state, see ``_cache_added``.)

    The FLOPs spent are read the same way: a call that asked the budget (``current_budget()``,
    itself or in a callee) is reused only where as much has been spent; one that did not is
    reused whatever has been, so a program that asks the budget once, for a sample count,
    still reuses its recursive helpers.

    A key costs a walk of everything the call can read. A function whose calls were keyed
    ``UNREUSED`` times in a row without a reuse (a layer index among its arguments, a counter
    its object keeps) has its later calls keyed only around powers of two, until one is
    reused; a recursive function (one re-entered on the path) is always keyed, since a
    recursion not reused can take exponential time, unless its own lru_cache keeps every entry
    (``_fills_once``): a recursive planner filling its table runs each arguments once on a path,
    and its calls' keys (one walk of the planner's state each) were most of its first run. A
    call that is not keyed runs, as a first call does: only the speed changes.
    """

    UNREUSED = 16

    def __init__(self, interp, max_steps: int):
        self.interp = interp
        self.max_steps = max_steps
        # key -> {None, or the lru_cache table's size the call read: the entry}
        self.entries: dict = {}
        self.called: set = set()  # function objects called at least once on this path
        # Function nodes whose calls are recorded with their memory high-water marks: those of
        # which a replay was refused for its total allocation (following the marks costs walks
        # of the live arrays, and most recorded calls are never replayed where it matters).
        self._followed: set = set()
        # id of a recorded recursion key -> (the key, whether it names no object by id): a
        # deep recursion replays the same entries hundreds of times, each walking its keys.
        self._identity_free: dict = {}
        self._held_ids: dict = {}  # id of a recursion key -> (the key, the ids it names): held_keys.held
        # function node -> its calls keyed since one was last reused
        self._misses: dict = {}
        self._keyed = None  # the function node of the call last keyed
        # The calls recorded by the earlier runs of the same analysis (SharedCalls), when this
        # run may reuse them and record its own.
        self.shared: Optional[SharedCalls] = None
        self.run = 0  # this run's number among those sharing calls (its own are reused by CallMemo only)
        # The command's functions none of whose calls was recorded (futile.py), and how many
        # calls this run recorded.
        self._futility: Optional[Futility] = None
        self._recordings = 0
        self._open = 0  # calls begun (start) and not yet finished or abandoned

    def release(self) -> None:
        """The run is over: its recorded calls are freed now rather than with the cyclic garbage
        its interpreter leaves (SharedCalls.release). Only the speed changes."""
        self.entries.clear()

    def key(self, fn, args: list, kwargs: dict) -> Optional[tuple]:
        interp = self.interp
        if _cheaper_to_run(fn.node) and id(fn.node) not in interp._reentered \
                or is_generated(fn.node):
            return None  # (generated code's charges are filed at the call into it: not replayable)
        per_execution = interp.decisions.per_execution
        if per_execution and (self.shared is None or not self.shared.site_free_for(fn)):
            # it reuses only other runs' calls that consulted no site (per_execution_reuses): there
            # are none of this function, and its key is a walk of what the call can read
            return None
        first = id(fn) not in self.called
        if first:
            self.called.add(id(fn))
            if self.shared is None:
                return None  # a function called once needs no key (unless a later run may reuse it)
        else:
            misses = self._misses.get(fn.node, 0)
            if misses >= self.UNREUSED and not _near_power_of_two(misses) \
                    and (id(fn.node) not in self.interp._reentered or _fills_once(fn)):
                self._misses[fn.node] = misses + 1
                return None
        if id(fn.node) not in interp._reentered and self.futility().skip(fn, interp.trace is not None):
            return None
        self._keyed = None if first else fn.node
        # A generator's body makes its items as it runs: it is never shared across runs.
        canon = self.canon() if interp._starting_generator is None else None
        if canon is None:
            if first:
                return None
            canon = Canon(interp._nonzero_counts)
        with keying(interp.counter_watch) as reading:
            try:
                try:
                    form = self.form(canon, fn, args, kwargs)
                except _Unshared:
                    if first or per_execution:
                        return None
                    canon = Canon(interp._nonzero_counts)  # reused within this run only
                    form = self.form(canon, fn, args, kwargs)
            except (Incomparable, RecursionError):
                return None
        if reading.touched:
            # a number watched by a loop (counters.py): the call is not recorded, and counts as
            # a call keyed without a reuse (the keys made only around powers of two stay where
            # they are without watches)
            if not first:
                self._misses[fn.node] = self._misses.get(fn.node, 0) + 1
            self._keyed = None
            return None
        # the watches a reuse of the call fails (counters.keying.counted)
        canon.counted_watches = reading.counted
        # A function's first call on the path is only shared (as when calls are not: it is not
        # recorded among this run's own; a later equal call of the run reuses the shared entry,
        # replay_shared).
        canon.shared_only = first
        if type(canon) is _SharedWalk:
            canon.tracked = _tracked(self.memory(), canon)
            canon.call = (fn, args, kwargs)  # for its lasting key, made when needed
            canon.fills = fn.cached and not interp._cache_sizes.get((id(fn.node), id(fn)))  # (CallMemo.lasting_key)
        canon.fn = fn  # the function whose lru_cache entries a reuse adds (_apply)
        self.futility().keyed(fn, interp.trace is not None)
        around, caught = interp.handlers.flags()
        return (form, interp.metered, around, caught, self.counters()), canon

    def canon(self) -> Canon:
        """A walk of the call's state; comparable across runs when calls are shared."""
        counts = self.interp._nonzero_counts
        if self.shared is None:
            return Canon(counts)
        return _SharedWalk(counts, self.shared.classes(self.interp.program))

    def form(self, canon: Canon, fn, args: list, kwargs: dict) -> tuple:
        """The call's state: its function, its arguments and the module globals it can read:
        those its code names when it is closed over plain data (``_reads``), else those the
        code it can run names (reach.py), else every module's."""
        envs = self.interp.module_envs
        head = (canon.form(fn), tuple(canon.form(a) for a in args),
                tuple((k, canon.form(kwargs[k])) for k in sorted(kwargs)))
        canon.heads = (len(canon.objects), len(canon.idents))  # what the function and arguments hold
        # A method that reads a few plain attributes of its receiver by name: those, not its
        # class's every attribute and what they reach (receiver_reads.py).
        receiver = receiver_reads(fn, args, _plain) if args and not _plain(args[0]) else None
        reads = _reads(fn, args if receiver is None else args[1:], kwargs, envs, receiver)
        if reads is not None:
            head += (("reads", tuple((path, name, canon.form(envs[path][name]) if name in envs[path]
                                      else _MISSING_NAME) for path, name in reads)),)
            if receiver is None:
                return head
            return head + (("receiver", receiver.form(canon)),)
        # Not closed over plain data: the globals its code and the code its state holds can
        # read (reach.py), or, when that code reaches a namespace by name or a module object
        # was met, every module's.
        found, partial = reached(canon, envs)
        if found is not None and not canon.met_module:
            return head + (("reached", found),)
        # What the reach walk wrote out stays in the form: the walk of every module below
        # writes the objects it numbered (a dict a call fills) by their numbers only.
        return head + (("walked", found if found is not None else partial),
                       tuple((path, canon.names(envs[path])) for path in sorted(envs)))

    def _free(self, key) -> bool:
        known = self._identity_free.get(id(key))
        if known is None:
            # The key is kept with its answer, so its id cannot be reused by another object.
            known = self._identity_free[id(key)] = (key, _identity_free(key))
        return known[1]

    def _held_keys(self, keys: list, canon: Canon) -> list:
        """The recursion keys a call made, those naming objects of its state by their numbers in
        its walk (held_keys.py): a reuse in another equal state checks the keys it would make."""
        objects, ids_of = canon.objects, self._held_ids
        out = []
        for k in keys:
            if k.__class__ is Replayed:
                # the keys of a call reused inside this one (one written as recorded names the
                # recording's objects: kept as it is)
                out.extend(renumbered(h, k.by_object, objects) if h.__class__ is HeldKey else h for h in k.keys)
            else:
                out.append(k if len(k) == 1 or self._free(k) else held(k, objects, ids_of) or k)
        return out

    def counters(self) -> tuple:
        """The sizes of the path's append-only records (the lru_cache table's apart, see the class)."""
        interp, result = self.interp, self.interp.result
        return (len(result.unpriced), len(result.notes), len(result.uncertain), len(interp.decisions.seen),
                len(result.values), len(interp._nonzero_counts), len(interp._ran_generators))

    def replay(self, key: tuple, canon: Canon) -> Optional[Value]:
        node, self._keyed = self._keyed, None
        value = self._replay(key, canon)
        if value is not None:
            for watch in getattr(canon, "counted_watches", ()):
                watch.observed = True  # what the call read of a counted dict's keys, unseen
        if node is not None:
            self._misses[node] = 0 if value is not None else self._misses.get(node, 0) + 1
        if value is not None:
            self.futility().reused(canon.fn, self.interp.trace is not None)
        return value

    def _replay(self, key: tuple, canon: Canon) -> Optional[Value]:
        slot = None if canon.shared_only or self.interp.decisions.per_execution else self.entries.get(key)
        if slot is None:
            return self.replay_shared(key, canon) if type(canon) is _SharedWalk else None
        interp = self.interp
        size, used = interp.cache_version, interp.used
        entry = slot.get((None, None)) or slot.get((size, None)) or slot.get((None, used)) or slot.get((size, used))
        if entry is None or interp.call_depth > entry.depth or interp.steps + entry.steps > self.max_steps:
            return None
        memory = self.memory()
        if memory is not None and entry.peaks is None and memory.may_hide_a_peak(interp, entry.allocated):
            # Run instead, and from now on record this function's calls with their marks.
            self._followed.add(interp.active_calls[-1][0])
            return None
        value = self._apply(entry, key, canon)
        if value is not None:
            interp.decisions.replayed(entry.answers)
            interp.compare_log.extend(entry.compares)
        return value

    def _apply(self, entry: "_Recorded", key: tuple, canon: Canon) -> Optional[Value]:
        """What running an equal call recorded as ``entry`` does, done again (None: it cannot be)."""
        interp = self.interp
        if interp.may_exhaust_inside(entry.used):
            return None  # the budget may run out inside the call, into a handler: run it
        if entry.own_table:
            if interp._cache_sizes.get((id(canon.fn.node), id(canon.fn))):
                return None  # it read only its own function's table, then empty
        elif entry.cache_size == 0 and interp._cache_results:
            return None  # it read an empty lru_cache table (across runs its size does not tell its content)
        memory = self.memory()
        outer = frozenset(interp.call_stack[:-1])
        if (entry.outer & entry.inner) - outer:
            return None  # what those functions were credited inside the call is not known apart
        # Endless recursion is a call repeating one on the stack: the calls made inside must
        # not repeat one of the calls below this one now.
        active = interp.active_calls[:-1]
        nodes = {k[0] for k in active}
        stack = None
        for k in entry.inner_keys:
            if k.__class__ is HeldKey:
                if k.key[0] in nodes:
                    # (as this state's objects make it: compared in the numbers of its walk)
                    if stack is None:
                        stack = stack_forms(active, canon.objects)
                    if stack is None or k.form() in stack:
                        return None
            elif k[0] in nodes and (len(k) == 1 or not self._free(k) or k in active):
                return None
        try:
            made: dict = {}
            value = _instantiate(entry.template, canon, made)
            # The entries the call added, made with the returned value (they may share parts with it).
            # (a key naming no object of the state is the recorded one as it stands: a planner's
            # table re-added on every later path is thousands of them)
            node, ident = id(canon.fn.node), id(canon.fn)
            owners: dict = {}  # _CacheOwner -> (node, identity) in this state
            added = [(((node, ident) if owner is None else owners.get(owner) or _owner_here(owner, canon, owners, interp))
                      + (parts if plain else _key_instance(parts, canon), names), _instantiate(t, canon, made))
                     for plain, parts, names, t, owner in entry.cache_parts()]
        except Incomparable:
            return None
        result = interp.result
        if entry.generators:
            interp._ran_generators.extend(entry.generators)
            interp.effects += len(entry.generators)
        if interp.trace is not None:
            interp.trace.call_replayed(entry.loops, len(result.charges), entry.count, interp.loops)
        result.charges.extend_counted(entry.charges, entry.tally())
        interp.used += entry.used
        interp.steps += entry.steps
        for k, v in entry.calls.items():
            result.calls[k] = result.calls.get(k, 0) + v
        total = entry.used
        for q in outer | {interp.call_stack[-1]} if total else ():
            result.inclusive[q] = result.inclusive.get(q, 0) + total
        for q in entry.inner - outer - {interp.call_stack[-1]}:
            if entry.inclusive.get(q):
                result.inclusive[q] = result.inclusive.get(q, 0) + entry.inclusive[q]
        interp._reentered |= entry.reentered
        if memory is not None:
            memory.allocated += entry.allocated  # a call recording this one allocated them too
            if entry.peaks:
                memory.replayed(interp, entry.peaks, interp.used - entry.used)
            side = memory.predict if interp.metered else memory.setup
            for part, ident in made.items():
                if isinstance(part, tuple) and part[0] == "ident":  # an array the call made: it holds its bytes
                    memory.sizes[ident] = entry.sizes[part[1]]
                    side.since += entry.sizes[part[1]]
            for view, chain in entry.view_bases.items():
                # A returned view keeps its bases alive: those the call made are made anew.
                ident = made[("ident", view)]
                for link in chain:
                    if link[0] == "new":
                        base = fresh_ident()
                        memory.sizes[base] = link[1]
                        side.since += link[1]
                    elif link[0] == "made":
                        base = made[("ident", link[1])]
                    else:
                        base = canon.by_ident[link[1]]
                    memory.bases[ident] = base
                    ident = base
        if entry.budget_used is not None:
            interp.budget_reads += 1  # what reuses this call asked the budget too
            interp.told_spent()
            for span, spent in entry.reads:  # (at the spends it read them at: it began where this one does)
                interp.result.read_log.append((spent_ranges.read_id(interp._read_counts, span), spent,
                                               len(interp.decisions.met)))
        if entry.cache_size is not None:
            interp.cache_lookups += 1  # what reuses this call read the table too
            if entry.own_table:  # (its own function's only)
                owner = (id(canon.fn.node), id(canon.fn))
                interp.cache_owner_lookups[owner] = interp.cache_owner_lookups.get(owner, 0) + 1
        if entry.cache_identity:
            interp.cache_identity_lookups += 1
        if added:  # in the order the call added them (joins walk them in order)
            # Only the table changes: the function's other marks need no update. ``_cache_uncertain``
            # names functions with an entry whose key may equal another (lru.is_certain), and no
            # such key is recorded (``_held_key`` refuses lru.UNCERTAIN parts). For the called
            # function's own entries, ``cache_bounded`` and ``program.cached_nodes`` are set by
            # ``call_cached`` around this very call (a cached function is called through it); for
            # another function's (_CacheOwner: recorded only when every table was empty as the call
            # began, reused only where they all are), ``_owner_here`` marks its table bounded, and
            # the recording run, of the same program, named its node.
            if owners:
                for k, v in added:
                    interp.cache_store(k, v)
            else:
                interp.cache_store_all((id(canon.fn.node), id(canon.fn)), added)
        interp.cache_version += entry.cache_moves
        interp.unasked += entry.unasked  # (a call recorded around this one settled them too)
        interp._cache_kept.extend(o for plain, parts, _, _, _ in entry.cache_parts() if not plain
                                  for o in _key_objects(parts, canon))
        if self._open and entry.inner_keys:  # (a call recorded around this one keeps them)
            interp.active_keys_seen.append(Replayed(entry.inner_keys, canon.by_object))
        return value

    def replay_shared(self, key: tuple, canon: Canon) -> Optional[Value]:
        """The effects of an equal call recorded by an earlier run of the analysis (SharedCalls),
        when every site it consulted was met on this path before and answered the same way, and
        the memory tracker (if any) can be handed on what running it would have made of it."""
        interp = self.interp
        watched = interp.decisions.watch
        for entry in self.shared.entries.get(SharedCalls.key(key), ()):
            recorded = entry.recorded
            # A call of this run that met sites first has no entry of its own in the run (its key
            # counted fewer sites than any later call's), nor has a function's first call (kept
            # only here): the shared one stands for it here too. (oo_folder's second call of
            # predict interpreted its planner's memoised programme again, as its first had.)
            if entry.first_met and not interp.decisions.share_first_met \
                    or entry.run == self.run and not entry.first_met and not entry.only_shared \
                    or watched and entry.consults \
                    or not self.per_execution_reuses(entry) \
                    or not _answers_alike(interp.decisions, entry) \
                    or interp.call_depth > recorded.depth or interp.steps + recorded.steps > self.max_steps \
                    or recorded.budget_used is not None and (recorded.budget_used != interp.used
                                                             or entry.budget != interp.budget
                                                             or interp.spent_ranges is not None) \
                    or interp.trace is not None and recorded.loops is None or not self.memory_allows(entry, canon):
                continue
            began = interp.used
            value = self._apply(recorded, key, canon)
            if value is None:
                return None
            memory = self.memory()
            if memory is not None and entry.largest[1] is not None:
                side = memory.predict if interp.metered else memory.setup
                if entry.largest[1][0] > side.largest:
                    side.largest, side.largest_span, side.largest_what = entry.largest[1]
            self._redo(entry, recorded, entry.entered, entry.history, began)
            return value
        return self.replay_lasting(key, canon)

    def _redo(self, entry: "_SharedEntry", recorded: "_Recorded", entered: tuple, history: tuple,
              began: int = 0) -> None:
        """What running a call shared from another run would have left in the path's records and
        logs; ``began``: the FLOPs the path had spent when the call began."""
        interp = self.interp
        inclusive = interp.result.inclusive
        for q in entry.credited | (set(interp.call_stack) if recorded.count else set()):
            inclusive.setdefault(q, 0)
        interp.result.entered.update(entered)
        interp.entered_log.extend(entered)
        compares = interp.result.compares
        for span, compared in entry.compares:
            compares.setdefault(span, compared)
        interp.compare_log.extend(entry.compares)
        for node, part in history:
            interp.steady_history.setdefault(node, [0, 0])[part] += 1
        interp.history_log.extend(history)
        decisions = interp.decisions
        for site_key, answer in entry.consults:
            met = entry.first_met.get(site_key)
            if met is not None and site_key not in decisions.chosen:
                # met first inside the call: the path meets it here, as running the call would
                decisions.choose(met[0], began + met[1])
            else:
                decisions.replayed(((site_key, answer),))

    def lasting_key(self, canon: Canon, adding: bool = False) -> Optional[tuple]:
        """The call's key among the calls kept across the command's analyses (lasting.py), made
        once per call; None when this run does not reuse them (it traces loops or memory: it
        only adds to them, ``adding``), the call has none, or its function's calls are seldom
        reused (LastingCalls.worth)."""
        store = self.shared.lasting
        if store is None or self.interp.trace is not None and not adding or canon.call is None:
            return None
        if canon.lasting is _UNSEEN:
            fn = canon.call[0]
            # A cached function called with an empty table (a dynamic programme's first call, which
            # fills it) is always keyed: few calls are, and reusing one saves the whole programme.
            worth = canon.fills or store.worth(fn)
            canon.lasting = lasting.key(self, *canon.call) if worth else None
        return canon.lasting

    def replay_lasting(self, key: tuple, canon: Canon) -> Optional[Value]:
        """The effects of an equal call another analysis of the command recorded (lasting.py)."""
        interp = self.interp
        found = self.lasting_key(canon)
        if found is None:
            return None
        store = self.shared.lasting
        for entry, program, heads, budget_read in store.found(found):
            recorded = entry.recorded
            if entry.run == self.run or not self.per_execution_reuses(entry) \
                    or interp.call_depth > recorded.depth or interp.steps + recorded.steps > self.max_steps \
                    or budget_read is not None and (budget_read != (interp.budget, interp.used)
                                                    or interp.spent_ranges is not None):
                continue
            moved = store.moved(entry, program, interp.program)
            if moved is None:
                continue
            reentered, inner_keys, entered, history = moved
            if reentered is not recorded.reentered:
                recorded = dataclasses.replace(recorded, reentered=reentered, inner_keys=inner_keys)
                recorded._charges, recorded._tally = entry.recorded.charges, entry.recorded.tally()
            value = self._apply(recorded, key, canon)
            if value is None:
                return None
            self._redo(entry, recorded, entered, history)
            store.reused(canon.call[0])
            return value
        return None

    def records(self, canon: Canon) -> bool:
        """Whether a keyed call that was not reused is recorded when it ends. A run answering per
        execution may answer a site apart at each execution: it records only for the other runs
        and its own later calls, and only calls that consulted no site (``_finish``), which run
        alike on every path. (oo_folder's per-execution runs interpreted its planner's memoised
        programme at each call of predict, and each run again.)"""
        return not self.interp.decisions.per_execution or type(canon) is _SharedWalk

    def per_execution_reuses(self, entry: "_SharedEntry") -> bool:
        """Whether this run may reuse a call recorded as ``entry`` (by another run, or by this one
        when it answers per execution: ``records``), as far as answering per execution goes. Such a
        run (Decisions.per_execution) may answer a site differently at each execution, so it reuses
        no other call of its own path; but a call that consulted no site and settled no test without
        one (``_Recorded.unasked``) runs alike on every path: run here it would make the same moves,
        charges and value, whatever the sites answer elsewhere. (riccati_filter's planner,
        interpreted whole by each of its per-execution runs before.)"""
        return not self.interp.decisions.per_execution or reusable_per_execution(entry)

    def memory_allows(self, entry: "_SharedEntry", canon: Canon) -> bool:
        """With memory traced, whether a call shared from another run can be handed to the
        tracker as running it would: it was recorded by a run that traced memory, with its
        high-water marks (a function of the call and of which arrays of its state the tracker
        knew, MemoryTracker.replayed) or with a total allocation that cannot make a new peak
        here (MemoryTracker.may_hide_a_peak, as for a call reused on its own path); the tracker
        has met every array of the call's state here as it had there (_tracked); and its largest
        allocation is known, or no larger than this path's largest so far (a run within one path
        meets the call's allocations before it reuses it: across paths, not)."""
        memory = self.memory()
        if memory is None:
            return True
        recorded = entry.recorded
        if recorded.allocated is None or entry.largest is None or not canon.tracked:
            return False
        if recorded.peaks is None and memory.may_hide_a_peak(self.interp, recorded.allocated):
            return False
        side = memory.predict if self.interp.metered else memory.setup
        return entry.largest[1] is not None or entry.largest[0] <= side.largest

    def start(self, fn) -> tuple:
        self._open += 1
        interp, result = self.interp, self.interp.result
        owner = (id(fn.node), id(fn))
        return (len(result.charges), interp.used, interp.steps, dict(result.calls), dict(result.inclusive),
                frozenset(interp._reentered), len(interp.active_keys_seen), self._peaks_started(),
                interp.cache_version, interp.cache_lookups, interp.cache_identity_lookups,
                interp.trace.call_started(interp.loops) if interp.trace is not None else None, interp.budget_reads,
                interp.effects, len(interp.decisions.answers), len(interp.entered_log), len(interp.compare_log),
                len(interp.history_log), self._largest(), interp.loop_effects,
                interp.counter_watch is None and not interp.counted_compares, len(interp.decisions.seen),
                len(interp.cache_handed),
                (interp.cache_owner_lookups.get(owner, 0), interp._cache_sizes.get(owner, 0), len(interp._cache_results)),
                interp.unasked, len(result.read_log))

    def _largest(self) -> Optional[int]:
        """The largest allocation so far on the side the call runs on (None: memory is not traced)."""
        memory = self.memory()
        if memory is None:
            return None
        return (memory.predict if self.interp.metered else memory.setup).largest

    def memory(self):
        trace = self.interp.trace
        return trace.memory if trace is not None else None

    def _peaks_started(self) -> Optional[tuple]:
        """The bytes allocated so far, and the memory tracker's record of the call's high-water
        marks if its function's calls are followed (None: memory is not traced)."""
        memory = self.memory()
        if memory is None:
            return None
        followed = self.interp.active_calls[-1][0] in self._followed
        return memory.allocated, memory.call_started(self.interp) if followed else None

    def _closed(self) -> None:
        """A call being recorded ended: with none left open, no mark reads the cached values
        handed out so far (their ids would pile up over a long run)."""
        self._open -= 1
        if not self._open:
            self.interp.cache_handed.clear()

    def abandon(self, marks: tuple) -> None:
        """The call begun at ``marks`` ended by an exception: nothing is recorded."""
        self._closed()
        if marks[7] is not None and marks[7][1] is not None:
            self.memory().call_ended(marks[7][1])

    def futility(self) -> Futility:
        if self._futility is None:
            self._futility = futility(self.interp.program)
        return self._futility

    def finish(self, key: tuple, canon: Canon, marks: tuple, fn, args: list, kwargs: dict, value) -> None:
        before = self._recordings
        try:
            self._finish(key, canon, marks, fn, args, kwargs, value)
        finally:
            self._closed()
        recorded = self._recordings != before
        if recorded or not self.interp.decisions.per_execution:
            # (a run answering per execution records only calls that consulted no site: its others
            # tell nothing of whether the function's calls can be recorded on the other paths)
            self.futility().ended(fn, self.interp.trace is not None, recorded)

    def _finish(self, key: tuple, canon: Canon, marks: tuple, fn, args: list, kwargs: dict, value) -> None:
        interp, result = self.interp, self.interp.result
        charges, used, steps, calls, inclusive, reentered, keys_seen, started, cache_size, lookups, \
            by_identity, loops, budget_reads = marks[:13]
        effects, answers, entered, compares, history, largest, loop_effects, outside_loops, seen, handed, \
            (own_lookups, own_entries, length), unasked, reads_from = marks[13:]
        allocated = peaks = None
        if started is not None:
            allocated = self.memory().allocated - started[0]
            peaks = self.memory().call_ended(started[1]) if started[1] is not None else None
        counters = self.counters()
        # A call that met sites the path had not met (and grew no other record) is shared only:
        # this path's later calls are keyed with the sites counted (_SharedEntry.first_met).
        met_sites = counters[3] != key[4][3]
        # Generators whose bodies ran inside the call (the list only grows within it): each was
        # made there (a generator is no part of a state that can be keyed, canonical.py) and, when
        # it is used up there, nothing after the call can read it (Generators.spent).
        ran = tuple(interp._ran_generators[key[4][6]:])
        if counters[:3] + counters[4:6] != key[4][:3] + key[4][4:6] or not all(map(interp.spent, ran)) \
                or met_sites and not interp.decisions.share_first_met:
            return
        # It consulted only its own function's table, which held none of its entries when it
        # began: what it found there it had added itself, whatever the other tables hold (a
        # planner's first call with its instance's cached factory's entry already in), as when
        # the tables were empty.
        own_table = interp.cache_lookups != lookups and own_entries == 0 \
            and interp.cache_lookups - lookups == interp.cache_owner_lookups.get((id(fn.node), id(fn)), 0) - own_lookups
        added = None
        if interp.cache_version != cache_size or interp.cache_identity_lookups != by_identity:
            # (a call that found an entry it had not added may return that entry's object, which
            # a reuse would make anew)
            added = _cache_added(interp, cache_size, length, fn, canon) if cache_size == 0 or own_table else None
            if added is None:
                return
        after = self.canon() if type(canon) is _SharedWalk else Canon(interp._nonzero_counts)
        with keying(interp.counter_watch) as reading:
            try:
                form = self.form(after, fn, args, kwargs)
                if form != key[0] or after.by_ident != canon.by_ident \
                        or any(a is not b for a, b in zip(after.by_object, canon.by_object)):
                    return  # the call changed what its caller can see (even to an equal-looking value)
                # With entries added, tuples are named by identity too: a cached tuple is the same
                # object at every hit, in the table and in what the call returned.
                template = _template(value, canon, added is not None)
                if len(interp.cache_handed) != handed and _holds_any(value, set(interp.cache_handed[handed:])):
                    return  # it returns a cached value: the same object at each hit, made anew by a reuse
                cache_template = None
                if added is not None:
                    cache_template = tuple((_key_template(k[2], canon), k[3], _template(v, canon, True), owner)
                                           for owner, k, v in added)
                    if any(_holds_array(t) for _, _, t, _ in cache_template):
                        return  # a cached array: its identity and memory are the tracker's, not replayed
            except (Incomparable, RecursionError):
                return
        if reading.touched:
            return
        sizes: dict = {}
        view_bases: dict = {}
        memory = self.memory()
        if memory is not None:
            made_idents = _made_idents(template)
            for ident in made_idents:
                sizes[ident] = memory.sizes.get(ident, 0)
                if ident in memory.bases:
                    view_bases[ident] = _base_chain(memory, ident, canon, made_idents)
        if loops is not None:
            loops = interp.trace.call_loops(loops, charges, len(result.charges), interp.loops)
            if loops is None:
                return
        inner_calls = {k: v - calls.get(k, 0) for k, v in result.calls.items() if v != calls.get(k, 0)}
        inner = frozenset({interp.call_stack[-1]} | {callee for _, callee in inner_calls})
        read_cache = cache_size if interp.cache_lookups != lookups else None
        read_budget = used if interp.budget_reads != budget_reads else None
        recorded = _Recorded(
            template, (result.charges, charges, len(result.charges)), interp.used - used, interp.steps - steps,
            inner_calls,
            {q: v - inclusive.get(q, 0) for q, v in result.inclusive.items() if v != inclusive.get(q, 0)},
            frozenset(interp.call_stack[:-1]), inner, interp.call_depth, frozenset(interp._reentered - reentered),
            self._held_keys(interp.active_keys_seen[keys_seen:], canon), allocated, peaks, loops, sizes, read_cache, read_budget,
            cache_template, interp.cache_identity_lookups != by_identity, view_bases,
            tuple(interp.decisions.answers[answers:]), tuple(interp.compare_log[compares:]), ran, own_table,
            cache_moves=interp.cache_version - cache_size - len(added or ()), unasked=interp.unasked - unasked,
            reads=tuple((rid[0], spent) for rid, spent, _ in result.read_log[reads_from:]))
        per_execution = interp.decisions.per_execution
        if not canon.shared_only and not met_sites and not per_execution:
            self.entries.setdefault(key, {})[(read_cache, read_budget)] = recorded
            self._recordings += 1
        # Effects a call's own loops made on themselves only (a watch of their numbers, comparisons of
        # their counters: begun and ended inside it, their first comparisons logged) leave nothing of
        # the path but what _redo does again; any other effect, or one met inside a loop watched
        # around the call, keeps it from being shared.
        # (each generator run counts one effect: those of ``ran`` are done again by a reuse)
        other_effects = interp.effects - effects - len(ran)
        own_effects = other_effects != 0 and outside_loops and interp.counter_watch is None \
            and not interp.counted_compares and other_effects == interp.loop_effects - loop_effects
        # Every function on the stack at a charge, even of 0 FLOPs, has an entry in the path's
        # roll-up: those the call ran must be known (one with an entry before the call and
        # credited nothing in it may have been on the stack at a charge of 0 FLOPs, or not).
        credited = {q for q in inner if q in result.inclusive and result.inclusive[q] != inclusive.get(q, 0)
                    or q not in inclusive and q in result.inclusive}
        # Across runs the table's size does not tell its content, but an empty table is empty,
        # and so is a function's own table that a reuse finds empty (_apply).
        if type(canon) is _SharedWalk and (read_cache in (None, 0) or own_table) and (other_effects == 0 or own_effects) \
                and canon.tracked \
                and all(q in credited or q not in inclusive for q in inner - {interp.call_stack[-1]}):
            if memory is not None:
                # The call's largest allocation: known when it was the path's new largest, else
                # no larger than the path's largest when it began.
                side = memory.predict if interp.metered else memory.setup
                largest = (largest, (side.largest, side.largest_span, side.largest_what)
                           if side.largest > largest else None)
            decisions = interp.decisions
            entry = _SharedEntry(
                recorded, tuple(dict(decisions.answers[answers:]).items()), tuple(interp.entered_log[entered:]),
                _first_per_span(interp.compare_log[compares:]), tuple(interp.history_log[history:]), largest, self.run,
                frozenset(credited), interp.budget,
                {site.key: (site, decisions.spent[site.key] - used) for site in decisions.seen[seen:]},
                canon.shared_only or per_execution)  # (such a run has no entries of its own: records)
            if per_execution and not reusable_per_execution(entry):
                return
            self.shared.add(key, entry, fn)
            self._recordings += 1
            # Kept for the command's other analyses only when it consulted no site: a site's
            # options there may stand for other values; and ran no generator, whose spans are
            # this program's.
            found = None if entry.consults or ran else self.lasting_key(canon, adding=True)
            if found is not None and _refers_within(template, canon.heads) \
                    and all(link[0] != "old" or link[1] < canon.heads[1] for chain in view_bases.values()
                            for link in chain) \
                    and all(_refers_within(t, canon.heads) and _key_within(parts, canon.heads)
                            and owner is None for parts, _, t, owner in cache_template or ()):
                self.shared.lasting.add(found, entry, interp.program, canon.heads, _budget_read(entry), fn,
                                         reusable_per_execution(entry))


def reusable_per_execution(entry: "_SharedEntry") -> bool:
    """Whether a run answering per execution may reuse the recorded call ``entry``: it consulted no
    site and settled no test without one (CallMemo.per_execution_reuses)."""
    return not entry.consults and not entry.recorded.unasked


def _answers_alike(decisions, entry: _SharedEntry) -> bool:
    """Whether a path with ``decisions`` answers every site a shared call consulted as the run
    that recorded it did: at the sites this path has met, by its choices; at those the recording
    met first inside the call and this path has not met, by the option it would choose there."""
    chosen = decisions.chosen
    for site_key, answer in entry.consults:
        got = chosen.get(site_key, _UNSEEN)
        if got is _UNSEEN:
            met = entry.first_met.get(site_key)
            if met is None or decisions.would_choose(met[0]) != answer:
                return False
        elif got != answer:
            return False
    return True


def _first_per_span(compares: list) -> tuple:
    """The first comparison made at each span, in the order made: all a reuse does with a call's
    comparisons is keep the first at each span (``_redo``), and a call whose loop compares at one
    span thousands of times (quantile_gram's) was handed all of them at every reuse."""
    first: dict = {}
    for span, compared in compares:
        if span not in first:
            first[span] = compared
    return tuple(first.items())


def _tracked(memory, canon: Canon) -> bool:
    """Whether the memory tracker (if traced) has met every array of a call's state. One met
    first inside the call is taken there as an input (0 bytes), or, first met as what a call
    or an operator returned, as allocated: the call's high-water marks depend on which arrays
    the tracker knew when it began, so a call is shared only between states where it knew all."""
    if memory is None:
        return True
    sizes = memory.sizes
    return all(ident in sizes for ident in canon.by_ident if ident.__class__ is int)


class _Unshared(Incomparable):
    """A state the walk of shared calls cannot name across runs (CallMemo falls back to Canon)."""


class _SharedWalk(Canon):
    """The canonical walk of calls shared across runs: each run makes its classes anew, so a
    class is named by its statement (joins.py does the same), which must be one that runs once a
    run (within a run, the statement then names one class, as its object did)."""

    def __init__(self, counts: dict, classes: frozenset) -> None:
        super().__init__(counts)
        self.classes = classes
        self.tracked = True  # whether the memory tracker (if any) had met every array of the state (_tracked)
        self.call: Optional[tuple] = None  # (function, arguments, keywords) of the call keyed
        self.lasting = _UNSEEN  # its lasting key (CallMemo.lasting), once made
        self.fills = False  # a call of a cached function with an empty lru_cache table
        self.heads = (0, 0)

    def definition(self, cls):
        if cls is None:
            return None
        node = cls.node if cls.node is not None else cls.made_by
        if node not in self.classes:
            raise _Unshared("a class made at run time, or by a statement that may run more than once")
        return id(node)


@dataclass
class _SharedEntry:
    """A recorded call, with what else running it did to the path (see SharedCalls)."""

    recorded: _Recorded
    consults: tuple  # (site key, the option this path took there) of every site the call consulted
    entered: tuple  # the function nodes whose bodies ran
    compares: tuple  # (span, comparison) of the first comparison of two known numbers at each span, in order
    history: tuple  # (loop statement, 0: watched / 1: skipped) of the steady-loop watches made
    # With memory traced: the path's largest allocation when the call began, and the call's
    # largest (bytes, span, what) when it was larger than that, else None; None: not traced.
    largest: Optional[tuple]
    run: int  # the number of the run that recorded it
    credited: frozenset  # the functions it ran that were on the stack at a charge
    budget: int  # the budget of the analysis that recorded it (a call that asked the budget read it)
    # site key -> (the site, the FLOPs the call had spent when it met it) of the sites the recording
    # path met first inside the call: a path that has not met them yet may reuse the call when it
    # would answer them as the recording did (_answers_alike)
    first_met: dict
    # a function's first call on its run's path, kept for the other runs only (CallMemo.key): its
    # run has no entry of its own for it, so this one stands for it there too
    only_shared: bool = False


class SharedCalls:
    """Calls recorded by the runs of one analysis (one program at one point, the same options),
    reused by its later runs: every path re-runs the program from the start, and the calls
    made before (and after) the sites where paths part are equal calls.

    Within a run a recorded call is reused by CallMemo, whose records only grow along the path.
    Across runs they do not, so a call is shared only when it wrote and read nothing of the
    path beyond the canonical state (no note, unpriced entry, uncertainty, count of a mask,
    integer read from data, generator run but one used up inside it (Generators.spent: a reuse
    lists it again), lru_cache lookup, import through a hook, comparison watched by a loop:
    ``Interpreter.effects`` did not move, but for those generators), and it is reused only on a path
    that met every site the call consulted before, with the same options. What else running it
    does to the path (functions entered, first comparisons, loop watches) is done again; what it
    interpreted is not (``RunResult.work`` counts what the run executed)."""

    #: The most recordings kept for one call state (each for other options at its sites).
    PER_KEY = 8

    def __init__(self, lasting: Optional[lasting.LastingCalls] = None,
                 earlier: Optional["SharedCalls"] = None) -> None:
        # ``earlier``: the calls of the same analysis made with other values analysed at (the
        # counts of a selection, integers read from data: api.run_point explores again with each
        # set). Those values are read only at the sites they are for, so a call that consulted no
        # site is the same call with any of them: it starts this set's records. (riccati_filter's
        # planner, 40,000 memoised calls at 1024x16 made before any site, was interpreted again
        # in full by the first run of every set.)
        self.entries: dict = {} if earlier is None else {
            key: kept for key, found in earlier.entries.items() if (kept := [e for e in found if not e.consults])}
        # The function nodes with a recorded call a run answering per execution may reuse
        # (CallMemo.per_execution_reuses): such a run keys no other function's calls. (Those of
        # ``earlier`` consulted no site: all kept above.)
        self.site_free: set = set() if earlier is None else set(earlier.site_free)
        self._classes: tuple = (None, frozenset())  # (the modules they were read from, the statements)
        # The calls kept across the analyses of the command (lasting.py), when it keeps them.
        self.lasting = lasting

    def attach(self, memo: CallMemo) -> None:
        """Let a new run's calls reuse (and add to) the calls recorded here."""
        memo.shared, memo.run = self, next(_RUNS)

    def classes(self, program) -> frozenset:
        """The class statements each run executes once: at a module's top level, or in such a
        class's body (of the modules loaded so far: sibling modules are loaded at their import);
        and the calls a module's top-level assignments make (`Moments = namedtuple(...)`), each
        of which makes one class a run too."""
        modules = tuple(program.modules)
        if self._classes[0] != modules:
            found: set = set()
            todo = [n for m in program.modules.values() for n in m.tree.body]
            found.update(n.value for n in todo if isinstance(n, (ast.Assign, ast.AnnAssign))
                         and isinstance(n.value, ast.Call))
            while todo:
                n = todo.pop()
                if isinstance(n, ast.ClassDef):
                    found.add(n)
                    todo.extend(n.body)
            self._classes = (modules, frozenset(found))
        return self._classes[1]

    @staticmethod
    def key(memo_key: tuple) -> tuple:
        """CallMemo's key without the sizes of the path's records (the state, whether metered, in
        a try, in one that may catch MemoryError and each exception of Python's arithmetic)."""
        return memo_key[0], memo_key[1], memo_key[2], memo_key[3]

    def site_free_for(self, fn) -> bool:
        """Whether a call of ``fn`` recorded here, or by another analysis of the command, may be
        reused by a run answering per execution."""
        return fn.node in self.site_free or self.lasting is not None and self.lasting.site_free_for(fn)

    def release(self) -> None:
        """The analysis is over: no run reuses these calls any more (those kept for the command's
        other analyses are in ``lasting``, which holds the entries themselves). Their keys are freed
        now: the runs' interpreters hold this object in reference cycles, so otherwise the keys (up
        to a few hundred thousand tuples an analysis) wait for a collection of the cyclic garbage,
        where each is walked and freed again and again (a fifth of flag_portfolio's `analyze`)."""
        self.entries.clear()

    def add(self, memo_key: tuple, entry: _SharedEntry, fn) -> None:
        if reusable_per_execution(entry):
            self.site_free.add(fn.node)
        found = self.entries.setdefault(self.key(memo_key), [])
        # The entries of calls that met sites first are kept apart: only some paths may reuse them
        # (Decisions.share_first_met), and the others find what they found without them.
        kin = [e for e in found if bool(e.first_met) == bool(entry.first_met)]
        if len(kin) < self.PER_KEY and all(e.consults != entry.consults
                                           or e.recorded.budget_used != entry.recorded.budget_used for e in kin):
            found.append(entry)


def _budget_read(entry: _SharedEntry) -> Optional[tuple]:
    """What of the budget a recorded call read: None, or the budget and the FLOPs spent."""
    used = entry.recorded.budget_used
    return None if used is None else (entry.budget, used)


#: Run numbers, unique in the process: calls kept across analyses (lasting.py) name their run.
_RUNS = itertools.count(1)


# ---------------------------------------------------------------------------- closed functions

#: Builtins that run no user code on plain data and read nothing but their arguments.
_PURE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "complex", "dict", "divmod", "enumerate", "float", "frozenset", "int", "isinstance",
    "len", "list", "max", "min", "pow", "range", "reversed", "round", "set", "slice", "sorted", "str", "sum", "tuple",
    "zip", "True", "False", "None", "NotImplemented", "Ellipsis", "bin", "oct", "hex", "chr", "ord", "ascii",
})
#: Library modules whose functions read nothing of the program but their arguments.
_PURE_LIBRARIES = frozenset({"flopscope", "py:math", "py:cmath", "py:itertools", "py:operator", "py:functools",
                             "py:statistics"})
#: Statements and expressions that open a scope or reach state beyond a function's arguments and globals.
#: (A lambda is not one: its body is walked as a comprehension's, below.)
_OPEN_NODES = (ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
               ast.ClassDef, ast.Yield, ast.YieldFrom, ast.Await)
_BUILTIN_NAMES = frozenset(dir(builtins))


def _reads(fn, args: list, kwargs: dict, envs: dict, receiver: Optional[ReceiverReads] = None) -> Optional[list]:
    """The module globals (path, name) a call can read, when the function is closed over plain
    data: its code (and that of every module function it names, transitively) opens no scope,
    imports nothing, declares no global, names no builtin that reads or runs more than its
    arguments, and every module global it names is plain data (known values, arrays and
    containers of them, pure library functions) or such a function; the arguments and the
    defaults are plain data too. Then no user code runs but those functions (no method, no
    dunder of an instance), and a global the code does not name cannot be reached. None when
    the function is not closed: the key then holds every module's globals.

    ``receiver``: what a method reads of its receiver (receiver_reads.py), whose ``super()``
    loads found methods that run too (``callees``, walked here as functions the code names);
    there, and in the method, each ``super`` the code names was resolved by the key, so it must
    be the builtin (no global of that name)."""
    if not all(_plain(a) for a in args) or not all(_plain(v) for v in kwargs.values()):
        return None
    reads: set = set()
    todo, seen = [fn] if receiver is None else [fn, *receiver.callees], set()
    resolved = () if receiver is None else {id(f) for f in todo}
    while todo:
        f = todo.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        code = _closed_code(f.node)
        if code is None or f.closure is not None or f.module is None or f.module.key not in envs \
                or not all(_plain(v) for v in f.defaults) or not all(_plain(v) for v in f.kw_defaults.values()):
            return None
        env = envs[f.module.key]
        loads, unresolved_ok = code
        for name in loads:
            reads.add((f.module.key, name))  # absent now, it is in the key as absent
            if name == "super" and id(f) in resolved:
                if name in env:
                    return None
                continue
            if name not in env:
                if name not in unresolved_ok:
                    return None
                continue
            value = env[name]
            if type(value) is FunctionVal:
                todo.append(value)
            elif not _plain(value):
                return None
    return sorted(reads)


def _plain(value, depth: int = 0) -> bool:
    """Data no user code hides behind: known values, arrays, unknown scalars, containers of
    them (at most a few levels deep), pure library functions and dtypes."""
    cls = value.__class__
    if cls is Known or cls is Array or cls is NumpyScalar or cls is Unknown or cls is DTypeRef:
        return True
    if cls is LibRef:
        return value.path.split(".")[0] in _PURE_LIBRARIES
    if cls is Builtin:
        return value.name in _PURE_BUILTINS
    if depth >= 4:
        return False
    if cls is TupleVal or cls is ListVal:
        return all(_plain(v, depth + 1) for v in value.items)
    if cls is DictVal:
        return value.factory is None and all(_plain(v, depth + 1) for v in value.items.values())
    return False


def _closed_code(node) -> Optional[tuple]:
    """For a function's code: the names it loads other than its parameters, and which of them
    may resolve to no module global (a local it assigns, a pure builtin, an exception class);
    None when the code opens a scope, imports, declares a global or yields. A lambda in it is
    read as a comprehension is: its body's loads are the function's, and its parameters, like a
    comprehension's targets, are names that may resolve to no global (kept in the loads, so that
    a global of the same name the function also reads stays in the key)."""
    # Kept on the node (names only): asked for every function a call key reaches, at every key.
    cached = node.__dict__.get("_flopcast_closed", _UNSEEN)
    if cached is not _UNSEEN:
        return cached
    body = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
    params = _parameters(node.args)
    loads, stores, found = set(), set(), None
    for n in (n for part in body for n in ast_walk(part)):
        if isinstance(n, _OPEN_NODES):
            break
        if isinstance(n, ast.Lambda):
            stores |= _parameters(n.args)
        elif isinstance(n, ast.Name):
            (loads if isinstance(n.ctx, ast.Load) else stores).add(n.id)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            loads.add(n.target.id)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            stores.add(n.name)
    else:
        loads -= params
        ok = frozenset(name for name in loads if name in _PURE_BUILTINS or _exception_name(name)
                       or name in stores and name not in _BUILTIN_NAMES)
        found = (tuple(sorted(loads)), ok)
    node._flopcast_closed = found
    return found


def _parameters(a: ast.arguments) -> set:
    return {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs} | {p.arg for p in (a.vararg, a.kwarg) if p}


def _exception_name(name: str) -> bool:
    return name in _BUILTIN_NAMES and name.endswith(("Error", "Exception", "Warning"))


_UNSEEN = object()


def _identity_free(key) -> bool:
    """Whether a recursion key (interpreter.signature parts) names no object by its id()."""
    if isinstance(key, tuple):
        if len(key) >= 2 and key[0] in ("I", "O"):
            return False
        return all(_identity_free(k) for k in key)
    return True


def _cache_added(interp, version: int, length: int, fn, canon: Canon) -> Optional[list]:
    """The lru_cache entries a call of ``fn`` added, as (owner, key, value) in order, when it can
    be replayed by adding them again; None otherwise. Their keys' arguments must be plain or
    objects of the call's state (a method's ``self``: a reuse names them by the number the walk
    of its equal state gives them). (Called when every entry it found it had added: the tables,
    or its own function's that alone it consulted, were empty when it began.)

    When some tables held entries (``version`` above 0), it must only have added entries (none
    evicted or moved: the tables' changes since ``version`` are the entries past the ``length``
    they had), every one ``fn``'s own (owner None). When every table was empty (``version`` 0),
    what they hold now is what it added, in the order a reuse adds it to tables that are empty
    too, whatever it moved or evicted meanwhile; then an entry may also be another function's
    (_CacheOwner): one of the call's state (a cost model a planner consults), or one the call
    made (the lru_cache'd closure of a planner's recursion), which nothing after the call can
    look up, and whose entries a reuse files under a new stand-in of it."""
    table = interp._cache_results
    if version and interp.cache_version - version != len(table) - length:
        return None
    node, ident = id(fn.node), id(fn)
    added: list = []
    made: dict = {}  # (node, identity) of a function the call made -> its _CacheOwner
    for key, value in itertools.islice(table.items(), length, None):
        if not _held_key(key[2], canon):
            return None
        if key[0] == node and key[1] == ident:
            owner = None
        elif version:
            return None
        elif key[1] in canon.objects:
            owner = _CacheOwner(key[0], canon.objects[key[1]], key[:2] in interp.cache_bounded)
        else:
            owner = made.get(key[:2])
            if owner is None:
                owner = made[key[:2]] = _CacheOwner(key[0], None, key[:2] in interp.cache_bounded, len(made))
        added.append((owner, key, value))
    return added


@dataclass(frozen=True)
class _CacheOwner:
    """The function whose lru_cache table a recorded call added an entry to, other than the one
    it called: the node of its definition, its number in the call's state (None: the call made
    it; ``made`` then tells the call's functions apart), and whether its table is bounded."""

    node: int
    number: Optional[int]
    bounded: bool
    made: int = 0


def _owner_here(owner: _CacheOwner, canon: Canon, owners: dict, interp) -> tuple:
    """The table of ``owner`` in the state of a call reusing the recording (``canon``): the
    function of the same number, or for one the recorded call made, a new stand-in (kept alive, so
    that its identity stays its own) whose table nothing else reads, as nothing reads the
    table of the function the run made."""
    if owner.number is not None:
        fn = canon.by_object[owner.number]
    else:
        fn = object()
        interp._cache_kept.append(fn)
    found = owners[owner] = (owner.node, id(fn))
    if owner.bounded:
        interp.cache_bounded.add(found)
    return found


def _held_key(parts: tuple, canon: Canon) -> bool:
    """Whether an lru_cache key names by identity only objects the call's state holds."""
    return all(p[0] in ("K", "fast", "kw", "dtype", "lib") or p[0] == "id" and p[1] in canon.objects
               or p[0] == "tuple" and _held_key(p[1], canon) for p in parts)


def _key_template(parts: tuple, canon: Canon) -> tuple:
    """An lru_cache key (``_held_key``) with the objects it names by identity named by number."""
    return tuple(("object", canon.objects[p[1]]) if p[0] == "id" else ("tuple", _key_template(p[1], canon))
                 if p[0] == "tuple" else p for p in parts)


def _key_instance(parts: tuple, canon: Canon) -> tuple:
    """The key ``_key_template`` recorded, naming the objects of the reusing call's state."""
    return tuple(("id", id(canon.by_object[p[1]])) if p[0] == "object" else ("tuple", _key_instance(p[1], canon))
                 if p[0] == "tuple" else p for p in parts)


def _key_objects(parts: tuple, canon: Canon) -> list:
    """The objects of the reusing call's state a recorded key (``_key_template``) names."""
    return [o for p in parts for o in ([canon.by_object[p[1]]] if p[0] == "object"
                                        else _key_objects(p[1], canon) if p[0] == "tuple" else [])]


def _holds_any(value, idents: set, depth: int = 0) -> bool:
    """Whether ``value`` is, or holds in a container or an object, one of the objects ``idents``."""
    if id(value) in idents:
        return True
    if depth > 50:
        return True  # (deeper than any value a call returns: taken as holding one)
    items = value.items if isinstance(value, (TupleVal, ListVal)) else value.items.values() \
        if value.__class__ is DictVal else value.attrs.values() if value.__class__ is InstanceVal else ()
    return any(_holds_any(v, idents, depth + 1) for v in items)


def _parts(template) -> tuple:
    """The templates a container's template holds (none for the other kinds)."""
    kind = template[0]
    if kind == "tuple":
        return template[1]
    if kind == "list":
        return template[2]
    if kind in ("dict", "instance"):
        return template[3]
    return ()


def _holds_array(template) -> bool:
    return template[0] == "array" or any(_holds_array(t) for t in _parts(template))


def _key_within(parts: tuple, heads: tuple) -> bool:
    """Whether a recorded lru_cache key names only objects its function and arguments hold (as
    ``_refers_within``)."""
    return all(p[1] < heads[0] if p[0] == "object" else p[0] != "tuple" or _key_within(p[1], heads) for p in parts)


def _refers_within(template, heads: tuple) -> bool:
    """Whether a recorded call's returned value names only objects and array identities its
    function and arguments hold: numbered alike in every walk of an equal key (lasting.py)."""
    kind = template[0]
    if kind == "object":
        return template[1] < heads[0]
    if kind == "array":
        age, ident = template[2]
        return age == "new" or ident < heads[1]
    if kind == "instance" and template[2] >= heads[0]:
        return False  # its class
    return all(_refers_within(t, heads) for t in _parts(template))


def _template(value, canon: Canon, tuples: bool = False):
    """The returned value as a recipe: parts the call's state held are named by their canonical
    number; parts the call made are described, to be made anew at each reuse. ``tuples``: a
    tuple the call made is one object wherever it appears (else each appearance is made anew)."""
    if isinstance(value, (Array, Unknown)) and value.counts is not None:
        raise Incomparable("a count of a mask")  # it names the mask by its identity
    if value.__class__ is Known and isinstance(value.value, set):
        raise Incomparable("a set")  # a mutable object: each call makes its own (builtins.set_of)
    if isinstance(value, (Known, Unknown, NumpyScalar)) or value is None:
        return ("same", value)
    if id(value) in canon.objects:
        return ("object", canon.objects[id(value)])
    if isinstance(value, Array):
        ident = ("old", canon.idents[value.ident]) if value.ident in canon.idents else ("new", value.ident)
        return ("array", _renamed_keeping(value, value.ident), ident, id(value))
    if isinstance(value, TupleVal):
        items = tuple(_template(v, canon, tuples) for v in value.items)
        return ("tuple", items, id(value)) if tuples else ("tuple", items)
    if _plain_list(value):
        return ("list", id(value), tuple(_template(v, canon, tuples) for v in value.items))
    if value.__class__ is DictVal and value.factory is None and not value.ordered and all(map(_plain_key, value.items)):
        return ("dict", id(value), tuple(value.items), tuple(_template(v, canon, tuples) for v in value.items.values()))
    if value.__class__ is InstanceVal and value.payload is None:
        # An object the call made (`return Plan(...)`): made anew at each reuse, of the class the
        # state holds under the same number (the state's form names the class, hence the same one).
        cls = canon.objects.get(id(value.cls))
        if cls is None:
            raise Incomparable("an object of a class its state does not hold")
        return ("instance", id(value), cls, tuple(_template(v, canon, tuples) for v in value.attrs.values()),
                tuple(value.attrs))
    raise Incomparable(type(value).__name__)


def _plain_list(value) -> bool:
    """A list made anew as a plain list: not a deque, a set of objects or a dict's view (each
    is a ListVal that behaves otherwise)."""
    return value.__class__ is ListVal and not value.is_set and not value.unordered and value.view_of is None


def _plain_key(key) -> bool:
    """A dict key that is a Python value (not an object kept by identity: ObjKey)."""
    if key.__class__ is tuple:
        return all(map(_plain_key, key))
    return key.__class__ in (str, int, float, bool, type(None))


def _made_idents(template) -> list:
    """The identities of the arrays a call made that its returned value holds."""
    kind = template[0]
    if kind == "array":
        age, ident = template[2]
        return [ident] if age == "new" else []
    return [i for t in _parts(template) for i in _made_idents(t)]


def _base_chain(memory, ident: int, canon: Canon, made_idents: list) -> tuple:
    """The bases a returned view ``ident`` keeps alive, nearest first, as a replay makes them
    again: ("new", bytes) for an array the call made and did not return (made anew),
    ("made", identity) for one it returned too, ("old", number) for one of the call's state."""
    chain = []
    base = memory.bases[ident]
    while True:
        if base in made_idents:
            chain.append(("made", base))
            break
        if base in canon.idents:
            chain.append(("old", canon.idents[base]))
            break
        chain.append(("new", memory.sizes.get(base, 0)))
        if base not in memory.bases:
            break
        base = memory.bases[base]
    return tuple(chain)


def _instantiate(template, canon: Canon, made: dict):
    kind = template[0]
    if kind == "same":
        return template[1]
    if kind == "object":
        return canon.by_object[template[1]]
    if kind == "array":
        _, array, (age, ident), obj = template
        if obj in made:
            return made[obj]
        if age == "old":
            ident = canon.by_ident[ident]
        else:
            ident = made.setdefault(("ident", ident), fresh_ident())
        made[obj] = _renamed_keeping(array, ident)
        return made[obj]
    if kind == "tuple":
        if len(template) == 3:  # one object wherever it appears (_template's ``tuples``)
            key = ("tuple", template[2])
            if key not in made:
                made[key] = TupleVal(tuple(_instantiate(t, canon, made) for t in template[1]))
            return made[key]
        return TupleVal(tuple(_instantiate(t, canon, made) for t in template[1]))
    if kind == "list":
        if template[1] not in made:
            made[template[1]] = ListVal([_instantiate(t, canon, made) for t in template[2]])
        return made[template[1]]
    if kind == "dict":
        if template[1] not in made:
            made[template[1]] = DictVal(dict(zip(template[2], [_instantiate(t, canon, made) for t in template[3]])))
        return made[template[1]]
    if kind == "instance":
        if template[1] not in made:
            made[template[1]] = InstanceVal(canon.by_object[template[2]],
                                            dict(zip(template[4], [_instantiate(t, canon, made) for t in template[3]])))
        return made[template[1]]
    raise Incomparable(kind)
