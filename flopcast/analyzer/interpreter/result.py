"""What one run of the program records: charges, notes, unpriced ops, joins, consultations.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer.chargelist import ChargeList
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import Value
from flopcast.model import Charge, Note, Span, Uncertainty, Unpriced
from flopcast.analyzer.interpreter.frames import Overrun


@dataclass
class RunResult:
    charges: list[Charge] = field(default_factory=ChargeList)
    unpriced: list[Unpriced] = field(default_factory=list)
    uncertain: list[Uncertainty] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # (span, exception) -> NoRaise: ops outside any `try` this path presumes do not raise
    no_raise: dict = field(default_factory=dict)
    # id(a float read from data) -> (the float, c, strict, may be NaN): an `if` answered on this
    # path put it past c >= 0 (`if peak > 1e30:`), so `math.sqrt(peak)` there cannot raise
    floors: dict = field(default_factory=dict)
    returned: Optional[Value] = None
    sites: list[Site] = field(default_factory=list)
    failed: Optional[str] = None  # the path ended in an exception from the estimator
    raised: Optional[tuple] = None  # (span, what, in_setup) of that exception
    # that exception is flopscope's refusal of a charge past the budget, which a `with` whose
    # manager may swallow it handed on (contexts.enter_contexts)
    raised_by_budget: bool = False
    # (span, what) of the first exception the entry file's top level raises: whestbench cannot
    # load it. The path still runs predict (what it would cost once the load is fixed).
    load_raised: Optional[tuple] = None
    # The charge at which flopscope raises BudgetExhaustedError on this path, if any.
    overrun: Optional["Overrun"] = None
    # (span, what, in setup, charges before it) of the first array past whestbench's memory limit
    # made outside any handler of MemoryError: the run dies there (memory_limit.py).
    memory_raise: Optional[tuple] = None
    # How many charges were made before the first unpriced op in predict (None: nothing unpriced),
    # and before the first that may raise.
    first_unpriced: Optional[int] = None
    first_raising: Optional[int] = None
    # The loop or recursive call that never ends on this path (its total is then only
    # what was charged before it; the real run goes on until the budget is exhausted).
    unbounded: Optional[Span] = None
    # The site of an integer read from data this path takes at one end where sizes grow with
    # it and at the other where they shrink (dataints.opposite): it bounds real paths, it is not one.
    bounding: Optional[tuple] = None
    # Site key -> (its range, the chains its uses applied) for integers read from data.
    data_ints: dict = field(default_factory=dict)
    # Sites of integers read from data that picked an item of a list after a use took them at
    # an end (dataints.position): analysed at every value in the next round (dataints.enumeration).
    picks: set = field(default_factory=set)
    # Selection site key -> [lo, hi, counts where a test of its size changes its answer, the
    # tests' lines] (sizetests.py).
    count_breaks: dict = field(default_factory=dict)
    # Selection site keys whose count, an end of the range standing for its neighbours, an op
    # raised at (calls.op_raises): the run made once those are analysed too claims the raise, so
    # this run is not that run (api._earlier).
    isolating: set = field(default_factory=set)
    # First evaluation of each single comparison of two known numbers in predict:
    # span -> (operator name, left, right). The formula uses them to find budget thresholds.
    compares: dict = field(default_factory=dict)
    # FLOPs charged while each user function was executing, callees included.
    inclusive: dict = field(default_factory=dict)
    # (caller qualname, callee qualname) -> number of calls made on this path.
    calls: dict = field(default_factory=dict)
    # The rings of calls (qualnames, from the function called back) through a nested def seen
    # in predict calling a function while it was executing: one def run in one enclosing frame,
    # so two closures of one def calling each other make none (user_calls._note_recursion).
    recursed: set = field(default_factory=set)
    # Every consultation of a site (its key) in order, and the joins of the `if` statements
    # whose tests consulted one (when the decisions watch them): see joins.py.
    consults: list = field(default_factory=list)
    joins: list = field(default_factory=list)
    # Whether every answer was given in the test of an `if` statement (or a `try` statement's body
    # of raise points) on a stack joins.py can compare, as counted without watching (a call reused
    # with its answers counts as not): else watching the path proves nothing (api's per-execution
    # proof is then not attempted).
    joinable: bool = True
    # The tests of the conditional expressions this path took the covering body of without asking
    # their site (covered_arms.py): a calibration's replay asks them, so its small run watches them.
    covered: set = field(default_factory=set)
    # The loop exits (spans) that tested the size of a selection on its presumed count by a threshold
    # filter (`while idx.size:` of `idx = idx[abs(step) > tol]`): the nominal number takes none.
    filter_exits: list = field(default_factory=list)
    # Where the budget ran out into a handler of the program's (BudgetExhaustedError caught).
    exhausted: Optional[Span] = None
    # The keys of the sites the path had met when the program was told the FLOPs spent at a read
    # a run mixing their answers reaches having spent otherwise (Interpreter.told_spent).
    read_after: set = field(default_factory=set)
    # (read id, FLOPs spent) of each budget snapshot whose numbers the path knows (spent_ranges.py)
    read_log: list = field(default_factory=list)
    # (site key, FLOPs spent) of each answer given, in order (Decisions.met): where the read_log's
    # third items count into
    met: list = field(default_factory=list)
    # The FLOPs charged when the path met its first site: every path costs at least that.
    prefix: Optional[int] = None
    # Whether a generator body run ahead of its consumer charged, left an op unpriced, consulted a
    # site or raised: its charges and consultations are then filed out of their run-time order.
    generators_moved: bool = False
    # Assignment target span -> descriptions of the values assigned there (record_values only).
    values: dict = field(default_factory=dict)
    # The nodes of the user functions whose bodies ran on this path (lsp/incremental.py).
    entered: set = field(default_factory=set)
    # Statements and loop iterations the interpreter executed (not replayed or skipped): what
    # the path cost to analyse, counted the same on every machine (formula.py's limit).
    work: int = field(default=0, repr=False)
    # Site key -> the option this path took there, and what it had spent when it first met
    # the site, when the sites had their own options (no integer read from data analysed at
    # each of its values): what paths.py and nominal.py reuse a run by.
    chosen: Optional[dict] = field(default=None, repr=False)
    spent: Optional[dict] = field(default=None, repr=False)
    # Steering site key -> how many times the path answered it (onsets.py): the executions from
    # which another path may answer it the other way.
    executions: dict = field(default_factory=dict, repr=False)
    # and what the path had spent at each of those executions (paths.py's floor of a switch)
    spent_at: dict = field(default_factory=dict, repr=False)
    # Steering site key -> the most times one call of predict answered it (a plan switches within
    # each call: decisions.py), and how many times the first call did (the floor's executions)
    most_in_call: dict = field(default_factory=dict, repr=False)
    first_call: dict = field(default_factory=dict, repr=False)
    # Stop site key -> the executions from which a switch is explored, where the state the work
    # after its loop reads changed (late_stops.py); a steering site not here switches at each
    switch_points: dict = field(default_factory=dict, repr=False)
    # Stop site key whose exit arm returns what the loop wrote, met in a second run of its loop in one
    # call of predict -> what the path had spent there (decisions.Decisions.rerun_returns)
    rerun_returns: dict = field(default_factory=dict, repr=False)
    # Stop site key after whose loop its function returns a count that prices later work -> what the
    # path had spent at its first execution (decisions.Decisions.priced_stops)
    priced_stops: dict = field(default_factory=dict, repr=False)
    # whestbench calls predict on one instance for every MLP of a run (carried.py): the totals of
    # the calls after the first, made because the first left state a later call can read (empty
    # when it left none: every call costs ``total``). ``settled``: the last of them repeats for
    # every later call; else ``unsettled`` says why the calls after them are not followed.
    later: list = field(default_factory=list)
    # Where each call after the first began in ``consults`` (joins.py prices a site by the call
    # it is first met in).
    later_consults: list = field(default_factory=list)
    # Index in ``later`` -> what that call charged before its first op not priced (it may raise there).
    later_floors: dict = field(default_factory=dict)
    settled: bool = True
    unsettled: str = ""
    # The spans of the sites a later call met that an earlier call had met: the path takes one
    # option at each for every call, as if each MLP answered alike (report.alike).
    repeated_sites: set = field(default_factory=set)
    # The state each call of predict left (carried.state; None: not comparable), from the first
    # on, as far as the path followed the calls: paths whose calls leave other states answered
    # some site otherwise, and a run whose MLPs mix those answers starts a later call from a
    # state no path has (api._open_at_sites_steering_later_calls).
    call_states: list = field(default_factory=list, repr=False)
    # The state the first call started from (carried.path_state), and how the calls go on past
    # ``call_states`` (carried.REPEATS, carried.MOVES, "": not followed): a path that settled
    # records no later state, and mixed_calls compares what it stands for with a longer path's.
    call_start: Optional[object] = field(default=None, repr=False)
    calls_end: str = ""
    # Where carried.MOVES: what each later call does to the numbers (CounterWatch.moves).
    calls_moves: Optional[tuple] = field(default=None, repr=False)
    # And the state the call proven to repeat its moves left (carried.path_state); None otherwise
    # or for a first call's proof.
    calls_after: Optional[object] = field(default=None, repr=False)
    # Branch site key -> the state after its first test (ending_guards.Tested; None: not comparable),
    # noted where the decisions ask it; and how many answers the run gave in all.
    tested: dict = field(default_factory=dict, repr=False)
    answer_count: int = 0

    @property
    def total(self) -> int:
        if isinstance(self.charges, ChargeList):
            return self.charges.total()
        return sum(map(operator.attrgetter("flops"), self.charges))
