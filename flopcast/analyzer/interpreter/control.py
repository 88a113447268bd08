"""How a path's run is cut short: the exceptions the interpreter raises to end a path, to return,
break and continue, and to stop a run past its allowance of work.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer.values import UserRaise, Value
from flopcast.model import Span


class WorkOut(BaseException):
    """A run stopped because it executed more than ``Interpreter.work_stop`` statements and
    iterations (the formula fit's remaining allowance, formula.py): a BaseException, so no
    handler of the program's or the path's own end (``_end_path_at``) takes it for the
    program's; every ``finally`` on the way still runs (loop and counter watches stop)."""


class WorkMeter:
    """The interpretation work the runs of one run_point call executed (``spent``), how many runs
    (paths) they were (``runs``), and how much they may execute before the next statement stops
    them with WorkOut (``allowance``; formula.py)."""

    def __init__(self, allowance: int) -> None:
        self.allowance = allowance
        self.spent = 0
        self.runs = 0


class PathEnd(Exception):
    """This path cannot continue (step limit, unbounded loop); the run reports why.

    ``span`` is the construct responsible (the loop or the call), so the report can
    name the line; ``unbounded`` says the path provably never ends (the consistent
    choices keep the loop or recursion going with nothing changing), as opposed to
    an analysis limit being hit.
    """

    def __init__(self, message: str, span: Optional[Span] = None, unbounded: bool = False,
                 what: str = "analysis stopped"):
        super().__init__(message)
        self.span = span
        self.unbounded = unbounded
        self.what = what  # the report's name for the unpriced entry


class _Return(Exception):
    def __init__(self, value: Value):
        self.value = value
        self.joined: Optional[tuple] = None  # (log start, FLOPs then) of a try it left (_joined_try)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _ShortCircuit(Exception):
    """any()/all()/next() of a generator expression stop at this item (Interpreter.short_circuit)."""

    def __init__(self, value: Value):
        self.value = value


#: builtins that stop consuming a generator expression early
_SHORT_CIRCUITING = frozenset({"any", "all", "next"})


#: builtins that take a generator's items one at a time, or keep it (every other builtin and
#: library call consumes a generator expression argument whole, at once)
_LAZY_CONSUMERS = frozenset({"any", "all", "next", "iter", "map", "filter", "zip", "enumerate", "reversed"})


class _GeneratorPause(Exception):
    """A generator body reached the last item its consumer takes (PyGenerator.need)."""


class _StopsAtUnknown(Exception):
    """The test of a loop counting the items before its first answering the other way depends on
    values: the loop stops there, its counts read from data (first_break.py). ``room``: how many
    more iterations a ``while`` loop's own cap allows (None for a ``for`` loop's items)."""

    def __init__(self, room: Optional[int] = None):
        self.room = room


class _FirstIndexFound(Exception):
    """``next(<first index>, default)``'s test depends on values at an item: the index found is
    read from data (first_index.py). ``indices``: what the element is at that item and each after."""

    def __init__(self, indices: list):
        self.indices = indices


#: Exceptions that carry the program's control flow and findings through the interpreter.
_CONTROL = (PathEnd, UserRaise, _Return, _Break, _Continue, _GeneratorPause, _StopsAtUnknown)


#: A `return`, `break` or `continue` leaving a `with` body: to its manager, a body that ended
_LEAVES = (_Return, _Break, _Continue)


def _failure_reason(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return (f"flopcast could not model this: {type(exc).__name__}: {exc} "
            f"(a flopcast bug{where}; please report it with this file)")


def _model_failure(span: Span, exc: BaseException) -> PathEnd:
    """A flopcast bug met while running a statement: the path ends there, the total is a lower bound."""
    return PathEnd(f"{span}: {_failure_reason(exc)}", span, what="internal error")


def _too_deep(span: Span) -> PathEnd:
    return PathEnd(f"{span}: calls or expressions nested too deeply for flopcast to follow; "
                   "the cost after this point is not counted", span)
