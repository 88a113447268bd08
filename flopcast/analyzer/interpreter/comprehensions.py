"""List, set and dict comprehensions and generator expressions.
"""

from __future__ import annotations

import ast
import itertools
import weakref
from typing import Optional

from flopcast.analyzer import first_index
from flopcast.analyzer.repeats import SteadyLoop
from flopcast.analyzer.values import (dict_key, DICT_MUTATORS, DictVal, GeneratorView, Known, LazyIterator,
                                      LIST_MUTATORS, ListVal, PyGenerator, SeqIterator, SET_MUTATORS, signature,
                                      Unknown, UserRaise, Value)
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.common import _MISSING, _source
from flopcast.analyzer.first_break import Marks
from flopcast.analyzer.interpreter.control import PathEnd, _FirstIndexFound, _ShortCircuit, _StopsAtUnknown
from flopcast.analyzer.interpreter.frames import Frame, RunningComprehension


_LAZY_READS: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()


_MUTATORS = LIST_MUTATORS | DICT_MUTATORS | SET_MUTATORS


def _lazy_reads(node: ast.GeneratorExp) -> frozenset:
    """The names a generator expression reads when each item is made (its element, its
    conditions, the iterables after the first), less the names it binds itself."""
    found = _LAZY_READS.get(node)
    if found is None:
        parts = [node.elt] + [c for g in node.generators for c in g.ifs] + [g.iter for g in node.generators[1:]]
        loads, bound = set(), set()
        for part in parts:
            for n in ast.walk(part):
                if isinstance(n, ast.Name):
                    (loads if isinstance(n.ctx, ast.Load) else bound).add(n.id)
                elif isinstance(n, ast.arg):
                    bound.add(n.arg)
        for g in node.generators:
            bound.update(n.id for n in ast.walk(g.target) if isinstance(n, ast.Name))
        found = _LAZY_READS[node] = frozenset(loads - bound)
    return found


def _held(value) -> tuple:
    """What a name a generator expression reads holds, as far as its items' costs can tell (an
    array's shape, dtype, symmetry and whether it is plain numpy; a number's value)."""
    return (signature(value), getattr(value, "plain", None)) if value is not _MISSING else ("missing",)


def _written_names(loop: ast.For) -> set:
    """The names a loop's target and body bind, and those whose object they change in place
    (an attribute or item store, a list or dict method that changes it)."""
    written = set()
    for n in itertools.chain(ast.walk(loop.target), *(ast.walk(s) for s in loop.body)):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            written.add(n.id)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            written.update(n.names)
        elif isinstance(n, (ast.Attribute, ast.Subscript)) and not isinstance(n.ctx, ast.Load) \
                or isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS:
            base = n.func.value if isinstance(n, ast.Call) else n.value
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name):
                written.add(base.id)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("setattr", "delattr") \
                and n.args and isinstance(n.args[0], ast.Name):
            written.add(n.args[0].id)  # `setattr(box, "f", g)` changes box as `box.f = g` does
    return written


class Comprehensions:
    """The Interpreter's methods for list, set and dict comprehensions and generator expressions."""

    def comprehension(self, node, make, steady: bool = False, counted: Optional[first_index.Search] = None) -> Value:
        """Run a comprehension; its items made, or None when a level's items are not known.
        ``steady``: ``make`` only evaluates the element (a list comprehension, a generator
        expression made whole), so that a comprehension with one `for` may skip iterations
        that repeat the last one (repeats.SteadyLoop.watch_comprehension). ``counted``: the
        search a ``next(...)`` runs (first_index.py)."""
        saved = self.frame
        first = None
        if saved.function is None and saved.cls is not None and saved.vars is saved.cls.attrs:
            # In a class body the comprehension's scope does not see the class's names (they are
            # not a scope functions close over): its first iterable is evaluated in the class
            # body, everything else reads the module's names.
            first = self.eval(node.generators[0].iter)
            inner = Frame({}, saved.module, saved.qualname, saved.function, saved.cls, saved.receiver)
        else:
            inner = Frame(dict(saved.vars), saved.module, saved.qualname, saved.function, saved.cls, saved.receiver)
        running = RunningComprehension(node, len(self._outer_frames), inner, counted=counted)
        self._outer_frames.append(saved)
        self._comprehensions.append(running)
        self._opaque_depth += 1
        self.frame = inner
        # its FOR_ITERs, placed at the whole comprehension, ask for the items
        consumer, self.consumer = self.consumer, (inner, self.node_span(node))
        try:
            known = self._generators(node.generators, 0, make, running,
                                     steady and len(node.generators) == 1 and not self.decisions.per_execution,
                                     first)
        finally:
            self.frame = saved
            self.consumer = consumer
            self._outer_frames.pop()
            self._comprehensions.pop()
            self._opaque_depth -= 1
        return running.made if known else None

    def _generators(self, gens, index, make, running: "RunningComprehension", steady: bool = False,
                    first: Optional[Value] = None) -> bool:
        """Runs one level of a comprehension; False when a level iterates over a value whose
        items are not known (the result is then unknown: never the part that was made).
        ``steady``: the one level may skip iterations that repeat (see ``comprehension``)."""
        if index == len(gens):
            running.made.append(make())
            return True
        gen = gens[index]
        source = first if first is not None else self.eval(gen.iter)
        before = source.consumed if source.__class__ in (PyGenerator, SeqIterator) else None
        if not index:
            running.source = (source, before)
        watched_sources = source.seen if isinstance(source, SeqIterator) and source.__class__ is not LazyIterator \
            else ()
        # map(), groupby(), ...: each item made when the comprehension asks for it, as a `for`
        # loop's (stmt_For): made all at first, groupby's groups were emptied before the body read them
        lazy = source if source.__class__ is LazyIterator else None
        if lazy is not None:
            if self._genexp_reads:
                self._check_genexp_reads(lazy, gen.iter)
            if lazy.seen:
                from flopcast.analyzer.builtins import check_sources

                check_sources(self, lazy, self.node_span(gen.iter))
            items = lazy._made
            lazy.ready(lazy.consumed)
            del items[:lazy.consumed]
            lazy.consumed = 0
            steady = False
        else:
            items = self.iterate(source, gen.iter)
        if items is None:
            self.unpriced(gen.iter, "comprehension", "iterates over a value whose length depends on data")
            return False
        if self._generator_changes and source.__class__ is PyGenerator:
            # the element and tests run for each item: what they read, the generator's body may change
            comp = running.node
            rest = [gen.target, *gen.ifs, *(g for g in gens[index + 1:]),
                    *((comp.key, comp.value) if isinstance(comp, ast.DictComp) else (comp.elt,))]
            self._refuse_early_state(None, [(source, before or 0)], body=rest, at=gen.iter)
        if watched_sources:
            # zip/enumerate/iter over lists or dicts the comprehension changes: as a `for` loop's (stmt_For)
            from flopcast.analyzer.iterator_sources import source_state

            watched_sources = [source_state(src) for src, _ in watched_sources]
        level = [items, -1]
        running.levels.append(level)
        # Watched from the second iteration on, and only when the first one charged: a comprehension
        # of plain numbers (`[math.sqrt(i / 2.0) for i in range(1, k)]`) runs cheaper than its
        # probes, whose deep walks also map and unmap CPython's frame chunks at every crossing.
        watcher = None
        charged = len(self.result.charges)
        # A list the comprehension changes (`[xs.append(x) for x in xs if ...]`): Python's iterator
        # reads the live list by index at each step, as a `for` loop's does (stmt_For)
        live = source.items if source.__class__ is ListVal and not source.unordered and not source.is_set \
            and source.view_of is None else None
        skipped_any = False
        first_unknown = None  # a search's first item whose test depended on values (first_index.stop_answer)
        try:
            position = 0
            while True:
                if watched_sources and position:
                    self._watch_sources(gen.iter, watched_sources, position < len(items), skipped_any)
                if live is not None and (len(live) != len(items) or position < len(live)
                                         and live[position] is not items[position]):
                    if skipped_any:
                        raise PathEnd(f"{self.node_span(gen.iter)}: the comprehension's list changes while it "
                                      "runs, after iterations flopcast accounted for at once; the cost after it "
                                      "is not counted", self.node_span(gen.iter))
                    items = level[0] = list(live)
                    if watcher is not None:
                        watcher.close()
                        watcher = None
                    steady = False
                if lazy is not None:
                    position = max(position, lazy.consumed)  # (the element's next() took items too)
                    lazy.ready(position + 1)
                if position >= len(items):
                    break
                if lazy is not None:
                    lazy.consumed = position + 1
                level[1] = position
                self.tick()
                self.assign(gen.target, items[position])
                if steady and position == 1 and len(self.result.charges) > charged:
                    watcher = SteadyLoop.watch_comprehension(self, running.node, items, running.made, limits.MAX_STEPS)
                skipped = watcher.skip_from(position) if watcher is not None else 0
                skipped_any = skipped_any or bool(skipped)
                if skipped:
                    # The items from `position` on repeat the last one's: made; make the next one.
                    if self.record_values:
                        watcher.remember_skipped(position, skipped, limits.MAX_VALUES_PER_NAME)
                    position += skipped
                    level[1] = position
                    self.assign(gen.target, items[position])
                # (the iterator is the call's own fresh range or enumerate: no one else reads it)
                if running.counted is not None and lazy is None and source.__class__ is not PyGenerator \
                        and not self.decisions.per_execution:
                    self.unasked += 1
                    running.marks = Marks.of(self)
                    try:
                        passes = self.truth(gen.ifs[0], gen.ifs[0])
                    except _StopsAtUnknown:
                        if first_unknown is None and running.counted.by_index and running.marks.unchanged(self):
                            indices = []
                            for item in items[position:]:
                                self.assign(gen.target, item)
                                indices.append(self.eval(running.node.elt))
                            raise _FirstIndexFound(indices)
                        # a test that charged (or an item, not its index, found): each stop a path
                        if first_unknown is None:
                            first_unknown = position
                        passes = first_index.stop_answer(self, running.counted.call, f"`{_source(gen.ifs[0])}`",
                                                         True, position, first_unknown, len(items) - first_unknown)
                    finally:
                        running.marks = None
                else:
                    passes = all(self.truth(cond, cond) for cond in gen.ifs)
                if passes:
                    if not self._generators(gens, index + 1, make, running):
                        return False
                position += 1
        except (_ShortCircuit, UserRaise):
            if before is not None:
                # stopped early (any/next decided, an item raised): the iterator it reads was
                # advanced to this item only; the rest stays for later readers
                source.consumed = before + position + 1
                if source.__class__ is PyGenerator:
                    source.past_last = False
                    self.refuse_left_ahead([(source, before)], self.node_span(gen.iter))
            raise
        finally:
            if watcher is not None:
                watcher.close()
        if lazy is not None:
            lazy.consumed = len(items)
        running.levels.pop()
        return True

    def short_circuit(self, name: str, node: ast.Call) -> Value:
        """`any(<genexp>)`, `all(<genexp>)`, `next(<genexp>[, default])`: Python makes the items
        one at a time and stops at the first true one (any), the first false one (all) or the
        first one (next): the items after it are never made, nor charged. Each item's truth
        is decided where the item is written (a value-dependent one is a site there)."""
        gen = node.args[0]
        extra = [self.eval(a) for a in node.args[1:]]
        if name != "next" and extra:
            raise UserRaise(self.node_span(node), f"TypeError: {name}() takes exactly one argument "
                                                  f"({1 + len(extra)} given)")
        want = name == "any"

        def make():
            if name == "next":
                raise _ShortCircuit(self.eval(gen.elt))
            if self.truth(gen.elt, gen.elt) is want:
                raise _ShortCircuit(Known(want))
            return None

        counted = first_index.counted_next(node, extra) if name == "next" else None
        try:
            made = self.comprehension(gen, make, counted=counted)
        except _ShortCircuit as stop:
            return stop.value
        except _FirstIndexFound as stop:
            return first_index.found(self, node, counted.test, stop.indices, extra)
        if made is None:
            return self._comprehension_unknown(gen)
        if name != "next":
            return Known(not want)
        if extra:
            return extra[0]
        raise UserRaise(self.node_span(node), "StopIteration")

    def genexp_as_generator(self, node: ast.GeneratorExp) -> Value:
        """A generator expression that a consumer may stop taking from early (a loop that
        breaks, zip beside a shorter argument, islice): made whole here, as the list it was,
        but when making its items charged anything, a generator whose items after the last one
        taken are taken back when predict ends (retract_unconsumed): Python never made them."""
        start = self.ledger()
        marks: list = []
        made: list = []
        raised: list = []
        came_from: list = []  # per item made, the position of the first level's item it came from
        running: list = []

        def make():
            if not running:
                running.append(self._comprehensions[-1])
            came_from.append(running[0].levels[0][1])
            try:
                value = self.eval(node.elt)
            except UserRaise as error:
                raised.append(error)
                raise
            made.append(value)
            marks.append(self.ledger())
            return value

        # made ahead of the consumer, whose handlers may differ (as in run_generator)
        outer, self.handlers = self.handlers, self.handlers.inside(False, {"MemoryError"})
        presumed: list = []
        self._making_ahead.append((marks, presumed))
        self._ahead_since.append(self.used)
        try:
            items = self.comprehension(node, make)
        except UserRaise as error:
            if not raised or raised[-1] is not error:
                raise  # its first iterable, which Python evaluates where the expression is written
            # an item raised: Python raises it to the consumer that asks for that item, in the
            # consumer's `try` (if any), after the consumer took the items before it
            items = made
        finally:
            self.handlers = outer
            self._making_ahead.pop()
            self._ahead_since.pop()
        if items is None:
            return self._comprehension_unknown(node)
        end = self.ledger()
        source, before = running[0].source if running else (None, None)
        # over a generator made where the expression's first iterable is written (no one else holds
        # it, to take its items later), its items past the one the last item taken came from are
        # taken back too
        fed_by = (source, came_from) if source.__class__ is PyGenerator and not before \
            and source.span == self.node_span(node.generators[0].iter) else None
        if not raised and (end[0] == start[0] and end[4] == start[4] or not self.metered):
            return ListVal(items)  # nothing charged or unpriced: nothing to take back
        gen = PyGenerator(None, [], {}, self.node_span(node), items=items, marks=marks, end=end, start=start,
                          comprehension=node, presumed_at=presumed, error=raised[-1] if raised else None,
                          fed_by=fed_by)
        if not self.metered:
            return gen
        self.effects += 1
        self._ran_generators.append(gen)
        return gen

    def _comprehension_unknown(self, node) -> Unknown:
        return Unknown("", self.node_span(node), "a comprehension over a value whose items are not known")

    def expr_ListComp(self, node: ast.ListComp) -> Value:
        items = self.comprehension(node, lambda: self.eval(node.elt), steady=True)
        return ListVal(items) if items is not None else self._comprehension_unknown(node)

    def expr_GeneratorExp(self, node: ast.GeneratorExp) -> Value:
        """A generator expression kept (``gen = (...)``, an argument of the program's own
        function): used up once, and what its consumer never takes is taken back."""
        made = self.genexp_as_generator(node)
        made = SeqIterator(made.items) if made.__class__ is ListVal else made
        self._watch_genexp(made, node)
        return made

    def _watch_genexp(self, made: Value, node: ast.GeneratorExp) -> None:
        """A generator expression whose items are taken later (kept, looped over) is made whole
        here, but Python makes each item when it is taken, reading the names its element and
        conditions mention as they are bound then: remember what they hold now."""
        if made.__class__ not in (SeqIterator, LazyIterator, PyGenerator, GeneratorView):
            return
        names = _lazy_reads(node)
        first = node.generators[0].iter
        if isinstance(first, ast.Name) and self._bound_in(self.frame, first.id).__class__ in (ListVal, DictVal):
            # `(f(w) for f in fns)`: Python's iterator over the list reads its items as they are
            # taken, so a change to the list (`fns[-1] = g`) reaches the items not taken yet
            names = names | {first.id}
        if names:
            frame = self.frame
            held = {n: _held(self._bound_in(frame, n)) for n in names}
            earlier = self._genexp_reads.get(id(made))
            if earlier is not None and earlier[0] is made:  # zip of two generator expressions
                held.update(earlier[3])
            self._genexp_reads[id(made)] = (made, frame, node, held)

    def _bound_in(self, frame: Frame, name: str):
        if name in frame.vars:
            return frame.vars[name]
        fn = frame.function
        if fn is not None and fn.closure is not None and name in fn.closure:
            return fn.closure[name]
        return self.module_envs.get(frame.module.key, {}).get(name, _MISSING)

    def _check_genexp_reads(self, made: Value, node, keep: bool = False) -> None:
        """Taking the items of a generator expression made whole where it is written: a name it
        reads that holds another value since makes the run's items differ from the ones made
        (the path ends). ``keep``: one item is taken (next()), the rest are checked when taken."""
        watched = self._genexp_reads.get(id(made)) if keep else self._genexp_reads.pop(id(made), None)
        if watched is None or watched[0] is not made:
            return
        _, frame, gen_node, held = watched
        for name, was in held.items():
            if _held(self._bound_in(frame, name)) != was:
                self._genexp_reads.pop(id(made), None)
                span = self.node_span(gen_node)
                self.stop_path(f"{span}: the generator expression reads `{name}`, which holds another value "
                               "since the generator was made and before its items were taken; flopcast makes "
                               "the items where the expression is written, so the cost after it is not counted",
                               span, "generator expression over a rebound name")

    def _interleaved_reads(self, loop: ast.For, iterable: Value) -> Optional[tuple]:
        """(frame, node, {name: held}) of the names a looped-over generator expression reads and
        the loop writes (its target, its body), or None. Taking the first item checks the rest."""
        watched = self._genexp_reads.get(id(iterable))
        if watched is None or watched[0] is not iterable:
            return None
        self._check_genexp_reads(iterable, loop.iter)
        _, frame, gen_node, held = watched
        hit = set(held) & _written_names(loop)
        if any(isinstance(n, ast.Call) for stmt in loop.body for n in ast.walk(stmt)):
            # a call in the body may change what a name holds in place (`swap(box)`, `box.reset()`):
            # every name the expression reads is looked at before each item
            hit = set(held)
        return (frame, gen_node, {n: held[n] for n in hit}) if hit else None

    def _check_interleaved(self, interleaved: tuple) -> None:
        """Before the loop takes its next item: Python makes it now, with the names the body
        wrote; flopcast made it before the loop ran (the path ends when one holds another value)."""
        frame, gen_node, held = interleaved
        for name, was in held.items():
            if _held(self._bound_in(frame, name)) != was:
                span = self.node_span(gen_node)
                self.stop_path(f"{span}: the loop over this generator expression changes `{name}`, which the "
                               "expression reads for its next item; flopcast made the items before the loop ran, "
                               "so the cost after it is not counted", span, "generator expression over a rebound name")

    def eager_genexp(self, node: ast.GeneratorExp) -> Value:
        """A generator expression a library call consumes whole at once (sum, list, sorted,
        fnp.stack, list.extend): its items, made as a list comprehension's."""
        items = self.comprehension(node, lambda: self.eval(node.elt), steady=True)
        return ListVal(items) if items is not None else self._comprehension_unknown(node)

    def expr_SetComp(self, node: ast.SetComp) -> Value:
        from flopcast.analyzer.builtins import set_of

        items = self.comprehension(node, lambda: self.eval(node.elt))
        return set_of(self, items, node) if items is not None else self._comprehension_unknown(node)

    def expr_DictComp(self, node: ast.DictComp) -> Value:
        pairs = self.comprehension(node, lambda: (self.eval(node.key), self.eval(node.value)))
        if pairs is None:
            return self._comprehension_unknown(node)
        for k, _ in pairs:
            self.refuse_unhashable(k, node.key)
        return DictVal({dict_key(k): v for k, v in pairs})
