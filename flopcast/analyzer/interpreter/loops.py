"""``for`` and ``while`` loops: unrolled, watched for a steady state, or bounded by budget.
"""

from __future__ import annotations

import ast
import weakref
from typing import Optional

from flopcast.analyzer import dunders, first_break, flags, open_loops
from flopcast.analyzer.counters import suspended
from flopcast.analyzer.endless import EndlessWatch
from flopcast.analyzer.grown_lists import GrownLists
from flopcast.analyzer.loop_syntax import (assigned_names, BUDGET_WORDS, caught_names, counted_while, exit_ifs,
                                           loop_relevance, mentions_budget, PURE_BUILTINS)
from flopcast.analyzer.renamed_state import DeepStates, only_objects_differ, RenamedStates, signed_past_depth
from flopcast.analyzer.repeats import SteadyLoop
from flopcast.analyzer.values import (Array, Builtin, DictVal, EndlessIter, fresh_ident, FunctionVal, GeneratorView,
                                      InstanceVal, Known, LazyIterator, LibRef, ListVal, NumpyScalar, PyGenerator,
                                      SeqIterator, Unknown, UserRaise, Value)
from flopcast.model import Span
from flopcast.syntax import ast_children, ast_walk
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.common import _MISSING, _has_yield
from flopcast.analyzer.interpreter.control import PathEnd, _Break, _Continue, _Return, _StopsAtUnknown
from flopcast.analyzer.interpreter.frames import Frame, LoopContext


class Loops:
    """The Interpreter's methods for ``for`` and ``while`` loops."""

    def directive_at(self, stmt: ast.stmt, header_end: ast.AST, kind: str):
        """The `# flopcast: <kind>` directive on a statement's header lines (a header may
        span several lines; the comment can sit on any of them)."""
        directives = self.frame.module.directives
        # Asked at every test of every `if` and loop: kept per statement (the nodes and the
        # module's directives outlive the run).
        key = (id(stmt), id(header_end), kind, id(directives))
        if key in self._directives:
            return self._directives[key]
        last = getattr(header_end, "end_lineno", None) or stmt.lineno
        body = getattr(stmt, "body", None)
        if isinstance(body, list) and body:
            last = max(last, body[0].lineno - 1)  # the `):` line of a header split over lines
        found = None
        for line in range(stmt.lineno, last + 1):
            directive = directives.get(line)
            if directive is not None and directive.kind == kind:
                found = directive
                break
        self._directives[key] = found
        return found

    def loop_limit(self, node) -> Optional[int]:
        header = node.test if isinstance(node, ast.While) else node.iter
        directive = self.directive_at(node, header, "iterations")
        return self.directive_int(directive, node) if directive is not None else None

    def enter_loop(self, node, limit: Optional[int]) -> LoopContext:
        ctx = LoopContext(node, self.frame, limit, exit_ifs(node))
        ctx.first_ident = ctx.pass_ident = fresh_ident()
        self.loops.append(ctx)
        if self.trace is not None:
            self.trace.loop_entered(ctx, self.node_span(node), len(self.result.charges))
        return ctx

    def stmt_For(self, node: ast.For) -> None:
        if node.iter.__class__ is ast.GeneratorExp:
            iterable = self.genexp_as_generator(node.iter)
            self._watch_genexp(iterable, node.iter)
        else:
            iterable = self.eval(node.iter)
        # the loop's FOR_ITER, placed at the whole statement, asks for each item
        saved, self.consumer = self.consumer, (self.frame, self.node_span(node))
        try:
            self._for_loop(node, iterable)
        finally:
            self.consumer = saved

    def _for_loop(self, node: ast.For, iterable: Value) -> None:
        # a generator expression made whole here whose next items read names the loop writes
        interleaved = self._interleaved_reads(node, iterable)
        limit = self.loop_limit(node)
        if iterable.__class__ is InstanceVal and limit is None:
            iterable = self._for_iterator(iterable, node)
        if isinstance(iterable, EndlessIter):
            self.for_endless(node, iterable, limit)
            return
        if isinstance(iterable, (PyGenerator, SeqIterator)):
            sources = [(iterable, iterable.consumed)]
        else:
            sources = iterable.sources if isinstance(iterable, GeneratorView) else []
        self._stepping_loop = node  # a user iterator it runs over may be stepped all at once
        deferred, self._deferred_errors = self._deferred_errors, []
        # map()/filter(): each item made when the loop asks for it (a break stops the calls)
        lazy = iterable if iterable.__class__ is LazyIterator and limit is None else None
        watched_sources = ()
        try:
            if lazy is not None:
                if lazy.seen:
                    from flopcast.analyzer.builtins import check_sources
                    from flopcast.analyzer.iterator_sources import source_state

                    seen = lazy.seen
                    check_sources(self, lazy, self.node_span(node.iter))
                    # map(f, fns) takes the list's items as the loop asks for them: a body that
                    # changes the list changes the items not taken yet (watched at each step)
                    watched_sources = [source_state(src) for src, _ in seen]
                items = lazy._made
                lazy.ready(lazy.consumed)
                del items[:lazy.consumed]
                lazy.consumed = 0
                sources = [(lazy, 0)]
            else:
                watched_sources = iterable.seen if isinstance(iterable, SeqIterator) else ()
                items = self.iterate(iterable, node.iter)
                if watched_sources:
                    # the lists and dicts an iterator reads (zip, enumerate, iter over them): a body that
                    # changes one changes what Python's iterator hands out next, or makes it raise
                    from flopcast.analyzer.iterator_sources import source_state

                    watched_sources = [source_state(src) for src, _ in watched_sources]
        finally:
            self._stepping_loop = None
            deferred, self._deferred_errors = self._deferred_errors, deferred
        truncated = False
        if items is None:
            if limit is not None:
                items = [Unknown("", self.node_span(node.iter), "loop item")] * limit
            else:
                self.record_uncertain(node, "loop", "the trip count depends on values; "
                                                    "add `# flopcast: iterations=N` to make it exact")
                self.unpriced(node, "loop", "the trip count depends on values; its body is not counted")
                self.forget_writes(node)
                return
        elif limit is not None and limit < len(items):
            # The directive says the body runs N times: the loop leaves early (a break).
            items, truncated = items[:limit], True
        if self._generator_changes and sources:
            self._refuse_early_state(node, sources)
        ctx = self.enter_loop(node, limit)
        ctx.items = items
        broke = False
        # a generator this loop takes items from is not used up until the loop ends (_used_up)
        looped = [gen for gen, _ in sources if gen.__class__ is PyGenerator]
        for gen in looped:
            gen.looping += 1
        if self.frame.generator is not None:
            ctx.feeding = tuple((gen, before) for gen, before in sources if gen.__class__ is PyGenerator)
        if self.decisions.per_execution or lazy is not None:
            steady = None
        elif self.frame.generator is not None and _yields_in(node):  # a generator's loop handing out items
            steady = SteadyLoop.watch_yielding(self, node, items, limits.MAX_STEPS)
        else:
            steady = SteadyLoop.watch(self, node, items, limits.MAX_STEPS)
        # A list the body changes (`for x in work: work.append(...)`, a pop, a store): Python's
        # iterator reads the live list at each step, by index; the loop follows it from the change on.
        live = iterable.items if iterable.__class__ is ListVal and not iterable.unordered and not iterable.is_set \
            and iterable.view_of is None and limit is None else None
        # A dict (or a view of it) whose size changes while the loop runs: Python's next item raises
        watched = iterable if iterable.__class__ is DictVal else iterable.view_of[0] \
            if iterable.__class__ is ListVal and iterable.view_of is not None else None
        watched_keys = list(watched.items) if watched is not None else None
        # a set likewise ("Set changed size during iteration")
        a_set = iterable.value if iterable.__class__ is Known and iterable.value.__class__ is set \
            else iterable.items if iterable.__class__ is ListVal and iterable.is_set else None
        set_size = len(a_set) if a_set is not None else 0
        skipped_any = False
        # a count of the items before the first whose test depends on values stops there (first_break.py)
        run = first_break.counted_run(node) if limit is None and lazy is None and not sources \
            and not self.decisions.per_execution else None
        ctx.counted = run if run is not None and first_break.counters_known(self, run) else None
        if ctx.counted is not None:
            self.unasked += 1
        # the items the loop started with: those after them the body appended (count_held)
        started = len(items)
        try:
            index = 0
            while True:
                if watched_sources and index:
                    self._watch_sources(node.iter, watched_sources, index < len(items), skipped_any)
                if live is not None and (len(live) != len(items) or index < len(live) and live[index] is not items[index]):
                    if skipped_any:
                        raise PathEnd(f"{self.node_span(node)}: the loop's list changes while it runs, after "
                                      "iterations flopcast accounted for at once; the cost after it is not counted",
                                      self.node_span(node))
                    items = ctx.items = list(live)
                    if steady is not None:
                        steady.close()
                        steady = None
                if lazy is not None:
                    # (the body's next() on the same iterator took items too: the loop goes on after them)
                    index = ctx.index = max(index, lazy.consumed)
                    lazy.ready(index + 1)
                if a_set is not None and index and len(a_set) != set_size:
                    raise UserRaise(self.node_span(node.iter), "RuntimeError: Set changed size during iteration")
                if watched is not None and index and len(watched.items) != len(watched_keys):
                    raise UserRaise(self.node_span(node.iter), "RuntimeError: dictionary changed size during iteration")
                if watched is not None and index and len(watched_keys) <= 256:
                    if list(watched.items) != watched_keys:
                        raise PathEnd(f"{self.node_span(node)}: the dict the loop runs over changes its keys while "
                                      "it runs; the cost after it is not counted", self.node_span(node))
                    if iterable is not watched:  # a view reads the values as they are now
                        from flopcast.analyzer.builtins import refresh_view

                        refresh_view(iterable)
                        items = ctx.items = iterable.items
                if index >= len(items):
                    break
                if interleaved is not None and index:
                    self._check_interleaved(interleaved)
                if self._generator_reads:
                    for source, before in sources:
                        if before + index and source.__class__ is PyGenerator:
                            self._check_generator_reads(source, self.node_span(node.iter))
                self.tick()
                ctx.index = index
                if lazy is not None:
                    lazy.consumed = index + 1
                self.assign(node.target, items[index])
                made = len(self.frame.generator.items) if ctx.feeding else 0
                skipped = steady.skip_from(index) if steady is not None else 0
                if skipped and ctx.feeding:
                    # (the items the skipped iterations yielded, one each: SteadyLoop.watch_yielding)
                    self.note_feeds(self.frame.generator, made, index)
                skipped_any = skipped_any or bool(skipped)
                if skipped:
                    # The iterations from `index` on repeat the last one: accounted for; run the next one.
                    if self.record_values:
                        steady.remember_skipped(index, skipped, limits.MAX_VALUES_PER_NAME)
                    index += skipped
                    ctx.index = index
                    self.assign(node.target, items[index])
                if ctx.counted is not None:
                    ctx.marks = first_break.Marks.of(self)
                answered = len(self.decisions.answers)
                try:
                    if self.run_loop_body(node.body):
                        broke = True
                        break
                except _StopsAtUnknown:
                    first_break.stop(self, node, ctx.counted, items, index)
                    broke = True
                    break
                if live is not None and index >= started:
                    self._over_appended(ctx, node, index - started, len(self.decisions.answers) > answered)
                index += 1
        except BaseException as exc:
            # a raise or a return out of the body: the loop asked for no further item
            self._suspend_sources(sources if lazy is None else [], ctx.index)  # (a lazy one's count is kept)
            if isinstance(exc, (UserRaise, _Return)):
                self.refuse_left_ahead(sources, self.node_span(node.iter))
            raise
        finally:
            self.loops.pop()
            if steady is not None:
                steady.close()
            for gen in looped:
                gen.looping -= 1
        if broke or truncated:
            self._suspend_sources(sources if lazy is None else [], ctx.index)
            self.refuse_left_ahead(sources, self.node_span(node.iter))
        elif lazy is not None:
            lazy.consumed = len(items)
        if broke:
            # (an enumerate over a generator made here takes its items one by one: that generator)
            self.close_dropped(node, sources if lazy is None else [(lazy.pulls_from, 0)])
        if not broke and not truncated:
            self.stops_unmet(ctx)
            if deferred:
                raise deferred[0]  # the next item asked for: the generator's body raised past its last
            self.exec_block(node.orelse)

    def _for_iterator(self, value: InstanceVal, node: ast.For) -> Value:
        """What a ``for`` over an instance of the user's runs over: Python calls ``iter()`` once,
        then ``__next__`` before each iteration, so a body that changes the iterator (a planner
        fed each chunk's result, ``ctrl.feed(...)``) changes what ``__next__`` hands out next. A
        user iterator is stepped item by item as the loop asks (a LazyIterator), never ahead of
        the body: stepped all at once, ``__next__`` saw none of the body's changes (the loop ran
        the wrong number of times, or raised where the run does not). ``value`` itself when its
        class has no ``__iter__`` of the user's (a container subclass, a NamedTuple, a Flag)."""
        if value.cls.tuple_like or not isinstance(value.cls.lookup("__iter__")[1], FunctionVal) \
                or flags.members_of(value) is not None:
            return value
        span = self.node_span(node.iter)
        it = self.user_iter(value, span)
        if not dunders.is_user_iterator(it):
            return it  # __iter__ made a generator, a list, an iterator of the library's

        def steps():
            for _ in range(limits.MAX_LOOP_ITERATIONS):
                try:
                    item = self.next_item(it, span)
                except UserRaise as exc:
                    if self.stops_iteration(exc):
                        return
                    raise
                yield item
            raise self._past_the_cap(node, span, "the loop over a user iterator")

        return LazyIterator(steps())

    def _watch_sources(self, iter_node: ast.expr, watched: list, more: bool, skipped_any: bool) -> None:
        """Before a loop (or a comprehension) over an iterator asks for its next item: a list it reads that the body
        changed ends the path; a dict whose size changed makes Python's next item raise (when
        the loop's iterator reads only that dict and still has items), else ends the path.
        The look at the lists is the analysis' own: a steady loop's watch (repeats.SteadyLoop)
        sets a zipped list aside as read only at the loop's position, and a read of it seen
        here would fail every watch of a loop that only reads the list (counters._get_items)."""
        from flopcast.analyzer.iterator_sources import source_change

        span = self.node_span(iter_node)
        for source, ids in watched:
            with suspended(self.counter_watch):
                change = source_change(source, ids)
            if change is None:
                continue
            if change == "size" and more and len(watched) == 1 and not skipped_any:
                raise UserRaise(span, "RuntimeError: dictionary changed size during iteration")
            raise PathEnd(f"{span}: the loop's iterator reads a list or dict the body changes; the cost after "
                          "it is not counted", span)

    @staticmethod
    def _suspend_sources(sources: list, index: int) -> None:
        """The generators a `for` loop left at item ``index`` stay suspended after it."""
        for gen, before in sources:
            gen.consumed = before + index + 1 if isinstance(gen, EndlessIter) else \
                min(before + index + 1, len(gen.items) if isinstance(gen, PyGenerator) else len(gen._made)
                    if isinstance(gen, LazyIterator) else len(gen.items))
            if isinstance(gen, PyGenerator):
                gen.past_last = False

    def for_endless(self, node: ast.For, source: EndlessIter, limit: Optional[int]) -> None:
        """`for i in itertools.count():` (or cycle, repeat): the loop ends only by a break, a
        return or a raise. As a `while True:` it is followed iteration by iteration, and ends the
        path when what its exits depend on stops changing (it never ends) or past the cap."""
        ctx = self.enter_loop(node, limit)
        span = self.node_span(node)
        previous = None
        self._bound_endless_body(node)
        try:
            while limit is None or ctx.index < limit:
                self.tick()
                if ctx.index >= limits.MAX_LOOP_ITERATIONS:
                    raise self._past_the_cap(node, span, "the loop over an endless iterator")
                ctx.new_iteration()
                self.assign(node.target, source.take(1)[0])
                if self.run_loop_body(node.body):
                    return
                ctx.index += 1
                # (a generator body whose consumer takes a known number of items stops at the last
                # of them, however its state repeats: as `while True:` in _stopped_by_consumer)
                if limit is None and not self._stopped_by_consumer(node):
                    state = self.loop_state(ctx)
                    if self.repeats(ctx, previous, state):
                        raise self._never_ends(node, span, "the loop over an endless iterator")
                    previous = state
                    self.count_held(ctx, node, span, "the loop over an endless iterator", self.held_by_exits(ctx))
        finally:
            self.loops.pop()

    def _never_ends(self, node, span: Span, loop: str) -> PathEnd:
        """What ends a path whose loop's exits depend on nothing that changes (recorded unbounded)."""
        if self._yields_for_next(node):
            return self._endless_generator(span)
        self.record_uncertain(node, "unbounded", "on some value-dependent paths this loop never ends: at run time "
                              "it would run until the budget is exhausted; add `# flopcast: iterations=N` or an "
                              "iteration cap")
        return PathEnd(f"{span}: on this path {loop} never ends (nothing its exits depend on changes); at run time "
                       "it runs until the budget is exhausted", span, unbounded=True)

    def _yields_for_next(self, node) -> bool:
        """Whether ``node``, a loop that does not end, yields in the body of a generator whose
        consumer's count flopcast does not know (next(), a loop that breaks, enumerate): at run
        time such a generator stops wherever its consumer stops asking, so the loop is not
        endless, only how many items are taken is not known."""
        gen = self.frame.generator
        return isinstance(gen, PyGenerator) and gen.need is None \
            and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast_walk(node))

    def _endless_generator(self, span: Span) -> PathEnd:
        """What ends a path where a generator body that never stops yielding runs for a consumer."""
        gen = self.frame.generator
        taker = "next()" if gen.taken_by_next else "its consumer"
        return PathEnd(f"{span}: {gen.function.qualname} never stops yielding and its items are taken by {taker}: "
                       "flopcast runs a generator's body ahead of its consumer, all at once, so it cannot tell "
                       f"how many items {'the next() calls take' if gen.taken_by_next else 'are taken'}; made "
                       "inside the call that takes them (`islice(gen(), n)`, `zip(mlp.weights, gen())`) the body "
                       "stops at the last item taken",
                       span, what="endless generator")

    def _runs_to_unknown(self, node, span: Span, counter: str, bound: str, why: str) -> PathEnd:
        """What ends a path whose while loop can only end where a counter reaches a number
        flopcast does not know (open_loops.py): recorded unbounded, as a loop that never ends."""
        self.record_uncertain(node, "unbounded", f"on some value-dependent paths this loop runs until `{counter}` "
                              f"reaches `{bound}`, which flopcast does not know ({why}); add `# flopcast: iterations=N` "
                              "or a known cap")
        return PathEnd(f"{span}: on this path the while loop runs until `{counter}` reaches `{bound}`, a number "
                       f"flopcast does not know ({why}), so how many iterations it runs is not known",
                       span, unbounded=True)

    def _beyond_unrolling(self, node, span: Span, why: str) -> PathEnd:
        """What ends a path whose while loop only the budget can end, where it ends past what
        is unrolled (repeats.SteadyLoop.beyond): recorded unbounded, as a loop past the cap."""
        self.record_uncertain(node, "unbounded", f"on some value-dependent paths only the budget ends this loop, "
                              f"and {why}; add `# flopcast: iterations=N` or a known cap")
        return PathEnd(f"{span}: on this path only the budget ends the while loop, and {why}; analysis stopped",
                       span, unbounded=True)

    def _past_the_cap(self, node, span: Span, loop: str, held: bool = False) -> PathEnd:
        """What ends a path whose loop ran limits.MAX_LOOP_ITERATIONS iterations, or (``held``)
        limits.MAX_HELD_ITERATIONS in a row that only sites' answers kept going (count_held)."""
        if self._yields_for_next(node):
            return self._endless_generator(span)
        if held:
            n = limits.MAX_HELD_ITERATIONS
            why = (f"went on for {n:,} iterations in a row only because value-dependent tests answered "
                   "\"go on\" (alike at every iteration on this path), its state changing at each, so it is not "
                   "known to end")
            self.record_uncertain(node, "unbounded", f"on some value-dependent paths this loop {why}; add "
                                  "`# flopcast: iterations=N` or a known cap")
            return PathEnd(f"{span}: {loop} {why}; analysis stopped", span)
        self.record_uncertain(node, "unbounded", f"the loop did not end within {limits.MAX_LOOP_ITERATIONS:,} iterations; "
                              "add `# flopcast: iterations=N`")
        return PathEnd(f"{span}: {loop} did not end within {limits.MAX_LOOP_ITERATIONS:,} iterations; analysis stopped",
                       span)

    def _over_appended(self, ctx: LoopContext, node: ast.For, appended: int, answered: bool) -> None:
        """After an iteration of a `for` over an item its body appended (``appended`` of them before
        it) to the list it runs over: Python's iterator goes on while the body appends, so the loop
        stops the path past the iteration cap, or past limits.MAX_HELD_ITERATIONS such iterations in
        a row that each ``answered`` a site (an append a site's alike answer keeps making)."""
        span = self.node_span(node)
        if appended + 1 >= limits.MAX_LOOP_ITERATIONS:
            raise self._past_the_cap(node, span, "the loop over a list it appends to")
        self.count_held(ctx, node, span, "the loop over a list it appends to", answered)

    @staticmethod
    def held_by_exits(ctx: LoopContext) -> bool:
        """Whether the iteration just run went on only because sites answered its exit tests so:
        one was answered (or the while test's `and` came out known only by sites) and none came
        out known otherwise."""
        return (ctx.exit_answered or ctx.exit_by_sites) and not ctx.exit_settled

    def count_held(self, ctx: LoopContext, node, span: Span, loop: str, held: bool) -> None:
        """Count the iterations in a row that went on only by sites' answers (``held``), and end
        the path past limits.MAX_HELD_ITERATIONS of them. Called after the checks that prove a loop
        never ends (its state repeats, or differs only in counters no test can settle): this one
        proves nothing, it bounds the work where the state changes at every iteration (`step += 1`
        read by the test, a list the loop grows and measures) and the path's alike answer keeps
        the loop going, which ran to MAX_LOOP_ITERATIONS in minutes. A path stopped here reports
        what it charged up to here as a lower bound, as one stopped at the iteration cap does
        (running further only adds charges)."""
        ctx.held = ctx.held + 1 if held else 0
        if ctx.held >= limits.MAX_HELD_ITERATIONS:
            raise self._past_the_cap(node, span, loop, held=True)

    def directive_int(self, directive, node) -> int:
        try:
            n = int(directive.text)
            if n < 0:
                raise ValueError
            return n
        except ValueError:
            self.note(self.node_span(node), f"ignored `# flopcast: iterations={directive.text}` (not a count)")
            return 0

    def run_loop_body(self, body: list[ast.stmt]) -> bool:
        """Run one iteration's body; True when it breaks out of the loop."""
        self.loops[-1].pass_ident = fresh_ident()
        try:
            self.exec_block(body)
        except _Break:
            return True
        except _Continue:
            pass
        return False

    def stmt_While(self, node: ast.While) -> None:
        _mark_loop_test(node.test)
        limit = self.loop_limit(node)
        ctx = self.enter_loop(node, limit)
        span = self.node_span(node)
        broke = False
        previous = opened = endless = None
        steady = self._steady_while(node) if limit is None else None
        # `while i < k and test: i += 1` stops at its first value-dependent test (first_break.py)
        run = first_break.counted_run(node) if limit is None and not self.decisions.per_execution else None
        ctx.counted = run if run is not None and first_break.counters_known(self, run) else None
        if ctx.counted is not None:
            self.unasked += 1
        if node.test.__class__ is ast.Constant and node.test.value is True:
            self._bound_endless_body(node)
        try:
            while True:
                self.tick()
                if steady is not None and steady.skip_from(ctx.index):
                    # the iterations from here on repeat the last one as far as its numbers
                    # follow: accounted for; the next one runs (and is not compared with the
                    # state before them for open_loops' free counters)
                    ctx.index = steady.resumed
                    opened = None
                elif steady is not None and steady.beyond is not None:
                    raise self._beyond_unrolling(node, span, steady.beyond)
                ctx.new_iteration()
                if limit is not None:
                    if ctx.index >= limit:
                        break
                    # A known-false test still ends the loop; a value-dependent one is the directive's to
                    # decide (and within `a and b`, the value-dependent operands count as true).
                    saved, self._condition = self._condition, (node, "loop", True)
                    try:
                        test = self.size_truth(self.eval(node.test), node.test)
                    finally:
                        self._condition = saved
                    if self.known_truth(test) is False:
                        break
                else:
                    if ctx.counted is not None:
                        ctx.marks = first_break.Marks.of(self)
                    try:
                        goes_on = self.truth(node.test, node, loop=True)
                    except _StopsAtUnknown as stopped:
                        first_break.step_counters(self, node, ctx.counted, stopped.room)
                        break
                    if not goes_on:
                        break
                if ctx.index >= limits.MAX_LOOP_ITERATIONS:
                    raise self._past_the_cap(node, span, "the while loop")
                if self.run_loop_body(node.body):
                    broke = True
                    break
                ctx.index += 1
                if limit is None and not self._stopped_by_consumer(node):
                    state = self.loop_state(ctx)
                    if self.repeats(ctx, previous, state):
                        raise self._never_ends(node, span, "the while loop")
                    previous = state
                    # the state again where only sites made the while test known (open_loops.py)
                    if state is None and ctx.exit_by_sites and not ctx.exit_known_otherwise:
                        state = self.loop_state(ctx, by_sites=True)
                    if state is not None and opened is not None:
                        open_end = open_loops.runs_to_unknown(self, ctx, opened, state)
                        if open_end is not None:
                            raise self._runs_to_unknown(node, span, *open_end)
                    opened = state
                    if state is None and steady is None and ctx.counted is None:
                        # an exit test came out known: the loop's whole state repeating keeps it going
                        if endless is None:
                            endless = EndlessWatch.watch(self, node) or False
                        if endless:
                            ctx.index += endless.skip(ctx.index, limits.MAX_LOOP_ITERATIONS, limits.MAX_STEPS)
                            if endless.never_ends:
                                raise self._never_ends(node, span, "the while loop")
                    self.count_held(ctx, node, span, "the while loop", self.held_by_exits(ctx))
        finally:
            self.loops.pop()
            if steady is not None:
                steady.close()
        if not broke:
            self.stops_unmet(ctx)
            self.exec_block(node.orelse)

    def _steady_while(self, node: ast.While) -> Optional[SteadyLoop]:
        """A steady-state watcher for this execution of a `while` loop capped by a counter
        against a known bound (`while res > tol and it < cap:`, `it += 1` in its body:
        loop_syntax.counted_while), or by the budget where its counter's bound is a number
        flopcast never compares (open_loops.against_unknown), else None."""
        if self.decisions.per_execution:
            return None
        if open_loops.against_unknown(self, node) \
                and self.may_read_budget(node, loop_relevance(node, self.loops[-1].exit_ifs)[1]):
            # `while drawn < rows and <budget left> > cost:` with rows read from data, unbounded:
            # on the path that keeps going, the budget's answer ends the loop, possibly after
            # thousands of iterations alike (counters.CounterWatch._answered_alike)
            return SteadyLoop.watch_while(self, node, limits.MAX_LOOP_ITERATIONS, limits.MAX_STEPS, by_budget=True)
        counted = counted_while(node)
        if counted is None:
            return None
        start = self.peek_name(counted.counter)
        bound = counted.bound
        end = self.peek_name(bound.id) if bound.__class__ is ast.Name else \
            Known(bound.value) if bound.__class__ is ast.Constant else None
        # (read raw: looking is not a read a watch of an enclosing loop should see)
        first = start.__dict__["value"] if start.__class__ is Known else None
        last = end.__dict__["value"] if end.__class__ is Known else None
        if first.__class__ is not int or last.__class__ is not int:
            return None
        # (no further than the iteration cap: a loop that reaches it ends its path there, as before)
        return SteadyLoop.watch_while(self, node, min(last - first + counted.inclusive, limits.MAX_LOOP_ITERATIONS),
                                      limits.MAX_STEPS)

    def _bound_endless_body(self, node: ast.While | ast.For) -> None:
        """A loop that ends only by a raise, yielding in a generator body whose first consumer
        takes a known number of items but may not be its last: the body stops at the last of
        them, as for a consumer that is (PyGenerator.endless_need). One that a break or a return
        may end runs whole, as before: a later consumer may take the items after them."""
        gen = self.frame.generator
        if gen is not None and gen.need is None and gen.endless_need is not None and _yields_in(node) \
                and not _left_by_break_or_return(node):
            gen.need = gen.endless_need

    def _stopped_by_consumer(self, node: ast.While | ast.For) -> bool:
        """A `while True:` (or a `for` over an endless iterator) that yields, in a generator whose consumer takes a known number of
        items: the generator stops at the last of them, however its state repeats."""
        gen = self.frame.generator
        return gen is not None and gen.need is not None and _yields_in(node)

    def loop_state(self, ctx: LoopContext, by_sites: bool = False) -> Optional[tuple]:
        """What the loop's exit depends on, at the loop head; None when an exit test came out
        known this iteration (then it may depend on state the signature does not see).

        Two equal states in a row mean the next iteration repeats the last one exactly (the
        path's choices are fixed per site), so the loop never ends on this path.
        """
        if ctx.known_exit_test and not by_sites:
            return None
        names, calls = self._state_names(ctx)
        if ctx.signed is None:
            ctx.signed = GrownLists()
        sign = ctx.signed.signature
        state = [(name, sign(self.peek_name(name))) for name in sorted(names)]
        if ctx.node.__class__ is ast.While:
            # numbers the loop only steps, which nothing can read while it runs (open_loops.py):
            # a rescale loop's `self.scale_exp += 100` does not make the state new at each iteration
            steps = open_loops.unread_steps(self, ctx.node)
            state = [(name, open_loops.left_out(signed, steps[name]) if name in steps else signed)
                     for name, signed in state]
        if self.may_read_budget(ctx.node, calls):
            state.append(("<flops used>", self.used))
        return tuple(state)

    def _state_names(self, ctx: LoopContext) -> tuple[frozenset, list]:
        """The names a loop's state signs (loop_state), and the calls its exits depend on."""
        names, calls = loop_relevance(ctx.node, ctx.exit_ifs)
        if self.handlers.depth:
            # An exception can end the loop too (`lst[i]` raising IndexError into a handler
            # around it): whatever the body assigns may decide when.
            names = names | assigned_names(ctx.node)
        return names | caught_names(ctx.node), calls

    def repeats(self, ctx: LoopContext, previous: Optional[tuple], state: Optional[tuple]) -> bool:
        """Whether the loop head's ``state`` repeats the last one's: equal, or equal but for the
        objects that hold it at this head and the last (renamed_state.py)."""
        if state is None:
            return False
        if state == previous:
            if not signed_past_depth(state):
                return True
            if ctx.deep is None:
                ctx.deep = DeepStates()
            return ctx.deep.repeats(self._state_values(ctx))
        ctx.deep = None
        if ctx.renamed is None:
            if previous is None or not only_objects_differ(previous, state):
                return False  # (the common case: no walk, nothing kept)
            ctx.renamed = RenamedStates()
        return ctx.renamed.repeats(previous, state, self._state_values(ctx))

    def _state_values(self, ctx: LoopContext) -> list:
        """The values of the names a loop's state signs, in loop_state's order."""
        return [self.peek_name(n) for n in sorted(self._state_names(ctx)[0])]

    def peek_name(self, name: str, frame: Optional[Frame] = None) -> Value:
        """A name's value without any side effect (no unpriced entry when it is missing), in
        ``frame`` (by default the running one)."""
        frame = self.frame if frame is None else frame
        if name in frame.vars:
            return frame.vars[name]
        fn = frame.function
        if fn is not None and fn.closure is not None and name in fn.closure:
            return fn.closure[name]
        return self.module_envs.get(frame.module.key, {}).get(name, Known(_MISSING))

    def may_read_budget(self, loop: ast.AST, calls: list) -> bool:
        """Whether the loop's exit may depend on the FLOPs charged so far (a budget query)."""
        if mentions_budget(loop):
            return True
        if not self.program_mentions_budget():
            return False
        for call in calls:
            root = call.func
            while isinstance(root, ast.Attribute):
                root = root.value
            value = self.peek_name(root.id) if isinstance(root, ast.Name) else None
            if isinstance(value, (Array, NumpyScalar, Known)):
                continue
            if isinstance(value, Builtin) and value.name in PURE_BUILTINS:
                continue
            if isinstance(value, LibRef) and value.path.startswith(("flopscope.numpy", "rawnumpy", "py:math")):
                continue
            return True
        return False

    def program_mentions_budget(self) -> bool:
        if self._mentions_budget is None:
            self._mentions_budget = any(BUDGET_WORDS.search(m.text) for m in self.program.modules.values())
        return self._mentions_budget

    def forget_writes(self, node: ast.For) -> None:
        """After a loop whose body did not run (its items are not known): what the body could
        have written is unknown, never the value from before the loop — names it assigns,
        attributes it sets on a name, containers it writes into or calls methods of."""
        unknown = Unknown("", self.node_span(node), "written by a loop whose items are not known")
        names, receivers = set(), set()
        todo = [node.target, *node.body, *node.orelse]
        while todo:
            n = todo.pop()
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                if not isinstance(n, ast.Lambda):
                    names.add(n.name)
                continue
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                names.add(n.id)
            elif isinstance(n, (ast.Attribute, ast.Subscript)) and not isinstance(n.ctx, ast.Load) \
                    and isinstance(n.value, ast.Name):
                receivers.add((n.value.id, n.attr if isinstance(n, ast.Attribute) else None))
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name):
                receivers.add((n.func.value.id, None))
            todo.extend(ast_children(n))
        for name in sorted(names):
            self.assign(ast.copy_location(ast.Name(id=name, ctx=ast.Store()), node), unknown)
        for name, attr in sorted(receivers, key=lambda r: (r[0], r[1] or "")):
            if name in names:
                continue
            target = self.frame.vars.get(name)
            if attr is not None and isinstance(target, InstanceVal):
                target.attrs[attr] = unknown
            elif isinstance(target, (ListVal, DictVal, InstanceVal)) and name in self.frame.vars:
                self.frame.vars[name] = unknown


def _yields_in(loop: ast.AST) -> bool:
    """Whether a loop's body yields (not in a nested def, lambda or class)."""
    found = _LOOP_YIELDS.get(loop)
    if found is None:
        found = _LOOP_YIELDS[loop] = _has_yield(loop.body)
    return found


_LOOP_YIELDS: "weakref.WeakKeyDictionary[ast.AST, bool]" = weakref.WeakKeyDictionary()


def _left_by_break_or_return(loop: ast.AST) -> bool:
    """Whether a break of this loop or a return (not in a nested def, lambda or class) is in its body."""
    stack = [(n, True) for n in loop.body]
    while stack:
        n, own = stack.pop()
        if isinstance(n, ast.Return) or own and isinstance(n, ast.Break):
            return True
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            # (a break inside a nested loop's body leaves that loop; one in its else, this one)
            nested = isinstance(n, (ast.For, ast.AsyncFor, ast.While))
            stack.extend((c, own and not (nested and c in n.body)) for c in ast_children(n))
    return False


def _mark_loop_test(test: ast.expr) -> None:
    """Mark the parts of a `while` test whose truth decides the exit (``i < len(idx)``, the
    operands of ``a and b``, ``not ...``): a test of a selection's size there counts iterations
    (sizetests.py)."""
    if getattr(test, "_flopcast_loop_test", False):
        return
    test._flopcast_loop_test = True
    if isinstance(test, ast.BoolOp):
        for v in test.values:
            _mark_loop_test(v)
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        _mark_loop_test(test.operand)
