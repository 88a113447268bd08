"""The calls of ``predict`` after one that runs out of budget.

flopscope refuses the op that would take the running total past the budget (BudgetExhaustedError,
before charging it); whestbench zeroes that MLP's prediction and calls ``predict`` on the same
instance for the next MLP (scoring.evaluate_estimator), from the state the instance had at the
refused op. The path itself goes on past that op, as if unbounded, to price the whole call (how far
over budget it is: Interpreter._budget_overrun); what the later calls start from is taken at the op
where the budget runs out (``Crossing``), and they are followed only where that state is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer import carried, mixed_calls
from flopcast.analyzer.values import InstanceVal, Value
from flopcast.model import Span


@dataclass(frozen=True)
class Crossing:
    """The op at which a call runs out of budget, and the state the next call can read there
    (carried.state), or None with ``why`` it is not known."""

    span: Span
    state: Optional[tuple]
    why: str = ""
    # the same state, part by part (carried.path_state), to tell where it differs from another
    parts: Optional[object] = None


@dataclass(frozen=True)
class _Left:
    """A state a call left, as mixed_calls reads a path's record of them (RunResult's fields)."""

    call_states: list
    calls_end: str = carried.REPEATS
    calls_moves: Optional[tuple] = None
    calls_after: Optional[object] = None
    call_start: Optional[object] = None


class ExhaustedCalls:
    """The Interpreter's methods for the state a call that runs out of budget leaves."""

    #: The instance whose state is taken where the call being run runs out of budget (None: not
    #: watched, or taken), and what was taken there.
    _crossing_watch: Optional[Value] = None
    _crossing: Optional[Crossing] = None

    def watch_crossing(self, instance: Optional[Value]) -> None:
        """Take ``instance``'s state at the op that runs the budget out (None: stop watching)."""
        self._crossing_watch = instance
        if instance is not None:
            self._crossing = None

    def cross(self, span: Span) -> None:
        """The op at ``span`` costs more than is left: flopscope refuses it, and whestbench's next
        call starts from the state now. Known only where the running total is the run's and no code
        runs as the exception leaves (a ``finally``, a context manager's exit: they may change the
        state after the refused op)."""
        instance, self._crossing_watch = self._crossing_watch, None
        why = self.spent_unfollowed()
        if why is None and self.used > self.budget:
            why = "the budget ran out inside FLOPs added at once"
        if why is None and self._unwinding:
            why = "a `finally` or a context manager's exit runs as the exception leaves"
        state = carried.state(self, instance) if why is None else None
        if why is None and state is None:
            why = "the state holds values flopcast cannot compare"
        parts = carried.path_state(self, instance) if state is not None else None
        self._crossing = Crossing(span, state, why, parts)

    def starts_as_from_now(self, crossing: Crossing, instance: Value) -> bool:
        """Whether a call started from the state at ``crossing`` costs what one started from the
        state now does: the states are equal, or they differ only in parts no call reads (a count
        only stepped, a log only written: mixed_calls.steer_later_calls, as between two paths)."""
        if crossing.state is None:
            return False
        if crossing.state == carried.state(self, instance):
            return True
        now = carried.path_state(self, instance)
        if crossing.parts is None or now is None or not isinstance(instance, InstanceVal):
            return False
        return not mixed_calls.steer_later_calls(self.program, instance.cls.name,
                                                 [_Left([crossing.parts]), _Left([now])])

    def fitting_repeats(self, per_repeat: int, repeats: int) -> int:
        """How many of ``repeats`` repeats costing ``per_repeat`` each may be added at once (a
        skipped loop's iterations): while the op the budget runs out at is watched, only those that
        fit, so the loop runs the one that crosses (``cross`` takes the state there)."""
        if self._crossing_watch is None or per_repeat <= 0 or per_repeat * repeats <= self.budget - self.used:
            return repeats
        return max(0, (self.budget - self.used) // per_repeat)

    def _after_exhausted_call(self, overrun, instance: Value, predict: Value, before: Optional[tuple],
                              *args) -> None:
        """After a first call that runs out of budget: the later calls start from the state at the
        refused op. That state is the one the call started from: every call is the first again.
        It is the one the call ends with (or differs from it only where no call reads:
        ``starts_as_from_now``): the later calls are followed from here (``_later_calls``,
        ``args`` its). Else they are not known: the path is not settled, and a later call may cost
        anything from nothing up (its low end 0, the high end open)."""
        r = self.result
        crossing = self._crossing
        if crossing is not None and r.memory_raise is not None:
            crossing = Crossing(crossing.span, None, "a MemoryError may stop the call before it")
        if crossing is not None and crossing.state is not None:
            if before is not None and crossing.state == before:
                r.call_states.append(r.call_start)
                r.calls_end = carried.REPEATS
                return
            if self.starts_as_from_now(crossing, instance):
                self._later_calls(instance, predict, before, *args)
                return
        r.settled = False
        r.unsettled = self.unknown_after_exhaustion(crossing or Crossing(overrun.span, None,
                                                                         "the FLOPs spent there are not followed"), 1)
        r.later.append(r.total)
        r.later_floors[0] = 0

    def _after_memory_raise(self) -> None:
        """After a first call that dies of MemoryError (an array past whestbench's memory limit,
        RunResult.memory_raise): whestbench records the error and calls ``predict`` again on the
        same instance, from the state at the failed allocation, while the path goes on past it.
        That state is not taken: the later calls are not followed (their low end 0, the high end
        open), not followed from the state the path ends with."""
        r = self.result
        r.settled = False
        r.unsettled = (f"call 1 dies of MemoryError at line {r.memory_raise[0].line}, and the next call starts "
                       "from the state at that allocation, which is not followed")
        r.later.append(r.total)
        r.later_floors[0] = 0

    @staticmethod
    def unknown_after_exhaustion(crossing: Crossing, call: int) -> str:
        """Why the calls after call ``call``, which ran out of budget at ``crossing``, are not followed."""
        why = crossing.why or "the state changed again after it"
        return (f"call {call} runs out of budget at line {crossing.span.line}, and the next call starts from "
                f"the state at that op, which is not known ({why})")
