"""The later calls of ``predict`` (one per MLP after the first): when a second call may be
priced as the first was, and when it must run again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from flopcast.analyzer import carried, first_writes
from flopcast.analyzer.values import Known, UserRaise, Value
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.control import PathEnd
from flopcast.analyzer.interpreter.exhausted_calls import Crossing
from flopcast.analyzer.interpreter.result import RunResult


class LaterCalls:
    """The Interpreter's methods for the later calls of ``predict`` (one per MLP after the first)."""

    def _later_calls(self, instance: Value, predict: Value, before: Optional[tuple],
                     before_numbers: Optional[list] = None, first_watch=None, marks: tuple = (),
                     armed: Optional[first_writes.Armed] = None, cache_before: Optional[frozenset] = None) -> None:
        """The calls whestbench makes after the first on this instance, one per MLP, followed while
        the first left state they can read (carried.py). Only after a first call that ended
        normally: one that raised or ran out of budget leaves a state the path does not follow."""
        after = carried.state(self, instance)
        self.result.call_states.append(carried.path_state(self, instance))
        if after is not None and after == before:
            self.result.calls_end = carried.REPEATS
            return  # every call starts where the first did
        # What the first call added that no later call can tell from its absence (first_writes.py)
        found = first_writes.added(self, instance, armed, cache_before) if cache_before is not None else None
        if first_watch is not None:
            # (a first call that changes the state otherwise on most paths is no longer watched:
            # the watch costs, and the second call runs anyway)
            settled = self._settled_as_first(instance, first_watch, marks, found)
            self.program.first_call_tries[0 if settled else 1] += 1
            if settled:
                self.result.calls_end, self.result.calls_moves = carried.MOVES, first_watch.moves
                return  # every call makes the moves the first made
        if (armed is not None or found is not None) and self._second_call_fits(marks) \
                and first_writes.added_unread(self, instance, before, found):
            self._add_second_call(marks)
            self.result.calls_end = carried.REPEATS
            return  # it only added what no later call can tell from its absence: every call moves alike
        r = self.result
        # The numbers of the state the last call started from. The first call's too: the second
        # call is watched against them, so a call counter (`CALLS += 1`, `self.calls += 1`) that
        # steers nothing settles at the second call instead of the third (each path of
        # fourier_power, whitened_moments, ridge_head made one whole call of predict more).
        previous = before_numbers
        calls = 1
        while calls < carried.MAX_CALLS:
            numbers = carried.numbers(self, instance)
            if calls == 1 and found is not None:
                # the hint a later run's first call is watched on: the state it starts from has
                # none of what this first call added
                with first_writes.hidden(self, instance, found) as walked:
                    hinted = carried.numbers(self, walked)
            else:
                hinted = numbers
            watch = carried.watch_numbers(self, instance, previous) if previous is not None else None
            try:
                stopped = self._call_again(predict, instance)
            finally:
                if watch is not None:
                    watch.stop()
            calls += 1
            if stopped is None and self._crossing is not None:
                # this call ran out of budget: the next starts from the state at the refused op
                crossing, self._crossing = self._crossing, None
                if crossing.state is not None and crossing.state == after:
                    r.call_states.append(r.call_states[-1] if r.call_states else None)
                    r.calls_end = carried.REPEATS
                    return  # it left the state it found: every later call is this one again
                if not self.starts_as_from_now(crossing, instance):
                    r.settled, r.unsettled = False, self.unknown_after_exhaustion(crossing, calls)
                    r.later.append(r.later[-1])
                    r.later_floors[len(r.later) - 1] = 0
                    return
            if stopped is not None:
                r.settled, r.unsettled = False, stopped
                return
            if watch is not None and carried.numbers_steer_nothing(self, instance, watch):
                if calls == 2:
                    # where this path's first call changed the state's numbers and logs: a later
                    # run watches its first call on them (_watch_first), and on those of the paths
                    # before (a path that adds no per-key counter gave the hint another fails on)
                    hint = carried.first_call_hint(previous, hinted, frozenset(
                        node for node, (_, skipped) in self.steady_history.items() if skipped))
                    if hint is not None:
                        self.program.first_call_hint = carried.merged(self.program.first_call_hint, hint)
                r.calls_end, r.calls_moves = carried.MOVES, watch.moves
                # (the state this call left shows which roots every later call moves: past_record.py)
                r.calls_after = carried.path_state(self, instance)
                return  # only numbers no call steers by changed: every later call moves as this one
            now = carried.state(self, instance)
            r.call_states.append(carried.path_state(self, instance))
            if now is not None and now == after:
                r.calls_end = carried.REPEATS
                return  # this call left the state it found: every later call costs what it did
            after = now
            previous = numbers
        r.settled = False
        r.unsettled = ("the state a call can read still changes after "
                       f"{carried.MAX_CALLS} calls" if after is not None else
                       "the state a call can read holds values flopcast cannot compare")

    def _later_calls_unfollowed(self, why: str) -> None:
        """A first call not priced to its end leaves a state flopcast does not know: what it
        filled before the unpriced op (an ``lru_cache`` table, a matrix kept on ``self``) or after
        it may make every later call cheaper than the first's lower bound, so the later calls
        claim nothing."""
        self.result.settled, self.result.unsettled = False, why

    def _after_raising_call(self, instance: Value, predict: Value, before: Optional[tuple], *args) -> None:
        """After a first call that raised (or returned what whestbench rejects): whestbench records
        the MLP as failed and calls predict on the same instance for the next one, from the state
        the raise left (scoring.evaluate_estimator: ``except Exception``, the prediction zeroed).
        The later calls are followed as any path's (``_later_calls``, ``args`` its), each ending
        where it raises as the first did."""
        self._raised_first = True
        try:
            self._later_calls(instance, predict, before, *args)
        finally:
            self._raised_first = False

    def _watch_first(self, instance: Value):
        """A watch of the first call of predict on the numbers and logs an earlier run's first call
        changed (carried.watch_first), for a run whose later calls are followed as a plain path's
        are: not a traced run, one recording values, or one whose decisions watch or replay."""
        hint = self.program.first_call_hint
        settled, failed = self.program.first_call_tries
        if hint is None or failed > 2 * settled + 2 or not self._plain_run():
            return None
        return carried.watch_first(self, instance, hint)

    def _plain_run(self) -> bool:
        """A run whose later calls may be taken as the first's when that is proven: not a traced
        run, one recording values, or one whose decisions watch or replay. The nominal path's
        decisions are plain ones that also note the presumptions of the sites they first meet: a
        second call making the first's moves meets no site the first did not, so they note
        nothing more (its runs made a second call on every path of staged_pipeline before)."""
        return self.trace is None and not self.record_values and not self.decisions.per_execution \
            and not self.decisions.watch and self.counter_watch is None

    def _settled_as_first(self, instance: Value, watch, marks: tuple,
                          found: Optional[first_writes.Added] = None) -> bool:
        """After a first call watched on the numbers and logs it changed (``watch``, stopped): when
        it proves every later call makes the moves it made (carried.steers_nothing_unbounded, on
        the state without what ``found`` names: first_writes.added), what running the second call
        would have added to the path, added; else False. ``marks``: the decisions' answers, the
        steps and the work before the first call. (The notes and uncertainties a second call
        records are the first's, all on the path already: the report lists each once.)"""
        if not self._second_call_fits(marks):
            return False
        if found is None:
            proven = carried.steers_nothing_unbounded(self, instance, watch)
        else:
            with first_writes.hidden(self, instance, found) as walked:
                proven = carried.steers_nothing_unbounded(self, walked, watch)
        if not proven:
            return False
        self._add_second_call(marks)
        return True

    def _second_call_fits(self, marks: tuple) -> bool:
        """Whether a second call as long as the first stays within the step limit and the fit's
        allowance (else it runs: it might reach them)."""
        _, steps, work = marks
        return not (self.steps + (self.steps - steps) + 1 > limits.MAX_STEPS or self.work + (self.work - work) > self.work_stop)

    def _add_second_call(self, marks: tuple) -> None:
        """What running a second call that makes the first's moves would have added to the path.
        ``marks``: the decisions' answers, the steps and the work before the first call. (The notes
        and uncertainties a second call records are the first's, all on the path already: the
        report lists each once.)"""
        answers_start, steps, work = marks
        took = self.steps - steps
        first = self.result
        first.later.append(first.total)
        # Its sites are the first call's, answered alike (a site keeps its option on a path).
        answers = self.decisions.answers
        again = answers[answers_start:]
        if again:
            seen = {s.key: s.span for s in self.decisions.seen}
            first.repeated_sites.update(seen[k] for k, _ in again if k in seen)
            self._later_answers = True
            self.decisions.next_call()
            self.decisions.replayed(again)
        self.steps += took
        self.work += self.work - work

    def _call_again(self, predict: Value, instance: Value) -> Optional[str]:
        """One more call of ``predict`` with a fresh MLP, inside a fresh budget: its total is
        appended to ``result.later``, its findings merged into the path's; the charges, the
        per-function roll-ups and the trace stay the first call's. Why the calls after it cannot
        be followed, or None; where it runs out of budget, None with ``_crossing`` set (the op
        refused and ``instance``'s state there: exhausted_calls.py)."""
        first = self.result
        self.decisions.next_call()
        # reads of the budget are told apart within a call (spent_ranges.read_id): its own budget
        # starts from nothing, and a call taken as the same as the last one reads as that one did
        self._read_counts = {}
        answers = self.decisions.answers
        seen_before = {key for key, _ in answers}
        answers_start = len(answers)
        first.later_consults.append(len(self.decisions.log))
        saved = (self.used, self._first_unpriced, self._first_raising, self.trace, self._unpriced_keys)
        # The generators run so far stay listed (call keys count them: repeats.CallMemo); only this
        # call's have charges in its list to take back.
        generators = self._ran_generators
        before_generators = len(generators)
        self.result = fresh = RunResult()
        self.used, self._first_unpriced, self._first_raising, self.trace = 0, None, None, None
        self._unpriced_keys = set()
        traced_eval = self.__dict__.pop("eval", None)  # the memory tracker's (the trace is off)
        stopped = None
        self.watch_crossing(instance)
        try:
            try:
                value = self.call(predict, [self.make_mlp(), Known(self.budget)], {}, self.program.main_span)
                self._ran_generators = generators[before_generators:]  # (this call's, as below)
                try:
                    self.close_held(predict, 0)
                finally:
                    self._ran_generators = generators
            except UserRaise as exc:
                # (on a path whose first call raised, a raise ends the call as the first's did)
                stopped = None if self._raised_first else f"call {len(first.later) + 2} raises {exc.what}"
                value = None
            except PathEnd:
                self._ran_generators = generators[before_generators:]
                try:
                    self.retract_unconsumed(ending=True)
                finally:
                    self._ran_generators = generators
                raise
            self._ran_generators = generators[before_generators:]
            try:
                self.retract_unconsumed()
            finally:
                self._ran_generators = generators
            rejected = self.rejected_prediction(value, predict) if value is not None else None
            if rejected is not None:
                stopped = f"call {len(first.later) + 2} returns a rejected prediction"
            elif value is not None and self.include_scorer_cast:
                self.scorer_cast(value)
        except Exception as exc:  # noqa: BLE001 - a flopcast bug never fakes a total
            self._end_path_at(exc)
        finally:
            self.watch_crossing(None)
        overrun = self._budget_overrun()
        if overrun is not None and self._crossing is None:
            self._crossing = Crossing(overrun.span, None, "the FLOPs spent there are not followed")
        if overrun is not None and fresh.memory_raise is not None:
            self._crossing = Crossing(overrun.span, None, "a MemoryError may stop the call before it")
        # a MemoryError on the call: whestbench's next call starts from the state at the failed
        # allocation, not the path's end (the path goes on past it as if memory were unlimited)
        dies = overrun is None and fresh.memory_raise is not None and not fresh.memory_raise[2]
        if dies and stopped is None:
            stopped = (f"call {len(first.later) + 2} dies of MemoryError at line {fresh.memory_raise[0].line}, and "
                       "the next call starts from the state at that allocation, which is not followed")
        if self._first_raising is not None:
            first.later_floors[len(first.later)] = sum(c.flops for c in fresh.charges[:self._first_raising])
        if dies:
            # the run counts only the charges before the allocation that fails
            floor = sum(c.flops for c in fresh.charges[:fresh.memory_raise[3]])
            first.later_floors[len(first.later)] = min(first.later_floors.get(len(first.later), floor), floor)
        self.result = first
        self.used, self._first_unpriced, self._first_raising, self.trace, self._unpriced_keys = saved
        if traced_eval is not None:
            self.eval = traced_eval
        first.later.append(fresh.total)
        if dies:
            # the call after it starts from a state not followed: it may cost anything from nothing up
            first.later.append(fresh.total)
            first.later_floors[len(first.later) - 1] = 0
        first.covered |= fresh.covered
        first.filter_exits.extend(fresh.filter_exits)
        # Tagged with their call: joins.py compares a flipped run's calls with the nominal path's.
        first.joins.extend(replace(j, predict_call=len(first.later)) for j in fresh.joins)
        seen = {s.key: s.span for s in self.decisions.seen}
        later_keys = {key for key, _ in answers[answers_start:]}
        first.repeated_sites.update(seen[k] for k in later_keys & seen_before if k in seen)
        if later_keys:
            # the per-execution proof of an unwatched exploration (api) reads no later call's answers
            self._later_answers = True
        for u in fresh.unpriced:
            if all((u.span, u.what) != (v.span, v.what) for v in first.unpriced):
                first.unpriced.append(u)
        first.uncertain.extend(fresh.uncertain)
        first.notes.extend(n for n in fresh.notes if n not in first.notes)
        for key, presumed in fresh.no_raise.items():
            first.no_raise.setdefault(key, presumed)
        first.entered.update(fresh.entered)
        for span, texts in fresh.values.items():
            first.values[span] = first.values.get(span, ()) + tuple(t for t in texts if t not in first.values.get(span, ()))
        for table in ("data_ints", "count_breaks"):
            for key, value in getattr(fresh, table).items():
                getattr(first, table).setdefault(key, value)
        first.picks |= fresh.picks
        first.isolating |= fresh.isolating
        first.exhausted = first.exhausted or fresh.exhausted
        if fresh.unpriced:
            self._crossing = None
            return stopped or f"call {len(first.later) + 1} is not priced whole"
        if overrun is None:
            self._crossing = None
        return stopped if overrun is None else None
