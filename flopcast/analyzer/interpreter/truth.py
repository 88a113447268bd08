"""Truth values and decisions: what a test reads, and which way a path goes where it depends on data.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

from flopcast.analyzer import (carried_counts, chain_maps, compared_floats, count_compares, covered_arms, dataints,
                               dunders, first_break, joins, late_stops, onsets, presumptions, sizetests, value_flow)
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import (machine_of, Array, BoundMethod, ChainMapVal, ClassVal, CountKnown, DictVal,
                                      equal_only_to_itself, FunctionVal, Generator, GeneratorView, InstanceVal,
                                      Known, LibRef, ListVal, MLPVal, NumpyScalar, OPAQUE, PartialVal, plain_member,
                                      PyGenerator,
                                      SeqIterator, TupleVal, Unknown, UserRaise, Value)
from flopcast.syntax import read_only_as_if_test, tested_name
from flopcast.analyzer.interpreter.classes import _is_enum_member
from flopcast.analyzer.interpreter.common import _source
from flopcast.analyzer.interpreter.control import _StopsAtUnknown


class Truth:
    """The Interpreter's methods for truth values and decisions."""

    def truth(self, test: ast.expr, stmt: ast.stmt, loop: bool = False, cover: Optional[list] = None) -> bool:
        """Whether ``test`` holds on this path: known, presumed by a directive, or a site's answer.
        ``cover`` (a conditional expression's): where the site would have no presumption and the
        body's path covers the orelse's (covered_arms.py), the body's value is appended to it and
        the answer is True, no site asked."""
        directive = self.directive_at(stmt, test, "assume") if isinstance(stmt, ast.stmt) else None
        # What a directive says the condition is (evaluated first, so `a and b` can use it too).
        preset, problem = self.assumed_truth(directive, stmt) if directive is not None else (None, None)
        if preset is None:
            preset = self.forced_exit(stmt)
        saved, self._condition = self._condition, (stmt, "loop" if loop else "branch", preset)
        operands, self._loop_operands = self._loop_operands, 0
        filter_tested, self.filter_tested = self.filter_tested, False
        self.verdict_by_site = False
        try:
            value = self.size_truth(self.eval(test), test)
        finally:
            self._condition = saved
            if self.filter_tested and (loop or self.exits_loop(stmt)):
                self.result.filter_exits.append(self.node_span(test))
            self.filter_tested = filter_tested
            decided, self._loop_operands = self._loop_operands, operands
        self.check_array_truth(value, test)
        if value.__class__ is Unknown and value.kind == "int" and preset is None and not loop \
                and not self.counted_stop(stmt):
            # `if n:` of an integer read from data: the value this path takes for it answers
            answered = dataints.tested(self, value, bool, f"`{_source(test)}`")
            if answered is not None:
                value = Known(answered)
        known = self.known_truth(value)
        if known is not None:
            if self.narrowed:
                self.tested_narrowed(test)
            if not isinstance(test, ast.Constant):
                # `while a and b:` whose every operand a site decided (none came out known): its
                # known verdict says nothing of the state (open_loops.py)
                by_sites = loop and known and test.__class__ is ast.BoolOp and test.op.__class__ is ast.And \
                    and decided == len(test.values)
                # an exit `if` whose `and`/`or` took its verdict from an operand a site decided
                # (`if len(seen) >= 3 and err < tol: break`): the loop goes on by that answer
                by_answer = not loop and test.__class__ is ast.BoolOp and self.verdict_by_site
                for ctx in self.loops:
                    if ctx.frame is self.frame and (stmt is ctx.node or id(stmt) in ctx.exit_ifs):
                        ctx.known_exit_test = True
                        if by_sites and stmt is ctx.node:
                            ctx.exit_by_sites = True
                        else:
                            ctx.exit_known_otherwise = True
                            if by_answer:
                                ctx.exit_answered = True
                            else:
                                ctx.exit_settled = True
            return known
        if preset is not None:
            return preset
        # `if spread <= 0.3:` after a site answered `spread > 0.3` of the same value
        compared = self.compared_test(test, loop, stmt)
        if compared is not None:
            followed = self.followed_compared(compared)
            if followed is not None:
                return followed
        if problem:
            self.note(self.node_span(stmt), problem)
        self.stops_counted_run(stmt)
        span = self.node_span(test)
        reason = value.reason if isinstance(value, Unknown) else "condition depends on array values"
        kind = "loop" if loop else "branch"
        presumed = self.presumed_truth(test, value, loop or self.exits_loop(stmt), loop)
        if cover is not None and not presumed:
            body = covered_arms.covering_body(self, stmt)
            if body is not None:
                self.unasked += 1
                cover.append(body)
                self.result.covered.add(span)
                return True
        site = Site((kind, span), (True, False), span, kind, f"`{_source(test)}` depends on values ({reason})",
                    machine=machine_of(value), **self.steering(None if loop else stmt).site_fields(), **presumed)
        taken = self.decisions.choose(site, self.kept_used(), self.stop_state(stmt, site.key))
        self.stop_answered(site.key, stmt, test)
        for ctx in self.loops:
            if ctx.frame is self.frame and (stmt is ctx.node or id(stmt) in ctx.exit_ifs):
                ctx.exit_answered = True  # (the loop may go on only by this answer: Loops.count_held)
        if not loop:
            self.narrow_tested_name(test, site, taken)
            if compared is not None:
                self.narrow_compared(compared, site, taken)
            self.floor_compared(test, taken)
        return taken

    def compared_test(self, test: ast.expr, loop: bool, stmt) -> Optional[compared_floats.Comparison]:
        """The comparison of a float read from data that ``test`` (a condition, or an operand of
        its `and`/`or`) is, where an earlier answer may decide it and its answer is recorded: not
        in a loop's test or an `if` leaving a loop (those repeat with the data the loop changes)."""
        return None if loop or self.exits_loop(stmt) else compared_floats.of_test(test, self.peek)

    def followed_compared(self, compared: compared_floats.Comparison) -> Optional[bool]:
        """The answer earlier sites about the same float and number leave, consulted again; None
        where the test is still open."""
        followed = compared_floats.answer(compared)
        if followed is None:
            return None
        for site, answer in followed[1]:
            self.decisions.consult_again(site, answer)
        return followed[0]

    def narrow_compared(self, compared: compared_floats.Comparison, site: Site, taken: bool) -> None:
        """`if spread > 0.3:` of a local holding a float read from data, answered on this path: the
        local now holds a copy that knows the answer, so a later test of it against 0.3 follows
        it (compared_floats.py). Only a local of a function's own frame, which nothing but this
        frame's statements rebinds; a number a counter watch follows keeps its identity."""
        if compared.name is None or not self.own_local(compared.name, compared.value) \
                or self.counter_watch is not None and self.counter_watch.follows(compared.value):
            return
        made = self.frame.vars[compared.name.id] = compared_floats.narrowed(compared, site, taken)
        floor = self.result.floors.get(id(compared.value))
        if floor is not None:  # (floors are keyed by the number's object: the copy is that number)
            self.result.floors[id(made)] = (made, *floor[1:])

    def own_local(self, name: ast.Name, value: Value) -> bool:
        """Whether ``name`` is a local of this function's frame holding ``value``, which only this
        frame's statements rebind (no global, nonlocal or comprehension variable): a narrowed copy
        of the value can take its place."""
        frame = self.frame
        return frame.function is not None and frame.vars.get(name.id) is value \
            and not (self._comprehensions and self._comprehensions[-1].frame is frame) \
            and name.id not in (frame.globals_ or ()) and name.id not in (frame.nonlocals_ or ())

    def steering(self, stmt) -> onsets.Steering:
        """How ``stmt``, an ``if``, writes state the innermost loop of this frame carries into
        another of its tests (onsets.py); nothing for any other statement (None: none)."""
        if stmt.__class__ is not ast.If:
            return onsets.NONE
        for ctx in reversed(self.loops):
            if ctx.frame is self.frame:
                if ctx.node.__class__ in (ast.For, ast.AsyncFor, ast.While):
                    return onsets.steering(stmt, ctx.node, self.frame.module, self.program)
                return onsets.NONE
        return onsets.NONE

    def retry_steering(self, exc: str) -> onsets.Steering:
        """How the running ``try`` statements with except clauses that an ``exc`` raised here may
        reach change in an except clause what their body reads, each running its body in the
        innermost loop of its frame (onsets.retrying): a raise site steers then, in a function a
        try's body called too (``l = factor(w, jitter)`` with the Cholesky in ``factor``). The
        raise passes a try none of whose clauses catches it (``except KeyError`` in ``factor``)
        and one whose catching clause may raise (``except LinAlgError: raise``); where whether a
        clause catches is not known, that try and those around it are all taken."""
        found = []
        for node, frame in reversed(self._trying):
            catches, onward = self.try_catches(node, frame, exc)
            if catches is not False:
                ctx = next((c for c in reversed(self.loops) if c.frame is frame), None)
                if ctx is not None and ctx.node.__class__ in (ast.For, ast.AsyncFor, ast.While):
                    found.append(onsets.retrying(node, ctx.node, frame.module, self.program))
            if not onward:
                break
        return onsets.joined(found)

    def retry_returning(self, key: tuple) -> None:
        """The raise site ``key`` runs in the innermost ``try`` of this frame, in a loop of it: where
        the try's body hands back what the loop wrote (``return chol, j``, the rung that worked), a
        loop run again in another call may succeed at another try and hand back another rung, as a
        stop's (_returning_stop). (A raise in a function the body calls is not followed.)"""
        if not self._trying or self._trying[-1][1] is not self.frame:
            return
        ctx = next((c for c in reversed(self.loops) if c.frame is self.frame), None)
        function = self.frame.function
        if ctx is not None and function is not None and function.node.__class__ is not ast.Lambda \
                and ctx.node.__class__ in (ast.For, ast.AsyncFor, ast.While):
            self._returning_stop(self._trying[-1][0], ctx, key, None)

    def stop_state(self, stmt, key: tuple):
        """The signature of the state the work after the loop that ``stmt`` stops reads (an exit
        ``if`` of the innermost loop of this frame, or that loop, a ``while``, for its test), or
        late_stops.ALWAYS; None for a site that stops no loop, or after which nothing the loop
        changes is read (late_stops.py)."""
        ctx = next((c for c in reversed(self.loops) if c.frame is self.frame), None)
        function = self.frame.function
        if ctx is None or function is None or function.node.__class__ is ast.Lambda \
                or not (stmt is ctx.node and stmt.__class__ is ast.While or id(stmt) in ctx.exit_ifs):
            return None
        reads = late_stops.later_reads(stmt, ctx.node, function.node, bool(self.handlers.depth), self.program,
                                       self.frame.module)
        returning = reads.__class__ is late_stops.Returning
        if returning:
            reads = self._returned(reads)
        if reads is not None:
            # (of what a Returning arm hands back, only what the caller reads again prices its work)
            self._returning_stop(stmt, ctx, key, reads.numbers if returning and reads is not late_stops.ALWAYS
                                 else None)
        if reads is None or reads is late_stops.ALWAYS:
            return reads
        if reads.returns:
            self.decisions.returning_stop()
        else:
            reads = self._priced_after(stmt, ctx, key, reads)
        if ctx.stops is None:
            ctx.stops = {}
        if key not in ctx.stops:
            self.decisions.stop_began(key)
        ctx.stops[key] = reads
        return reads.signature([self.peek_name(n) for n in reads.names])

    def _returned(self, reads: late_stops.Returning):
        """What the caller of this frame's function reads after a return from a stop (a Later), or
        late_stops.ALWAYS where the call is not found (_calling_statement)."""
        found = self._calling_statement()
        if found is None:
            return late_stops.ALWAYS
        caller, stmt = found
        return reads.later(late_stops.caller_reads(stmt, caller, self.frame.function.node.name, len(reads.items)))

    def _calling_statement(self) -> Optional[tuple]:
        """The calling function's node and the statement whose whole value is the call of this
        frame's function; None where not found: the frame is a generator's or a context manager's,
        or the call is not the whole value of a statement of a calling function."""
        if self.frame.generator is not None or self._opaque_depth or self._comprehensions \
                or len(self._outer_frames) != len(self._call_spans) or not self._call_spans:
            return None
        caller = self._outer_frames[-1]
        stmt = joins.statement_of(self.program, self._call_spans[-1])
        if caller is None or caller.function is None or stmt is None:
            return None
        return caller.function.node, stmt

    def _priced_after(self, stmt, ctx, key: tuple, reads: late_stops.Later) -> late_stops.Later:
        """A stop left by a break or its while test, after which the function returns a count its
        loop wrote (late_stops.returned_after): the path signs it by type, stopping at the first
        execution or never, but the caller may price its work by it (late_stops.caller_prices; or
        the call is not found), or the return expression itself does (``return fnp.sum(fnp.ones(it *
        (9 - it)))``), dearest mid-way: a run stopping there costs more than every path. Where the
        caller reads it only in compares with constants (``if it > 4:``, count_compares.caller_thresholds),
        their answers are signed (``reads`` with them: the stop switches where one changes); else
        the count is watched (_priced_changed): signing it by value switches every pass, which sent
        corpus files past the cap on paths (session 51)."""
        if ctx.priced is None:
            ctx.priced = {}
        if key not in ctx.priced:
            ctx.priced[key] = self._priced_names(stmt, ctx, reads)
        priced = ctx.priced[key]
        if priced.names and key not in self.decisions.priced_stops:
            self._priced_changed(ctx, key)
        return dataclasses.replace(reads, thresholds=priced.thresholds) if priced.thresholds else reads

    def _priced_names(self, stmt, ctx, reads: late_stops.Later) -> late_stops.PricedStop:
        """For _priced_after, at the stop's first execution in this run of its loop: the names it
        watches, their signature and what the path had spent then, and the Thresholds it signs."""
        returned = late_stops.returned_after(stmt, ctx.node, self.frame.function.node, self.program,
                                             _handed(self._outer_frames, self.frame.module))
        # (numbers and containers: not array values, which later sites answer for, nor the module a
        # loop's calls are rooted at, ``fnp``; a name the loop binds after the stop is still a Known
        # missing value here, and watched)
        counts = {n for n in returned.names if isinstance(self.peek_name(n), (Known, ListVal, TupleVal, DictVal))}
        # (a number the function reads after the loop besides is signed by value already; a list
        # read inside, ``fnp.stack(rows)``, sizes arrays whose prices grow with its length, as one
        # read whole after the loop: late_stops._sign)
        priced = {n for n in counts & returned.inside - reads.numbers if self.peek_name(n).__class__ is Known}
        thresholds = []
        # (but what predict returns to whestbench, which prices only the array's cast)
        if counts and self._outer_frames != [None]:
            positions = returned.positions or (frozenset(returned.names),)
            found = self._calling_statement()
            by_caller = None if found is None else late_stops.caller_prices(
                found[1], found[0], self.frame.function.node.name, len(positions), self.program,
                _handed(self._outer_frames[:-1], self._outer_frames[-1].module))
            compared = (None,) * len(positions) if found is None \
                else count_compares.caller_thresholds(found[1], found[0], len(positions),
                                                      self._outer_frames[-1].module)
            for i, at in enumerate(positions):
                if (by_caller is None or by_caller[i]) and at & counts:
                    if compared[i] is None:
                        priced |= at & counts
                    else:
                        thresholds.extend((n, compared[i]) for n in sorted(at & counts))
        names = tuple(sorted(priced))
        return late_stops.PricedStop(names, self._priced_sign(names), self.kept_used(), tuple(thresholds))

    def _priced_sign(self, names: tuple) -> tuple:
        return tuple(late_stops.sign_by_value(self.peek_name(n)) for n in names)

    def _priced_changed(self, ctx, key: tuple) -> None:
        """A later execution of a stop whose returned count prices later work (_priced_after), or
        its loop's normal exit: where the count differs from what it held at the stop's first
        execution in this run, a run stopping in between hands back a count no path does, and the
        high end is opened (Decisions.priced_stop, api._open_at_repeating_sites); a count that never
        changes (a list of the same arrays rebound) prices alike wherever the loop stopped, and one
        that became a value read from data (``s -= step``) is the later sites' to answer for."""
        priced = ctx.priced[key]
        now = self._priced_sign(priced.names)
        if any(a != b and isinstance(self.peek_name(n), (Known, ListVal, TupleVal, DictVal))
               for n, a, b in zip(priced.names, now, priced.signature)):
            self.decisions.priced_stop(key, priced.spent)

    def _returning_stop(self, stmt, ctx, key: tuple, read: Optional[frozenset]) -> None:
        """A stop after which the function hands back what its loop wrote (``return v, it`` in its
        arm, or after the loop it left by a break or its while test; ``return chol, j`` in a retry's
        try): an execution in this call of its function is recorded (Decisions.stop_returning) where
        what it hands back may price the caller's work (a number, a container: not array values,
        which later sites answer for). Past a return in an exit arm, any; else one kept on an object
        (``self.last_it = it``) or one the caller may read after a later call (carried_counts.py).
        ``read``: the returned names the caller reads again (None: any)."""
        handed = late_stops.handed_back(stmt, ctx.node, self.frame.function.node, self.program, self.frame.module)
        # (past an exit arm's return, as session 49 took it: any but array values; else numbers and
        # containers only, not the module or function a loop's calls are rooted at: ``fnp``)
        counts = {n for n in handed.names if (read is None or n in read) and (
            not isinstance(self.peek_name(n), (Array, Unknown, NumpyScalar)) if handed.in_arm
            else isinstance(self.peek_name(n), (Known, ListVal, TupleVal, DictVal)))}
        # (a run after one whose count was carried is recorded whatever its own count does: that
        # count may meet this run's, ``again(g, it)`` comparing it with its own run's)
        if counts and (handed.in_arm or handed.kept or key in self.decisions.returning_runs or self._caller_carries(
                None if handed.positions is None else tuple(bool(p & counts) for p in handed.positions))):
            self.decisions.stop_returning(key, self.kept_used(), self.frame)

    def _caller_carries(self, positions: Optional[tuple]) -> bool:
        """Whether the caller of this frame's function may read what it returns (``positions``: of
        a tuple, whether each holds a count; None: the whole value) after a later call, or hand it
        on (carried_counts.py); True where the call is not found (as _returned)."""
        if self.frame.generator is not None or self._opaque_depth or self._comprehensions \
                or len(self._outer_frames) != len(self._call_spans) or not self._call_spans:
            return True
        caller, span = self._outer_frames[-1], self._call_spans[-1]
        if caller is None or caller.function is None:
            return True
        return carried_counts.carried(self.program, caller.function.node,
                                      (span.line, span.col, span.end_line, span.end_col), positions)

    def stops_unmet(self, ctx) -> None:
        """``ctx``'s loop ended by its own course: the state its watched stop sites' later work
        reads now, the never-stopping path's (late_stops.py); a returning stop's is other work."""
        for key, priced in (ctx.priced or {}).items():
            if priced.names and key not in self.decisions.priced_stops:
                self._priced_changed(ctx, key)
        for key, reads in (ctx.stops or {}).items():
            self.decisions.stop_ended(key, late_stops.ALWAYS if reads.returns
                                      else reads.signature([self.peek_name(n) for n in reads.names]))

    def counted_stop(self, stmt) -> bool:
        """Whether ``stmt`` is the test that stops the counted run this frame is in (first_break.py):
        a test there that depends on values stops the loop, whatever it reads."""
        ctx = self.loops[-1] if self.loops else None
        return ctx is not None and ctx.counted is not None and ctx.counted.stops_at is stmt and ctx.frame is self.frame

    def stops_counted_run(self, stmt, operand: Optional[ast.expr] = None) -> None:
        """The test of a loop that counts the items before its first answering the other way
        depends on values: the loop stops here and its counts become integers read from data
        (first_break.py), unless this test charged, met a site or left something unpriced. A
        ``while i < k and test:`` stops at its ``test`` operand (``operand``), ``i < k`` known true."""
        running = self._comprehensions[-1] if self._comprehensions else None
        if running is not None and running.counted is not None and running.counted.test is stmt \
                and running.frame is self.frame and running.marks is not None:
            raise _StopsAtUnknown()  # (where next()'s search stops: first_index.py, which reads the marks)
        ctx = self.loops[-1] if self.loops else None
        if ctx is not None and ctx.counted is not None and ctx.counted.stops_at is stmt and ctx.frame is self.frame \
                and (ctx.counted.cap is None) == (operand is None) and ctx.marks.unchanged(self):
            if ctx.counted.cap is None:
                raise _StopsAtUnknown()
            if operand is not ctx.counted.test:
                return
            room = first_break.room(self, ctx.counted)
            if room is not None:
                raise _StopsAtUnknown(room)

    def floor_compared(self, test: ast.expr, taken: bool) -> None:
        """`if peak > 1e30:` (or `1e30 < peak`, or the else of `if peak <= 1e30:`) answered on
        this path: the float it compared is past that bound from here on (RunResult.floors), for
        the math functions whose raising is asked at the values it may hold. Only bounds of at
        least 0, read without evaluating anything again."""
        if test.__class__ is not ast.Compare or len(test.ops) != 1:
            return
        op, left, right = test.ops[0].__class__, self.peek(test.left), self.peek(test.comparators[0])
        if left.__class__ is Known and right.__class__ is Unknown:
            op, left, right = _MIRRORED.get(op), right, left
        if left.__class__ is not Unknown or left.kind not in ("float", "") or right.__class__ is not Known \
                or type(right.value) not in (int, float) or not right.value >= 0:
            return
        if taken and op in (ast.Gt, ast.GtE):
            floor = (left, right.value, op is ast.Gt, False)
        elif not taken and op in (ast.Lt, ast.LtE):
            floor = (left, right.value, op is ast.LtE, True)  # not (nan < c): a NaN passes
        else:
            return
        held = self.result.floors.get(id(left))
        if held is None or held[1] < floor[1]:
            self.result.floors[id(left)] = floor

    def peek(self, node: ast.expr) -> Optional[Value]:
        """What a name or a number in a test just evaluated holds, without evaluating it again."""
        if node.__class__ is ast.NamedExpr:
            node = node.target
        if node.__class__ is ast.Constant:
            return Known(node.value)
        if node.__class__ is ast.UnaryOp and node.op.__class__ is ast.USub and node.operand.__class__ is ast.Constant:
            return Known(-node.operand.value) if type(node.operand.value) in (int, float) else None
        if node.__class__ is not ast.Name:
            return None
        fn = self.frame.function
        for scope in (self.frame.vars, fn.closure if fn is not None and fn.closure is not None else {},
                      self.module_envs.get(self.frame.module.key, {}) if self.frame.module is not None else {}):
            if node.id in scope:
                return scope[node.id]
        return None

    def narrow_tested_name(self, test: ast.expr, site: Site, taken: bool) -> None:
        """`if shrunk:` (or `if not shrunk:`) of a local holding a Python bool read from data:
        the path now knows that bool, so the local holds it from here on. A later test of the
        same variable (`if shrunk:` again, after the solve) follows this answer instead of
        opening a site of its own, whose other answer no run can give. When the function reads
        the local only in such tests, each of them still consults ``site`` (``tested_narrowed``)
        and the joins (joins.py) see the known bool as the site's answer, whichever it is: the
        answer then shows only in those statements' blocks, so a site proven to add up stays
        proven. Read otherwise (`x * shrunk`, `while shrunk`), the bool is a plain known value
        to the joins too."""
        name, negated = tested_name(test)
        if name is None:
            return
        frame = self.frame
        value = frame.vars.get(name.id)
        if value.__class__ is Unknown and value.text_or_none and taken != negated and frame.function is not None \
                and name.id not in (frame.globals_ or ()) and name.id not in (frame.nonlocals_ or ()):
            # `if forced:` of os.environ.get("X"): where it holds, the variable is set, to some text
            frame.vars[name.id] = dataclasses.replace(value, kind="str", text_or_none=False)
            return
        if value.__class__ is not Unknown or value.kind != "bool" or frame.function is None \
                or self._comprehensions and self._comprehensions[-1].frame is frame \
                or name.id in (frame.globals_ or ()) or name.id in (frame.nonlocals_ or ()):
            return
        known = frame.vars[name.id] = Known(taken != negated)
        if read_only_as_if_test(frame.function.node, name.id):
            self.narrowed[id(known)] = (known, site, taken)

    def tested_narrowed(self, test: ast.expr) -> None:
        """A test of a local ``narrow_tested_name`` narrowed: a consultation of its site that
        gives no new answer."""
        name = tested_name(test)[0]
        if name is None:
            return
        narrowed = self.narrowed.get(id(self.frame.vars.get(name.id)))
        if narrowed is not None:
            self.decisions.consult_again(narrowed[1], narrowed[2])

    def presumed_truth(self, test: ast.expr, value: Value, loop_exit: bool = False, loop_test: bool = False) -> dict:
        """The option the nominal path takes at a condition and why, from its value's presumption
        (a loop's exit takes only safety-net presumptions: a convergence test is not one)."""
        p = presumptions.of(value)
        if p is None or p.value is None or loop_exit and not p.guard:
            return {}
        if loop_exit and p.compared is not None and self._compares_passes(p.compared, loop_test):
            return {}
        return {"presumed": p.value, "presumption": f"`{_source(test)}` is {p.value}: {p.text}"}

    def _compares_passes(self, compared: frozenset, loop_test: bool) -> bool:
        """Whether a self-check that exits a loop is a convergence test: a while loop's own test
        (its first pass compares the values the loop starts from), or a check of an array made in
        an earlier pass of the loop (``allclose(prev, cur)``); a retry ladder's check of this
        pass's result against what the loop started from stays a safety net."""
        if loop_test:
            return True
        ctx = next((c for c in reversed(self.loops) if c.frame is self.frame), None)
        return ctx is not None and any(ctx.first_ident <= i < ctx.pass_ident for i in compared)

    def exits_loop(self, stmt) -> bool:
        """Whether ``stmt`` is an `if` whose arm leaves a loop being run in this frame."""
        return stmt is not None and any(ctx.frame is self.frame and id(stmt) in ctx.exit_ifs for ctx in self.loops)

    def assumed_truth(self, directive, stmt: ast.stmt) -> tuple[Optional[bool], Optional[str]]:
        """`# flopcast: assume <expr>`: <expr> is evaluated where the condition is, and must
        come out a known truth value; it then replaces the condition. Returns the verdict, or
        None and why the directive cannot be used."""
        value, problem = self.directive_value(directive)
        if problem:
            return None, problem
        verdict = self.known_truth(value)
        if verdict is None:
            return None, (f"ignored `# flopcast: assume {directive.text}`: it does not evaluate to a known "
                          "truth value here (write `assume True` or `assume False`, or a condition on known values)")
        return verdict, None

    def directive_value(self, directive) -> tuple[Value, Optional[str]]:
        """The value of a directive's expression, evaluated where the site is, never charged."""
        try:
            expr = ast.parse(directive.text.strip(), mode="eval").body
        except SyntaxError as exc:
            return OPAQUE, f"ignored `# flopcast: assume {directive.text}`: not a Python expression ({exc.msg})"
        ast.increment_lineno(expr, directive.line - 1)
        saved_unpriced, saved_keys = list(self.result.unpriced), set(self._unpriced_keys)
        saved_metered = self.metered
        self.metered = False  # the assumption is the author's statement, not program code: never charged
        try:
            return self.eval(expr), None
        except UserRaise:
            return OPAQUE, None
        finally:
            self.metered = saved_metered
            self.result.unpriced[:], self._unpriced_keys = saved_unpriced, saved_keys

    def assumed_count(self, lo: int, hi: int) -> Optional[int]:
        """`# flopcast: assume <count>` on the line of a selection (nonzero, a boolean mask):
        the number of elements it selects, a known integer between 0 and the full size."""
        directive = self.frame.module.directives.get(self.span.line) if self.frame and self.span else None
        if directive is None or directive.kind != "assume":
            return None
        value, problem = self.directive_value(directive)
        if not problem and isinstance(value, Known) and isinstance(value.value, int) \
                and not isinstance(value.value, bool) and lo <= value.value <= hi:
            return value.value
        if isinstance(value, Known) and isinstance(value.value, bool):
            return None  # a truth value: the directive of a condition on the same line
        self.note(self.span, problem or f"ignored `# flopcast: assume {directive.text}`: a selection's count must "
                                        f"be a known integer from {lo} to {hi} here")
        return None

    def forced_exit(self, stmt) -> Optional[bool]:
        """Inside a loop with `# flopcast: iterations=N`, an `if` whose arm leaves the loop is
        decided by the directive: stay for the first N-1 iterations, leave on the N-th."""
        for ctx in reversed(self.loops):
            if ctx.frame is not self.frame:
                break
            if id(stmt) in ctx.exit_ifs:
                if ctx.limit is None:
                    return None
                body_exits = ctx.exit_ifs[id(stmt)]
                leave = ctx.index >= ctx.limit - 1
                return body_exits if leave else not body_exits
        return None

    def check_array_truth(self, value: Value, node: ast.AST) -> None:
        """`if a:` asks the array's __bool__, which numpy refuses unless it holds one element."""
        if isinstance(value, Array) and value.size != 1:
            what = "an empty array" if value.size == 0 else "an array with more than one element"
            raise UserRaise(self.node_span(node), f"ValueError: The truth value of {what} is ambiguous")

    def size_test(self, op: ast.cmpop, left: Value, right: Value, node) -> Value:
        """A test of a size a value-dependent site chose (``if idx.size == 0:``,
        ``if len(idx) // 2 >= 4:``): answered at this path's count, and the counts where its
        answer changes are recorded, so the site is analysed on both sides of them
        (sizetests.py); a plain value-dependent site when those cannot be worked out."""
        count = left if isinstance(left, CountKnown) else right
        if self.on_filter(count):
            self.filter_tested = True  # truth() files it when the test exits a loop
        result = self.compare(op, Known(left.value) if isinstance(left, CountKnown) else left,
                              Known(right.value) if isinstance(right, CountKnown) else right, node)
        truth = self.known_truth(result)
        if truth is None:
            return result
        name = type(op).__name__
        if name != "Eq" and getattr(node, "_flopcast_loop_test", False):
            return Known(truth)  # a while loop's exit: its trip count grows with the size (sizetests.py)
        breaks = sizetests.breakpoints(name, left, right)
        if breaks is None:
            return self.count_test(count, result, node)
        if breaks:
            if self.count_values.get(count.key) == sizetests.OPEN:
                line = f" at line {count.origin.line}" if count.origin is not None else ""
                self.unpriced(node, "size test", f"tests of the size of the selection{line} answer differently at "
                              f"more than {sizetests.MAX_VALUES} counts in its range: the cost between the counts "
                              "analysed is not bounded")
            else:
                self.effects += 1
                sizetests.record(self.result, count, breaks, self.node_span(node).line)
        return Known(truth)

    def size_truth(self, value: Value, node) -> Value:
        """The truth of a size a value-dependent site chose (``if idx.size:``): ``!= 0``."""
        if isinstance(value, CountKnown):
            return self.size_test(ast.NotEq(), value, Known(0), node)
        if value.__class__ is InstanceVal:  # its class's __bool__ / __len__
            return dunders.instance_truth(self, value, self.node_span(node))
        return value

    def on_filter(self, count: CountKnown) -> bool:
        """Whether ``count`` is the presumed count of a selection by a threshold filter."""
        return bool(count.on_presumed) and count.origin in self.filter_selections

    def count_test(self, count: CountKnown, result: Value, node) -> Value:
        """A test of a size a value-dependent site chose, where the counts at which it answers
        differently are not worked out: this path took one end of the size's range, but the
        run may stop between the ends, where the test can go the other way; it depends on
        values. The nominal path, on the selection's presumed count, presumes the outcome that
        count gives."""
        truth = self.known_truth(result)
        if truth is None:
            return result
        line = f" at line {count.origin.line}" if count.origin is not None else ""
        # (not a guard when the count is a threshold filter's: no loop exit presumes it)
        presumed = presumptions.Presumed(truth, f"the selection{line} keeps its presumed count",
                                         guard=not self.on_filter(count)) if count.on_presumed else None
        return Unknown("bool", self.node_span(node), f"tests the size of the selection{line}", presumed=presumed)

    @staticmethod
    def identity_hashed(value: Value) -> bool:
        """Whether Python hashes and compares ``value`` by identity alone (a set of such values
        keeps each object once): an enum member, a function, a class, an instance of classes
        that define no equality."""
        return isinstance(value, (FunctionVal, ClassVal)) or _is_enum_member(value) and not \
            value.cls.attrs.get("__int_like__") or equal_only_to_itself(value)

    def known_truth(self, value: Value) -> Optional[bool]:
        if isinstance(value, CountKnown):
            return None  # a size chosen at a value-dependent site: the test depends on values
        if isinstance(value, Known):
            try:
                return bool(value.value)
            except Exception:  # noqa: BLE001 - exotic values are simply not known
                return None
        if isinstance(value, (ListVal, TupleVal, DictVal)):
            return bool(value.items)
        if isinstance(value, ChainMapVal):
            snapshot = chain_maps.flat(value)  # `any(self.maps)`
            return None if snapshot is None else bool(snapshot.items)
        if isinstance(value, InstanceVal) and value.payload is not None and not any(
                isinstance(value.cls.lookup(m)[1], FunctionVal) for m in ("__bool__", "__len__")):
            return bool(value.payload.items)
        if value.__class__ is InstanceVal and plain_member(value) is not value:
            return bool(plain_member(value).value)  # an IntEnum member of value 0 is false
        if value.__class__ is InstanceVal and (dunders.user_method(value, "__bool__") is not None
                                               or dunders.user_method(value, "__len__") is not None):
            return None  # what its __bool__/__len__ say (size_truth asks them where Python does)
        if isinstance(value, (FunctionVal, ClassVal, InstanceVal, LibRef, MLPVal, Generator, BoundMethod,
                              PyGenerator, GeneratorView, PartialVal, SeqIterator)):
            return True
        if isinstance(value, Array) and value.size != 1:
            return None
        if value.__class__ is Array and value.value is not None:
            return bool(value.value)  # a 0-d array of a known value (`if fnp.sqrt(x) > 3:`)
        return None


#: `c < x` read as `x > c`
_MIRRORED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}


def _handed(outer: list, module) -> Optional[frozenset]:
    """value_flow._flow's ``handed`` for the returns of a frame below ``outer`` on the stack, of
    ``module``: None for predict's, whose value whestbench prices only by its shape; else its
    caller may price work by what it returns, but by flopscope's arrays of unknown values."""
    return None if outer == [None] else value_flow.flopscope_aliases(module)
