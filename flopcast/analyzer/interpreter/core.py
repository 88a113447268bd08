"""The Interpreter class: its state, a run of the program at one point (``run``: ``setup``, then
``predict`` once per MLP), and where a run ends. Its methods for each kind of syntax come from
the parts it is composed of (the package's docstring lists them).
"""

from __future__ import annotations

import ast
import operator
import sys
import weakref
from typing import NoReturn, Optional

from flopcast.analyzer import carried, dtypes, first_writes, handlers, loggers, presumptions, pricing, warning_filters
from flopcast.analyzer.chargelist import ChargeList
from flopcast.analyzer.decisions import Decisions
from flopcast.analyzer.import_hooks import ImportHooks
from flopcast.analyzer.may_carry import may_carry_state
from flopcast.analyzer.program import Program
from flopcast.analyzer.repeats import CallMemo
from flopcast.analyzer.values import (Array, BoundMethod, ClassVal, DictVal, FunctionVal, InstanceVal, is_number,
                                      Known, ListVal, MLPVal, NumpyScalar, PyGenerator, TupleVal, Unknown, UserRaise,
                                      Value)
from flopcast.model import Note, SCORER_SPAN, Span, Unpriced
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter import tables
from flopcast.analyzer.interpreter.assignment import Assignment
from flopcast.analyzer.interpreter.calls import Calls
from flopcast.analyzer.interpreter.charges import Charges
from flopcast.analyzer.interpreter.classes import _bases_are_plain
from flopcast.analyzer.interpreter.comprehensions import Comprehensions
from flopcast.analyzer.interpreter.contexts import Contexts
from flopcast.analyzer.interpreter.control import PathEnd, WorkOut, _model_failure, _too_deep
from flopcast.analyzer.interpreter.definitions import Definitions
from flopcast.analyzer.interpreter.exceptions import Exceptions
from flopcast.analyzer.interpreter.exhausted_calls import ExhaustedCalls
from flopcast.analyzer.interpreter.expressions import Expressions
from flopcast.analyzer.interpreter.frames import Frame, LoopContext, Overrun
from flopcast.analyzer.interpreter.generators import Generators
from flopcast.analyzer.interpreter.imports import Imports
from flopcast.analyzer.interpreter.instances import Instances
from flopcast.analyzer.interpreter.later_calls import LaterCalls
from flopcast.analyzer.interpreter.library_calls import LibraryCalls
from flopcast.analyzer.interpreter.lookups import Lookups
from flopcast.analyzer.interpreter.loops import Loops
from flopcast.analyzer.interpreter.matching import Matching
from flopcast.analyzer.interpreter.operators import Operators
from flopcast.analyzer.interpreter.result import RunResult
from flopcast.analyzer.interpreter.statements import Statements
from flopcast.analyzer.interpreter.tables import _STAGED_DISPATCH, _STMT_DISPATCH
from flopcast.analyzer.interpreter.truth import Truth
from flopcast.analyzer.interpreter.user_calls import UserCalls


class Interpreter(LaterCalls, ExhaustedCalls, Charges, Statements, Definitions, Imports, Matching, Contexts, Exceptions, Loops,
                  Truth, Assignment, Expressions, Generators, Operators, Lookups, Comprehensions, Calls,
                  LibraryCalls, Instances, UserCalls):
    #: Sites of integers read from data analysed at each of these values (dataints.enumeration).
    enumerated: dict = {}
    #: Selection sites analysed at counts inside their range, or OPEN (sizetests.enumeration).
    count_values: dict = {}
    #: Past this much ``work`` the run stops with WorkOut (formula.py's allowance; else never).
    work_stop: int = sys.maxsize

    def __init__(self, program: Program, width: int, depth: int, budget: int, decisions: Decisions,
                 include_scorer_cast: bool = True, record_values: bool = False, trace=None):
        self.program = program
        self.trace = trace  # an optional analyzer.trace.Trace: loop entries and each charge's loops
        if trace is not None and trace.memory is not None:
            self.eval = self._traced_eval  # only then: eval is the hot path
        self.record_values = record_values
        self.width, self.depth, self.budget = width, depth, budget
        self.decisions = decisions
        # Runs watched for stages also record their boundaries (call statements, joins.py).
        self._stmt_dispatch = _STAGED_DISPATCH if getattr(decisions, "stages", False) else _STMT_DISPATCH
        self.include_scorer_cast = include_scorer_cast
        self.result = RunResult()
        self.metered = False
        self.free = 0  # > 0 while numpy computes on plain ndarrays: nothing is billed
        self.steps = 0  # statements and iterations the program made (reused calls too; skipped iterations as repeats.stood_for counts them)
        self.work = 0  # statements and iterations this interpreter executed
        self.call_depth = 0
        self.call_stack: list[str] = []  # qualnames of the user functions being executed
        self.frame: Optional[Frame] = None
        self._stepping_loop = None  # the `for` statement whose iterable iterate() is taking (step_iterator)
        self._pending_classes: list = []  # (class, statement) a metaclass is making (type_new)
        # A class statement defined __get__: attribute lookups then look for descriptors (descriptors.py)
        self.descriptors = False
        self._outer_frames: list = []  # the frames below self.frame on the call stack (joins.py walks them)
        self._opaque_depth = 0  # comprehensions, class bodies and imports being run (joins.py)
        self._comprehensions: list = []  # the comprehensions being run, outermost first (joins.py)
        # Unwatched, how many answers were given where a watched run could record a join (see
        # RunResult.joinable).
        self._joinable_answers = 0
        # (caller frame, call span, try start in the log, FLOPs then): the call just returned out
        # of a try that consulted one raise point (_joined_try), for its caller's statement to join.
        self._returned_try: Optional[tuple] = None
        self._later_answers = False  # a call of predict after the first consulted a site (_call_again)
        self._raised_first = False  # the first call of predict raised: a later call's raise ends it (_call_again)
        self.module_envs: dict[str, dict] = {}
        self.namespaces: dict[str, DictVal] = {}  # what globals() returned, per module (namespaces.py)
        # numpy's float error handling as np.seterr last set it (None: numpy's defaults), and,
        # while some kind is set to "raise" or "call", (where, which): any op charged then may
        # raise FloatingPointError, so the path ends there (emit)
        self.float_errors: Optional[dict] = None
        self.float_raise: Optional[tuple] = None
        self._unpriced_keys: set = set()
        self.span: Optional[Span] = None
        self.used = 0  # FLOPs charged so far on this path: what flops.current_budget() reports
        self.budget_reads = 0  # how many times the program was told ``used`` (repeats.py)
        # The keys of the sites met before the program was told ``used`` at a read a run mixing
        # their answers may reach having spent otherwise (told_spent), and the sites met before the
        # last read that it could not: a stop of a loop still running, answered only in this run of it
        self.read_after: dict = {}
        # Set on a run checking that its reads of the budget are moot (spent_ranges.verify): the
        # spend a mixed run may have at each read; and this path's reads so far, by span
        self.spent_ranges = None
        self._read_counts: dict = {}
        self._exempt_at_read: list = []
        self._read_checked = 0
        # Site key -> the run of the loop (LoopContext) whose `while` test each of its answers was
        # part of, or None where some answer was not or was in another run of it (stop_answered)
        self.stop_runs: dict = {}
        self.loops: list[LoopContext] = []
        self.steady_history: dict = {}  # loop statement -> its executions watched, skipped (repeats.py)
        self.own_code_loops: dict = {}  # loop statement -> its last watched execution ran only its own code
        self.counted_compares: dict = {}  # comparison reading a watched loop's counter -> its SteadyLoop
        self.counter_watch = None  # the iteration watched for numbers that steer nothing (counters.py)
        self._prefix: Optional[first_writes.Armed] = None  # a first call's prefix being run (first_writes.py)
        self._free_index: Optional[ast.expr] = None  # the index of a write into a plain ndarray, never read
        # (tuple node, array) of the tuple index being evaluated while a counter is watched (expr_Subscript)
        self._array_index: Optional[tuple] = None
        self.active_calls: list[tuple] = []  # (function node id, argument signature) of the call stack
        self.active_functions: list = []  # the FunctionVal of each call of active_calls
        self._mentions_budget: Optional[bool] = None
        self.handlers = handlers.NONE  # what the except clauses around the code being run may catch
        self.float_silent = False  # pricing an op that does no float arithmetic (warning_filters.FLOAT_SILENT)
        # The try statements around whose handlers catch flopscope's BudgetExhaustedError
        # (bare, Exception, FlopscopeError, ...): a charge past the budget raises it there.
        self._catching_exhaustion = 0
        # try statements around with a clause naming a class flopscope lacks (fnp.linalg.LinAlgError):
        # BudgetExhaustedError becomes AttributeError there (stmt_Try), caught or not
        self._replacing_exhaustion = 0
        # try statements with a finally and with statements around whose exits run the program's
        # code as an exception leaves (ExhaustedCalls.cross)
        self._unwinding = 0
        # The statement whose condition is being evaluated and the site kind it would use, so
        # `a and b` with a value-dependent `a` can decide its operands consistently.
        self._condition: Optional[tuple] = None
        self._loop_operands = 0  # operands of a while test's `and` decided by a site (truth, open_loops.py)
        self.verdict_by_site = False  # the last `and`/`or` took its value from an operand a site decided
        self._cache_results: dict = {}  # @lru_cache results by (function, arguments)
        self._cache_sizes: dict = {}  # how many entries each cached function's table holds
        # Each change of the tables (an entry added, evicted or moved by a hit on a bounded table):
        # equal versions along a path mean equal tables (their size alone does not, once they evict).
        self.cache_version = 0
        self.cache_bounded: set = set()  # the (node, identity) of functions whose table evicts
        self._cache_uncertain: set = set()  # ... and of those with an entry whose key is uncertain (lru.py)
        self._cache_kept: list = []  # the objects the tables' keys name by identity, kept alive as CPython's are
        self._cache_sites = 0  # lookups that could not tell a hit from a miss, so far on the path
        self._directives: dict = {}  # (statement, header end, kind, directives) -> Interpreter.directive_at's answer
        # How many times _cache_results was consulted, and how many of those looked an argument
        # up by its identity or returned a cached array or container (the same object each
        # time): CallMemo's record of what a call read.
        self.cache_lookups = 0
        self.cache_identity_lookups = 0
        # ... and how many of those consulted each function's table (its node's and its identity):
        # a call that consulted only its own function's table depends on no other entry.
        self.cache_owner_lookups: dict = {}
        # id() of each cached value handed out that cannot change (a NamedTuple of numbers and text):
        # only its identity is the table's, and it can leave a call only through what it returns.
        self.cache_handed: list = []
        self._reentered: set = set()  # function nodes called while already executing (recursion)
        self._handling: list = []  # the exceptions whose except clauses are running (for a bare `raise`)
        # the try statements with except clauses whose body is running, with their frames (onsets.retrying)
        self._trying: list = []
        self._starting_generator: Optional[PyGenerator] = None  # handed to the next frame made
        self._ran_generators: list[PyGenerator] = []  # generators whose bodies ran inside predict
        # The generators whose items are being made ahead of their consumer, innermost last:
        # (the generator's item count so far, the indices of items an op presumed not to raise in)
        self._making_ahead: list[tuple[list, list]] = []
        # what the path had charged when each generator body now running ahead began (kept_used)
        self._ahead_since: list[int] = []
        # Generator expressions kept or looped over, made whole where written: id -> (the
        # iterator, the frame it was made in, {name it reads lazily: the value bound then})
        self._genexp_reads: dict = {}
        # Generator bodies run whole at their first consumption: id -> (the generator, what the
        # state its body reads looked like when it ended), checked as each later item is taken
        self._generator_reads: dict = {}
        # ... and those whose body changed what their consumer may read: id -> (the generator, what)
        self._generator_changes: dict = {}
        # id -> (generator taken by next(), what its body could read when it handed over its first item)
        self._first_item_state: dict = {}
        self._generator_callees: dict = {}  # id -> (generator, the user functions its body calls)
        # While a `for` statement takes its items: the errors generators raised past their last
        # item, raised after the loop's body ran for every item (None: raised where consumed).
        self._deferred_errors: Optional[list] = None
        self._first_unpriced: Optional[int] = None  # charges made before the first unpriced op in predict
        self._first_raising: Optional[int] = None  # ... before the first that may raise (most do)
        self.active_keys_seen: list = []  # every recursion key computed, in call order (for CallMemo)
        self.memo = CallMemo(self, limits.MAX_STEPS)
        # the tagged arrays basic-index views were made of, by ident (Array.view_of)
        self.view_roots: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self.views_of: dict = {}  # that array's ident -> its views (a WeakSet)
        self._nonzero_counts: dict = {}  # array identity -> its nonzero count chosen on this path
        # id() of the known bool a tested local was narrowed to -> (it, its site, the site's answer)
        self.narrowed: dict = {}
        # (span, on the presumed count) of the last size choose_size chose at a site: the
        # handler marks the axis it sizes (Array.counted)
        self.last_count: Optional[tuple] = None
        self._count_sites: dict = {}  # array identity -> the key of the site that chose its count
        # spans of the selections whose presumed count rests on a threshold filter (not a guard):
        # a loop's exit on their size is a convergence test, which the nominal path does not presume
        self.filter_selections: set = set()
        self.filter_tested = False  # whether the condition being evaluated tested such a selection's size
        self._size_ranges: dict = {}  # size site key -> the range it was first met over (_at_this_execution)
        self._size_ranges_moved: set = set()  # size site keys met over another range since (calls._own_count)
        self._data_int_uses: dict = {}  # site key -> (direction, value) of its first use (dataints.opposite)
        self._tested_ends: dict = {}  # value site key a test made -> the stretch ends inside its range (dataints.tested)
        # sites of sizes read from data this path took at an end of a range (or of a stretch), not
        # at every value: the FLOPs spent after them are not any one run's (spent_unfollowed)
        self.ended_sizes: dict = {}
        self.logger_levels = loggers.Levels()  # the levels the program set on its loggers (loggers.py)
        self.key_orders: dict = {}  # ids of keys read from data -> what this path chose of their order (key_orders.py)
        self.import_hooks = ImportHooks()  # finders the program put on sys.meta_path
        self.warning_filters = warning_filters.Filters()  # the warning filters the program installed
        self.silenced: frozenset = frozenset()  # flopscope's warnings switched off by flops.configure
        self._served: dict = {}  # module name -> what an import hook served for it
        self._served_paths: set = set()  # pseudo file names of the modules import hooks served
        self._call_spans: list = []  # the span of each user-function call being executed
        # Per call of generated code being executed (syntax.lambda_at): the span of the call from
        # the program's own code that entered it, and that code's frame (where its charges go).
        self._generated_calls: list = []
        # (frame, span): the instruction of the program's code running now that can ask an iterator
        # for items (a call, a `for`, a comprehension, an unpacking, a starred display). The run
        # files a charge made by code without a frame of the program's (map's fnp.exp, accumulate's
        # operator.matmul) at the innermost frame of the program's, at that instruction: a lazy
        # iterator's item made there is charged there (``_charge_at``), not where it was built.
        self.consumer: Optional[tuple] = None
        self._charge_at: Optional[tuple] = None
        # For calls reused across the runs of one analysis (repeats.SharedCalls): how many times
        # the path's records or per-path tables were written or read beyond the canonical state,
        # and the logs of what a reused call must do again (functions entered, first comparisons,
        # loop watches).
        self.effects = 0
        # Tests that depend on values settled without a site in ways a run answering per execution
        # does not take (covered arms, first-break counts): it asks those sites, so a call that
        # settled any is not the call such a run makes (CallMemo reuses it there only when none).
        self.unasked = 0
        self.unpriced_marks = 0  # calls left unpriced so far (each time, not each site)
        # Those of ``effects`` made by a loop's watch of its numbers (counters.py) or its comparisons
        # of its counter (SteadyLoop.observe): a call that began outside every such loop and made
        # only these did them to its own loops (repeats.CallMemo.finish).
        self.loop_effects = 0
        self.entered_log: list = []
        self.compare_log: list = []
        self.history_log: list = []

    def spend_steers(self, span, why: str) -> None:
        """A run checking its budget reads (spent_ranges.verify) met a use of the FLOPs spent that a
        mixed run may answer otherwise: the read is not moot, and the run stops there."""
        if self.spent_ranges is not None:
            self.spent_ranges.steered.append((span, why))
            raise WorkOut()

    def told_spent(self, snapshot: bool = False) -> None:
        """The program is told the FLOPs spent so far as a number this path claims (a budget
        snapshot, a BudgetExhaustedError caught, a reused call that was either): what it does next
        may read every answer the path gave before, which a run mixing answers the path gives
        alike leaves elsewhere (api._open_at_budget_reads). (A read whose numbers are not known
        makes each test of them a site of its own.)"""
        if not snapshot:
            # (a BudgetExhaustedError caught, a reused call's read: not handed over as a range)
            self.spend_steers(self.span, "the FLOPs spent are told otherwise than by a budget snapshot")
        seen = self.decisions.seen
        pending = self._exempt_at_read + seen[self._read_checked:]
        self._read_checked, self._exempt_at_read = len(seen), []
        for site in pending:
            ctx = self.stop_runs.get(site.key)
            if ctx is not None and any(c is ctx for c in self.loops):
                # a run answering "stop" at some execution left the loop then, before this read; up
                # to there it answered as the path going on does, which makes this read
                self._exempt_at_read.append(site)
            else:
                self.read_after[site.key] = None

    def stop_answered(self, key: tuple, stmt, test) -> None:
        """The site ``key`` answered the truth of ``test`` in ``stmt``: noted with the run of the
        innermost loop of this frame when ``test`` is that loop's ``while`` test or an operand of its
        top-level ``and``, whose answer False ends the run whatever else holds."""
        ctx = next((c for c in reversed(self.loops) if c.frame is self.frame), None)
        stops = ctx is not None and stmt is ctx.node and stmt.__class__ is ast.While and (
            test is stmt.test or stmt.test.__class__ is ast.BoolOp and stmt.test.op.__class__ is ast.And
            and any(v is test for v in stmt.test.values))
        run = ctx if stops else None
        if key not in self.stop_runs:
            self.stop_runs[key] = run
        elif self.stop_runs[key] is not run:
            self.stop_runs[key] = None

    def run(self, class_name: str) -> RunResult:
        # The interpreter recurses with the program (about ten Python frames per user call):
        # leave room for MAX_CALL_DEPTH user calls; deeper nesting ends the path (see eval).
        limit = sys.getrecursionlimit()
        if limit < limits._RECURSION_LIMIT:
            sys.setrecursionlimit(limits._RECURSION_LIMIT)
        try:
            result = self._run(class_name)
        finally:
            if limit < limits._RECURSION_LIMIT:
                sys.setrecursionlimit(limit)
        result.consults = self.decisions.log
        result.read_after = set(self.read_after)
        result.met = self.decisions.met
        result.answer_count = len(self.decisions.answers)
        result.joinable = self._joinable_answers == len(self.decisions.answers) and not self._later_answers
        result.generators_moved = any(not g.quiet() for g in self._ran_generators)
        result.work = self.work
        result.executions, result.spent_at = self.decisions.executions, self.decisions.spent_at
        result.most_in_call = self.decisions.most_in_call
        result.first_call = {key: self.decisions.first_call_executions(key)
                             for key in (*result.most_in_call, *self.decisions.stops)}
        result.rerun_returns = dict(self.decisions.rerun_returns)
        result.priced_stops = dict(self.decisions.priced_stops)
        result.switch_points = {key: watch.points for key, watch in self.decisions.stops.items() if watch.points}
        if not self.enumerated and not self.count_values:
            result.chosen, result.spent = dict(self.decisions.chosen), dict(self.decisions.spent)
        return result

    def _run(self, class_name: str) -> RunResult:
        try:
            env = self.module_env(self.program.main)
            cls = env.get(class_name)
            if not isinstance(cls, ClassVal):
                raise PathEnd(f"estimator class {class_name} is not a plain class definition")
            try:
                instance = self.instantiate(cls, [], {}, self.program.main_span)
            except UserRaise as exc:
                # whestbench constructs the estimator before setup(): the same failure for it.
                self.result.failed = f"{exc.span}: {class_name}() raises {exc.what}"
                self.result.raised = (exc.span, exc.what, True)
                self.result.sites = list(self.decisions.seen)
                return self.result
            mlp = self.make_mlp()
            setup = self.get_attr(instance, "setup", self.program.main_span, quiet=True)
            if isinstance(setup, BoundMethod):
                context = InstanceVal(ClassVal("SetupContext", "SetupContext", [], {}), {
                    "width": Known(self.width), "depth": Known(self.depth),
                    "flop_budget": Known(self.budget), "api_version": Known("1.0"),
                    "submission_dir": Known(str(self.program.root)), "seed": Unknown("int", None, "seed"),
                })
                try:
                    self.call(setup, [context], {}, self.program.main_span)
                except UserRaise as exc:
                    self.result.failed = f"{exc.span}: setup() raises {exc.what}"
                    self.result.raised = (exc.span, exc.what, True)
                    self.result.sites = list(self.decisions.seen)
                    return self.result
            if cls.lookup("predict")[1] is None and _bases_are_plain(cls):
                # BaseEstimator.predict is abstract: whestbench cannot even construct the class.
                span = Span(cls.module.path, cls.node.lineno, cls.node.col_offset, cls.node.lineno,
                            cls.node.col_offset) if cls.node is not None and cls.module is not None \
                    else self.program.main_span
                self.result.failed = f"{span}: {class_name} defines no predict method"
                self.result.raised = (span, f"TypeError: {class_name} defines no predict(self, mlp, budget) "
                                            "method; whestbench cannot instantiate it", True)
                self.result.sites = list(self.decisions.seen)
                return self.result
            predict = self.get_attr(instance, "predict", self.program.main_span)
            before = carried.state(self, instance)
            # (what a path whose calls settle after the first stands for: mixed_calls.py)
            self.result.call_start = carried.path_state(self, instance) if before is not None else None
            # The numbers of the state the first call starts from: a second call is watched
            # against them (_later_calls), so a counter that steers nothing settles at call 2.
            before_numbers = carried.numbers(self, instance) if before is not None else None
            # Or the first call itself, on the numbers an earlier run's first call changed.
            # Or the attributes it adds, by the assignments predict begins with (first_writes.py).
            armed = first_writes.arm(instance, predict) if before is not None and self._plain_run() else None
            # The tables' keys: the entries the first call adds may be proven to change no later
            # call (pure_cache.py).
            cache_before = frozenset(self._cache_results) if before is not None and self._plain_run() else None
            first_watch = self._watch_first(instance) if before_numbers is not None else None
            self._prefix = armed
            marks = (len(self.decisions.answers), self.steps, self.work)
            self.metered = True
            ran_before = len(self._ran_generators)
            self.watch_crossing(instance)
            try:
                try:
                    value = self.call(predict, [mlp, Known(self.budget)], {}, self.program.main_span)
                    self.close_held(predict, ran_before)
                except UserRaise as exc:
                    self.result.failed = f"{exc.span}: {exc.what}"
                    self.result.raised = (exc.span, exc.what, False)
                    self.result.raised_by_budget = exc.exhausted is not None
                    value = None
                except PathEnd:
                    # items made ahead of their consumer (a generator expression made where it is
                    # written, a body run whole at the first next()) are not a lower bound's
                    self.retract_unconsumed(ending=True)
                    if before is None or may_carry_state(self.program) or carried.state(self, instance) != before:
                        self._later_calls_unfollowed("the first call is not followed past where it stops, and "
                                                     "it may change the state a later call reads")
                    raise
                self.retract_unconsumed()
                self.result.returned = value
                rejected = self.rejected_prediction(value, predict) if value is not None else None
                if rejected is not None:
                    self.result.failed = f"{rejected[0]}: {rejected[1]}"
                    self.result.raised = (*rejected, False)
                elif value is not None and self.include_scorer_cast:
                    self.scorer_cast(value)
            finally:
                self._prefix = None
                self.watch_crossing(None)
                if first_watch is not None:
                    first_watch.stop()
            overrun = self._budget_overrun() if not self.result.unpriced else None
            if overrun is not None:
                # (flopscope refuses the op before a raise further on: the run stops there)
                self._after_exhausted_call(overrun, instance, predict, before, before_numbers, first_watch, marks,
                                           armed, cache_before)
            elif self.result.memory_raise is not None and not self.result.memory_raise[2] \
                    and not self.result.unpriced:
                self._after_memory_raise()
            elif self.result.raised is None and not self.result.unpriced:
                self._later_calls(instance, predict, before, before_numbers, first_watch, marks, armed, cache_before)
            elif self.result.raised is not None and not self.result.unpriced:
                self._after_raising_call(instance, predict, before, before_numbers, first_watch, marks, armed,
                                         cache_before)
            elif self.result.unpriced and (before is None or carried.state(self, instance) != before
                                           or self._first_raising is not None and may_carry_state(self.program)):
                # (one that left the state it found, and wrote none on the way if an unpriced op
                # may raise part way: every later call runs as it did, its lower bound the first's)
                self._later_calls_unfollowed("the first call changes the state a later call reads and "
                                             "makes calls flopcast does not price")
        except Exception as exc:  # noqa: BLE001 - the last boundary: a flopcast bug never fakes a total
            self._end_path_at(exc)
        self.result.sites = list(self.decisions.seen)
        self.result.overrun = self._budget_overrun()
        self.result.prefix = min(self.decisions.spent.values(), default=None)
        self.result.first_unpriced = self._first_unpriced
        self.result.first_raising = self._first_raising
        return self.result

    def _end_path_at(self, exc: Exception) -> None:
        """End the path at what escaped a call of predict: an analysis stop, the interpreter's
        recursion limit, or a flopcast bug (a UserRaise or a return/break/continue reaches here
        only through a statement handler that lets one escape where it cannot). The total is then
        not exact."""
        where = self.span or self.program.main_span
        if isinstance(exc, PathEnd):
            self._end_path(exc)
        elif isinstance(exc, RecursionError):
            self._end_path(_too_deep(where))
        else:
            self._end_path(_model_failure(where, exc))

    def _budget_overrun(self) -> Optional[Overrun]:
        """The charge at which flopscope raises BudgetExhaustedError on this path: the first
        whose cost exceeds what is left (``_charge_op``: ``cost > flop_budget - flops_used``,
        checked before charging). Claimed only where the running total before it is the
        path's real one: nothing unpriced before it, and no generator body that charged (its
        charges are filed when it first runs, not interleaved with its consumer's as at run
        time; a body that charged nothing, say one yielding chunk bounds, moves no charge, nor
        does one that list() or tuple() took whole: PyGenerator.ordered)."""
        if any((g.end is None or g.end[1] != g.start[1]) and not g.ordered() for g in self._ran_generators):
            return None
        charges = self.result.charges
        if isinstance(charges, ChargeList) and charges.repeats():
            flops = [c.flops for c, _ in charges.counted()]  # each distinct charge once (the total is the tally's)
            total = charges.total()
        else:
            flops = list(map(operator.attrgetter("flops"), charges))
            total = sum(flops)
        if total <= self.budget and min(flops, default=0) >= 0:
            return None  # no running total passes the budget (a loop's repeats make millions of charges)
        used = 0
        for i, c in enumerate(self.result.charges):
            if c.flops > self.budget - used:
                if self._first_unpriced is not None and self._first_unpriced <= i:
                    return None
                return Overrun(c.span, c.op, c.flops, self.budget - used, i)
            used += c.flops
        return None

    def unfollowed_change(self, span: Span, what: str, reason: str) -> NoReturn:
        """A list, set, dict or object changed in a way flopcast cannot follow: going on with it as
        it was would count work the run may not do (a 'lower bound' above the run's count): the
        path ends."""
        raise PathEnd(f"{reason}; what it holds after this is not known, so the cost after it is not counted",
                      span, what=what)

    def take_back_charges(self, mark: int) -> None:
        """Take back the charges made after the first ``mark`` of the path's (an op's own, when the
        path ends at it): from the running total, the roll-ups and the trace."""
        r = self.result
        if len(r.charges) <= mark:
            return
        dropped = r.charges[mark:]
        r.charges = ChargeList(r.charges[:mark])
        stack = set(self.call_stack)
        for c in dropped:
            self.used -= c.flops
            for qualname in stack:
                r.inclusive[qualname] -= c.flops
        if self.trace is not None:
            for i in range(mark, mark + len(dropped)):
                self.trace.visits.pop(i, None)

    def stop_path(self, message: str, span: Span, what: str) -> NoReturn:
        """Ends this path where a builtin cannot go on (the builtins module raises no PathEnd of
        its own: it would import this module, which imports it)."""
        raise PathEnd(message, span, what=what)

    def _end_path(self, end: PathEnd) -> None:
        where = end.span or self.span or self.program.main_span
        if end.unbounded:
            self.result.unbounded = where
            self.result.unpriced.append(Unpriced(where, "unbounded", str(end)))
        else:
            self.result.notes.append(Note(where, str(end)))
            self.result.unpriced.append(Unpriced(where, end.what, str(end)))

    def make_mlp(self) -> MLPVal:
        weights = ListVal([presumptions.pre_activation(Array((self.width, self.width), "float32"))
                           for _ in range(self.depth)])
        return MLPVal(self.width, self.depth, weights, Unknown("int", None, "mlp.seed"))

    def rejected_prediction(self, value: Value, predict: Value) -> Optional[tuple]:
        """whestbench's materialise_predictions checks ``predictions.shape`` (``()`` when there
        is none) against ``(depth, width)`` inside the meter and raises ValueError: for a value
        with no shape (a generator object, a list, a number), the span of ``predict`` and the
        error; None when the returned value is an array or may have a shape."""
        expected = (self.depth, self.width)
        if isinstance(value, Array):
            return None  # an array of the wrong shape is check's FC204 (report.returned)
        if isinstance(value, (PyGenerator, ListVal, TupleVal, DictVal, NumpyScalar)) \
                or isinstance(value, Known) and (value.value is None or is_number(value)):
            shape = ()
        else:
            return None  # an object of the user's own (it may have a .shape) or an unknown value
        if shape == expected:
            return None
        function = predict.function if isinstance(predict, BoundMethod) else predict
        node = getattr(function, "node", None)
        span = Span(function.module.path, node.lineno, node.col_offset, node.lineno, node.col_offset) \
            if isinstance(function, FunctionVal) and function.module is not None else self.program.main_span
        what = (f"ValueError: Predictions must have shape (depth={self.depth}, width={self.width}); "
                f"got shape={shape}.")
        if isinstance(value, PyGenerator):
            what += (" predict contains `yield`: calling it returns a generator object and none of its "
                     "body runs; whestbench's scorer rejects it")
        return span, what

    def scorer_cast(self, value: Value) -> None:
        """whestbench's materialise_predictions: fnp.asarray(pred, dtype=float32) inside the meter."""
        if isinstance(value, Array):
            if value.dtype != "float32":
                # as fnp.asarray bills any cast (ops/creation.py): the heavier of the two dtypes, the
                # source on a tie, so a complex64 prediction pays asarray's complex factor
                billed = dtypes.heavier(value.dtype, "float32", pricing.rate)
                self.emit(SCORER_SPAN, "asarray", pricing.charge("asarray", value.size, billed), billed,
                          "<whestbench scorer>", value.dtype_origin,
                          "whestbench casts the returned prediction to float32 inside the meter")
            else:
                self.emit(SCORER_SPAN, "asarray", 0, "float32", "<whestbench scorer>", None, "")


tables.fill(Interpreter)
