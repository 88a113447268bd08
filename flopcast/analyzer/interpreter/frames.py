"""The interpreter's frames: a call's locals, a loop's context, a running comprehension.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer.first_break import CountedRun, Marks
from flopcast.analyzer.first_index import Search
from flopcast.analyzer.grown_lists import GrownLists
from flopcast.analyzer.program import Module
from flopcast.analyzer.renamed_state import DeepStates, RenamedStates
from flopcast.analyzer.values import ClassVal, FunctionVal, PyGenerator, Value
from flopcast.model import Span


@dataclass
class LoopContext:
    """An active loop, for `# flopcast: iterations=N` and for spotting loops that never end."""

    node: ast.stmt
    frame: "Frame"
    limit: Optional[int]  # N from the directive, or None
    exit_ifs: dict  # id(ast.If) -> True when its body exits the loop, False when its orelse does
    index: int = 0  # the iteration being run, from 0
    known_exit_test: bool = False  # an exit test came out known (not by a site) this iteration
    # the while test came out known only because a site decided each operand of its `and`
    # (open_loops.py), and no other exit test came out known, this iteration
    exit_by_sites: bool = False
    exit_known_otherwise: bool = False
    # a site answered an exit test (the while test, or an `if` that leaves the loop) this iteration,
    # and whether one came out known otherwise (Loops.held_by_exits)
    exit_answered: bool = False
    exit_settled: bool = False
    # iterations in a row that went on only because sites answered so (limits.MAX_HELD_ITERATIONS)
    held: int = 0
    items: Optional[list] = None  # a `for` loop's items (those after `index` are still to come)
    signed: Optional[GrownLists] = None  # the lists a while loop's exit reads, as signed last (loop_state)
    renamed: Optional[RenamedStates] = None  # the last state alike but for its objects (renamed_state.py)
    deep: Optional[DeepStates] = None  # the last state alike only past signature's depth (renamed_state.py)
    # arrays made from here on have idents at least this: from the loop's start, from this pass's
    first_ident: int = 0
    pass_ident: int = 0
    # a loop that counts the items before its test first answers the other way
    # (first_break.py), and what the path had recorded when this iteration began
    counted: Optional[CountedRun] = None
    marks: Optional[Marks] = None
    # the value-dependent tests that stopped no pass of it yet, watched (late_stops.py): site key ->
    # the names the work after the loop reads
    stops: Optional[dict] = None
    # the stops whose loop writes a count its function returns that prices later work (Truth._priced_after):
    # site key -> late_stops.PricedStop, taken at its first execution in this run of the loop
    priced: Optional[dict] = None
    # in a generator's body: the generators this loop takes items from, with the items each had
    # handed over before it (Interpreter.note_feeds)
    feeding: tuple = ()

    def new_iteration(self) -> None:
        """At the loop head: no exit test has come out yet this iteration."""
        self.known_exit_test = self.exit_by_sites = self.exit_known_otherwise = False
        self.exit_answered = self.exit_settled = False


@dataclass
class Frame:
    vars: dict
    module: Module
    qualname: str
    function: Optional[FunctionVal] = None
    cls: Optional[ClassVal] = None  # the class whose method this is (for super())
    receiver: Optional[Value] = None
    globals_: Optional[set] = None
    nonlocals_: Optional[set] = None
    generator: Optional[PyGenerator] = None  # set while a generator function's body runs
    enclosing: Optional["Frame"] = None  # a class body's: the frame its class statement runs in
    # the names an except clause's `as` bound and Python deleted when the clause ended
    # (Exceptions.run_handler): read while unbound, each raises UnboundLocalError for certain
    handler_deleted: Optional[set] = None


@dataclass(frozen=True)
class Overrun:
    """The charge that would take a path past the budget: flopscope raises BudgetExhaustedError
    there, before charging it. ``index`` is its place in the path's charges (those before it
    are what flopscope charged before raising)."""

    span: Span
    op: str
    cost: int
    remaining: int
    index: int


@dataclass
class RunningComprehension:
    """A comprehension being run: what the rest of its run will see (joins.py walks it)."""

    node: ast.expr
    depth: int  # its enclosing frame's index in Interpreter._outer_frames
    frame: "Frame"  # its own frame (its targets, over a copy of the enclosing frame's names)
    made: list = field(default_factory=list)  # the items made so far
    # Per level entered: [its items, the position of the item being run]
    levels: list = field(default_factory=list)
    # what its first level iterates over and how many of its items were taken before (a generator
    # a generator expression takes items from)
    source: tuple = (None, None)
    # the search a `next(...)` runs (first_index.py), and what the path had recorded when the
    # test of the item being run began
    counted: Optional[Search] = None
    marks: Optional[Marks] = None


class _ComprehensionTargets(Mapping):
    """A comprehension frame's own targets only (its other names are a copy of the enclosing
    scope's, stale once the enclosing scope rebinds them)."""

    __slots__ = ("vars", "names")

    def __init__(self, vars: dict, names: frozenset) -> None:
        self.vars, self.names = vars, names

    def __getitem__(self, name):
        if name in self.names:
            return self.vars[name]
        raise KeyError(name)

    def __contains__(self, name) -> bool:
        return name in self.names and name in self.vars

    def __iter__(self):
        return (n for n in self.names if n in self.vars)

    def __len__(self) -> int:
        return sum(1 for n in self.names if n in self.vars)
