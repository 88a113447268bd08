"""Abstract interpretation of an estimator's source, one program path at a time.

The interpreter walks ``ast`` nodes with abstract values (see values.py). Loops
with known trip counts are run iteration by iteration, so loop-carried state whose
dtype or symmetry changes after the first iterations is priced exactly. Wherever a
decision depends on array values (a branch, a loop exit, an exception, a
data-dependent size) it asks :class:`Decisions` which way this path goes; the
path explorer (paths.py) runs every combination and joins them into an interval.

Nothing here executes user code: only literals are evaluated, and only by this
module's own rules.
"""

from __future__ import annotations

import ast
import builtins
import collections
import decimal
import fractions
import hashlib
import io
import itertools
import math
import operator
import weakref
import re
import sys
from collections import ChainMap
from functools import cache
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field, fields, replace
from pathlib import PurePosixPath
from typing import Any, Callable, NoReturn, Optional

from flopcast.syntax import ast_children, ast_walk, is_generated, read_only_as_if_test, tested_name
from flopcast import installed
from flopcast.analyzer import (carried, chain_maps, first_writes, dataints, descriptors, dispatch, dtypes, dunders, exit_stack, fixed_attrs, flags,
                               handlers, joins, lru, open_loops, ops, ordering,
                               memory_limit, overflow, plain_numpy, presumptions, pricing, scalar_values, sizetests,
                               stdlib_containers, stdlib_random, submission_files, undefined, warning_filters, write_only)
from flopcast.analyzer.chargelist import ChargeList
from flopcast.analyzer.grown_lists import GrownLists
from flopcast.analyzer.counters import raw_value, suspended
from flopcast.analyzer.import_hooks import ImportHooks
from flopcast.analyzer.loop_syntax import (BUDGET_WORDS, PURE_BUILTINS, assigned_names, caught_names, counted_while, exit_ifs,
                                           loop_relevance, mentions_budget)
from flopcast.analyzer.ops import OpError, OpRaises, type_info
from flopcast.analyzer.ops.registry import FloatErrorsRaise
from flopcast.analyzer.ops.methods import IN_PLACE_METHODS
from flopcast.analyzer.program import Module, Program, absolute_import
from flopcast.analyzer.source import SourceError
from flopcast.analyzer.repeats import CallMemo, SteadyLoop
from flopcast.analyzer.decisions import Decisions, Site
from flopcast.analyzer.values import (
    ENUM_AUTO,
    TEXT_BUILTINS,
    Array,
    CountKnown,
    counted_extent,
    equal_only_to_itself,
    fresh_ident,
    hold_ends,
    holds_ends,
    not_iterable,
    release_ends,
    unhashable_instance,
    BoundLib,
    BoundMethod,
    Builtin,
    ChainMapVal,
    DequeVal,
    ClassVal,
    DictVal,
    DTypeRef,
    FunctionVal,
    Generator,
    GeneratorView,
    InstanceVal,
    Known,
    LibRef,
    ListVal,
    MLPVal,
    ModuleVal,
    NpzFile,
    OPAQUE,
    NumpyScalar,
    FieldsKey,
    FlatIter,
    ObjKey,
    surely_missing,
    PartialVal,
    PartialMethodVal,
    PyGenerator,
    ExitStackVal,
    ClosingVal,
    RandomVal,
    EndlessIter,
    LazyIterator,
    SeqIterator,
    SuperVal,
    TupleVal,
    hashes_without_code,
    Unknown,
    UserRaise,
    python_raise,
    Value,
    describe_value,
    dict_key,
    is_number,
    key_value,
    make_tuple,
    plain_member,
    signature,
    is_plain_estimator_base,
    may_hold_known_key,
    changeable,
    DICT_MUTATORS,
    LIST_MUTATORS,
    SET_MUTATORS,
)
from flopcast.model import SCORER_SPAN, Charge, NoRaise, Note, Span, Uncertainty, Unpriced

_new_object = object.__new__
# emit() writes a Charge's fields itself: these, in this order (a field added to Charge must be added there).
assert [f.name for f in fields(Charge)] == ["span", "op", "flops", "dtype", "function", "certain",
                                            "detail", "dtype_origin"]

from flopcast.analyzer.open_loops import MAX_LOOP_ITERATIONS  # noqa: E402 (also read by builtins)

MAX_STEPS = 3_000_000
MAX_CALL_DEPTH = 120
MAX_VALUES_PER_NAME = 4
#: Base classes that make a class a named tuple (fields from annotations, unpacks like a tuple).
_NAMEDTUPLE_BASES = {"py:typing.NamedTuple"}
#: Decorators (or decorator factories) that leave a function's cost as it is.
_TRANSPARENT_DECORATORS = {
    "py:functools.lru_cache", "py:functools.cache", "py:functools.wraps",
    "py:typing.overload", "py:typing.final", "py:abc.abstractmethod",
}
_CACHING_DECORATORS = {"py:functools.lru_cache", "py:functools.cache"}
_DTYPE_NAMES = {
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "bool_", "complex64", "complex128", "double", "single", "half", "intp",
}
_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan, "newaxis": None, "euler_gamma": 0.5772156649015329}


class WorkOut(BaseException):
    """A run stopped because it executed more than ``Interpreter.work_stop`` statements and
    iterations (the formula fit's remaining allowance, formula.py): a BaseException, so no
    handler of the program's or the path's own end (``_end_path_at``) takes it for the
    program's; every ``finally`` on the way still runs (loop and counter watches stop)."""


class WorkMeter:
    """The interpretation work the runs of one run_point call executed (``spent``), and how much
    they may execute before the next statement stops them with WorkOut (``allowance``; formula.py)."""

    def __init__(self, allowance: int) -> None:
        self.allowance = allowance
        self.spent = 0


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


#: Exceptions that carry the program's control flow and findings through the interpreter.
_CONTROL = (PathEnd, UserRaise, _Return, _Break, _Continue, _GeneratorPause)
#: A `return`, `break` or `continue` leaving a `with` body: to its manager, a body that ended
_LEAVES = (_Return, _Break, _Continue)
#: Python frames the interpreter may use: about ten per user call, MAX_CALL_DEPTH calls deep.
_RECURSION_LIMIT = 4000


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
    items: Optional[list] = None  # a `for` loop's items (those after `index` are still to come)
    signed: Optional[GrownLists] = None  # the lists a while loop's exit reads, as signed last (loop_state)
    # arrays made from here on have idents at least this: from the loop's start, from this pass's
    first_ident: int = 0
    pass_ident: int = 0


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


def _target_names(node) -> frozenset:
    """The names a comprehension's `for` targets bind (its own scope's)."""
    return frozenset(n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name))


_LAZY_READS: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()
_MUTATORS = LIST_MUTATORS | DICT_MUTATORS | SET_MUTATORS
_MUTATORS_OF = {list: LIST_MUTATORS, dict: DICT_MUTATORS, set: SET_MUTATORS}


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


def _names_bound_within(node: ast.AST) -> frozenset:
    """Every name bound anywhere inside ``node`` (nested scopes too: more than Python's, never less)."""
    found = getattr(node, "_flopcast_bound", None)
    if found is None:
        found = frozenset(
            n.id if isinstance(n, ast.Name) else n.name if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                           ast.ClassDef)) else n.arg
            for n in ast.walk(node)
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load) or isinstance(n, ast.arg)
            or n is not node and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))) | frozenset(
            (a.asname or a.name).split(".")[0] for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names)
        node._flopcast_bound = found
    return found


def _function_locals(fn_node) -> frozenset:
    """The names a function (or lambda) binds in its own scope: its parameters and every name it
    assigns, deletes, imports, defines or catches as, less those it declares global or nonlocal
    (nested functions, classes and comprehensions have scopes of their own; `:=` in a
    comprehension binds in the function)."""
    # Kept on the node (as its span is, node_span): asked at every read of a global in a function
    found = getattr(fn_node, "_flopcast_locals", None)
    if found is not None:
        return found
    bound, declared = set(), set()
    a = fn_node.args
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x is not None]:
        bound.add(arg.arg)
    todo = list(fn_node.body) if isinstance(fn_node.body, list) else [fn_node.body]
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
            todo.extend(n.decorator_list)
            if not isinstance(n, ast.ClassDef):
                todo.extend(d for d in n.args.defaults + n.args.kw_defaults if d is not None)
            continue
        if isinstance(n, ast.Lambda):
            todo.extend(d for d in n.args.defaults + n.args.kw_defaults if d is not None)
            continue
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            bound.update(w.target.id for w in ast.walk(n) if isinstance(w, ast.NamedExpr)
                         and isinstance(w.target, ast.Name))
            todo.append(n.generators[0].iter)
            continue
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared.update(n.names)
        elif isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((al.asname or al.name).split(".")[0] for al in n.names if al.name != "*")
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            bound.add(n.rest)
        todo.extend(ast.iter_child_nodes(n))
    found = fn_node._flopcast_locals = frozenset(bound - declared)
    return found


def _held(value) -> tuple:
    """What a name a generator expression reads holds, as far as its items' costs can tell (an
    array's shape, dtype, symmetry and whether it is plain numpy; a number's value)."""
    return (signature(value), getattr(value, "plain", None)) if value is not _MISSING else ("missing",)


def _holds(container, value) -> bool:
    """Whether ``value`` is one of the items, values or attributes ``container`` holds."""
    if value is _MISSING:
        return False
    if isinstance(container, (ListVal, TupleVal)):
        return any(v is value for v in container.items)
    if isinstance(container, DictVal):
        return any(v is value for v in container.items.values())
    if isinstance(container, InstanceVal):
        return any(v is value for v in container.attrs.values())
    return False


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
    # First evaluation of each single comparison of two known numbers in predict:
    # span -> (operator name, left, right). The formula uses them to find budget thresholds.
    compares: dict = field(default_factory=dict)
    # FLOPs charged while each user function was executing, callees included.
    inclusive: dict = field(default_factory=dict)
    # (caller qualname, callee qualname) -> number of calls made on this path.
    calls: dict = field(default_factory=dict)
    # Every consultation of a site (its key) in order, and the joins of the `if` statements
    # whose tests consulted one (when the decisions watch them): see joins.py.
    consults: list = field(default_factory=list)
    joins: list = field(default_factory=list)
    # Whether every answer was given in the test of an `if` statement (or a `try` statement's body
    # of raise points) on a stack joins.py can compare, as counted without watching (a call reused
    # with its answers counts as not): else watching the path proves nothing (api's per-execution
    # proof is then not attempted).
    joinable: bool = True
    # Where the budget ran out into a handler of the program's (BudgetExhaustedError caught).
    exhausted: Optional[Span] = None
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

    @property
    def total(self) -> int:
        if isinstance(self.charges, ChargeList):
            return self.charges.total()
        return sum(map(operator.attrgetter("flops"), self.charges))


_RAISING_OPERATORS = frozenset({"Div", "FloorDiv", "Mod", "Pow"})


def _python_number(v: Value) -> bool:
    """A Python int, float or bool, known or read from data (not a numpy scalar, not an array)."""
    if v.__class__ is Known:
        return type(v.value) in (int, float, bool)
    return v.__class__ is Unknown and v.kind in ("int", "float", "bool")


def _yields_under_cleanup(fn) -> bool:
    """Whether a generator function has a yield inside a try whose finally calls something, or
    inside a with (a generator expression, or a generator without a node: neither)."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for node in ast.walk(fn):
        calls = isinstance(node, ast.Try) and any(isinstance(n, ast.Call) for b in node.finalbody for n in ast.walk(b))
        if calls or isinstance(node, (ast.With, ast.AsyncWith)):  # (a finally with no call charges nothing)
            body = node.body if not isinstance(node, ast.Try) else node.body + node.orelse + \
                [s for h in node.handlers for s in h.body]
            if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for b in body for n in ast.walk(b)):
                return True
    return False


class Interpreter:
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
        self.module_envs: dict[str, dict] = {}
        # numpy's float error handling as np.seterr last set it (None: numpy's defaults), and,
        # while some kind is set to "raise" or "call", (where, which): any op charged then may
        # raise FloatingPointError, so the path ends there (emit)
        self.float_errors: Optional[dict] = None
        self.float_raise: Optional[tuple] = None
        self._unpriced_keys: set = set()
        self.span: Optional[Span] = None
        self.used = 0  # FLOPs charged so far on this path: what flops.current_budget() reports
        self.budget_reads = 0  # how many times the program was told ``used`` (repeats.py)
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
        self._mentions_budget: Optional[bool] = None
        self.handlers = handlers.NONE  # what the except clauses around the code being run may catch
        # The try statements around whose handlers catch flopscope's BudgetExhaustedError
        # (bare, Exception, FlopscopeError, ...): a charge past the budget raises it there.
        self._catching_exhaustion = 0
        # try statements around with a clause naming a class flopscope lacks (fnp.linalg.LinAlgError):
        # BudgetExhaustedError becomes AttributeError there (stmt_Try), caught or not
        self._replacing_exhaustion = 0
        # The statement whose condition is being evaluated and the site kind it would use, so
        # `a and b` with a value-dependent `a` can decide its operands consistently.
        self._condition: Optional[tuple] = None
        self._loop_operands = 0  # operands of a while test's `and` decided by a site (truth, open_loops.py)
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
        # id() of each cached value handed out that cannot change (a NamedTuple of numbers and text):
        # only its identity is the table's, and it can leave a call only through what it returns.
        self.cache_handed: list = []
        self._reentered: set = set()  # function nodes called while already executing (recursion)
        self._handling: list = []  # the exceptions whose except clauses are running (for a bare `raise`)
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
        self.memo = CallMemo(self, MAX_STEPS)
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
        self._size_ranges: dict = {}  # size site key -> the range it was first met over (_at_this_execution)
        self._data_int_uses: dict = {}  # site key -> (direction, value) of its first use (dataints.opposite)
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
        self.unpriced_marks = 0  # calls left unpriced so far (each time, not each site)
        # Those of ``effects`` made by a loop's watch of its numbers (counters.py) or its comparisons
        # of its counter (SteadyLoop.observe): a call that began outside every such loop and made
        # only these did them to its own loops (repeats.CallMemo.finish).
        self.loop_effects = 0
        self.entered_log: list = []
        self.compare_log: list = []
        self.history_log: list = []

    # ------------------------------------------------------------ entry

    def run(self, class_name: str) -> RunResult:
        # The interpreter recurses with the program (about ten Python frames per user call):
        # leave room for MAX_CALL_DEPTH user calls; deeper nesting ends the path (see eval).
        limit = sys.getrecursionlimit()
        if limit < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)
        try:
            result = self._run(class_name)
        finally:
            if limit < _RECURSION_LIMIT:
                sys.setrecursionlimit(limit)
        result.consults = self.decisions.log
        result.joinable = self._joinable_answers == len(self.decisions.answers) and not self._later_answers
        result.generators_moved = any(not g.quiet() for g in self._ran_generators)
        result.work = self.work
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
            try:
                try:
                    value = self.call(predict, [mlp, Known(self.budget)], {}, self.program.main_span)
                except UserRaise as exc:
                    self.result.failed = f"{exc.span}: {exc.what}"
                    self.result.raised = (exc.span, exc.what, False)
                    value = None
                except PathEnd:
                    # items made ahead of their consumer (a generator expression made where it is
                    # written, a body run whole at the first next()) are not a lower bound's
                    self.retract_unconsumed(ending=True)
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
                if first_watch is not None:
                    first_watch.stop()
            if self.result.raised is None and not self.result.unpriced and self._budget_overrun() is None:
                self._later_calls(instance, predict, before, before_numbers, first_watch, marks, armed, cache_before)
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

    def _later_calls(self, instance: Value, predict: Value, before: Optional[tuple],
                     before_numbers: Optional[list] = None, first_watch=None, marks: tuple = (),
                     armed: Optional[first_writes.Armed] = None, cache_before: Optional[frozenset] = None) -> None:
        """The calls whestbench makes after the first on this instance, one per MLP, followed while
        the first left state they can read (carried.py). Only after a first call that ended
        normally: one that raised or ran out of budget leaves a state the path does not follow."""
        after = carried.state(self, instance)
        if after is not None and after == before:
            return  # every call starts where the first did
        # What the first call added that no later call can tell from its absence (first_writes.py)
        found = first_writes.added(self, instance, armed, cache_before) if cache_before is not None else None
        if first_watch is not None:
            # (a first call that changes the state otherwise on most paths is no longer watched:
            # the watch costs, and the second call runs anyway)
            settled = self._settled_as_first(instance, first_watch, marks, found)
            self.program.first_call_tries[0 if settled else 1] += 1
            if settled:
                return  # every call makes the moves the first made
        if (armed is not None or found is not None) and self._second_call_fits(marks) \
                and first_writes.added_unread(self, instance, before, found):
            self._add_second_call(marks)
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
                stopped = self._call_again(predict)
            finally:
                if watch is not None:
                    watch.stop()
            calls += 1
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
                return  # only numbers no call steers by changed: every later call moves as this one
            now = carried.state(self, instance)
            if now is not None and now == after:
                return  # this call left the state it found: every later call costs what it did
            after = now
            previous = numbers
        r.settled = False
        r.unsettled = ("the state a call can read still changes after "
                       f"{carried.MAX_CALLS} calls" if after is not None else
                       "the state a call can read holds values flopcast cannot compare")

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
        return not (self.steps + (self.steps - steps) + 1 > MAX_STEPS or self.work + (self.work - work) > self.work_stop)

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
            answers.extend(again)
        self.steps += took
        self.work += self.work - work

    def _call_again(self, predict: Value) -> Optional[str]:
        """One more call of ``predict`` with a fresh MLP, inside a fresh budget: its total is
        appended to ``result.later``, its findings merged into the path's; the charges, the
        per-function roll-ups and the trace stay the first call's. Why the calls after it cannot
        be followed, or None."""
        first = self.result
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
        try:
            try:
                value = self.call(predict, [self.make_mlp(), Known(self.budget)], {}, self.program.main_span)
            except UserRaise as exc:
                stopped, value = f"call {len(first.later) + 2} raises {exc.what}", None
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
        overrun = self._budget_overrun()
        if self._first_raising is not None:
            first.later_floors[len(first.later)] = sum(c.flops for c in fresh.charges[:self._first_raising])
        self.result = first
        self.used, self._first_unpriced, self._first_raising, self.trace, self._unpriced_keys = saved
        if traced_eval is not None:
            self.eval = traced_eval
        first.later.append(fresh.total)
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
        first.exhausted = first.exhausted or fresh.exhausted
        if fresh.unpriced:
            return stopped or f"call {len(first.later) + 1} is not priced whole"
        if overrun is not None:
            return f"call {len(first.later) + 1} runs out of budget"
        return stopped

    def _budget_overrun(self) -> Optional[Overrun]:
        """The charge at which flopscope raises BudgetExhaustedError on this path: the first
        whose cost exceeds what is left (``_charge_op``: ``cost > flop_budget - flops_used``,
        checked before charging). Claimed only where the running total before it is the
        path's real one: nothing unpriced before it, and no generator body that charged (its
        charges are filed when it first runs, not interleaved with its consumer's as at run
        time; a body that charged nothing, say one yielding chunk bounds, moves no charge)."""
        if any(g.end is None or g.end[1] != g.start[1] for g in self._ran_generators):
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
        weights = ListVal([Array((self.width, self.width), "float32") for _ in range(self.depth)])
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

    # ------------------------------------------------------------ charges and reports

    def emit(self, span, op, flops, dtype, function, origin=None, detail=""):
        if self.float_raise is not None and self.metered:
            self._float_op_may_raise(span, op, flops, dtype, function, origin, detail)
        if self.warning_filters.inside_ops and self.metered:
            self._float_warning_may_raise(span, op, flops, dtype, function, origin, detail)
        if not self.metered or self.free:
            return
        flops = int(flops)
        if (self._catching_exhaustion or self._replacing_exhaustion) and self.exhaustion_caught(flops):
            if self._catching_exhaustion:
                self.result.exhausted = self.result.exhausted or span
            self.effects += 1  # what the call around it did depends on the FLOPs spent (repeats.SharedCalls)
            self.budget_reads += 1  # and a call around it is reused only where as much was spent (CallMemo)
            raise UserRaise(span, f"BudgetExhaustedError: {op} would cost {flops:,} FLOPs but only "
                                  f"{self.budget - self.used:,} remain", exhausted=span)
        if self._catching_exhaustion and flops > self.budget - self.used:
            # flopscope may refuse this charge into the program's handler, but the running total
            # is not the run's (exhaustion_caught): going on as if unbounded would count work the
            # run never does (a polishing loop that stops when the budget runs out); the path
            # stops here, its count so far a lower bound and the high end open
            why = self.spent_unfollowed()
            raise PathEnd(f"the budget may run out here into an except clause that catches "
                          f"BudgetExhaustedError, and flopcast cannot follow the FLOPs spent ({why})",
                          span, what="budget exhaustion")
        self.used += flops
        # Charge(span, op, flops, dtype, function, True, detail, origin), its fields written as the
        # frozen dataclass's __init__ writes them (in order), without its eight object.__setattr__.
        charge = _new_object(Charge)
        charge.__dict__.update(span=span, op=op, flops=flops, dtype=dtype, function=function, certain=True,
                               detail=detail, dtype_origin=origin)
        charges = self.result.charges
        charges.append(charge)
        if self.trace is not None:
            self.trace.charged(len(charges) - 1, self.loops)
        inclusive = self.result.inclusive
        for qualname in set(self.call_stack):
            inclusive[qualname] = inclusive.get(qualname, 0) + flops

    def exhaustion_caught(self, cost: int) -> bool:
        """Whether charging ``cost`` now makes flopscope raise BudgetExhaustedError (it costs more
        than is left: checked before charging) into a handler of the program's that catches it;
        the path then goes on in the handler. Where nothing catches it, the path's count runs
        on as if unbounded and the report names the overrun (_budget_overrun). Claimed only
        where the running total is the run's: nothing unpriced before, no generator body."""
        return ((self._catching_exhaustion > 0 or self._replacing_exhaustion > 0) and cost > self.budget - self.used
                and self.spent_unfollowed() is None)

    def may_exhaust_inside(self, cost: int) -> bool:
        """Whether ``cost`` FLOPs charged at once (a reused call, skipped loop iterations) could run
        the budget out into a handler of the program's: one on the stack now, or any the program
        has, which the code that would have run may enter. Then that code runs instead."""
        if cost <= self.budget - self.used:
            return False
        # also where the FLOPs spent are not followed (something unpriced, a generator ran): the
        # code then runs, and emit stops the path where the budget may run out into a handler
        return self._catching_exhaustion > 0 or self._replacing_exhaustion > 0 or self.program_catches_exhaustion()

    def program_catches_exhaustion(self) -> bool:
        """Whether any ``except`` clause of the modules loaded so far catches BudgetExhaustedError."""
        key = tuple(self.program.modules)
        cached = _CATCHING.get(self.program.main.tree)
        if cached is None or cached[0] != key:
            # a clause naming a class flopscope lacks stops the run there too (stmt_Try); its
            # module is read from the module's own names (an import inside a function is missed)
            found = any(isinstance(n, ast.Try) and (_catches_exhaustion(n.handlers) or _clause_fails(
                            n.handlers, self.module_envs.get(m.key, {}).get,
                            lambda name, m=m: undefined.never_defined(self.program, m, name)))
                        for m in self.program.modules.values() for n in ast_walk(m.tree))
            cached = _CATCHING[self.program.main.tree] = (key, found)
        return cached[1]

    def _float_op_may_raise(self, span, op, flops, dtype, function, origin, detail) -> None:
        """An op under np.seterr(...="raise"): flopscope charges it, then numpy may raise
        FloatingPointError on its values (into a handler, or out of predict). The path ends
        after the charge: what follows depends on whether it raised."""
        where, which = self.float_raise
        self.float_raise = None
        try:
            self.emit(span, op, flops, dtype, function, origin, detail)
        finally:
            self.float_raise = (where, which)
        raise PathEnd(f"np.seterr({which}) at {where} makes float errors raise: whether this {op} raises "
                      "FloatingPointError depends on the values, so the cost after it is not counted",
                      span, what=f"{op} under np.seterr")

    def _symmetry_loss_may_raise(self, name: str, args, kwargs, result) -> None:
        """flopscope warns SymmetryLossWarning (a UserWarning) after charging an op that drops a
        symmetric operand's tag (``C + W``, ``fnp.sum(C, axis=0)``, ``C.reshape``); under an
        "error" filter it raises there. Not every op that drops a tag warns (``C @ W``): the path
        ends after the charge, a lower bound."""
        if not self.warning_filters.inside_ops or self.free or "symmetry_warnings" in self.silenced:
            return
        if result.__class__ is Array and result.sym is not None:
            return
        if not any(a.__class__ is Array and a.sym is not None for a in [*args, *kwargs.values()]):
            return
        which = warning_filters.may_raise(self.warning_filters, warning_filters.SYMMETRY_LOSS)
        if which is not None:
            raise PathEnd(f"a {which} makes flopscope's SymmetryLossWarning raise: fnp.{name} drops a symmetric "
                          "operand's tag, and whether flopscope warns there is not modelled, so the cost after it "
                          "is not counted", self.span, what=f"fnp.{name} under a warnings filter")

    def routed_warning(self, name: str, span: Span) -> None:
        """flopscope's numpy protocol warns (a UserWarning) before it routes ``np.<name>`` of a
        flopscope array to ``fnp.<name>``; under an "error" filter that warning is raised there,
        before any charge (warning_filters.py)."""
        if not self.warning_filters.inside_ops:
            return
        import numpy

        function = numpy
        for part in name.split("."):
            function = getattr(function, part, None)
        real = getattr(function, "__name__", name)
        warning_filters.warn(self, Known(f"np.{real}(FlopscopeArray) auto-routed to fnp.{real}; call fnp.{real} "
                                         "directly to avoid this warning."), Builtin("UserWarning"), span)

    def _float_warning_may_raise(self, span, op, flops, dtype, function, origin, detail) -> None:
        """An op while a warnings filter makes numpy's float warnings raise (``simplefilter("error")``
        with np.seterr's default "warn"): as under np.seterr(all="raise"), whether it raises
        (RuntimeWarning) depends on its values. The path ends after the charge."""
        settings = tuple(sorted((self.float_errors or type_info.DEFAULT_FLOAT_ERRORS).items()))
        which = warning_filters.float_warnings_raise(self.warning_filters, settings)
        if which is None:
            return
        saved, self.warning_filters = self.warning_filters, warning_filters.Filters()
        try:
            self.emit(span, op, flops, dtype, function, origin, detail)
        finally:
            self.warning_filters = saved
        raise PathEnd(f"a {which} makes numpy's float warnings raise: whether this {op} raises RuntimeWarning "
                      "depends on the values, so the cost after it is not counted", span,
                      what=f"{op} under a warnings filter")

    def charge(self, op: str, base: int, dtype: Optional[str], origin: Optional[Span] = None,
               measured: bool = False) -> None:
        """``measured``: ``base`` is the FLOPs flopscope charged, read from flopscope itself."""
        try:
            if measured:
                flops = base
            else:
                flops = pricing.charge(op, base, dtype)
        except pricing.ComplexDtypeError as exc:
            raise OpError(str(exc)) from exc
        span = self.span
        at = self._charge_at
        if at is not None and at[0] is self.frame:
            span = at[1]  # an item a lazy iterator makes when the program asks for it (pulled_at)
        if self._served_paths and span is not None and span.path in self._served_paths:
            # Code an import hook served has no file: flopscope's runtime (and `verify`) files
            # its charges at the innermost call in a real file, and so does the analysis.
            span = next((s for s in reversed(self._call_spans) if s.path not in self._served_paths), span)
        frame = self.frame
        if frame is not None and frame.function is not None and is_generated(frame.function.node):
            # Code flopcast wrote for what Python does in C or in generated code
            # (`operator.methodcaller`, a dataclass's order methods: syntax.lambda_at): the run
            # files its charges at the call into it, in the caller's function.
            span, frame = self._generated_calls[-1]
        self.emit(span, op, flops, dtype, frame.qualname if frame else "<module>", origin)

    def pulled_at(self, pull):
        """``pull()``, the next item of a lazy iterator (map, accumulate, starmap, ...), made where
        the run makes it: what the functions it calls without a frame of the program's charge
        (``fnp.exp`` in ``map(fnp.exp, xs)``) is filed at the instruction of the program's asking
        for the item (``consumer``), as flopscope's runtime files it; a function of the program's
        it calls charges in its own frame, as always."""
        consumer = self.consumer
        if consumer is None or consumer[0] is not self.frame:
            return pull()
        saved, self._charge_at = self._charge_at, consumer
        try:
            return pull()
        finally:
            self._charge_at = saved

    def consuming(self, span: Span, run):
        """``run()`` with ``span`` the instruction of the program's asking iterators for items."""
        saved, self.consumer = self.consumer, (self.frame, span)
        try:
            return run()
        finally:
            self.consumer = saved

    def unpriced(self, node: Optional[ast.AST], what: str, reason: str, raises: bool = True) -> Value:
        return self._unpriced_at(self.node_span(node) if node is not None else self.span or self.program.main_span,
                                 what, reason, raises)

    def note(self, span: Optional[Span], message: str) -> None:
        self.effects += 1
        if all(n.message != message or n.span != span for n in self.result.notes):
            self.result.notes.append(Note(span, message))

    def node_span(self, node: ast.AST) -> Span:
        path = self.frame.module.path if self.frame else self.program.main.path
        # Spans are asked for the same nodes over and over in unrolled loops: keep one per node.
        cached = getattr(node, "_flopcast_span", None)
        if cached is not None and cached.path == path:
            return cached
        span = Span(path, node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)
        node._flopcast_span = span
        return span

    def choose_outcome(self, options: tuple, reason: str, presumed=None, presumption: str = ""):
        """Which of ``options`` an op returns when that depends on the values (the dtype of
        ``linalg.eig``'s result): a value-dependent site, the same on every execution of a path."""
        site = Site(("pick", self.span), options, self.span, "pick", reason,
                    presumed=presumed, presumption=presumption)
        return self.decisions.choose(site, self.kept_used())

    def choose_size(self, lo: int, hi: int, reason: str, nonzero_of: Optional[Array] = None) -> int:
        """A size that depends on values. With ``nonzero_of``, the size is the number of
        nonzero elements of that array: one mask used at several sites (``idx[keep]``,
        ``w[:, keep]``, ``fnp.nonzero(keep)``) selects the same count on a path."""
        self.last_count = None
        if nonzero_of is not None:
            shared = self._nonzero_counts.get(nonzero_of.ident)
            if shared is not None:
                key = self._count_sites.get(nonzero_of.ident)
                against = dataints.opposite(self, key, 1, (lo, hi), self.span, "a selection")
                if lo != hi:
                    keyed = against is None and key is not None and key[0] == "size"
                    self.last_count = (self.span, None, key if keyed else None, lo, hi)
                return shared if against is None else against
        assumed = self.assumed_count(lo, hi)
        if assumed is not None:
            if nonzero_of is not None:
                self.effects += 1
                self._nonzero_counts[nonzero_of.ident] = assumed
            return assumed
        presumed, presumption = presumptions.selection(nonzero_of, lo, hi)
        key = ("size", self.span, reason)
        choices, reason = sizetests.analysed_at(key, self.enumerated.get(key, (hi, lo)), self.count_values, lo, hi)
        site = Site(key, choices, self.span, "shape", reason, presumed=presumed, presumption=presumption)
        count = self._at_this_execution(key, self.decisions.choose(site, self.kept_used()), lo, hi)
        dataints.first_use(self, site.key, 1, count, (lo, hi))
        if nonzero_of is not None:
            self.effects += 1
            self._nonzero_counts[nonzero_of.ident] = count
            self._count_sites[nonzero_of.ident] = site.key
        if lo != hi:
            self.last_count = (self.span, None if presumed is None else count == presumed, key, lo, hi)
        return count

    def _at_this_execution(self, key: tuple, count: int, lo: int, hi: int) -> int:
        """The count a size site's option stands for at an execution over the range ``lo``..``hi``.
        A site met again over another range (a selection from an array that grows or shrinks from
        one execution to the next) keeps its policy: an end of the range it was first met over
        ("every element kept", "none") is the same end here; a count between them stays that count,
        within this range."""
        first = self._size_ranges.setdefault(key, (lo, hi))
        if first == (lo, hi):
            return count
        if count == first[1]:
            return hi
        if count == first[0]:
            return lo
        return min(max(count, lo), hi)

    def write_in_place(self, x: Array) -> None:
        """An in-place op (fill_diagonal, putmask, put, shuffle) wrote into ``x``: flopscope
        drops the symmetry tag of that object, so the same object changes here, and every
        name, container, attribute and caller's frame holding it sees the change (a memoised
        call that does it changes its caller's state, and is not recorded). What was known of
        its values (bounds, a presumption, what it counts, a 0-d value) is no longer known."""
        # flopscope drops the tags of every array over the buffer it writes: the tagged array a view
        # was made of, and that array's other views
        root = x.view_of if x.view_of is not None and not x.plain else x.ident
        base = self.view_roots.get(root)
        family = [x] + [a for a in (base, *self.views_of.get(root, ())) if a is not None and a is not x]
        for a in family:
            a.was_tagged = a.was_tagged or bool(a.sym)
            a.sym = None
        for a in tuple(x.shared or (x,)) + tuple(family[1:]):
            # (numpy writing into a flopscope array's buffer leaves its tag)
            a.value = None
            a.vrange = None
            release_ends(a)
            a.fbounds = None
            a.presumed = None
            a.counts = None

    def read_array_file(self, path_value: Value) -> Value:
        from flopcast.analyzer.arrayfiles import read_arrays

        if not (isinstance(path_value, Known) and isinstance(path_value.value, (str, PurePosixPath))):
            raise OpError("the file name passed to fnp.load is not known statically")
        return read_arrays(self.program.root, str(path_value.value), flopscope_load=not self.free)

    # ------------------------------------------------------------ modules

    def module_env(self, module: Module) -> dict:
        env = self.module_envs.get(module.key)
        if env is not None:
            return env
        env = {"__name__": Known(module.name), "__file__": Known(str(module.path))}
        if module.path.endswith("__init__.py"):
            # a package's search path (what `pkgutil.iter_modules(__path__)` lists)
            env["__path__"] = ListVal([Known(str(PurePosixPath(module.path).parent))])
        self.module_envs[module.key] = env
        saved_frame, saved_meter = self.frame, self.metered
        self._outer_frames.append(saved_frame)
        self._opaque_depth += 1
        self.frame = Frame(env, module, "<module>")
        # A module body runs where it is first imported: at load time (or in setup()) outside
        # the meter, but inside predict (`import tables` in predict, a lazy submodule) under the
        # budget, where flopscope counts its ops on the first call: the meter stays as it is.
        try:
            # Statement by statement: a top-level raise stops the entry file's load, but the
            # definitions after it are still worth analysing (and the raise is reported).
            for stmt in module.tree.body:
                try:
                    self.exec_stmt(stmt)
                except UserRaise as exc:
                    if module is not self.program.main:
                        # the import raises it (into a handler, or up to the entry file's load)
                        # and Python drops the module: the next import runs its body again
                        del self.module_envs[module.key]
                        raise
                    self.note(exc.span, f"module {module.name} raises at import ({exc.what}); "
                                        "whestbench could not load it; the rest is analysed anyway")
                except (_Return, _Break, _Continue):
                    pass
        finally:
            self.frame, self.metered = saved_frame, saved_meter
            self._outer_frames.pop()
            self._opaque_depth -= 1
        return env

    # ------------------------------------------------------------ statements

    def tick(self) -> None:
        self.steps += 1
        self.work += 1
        if self.work > self.work_stop:
            raise WorkOut()
        if self.steps > MAX_STEPS:
            raise PathEnd(f"analysis stopped after {MAX_STEPS:,} steps (a loop too long to unroll?)")

    def exec_block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.exec_stmt(stmt)

    def exec_stmt(self, node: ast.stmt) -> None:
        self.steps += 1
        self.work += 1
        if self.work > self.work_stop:
            raise WorkOut()
        if self.steps > MAX_STEPS:
            raise PathEnd(f"analysis stopped after {MAX_STEPS:,} steps (a loop too long to unroll?)")
        method = self._stmt_dispatch.get(type(node))
        if method is None:
            self.unpriced(node, type(node).__name__, "statement kind not modelled")
            return
        try:
            method(self, node)
        except _CONTROL:
            raise
        except RecursionError:
            raise _too_deep(self.node_span(node))
        except Exception as exc:  # noqa: BLE001 - see eval: a flopcast bug, never the program's
            # A statement half done (a target not bound) cannot be continued soundly: the path ends.
            raise _model_failure(self.node_span(node), exc)

    def stmt_Expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def stmt_Pass(self, node) -> None:
        pass

    def stmt_Assert(self, node: ast.Assert) -> None:
        # The test runs (and charges) at run time; python -O is not how estimators are run.
        value = self.size_truth(self.eval(node.test), node.test)
        self.check_array_truth(value, node.test)
        truth = self.known_truth(value)
        fails = truth is False
        if truth is None:
            span = self.node_span(node)
            if not self.handlers.catches("AssertionError"):
                # Past every handler that may catch it the count is the run on past it, as for an
                # fnp.linalg op that may raise outside a try (raise_on_values): a run where it
                # fails stops there, so the report names it
                self.presume_no_raise(span, "assert", "AssertionError", f"`{_source(node.test)}` is false")
                self.floor_compared(node.test, True)  # `assert peak > 0`: math.log(peak) presumes no more
                return
            # A handler that may catch it may run: whether it fails is a value-dependent site
            # (the nominal path takes it to hold), as a LinAlgError of fnp.linalg is
            site = Site(("raise", span), (False, True), span, "exception",
                        f"whether `assert {_source(node.test)}` fails depends on the values; the except "
                        f"clause runs if it does", presumed=False, presumption="the assertion holds")
            fails = self.decisions.choose(site, self.kept_used())
        if fails:
            if node.msg is not None:
                self.eval(node.msg)
            raise UserRaise(self.node_span(node), "AssertionError")

    def stmt_Global(self, node: ast.Global) -> None:
        if self.frame.globals_ is None:
            self.frame.globals_ = set()
        self.frame.globals_.update(node.names)

    def stmt_Nonlocal(self, node: ast.Nonlocal) -> None:
        if self.frame.nonlocals_ is None:
            self.frame.nonlocals_ = set()
        self.frame.nonlocals_.update(node.names)

    def stmt_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            if isinstance(t, ast.Name):
                self.frame.vars.pop(t.id, None)
            elif isinstance(t, (ast.Tuple, ast.List)):
                self.stmt_Delete(ast.Delete(targets=list(t.elts)))
            elif isinstance(t, ast.Subscript):
                obj, key = self.eval(t.value), self.eval(t.slice)
                if isinstance(obj, InstanceVal) and obj.payload is not None:
                    obj = obj.payload
                if isinstance(obj, ListVal) and isinstance(key, Known) and isinstance(key.value, (int, slice)):
                    try:
                        del obj.items[key.value]
                    except IndexError:
                        raise UserRaise(self.node_span(t), "IndexError: list assignment index out of range")
                elif isinstance(obj, DictVal) and isinstance(key, Known):
                    if key.value not in obj.items:
                        raise UserRaise(self.node_span(t), f"KeyError: {key.value!r}")
                    del obj.items[key.value]
                elif isinstance(obj, Array):
                    raise UserRaise(self.node_span(t), "TypeError: flopscope arrays are immutable")
                elif isinstance(obj, (ListVal, DictVal)):
                    self.unfollowed_change(self.node_span(t), "del", "the index or key is not known")
                else:
                    self.unpriced(t, "del", f"deleting an item of {type(obj).__name__} is not modelled")
            elif isinstance(t, ast.Attribute):
                obj = self.eval(t.value)
                if isinstance(obj, (InstanceVal, ClassVal)) and t.attr in obj.attrs:
                    del obj.attrs[t.attr]
                else:
                    self.unpriced(t, "del", "deleting this attribute is not modelled")

    def stmt_Assign(self, node: ast.Assign) -> None:
        armed = self._prefix
        if armed is not None and node in armed.prefix.position:
            return self._prefix_assign(node, armed)
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def _prefix_assign(self, node: ast.Assign, armed: first_writes.Armed) -> None:
        """One of the assignments a first call of predict begins with (first_writes.py), with how
        many user functions writing the targets entered from the first on (a property setter,
        ``__setattr__``), as first met. (Those its value entered are not counted: they cannot reach
        the instance, first_writes.py.)"""
        entered = armed.entered
        value = self.eval(node.value)
        began = len(self.entered_log)
        for target in node.targets:
            self.assign(target, value)
        entered["writing"] = entered.get("writing", 0) + len(self.entered_log) - began
        entered.setdefault(armed.prefix.position[node], entered["writing"])

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if self.frame.function is None and isinstance(node.target, ast.Name) \
                and _eager_annotations(self.frame.module.tree):
            self._check_annotation(node.annotation)  # a module's or class body's annotation is evaluated
        if node.value is not None:
            self.assign(node.target, self.eval(node.value))

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        current = self.eval(self._load_version(node.target))
        if isinstance(current, Array) and current.plain:
            operand = self.eval(node.value)
            if plain_numpy.has_flopscope([operand]):
                self.unpriced(node, "in-place numpy op with a flopscope operand", "not modelled")
                return
            # numpy's in-place op: free; the array keeps its shape, dtype and identity, and what
            # was known of its values is what the op made (`a += 2` of a 0-d 3 holds 5), for
            # every array over its buffer (nothing, where the op's result does not say)
            made = self.binop(node.op, current, operand, node)
            sym = current.sym
            self.write_in_place(current)
            current.sym = sym
            if isinstance(made, Array) and made.dtype == current.dtype and made.shape == current.shape:
                current.value, current.vrange, current.fbounds = made.value, made.vrange, made.fbounds
                if holds_ends(made):
                    hold_ends(current)
            self.assign(node.target, current)
            return
        if isinstance(current, Array):
            # Python evaluates the operand before calling __iadd__ & co., whose TypeError stops the
            # run as flopscope's does: the operand's ops are charged (`x += fnp.ones_like(x)`).
            self.eval(node.value)
            raise UserRaise(self.node_span(node), "TypeError: flopscope arrays are immutable "
                                                  "(`x op= y` on an array; write `x = x op y`)")
        operand = self.eval(node.value)
        if current.__class__ is ListVal and (current.is_set or current.view_of is not None):
            self.unfollowed_change(self.node_span(node), "set or dict view op=",
                                   "an in-place operator of a set of objects or a dict's view is not modelled")
        if isinstance(current, ListVal) and isinstance(node.op, (ast.Add, ast.Mult)):
            # `xs += ys` extends the list in place (every alias sees it), `xs *= n` repeats it
            if isinstance(node.op, ast.Add):
                items = self.iterate(operand, node)
                if items is None:
                    self.unfollowed_change(self.node_span(node), "list +=",
                                           "extends a list by a sequence whose length is not known")
                current.items.extend(items)
                if current.__class__ is DequeVal:
                    stdlib_containers.trim(current, left=True)
            else:
                repeated = self.binop(node.op, current, operand, node)
                if not isinstance(repeated, ListVal):
                    return
                current.items[:] = repeated.items
            self.assign(node.target, current)
            return
        # (the value read past counters.py's watch: only a set's in-place operators are looked for)
        if current.__class__ is Known and isinstance(current.__dict__["value"], set) \
                and isinstance(node.op, (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor)):
            # `s |= t` changes the set itself (every alias sees it), as set.__ior__ does
            if not isinstance(operand, Known):
                self.unpriced(node, "set |=", "changes a set by items the analyzer does not know")
                return
            try:
                _SET_INPLACE[type(node.op)](current.value, operand.value)
            except TypeError as exc:
                raise UserRaise(self.node_span(node), f"TypeError: {exc}")
            self.assign(node.target, current)
            return
        if current.__class__ is InstanceVal or operand.__class__ is InstanceVal:
            done = flags.binary(type(node.op).__name__, current, operand, self.node_span(node))  # `mode |= Mode.B`
            if done is not None:
                self.assign(node.target, done)
                return
            done = dunders.binary(self, type(node.op).__name__, current, operand, self.node_span(node), inplace=True)
            if done is not None:  # the user's __iadd__ (else __add__/__radd__)
                self.assign(node.target, done)
                return
        value = self.binop(node.op, current, operand, node)
        self.assign(node.target, value)

    def _load_version(self, target: ast.expr) -> ast.expr:
        # One per target (`acc += x` in a loop, a cost model's running sum): made at every
        # execution, it was a tenth of a pure-Python planner's run.
        clone = _LOAD_VERSIONS.get(target)
        if clone is None:
            clone = ast.copy_location(type(target)(**{f: getattr(target, f) for f in target._fields}), target)
            clone.ctx = ast.Load()
            ast.fix_missing_locations(clone)
            _LOAD_VERSIONS[target] = clone
        return clone

    def stmt_Return(self, node: ast.Return) -> None:
        raise _Return(self.eval(node.value) if node.value is not None else Known(None))

    def stmt_Break(self, node) -> None:
        raise _Break()

    def stmt_Continue(self, node) -> None:
        raise _Continue()

    def stmt_Raise(self, node: ast.Raise) -> None:
        if node.exc is None:
            if self._handling:  # a bare `raise` in an except clause (or a function it calls)
                raise self._handling[-1]
            raise UserRaise(self.node_span(node), "RuntimeError: No active exception to reraise")
        what = _source(node.exc)
        family: tuple = ()
        instance = None
        if node.exc is not None:
            raised = self.eval(node.exc.func if isinstance(node.exc, ast.Call) else node.exc)
            if isinstance(raised, Known) and isinstance(raised.value, BaseException):
                # `e = ValueError("x"); raise e`: an instance of a builtin exception, computed
                instance, raised = raised, Builtin(type(raised.value).__name__)
                what = repr(instance.value)
            elif isinstance(raised, Known):
                raise UserRaise(self.node_span(node), "TypeError: exceptions must derive from BaseException")
            if isinstance(raised, ClassVal) and isinstance(node.exc, ast.Call):
                made = self.eval(node.exc)  # `raise TooBig(k, cap)`: the instance, its __init__ run
                instance = made if isinstance(made, InstanceVal) else None
            elif isinstance(node.exc, ast.Call):
                # `raise ValueError(f"{fnp.sum(h)}")`: Python evaluates the arguments (and
                # flopscope charges them) before the exception is made
                for arg in node.exc.args:
                    self.eval(arg.value if isinstance(arg, ast.Starred) else arg)
                for kw in node.exc.keywords:
                    self.eval(kw.value)
            if isinstance(raised, InstanceVal):
                instance, raised = raised, raised.cls
            if isinstance(raised, ClassVal):
                family = _user_exception_family(raised)
            elif isinstance(raised, (Builtin, LibRef)):
                # `raise exc("x")` with `exc` bound to ValueError: the except clauses match the
                # class it names, not the variable's name
                callee = _source(node.exc.func) if isinstance(node.exc, ast.Call) else what
                what = _class_name(raised) + what[len(callee):]
            elif isinstance(raised, Unknown):
                raise PathEnd(f"raises `{what}`, an exception of a class flopcast could not compute; which "
                              "except clause catches it is not known, the cost after it is not counted",
                              self.node_span(node))
        raise UserRaise(self.node_span(node), what, family, instance)

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        if _eager_annotations(self.frame.module.tree):
            a = node.args
            for arg in (*a.posonlyargs, *a.args, a.vararg, *a.kwonlyargs, a.kwarg):
                if arg is not None and arg.annotation is not None:
                    self._check_annotation(arg.annotation)
            if node.returns is not None:
                self._check_annotation(node.returns)
        fn = self.make_function(node)
        for deco in reversed(node.decorator_list):
            if isinstance(deco, ast.Attribute) and deco.attr == "setter":
                prop = self.eval(deco.value)
                if isinstance(prop, FunctionVal) and prop.kind == "property":
                    prop.setter = fn  # `@x.setter`: the property x, now with a setter
                    fn = prop
                    continue
            if isinstance(deco, ast.Call):
                factory = self.eval(deco.func)
                if isinstance(factory, LibRef) and factory.path in _TRANSPARENT_DECORATORS:
                    # @lru_cache(maxsize=...), @wraps(f): the function itself, as far as cost goes
                    if factory.path == "py:functools.wraps" and deco.args:
                        self.update_wrapper(fn, self.eval(deco.args[0]), self.node_span(deco))
                    if factory.path in _CACHING_DECORATORS:
                        self.cache_function(fn, lru.spec_of([self.eval(a) for a in deco.args],
                                                            {k.arg: self.eval(k.value) for k in deco.keywords if k.arg}))
                    continue
            d = self.eval(deco)
            if isinstance(d, Builtin) and d.name in ("staticmethod", "classmethod", "property"):
                fn.kind = d.name
            elif isinstance(d, LibRef) and d.path == "py:functools.cached_property":
                fn.kind = "cached_property"
            elif isinstance(d, LibRef) and d.path in dispatch.MAKERS:
                fn = self.call_lib(d.path, [fn], {}, self.node_span(deco), deco)
            elif isinstance(d, LibRef) and d.path in _TRANSPARENT_DECORATORS:
                if d.path == "py:abc.abstractmethod":
                    fn.abstract = True  # an ABC with it unresolved refuses to be instantiated
                if d.path in _CACHING_DECORATORS:  # @cache keeps every entry, @lru_cache 128
                    self.cache_function(fn, lru.CacheSpec(None if d.path == "py:functools.cache" else lru.DEFAULT_MAXSIZE))
            elif isinstance(d, LibRef) and d.path.startswith("rawnumpy."):
                fn = self.call(d, [fn], {}, self.node_span(deco))  # `@np.vectorize`: what numpy makes of it
            elif isinstance(d, Known) or isinstance(d, LibRef) or type_info.is_errstate(d):
                pass
            else:
                fn = self.call(d, [fn], {}, self.node_span(deco))
        self.frame.vars[node.name] = fn

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def update_wrapper(self, wrapper: Value, wrapped: Value, span: Span) -> None:
        """``@functools.wraps(wrapped)``: the wrapper (a function, or an object of a decorator
        class) takes the wrapped function's name, qualname and doc, its attributes (``__dict__``)
        and ``__wrapped__``, as update_wrapper sets them (a registry keyed by ``fn.__name__`` of
        decorated functions reads the wrapped name)."""
        if not isinstance(wrapped, FunctionVal):
            return  # (a class or a bound method: their names are read where they are asked for)
        for attr in ("__name__", "__qualname__", "__doc__"):
            wrapper.attrs[attr] = self.get_attr(wrapped, attr, span)
        wrapper.attrs.update(wrapped.attrs)
        wrapper.attrs["__wrapped__"] = wrapped

    @staticmethod
    def cache_function(fn: FunctionVal, spec: Optional[lru.CacheSpec]) -> None:
        """``fn`` behind an lru_cache wrapper (None: maxsize 0, a wrapper that only calls it)."""
        if spec is None:
            return
        if fn.cached:
            # Two tables stacked: a repeat hits one of them whenever either keeps every entry;
            # otherwise which misses both is not modelled.
            inner = fn.cache_spec
            unbounded = inner.known and spec.known and inner.typed == spec.typed \
                and (inner.maxsize is None or spec.maxsize is None)
            spec = lru.CacheSpec(None, spec.typed) if unbounded else lru.CacheSpec(known=False)
        fn.cached, fn.cache_spec = True, spec

    def make_function(self, node, name: Optional[str] = None) -> FunctionVal:
        a = node.args
        defaults = [self.eval(d) for d in a.defaults]
        kw_defaults = {arg.arg: self.eval(d) for arg, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None}
        qual = name or getattr(node, "name", "<lambda>")
        if self.frame.qualname != "<module>":
            if self.frame.function is None and self.frame.cls is not None:
                qual = f"{self.frame.qualname}.{qual}"
            else:
                qual = f"{self.frame.qualname}.<locals>.{qual}"
        if self._comprehensions and self._comprehensions[-1].frame is self.frame:
            # a lambda in a comprehension: its targets, then the enclosing function's live names
            closure = self._comprehension_closure(len(self._comprehensions) - 1)
            return FunctionVal(node, self.frame.module, qual, defaults, kw_defaults, closure, None)
        closure = self._scope_closure(self.frame)
        return FunctionVal(node, self.frame.module, qual, defaults, kw_defaults, closure, None)

    def _scope_closure(self, frame: Frame):
        """What a function made in ``frame`` closes over: its variables (live, as Python's cells
        are), then the enclosing functions' (None at module level). A class body is no scope
        functions close over: its methods close over the function the class statement runs in."""
        if frame.function is None and frame.enclosing is not None:
            return self._scope_closure(frame.enclosing)
        closure = frame.vars if frame.qualname != "<module>" and frame.function is not None else None
        outer = frame.function.closure if closure is not None else None
        if outer is not None:
            # a def inside a nested function reads the enclosing functions' variables too
            closure = ChainMap(closure, *getattr(outer, "maps", [outer]))
        return closure

    def _comprehension_closure(self, index: int) -> ChainMap:
        """What a lambda made in the ``index``-th running comprehension closes over: that
        comprehension's own targets (read when the lambda is called: the last item's once the
        comprehension is done), then the enclosing scope's names as they are when it is called.
        The comprehension's frame holds a copy of the enclosing names made when it started:
        reading those would give a name rebound since its old value, and at module level the
        targets were not visible at all (names there are looked up in the module)."""
        running = self._comprehensions[index]
        own = _ComprehensionTargets(running.frame.vars, _target_names(running.node))
        enclosing = self._outer_frames[running.depth]
        if index > 0 and self._comprehensions[index - 1].frame is enclosing:
            rest = self._comprehension_closure(index - 1)
        else:
            rest = self._scope_closure(enclosing)
        if rest is None:
            return ChainMap(own)
        return ChainMap(own, *getattr(rest, "maps", [rest]))

    def stmt_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [self.eval(b) for b in node.bases]
        qual = node.name
        if self.frame.qualname != "<module>":
            # a class in a class body is `Outer.Inner`, one in a function `f.<locals>.Inner`
            in_class = self.frame.function is None and self.frame.cls is not None
            qual = f"{self.frame.qualname}.{node.name}" if in_class else f"{self.frame.qualname}.<locals>.{node.name}"
        cls = ClassVal(node.name, qual, [b for b in bases], {}, node, self.frame.module)
        cls.metaclass = self.metaclass_of(node, bases)
        enum_body = _is_enum(cls)
        if enum_body:
            cls.attrs = _EnumBody(flags.is_flag(cls))  # auto() numbered as it is assigned, as enum's _EnumDict does
        saved = self.frame
        body_frame = Frame(cls.attrs, self.frame.module, qual, None, cls)
        body_frame.vars = cls.attrs
        body_frame.enclosing = saved
        self._outer_frames.append(saved)
        self._opaque_depth += 1
        self.frame = body_frame
        try:
            self.exec_block(node.body)
        finally:
            self.frame = saved
            self._outer_frames.pop()
            self._opaque_depth -= 1
        if enum_body:
            cls.attrs = dict(cls.attrs)
        if descriptors.defines_get(cls):
            self.descriptors = True
        for v in cls.attrs.values():
            if isinstance(v, FunctionVal) and v.owner is None:
                v.owner = cls
        if cls.metaclass is not None:
            made = self.apply_metaclass(cls, node)
            if not isinstance(made, ClassVal):  # a metaclass may make anything
                saved.vars[node.name] = made
                return
            cls = made
        else:
            self.init_subclass(cls, node)
        if _is_enum(cls):
            _make_enum_members(cls)
        named_tuple = any(isinstance(b, LibRef) and b.path in _NAMEDTUPLE_BASES for b in bases)
        if named_tuple:
            cls.fields = self.dataclass_fields(cls, node)
            cls.tuple_like = named_tuple
        # The decorators, evaluated top-down and applied bottom-up as Python applies them
        # (`@register` over `@dataclass` registers the dataclass).
        applied = []
        for deco in node.decorator_list:
            target = self.eval(deco.func if isinstance(deco, ast.Call) else deco)
            if isinstance(target, LibRef) and target.path == "py:dataclasses.dataclass":
                applied.append(("dataclass", deco, target))
            elif isinstance(target, LibRef) and target.path == "py:functools.total_ordering" \
                    and not isinstance(deco, ast.Call):
                applied.append(("total_ordering", deco, target))
            else:
                applied.append(("call", deco, self.eval(deco) if isinstance(deco, ast.Call) else target))
        for kind, deco, d in reversed(applied):
            if not isinstance(cls, ClassVal):
                if kind == "call" and isinstance(d, (FunctionVal, BoundMethod)):
                    cls = self.call(d, [cls], {}, self.node_span(deco))
                continue
            if kind == "dataclass" and not named_tuple and self.is_dataclass_decorated(node) and cls.node is node:
                cls.fields = self.dataclass_fields(cls, node)
                frozen = next((k.value for k in deco.keywords if k.arg == "frozen"), None) \
                    if isinstance(deco, ast.Call) else None
                if frozen is not None:
                    if not (isinstance(frozen, ast.Constant) and isinstance(frozen.value, bool)):
                        raise OpError("dataclass(frozen=...) of a value flopcast does not read")
                    cls.frozen = frozen.value
                slots = next((k.value for k in deco.keywords if k.arg == "slots"), None) \
                    if isinstance(deco, ast.Call) else None
                keyword = {k.arg: k.value for k in deco.keywords} if isinstance(deco, ast.Call) else {}
                eq, hashed = keyword.get("eq"), keyword.get("unsafe_hash")
                if any(k is not None and not (isinstance(k, ast.Constant) and isinstance(k.value, bool))
                       for k in (eq, hashed)):
                    raise OpError("dataclass(eq=..., unsafe_hash=...) of a value flopcast does not read")
                if (eq is None or eq.value) and not cls.frozen and not (hashed is not None and hashed.value) \
                        and not isinstance(cls.attrs.get("__hash__"), FunctionVal):
                    cls.attrs["__hash__"] = Known(None)  # a mutable dataclass compared by fields: unhashable
                # (unsafe_hash without frozen hashes fields that may change after the key is stored)
                cls.hashed_by_fields = (eq is None or eq.value) and cls.frozen \
                    and "__eq__" not in cls.attrs and "__hash__" not in cls.attrs \
                    and not any("hash" in p[3] for p in cls.init_params or ())
                if slots is not None:
                    if not (isinstance(slots, ast.Constant) and isinstance(slots.value, bool)):
                        raise OpError("dataclass(slots=...) of a value flopcast does not read")
                    if slots.value:  # the class made again with a slot per field of its own
                        own = [p[0] for p in cls.init_params or cls.fields if not (p[3:] and "initvar" in p[3])]
                        inherited = {f[0] for b in cls.mro()[1:] for f in b.fields or ()}
                        cls.attrs["__slots__"] = Known(tuple(n for n in own if n not in inherited))
                if eq is not None and not eq.value:
                    cls.generated = {**(cls.generated or {}), "identity": True}  # eq=False: object's ==
                if (eq is None or eq.value) and "__eq__" not in cls.attrs:
                    compared = [p[0] for p in (cls.init_params or [(*f, frozenset()) for f in cls.fields])
                                if "initvar" not in p[3] and "nocompare" not in p[3]]
                    ordering.dataclass_eq(self, cls, compared, deco)
                order = next((k.value for k in deco.keywords if k.arg == "order"), None) \
                    if isinstance(deco, ast.Call) else None
                if order is not None:
                    if not (isinstance(order, ast.Constant) and isinstance(order.value, bool)):
                        raise OpError("dataclass(order=...) of a value flopcast does not read")
                    if order.value:
                        compared = [p[0] for p in (cls.init_params or [(*f, frozenset()) for f in cls.fields])
                                    if "initvar" not in p[3] and "nocompare" not in p[3]]
                        ordering.dataclass_order(self, cls, compared, deco, self.node_span(deco))
            elif kind == "total_ordering":
                cls = ordering.apply(self, cls, deco, self.node_span(deco))
            elif kind == "call" and isinstance(d, (FunctionVal, BoundMethod)):
                cls = self.call(d, [cls], {}, self.node_span(deco))
        saved.vars[node.name] = cls

    def metaclass_of(self, node: ast.ClassDef, bases: list) -> Optional[ClassVal]:
        """The user's metaclass of a class statement: its ``metaclass=`` keyword, else its bases'
        (a library metaclass such as ABCMeta is None: nothing of the user's runs)."""
        meta = next((self.eval(k.value) for k in node.keywords if k.arg == "metaclass"), None)
        if meta is None:
            meta = next((b.metaclass for b in bases if isinstance(b, ClassVal) and b.metaclass is not None), None)
        if isinstance(meta, (FunctionVal, BoundMethod, PartialVal)):
            self._unpriced_at(self.node_span(node), "metaclass", "a function as a metaclass is not modelled")
        if not isinstance(meta, ClassVal):
            return None
        if isinstance(meta.lookup("__prepare__")[1], FunctionVal):
            self._unpriced_at(self.node_span(node), "metaclass", "a metaclass's __prepare__ (the namespace the "
                                                                   "class body fills) is not modelled")
        return meta

    def apply_metaclass(self, cls: ClassVal, node: ast.ClassDef) -> Value:
        """Python makes the class by calling its metaclass: ``meta.__new__(meta, name, bases,
        namespace)`` (whose ``type.__new__`` makes the class from the namespace, and calls the
        bases' ``__init_subclass__``), then ``meta.__init__`` on what it returned when that is a class."""
        meta, span = cls.metaclass, self.node_span(node)
        namespace = DictVal(dict(cls.attrs))
        args = [Known(cls.name), TupleVal(tuple(cls.bases)), namespace]
        self._pending_classes.append((cls, node))
        try:
            _, new = meta.lookup("__new__")
            if isinstance(new, FunctionVal):
                made = self.call_user(new, [meta] + args, {}, span)
            else:
                made = self.type_new(args)
        finally:
            self._pending_classes.pop()
        _, init = meta.lookup("__init__")
        if isinstance(made, ClassVal) and isinstance(init, FunctionVal):
            self.call_user(init, [made] + args, {}, span)
        return made

    def type_new(self, args: list) -> Value:
        """``type.__new__(meta, name, bases, namespace)`` inside a metaclass: the class of the
        statement being made, its attributes the namespace's (the metaclass may have changed them)."""
        if not self._pending_classes:
            raise OpError("type.__new__ outside a class statement is not modelled")
        cls, node = self._pending_classes[-1]
        namespace = args[-1] if args else None
        if not (isinstance(namespace, DictVal) and all(isinstance(k, str) for k in namespace.items)):
            raise OpError("type.__new__ with a namespace that is not a dict of names is not modelled")
        cls.attrs.clear()
        cls.attrs.update(namespace.items)
        self.init_subclass(cls, node)
        return cls

    def init_subclass(self, cls: ClassVal, node: ast.ClassDef) -> None:
        """Python calls the nearest base's ``__init_subclass__`` (an implicit classmethod) with
        the class keywords once the class exists, before its decorators: registries fill here.
        Before it, ``type.__new__`` calls the attributes' ``__set_name__``."""
        if self.descriptors:
            descriptors.set_names(self, cls, self.node_span(node))
        for base in cls.mro()[1:]:
            hook = base.attrs.get("__init_subclass__") if isinstance(base, ClassVal) else None
            if isinstance(hook, FunctionVal):
                kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg and k.arg != "metaclass"}
                self.call(BoundMethod(hook, cls), [], kwargs, self.node_span(node))
                return

    def is_dataclass_decorated(self, node: ast.ClassDef) -> bool:
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            d = self.eval(target)
            if isinstance(d, LibRef) and d.path == "py:dataclasses.dataclass":
                if isinstance(deco, ast.Call):
                    init = next((k.value for k in deco.keywords if k.arg == "init"), None)
                    if init is not None and isinstance(init, ast.Constant) and init.value is False:
                        return False
                return True
        return False

    def dataclass_fields(self, cls: ClassVal, node: ast.ClassDef) -> list:
        """The generated ``__init__``'s parameters: inherited dataclass fields, then this class's
        annotated names in order (ClassVar excluded), with their defaults or default factories.
        An ``InitVar`` (a parameter handed to ``__post_init__``, not a field), ``field(init=False)``
        and keyword-only fields (``kw_only=``, ``_: KW_ONLY``) are kept in ``cls.init_params``."""
        params: list = []  # (name, default, factory, flags), fields and InitVars in order
        for base in reversed(cls.mro()[1:]):
            inherited = base.init_params if base.init_params is not None else \
                [(n, d, f, frozenset()) for n, d, f in base.fields or []]
            for p in inherited:
                params = _with_field(params, p)
        kw_only = any(isinstance(deco, ast.Call) and any(
            k.arg == "kw_only" and isinstance(k.value, ast.Constant) and k.value.value is True for k in deco.keywords)
            for deco in node.decorator_list)
        named_tuple = any(isinstance(b, LibRef) and b.path in _NAMEDTUPLE_BASES for b in cls.bases)
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            annotation = _source(stmt.annotation)
            if "ClassVar" in annotation:
                continue
            if not named_tuple and annotation.rsplit(".", 1)[-1] == "KW_ONLY":
                kw_only = True  # `_: KW_ONLY`: the fields after it are keyword-only
                continue
            flags = set()
            if not named_tuple and annotation.split("[", 1)[0].rsplit(".", 1)[-1] == "InitVar":
                flags.add("initvar")
            if kw_only:
                flags.add("kw_only")
            name = stmt.target.id
            default = factory = None
            if stmt.value is not None:
                value = stmt.value
                callee = self.eval(value.func) if isinstance(value, ast.Call) else None
                if isinstance(callee, LibRef) and callee.path == "py:dataclasses.field":
                    for kw in value.keywords:
                        if kw.arg == "default":
                            default = self.eval(kw.value)
                        elif kw.arg == "default_factory":
                            factory = self.eval(kw.value)
                        elif kw.arg == "hash":
                            flags.add("hash")  # what the generated __hash__ reads is then not the compared fields
                        elif kw.arg == "compare":
                            choice = self.eval(kw.value)
                            if not isinstance(choice, Known):
                                raise OpError("field(compare=...) of a value flopcast does not know")
                            if not choice.value:
                                flags.add("nocompare")
                        elif kw.arg in ("init", "kw_only"):
                            choice = self.eval(kw.value)
                            if not isinstance(choice, Known):
                                raise OpError(f"field({kw.arg}=...) of a value flopcast does not know")
                            if kw.arg == "init" and not choice.value:
                                flags.add("noinit")
                            elif kw.arg == "kw_only":
                                flags.discard("kw_only")
                                if choice.value:
                                    flags.add("kw_only")
                    if default is None:
                        cls.attrs.pop(name, None)
                    else:
                        cls.attrs[name] = default
                else:
                    default = cls.attrs.get(name)
                    if self.descriptors and default is not None and descriptors.on_type(cls, name) is default:
                        # a descriptor-typed field: its default is what `getattr(cls, name)` gives
                        default = descriptors.get(self, default, Known(None), cls, self.node_span(stmt))
            params = _with_field(params, (name, default, factory, frozenset(flags)))
        cls.init_params = params if any(p[3] for p in params) else None
        return [(n, d, f) for n, d, f, flags in params if "initvar" not in flags]

    def stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            value = self.import_module(alias.name, node)
            if alias.asname:
                self.frame.vars[alias.asname] = value
            else:
                top = alias.name.split(".")[0]
                self.frame.vars[top] = self.import_module(top, node)

    def stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = ("." * node.level) + (node.module or "")
        if node.level and self.frame is not None:
            # Inside a package of the folder (kit/stages.py: `from .base import Stage`), the
            # dots name the package's modules, not the folder's top-level ones.
            absolute = absolute_import(self.frame.module, node.level, node.module)
            if absolute is None:
                # estimator.py and its top-level siblings are loaded in no package (whestbench's
                # loader: spec_from_file_location with the folder on sys.path): Python refuses.
                packaged = "." in self.frame.module.name or self.frame.module.path.endswith("__init__.py")
                raise UserRaise(self.node_span(node), "ImportError: attempted relative import beyond top-level "
                                                      "package" if packaged else "ImportError: attempted relative "
                                                      "import with no known parent package")
            base = "." + absolute
        for alias in node.names:
            if alias.name == "*":
                mod = self.import_module(base, node)
                if isinstance(mod, ModuleVal):
                    env = self.module_env(mod.module)
                    public = env.get("__all__")
                    names = [x.value for x in public.items] if isinstance(public, (ListVal, TupleVal)) and all(
                        isinstance(x, Known) and isinstance(x.value, str) for x in public.items) else None
                    if names is not None:  # `__all__` lists what a star import binds
                        missing = [n for n in names if n not in env]
                        if missing and isinstance(env.get("__getattr__"), FunctionVal):
                            # a star import takes each listed name with getattr: the module's
                            # `__getattr__` (PEP 562) answers those its globals do not hold
                            span = self.node_span(node)
                            self.frame.vars.update({n: env[n] if n in env else self.get_attr(mod, n, span)
                                                    for n in names})
                            continue
                        if missing:
                            raise UserRaise(self.node_span(node), f"AttributeError: module {base.lstrip('.')!r} has "
                                                                  f"no attribute {missing[0]!r}")
                        self.frame.vars.update({n: env[n] for n in names})
                    else:
                        self.frame.vars.update({k: v for k, v in env.items() if not k.startswith("_")})
                continue
            mod = self.import_module(base, node)
            if isinstance(mod, ModuleVal) and alias.name not in self.module_env(mod.module) \
                    and self.compiled_module(f"{mod.module.name}.{alias.name}", node) is not None:
                # `from . import stages`: the submodule is imported (its body runs) when the
                # package does not define the name itself
                self.frame.vars[alias.asname or alias.name] = self.import_module(
                    f"{mod.module.name}.{alias.name}", node)
                continue
            value = self.get_attr(mod, alias.name, self.node_span(node), quiet=True)
            if isinstance(value, Unknown) and (node.level or isinstance(mod, ModuleVal)):
                sub = self.import_module(f"{base}.{alias.name}" if base.strip(".") else alias.name, node)
                value = sub
            self.frame.vars[alias.asname or alias.name] = value

    def import_module(self, name: str, node: ast.AST) -> Value:
        stripped = name.lstrip(".")
        if stripped in ("flopscope", "whest") or stripped.startswith(("flopscope.", "whest.")):
            if stripped.split(".")[0] == "whest":
                self.note(self.node_span(node), "`whest` is the old name of flopscope; analysed as flopscope")
                stripped = "flopscope" + stripped[len("whest"):]
            return LibRef(stripped)
        if stripped == "numpy" or stripped.startswith("numpy."):
            return LibRef("rawnumpy" + stripped[len("numpy"):])
        if stripped == "whestbench" or stripped.startswith("whestbench."):
            return LibRef(stripped)
        module = self.compiled_module(stripped, node)
        if module is not None:
            # An import runs the module's body there and then (parent packages first), as
            # Python does: `import plugins` whose decorators fill another module's registry
            # must have filled it before the registry is read, even when `plugins` itself is
            # never used.
            parts = stripped.split(".")
            for i in range(1, len(parts)):
                parent = self.compiled_module(".".join(parts[:i]), node)
                if parent is not None:
                    self.module_env(parent)
            first = module.key not in self.module_envs
            self.module_env(module)
            if first and len(parts) > 1:
                # Python binds a submodule in its package once it is loaded (`import kit.heavy`,
                # `from .heavy import f` in kit, importlib): `kit.heavy` is an attribute from then on
                parent = self.program.find_module(".".join(parts[:-1]))
                if parent is not None:
                    self.module_env(parent)[parts[-1]] = ModuleVal(module)
            return ModuleVal(module)
        if self.import_hooks.finders and stripped:
            self.effects += 1
            return self.hooked_module(stripped, node)
        if stripped and not name.startswith(".") and not _importable(stripped.split(".")[0]):
            # neither the folder's, nor the standard library's, nor installed beside flopscope:
            # the grader (flopscope, whestbench and the standard library) has it no more than this
            # machine does; unless the submission puts folders on sys.path itself (its tools/
            # subfolder: `import ledger` then finds tools/ledger.py), which is not followed
            changed = _sys_path_change(self.program)
            if changed is not None:
                span = self.node_span(node)
                reason = (f"sys.path is changed at {changed} (the module may be found in a folder put there; "
                          "not followed)")
                self._unpriced_at(span, f"import {stripped}", f"{reason}; the calls into it are not priced")
                return Unknown("", span, reason)
            raise UserRaise(self.node_span(node), f"ModuleNotFoundError: No module named {stripped.split('.')[0]!r}")
        return LibRef("py:" + stripped)

    def compiled_module(self, dotted: str, node: ast.AST) -> Optional[Module]:
        """The submission's module an import of ``dotted`` loads, or None; one Python cannot
        compile makes the import raise its SyntaxError."""
        try:
            return self.program.find_module(dotted)
        except SourceError as exc:
            if not isinstance(exc.__cause__, SyntaxError):
                raise
            raise UserRaise(self.node_span(node), f"SyntaxError: {exc.__cause__}") from None

    def hooked_module(self, name: str, node: ast.AST) -> Value:
        """A module an import hook on sys.meta_path may serve (see analyzer/import_hooks.py)."""
        if name not in self._served:
            span = self.node_span(node)
            self._served[name] = self.import_hooks.load(self, name, span)
        served = self._served[name]
        if served is None:
            return LibRef("py:" + name)
        module, reason = served
        if module is not None:
            self._served_paths.add(module.path)
            return ModuleVal(module)
        span = self.node_span(node)
        self._unpriced_at(span, f"import {name}", f"{reason}; the calls into it are not priced")
        return Unknown("", span, reason)

    def stmt_If(self, node: ast.If) -> None:
        decisions = self.decisions
        first, used, asked = len(decisions.log), self.used, len(decisions.answers)
        taken = self.truth(node.test, node)
        end = len(decisions.log)
        if len(decisions.answers) > asked and joins.comparable_stack(self):
            self._joinable_answers += len(decisions.answers) - asked
        self.exec_block(node.body if taken else node.orelse)
        if end > first:
            # Watched, the test consulted a site and the statement ended normally: record its join.
            joins.record(self, node, (first, end), used)

    def stmt_Match(self, node: ast.Match) -> None:
        """A match statement, case by case as Python runs it: the first case whose pattern
        matches and whose guard holds runs. A pattern test that depends on values (a value
        pattern against a number read from data) is a branch site like an `if` of an
        if-chain, one per pattern, so every path the data can take is explored."""
        subject = self.eval(node.subject)
        for case in node.cases:
            if not self.match_pattern(case.pattern, subject):
                continue
            if case.guard is not None and not self.truth(case.guard, case):
                continue
            self.exec_block(case.body)
            return

    def match_pattern(self, pattern: ast.pattern, subject: Value) -> bool:
        """Whether ``pattern`` matches ``subject``, binding its captures as Python does; a test
        the values decide becomes a branch site at the pattern."""
        if isinstance(pattern, ast.MatchAs):
            if pattern.pattern is not None and not self.match_pattern(pattern.pattern, subject):
                return False
            if pattern.name is not None:
                self.frame.vars[pattern.name] = subject
            return True
        if isinstance(pattern, ast.MatchOr):
            return any(self.match_pattern(alt, subject) for alt in pattern.patterns)
        if isinstance(pattern, ast.MatchValue):
            return self.pattern_truth(pattern, self.compare(ast.Eq(), subject, self.eval(pattern.value), pattern))
        if isinstance(pattern, ast.MatchSingleton):
            if isinstance(subject, Known):
                return subject.value is pattern.value
            if pattern.value is None and not isinstance(subject, Unknown):
                return False  # arrays, containers, instances: never None
            return self.pattern_truth(pattern, Unknown("bool", None, "identity of a value read from data"))
        if isinstance(pattern, ast.MatchSequence):
            return self.match_sequence(pattern, subject)
        if isinstance(pattern, ast.MatchMapping):
            return self.match_mapping(pattern, subject)
        if isinstance(pattern, ast.MatchClass):
            return self.match_class(pattern, subject)
        raise self.match_unmodelled(pattern, f"pattern kind {type(pattern).__name__} is not modelled")

    def pattern_truth(self, pattern: ast.pattern, value: Value) -> bool:
        value = self.size_truth(value, pattern)
        self.check_array_truth(value, pattern)
        known = self.known_truth(value)
        if known is not None:
            return known
        span = self.node_span(pattern)
        reason = value.reason if isinstance(value, Unknown) else "depends on array values"
        site = Site(("branch", span), (True, False), span, "branch",
                    f"`case {_source(pattern)}` depends on values ({reason})")
        return self.decisions.choose(site, self.kept_used())

    def match_sequence(self, pattern: ast.MatchSequence, subject: Value) -> bool:
        if isinstance(subject, Known) and isinstance(subject.value, (list, tuple)):
            items = [Known(v) for v in subject.value]
        elif isinstance(subject, (ListVal, TupleVal)):
            items = list(subject.items)
        elif isinstance(subject, Unknown) and subject.kind == "":
            raise self.match_unmodelled(pattern, "a sequence pattern on a value read from data is not modelled")
        else:
            return False  # str, bytes, dicts, arrays, numbers, instances are not sequences to match
        stars = [i for i, p in enumerate(pattern.patterns) if isinstance(p, ast.MatchStar)]
        fixed = len(pattern.patterns) - len(stars)
        if len(items) < fixed or not stars and len(items) != fixed:
            return False
        star = stars[0] if stars else len(pattern.patterns)
        tail = len(pattern.patterns) - star - 1
        for p, v in zip(pattern.patterns[:star], items):
            if not self.match_pattern(p, v):
                return False
        if stars:
            rest = items[star:len(items) - tail]
            if pattern.patterns[star].name is not None:
                self.frame.vars[pattern.patterns[star].name] = ListVal(rest)
            for p, v in zip(pattern.patterns[star + 1:], items[len(items) - tail:]):
                if not self.match_pattern(p, v):
                    return False
        return True

    def match_mapping(self, pattern: ast.MatchMapping, subject: Value) -> bool:
        if isinstance(subject, Known) and isinstance(subject.value, dict):
            items = {k: Known(v) for k, v in subject.value.items()}
        elif isinstance(subject, DictVal):
            items = subject.items
        elif isinstance(subject, Unknown) and subject.kind == "":
            raise self.match_unmodelled(pattern, "a mapping pattern on a value read from data is not modelled")
        else:
            return False
        keys = []
        for key_node, p in zip(pattern.keys, pattern.patterns):
            key = self.eval(key_node)
            if not isinstance(key, Known):
                raise self.match_unmodelled(pattern, "a mapping pattern with a computed key is not modelled")
            if key.value not in items or not self.match_pattern(p, items[key.value]):
                return False
            keys.append(key.value)
        if pattern.rest is not None:
            self.frame.vars[pattern.rest] = DictVal({k: v for k, v in items.items() if k not in keys})
        return True

    def match_class(self, pattern: ast.MatchClass, subject: Value) -> bool:
        cls = self.eval(pattern.cls)
        fields: list[tuple[ast.pattern, Value]] = []
        if isinstance(cls, Builtin) and cls.name in _MATCH_SELF_TYPES:
            py = _MATCH_SELF_TYPES[cls.name]
            if isinstance(subject, Known):
                matched = isinstance(subject.value, py)
            elif isinstance(subject, (ListVal, TupleVal, DictVal)):
                matched = isinstance(subject.items, py) if py in (list, tuple, dict) else False
            elif isinstance(subject, Unknown) and subject.kind in ("int", "bool", "float"):
                matched = issubclass({"int": int, "bool": bool, "float": float}[subject.kind], py)
            elif isinstance(subject, (Array, InstanceVal, FunctionVal, ClassVal, MLPVal)):
                matched = False
            else:
                raise self.match_unmodelled(pattern, f"matching {describe_value(subject)} against {cls.name}() is not modelled")
            if not matched:
                return False
            if len(pattern.patterns) > 1:
                raise UserRaise(self.node_span(pattern), f"TypeError: {cls.name}() accepts 1 positional sub-pattern "
                                                         f"({len(pattern.patterns)} given)")
            fields = [(p, subject) for p in pattern.patterns]
        elif isinstance(cls, ClassVal):
            from flopcast.analyzer.builtins import _isinstance, declares_protocol, protocol_instance

            # a Protocol matches by the members the subject has, an ABC its virtual subclasses
            # (isinstance's rules, TypeError included)
            matched = protocol_instance(self, subject, cls, self.node_span(pattern)) if declares_protocol(cls) \
                else isinstance(subject, InstanceVal) and cls in subject.cls.mro() or (
                    _isinstance(subject, cls) if cls.registered or any("__subclasshook__" in c.attrs for c in cls.mro())
                    else False)
            if matched is None:
                raise self.match_unmodelled(pattern, f"whether {describe_value(subject)} has the members of "
                                                     f"{cls.name} is not known")
            if not matched:
                if isinstance(subject, Unknown) and subject.kind == "":
                    raise self.match_unmodelled(pattern, "a class pattern on a value read from data is not modelled")
                return False
            if pattern.patterns:
                names = self.match_args(cls, pattern)
                if names is None or len(names) < len(pattern.patterns):
                    raise UserRaise(self.node_span(pattern), f"TypeError: {cls.name}() accepts "
                                    f"{len(names or ())} positional sub-patterns ({len(pattern.patterns)} given)")
                fields = [(p, self.get_attr(subject, n, self.node_span(p), node=p))
                          for p, n in zip(pattern.patterns, names)]
        else:
            raise self.match_unmodelled(pattern, f"a class pattern on {describe_value(cls)} is not modelled")
        for name, p in zip(pattern.kwd_attrs, pattern.kwd_patterns):
            value = self.get_attr(subject, name, self.node_span(p), quiet=True)
            if isinstance(value, Unknown) and value.reason.startswith("no attribute"):
                return False
            fields.append((p, value))
        return all(self.match_pattern(p, v) for p, v in fields)

    def match_args(self, cls: ClassVal, pattern: ast.pattern) -> Optional[tuple]:
        """The attribute names a class pattern's positional sub-patterns read: the class's
        ``__match_args__``, which @dataclass and NamedTuple write from their fields."""
        for c in cls.mro():
            if "__match_args__" in c.attrs:
                names = self.get_attr(cls, "__match_args__", self.node_span(pattern), quiet=True)
                return names.value if isinstance(names, Known) and isinstance(names.value, tuple) else None
            if c.fields is not None and c.init_params is not None:
                # dataclasses writes the positional __init__ parameters (InitVars too, not
                # init=False or keyword-only fields)
                return tuple(p[0] for p in c.init_params if "noinit" not in p[3] and "kw_only" not in p[3])
            if c.fields is not None:
                return tuple(f[0] for f in c.fields)
        return None

    def match_unmodelled(self, pattern: ast.pattern, reason: str) -> PathEnd:
        """A pattern flopcast cannot test: the path ends at it, unpriced (a lower bound)."""
        return PathEnd(f"`case {_source(pattern)}`: {reason}; the cost after it is not counted",
                       self.node_span(pattern), what="match")

    def stmt_With(self, node: ast.With) -> None:
        self.enter_contexts(node.items, node.body)

    stmt_AsyncWith = stmt_With

    def enter_contexts(self, items: list, body: list) -> None:
        """`with a, b: body` is `with a: with b: body`. Each manager is entered as Python does:
        a user class's ``__enter__``/``__exit__`` (whose truthy return swallows the exception),
        a ``@contextmanager`` generator (its code before and after the ``yield``),
        ``contextlib.suppress``/``nullcontext``; any other object (``fnp.errstate``, a timer from a
        library) only runs the body."""
        if not items:
            self.exec_block(body)
            return
        item, rest = items[0], items[1:]
        span = self.node_span(item.context_expr)
        if self._catch_warnings(item, rest, body, span):
            return
        library = self._library_context(item.context_expr)
        if library is not None:
            kind, values = library
            if item.optional_vars is not None:
                self.assign(item.optional_vars, values[0] if kind == "nullcontext" and values else Known(None))
            try:
                suppress = kind == "suppress"
                self.enter_catching([exc for exc, catchers in handlers.CATCHERS.items()
                                     if suppress and memory_limit.suppresses(values, catchers)], rest, body,
                                    swallows=suppress and bool(values))
            except UserRaise as exc:
                if kind != "suppress" or not any(_exception_matches(exc, _class_name(v)) for v in values):
                    raise
                self.note(exc.span, f"raises {exc.what}; suppressed by the `with` at line {span.line}")
            return
        manager = self.eval(item.context_expr)
        if isinstance(manager, ExitStackVal):
            # (what it enters may swallow any exception)
            outer, self.handlers = self.handlers, self.handlers.inside(True, handlers.EVERY)
            try:
                return exit_stack.run_with(self, manager, item, rest, body, span, _LEAVES)
            finally:
                self.handlers = outer
        if isinstance(manager, PyGenerator) and _is_contextmanager(manager.function):
            return self._with_generator(manager, item, rest, body, span)
        if isinstance(manager, ClosingVal):
            if item.optional_vars is not None:
                self.assign(item.optional_vars, manager.thing)
            try:
                self.enter_contexts(rest, body)
            except (UserRaise, *_LEAVES):
                exit_stack.close(self, manager, span)
                raise
            exit_stack.close(self, manager, span)
            return
        refused = _not_a_context_manager(manager)
        if refused:  # `with fnp.load("head.npz") as data:` (flopscope's load returns a dict)
            missed = " (missed __exit__ method)" if isinstance(manager, InstanceVal) and isinstance(
                manager.cls.lookup("__enter__")[1], FunctionVal) else ""
            raise UserRaise(span, f"TypeError: '{refused}' object does not support the context manager protocol{missed}")
        methods = dunders.context_methods(manager)
        if methods is None:
            entered = type_info.enter_errstate(manager, span) if type_info.is_errstate(manager) else manager
            if item.optional_vars is not None:
                self.assign(item.optional_vars, entered)
            self.enter_contexts(rest, body)
            return
        enter, exit_ = methods
        entered = manager if enter is None else self.call(BoundMethod(enter, manager), [], {}, span)
        if item.optional_vars is not None:
            self.assign(item.optional_vars, entered)
        try:
            swallows = memory_limit.exit_may_swallow(exit_)
            # (what it may swallow is not known: taken as any exception)
            self.enter_catching(handlers.EVERY if swallows else (), rest, body, swallows=swallows)
        except _LEAVES:
            self.call(BoundMethod(exit_, manager), [Known(None), Known(None), Known(None)], {}, span)
            raise
        except UserRaise as exc:
            name = _exception_name(exc.what)
            kind = Builtin(name) if name in _BUILTINS else LibRef("numpy.linalg.LinAlgError") \
                if name == "LinAlgError" else Unknown("", exc.span, "exception class")
            swallowed = self.known_truth(self.call(BoundMethod(exit_, manager), [
                kind, Unknown("", exc.span, "exception object"), Known(None)], {}, span))
            if swallowed is None:
                self._unpriced_at(span, "__exit__", "whether it suppresses the exception depends on values; "
                                                     "the analysis follows the exception")
            if not swallowed:
                raise
            self.note(exc.span, f"raises {exc.what}; suppressed by {manager.cls.name}.__exit__ "
                                f"(the `with` at line {span.line})")
            return
        self.call(BoundMethod(exit_, manager), [Known(None), Known(None), Known(None)], {}, span)

    def enter_catching(self, catching, items: list, body: list, swallows: bool = False) -> None:
        """enter_contexts(items, body) inside a `with` whose manager may swallow the exceptions of
        handlers.CATCHERS named in ``catching``: for the body, as inside a try that may catch them.
        ``swallows``: the manager may swallow some exception (a ``suppress(E)``, a user
        ``__exit__`` that may return true, a ``@contextmanager`` with except clauses): for the
        body, as inside a try with handlers, so that an op whether it raises depends on the values
        (a Cholesky) is a value-dependent site there, not presumed away."""
        if not catching and not swallows:
            self.enter_contexts(items, body)
            return
        outer = self.handlers
        self.handlers = outer.inside(swallows, catching)
        try:
            self.enter_contexts(items, body)
        finally:
            self.handlers = outer

    def _catch_warnings(self, item: ast.withitem, rest: list, body: list, span: Span) -> bool:
        """`with warnings.catch_warnings(action="error"):`: the body under the filters it installs,
        the program's filters put back as they were on leaving (warning_filters.py). False for any
        other manager (not evaluated here)."""
        expr = item.context_expr
        if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)):
            return False
        func = self.eval(expr.func)
        if not isinstance(func, LibRef) or func.path != "py:warnings.catch_warnings":
            return False
        kwargs = {kw.arg: self.eval(kw.value) for kw in expr.keywords if kw.arg is not None}
        if expr.args or len(kwargs) < len(expr.keywords) or set(kwargs) - {"record", "module", "action", "category",
                                                                            "lineno", "append"}:
            raise PathEnd("warnings.catch_warnings() with arguments flopcast does not follow; the cost after it is "
                          "not counted", span, what="warnings.catch_warnings")
        saved = self.warning_filters
        action = kwargs.get("action", Known(None))
        if not (isinstance(action, Known) and action.value is None):
            warning_filters.install(self, action, kwargs.get("category", Builtin("Warning")), Known(""), Known(""),
                                    kwargs.get("lineno", Known(0)), kwargs.get("append", Known(False)), span)
        if item.optional_vars is not None:
            record = kwargs.get("record", Known(False))
            self.assign(item.optional_vars, Unknown("list", span, "the warnings caught")
                        if not (isinstance(record, Known) and not record.value) else Known(None))
        try:
            self.enter_contexts(rest, body)
        finally:
            self.warning_filters = saved
        return True

    def _library_context(self, expr: ast.expr) -> Optional[tuple[str, list]]:
        """``contextlib.suppress(E, ...)`` or ``contextlib.nullcontext(x)``: the kind and the
        arguments, evaluated; None for any other manager (not evaluated here)."""
        if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)) or expr.keywords:
            return None
        func = self.eval(expr.func)
        if not isinstance(func, LibRef) or func.path not in ("py:contextlib.suppress", "py:contextlib.nullcontext"):
            return None
        return func.path.rsplit(".", 1)[1], [self.eval(a) for a in expr.args]

    def _with_generator(self, gen: PyGenerator, item: ast.withitem, rest: list, body: list, span: Span) -> None:
        """`with cm():` where ``cm`` is a ``@contextmanager`` generator whose ``yield`` is a
        statement of its body, or of a ``try``/``finally`` there (``enter_generator``). Any other
        shape: the whole generator runs at the `with` (see ``_with_whole_generator``)."""
        entered = self.enter_generator(gen, span)
        if entered is None:
            return self._with_whole_generator(gen, item, rest, body, span)
        yielded, finish, abort = entered
        if item.optional_vars is not None:
            self.assign(item.optional_vars, yielded)
        try:
            self.enter_contexts(rest, body)
        except _LEAVES:
            finish()
            raise
        except UserRaise:
            abort()
            raise
        finish()

    def enter_generator(self, gen: PyGenerator, span: Span):
        """Enter a ``@contextmanager`` generator whose ``yield`` is a statement of its body, or of
        a ``try``/``finally`` there: the code before the ``yield`` runs now, in the generator's own
        frame, as at run time. (the yielded value, what runs when the body ends: the code after
        the yield, what runs when it raises: only the ``finally``); None for any other shape."""
        fn = gen.function
        if not _is_contextmanager(fn):
            return None
        split = _split_at_yield(fn.node.body)
        if split is None:
            return None
        before, value_expr, after_in_try, finally_body, after_try = split
        frame = Frame(self.bind_arguments(fn, gen.args, gen.kwargs, span), fn.module, fn.qualname, fn, fn.owner,
                      gen.args[0] if gen.args and fn.owner is not None else None)
        if self.metered:
            caller = self.call_stack[-1] if self.call_stack else "<whestbench>"
            self.result.calls[(caller, fn.qualname)] = self.result.calls.get((caller, fn.qualname), 0) + 1
        self.result.entered.add(fn.node)
        self.entered_log.append(fn.node)
        try:
            yielded = self._in_frame(frame, span, lambda: (self.exec_block(before),
                                                          self.eval(value_expr) if value_expr else Known(None))[1])
        except _Return:
            raise UserRaise(span, "RuntimeError: generator didn't yield")

        def finish() -> None:
            try:
                self._in_frame(frame, span, lambda: (self.exec_block(after_in_try), self.exec_block(finally_body),
                                                     self.exec_block(after_try)))
            except _Return:
                pass  # a `return` after the yield ends the generator, as StopIteration does

        def abort() -> None:
            self._in_frame(frame, span, lambda: self.exec_block(finally_body))

        return yielded, finish, abort

    def _in_frame(self, frame: Frame, span: Span, run):
        """Run ``run()`` with ``frame`` as the current frame, as a call of its function would."""
        saved = self.frame
        self._outer_frames.append(saved)
        self._call_spans.append(span)
        self.call_stack.append(frame.qualname)
        self.frame = frame
        try:
            return run()
        finally:
            self.frame = saved
            self.call_stack.pop()
            self._outer_frames.pop()
            self._call_spans.pop()

    def _with_whole_generator(self, gen: PyGenerator, item: ast.withitem, rest: list, body: list,
                              span: Span) -> None:
        """A ``@contextmanager`` whose ``yield`` sits deeper (in a loop, an ``if``, a ``try`` with
        handlers): its whole body runs at the `with` and the ``yield``'s value is bound by ``as``.
        The code after the ``yield`` then runs before the body, not after it: that is a guess
        when it charges anything, and said so."""
        items = self.consume_generator(gen)
        if len(items) != 1:
            raise UserRaise(span, "RuntimeError: generator didn't yield" if not items
                            else "RuntimeError: generator didn't stop")
        if gen.marks and gen.end is not None and gen.end[0] > gen.marks[0][0]:
            self._unpriced_at(span, "@contextmanager", "the code after its `yield` is priced as if it ran "
                                                       "before the body of the `with`")
        if item.optional_vars is not None:
            self.assign(item.optional_vars, items[0])
        try:
            catching = memory_limit.has_handlers(gen.function)  # (of which classes: not read)
            self.enter_catching(handlers.EVERY if catching else (), rest, body, swallows=catching)
        except UserRaise:
            # The exception stops the generator at its `yield`: what followed it is taken back
            # when predict ends, as for a generator consumed part of the way (retract_unconsumed).
            gen.items.append(Known(None))
            self._unpriced_at(span, "@contextmanager", "an exception thrown into the generator at its "
                                                       "`yield` is not followed")
            raise

    def stmt_Try(self, node: ast.Try) -> None:
        """A try statement: the body runs; an exception raised in it (a known error, a `raise`,
        or a value-dependent raise point such as a Cholesky that may fail) goes to the first
        handler whose class matches, as Python would; the charges made before it stay."""
        caught: Optional[UserRaise] = None
        catching = _catches_exhaustion(node.handlers)
        # a clause naming a class flopscope's module lacks, or a name never defined, turns the
        # BudgetExhaustedError that reaches it into an AttributeError or a NameError there, which
        # an outer handler may catch
        replacing = not catching and self.clause_fails(node.handlers)
        outer = self.handlers
        if node.handlers:
            self._catching_exhaustion += catching
            self._replacing_exhaustion += replacing
            self.handlers = outer.inside(True, [exc for exc, catchers in handlers.CATCHERS.items()
                                                if memory_limit.catches(self, node.handlers, catchers)])
        try:
            try:
                self.exec_block(node.body)
            except UserRaise as exc:
                if not node.handlers:
                    raise
                caught = exc
            finally:
                if node.handlers:
                    self._catching_exhaustion -= catching
                    self._replacing_exhaustion -= replacing
                    self.handlers = outer
            if caught is not None:
                handler = self.matching_handler(node.handlers, caught)
                if handler is None:
                    raise caught
                if caught.exhausted is not None:  # the path goes on after the budget ran out (api.py)
                    self.result.exhausted = self.result.exhausted or caught.exhausted
                self.note(caught.span, f"raises {caught.what}; handled by the except clause "
                                       f"at line {handler.lineno}")
                if handler.name:
                    self.frame.vars[handler.name] = caught.value if caught.value is not None else \
                        Unknown("", caught.span, "exception object")
                self._handling.append(caught)
                try:
                    self.exec_block(handler.body)
                finally:
                    self._handling.pop()
                    if handler.name:
                        self.frame.vars.pop(handler.name, None)  # Python deletes it after the handler
            else:
                self.exec_block(node.orelse)
        finally:
            # The exception held here would keep its traceback (every Python frame between this
            # statement and the raise, with their locals) in a cycle through this frame, freed
            # only by a collection of the cyclic garbage: 20,000 frames and their values in one
            # whole `analyze` of qr_active, a young collection of 0.45 CPU s. Dropped, it is freed
            # as soon as nothing else holds it (a `raise caught` in flight is held by Python).
            caught = None
            self.exec_block(node.finalbody)

    def matching_handler(self, handlers: list, exc: UserRaise) -> Optional[ast.ExceptHandler]:
        try:
            return self._matching_handler(handlers, exc)
        except UserRaise as replaced:  # a clause that raises replaces the exception (AttributeError, NameError)
            replaced.exhausted = exc.exhausted  # the path goes on from a budget run out, if it is caught
            raise

    def _matching_handler(self, handlers: list, exc: UserRaise) -> Optional[ast.ExceptHandler]:
        for handler in handlers:
            if handler.type is None:
                return handler
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for t in types:  # Python evaluates the clause's classes before it matches them
                self.check_flopscope_exception(t)
                if isinstance(t, ast.Name) and undefined.never_defined(self.program, self.frame.module, t.id):
                    self.eval(t)  # NameError, even where a later class of the tuple matches
            for t in types:
                if isinstance(t, ast.Name) and _exception_matches(exc, t.id):
                    return handler
            for t in types:
                if not (isinstance(t, ast.Name) and t.id in _BUILTINS) \
                        and any(_exception_matches(exc, n) for n in self.handler_class_names(t)):
                    return handler
        return None

    def handler_class_names(self, t: ast.expr) -> list:
        """The names of the exception classes an except clause's expression holds: a library's
        class by its attribute name (``np.linalg.LinAlgError``); an attribute of the program's
        own objects (``self.errors``, ``Config.retry``, ``errors.Fatal``), a name bound to a class
        or a tuple of them, or any other expression (``registry["retry"]``), by what it holds."""
        if isinstance(t, ast.Attribute):
            owner = self.eval(t.value)
            if not isinstance(owner, (InstanceVal, ClassVal, ModuleVal)):
                return [t.attr]
            value = self.get_attr(owner, t.attr, self.node_span(t))
        else:
            value = self.eval(t)
        items = value.items if isinstance(value, TupleVal) else (value,)
        names = [_class_name(v) for v in items]
        if any(n is None for n in names):
            raise PathEnd(f"an except clause names `{ast.unparse(t)}`, which flopcast could not compute as "
                          "exception classes; whether it catches is not known, the cost after it is not counted",
                          self.node_span(t))
        return names

    def clause_fails(self, handlers: list) -> bool:
        """Whether evaluating one of these except clauses raises: a class flopscope's module does
        not provide (``fnp.linalg.LinAlgError``, its module read from the frame's names), or a name
        the program never defines (``LinAlgError`` not imported)."""
        env = self.module_envs.get(self.frame.module.key, {})
        return _clause_fails(handlers, lambda name: self.frame.vars.get(name, env.get(name)),
                             lambda name: undefined.never_defined(self.program, self.frame.module, name))

    def check_flopscope_exception(self, t: ast.expr) -> None:
        """``except fnp.linalg.LinAlgError:``: flopscope's modules raise AttributeError for a
        name they do not provide, so reaching that clause replaces the exception with it."""
        if not (isinstance(t, ast.Attribute) and isinstance(t.value, (ast.Name, ast.Attribute))):
            return
        owner = self.eval(t.value)
        if isinstance(owner, LibRef):
            provided = installed.op_inventory().exceptions.get(owner.path)
            if provided is not None and t.attr not in provided:
                raise UserRaise(self.node_span(t), f"AttributeError: {owner.path} does not provide '{t.attr}' "
                                                   "(numpy's is numpy.linalg.LinAlgError)")

    def stmt_TryStar(self, node: ast.stmt) -> None:
        """`except*` splits exception groups between its clauses: not modelled. Without a
        raise the body, else and finally run; with one the path ends there (a lower bound)."""
        outer = self.handlers
        if memory_limit.catches(self, node.handlers):  # `except* MemoryError` catches it too
            self.handlers = outer.inside(False, {"MemoryError"})
        try:
            self.exec_block(node.body)
        except UserRaise as exc:
            raise PathEnd(f"{exc.span}: raises {exc.what} into `except*` clauses, which flopcast does "
                          "not model; the cost after it is not counted", self.node_span(node))
        finally:
            self.handlers = outer
        self.exec_block(node.orelse)
        self.exec_block(node.finalbody)

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
        if self.decisions.per_execution or lazy is not None:
            steady = None
        elif self.frame.generator is not None and _yields_in(node):  # a generator's loop handing out items
            steady = SteadyLoop.watch_yielding(self, node, items, MAX_STEPS)
        else:
            steady = SteadyLoop.watch(self, node, items, MAX_STEPS)
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
                skipped = steady.skip_from(index) if steady is not None else 0
                skipped_any = skipped_any or bool(skipped)
                if skipped:
                    # The iterations from `index` on repeat the last one: accounted for; run the next one.
                    if self.record_values:
                        steady.remember_skipped(index, skipped, MAX_VALUES_PER_NAME)
                    index += skipped
                    ctx.index = index
                    self.assign(node.target, items[index])
                if self.run_loop_body(node.body):
                    broke = True
                    break
                index += 1
        except BaseException:
            # a raise or a return out of the body: the loop asked for no further item
            self._suspend_sources(sources if lazy is None else [], ctx.index)  # (a lazy one's count is kept)
            raise
        finally:
            self.loops.pop()
            if steady is not None:
                steady.close()
            for gen in looped:
                gen.looping -= 1
        if broke or truncated:
            self._suspend_sources(sources if lazy is None else [], ctx.index)
        elif lazy is not None:
            lazy.consumed = len(items)
        if not broke and not truncated:
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
            for _ in range(MAX_LOOP_ITERATIONS):
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
                if ctx.index >= MAX_LOOP_ITERATIONS:
                    raise self._past_the_cap(node, span, "the loop over an endless iterator")
                ctx.known_exit_test = False
                self.assign(node.target, source.take(1)[0])
                if self.run_loop_body(node.body):
                    return
                ctx.index += 1
                # (a generator body whose consumer takes a known number of items stops at the last
                # of them, however its state repeats: as `while True:` in _stopped_by_consumer)
                if limit is None and not self._stopped_by_consumer(node):
                    state = self.loop_state(ctx)
                    if state is not None and state == previous:
                        raise self._never_ends(node, span, "the loop over an endless iterator")
                    previous = state
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

    def _past_the_cap(self, node, span: Span, loop: str) -> PathEnd:
        """What ends a path whose loop ran MAX_LOOP_ITERATIONS iterations."""
        if self._yields_for_next(node):
            return self._endless_generator(span)
        self.record_uncertain(node, "unbounded", f"the loop did not end within {MAX_LOOP_ITERATIONS:,} iterations; "
                              "add `# flopcast: iterations=N`")
        return PathEnd(f"{span}: {loop} did not end within {MAX_LOOP_ITERATIONS:,} iterations; analysis stopped",
                       span)

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
        previous = opened = None
        steady = self._steady_while(node) if limit is None else None
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
                ctx.known_exit_test = ctx.exit_by_sites = ctx.exit_known_otherwise = False
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
                elif not self.truth(node.test, node, loop=True):
                    break
                if ctx.index >= MAX_LOOP_ITERATIONS:
                    raise self._past_the_cap(node, span, "the while loop")
                if self.run_loop_body(node.body):
                    broke = True
                    break
                ctx.index += 1
                if limit is None and not self._stopped_by_consumer(node):
                    state = self.loop_state(ctx)
                    if state is not None and state == previous:
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
        finally:
            self.loops.pop()
            if steady is not None:
                steady.close()
        if not broke:
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
            return SteadyLoop.watch_while(self, node, MAX_LOOP_ITERATIONS, MAX_STEPS, by_budget=True)
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
        return SteadyLoop.watch_while(self, node, min(last - first + counted.inclusive, MAX_LOOP_ITERATIONS),
                                      MAX_STEPS)

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
        names, calls = loop_relevance(ctx.node, ctx.exit_ifs)
        if self.handlers.depth:
            # An exception can end the loop too (`lst[i]` raising IndexError into a handler
            # around it): whatever the body assigns may decide when.
            names = names | assigned_names(ctx.node)
        names = names | caught_names(ctx.node)
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

    def peek_name(self, name: str) -> Value:
        """A name's value without any side effect (no unpriced entry when it is missing)."""
        frame = self.frame
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

    def record_uncertain(self, node: ast.AST, kind: str, reason: str) -> None:
        span = self.node_span(node)
        self.effects += 1
        if all(u.span != span or u.kind != kind for u in self.result.uncertain):
            self.result.uncertain.append(Uncertainty(span, kind, reason))

    # ------------------------------------------------------------ truth and decisions

    def truth(self, test: ast.expr, stmt: ast.stmt, loop: bool = False) -> bool:
        directive = self.directive_at(stmt, test, "assume") if isinstance(stmt, ast.stmt) else None
        # What a directive says the condition is (evaluated first, so `a and b` can use it too).
        preset, problem = self.assumed_truth(directive, stmt) if directive is not None else (None, None)
        if preset is None:
            preset = self.forced_exit(stmt)
        saved, self._condition = self._condition, (stmt, "loop" if loop else "branch", preset)
        operands, self._loop_operands = self._loop_operands, 0
        try:
            value = self.size_truth(self.eval(test), test)
        finally:
            self._condition = saved
            decided, self._loop_operands = self._loop_operands, operands
        self.check_array_truth(value, test)
        known = self.known_truth(value)
        if known is not None:
            if self.narrowed:
                self.tested_narrowed(test)
            if not isinstance(test, ast.Constant):
                # `while a and b:` whose every operand a site decided (none came out known): its
                # known verdict says nothing of the state (open_loops.py)
                by_sites = loop and known and test.__class__ is ast.BoolOp and test.op.__class__ is ast.And \
                    and decided == len(test.values)
                for ctx in self.loops:
                    if ctx.frame is self.frame and (stmt is ctx.node or id(stmt) in ctx.exit_ifs):
                        ctx.known_exit_test = True
                        if by_sites and stmt is ctx.node:
                            ctx.exit_by_sites = True
                        else:
                            ctx.exit_known_otherwise = True
            return known
        if preset is not None:
            return preset
        if problem:
            self.note(self.node_span(stmt), problem)
        span = self.node_span(test)
        reason = value.reason if isinstance(value, Unknown) else "condition depends on array values"
        kind = "loop" if loop else "branch"
        site = Site((kind, span), (True, False), span, kind, f"`{_source(test)}` depends on values ({reason})",
                    **self.presumed_truth(test, value, loop or self.exits_loop(stmt), loop))
        taken = self.decisions.choose(site, self.kept_used())
        if not loop:
            self.narrow_tested_name(test, site, taken)
            self.floor_compared(test, taken)
        return taken

    def floor_compared(self, test: ast.expr, taken: bool) -> None:
        """`if peak > 1e30:` (or `1e30 < peak`, or the else of `if peak <= 1e30:`) answered on
        this path: the float it compared is past that bound from here on (RunResult.floors), for
        the math functions whose raising is asked at the values it may hold. Only bounds of at
        least 0, read without evaluating anything again."""
        if test.__class__ is not ast.Compare or len(test.ops) != 1:
            return
        op, left, right = test.ops[0].__class__, self._peek(test.left), self._peek(test.comparators[0])
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

    def _peek(self, node: ast.expr) -> Optional[Value]:
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
        presumed = presumptions.Presumed(truth, f"the selection{line} keeps its presumed count") \
            if count.on_presumed else None
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

    # ------------------------------------------------------------ assignment

    def assign(self, target: ast.expr, value: Value) -> None:
        if isinstance(target, ast.Name):
            if self.record_values:
                self.remember_value(target, value)
            if self.frame.globals_ and target.id in self.frame.globals_:
                self.module_envs[self.frame.module.key][target.id] = value
            elif self.frame.nonlocals_ and target.id in self.frame.nonlocals_ and self.frame.function is not None \
                    and self.frame.function.closure is not None:
                closure = self.frame.function.closure
                for scope in getattr(closure, "maps", [closure]):
                    if target.id in scope:
                        scope[target.id] = value
                        break
                else:
                    closure[target.id] = value
            else:
                self.frame.vars[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            # UNPACK_SEQUENCE, placed at the target, asks for the items, once (a map, a generator,
            # an iterator hands them out only once:
            # `first, *rest = map(f, xs)` asked it again for nothing and left `first` unbound)
            known = self.consuming(self.node_span(target), lambda: self.iterate(value, target))
            items = known if known is not None else \
                [Unknown("", self.node_span(target), "unpacked from an unknown value")] * len(target.elts)
            starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
            if known is not None:
                n = len(target.elts)
                if (len(items) != n and not starred) or (starred and len(items) < n - 1):
                    raise UserRaise(self.node_span(target), f"ValueError: cannot unpack {len(items)} values into {n}")
            if starred:
                i = starred[0]
                n_after = len(target.elts) - i - 1
                seq = known or []
                for e, v in zip(target.elts[:i], seq[:i]):
                    self.assign(e, v)
                self.assign(target.elts[i].value, ListVal(list(seq[i: len(seq) - n_after])))
                for e, v in zip(target.elts[i + 1:], seq[len(seq) - n_after:]):
                    self.assign(e, v)
                return
            for e, v in zip(target.elts, items):
                self.assign(e, v)
        elif isinstance(target, ast.Attribute):
            self.store_attr(self.eval(target.value), target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value)
            if isinstance(obj, FlatIter):
                # flopscope's tracked flat iterator writes into the array for free and drops its tag;
                # the index is read as numpy reads it (an element out of range: IndexError)
                self.subscript(obj, self.eval(target.slice), target)
                self.write_in_place(obj.base)
                return
            if isinstance(obj, Array) and obj.plain:
                # numpy writes into its own ndarray, for free: the index's parts are evaluated, but
                # the index itself is never read, nor a counter counters.py watches in it (`diag[i, 0] = v`)
                self._free_index = target.slice if self.counter_watch is not None else None
                self.eval(target.slice)
                self.write_in_place(obj)
                return
            if isinstance(obj, Array):
                # Python evaluates the index before __setitem__ raises: `x[x > 0.5] = 0` pays the test
                self.eval(target.slice)
                raise UserRaise(self.node_span(target), "TypeError: flopscope arrays are immutable "
                                                        "(`x[i] = v` on an array; build rows in a list and "
                                                        "fnp.stack them)")
            key = self.eval(target.slice)
            immutable = _immutable_type_name(obj)
            if immutable:
                raise UserRaise(self.node_span(target), f"TypeError: '{immutable}' object does not support item assignment")
            watch = self.counter_watch
            if watch is not None and obj.__class__ is DictVal and watch.entry_store(obj, key, value):
                return  # a dict a first call adds per-key counters to (counters.py)
            if watch is not None and key.__class__ is Known and watch.is_tainted(key) and watch.store(obj, key, value):
                return  # a list the loop's counter indexes (counters.py)
            if isinstance(obj, InstanceVal) and obj.payload is not None:
                owner, setitem = obj.cls.lookup("__setitem__")
                if isinstance(setitem, FunctionVal):
                    span = self.node_span(target)
                    self.call(self.bind(setitem, obj, owner, span), [key, value], {}, span)
                    return
                obj = obj.payload
            if isinstance(obj, ChainMapVal):
                chain_maps.store(self, obj, key, value, target)
                return
            if isinstance(obj, ListVal) and isinstance(key, Known) and isinstance(key.value, int):
                if not -len(obj.items) <= key.value < len(obj.items):
                    raise UserRaise(self.node_span(target), "IndexError: list assignment index out of range")
                obj.items[key.value] = value
            elif isinstance(obj, ListVal) and isinstance(key, Known) and isinstance(key.value, slice):
                items = self.iterate(value, target)
                if items is None:
                    self.unfollowed_change(self.node_span(target), "slice assignment", "the assigned sequence is not known")
                try:
                    obj.items[key.value] = items
                except (ValueError, TypeError) as exc:  # an extended slice's length, a float bound
                    raise UserRaise(self.node_span(target), f"{type(exc).__name__}: {exc}")
            elif isinstance(obj, DictVal) and isinstance(key, Known):
                obj.items[key.value] = value
            elif isinstance(obj, DictVal) and unhashable_instance(key):
                self.refuse_unhashable(key, target)
            elif isinstance(obj, DictVal) and (dict_key(key) in obj.items or _keyed_by_identity(key, obj)
                                               or isinstance(dict_key(key), FieldsKey) and surely_missing(key, obj)):
                # the object already there (or one equal to it by fields), one equal only to itself,
                # or one no key there can equal
                obj.items[dict_key(key)] = value
            elif obj.__class__ is DictVal and hashes_without_code(key) and isinstance(target.value, ast.Attribute) \
                    and target.value.attr in write_only.keyless_dicts(self.program):
                # a diagnostic keyed by a value read at run time (``self.seen[mlp.name] = plan``) that
                # nothing reads (write_only.keyless_dicts): kept under a key of its own, for memory
                obj.items[dict_key(key)] = value
            elif isinstance(obj, (ListVal, DictVal)):
                self.unfollowed_change(self.node_span(target), "item assignment", "the index or key is not known")
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value)

    def store_attr(self, obj: Value, attr: str, value: Value, node: Optional[ast.AST], hook: bool = True,
                   span: Optional[Span] = None) -> None:
        """``obj.attr = value`` (an attribute target, or ``setattr(obj, attr, value)``); ``hook=False``
        is ``object.__setattr__``, which skips the class's own ``__setattr__``."""
        if isinstance(obj, InstanceVal):
            _refuse_named_tuple_attr(obj, attr, span or self.node_span(node))
            if hook:
                _refuse_frozen_field(obj, attr, span or self.node_span(node))
            owner, setattr_ = obj.cls.lookup("__setattr__") if hook else (None, None)
            if isinstance(setattr_, FunctionVal):
                span = span or self.node_span(node)
                self.call(self.bind(setattr_, obj, owner, span), [Known(attr), value], {}, span)
                return
            if self.descriptors:
                desc = obj.cls.lookup(attr)[1]
                set_ = descriptors.setter(desc)
                if set_ is not None:  # a data descriptor's __set__ stores (or refuses) the value
                    self.call(BoundMethod(set_, desc), [obj, value], {}, span or self.node_span(node))
                    return
            # (a property's name never enters the instance's attributes: only a new name may be one)
            prop = obj.cls.lookup(attr)[1] if attr not in obj.attrs else None
            if isinstance(prop, FunctionVal) and prop.kind == "property":
                # a property is a data descriptor: its setter runs, the instance keeps nothing
                span = span or self.node_span(node)
                if prop.setter is None:
                    raise UserRaise(span, f"AttributeError: property {attr!r} of {obj.cls.name!r} "
                                          "object has no setter")
                self.call(BoundMethod(prop.setter, obj), [value], {}, span)
                return
            if attr not in obj.attrs and not _may_hold(obj, attr):
                raise UserRaise(span or self.node_span(node),
                                f"AttributeError: {obj.cls.name!r} object has no attribute {attr!r}")
            obj.attrs[attr] = value
        elif isinstance(obj, (ClassVal, FunctionVal)):
            obj.attrs[attr] = value
        elif isinstance(obj, ModuleVal):
            self.module_env(obj.module)[attr] = value  # `knobs.rows = 4`: the module's global
        elif isinstance(obj, RandomVal):
            # a later read of the name would be Python's AttributeError to the analysis (stdlib_random.ATTRIBUTES)
            self.unfollowed_change(span or self.node_span(node), f"random.Random.{attr}",
                                   "an attribute set on a random.Random is not followed")
        elif isinstance(obj, LibRef) and obj.path.startswith("flopscope"):
            self.unpriced(node, "assignment to a flopscope attribute",
                          "monkeypatching flopscope is forbidden and is not analysed")
        elif isinstance(obj, LibRef) and obj.path.startswith("py:decimal."):
            # `decimal.DefaultContext.prec = 6`: Decimal arithmetic is priced in the default context only
            self.unfollowed_change(span or self.node_span(node), f"{obj.path[3:]}.{attr}", "a decimal context "
                                   "changed here is not modelled")
        else:
            store = fixed_attrs.store_on(obj, attr)
            if store is not None and store.refused is not None:  # `h = hashlib.sha256(); h.tag = 1`
                raise UserRaise(span or self.node_span(node), f"AttributeError: {store.refused}")
            if store is not None:
                self.unfollowed_change(span or self.node_span(node), f".{attr} = ...", "an attribute stored on "
                                       "a library object is not followed")

    def remember_value(self, target: ast.Name, value: Value) -> None:
        """Keep what a name was assigned (the editor's hover shows it), a few distinct kinds."""
        held = self.result.values.setdefault(self.node_span(target), [])
        if len(held) < MAX_VALUES_PER_NAME:
            text = describe_value(value)
            if text not in held:
                held.append(text)

    def iterate(self, value: Value, node: ast.AST, ordered: bool = True) -> Optional[list[Value]]:
        """The items of ``value`` in the order Python gives them; ``ordered=False`` for callers
        to whom the order does not matter (sorted, min, sum, set, ...)."""
        if isinstance(value, Known):
            v = value.value
            if isinstance(v, range):
                if len(v) > MAX_LOOP_ITERATIONS:
                    raise PathEnd(f"{self.node_span(node)}: range of {len(v):,} items is too long to unroll")
                return [Known(i) for i in v]
            if isinstance(v, (frozenset, set)) and ordered and len(v) > 1:
                from flopcast.analyzer.builtins import hash_seeded

                if any(hash_seeded(x) for x in v):  # text is hashed with a per-process seed
                    out = ListVal([Known(x) for x in v])
                    out.unordered = True
                    return self.set_order(out, node)
            if isinstance(v, (tuple, list, str, frozenset, set)):
                return [Known(x) for x in v]
            if isinstance(v, dict):
                return [Known(k) for k in v]
            if isinstance(v, (io.StringIO, io.BytesIO)):
                return [Known(line) for line in v]  # the lines left (the loop reads the file to its end)
            if type(v) in (int, float, bool, complex, type(None)):  # `max(3)`: the program's TypeError
                span = self.node_span(node) if node is not None else self.span or self.program.main_span
                raise UserRaise(span, f"TypeError: '{type(v).__name__}' object is not iterable")
            return None
        if isinstance(value, (ListVal, TupleVal)):
            if value.__class__ is ListVal and value.view_of is not None:
                from flopcast.analyzer.builtins import refresh_view

                refresh_view(value)
            if ordered and value.__class__ is ListVal and value.unordered:
                return self.set_order(value, node)
            return list(value.items)
        if isinstance(value, DictVal):
            return [key_value(k) for k in value.items]
        if isinstance(value, ChainMapVal):
            snapshot = chain_maps.flat(value)
            return None if snapshot is None else [key_value(k) for k in snapshot.items]
        if isinstance(value, Array):
            if value.ndim == 0:
                raise UserRaise(self.node_span(node) if node is not None else self.span or self.program.main_span,
                                "TypeError: iteration over a 0-d array")
            if value.ndim == 1:
                # (a flopscope array whose elements are known: fnp.asarray of a known ndarray, fnp.load)
                return [plain_numpy.element_of(NumpyScalar(value.dtype, value.dtype_origin), value, Known(i))
                        if value.value is not None else NumpyScalar(value.dtype, value.dtype_origin, vrange=value.vrange)
                        for i in range(value.shape[0])]
            rows = [Array(value.shape[1:], value.dtype, dtype_origin=value.dtype_origin, plain=value.plain)
                    for _ in range(value.shape[0])]
            if value.plain and value.value is not None:
                # each row is a view: a write through one changes what is known of the other
                rows = [plain_numpy.same_buffer(plain_numpy.element_of(row, value, Known(i)), value)
                        for i, row in enumerate(rows)]
            return rows
        if isinstance(value, FlatIter):
            return [NumpyScalar(value.base.dtype, value.base.dtype_origin) for _ in range(value.base.size)]
        if isinstance(value, NpzFile):
            return [Known(k) for k in value.arrays]
        if isinstance(value, PyGenerator):
            if self._genexp_reads:
                self._check_genexp_reads(value, node)
            if value.consumed and self._generator_reads:
                self._check_generator_reads(value, self.node_span(node) if node is not None else value.span)
            return self.consume_generator(value)
        if isinstance(value, SeqIterator):  # iter(seq): what next() and islice() left
            if self._genexp_reads:
                self._check_genexp_reads(value, node)
            if value.seen:
                from flopcast.analyzer.builtins import check_sources

                check_sources(self, value, self.node_span(node))
            rest, value.consumed = value.items[value.consumed:], len(value.items)
            return rest
        if isinstance(value, GeneratorView):
            if self._genexp_reads:
                self._check_genexp_reads(value, node)
            return list(value.items)
        if isinstance(value, InstanceVal) and value.cls.tuple_like:
            return [value.attrs.get(f[0], OPAQUE) for f in value.cls.fields]
        if isinstance(value, InstanceVal) and value.payload is not None \
                and not isinstance(value.cls.lookup("__iter__")[1], FunctionVal):
            return self.iterate(value.payload, node)
        if isinstance(value, InstanceVal):
            held = flags.members_of(value)  # `for m in mode` of a Flag: its one-bit members
            if held is not None:
                return held
            span = self.node_span(node) if node is not None else self.span or self.program.main_span
            it = self.user_iter(value, span)
            if it is not None:
                return self.step_iterator(it, node, span) if dunders.is_user_iterator(it) else self.iterate(it, node)
        if isinstance(value, ClassVal) and _is_enum(value) and isinstance(value.attrs.get("__iter_members__"), ListVal):
            return list(value.attrs["__iter_members__"].items)
        wrong = not_iterable(value)
        if wrong is not None:  # `list(3)`, `zip(obj, xs)`: the program's TypeError, not an unknown
            span = self.node_span(node) if node is not None else self.span or self.program.main_span
            raise UserRaise(span, f"TypeError: '{wrong}' object is not iterable")
        return None

    def user_iter(self, value: InstanceVal, span: Span) -> Optional[Value]:
        """``iter(value)`` by its class's ``__iter__``; None when its classes define none."""
        owner, method = value.cls.lookup("__iter__")
        if not isinstance(method, FunctionVal):
            return None
        return self.call(self.bind(method, value, owner, span), [], {}, span)

    @staticmethod
    def stops_iteration(exc: UserRaise) -> bool:
        """Whether the program's exception ends an iteration (StopIteration or a subclass)."""
        return _exception_matches(exc, "StopIteration")

    def next_item(self, it: InstanceVal, span: Span) -> Value:
        """``it.__next__()`` of a user iterator (its StopIteration is the program's)."""
        owner, method = it.cls.lookup("__next__")
        return self.call(self.bind(method, it, owner, span), [], {}, span)

    def step_iterator(self, it: InstanceVal, node: Optional[ast.AST], span: Span) -> Optional[list]:
        """The items of a user iterator, taken all at once (``__next__`` until it raises
        StopIteration), as ``list(it)`` takes them. None (the loop over it is not modelled) when a
        ``for`` over it may stop early (``break``, ``return``, ``raise`` in its body: the steps taken
        beyond would change the iterator) or when stepping never ends; stepping that charges or
        consults values is unpriced, since the charges then come before the loop body's. Only a
        ``for`` directly over it and the builtins that take every item (``list(it)``, ``sorted``,
        ``sum``...) step it: the lazy ones (``zip``, ``enumerate``, ``iter``, a generator
        expression) may take fewer items than exist."""
        loop = self._stepping_loop
        exhausting = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _EXHAUSTING
        if not (loop is not None and node is loop.iter and not _may_leave_early(loop) or exhausting):
            return None
        before = (len(self.result.charges), len(self.decisions.log), self.effects)
        items: list = []
        while len(items) <= MAX_LOOP_ITERATIONS:
            try:
                items.append(self.next_item(it, span))
            except UserRaise as exc:
                if self.stops_iteration(exc):
                    break
                raise
        else:
            return None
        if (len(self.result.charges), len(self.decisions.log), self.effects) != before:
            self._unpriced_at(span, "iterator", "a user iterator whose __next__ charges FLOPs or depends on values "
                                                "is stepped all at once, before the loop body: not modelled")
        return items

    # ------------------------------------------------------------ expressions

    def eval(self, node: ast.expr) -> Value:
        method = _EXPR_DISPATCH.get(type(node))
        if method is None:
            return self.unpriced(node, type(node).__name__, "expression kind not modelled")
        try:
            return method(self, node)
        except _CONTROL:
            raise
        except RecursionError:
            raise _too_deep(self.node_span(node))
        except Exception as exc:  # noqa: BLE001 - the boundary between the program and flopcast
            # The program's own exceptions on known values are UserRaise (a finding); anything
            # else escaping an expression is a flopcast bug. The expression becomes an unpriced,
            # unknown value at its location, so the total turns into a lower bound, never a
            # false exact number, and the rest of the file is still analysed.
            return self.unpriced(node, "internal error", _failure_reason(exc))

    def _traced_eval(self, node: ast.expr) -> Value:
        """eval, reporting every value to the memory tracker (which arrays each expression made)."""
        memory = self.trace.memory
        if node.__class__ is ast.Name or node.__class__ is ast.Constant:
            value = Interpreter.eval(self, node)  # evaluates nothing inside, allocates nothing
            memory.read(self, value)
            return value
        memory.enter(self)
        try:
            value = Interpreter.eval(self, node)
        except BaseException:
            memory.abandon()
            raise
        memory.produced(self, node, value)
        return value

    def expr_Constant(self, node: ast.Constant) -> Value:
        return Known(node.value)

    def expr_JoinedStr(self, node: ast.JoinedStr) -> Value:
        parts: Optional[list] = []
        watch = self.counter_watch
        for v in node.values:
            if isinstance(v, ast.Constant):
                if parts is not None:
                    parts.append(str(v.value))
                continue
            inner = self.eval(v.value)  # every part runs (and charges), as Python evaluates them all
            spec = self.eval(v.format_spec) if v.format_spec else Known("")
            if parts is None:
                continue
            if watch is not None and v.conversion == -1 and isinstance(inner, Known) and watch.sees(inner) \
                    and isinstance(spec, Known) and isinstance(spec.value, str):
                # a number counters.py watches, formatted into text: the text is watched too
                text = watch.format(inner, spec.value)
                if text is not None:
                    parts.append(text)
                    continue
            text = dunders.formatted(self, inner, v.conversion, spec, self.node_span(v))
            if text is None:
                parts = None
            else:
                parts.append(text)
        if parts is None:
            return Unknown("", None, "formatted string")
        if watch is not None and any(p.__class__ is Known for p in parts):
            return watch.join(parts)
        return Known("".join(parts))

    def _check_annotation(self, annotation: ast.expr) -> None:
        """Python evaluates an annotation where it is written (no `from __future__ import
        annotations`): a name no code of the module ever defines raises NameError there, and
        whestbench cannot load the file. Only the names are checked (nothing is evaluated)."""
        frame = self.frame
        env = self.module_envs.get(frame.module.key, {})
        for n in ast_walk(annotation):
            if isinstance(n, ast.Name) and n.id not in frame.vars and n.id not in env and n.id not in _BUILTINS \
                    and not (frame.function is not None and frame.function.closure and n.id in frame.function.closure) \
                    and undefined.never_defined(self.program, frame.module, n.id):
                raise UserRaise(self.node_span(n), f"NameError: name {n.id!r} is not defined")

    def expr_Name(self, node: ast.Name) -> Value:
        name = node.id
        frame = self.frame
        if name in frame.vars:
            return frame.vars[name]
        fn = frame.function
        if fn is not None and name in _function_locals(fn.node) \
                and not (self._comprehensions and self._comprehensions[-1].frame is frame):
            # A name the function binds somewhere is local to it everywhere: read before it is
            # bound on this path, Python raises UnboundLocalError (never the module's name)
            span = self.node_span(node)
            raise PathEnd(f"{span}: local variable {name!r} is read before it is assigned on this path (Python "
                          "raises UnboundLocalError); the cost after it is not counted", span,
                          what=f"unbound local {name!r}")
        while fn is not None and fn.closure is not None:
            if name in fn.closure:
                return fn.closure[name]
            break
        if fn is not None and fn.closure is not None:
            # closures chain through the enclosing function's own closure
            outer = fn.closure
            if name in outer:
                return outer[name]
        if fn is None and frame.enclosing is not None and frame.cls is not None and frame.cls.node is not None \
                and name not in _names_bound_within(frame.cls.node):
            # a class body in a function reads the function's names (free variables), then the
            # module's; a name the body binds itself is looked up in the module (LOAD_NAME)
            closure = self._scope_closure(frame.enclosing)
            if closure is not None and name in closure:
                return closure[name]
        env = self.module_envs.get(frame.module.key, {})
        if name in env:
            return env[name]
        if name in _BUILTINS:
            return Builtin(name)
        if undefined.never_defined(self.program, frame.module, name):
            raise UserRaise(self.node_span(node), f"NameError: name {name!r} is not defined")
        return self.unpriced(node, f"name {name!r}", "not defined on this path")

    def _elements(self, elts: list[ast.expr], node: Optional[ast.AST] = None) -> list[Value]:
        items: list[Value] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                # LIST_EXTEND / SET_UPDATE, placed at the whole display, asks for the items
                seq = self.eval(e.value)
                items.extend(self.consuming(self.node_span(node or e), lambda: self.iterate(seq, e)) or [])
            else:
                items.append(self.eval(e))
        return items

    def expr_Tuple(self, node: ast.Tuple) -> Value:
        if node is self._free_index:
            items = self._elements(node.elts, node)
            with suspended(self.counter_watch):
                return make_tuple(items)
        items = self._elements(node.elts, node)
        indexed = self._array_index
        watch = self.counter_watch
        if watch is not None:
            if indexed is not None and indexed[0] is node:
                items = watch.array_indices(indexed[1], items)  # counters.py
            if watch.carried and watch.follows_any(items):
                # (a loop's watch keeps reading them: a heap of `(cost, i)` plans compares
                # Known tuples, and a loop's log clones its items with their numbers anew)
                return TupleVal(tuple(items))
        return make_tuple(items)

    def expr_List(self, node: ast.List) -> Value:
        return ListVal(self._elements(node.elts, node))

    def expr_Set(self, node: ast.Set) -> Value:
        from flopcast.analyzer.builtins import set_of

        return set_of(self, self._elements(node.elts, node), node)

    def expr_Dict(self, node: ast.Dict) -> Value:
        out = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                inner = self._unpacked_mapping(self.eval(v), node)
                if not isinstance(inner, DictVal):
                    return self.unpriced(node, "dict display with **", "the unpacked mapping is not known")
                out.update(inner.items)
                continue
            key = self.eval(k)
            self.refuse_unhashable(key, k)
            out[dict_key(key)] = self.eval(v)
        return DictVal(out)

    def refuse_unhashable(self, key: Value, node: ast.AST) -> None:
        """Python hashes a dict key or set item first: an instance of a class without a hash, or a
        dict or list read from data (`cfg.get(json.loads(text))`), raises. The value is read unseen
        by a counter watch (counters.py): a key made from a loop's counter is always hashable."""
        if unhashable_instance(key):
            raise UserRaise(self.node_span(node) if node is not None else self.span,
                            f"TypeError: unhashable type: {key.cls.name!r}")
        if key.__class__ is InstanceVal and dunders.hash_may_charge(key):
            self.unpriced(node, "__hash__", f"{key.cls.name}.__hash__ runs here (Python hashes a dict key or set "
                          "item); what it charges and changes is not followed")
        if key.__class__ is Array and key.plain and key.ndim == 0:
            # numpy's scalar result of a reduction (`np.argmax(a)`: hashable) is held as a 0-d array,
            # which has no hash: which one this is is not known
            self.stop_path("a numpy 0-d result used as a key may be a numpy scalar (hashable) or a 0-d array "
                           "(TypeError); the cost after it is not counted",
                           self.node_span(node) if node is not None else self.span, "hash of a numpy value")
        if key.__class__ is Array:  # numpy's arrays (a 0-d one too) define no hash
            raise UserRaise(self.node_span(node) if node is not None else self.span,
                            f"TypeError: unhashable type: '{dunders.array_class(key)}'")
        container = _unhashable_container(key)
        if container:  # a list or dict the program holds (parsed JSON is one)
            raise UserRaise(self.node_span(node) if node is not None else self.span,
                            f"TypeError: unhashable type: {container!r}")
        if key.__class__ is Known:
            try:
                hash(raw_value(key))
            except TypeError:
                raise UserRaise(self.node_span(node) if node is not None else self.span,
                                f"TypeError: unhashable type: '{type(raw_value(key)).__name__}'") from None

    def _unpacked_mapping(self, value: Value, node) -> Value:
        """What `**value` unpacks: a dict's items, a dict subclass's, a ChainMap's as its lookups
        find them (chain_maps.flat); anything else as it is (not a DictVal: not known)."""
        if isinstance(value, InstanceVal) and isinstance(value.payload, DictVal):
            return value.payload
        if isinstance(value, ChainMapVal):
            return chain_maps.read(self, value, node)
        if isinstance(value, NpzFile):
            return plain_numpy.npz_mapping(value)
        return value

    def expr_Starred(self, node: ast.Starred) -> Value:
        return self.eval(node.value)

    def expr_NamedExpr(self, node: ast.NamedExpr) -> Value:
        value = self.eval(node.value)
        self.assign(node.target, value)
        # in a comprehension, `:=` binds the name in the enclosing function's scope too (the
        # comprehension's frame is over a copy of it): each enclosing comprehension's, then that one's
        bound = self.frame
        for running in reversed(self._comprehensions):
            if running.frame is not bound:
                break
            saved, self.frame = self.frame, self._outer_frames[running.depth]
            try:
                self.assign(node.target, value)
                bound = self.frame
            finally:
                self.frame = saved
        return value

    def expr_Yield(self, node: ast.Yield) -> Value:
        gen = self.frame.generator
        if gen is None:
            return self.unpriced(node, "yield", "`yield` outside a generator function flopcast recognised")
        gen.items.append(self.eval(node.value) if node.value is not None else Known(None))
        gen.marks.append(self.ledger())
        if len(gen.items) == 1 and gen.taken_by_next and gen.function is not None:
            self._first_item_state[id(gen)] = (gen, self._generator_parts(gen))
        if gen.need is not None and len(gen.items) >= gen.need:
            raise _GeneratorPause()
        return Known(None)  # what `send()` would pass in; flopcast models plain iteration only

    def expr_YieldFrom(self, node: ast.YieldFrom) -> Value:
        gen = self.frame.generator
        source = self.eval(node.value) if gen is not None else None
        # A subgenerator whose body runs here, whole: each item it hands on is its own item, the
        # ledger just after the subgenerator's yield of it (not after its whole body), so a
        # consumer that stops early takes back the subgenerator's code past that item too.
        sub = source.marks if source.__class__ is PyGenerator and source.items is None else None
        # (SEND, placed at the `yield from`, asks for the items)
        items = self.consuming(self.node_span(node), lambda: self.iterate(source, node.value)) \
            if gen is not None else None
        if items is None:
            return self.unpriced(node, "yield from", "`yield from` of a value flopcast cannot iterate")
        for k, item in enumerate(items):
            gen.items.append(item)
            gen.marks.append(sub[k] if sub is not None and k < len(sub) else self.ledger())
            if len(gen.items) == 1 and gen.taken_by_next and gen.function is not None:
                # (the state when the subgenerator's body ended, at the latest: a lower bound of the change)
                self._first_item_state[id(gen)] = (gen, self._generator_parts(gen))
            if gen.need is not None and len(gen.items) >= gen.need:
                raise _GeneratorPause()
        if isinstance(source, PyGenerator) and source.function is not None:
            # `total = yield from sub()`: what the subgenerator's body returned
            if source.paused or source.returned is None:
                return self.unpriced(node, "yield from", "the value a subgenerator returns is not known here")
            return source.returned
        return Known(None)  # (a list, a range, a generator expression: None)

    # ------------------------------------------------------------ generators

    def set_order(self, value: ListVal, node) -> list[Value]:
        """The items of a set of strings (or of objects hashed by address) in the order this path
        takes: Python's order changes from process to process, so with up to 3 items every order
        is a value-dependent site's option; with more, the order is unpriced (a lower bound)."""
        span = self.node_span(node) if node is not None else self.span
        n = len(value.items)
        reason = ("the order a set of strings or objects iterates in changes from run to run "
                  "(hash randomization, addresses)")
        if n > 3:
            self.unpriced(node, "set iteration", reason + f"; {n} items are too many orders to analyse")
            return list(value.items)
        orders = list(itertools.permutations(range(n)))
        # (keyed by the size too: a set met again with fewer items has fewer orders to answer with)
        site = Site(("pick", span, n), tuple(range(len(orders))), span, "pick", f"{reason}: each of its "
                    f"{len(orders)} orders is analysed")
        return [value.items[j] for j in orders[self.decisions.choose(site, self.kept_used())]]

    def ledger(self) -> tuple:
        """The running totals a partly consumed generator's cost is taken back to."""
        r = self.result
        return (len(r.charges), self.used, dict(r.inclusive), dict(r.calls), len(r.unpriced))

    def run_generator(self, gen: PyGenerator, need: Optional[int] = None,
                      endless_need: Optional[int] = None) -> list[Value]:
        """Run a generator's whole body on its first consumption; its items, as a list.
        ``need``: the most items this consumer can take (the body stops at that yield);
        ``endless_need``: the same from a consumer that may not be the last (PyGenerator.endless_need).

        Charges land when the body runs, not item by item, so the consumer's and the
        generator's charges are not interleaved as at run time; the totals are the same, and
        what the program never consumes is taken back when predict ends (``retract_unconsumed``).
        """
        if gen.paused and (need is None or need > len(gen.items)):
            # its body stopped at the last item the first consumer could take: what follows
            # that yield is not run by this eager model
            span = self.span or gen.span
            raise PathEnd(f"{span}: a generator flopcast ran up to item {len(gen.items)} (what its first "
                          "consumer takes) is consumed further, which is not modelled", span,
                          what="generator resumed")
        if gen.items is not None:
            self._presumed_ahead(gen)
        else:
            before = self._generator_parts(gen) if gen.function is not None else None
            if before is not None and self._generator_changes:
                self._refuse_reads_of_ahead(gen, before)
            gen.items = []
            gen.start = self.ledger()
            answers_before = len(self.decisions.answers)
            gen.need = need
            gen.endless_need = endless_need
            self._starting_generator = gen
            # its later items are made ahead of the consumer, whose handlers may then differ: an
            # array that may not fit is taken as inside one that may catch MemoryError
            outer, self.handlers = self.handlers, self.handlers.inside(False, {"MemoryError"})
            self._making_ahead.append((gen.items, gen.presumed_at))
            self._ahead_since.append(self.used)
            try:
                gen.returned = self._call_checked(gen.function, gen.args, gen.kwargs, gen.span)
            except _GeneratorPause:
                gen.paused = True
            except UserRaise as error:
                if error.what.split(":", 1)[0] == "StopIteration" or "StopIteration" in error.family:
                    # PEP 479: a StopIteration out of a generator's body is a RuntimeError
                    error = UserRaise(error.span, "RuntimeError: generator raised StopIteration")
                if not gen.items:
                    raise error  # raised before the first item: the first consumer meets it at once
                gen.error = error
            except PathEnd:
                if self.metered:
                    # its items are made ahead of the consumer, which may take none of them: what
                    # the body charged is not a lower bound's (retract_unconsumed at the path's end)
                    self._ran_generators.append(gen)
                raise
            finally:
                self.handlers = outer
                self._making_ahead.pop()
                self._ahead_since.pop()
                self._starting_generator = None
                gen.end = self.ledger()
                gen.consulted = len(self.decisions.answers) != answers_before
            if self.metered:
                self.effects += 1
                self._ran_generators.append(gen)
            if gen.function is not None and len(gen.items) > 1:
                after = self._generator_parts(gen)
                self._generator_reads[id(gen)] = (gen, tuple(after))
                if after != before:
                    # the body changed what its consumer may read: the consumer sees it all at once
                    changed = [key for key, (b, a) in enumerate(zip(before, after)) if b != a]
                    self._generator_changes[id(gen)] = (gen, [before[i][0] for i in changed], self.result)
        return gen.items

    def _generator_parts(self, gen: PyGenerator) -> list:
        """What a generator's body can read that its consumer can change, and the other way
        round: ((what, the object or name), signature) for the arguments it was called with
        (their contents), and for the closure and module names its code mentions."""
        from flopcast.analyzer.canonical import _mentioned

        fn = gen.function
        # (an argument bound to a parameter the body never names is not read there: a method
        # generator's `self` that the body does not use; another argument still holding the
        # object keeps it in its own signature)
        unread = _unread_parameters(fn.node)
        params = [a.arg for a in (*fn.node.args.posonlyargs, *fn.node.args.args)]
        parts = [(("object", a), self._held_signature(a)) for i, a in enumerate(gen.args)
                 if not (i < len(params) and params[i] in unread)]
        parts += [(("object", v), self._held_signature(v)) for k, v in sorted(gen.kwargs.items()) if k not in unread]
        env = self.module_envs.get(fn.module.key, {}) if fn.module is not None else {}
        names = _mentioned(fn.node)
        for name in (names if names is not None else sorted(env)):
            if fn.closure is not None and name in fn.closure:
                parts.append((("object", fn.closure[name]), self._held_signature(fn.closure[name])))
            elif name in env:
                parts.append((("global", name), self._held_signature(env[name])))
        # and what the functions its body calls read (`yield rows_of()`, rows_of reading CFG)
        cached = self._generator_callees.get(id(gen))
        if cached is None or cached[0] is not gen:
            cached = (gen, self._functions_reached([fn.node], self.frame, within=fn)[0])
            self._generator_callees[id(gen)] = cached
        for callee in cached[1]:
            if callee is fn:
                continue
            callee_env = self.module_envs.get(callee.module.key, {}) if callee.module is not None else {}
            mentioned = _mentioned(callee.node)
            for name in (mentioned if mentioned is not None else sorted(callee_env)):
                if callee.closure is not None and name in callee.closure:
                    parts.append((("object", callee.closure[name]), self._held_signature(callee.closure[name])))
                elif name in callee_env and not isinstance(callee_env[name], FunctionVal):
                    parts.append((("global", name), self._held_signature(callee_env[name])))
        return parts

    def _held_attribute(self, name: str, value: Value, depth: int, seen: set):
        """_held_signature of an instance's attribute: of one nothing reads (write_only.py: a
        diagnostic such as ``self.fallbacks.setdefault(mlp.name, []).append(i)``) only its kind,
        which is all a write to it may raise by."""
        dead = write_only.attributes(self.program)
        if name in dead:
            summary = write_only.kind(value, dead[name] == write_only.ITEM)
            if summary is not None:
                return ("write-only", summary)
        return self._held_signature(value, depth, seen)

    def _held_signature(self, value: Value, depth: int = 0, seen: Optional[set] = None):
        """``signature`` of a value, and for a class or a module what it holds: the consumer's
        ``Knobs.rows += 4`` or ``consts.ROWS = 8`` changes what a generator reading it hands out
        (signature() tells classes and modules apart by identity only, and stops 3 levels into
        objects: ``self.a.b.c.d.rows += 4`` went unseen). Objects are followed to
        HELD_DEPTH levels, each once."""
        if seen is None:
            seen = set()
        if isinstance(value, (ClassVal, InstanceVal, ListVal, TupleVal, DictVal)):
            if id(value) in seen or depth > HELD_DEPTH:
                return ("seen", id(value))
            seen.add(id(value))
            deeper = depth + 1
            if isinstance(value, ClassVal):
                return ("C", id(value),
                        tuple(sorted((k, self._held_signature(a, deeper, seen)) for k, a in value.attrs.items())),
                        tuple(self._held_signature(b, deeper, seen) for b in value.bases if isinstance(b, ClassVal)))
            if isinstance(value, InstanceVal):
                return ("I", id(value), self._held_signature(value.cls, deeper, seen),
                        tuple(sorted((k, self._held_attribute(k, a, deeper, seen)) for k, a in value.attrs.items())))
            if isinstance(value, DictVal):
                return ("D", tuple(sorted((repr(k), self._held_signature(a, deeper, seen))
                                          for k, a in value.items.items())))
            return (type(value).__name__, tuple(self._held_signature(a, deeper, seen) for a in value.items))
        if isinstance(value, ModuleVal):
            env = self.module_envs.get(value.module.key, {})
            return ("Mod", id(value.module), tuple(sorted((k, signature(a)) for k, a in env.items())))
        return signature(value)

    def _generator_state(self, gen: PyGenerator) -> tuple:
        return tuple(self._generator_parts(gen))

    def _refuse_early_state(self, loop, sources: list, body: Optional[list] = None, at=None) -> None:
        """A loop over a generator whose body (run whole at the first item) changed state the
        loop's body reads: Python's loop sees it change item by item, flopcast's sees the last
        state from the first item on (the path ends). ``body``: the nodes run for each item
        (a comprehension's element and tests), ``at`` the iterable's node, for other consumers."""
        from flopcast.analyzer.canonical import _mentioned

        body = loop.body if body is None else body
        at = loop.iter if at is None else at
        for source, before in sources:
            found = self._generator_changes.get(id(source))
            if found is None or found[0] is not source or len(source.items or ()) - before < 2:
                continue
            objects = [what[1] for what in found[1] if what[0] == "object"]
            globals_ = {what[1] for what in found[1] if what[0] == "global"}
            names = set()
            for stmt in body:
                names.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name))
            frame = self.frame
            for name in sorted(names):
                local = name in frame.vars or frame.function is not None and frame.function.closure is not None \
                    and name in frame.function.closure
                value = self._bound_in(frame, name)
                if (name in globals_ and not local) or any(value is o for o in objects) \
                        or any(_holds(o, value) for o in objects):
                    span = self.node_span(at)
                    self.stop_path(f"{span}: the generator's body changes `{name}`, which the loop's body reads; "
                                   "flopcast runs the generator's body whole before the loop, so the cost after "
                                   "it is not counted", span, "generator over changed state")
            # what the functions the loop's body calls read (`m = size()` reading a global list)
            home = source.function.module if source.function is not None else None
            reached, opaque = self._functions_reached([*body, loop.target] if loop is not None else body, frame)
            if opaque:
                span = self.node_span(at)
                self.stop_path(f"{span}: the generator's body changes what it was handed or the names it mentions, "
                               "and the loop's body calls code flopcast does not follow there, which may read it; "
                               "flopcast runs the generator's body whole before the loop, so the cost after it is "
                               "not counted", span, "generator over changed state")
            for fn in reached:
                env = self.module_envs.get(fn.module.key, {}) if fn.module is not None else {}
                mentioned = _mentioned(fn.node)
                for name in (mentioned if mentioned is not None else sorted(env)):
                    closed = fn.closure is not None and name in fn.closure
                    value = fn.closure[name] if closed else env.get(name, _MISSING)
                    if (name in globals_ and not closed and fn.module is home) or any(value is o for o in objects) \
                            or any(_holds(o, value) for o in objects):
                        span = self.node_span(at)
                        self.stop_path(f"{span}: the generator's body changes `{name}`, which {fn.qualname}() "
                                       "called in the loop's body reads; flopcast runs the generator's body whole "
                                       "before the loop, so the cost after it is not counted", span,
                                       "generator over changed state")

    def refuse_reads_by(self, fn: Value, sources: list, at) -> None:
        """``map(fn, gen)``: ``fn`` runs for each item the generator hands over; what it reads,
        the generator's body (run whole ahead) may have changed (as a loop's body, _refuse_early_state)."""
        handed = []  # what the function reads besides its names: a bound method's receiver (`self`), a partial's arguments
        while isinstance(fn, (PartialVal, BoundMethod)):
            handed += [fn.receiver] if isinstance(fn, BoundMethod) else [*fn.args, *fn.kwargs.values()]
            fn = fn.func if isinstance(fn, PartialVal) else fn.function
        body = [fn.node] if isinstance(fn, FunctionVal) else [ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[],
                                                                           keywords=[])]
        for source, before in sources:
            found = self._generator_changes.get(id(source))
            if found is None or found[0] is not source or len(source.items or ()) - (before or 0) < 2:
                continue
            objects = [what[1] for what in found[1] if what[0] == "object"]
            if any(value is o or _holds(o, value) for value in handed for o in objects):
                span = self.node_span(at)
                self.stop_path(f"{span}: the generator's body changes an object the function run for each of its "
                               "items is bound to; flopcast runs the generator's body whole before, so the cost after "
                               "it is not counted", span, "generator over changed state")
        self._refuse_early_state(None, [(g, before or 0) for g, before in sources], body=body, at=at)

    def _functions_reached(self, stmts: list, frame: Frame, limit: int = 4,
                           within: Optional[FunctionVal] = None) -> tuple:
        """The user functions the statements call (by a name, an attribute chain, a constant key
        of a dict or list), and those these call in turn (to ``limit`` levels), each once; and
        whether some call's target is one this does not follow (a call's result called, a
        computed key, an object's __call__): the caller then assumes it may read anything."""
        found: list = []
        seen: set = set()
        opaque = False
        # names the statements bind (a loop's own variables, not bound yet when this is asked):
        # calls through them are not followed, nor taken for unknown code
        local = {n.id for stmt in stmts for n in ast.walk(stmt) if isinstance(n, ast.Name)
                 and not isinstance(n.ctx, ast.Load)}

        def resolve(name: str, fn: Optional[FunctionVal]):
            if fn is None:
                if name in local and name not in frame.vars:
                    return None
                return self._bound_in(frame, name)
            if fn.closure is not None and name in fn.closure:
                return fn.closure[name]
            return self.module_envs.get(fn.module.key, {}).get(name, _MISSING) if fn.module is not None else _MISSING

        def target_value(expr, fn: Optional[FunctionVal]):
            if isinstance(expr, ast.Name):
                value = resolve(expr.id, fn)
                if value is _MISSING and expr.id == "self" and fn is not None and isinstance(fn.owner, ClassVal):
                    return fn.owner  # `self.method()` inside a method: its class's
                if value is _MISSING and hasattr(builtins, expr.id):
                    return None  # len(), print(): Python's own
                return value
            if isinstance(expr, ast.Attribute):
                base = target_value(expr.value, fn)
                if isinstance(base, InstanceVal):
                    return base.attrs[expr.attr] if expr.attr in base.attrs else base.cls.lookup(expr.attr)[1]
                if isinstance(base, ClassVal):
                    return base.lookup(expr.attr)[1]
                if isinstance(base, ModuleVal):
                    return self.module_envs.get(base.module.key, {}).get(expr.attr, _MISSING)
                return None  # a library object's method (an array's, a list's), or of a call's result
            if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
                base = target_value(expr.value, fn)
                key = expr.slice.value
                if isinstance(base, DictVal):
                    return next((v for k, v in base.items.items() if isinstance(k, Known) and k.value == key
                                 or k == key), _MISSING)
                if isinstance(base, (ListVal, TupleVal)) and isinstance(key, int) and -len(base.items) <= key < len(base.items):
                    return base.items[key]
            return _MISSING

        def callees(nodes, fn: Optional[FunctionVal]) -> list:
            nonlocal opaque
            out = []
            for node in nodes:
                if not isinstance(node, ast.Call):
                    continue
                value = target_value(node.func, fn)
                while isinstance(value, (PartialVal, BoundMethod)):
                    value = value.func if isinstance(value, PartialVal) else value.function
                if isinstance(value, ClassVal):
                    value = value.lookup("__init__")[1]  # its __init__ runs (None: a library one)
                    if value is None:
                        continue
                if isinstance(value, FunctionVal):
                    if id(value) not in seen:
                        seen.add(id(value))
                        out.append(value)
                elif isinstance(value, InstanceVal) or value is _MISSING and isinstance(
                        node.func, (ast.Call, ast.Subscript, ast.Lambda)):
                    opaque = True  # a target this does not follow (a call's result called): it may read anything
            return out

        level = callees([n for stmt in stmts for n in ast.walk(stmt)], within)
        for _ in range(limit):
            found.extend(level)
            level = [g for fn in level for g in callees(list(ast.walk(fn.node)), fn)]
            if not level:
                break
        return found, opaque or bool(level)

    def refuse_changes_past_first(self, gen: PyGenerator, span: Span) -> None:
        """A generator taken by next() whose body, run whole at the first next(), changed what it
        can reach (its arguments' contents, the names it mentions) after its first item: the code
        between the next() calls reads that state as the run's body left it at the item taken,
        not at its end (the path ends before that code runs)."""
        first = self._first_item_state.pop(id(gen), None)
        if first is None or first[0] is not gen or len(gen.items or ()) < 2:
            return
        if self._generator_parts(gen) != first[1]:
            self.stop_path(f"{span}: the generator's body changes state after its first item, and flopcast ran it "
                           "whole at the first next(); the code between the next() calls would read that state as "
                           "the body leaves it at its end, so the cost after it is not counted", span,
                           "generator over changed state")

    def _refuse_reads_of_ahead(self, gen: PyGenerator, parts: list) -> None:
        """A generator starting while another, run whole ahead of their consumer, still holds
        items not handed over and changed what this one reads (``zip(producer(log),
        sizer(log))``): Python makes this one's items between the other's, each seeing the
        state as far as the other got; flopcast's other body already ran to its end (the path ends)."""
        keys = {what for what, _ in parts}
        for other, changed, made_in in self._generator_changes.values():
            if other is gen or made_in is not self.result or other.items is None \
                    or other.consumed >= len(other.items):
                continue  # (another call's generator: its consumer is done)
            if any(what in keys for what in changed):
                span = self.span or gen.span
                self.stop_path(f"{span}: a generator reads what another generator's body changes, and that body ran "
                               "whole ahead of their consumer; Python interleaves their items, so the cost after it is "
                               "not counted", span, "generator over changed state")

    def _check_generator_reads(self, gen: Value, span: Span) -> None:
        """Before a generator hands over an item after its first: Python makes that item now,
        reading the state as the consumer left it; flopcast ran the body whole earlier. A change
        to what the body reads ends the path."""
        watched = self._generator_reads.get(id(gen))
        if watched is None or watched[0] is not gen:
            return
        if self._generator_state(gen) != watched[1]:
            del self._generator_reads[id(gen)]
            self.stop_path(f"{span}: the state a generator's body reads (its arguments, the names it mentions) "
                           "changed after it handed over an item; flopcast ran the body whole before its consumer, "
                           "so the cost after it is not counted", span, "generator over changed state")

    def _generator_send(self, gen: PyGenerator, value: Value, span: Span) -> Value:
        """``gen.send(value)``: next(gen) when the body never sees what is sent (None, or no
        `yield` whose value it reads); otherwise the path ends, since the eager body ran with
        every `yield` answering None (expr_Yield)."""
        from flopcast.analyzer.builtins import call_builtin

        if (isinstance(value, Known) and value.value is None) or not _reads_sent_values(gen.function.node):
            return call_builtin(self, "next", [gen], {}, span, None)
        raise PathEnd(f"{span}: a value sent into a generator whose body reads it (`x = yield ...`) is not "
                      "modelled: flopcast runs generator bodies as plain iteration", span, what="generator.send()")

    def _presumed_ahead(self, gen: PyGenerator) -> None:
        """A consumer inside a `try` taking items made ahead of it outside any: an op in their
        making was presumed not to raise (raise_on_values), but Python makes them now, where a
        raise is caught and the handler runs. Not modelled: the path ends."""
        if self.handlers.depth and any(i >= gen.consumed for i in gen.presumed_at):
            span = self.span or gen.span
            self.stop_path(f"{span}: items of the generator made at {gen.span} are taken inside a `try`, "
                           "and making them runs an op whose raising depends on the values; flopcast made "
                           "them ahead, outside the `try`, so whether its handler runs is not modelled",
                           span, "generator made ahead of a try")

    def consume_generator(self, gen: PyGenerator) -> list[Value]:
        """Everything a generator has left, as iterating it to the end hands it over; the error
        its body raised after its last item is raised here (a `for` loop's, after its body ran
        for those items: ``_deferred_errors``)."""
        items = self.run_generator(gen)
        rest = items[gen.consumed:]
        gen.consumed = len(items)
        gen.past_last = True
        if gen.error is not None:
            if self._deferred_errors is None:
                raise gen.error
            self._deferred_errors.append(gen.error)
        return rest

    def close_generator(self, gen: PyGenerator) -> None:
        """``gen.close()``: the body past the last item taken never runs (its charges are taken
        back now), and a consumer after it finds no item left."""
        if gen.items is None:
            gen.items, gen.start = [], self.ledger()
            gen.end = gen.start
        elif gen.end is not None:
            self.retract_unconsumed(only=[gen])
            gen.items, gen.end = gen.items[:gen.consumed], gen.marks[gen.consumed - 1] if gen.consumed else gen.start
        gen.past_last, gen.paused, gen.error = True, False, None

    def kept_used(self) -> int:
        """What this path has charged that no generator can take back: a body run ahead of its
        consumer charges items the consumer may never take, and those charges go when it stops
        (retract_unconsumed). Every path through a site met now costs at least this (the floor of
        the paths not explored, paths.py), where ``used`` may be more."""
        kept = self._ahead_since[0] if self._ahead_since else self.used
        for gen in self._ran_generators:
            if gen.items is None or gen.end is None:
                continue
            if gen.looping:
                # a `for` taking its items counts them all as taken until it breaks: any of
                # its charges may still go
                kept -= gen.end[1] - gen.start[1]
            elif gen.consumed < len(gen.items) or not gen.past_last or gen.paused:
                mark = gen.marks[gen.consumed - 1] if gen.consumed else gen.start
                kept -= gen.end[1] - mark[1]
        return max(kept, 0)

    def retract_unconsumed(self, ending: bool = False, only: Optional[list] = None) -> None:
        """Take back the charges of generator bodies past the last item the program consumed
        (a `for` that broke early, a lone `next()`): at run time that code never ran.
        ``ending``: the path ends here (PathEnd): the run may take those items later, or never;
        what it surely made is what was taken so far (a body still running ends here).
        ``only``: those generators (one being closed), else every one that ran."""
        regions = []
        for gen in self._ran_generators if only is None else only:
            if gen.items is None or gen.end is None and not ending:
                continue
            # (paused: its body stopped at the last item its consumer takes; a `yield from` it
            # ran there ran its subgenerator whole, past that item)
            if gen.consumed < len(gen.items) or not gen.past_last or gen.paused:
                mark = gen.marks[gen.consumed - 1] if gen.consumed else gen.start
                regions.append((mark, gen.end if gen.end is not None else self.ledger()))
                if gen.consumed and _yields_under_cleanup(getattr(gen.function, "node", None)):
                    # left at a yield inside try/finally or with: Python runs that cleanup when the
                    # generator is closed (close(), or when it is collected), and its cost is the run's
                    self._unpriced_at(gen.span, "generator cleanup", "a generator left at a yield inside "
                                      "try/finally or with runs that code when it is closed or collected; "
                                      "its cost is not counted")
        if not regions:
            return
        regions.sort(key=lambda r: (r[0][0], -r[1][0]))
        outer = []  # generator bodies nest like calls: keep only the outermost regions
        for mark, end in regions:
            if outer and mark[0] < outer[-1][1][0]:
                continue
            outer.append((mark, end))
        r = self.result
        drop_charges, drop_unpriced = set(), set()
        for mark, end in outer:
            drop_charges.update(range(mark[0], end[0]))
            drop_unpriced.update(range(mark[4], end[4]))
            self.used -= end[1] - mark[1]
            for table, before, after in ((r.inclusive, mark[2], end[2]), (r.calls, mark[3], end[3])):
                for key, value in after.items():
                    delta = value - before.get(key, 0)
                    if delta:
                        table[key] -= delta
                        if not table[key]:
                            del table[key]
        # A generator that stopped at its last item (a loop that broke there) usually charged
        # nothing after that yield: its region is empty, and rebuilding a list of millions of
        # charges (a reused recursion's) to take nothing back cost seconds.
        if drop_charges:
            r.charges = ChargeList(c for i, c in enumerate(r.charges) if i not in drop_charges)
        if drop_unpriced:
            r.unpriced = [u for i, u in enumerate(r.unpriced) if i not in drop_unpriced]

    def expr_Lambda(self, node: ast.Lambda) -> Value:
        return self.make_function(node, "<lambda>")

    def expr_IfExp(self, node: ast.IfExp) -> Value:
        if self.truth(node.test, node):
            return self.eval(node.body)
        return self.eval(node.orelse)

    def expr_BoolOp(self, node: ast.BoolOp) -> Value:
        """`a and b` / `a or b` with Python's short-circuit: when an operand's truth depends on
        values, the path decides it (a site at the operand), so the operands after it are
        evaluated, and charged, only on the paths where Python evaluates them."""
        is_and = isinstance(node.op, ast.And)
        condition, self._condition = self._condition, None  # operands' own sub-expressions are not it
        try:
            last: Value = Known(is_and)
            for i, v in enumerate(node.values):
                last = self.eval(v)
                if i < len(node.values) - 1:
                    self.check_array_truth(last, v)
                tested = last
                if isinstance(last, CountKnown):  # only its truth is asked here: `len(idx) and ...`
                    tested = self.size_truth(last, v)
                    last = last if isinstance(tested, Known) else tested
                elif last.__class__ is InstanceVal:
                    if i == len(node.values) - 1:
                        return last  # the last operand's truth is not asked here (an `if` asks the result's)
                    # `Flag(False) or default`: the object, by its __bool__ (asked once: the truth
                    # stands for it when the whole expression is only tested)
                    tested = self.size_truth(last, v)
                    if condition is not None:
                        last = tested
                t = self.known_truth(tested)
                if t is None:
                    if isinstance(last, Array) and i == len(node.values) - 1:
                        return last
                    if not is_and and condition is None and _or_zero(last, node.values[i + 1:]):
                        return last  # `mlp.seed or 0`: a false int is 0, so either way the value is the int's

                    if condition is not None and condition[2] is not None:
                        # A directive decides the whole condition; the first value-dependent operand
                        # takes its verdict (`assume False` on `a and b`: `a` is false, `b` never runs).
                        t = condition[2]
                    else:
                        t = self.decide_operand(v, last, condition[1] if condition else "branch",
                                               condition[0] if condition else None)
                    # (an array operand before the last, `fnp.any(bad) or ...`: Python asks its truth
                    # here, and evaluates the operands after it on the paths that do not short-circuit)
                    if isinstance(last, Unknown) and (last.kind == "bool" or condition is not None) \
                            or isinstance(last, Array) and condition is not None:
                        # decided: as the test of an `if`/`while` only its truth matters, so the
                        # statement does not decide the whole condition a second time
                        last = Known(t)
                if is_and and not t:
                    return last
                if not is_and and t:
                    return last
            return last
        finally:
            self._condition = condition

    def decide_operand(self, operand: ast.expr, value: Value, kind: str, stmt=None) -> bool:
        if kind == "loop" and stmt is not None:
            self._loop_operands += 1
        span = self.node_span(operand)
        reason = value.reason if isinstance(value, Unknown) else "depends on array values"
        site = Site((kind, span), (True, False), span, kind, f"`{_source(operand)}` depends on values ({reason})",
                    **self.presumed_truth(operand, value, kind == "loop" or self.exits_loop(stmt), kind == "loop"))
        return self.decisions.choose(site, self.kept_used())

    def expr_Compare(self, node: ast.Compare) -> Value:
        left = self.eval(node.left)
        if len(node.ops) == 1 and self.metered:
            right = self.eval(node.comparators[0])
            if self.counter_watch is not None and not (self.counted_compares and node in self.counted_compares):
                watched = self.counter_watch.compare(type(node.ops[0]).__name__, left, right)
                if watched is not None:
                    self.effects += 1
                    self.loop_effects += 1
                    if watched.__class__ is not Known or right.__class__ is not Known \
                            or node.ops[0].__class__ in (ast.Is, ast.IsNot):
                        # a keyed log's membership, `is None`, an answer that names a number read
                        # from data alone (counters.CounterWatch.compare)
                        return watched
                    first = (self.node_span(node), (type(node.ops[0]).__name__, left.__dict__["value"],
                                                    right.__dict__["value"]))
                    self.compare_log.append(first)
                    self.result.compares.setdefault(*first)
                    return watched
            if self.counted_compares and node in self.counted_compares:
                self.effects += 1
                self.loop_effects += 1
                self.counted_compares[node].observe(node, left, right)
            if is_number(left) and is_number(right):
                first = (self.node_span(node), (type(node.ops[0]).__name__, left.value, right.value))
                self.compare_log.append(first)
                self.result.compares.setdefault(*first)
            if node.ops[0].__class__ in (ast.In, ast.NotIn):  # CONTAINS_OP asks an iterator for items
                return self.consuming(self.node_span(node), lambda: self.compare(node.ops[0], left, right, node))
            return self.compare(node.ops[0], left, right, node)
        result: Value = Known(True)
        condition = self._condition
        for i, (op, comp) in enumerate(zip(node.ops, node.comparators)):
            right = self.eval(comp)
            if self.counted_compares and node in self.counted_compares:  # one operator: see SteadyLoop
                self.effects += 1
                self.loop_effects += 1
                self.counted_compares[node].observe(node, left, right)
            step = self.compare(op, left, right, node)
            if isinstance(step, Array):
                if i == len(node.ops) - 1:
                    return step
                # `lo < s < hi` is `(lo < s) and (s < hi)`: Python asks the array step's truth
                # (numpy refuses unless it holds one element) and runs the next comparison, and
                # charges it, only when the step is true
                self.check_array_truth(step, node)
                t = self.known_truth(step)
                if t is None:
                    if condition is not None and condition[2] is not None:
                        t = condition[2]  # a directive decides the whole condition (as for `and`)
                    else:
                        t = self.decide_operand(comp, step, condition[1] if condition else "branch",
                                                condition[0] if condition else None)
                if not t:
                    return Known(False) if condition is not None else step
                left = right
                continue
            t = self.known_truth(step)
            if t is False:
                return Known(False)
            if t is None:
                result = step
            left = right
        return result

    def array_positions(self, needle: Value, items: list, node, first: bool) -> Optional[list]:
        """Where ``needle`` is among ``items`` when arrays are involved (``x in [a, b]``,
        ``list.index/count/remove``): Python takes an item that is the needle itself, else asks
        ``item == needle`` (billed) and that answer's truth, which numpy refuses for an array of
        more than one element (ValueError). None when an answer depends on values."""
        found = []
        for k, item in enumerate(items):
            if item is needle:
                found.append(k)
                if first:
                    break
                continue
            pair = (item, needle)
            if not any(v.__class__ is Array for v in pair) \
                    or not all(v.__class__ is Array or isinstance(v, NumpyScalar)
                               or isinstance(v, Known) and type(v.value) in (int, float, bool) for v in pair) \
                    or all(v.__class__ is not Array or v.size == 1 for v in pair):
                return None  # (one element a side: the answer's truth depends on the values)
            result = self.compare(ast.Eq(), item, needle, node)
            if isinstance(result, Array):
                if result.size != 1:
                    self.check_array_truth(result, node)
                return None
            truth = self.known_truth(result)
            if truth is None:
                return None
            if truth:
                found.append(k)
                if first:
                    break
        return found

    def compare(self, op: ast.cmpop, left: Value, right: Value, node) -> Value:
        name = type(op).__name__
        if self.counter_watch is not None and not (self.counted_compares and node in self.counted_compares):
            watched = self.counter_watch.compare(name, left, right)
            if watched is not None:
                self.effects += 1
                self.loop_effects += 1
                return watched
        if left.__class__ is Known and right.__class__ is Known and name in _CMP:
            # two plain known values ordered or compared (what the steps below come to for them)
            try:
                return Known(_CMP[name](left.value, right.value))
            except TypeError as exc:
                raise UserRaise(self.node_span(node), f"TypeError: {exc}")
            except ArithmeticError as exc:  # `Decimal("NaN") < 1`: decimal's InvalidOperation
                raise python_raise(self.node_span(node), exc) from None
        if name in _CMP and (left.__class__ is Unknown or right.__class__ is Unknown):
            settled = _settled_by_range(name, left, right)
            if settled is not None:
                return settled
        if (left.__class__ is InstanceVal or right.__class__ is InstanceVal) and name in _ORDER_AND_EQ:
            left, right = plain_member(left), plain_member(right)  # `level > Level.MEAN` of an IntEnum
            if left.__class__ is InstanceVal or right.__class__ is InstanceVal:
                done = dunders.compare(self, name, left, right, self.node_span(node))  # the user's __eq__, __lt__, ...
                if done is not None:
                    return done
        if (left.__class__ is ListVal and left.is_set or right.__class__ is ListVal and right.is_set) \
                and name not in ("In", "NotIn", "Is", "IsNot"):
            return self.unpriced(node, "set comparison", "a set of objects or enum members: its comparisons are not modelled")
        if (left.__class__ is DictVal and left.ordered or right.__class__ is DictVal and right.ordered) \
                and name in _ORDER_AND_EQ:
            return self.unpriced(node, "OrderedDict comparison", "two OrderedDicts compare in order: not modelled")
        if (left.__class__ is ListVal and left.view_of is not None or right.__class__ is ListVal
                and right.view_of is not None) and name not in ("In", "NotIn", "Is", "IsNot"):
            return self.unpriced(node, "dict view comparison", "a dict's keys/values/items view: its comparisons "
                                                               "are not modelled")
        if (left.__class__ is DequeVal) != (right.__class__ is DequeVal) and name in _ORDER_AND_EQ \
                and (isinstance(left, (ListVal, TupleVal)) or isinstance(right, (ListVal, TupleVal))
                     or isinstance(left, Known) and isinstance(left.value, (list, tuple))
                     or isinstance(right, Known) and isinstance(right.value, (list, tuple))):
            # a deque equals only a deque; it is ordered only against one
            if name in ("Eq", "NotEq"):
                return Known(name == "NotEq")
            raise UserRaise(self.node_span(node), f"TypeError: '{_CMP_SYMBOLS[name]}' not supported between "
                                                  f"instances of '{_python_type_name(left)}' and "
                                                  f"'{_python_type_name(right)}'")
        if isinstance(left, CountKnown) or isinstance(right, CountKnown):
            return self.size_test(op, left, right, node)
        if isinstance(op, (ast.Eq, ast.NotEq)) and (left.__class__ is ChainMapVal or right.__class__ is ChainMapVal) \
                and isinstance(left, (ChainMapVal, DictVal)) and isinstance(right, (ChainMapVal, DictVal)):
            # Mapping.__eq__: `dict(self.items()) == dict(other.items())`
            left, right = (chain_maps.read(self, v, node) if isinstance(v, ChainMapVal) else v for v in (left, right))
        if (isinstance(left, Array) or isinstance(right, Array)) and not plain_numpy.has_flopscope((left, right)) \
                and name in ops.COMPARE_OPERATORS:
            made = plain_numpy.free(self, lambda: self.compare_arrays(name, left, right, node))
            return plain_numpy.with_elements(made, ops.COMPARE_OPERATORS[name], [left, right], {})
        if isinstance(left, Array) or isinstance(right, Array):
            if name in ops.COMPARE_OPERATORS:
                return self.compare_arrays(name, left, right, node)
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(left, DTypeRef) and isinstance(right, DTypeRef):
            # `x.dtype == fnp.float32`: numpy's dtype equals its scalar type, and types of one name are one
            return Known((left.name == right.name) == isinstance(op, ast.Eq))
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(left, Builtin) and isinstance(right, Builtin):
            return Known((left.name == right.name) == isinstance(op, ast.Eq))  # `type(n) == int`
        if isinstance(op, (ast.Eq, ast.NotEq)) and left.__class__ is LibRef and right.__class__ is LibRef \
                and {_class_identity(left.path), _class_identity(right.path)} & _ARRAY_CLASSES:
            # classes compare by identity (`type(x) == fnp.ndarray`)
            same = _class_identity(left.path) == _class_identity(right.path)
            return Known(same == isinstance(op, ast.Eq))
        if isinstance(op, (ast.Is, ast.IsNot)):
            same = left is right or (isinstance(left, Known) and isinstance(right, Known) and left.value is right.value) \
                or (left.__class__ is LibRef and right.__class__ is LibRef
                    and _class_identity(left.path) == _class_identity(right.path)) \
                or (isinstance(left, Builtin) and isinstance(right, Builtin) and left.name == right.name) \
                or (isinstance(left, DTypeRef) and isinstance(right, DTypeRef) and left.name == right.name
                    and left.instance == right.instance)  # numpy's scalar types and builtin dtypes are singletons
            if isinstance(left, Known) and isinstance(right, Known):
                return Known(same if isinstance(op, ast.Is) else not same)
            if isinstance(right, Known) and right.value is None:
                if isinstance(left, Unknown) and left.kind not in ("int", "float", "bool"):
                    return Unknown("bool", left.origin, left.reason)  # an unknown may be None
                is_none = isinstance(left, Known) and left.value is None
                return Known(is_none if isinstance(op, ast.Is) else not is_none)
            if not same and (isinstance(left, Unknown) or isinstance(right, Unknown)):
                unknown = left if isinstance(left, Unknown) else right
                return Unknown("bool", unknown.origin, unknown.reason)  # (`type(s) is float`)
            return Known(same if isinstance(op, ast.Is) else not same)
        if isinstance(op, (ast.In, ast.NotIn)):
            if right.__class__ is InstanceVal:
                held = flags.contains(left, right, self.node_span(node))  # `Mode.B in mode` of a Flag
                if held is not None:
                    return Known(held == isinstance(op, ast.In))
            if right.__class__ is ClassVal:
                held = self._class_membership(left, right, node)
                if held is not None:
                    return held if isinstance(held, Unknown) else Known(held == isinstance(op, ast.In))
            contains = dunders.user_method(right, "__contains__")
            if contains is not None:  # the user's __contains__: its result's truth
                truth = dunders.truth_of(self, dunders.call_method(self, right, contains, [left], self.node_span(node)),
                                         self.node_span(node))
                if truth is None:
                    return Unknown("bool", self.node_span(node), "a user __contains__ that depends on values")
                return Known(truth == isinstance(op, ast.In))
            if isinstance(right, InstanceVal) and right.payload is not None:
                right = right.payload
            if isinstance(right, (InstanceVal, NumpyScalar)):
                wrong = not_iterable(right, "__contains__", "__iter__", "__getitem__")
                if wrong is not None:  # `x in obj` of a class with none of them: Python's TypeError
                    raise UserRaise(self.node_span(node), f"TypeError: argument of type '{wrong}' is not iterable")
            if isinstance(right, ChainMapVal):
                right = chain_maps.read(self, right, node)  # `any(key in m for m in self.maps)`
            if isinstance(right, NpzFile):
                right = plain_numpy.npz_mapping(right)  # `if "prior" in data:`
            if isinstance(right, SeqIterator) and isinstance(left, Known):
                return Known(self._iterator_holds(left, right, node) == isinstance(op, ast.In))
            if right.__class__ is Array and not right.plain and right.ndim > 0 and not right.sym \
                    and (isinstance(left, Known) and type(left.value) in (int, float, bool)
                         or isinstance(left, NumpyScalar) or left.__class__ is Array and not left.plain and left.ndim == 0 and not left.sym):
                # numpy's ndarray.__contains__ is `(a == x).any()`, whose ufuncs flopscope routes to its
                # own and bills: an `equal` and an `any` over every element; the answer depends on values
                equal = self.compare(ast.Eq(), right, left, node)
                if isinstance(equal, Array) and equal.shape == right.shape and not equal.sym:
                    found = self.price_call("any", [equal], {}, node)
                    if isinstance(found, Array):
                        return Unknown("bool", self.node_span(node), "membership in an array's values")
            if right.__class__ is Array and not right.plain:
                # numpy's ndarray.__contains__ is `(a == x).any()`, whose ufuncs flopscope routes to its
                # own and bills (an `equal` and an `any` over every element)
                return self.unpriced(node, "membership test", "`x in array` of a flopscope array: numpy compares "
                                     "every element through flopscope's billed ufuncs (not modelled)")
            if isinstance(right, Known) and not hasattr(right.value, "__contains__") \
                    and not hasattr(right.value, "__iter__"):  # `h in 0`
                raise UserRaise(self.node_span(node),
                                f"TypeError: argument of type '{type(right.value).__name__}' is not iterable")
            if isinstance(left, (ListVal, TupleVal)):
                from flopcast.analyzer.builtins import _NOT_PLAIN, _py

                plain = _py(left)
                if plain is not _NOT_PLAIN:
                    left = Known(plain)
            if not isinstance(left, Known) and isinstance(right, DictVal) and dict_key(left) in right.items:
                return Known(isinstance(op, ast.In))  # the same object is a key (an enum member)
            if isinstance(right, DictVal) and surely_missing(left, right):
                return Known(not isinstance(op, ast.In))  # compared by its fields: no key equals it
            if isinstance(left, DTypeRef) and isinstance(right, (ListVal, TupleVal)) \
                    and all(isinstance(i, DTypeRef) for i in right.items):
                found = any(i.name == left.name for i in right.items)  # `x.dtype in (fnp.float16, fnp.float32)`
                return Known(found == isinstance(op, ast.In))
            if isinstance(right, (ListVal, TupleVal)):
                found = dunders.contains(self, left, right.items, self.node_span(node))  # `P(1) in [P(2), P(1)]`
                if found is not None:
                    truth = self.known_truth(found)
                    return found if truth is None else Known(truth == isinstance(op, ast.In))
            if equal_only_to_itself(left) and isinstance(right, (ListVal, TupleVal, DictVal)):
                found = _identity_membership(left, right.items if not isinstance(right, DictVal)
                                             else [key_value(k) for k in right.items])
                if found is not None:
                    return Known(found if isinstance(op, ast.In) else not found)
            items = right.items if isinstance(right, (ListVal, TupleVal)) and not getattr(right, "is_set", False) \
                else right.value if isinstance(right, Known) and isinstance(right.value, (list, tuple)) else ()
            if items and any(v.__class__ is Array and not v.plain for v in (left, *items)):
                hits = self.array_positions(left, list(items), node, first=True)
                if hits is not None:
                    return Known(bool(hits) == isinstance(op, ast.In))
                # `m in [0.0, 1.0]`: Python asks `item == m` until one holds, and flopscope bills
                # each comparison of its arrays: how many it asks depends on the values
                return self.unpriced(node, "membership test", "it compares flopscope arrays with `==`, each "
                                     "comparison billed, until one holds: how many depends on values")
            if isinstance(left, Known) and isinstance(right, (Known, ListVal, TupleVal, DictVal)):
                if isinstance(right, DictVal):
                    found = left.value in right.items
                    if not found and may_hold_known_key(right):
                        return Unknown("bool", None, "membership in a dict with a key that is not known")
                elif isinstance(right, Known):
                    found = left.value in right.value
                else:
                    from flopcast.analyzer.builtins import _NOT_PLAIN, _py

                    vals = [_py(x) for x in right.items]
                    if any(v is _NOT_PLAIN for v in vals):
                        return Unknown("bool", None, "membership in a list of unknowns")
                    found = left.value in vals
                return Known(found if isinstance(op, ast.In) else not found)
            return Unknown("bool", None, "membership test on unknown values")
        if name in ("Eq", "NotEq") and left.__class__ in (TupleVal, ListVal) and right.__class__ is left.__class__ \
                and not (left.__class__ is ListVal and (left.is_set or right.is_set)) \
                and any(v.__class__ is Array for v in (*left.items, *right.items)):
            same = self._sequence_eq(list(left.items), list(right.items), node, left.__class__ is ListVal)
            return Known(same == (name == "Eq")) if isinstance(same, bool) else same
        if isinstance(left, (ListVal, TupleVal, DictVal)) or isinstance(right, (ListVal, TupleVal, DictVal)):
            from flopcast.analyzer.builtins import _NOT_PLAIN, _py

            a, b = _py(left), _py(right)
            if a is not _NOT_PLAIN and b is not _NOT_PLAIN:
                left, right = Known(a), Known(b)
        if name in ("Eq", "NotEq") and (_is_enum_member(left) or _is_enum_member(right)):
            same = left is right or (isinstance(left, InstanceVal) and isinstance(right, Known)
                                     and left.cls.attrs.get("__int_like__") and left.attrs["value"].value == right.value)
            return Known(same if name == "Eq" else not same)
        if isinstance(left, Known) and isinstance(right, Known):
            try:
                return Known(_CMP[name](left.value, right.value))
            except TypeError as exc:
                raise UserRaise(self.node_span(node), f"TypeError: {exc}")
        for v in (left, right):
            if isinstance(v, Unknown) and v.kind == "":
                return v  # the result of something unpriced stays unknown
        if name in _CMP and (isinstance(left, NumpyScalar) or isinstance(right, NumpyScalar)):
            made = scalar_values.compute(ops.COMPARE_OPERATORS[name], [left, right])  # numpy scalars of known value
            if made is not None:
                return Known(bool(made[0]))
        if name in _CMP and self._condition is not None and self._condition[1] == "loop" \
                and _bounded_data_ints(left, right):
            # `while i < k` with k read from data and bounded: the path takes k at one end of
            # its range, as everywhere else it is used, so the trip count is an interval. (A
            # branch, `if k == 0:`, stays a branch site: it may be a safety net.)
            # `while i < k` runs longer as k grows, `while k < i` (counting down) shorter
            grows = {"Lt": (-1, 1), "LtE": (-1, 1), "Gt": (1, -1), "GtE": (1, -1)}.get(name, (1, 1))
            a, b = (Known(dataints.materialise(self, dataints.as_data_int(v, self.node_span(node)), "a comparison", g))
                    if isinstance(v, Unknown) else v for v, g in zip((left, right), grows))
            return self.compare(op, a, b, node)
        reason = next((v.reason for v in (left, right) if isinstance(v, Unknown)), "a value computed from arrays")
        origin = next((v.origin for v in (left, right) if isinstance(v, Unknown)), None)
        symbol = {"Gt": ">", "GtE": ">=", "Lt": "<", "LtE": "<=", "Eq": "==", "NotEq": "!="}.get(name)
        return Unknown("bool", origin, reason, presumed=presumptions.comparison(symbol, left, right) if symbol else None)

    def _sequence_eq(self, a: list, b: list, node, lists: bool):
        """``a == b`` of two tuples (or two ``lists``) holding arrays, as CPython compares them:
        lists of unequal lengths are unequal at once (tuples compare their common items first);
        item by item, the same object equal without asking, else its ``==`` (an array's is
        flopscope's billed ``equal``, whose truth numpy refuses for more than one element:
        ValueError) until a pair is unequal. A bool, or an unknown."""
        if lists and len(a) != len(b):
            return False
        for i, (x, y) in enumerate(zip(a, b)):
            if x is y:
                continue
            r = self.compare(ast.Eq(), x, y, node)
            self.check_array_truth(r, node)
            t = None if isinstance(r, Array) else self.known_truth(self.size_truth(r, node))
            if t is None:
                if any(p is not q and (p.__class__ is Array or q.__class__ is Array) for p, q in zip(a[i + 1:], b[i + 1:])):
                    return self.unpriced(node, "sequence comparison", "whether the later items are compared (each "
                                         "array comparison billed) depends on values")
                return Unknown("bool", self.node_span(node), "a comparison of sequences holding values read from data")
            if not t:
                return False
        return len(a) == len(b)

    def expr_UnaryOp(self, node: ast.UnaryOp) -> Value:
        v = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            v = self.size_truth(v, node.operand)
            self.check_array_truth(v, node.operand)
            t = self.known_truth(v)
            if isinstance(v, Array):
                # Python's `not` asks the array's __bool__: free, and its truth depends on values
                # (numpy raises for more than one element)
                if v.size != 1:
                    raise UserRaise(self.node_span(node), "ValueError: The truth value of an array with more "
                                                          "than one element is ambiguous. Use a.any() or a.all()")
                return Unknown("bool", self.node_span(node.operand), "the truth of an array's value",
                               presumed=presumptions.negate(v.presumed))
            return Known(not t) if t is not None else Unknown("bool", None, "negated unknown",
                                                              presumed=presumptions.negate(presumptions.of(v)))
        if isinstance(v, Array) and v.plain:
            opname = ops.UNARY_OPERATORS[type(node.op).__name__]
            return plain_numpy.with_elements(plain_numpy.free(self, lambda: self.price_op(opname, [v], node)), opname,
                                             [v], {})
        if isinstance(v, Array):
            return self.price_op(ops.UNARY_OPERATORS[type(node.op).__name__], [v], node)
        if isinstance(v, CountKnown) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return v if isinstance(node.op, ast.UAdd) else sizetests.through("USub", [v], Known(-v.value))
        if v.__class__ is InstanceVal:
            if isinstance(node.op, ast.Invert):
                done = flags.invert(v, self.node_span(node))  # `~mode` of a Flag
                if done is not None:
                    return done
            done = dunders.unary(self, type(node.op).__name__, v, self.node_span(node))  # the user's __neg__, ...
            if done is not None:
                return done
        v = plain_member(v)  # `-Level.FULL` of an IntEnum
        if isinstance(v, Known):
            try:
                return Known({"USub": operator.neg, "UAdd": operator.pos, "Invert": operator.invert}[
                    type(node.op).__name__](v.value))
            except TypeError:
                return Unknown("", None, "unary op")
        if isinstance(v, NumpyScalar):
            return v
        if dataints.is_data_int(v) and isinstance(node.op, ast.USub):
            return dataints.derive(v, "mul", -1)
        return v

    def expr_BinOp(self, node: ast.BinOp) -> Value:
        return self.binop(node.op, self.eval(node.left), self.eval(node.right), node)

    def binop(self, op: ast.operator, left: Value, right: Value, node) -> Value:
        name = type(op).__name__
        if self.counter_watch is not None:
            watched = self.counter_watch.binop(name, left, right)
            if watched is not None:
                self.effects += 1
                self.loop_effects += 1
                return watched
        if name == "Mod" and left.__class__ is Known and isinstance(left.value, str) \
                and (isinstance(right, Array) or right.__class__ is TupleVal):
            made = dunders.percent_format_of_arrays(left.value, right, self.node_span(node))
            if made is not None:
                return made  # `"%.3f" % x`: str's formatting, not numpy's remainder
        if name == "Mod" and left.__class__ is Known and isinstance(left.value, str) \
                and dunders.holds_text_methods(right):
            # `"%s" % obj`: str's own formatting asks the objects for their text (their __str__, __repr__)
            fmt = left.value
            return dunders.text_made(self, lambda *parts: fmt % (parts if right.__class__ is TupleVal else parts[0]),
                                     list(right.items) if right.__class__ is TupleVal else [right], {},
                                     self.node_span(node))
        if left.__class__ is InstanceVal or right.__class__ is InstanceVal:
            done = flags.binary(name, left, right, self.node_span(node))  # `Mode.A | Mode.C` of a Flag
            if done is not None:
                return done
            done = dunders.binary(self, name, left, right, self.node_span(node))  # the user's __add__, ...
            if done is not None:
                return done
            left, right = plain_member(left), plain_member(right)  # `2 * Level.FULL` of an IntEnum
        if left.__class__ is Known and right.__class__ is Known:  # plain numbers (a cost model): the common case
            return self.known_binop(name, left.value, right.value, node)
        if (isinstance(left, Array) or isinstance(right, Array)) and not plain_numpy.has_flopscope((left, right)):
            made = plain_numpy.free(self, lambda: self.array_binop(name, left, right, node))
            return plain_numpy.with_elements(made, ops.BINARY_OPERATORS[name], [left, right], {})
        if isinstance(left, Array) or isinstance(right, Array):
            return self.array_binop(name, left, right, node)
        if isinstance(left, Known) and isinstance(right, Known):
            if isinstance(left, CountKnown) or isinstance(right, CountKnown):  # `len(idx) - 1`: still the count's
                return sizetests.through(name, [left, right], self.known_binop(name, left.value, right.value, node))
            return self.known_binop(name, left.value, right.value, node)
        if isinstance(left, DictVal) and isinstance(right, DictVal) and name == "BitOr" \
                and left.factory is None and right.factory is None:
            return DictVal({**left.items, **right.items})  # `defaults | overrides` (Python 3.9)
        if left.__class__ is ListVal and left.is_set or right.__class__ is ListVal and right.is_set:
            return self.unpriced(node, "set operator", "a set of objects or enum members: its operators are not modelled")
        if left.__class__ is ListVal and left.view_of is not None or right.__class__ is ListVal and right.view_of is not None:
            return self.unpriced(node, "dict view operator", "a dict's keys/values/items view: its operators are not modelled")
        if name in ("Add", "Mult"):
            # `(Step(...),) + rest` with rest the literal `()`: a tuple of known items is a Known
            left, right = _as_sequence(left, right), _as_sequence(right, left)
            if name == "Mult" and isinstance(left, Known) and isinstance(right, (ListVal, TupleVal)):
                left, right = right, left  # `3 * [x]` repeats as `[x] * 3`
        if isinstance(left, (ListVal, TupleVal)) and isinstance(right, (ListVal, TupleVal)) and name == "Add":
            if type(left) is not type(right):
                mine = "deque" if left.__class__ is DequeVal else _SEQUENCE_NAMES[type(left)]
                raise UserRaise(self.node_span(node), f'TypeError: can only concatenate {mine} (not '
                                                      f'"{_SEQUENCE_NAMES[type(right)]}") to {mine}')
            items = list(left.items) + list(right.items)
            return _same_kind(left, items)
        if isinstance(left, (ListVal, TupleVal)) and isinstance(right, (ListVal, TupleVal)) and name == "Mult":
            raise UserRaise(self.node_span(node), f"TypeError: can't multiply sequence by non-int of type "
                                                  f"'{_python_type_name(right)}'")
        if isinstance(left, (ListVal, TupleVal)) and isinstance(right, Known) and name == "Mult":
            if not isinstance(right.value, int) or len(left.items) * right.value > 100_000:
                return self.unpriced(node, "huge repetition", "too large to evaluate")
            items = list(left.items) * right.value
            return _same_kind(left, items)
        if name in _RAISING_OPERATORS and _python_number(left) and _python_number(right):
            from flopcast.analyzer.builtins import operator_may_raise

            operator_may_raise(self, name, left, right, self.node_span(node))
        derived = _data_int_arithmetic(name, left, right)
        if derived is not None:
            return derived
        free = ops.free_scalar_arithmetic([left, right]) if all(
            isinstance(v, (Known, Unknown, NumpyScalar)) for v in (left, right)) else None
        if free is not None:
            if isinstance(free, NumpyScalar) and name in ops.BINARY_OPERATORS:
                # `np.int8(3) * 300`: numpy (NEP 50) cannot make 300 an int8
                problem = ops.weak_int_overflow(ops.BINARY_OPERATORS[name], [left, right])
                if problem is not None:
                    raise UserRaise(self.node_span(node), f"OverflowError: {problem}")
                if ops.negative_int_power(ops.BINARY_OPERATORS[name], [left, right]):
                    raise UserRaise(self.node_span(node), "ValueError: Integers to negative integer powers are not allowed.")
                made = scalar_values.compute(ops.BINARY_OPERATORS[name], [left, right])  # numpy's value, if known
                if made is not None and made[1] == free.dtype:
                    free.value = made[0]
            return free
        if name == "MatMult" and all(_python_number(v) for v in (left, right)):
            # Python's numbers have no `@` whatever their values (`mlp.seed @ 99`)
            kinds = [type(v.value).__name__ if isinstance(v, Known) else v.kind for v in (left, right)]
            raise UserRaise(self.node_span(node), f"TypeError: unsupported operand type(s) for @: "
                                                  f"'{kinds[0]}' and '{kinds[1]}'")
        hole = next((v for v in (left, right) if v.__class__ is Unknown and v.kind == ""), None)
        if hole is not None:
            return hole  # the result of something unpriced stays unknown (its entry names the cause)
        if left.__class__ is InstanceVal or right.__class__ is InstanceVal:
            # an instance of the user's whose operator flopcast did not ask (beside an unknown that
            # is no plain number): its result is no number flopcast knows the kind of
            return self.unpriced(node, "operator", f"`{dunders._SYMBOL.get(name, name)}` of {_python_type_name(left)} and "
                                                   f"{_python_type_name(right)} is not modelled")
        reason = next((v.reason for v in (left, right) if isinstance(v, Unknown)), "arithmetic on unknown values")
        origin = next((v.origin for v in (left, right) if isinstance(v, Unknown)), None)
        kind = "float" if any(isinstance(v, Unknown) and v.kind == "float" or isinstance(v, Known) and isinstance(v.value, float) for v in (left, right)) or name == "Div" else "int"
        return Unknown(kind, origin, reason)

    def _iterator_holds(self, left: Known, it: SeqIterator, node) -> bool:
        """``left in it``: Python takes items from the iterator up to the first equal one."""
        from flopcast.analyzer.builtins import _NOT_PLAIN, _py, check_sources

        if it.seen:
            check_sources(self, it, self.node_span(node))
        i = it.consumed
        while it.ready(i + 1):
            v = _py(it.item(i))
            i += 1
            if v is _NOT_PLAIN:
                raise PathEnd(f"{self.node_span(node)}: how far `in` reads the iterator depends on values; the "
                              "cost after it is not counted", self.node_span(node))
            if v == left.value:
                it.consumed = i
                return True
        it.consumed = i
        return False

    def array_binop(self, name: str, left: Value, right: Value, node) -> Value:
        opname = ops.BINARY_OPERATORS[name]
        if opname == "matmul":
            return self.price_call("matmul", [left, right], {}, node)
        if isinstance(left, NumpyScalar) and isinstance(right, Array):
            # the numpy scalar's own operator calls the ufunc, recorded by its __name__
            opname = ops.NUMPY_SCALAR_LEFT.get(opname, opname)
            if not right.plain:
                self.routed_warning(opname, self.node_span(node))
        return self.price_op(opname, [left, right], node)

    def compare_arrays(self, name: str, left: Value, right: Value, node) -> Value:
        opname = ops.COMPARE_OPERATORS[name]
        if ops.comparison_is_reflected(left, right):
            return self.price_op(ops.REFLECTED_COMPARE[opname], [right, left], node)
        return self.price_op(opname, [left, right], node)

    def known_binop(self, name: str, a: Any, b: Any, node) -> Value:
        if name == "Pow" and isinstance(b, (int, float)) and isinstance(a, (int, float)) and abs(b) > 4096 and abs(a) > 1:
            return self.unpriced(node, "huge power", "the exponent is too large to evaluate")
        if name == "Mult" and isinstance(a, (str, tuple, list)) and isinstance(b, int) and b > 100_000:
            return self.unpriced(node, "huge repetition", "too large to evaluate")
        if name == "LShift" and isinstance(b, int) and b > 4096:
            return self.unpriced(node, "huge shift", "too large to evaluate")
        if name == "Div" and isinstance(a, str) and isinstance(b, str):
            import os

            return Known(os.path.join(a, b))  # pathlib's `Path(dir) / "file"`, kept as a string
        try:
            return Known(_BINOPS[name](a, b))
        except ZeroDivisionError as exc:
            if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
                raise python_raise(self.node_span(node), exc) from None  # decimal's DivisionByZero
            raise UserRaise(self.node_span(node), "ZeroDivisionError")
        except ArithmeticError as exc:
            if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
                raise python_raise(self.node_span(node), exc) from None  # Overflow, InvalidOperation
            if dunders.plain_value(a) and dunders.plain_value(b):
                raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}") from None
            return self.unpriced(node, "arithmetic", f"{type(exc).__name__}: {exc}")
        except (TypeError, ValueError) as exc:
            if dunders.plain_value(a) and dunders.plain_value(b):
                # numbers and text as Python has them: its refusal is the program's error (`"a" * 1.5`)
                raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}") from None
            return self.unpriced(node, "arithmetic", f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a value standing for something Python would not refuse alike
            return self.unpriced(node, "arithmetic", f"{type(exc).__name__}: {exc}")

    def presume_no_raise(self, span: Span, op: str, exc: str, why: str) -> None:
        """The count goes on as if ``op`` does not raise ``exc``, and the report says so: where no
        handler around may catch it (a raise ends the run; builtins.may_raise). An item of a
        generator made ahead of its consumer remembers it (_presumed_ahead)."""
        self.result.no_raise.setdefault((span, exc), NoRaise(span, op, exc, why))
        for made, presumed in self._making_ahead:
            presumed.append(len(made))

    def raise_on_values(self, name: str, args, kwargs, result) -> None:
        """Inside a try statement, the site of an op whether it raises depends on the values
        (_raises_on_values): raises on the path that answers that it does. Outside one the
        count presumes it does not raise (no path ends there), and the report says so."""
        raising = _raises_on_values(name, args, kwargs, result)
        if raising is None:
            return
        exc, why = raising
        if not self.handlers.depth:
            self.presume_no_raise(self.span, f"fnp.{name}", exc, why)
            return
        # a failing Cholesky is a safety net's rare event (the nominal path presumes it
        # away); float32 rounding past the symmetry check is not rare: no presumption
        presumed = False if exc == "LinAlgError" else None
        site = Site(("raise", self.span), (False, True), self.span, "exception",
                    f"whether fnp.{name} raises {exc} depends on the values "
                    f"({why}); the except clause runs if it does",
                    presumed=presumed, presumption=f"fnp.{name} does not raise {exc}" if presumed is not None else "",
                    rounding=exc == "SymmetryError")
        if self.decisions.choose(site, self.kept_used()):
            raise UserRaise(self.span, f"{exc}: {why}")

    def price_op(self, opname: str, values: list[Value], node) -> Value:
        saved = self.span
        self.span = self.node_span(node)
        mark = len(self.result.charges)
        try:
            result = presumptions.after_op(opname, values, ops.pointwise(self, opname, values))
            overflow.after_op(self, opname, values, {}, result)
            memory_limit.check(self, opname, values, result, mark)
            self.raise_on_values(opname, values, {}, result)
            self._symmetry_loss_may_raise(opname, values, {}, result)
            return scalar_values.attach(result, opname, values, {})
        except OpError as exc:
            return self.unpriced(node, opname, str(exc))
        except OpRaises as exc:
            return self.op_raises(self.span, opname, exc)
        finally:
            self.span = saved

    def expr_Subscript(self, node: ast.Subscript) -> Value:
        obj = self.eval(node.value)
        if self.counter_watch is not None and node.slice.__class__ is ast.Tuple and isinstance(obj, Array):
            # a tuple index of an array (`codes[:, j]`): a loop counter counters.py watches in it
            # is an index, not a number read (CounterWatch.array_indices)
            saved, self._array_index = self._array_index, (node.slice, obj)
            try:
                key = self.eval(node.slice)
            finally:
                self._array_index = saved
        else:
            key = self.eval(node.slice)
        made = self.subscript(obj, key, node)
        if obj.__class__ is Array and obj.sym is not None and self.warning_filters.inside_ops:
            saved, self.span = self.span, self.node_span(node)
            try:
                self._symmetry_loss_may_raise("getitem", [obj], {}, made)  # `C[0]` of a symmetric C
            finally:
                self.span = saved
        return made

    def expr_Slice(self, node: ast.Slice) -> Value:
        parts = [self.eval(p) if p is not None else Known(None) for p in (node.lower, node.upper, node.step)]
        return self.make_slice(parts, self.node_span(node))

    def make_slice(self, parts: list, span: Span) -> Value:
        """``start:stop:step`` (or ``slice(start, stop, step)``) of these three values."""
        # (numpy's integers of known value are indices, as Python's are: `order[lo:hi]` of block bounds)
        parts = [Known(p.value) if p.__class__ is NumpyScalar and p.value is not None
                 and p.dtype.startswith(("int", "uint")) else p for p in parts]
        if all(isinstance(p, Known) for p in parts):
            return Known(slice(*(p.value for p in parts)))
        if any(isinstance(p, Array) and p.ndim != 0 for p in parts):
            return Unknown("slice", None, "slice bounds depend on values")
        saved, self.span = self.span, span
        try:
            taken = dataints.slice_value(self, parts)
        finally:
            self.span = saved
        if taken is not None:
            return Known(taken)
        return Unknown("slice", None, "slice bounds depend on values")

    def _pick(self, items: list, key: Value, node) -> Optional[Value]:
        """The item a path picks from a list or tuple by an integer read from data (every
        value of its range is a path: dataints.position); None when that is not possible."""
        key = dataints.as_data_int(key, self.node_span(node))
        at = dataints.position(self, key) if dataints.is_data_int(key) else None
        if at is None:
            return None
        try:
            return items[at]
        except IndexError:
            raise UserRaise(self.node_span(node), "IndexError: list index out of range")

    def subscript(self, obj: Value, key: Value, node) -> Value:
        watch = self.counter_watch
        if watch is not None and obj.__class__ is DictVal:
            item = watch.entry_load(obj, key)  # a dict a first call adds per-key counters to (counters.py)
            if item is not None:
                return item
        if watch is not None and key.__class__ is Known and watch.is_tainted(key):  # counters.py
            if isinstance(obj, Array):
                key = watch.array_index(obj, key)
            else:
                item = watch.subscript(obj, key)
                if item is not None:
                    return item
        if isinstance(obj, ChainMapVal):
            obj = chain_maps.read(self, obj, node)  # the first map that holds the key, else KeyError
        if isinstance(obj, ClassVal) and _is_enum(obj) and isinstance(key, Known):
            member = obj.attrs.get("__members__").items.get(key.value) if "__members__" in obj.attrs else None
            if member is None:
                raise UserRaise(self.node_span(node), f"KeyError: {key.value!r}")
            return member
        if isinstance(obj, FlatIter):
            # numpy indexes the flattened elements: a numpy scalar, or a plain copy
            obj = Array((obj.base.size,), obj.base.dtype, dtype_origin=obj.base.dtype_origin, plain=True)
        if isinstance(obj, Array) and obj.plain:
            part = plain_numpy.free(self, lambda: self.subscript(obj.with_(plain=False, presumed=obj.presumed), key, node))
            part = plain_numpy.element_of(part, obj, key)
            # (a basic index is a view: a write through it changes `obj`; a copy is joined too, which
            # only forgets more than it must)
            return plain_numpy.same_buffer(part, obj) if part.__class__ is Array else part
        if isinstance(obj, Array):
            from flopcast.analyzer.indexing import IndexRaises, index_array

            saved = self.span
            self.span = self.node_span(node)
            try:
                picked = index_array(self, obj, key)
                if obj.value is not None and obj.shape:
                    # an element of a flopscope array whose elements are known
                    picked = plain_numpy.element_of(picked, obj, key)
                if obj.presumed is not None and obj.presumed.value in (True, False):
                    # part of a mask every element of which a safety net presumes (`isfinite(x)[0]`)
                    picked = presumptions.tagged(picked, obj.presumed)
                if obj.unbounded and picked.__class__ is Array:
                    picked.unbounded = True
                return picked
            except OpError as exc:
                return self.unpriced(node, "indexing", str(exc))
            except IndexRaises as exc:
                raise UserRaise(self.span, str(exc))
            finally:
                self.span = saved
        if obj.__class__ is ListVal and (obj.is_set or obj.view_of is not None):
            kind = "set" if obj.is_set else f"dict_{obj.view_of[1]}"
            raise UserRaise(self.node_span(node), f"TypeError: '{kind}' object is not subscriptable")
        if obj.__class__ is DequeVal and not (isinstance(key, Known) and isinstance(key.value, int)) \
                and not isinstance(key, (Unknown, NumpyScalar)):
            raise UserRaise(self.node_span(node), f"TypeError: sequence index must be integer, not "
                                                  f"'{_python_type_name(key)}'")
        if isinstance(obj, (ListVal, TupleVal)):
            if watch is not None and obj.__class__ is ListVal:
                own = watch.own_appends(obj, key)  # a watched log's last items, appended under the watch
                if own is not None:
                    return own
            key = plain_member(key)  # `costs[Level.DIAG]` of an IntEnum
            if key.__class__ is NumpyScalar and key.value is not None and key.dtype.startswith(("int", "uint")):
                key = Known(key.value)  # numpy's integer of known value (`names[i] for i in order`): its __index__
            if isinstance(key, Known) and isinstance(key.value, int):
                try:
                    return obj.items[key.value]
                except IndexError:
                    raise UserRaise(self.node_span(node), "IndexError: list index out of range")
            if isinstance(key, Known) and isinstance(key.value, slice):
                try:
                    items = obj.items[key.value]
                except (TypeError, ValueError) as exc:  # `made[:1e30]`: slice bounds must be integers; a zero step
                    raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}") from None
                return ListVal(list(items)) if isinstance(obj, ListVal) else make_tuple(list(items))
            picked = self._pick(obj.items, key, node)
            if picked is not None:
                return picked
            return self.unpriced(node, "list indexing", "the index depends on values")
        if isinstance(obj, DictVal):
            if key.__class__ is NumpyScalar:
                # numpy's integers hash and compare as Python's ints: `experts[fnp.argsort(s)[-1]]` looks
                # its key up as `experts[int(...)]` does (an index array's element: every value of its range)
                key = dataints.from_scalar(key, self.node_span(node), "an element of an index array used as a dict key")
            if isinstance(key, Known) and key.value in obj.items:
                return obj.items[key.value]
            if isinstance(key, Known) and may_hold_known_key(obj):
                return self.unpriced(node, "dict lookup", "a key of the dict is not known and may equal this one")
            if isinstance(key, Known) and isinstance(obj.factory, Known):
                return obj.factory  # a Counter: a missing key reads as 0 and is not added
            if isinstance(key, Known) and obj.factory is not None:
                value = obj.items[key.value] = self.call(obj.factory, [], {}, self.node_span(node), node)
                return value
            if isinstance(key, Known):
                raise UserRaise(self.node_span(node), f"KeyError: {key.value!r}")
            self.refuse_unhashable(key, node)
            if dict_key(key) in obj.items:  # the same object (an enum member, an instance): Python finds it
                return obj.items[dict_key(key)]
            if surely_missing(key, obj):
                if isinstance(obj.factory, Known):
                    return obj.factory  # a Counter
                if obj.factory is not None:
                    value = obj.items[dict_key(key)] = self.call(obj.factory, [], {}, self.node_span(node), node)
                    return value
                raise UserRaise(self.node_span(node), f"KeyError: {_key_text(key)}")
            if not may_hold_known_key(obj):
                # `experts[int(idx[0])]` of an argpartition: every value of the integer's range is
                # a path, as for a list; each looks its value up (a missing one raises KeyError)
                data = dataints.as_data_int(key, self.node_span(node))
                at = dataints.position(self, data) if dataints.is_data_int(data) else None
                if at is not None:
                    return self.subscript(obj, Known(at), node)
            return self.unpriced(node, "dict lookup", "the key is not known")
        if isinstance(obj, NpzFile):
            if isinstance(key, Known) and key.value in obj.arrays:
                return plain_numpy.npz_member(obj, key.value)
            return self.unpriced(node, "array file lookup", f"no array named {getattr(key, 'value', '?')!r} in the file")
        if isinstance(obj, Known):
            if isinstance(key, Known):
                try:
                    return Known(obj.value[key.value])
                except Exception as exc:  # noqa: BLE001
                    raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}")
            if isinstance(obj.value, (tuple, list, str)):
                picked = self._pick([Known(v) for v in obj.value], key, node)
                if picked is not None:
                    return picked
            return Unknown("", None, "indexed by an unknown")
        if isinstance(obj, NumpyScalar):
            return obj
        if isinstance(obj, InstanceVal) and obj.cls.tuple_like:
            return self.subscript(TupleVal(tuple(self.iterate(obj, node))), key, node)
        if isinstance(obj, InstanceVal):
            owner, getitem = obj.cls.lookup("__getitem__")
            if isinstance(getitem, FunctionVal):
                return self.call(self.bind(getitem, obj, owner, self.node_span(node)), [key], {}, self.node_span(node))
            if obj.payload is not None:
                owner, missing = obj.cls.lookup("__missing__")
                if isinstance(missing, FunctionVal) and isinstance(obj.payload, DictVal):
                    if not isinstance(key, Known):
                        return Unknown("", self.node_span(node), "a key that depends on values")
                    if key.value not in obj.payload.items:  # dict.__getitem__ asks __missing__
                        span = self.node_span(node)
                        return self.call(self.bind(missing, obj, owner, span), [key], {}, span)
                return self.subscript(obj.payload, key, node)
            if all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                   for c in obj.cls.mro() for b in c.bases):
                # only the user's own classes: a subclass of dict or of a library class may index
                raise UserRaise(self.node_span(node), f"TypeError: '{obj.cls.name}' object is not subscriptable")
        if isinstance(obj, ClassVal):
            for base in obj.mro():
                hook = base.attrs.get("__class_getitem__") if isinstance(base, ClassVal) else None
                if isinstance(hook, FunctionVal) and hook.kind in ("function", "classmethod"):
                    # `Registry[Rung]`: Python calls the class's __class_getitem__ (an implicit classmethod)
                    return self.call(BoundMethod(hook, obj), [key], {}, self.node_span(node))
            if any(isinstance(b, LibRef) and b.path in ("py:typing.Generic", "py:typing.Protocol")
                   for c in obj.mro() for b in c.bases):
                return obj  # `Box[int]`: an alias that makes a Box when called, as the class does
        if isinstance(obj, Unknown):
            return self.unpriced(node, "subscript", ops.unknown_operand_reason(obj))
        if isinstance(obj, LibRef) and obj.path.startswith(("py:typing.", "py:collections.abc.")) \
                or isinstance(obj, Builtin) and obj.name in _GENERIC_BUILTINS:
            # a type alias (`Mode = Literal["a", "b"]`, `Vec = list[float]`): made for free, read by
            # annotations; calling `list[float]()` makes a list, as the class itself does
            return obj
        if isinstance(obj, (SeqIterator, EndlessIter, PyGenerator)):
            # zip, map, filter, enumerate, reversed, iter(), itertools' iterators, generators
            raise UserRaise(self.node_span(node), "TypeError: an iterator object is not subscriptable")
        return self.unpriced(node, "subscript", f"cannot index {type(obj).__name__}")

    def expr_Attribute(self, node: ast.Attribute) -> Value:
        obj = self.eval(node.value)
        return self.get_attr(obj, node.attr, self.node_span(node), node=node)

    def get_attr(self, obj: Value, name: str, span: Span, quiet: bool = False, node=None) -> Value:
        if name == "__name__" and (isinstance(obj, Builtin) or isinstance(obj, LibRef)
                                   and obj.path in ("flopscope.FlopscopeArray", "numpy.ndarray",
                                                    "flopscope.SymmetricTensor")):
            return Known(obj.name if isinstance(obj, Builtin) else obj.path.rsplit(".", 1)[1])  # `type(x).__name__`
        if isinstance(obj, Array):
            if name == "T":
                # numpy's own .T is a view: a write through it changes what is known of `obj`
                made = ops.transpose_attr(obj)
                return plain_numpy.same_buffer(made, obj) if obj.plain and made is not obj else made
            if name == "shape":
                if obj.counted:
                    return TupleVal(tuple(counted_extent(obj, (axis,)) for axis in range(obj.ndim)))
                return Known(obj.shape)
            if name == "ndim":
                return Known(obj.ndim)
            if name == "size":
                return counted_extent(obj, tuple(range(obj.ndim))) if obj.counted else Known(obj.size)
            if name == "dtype":
                return DTypeRef(obj.dtype, instance=True)
            if name in ("real", "imag"):
                # numpy's own attribute, no record: the real dtype of a complex array
                real = ops.dtypes.real_part(obj.dtype)
                if name == "real" and real == obj.dtype:
                    return obj
                if obj.sym:
                    return self.unpriced(node, f"attribute {name!r}", f".{name} of a symmetric array is not modelled")
                return Array(obj.shape, real, dtype_origin=obj.dtype_origin if real == obj.dtype else None)
            if name == "symmetry":
                return Known(obj.sym)
            if name in ("itemsize", "nbytes"):
                itemsize = ops.dtypes.itemsize(obj.dtype)
                return Known(itemsize if name == "itemsize" else itemsize * obj.size)
            if name == "flat" and not obj.counted and not obj.plain:
                return FlatIter(obj)
            if not ops.dtypes.ndarray_method(name):
                # a data attribute (.mT, .flat, .strides) or none at all (.H): a method reference
                # in its place would be priced as nothing (`x.mT * 2.0` charged no multiply)
                return self.unpriced(node, f"attribute {name!r}", f"the array attribute .{name} is not modelled")
            return BoundLib("numpy." + name, obj)
        if isinstance(obj, MLPVal):
            if name == "width":
                return Known(obj.width)
            if name == "depth":
                return Known(obj.depth)
            if name == "weights":
                return obj.weights
            if name == "seed":
                return obj.seed
            if name == "name":
                if obj.name is not None:
                    return obj.name
                return Unknown("", None, "mlp.name (a slug made from the MLP's seed in the contest, \"\" in a "
                                         "bare run)")
        if isinstance(obj, ModuleVal):
            env = self.module_env(obj.module)
            if name in env:
                return env[name]
            sub = self.program.find_module(f"{obj.module.name}.{name}")
            if sub is not None:
                if sub.key not in self.module_envs and "__getattr__" not in env and not self.result.unpriced:
                    # a submodule nothing imported yet (an import binds it in the package, see
                    # import_module) and no module __getattr__: Python has no such attribute.
                    # (Claimed only while nothing is unpriced: an import flopcast could not follow
                    # may have loaded it.)
                    if quiet:
                        return Unknown("", span, f"no attribute {name}")
                    raise UserRaise(span, f"AttributeError: module {obj.module.name!r} has no attribute {name!r}")
                # (a submodule of the folder, imported or not yet: what a lazy `__getattr__`
                # importing `.name` gives, without running its `globals()[name] = module`)
                return ModuleVal(sub)
            hook = env.get("__getattr__")
            if isinstance(hook, FunctionVal):
                # PEP 562: a module's own `__getattr__(name)` answers what its globals do not
                # hold (a constant made on first use)
                try:
                    return self.call(hook, [Known(name)], {}, span)
                except UserRaise as exc:
                    if quiet and exc.what.startswith("AttributeError"):
                        return Unknown("", span, f"no attribute {name}")
                    raise
        if isinstance(obj, LibRef):
            if not quiet and obj.path.startswith("py:") and _missing_stdlib_attr(obj.path[3:], name):
                # `math.step(...)`: the standard library module is the one the run imports
                raise UserRaise(span, f"AttributeError: module '{obj.path[3:]}' has no attribute '{name}'")
            if not quiet:
                from flopcast.analyzer.builtins import library_lacks

                lacks = library_lacks(obj.path, name)  # `fnp.add.reduce`, `fnp.not_there`
                if lacks is not None:
                    raise UserRaise(span, f"AttributeError: {lacks}")
            return lib_attr(obj, name)
        if isinstance(obj, InstanceVal):
            if self.descriptors:
                desc = descriptors.on_type(obj.cls, name)
                if desc is not None and (descriptors.is_data(desc) or name not in obj.attrs):
                    return descriptors.get(self, desc, obj, obj.cls, span)
            if name in obj.attrs:
                return obj.attrs[name]
            if name == "__class__":
                return obj.cls
            if name == "__dict__" and obj.payload is None and all(c.node is not None and "__slots__" not in c.attrs
                                                                  for c in obj.cls.mro()):
                return DictVal(obj.attrs)  # the instance's own namespace: `self.__dict__.update(cfg)` writes attributes
            owner, attr = obj.cls.lookup(name)
            if attr is not None:
                return self.bind(attr, obj, owner, span)
            if name == "__dataclass_fields__":
                from flopcast.analyzer.builtins import dataclass_fields_dict
                made = dataclass_fields_dict(obj.cls)
                if made is not None:
                    return made
            if name in _MODULE_METHODS and _is_flops_module(obj.cls):
                return BoundLib(f"flopscope.Module.{name}", obj)
            if name in ("_replace", "_asdict") and any(c.tuple_like for c in obj.cls.mro()):
                return BoundLib("py:namedtuple." + name, obj)
            if name == "_fields" and any(c.tuple_like for c in obj.cls.mro()):
                return _namedtuple_fields(obj.cls)
            if obj.payload is not None and name in _CONTAINER_METHODS[type(obj.payload)]:
                return BoundLib("py." + name, obj.payload)  # dict's / list's own method
            owner, hook = obj.cls.lookup("__getattr__")
            if obj.payload is not None and isinstance(hook, Builtin) and hook.name == "dict.__getitem__" \
                    and not (name.startswith("__") and name.endswith("__")):
                return self.subscript(obj.payload, Known(name), node)  # `__getattr__ = dict.__getitem__`
            if isinstance(hook, FunctionVal) and not (name.startswith("__") and name.endswith("__")):
                # Python asks __getattr__ for what normal lookup does not find
                try:
                    return self.call(self.bind(hook, obj, owner, span), [Known(name)], {}, span)
                except UserRaise as exc:
                    if quiet and exc.what.startswith("AttributeError"):
                        return Unknown("", span, f"no attribute {name}")
                    raise
        if isinstance(obj, ClassVal):
            owner, attr = obj.lookup(name)
            if attr is not None:
                if isinstance(attr, FunctionVal) and attr.kind == "classmethod":
                    return BoundMethod(attr, obj)
                if isinstance(attr, PartialMethodVal):
                    return self._partial_method(attr, obj, span)
                if isinstance(attr, FunctionVal) and attr.attrs and dispatch.is_dispatcher(attr):
                    return dispatch.through_class(attr)
                if self.descriptors and isinstance(attr, InstanceVal) and descriptors.on_type(obj, name) is attr:
                    return descriptors.get(self, attr, Known(None), obj, span)  # `Class.attr`: __get__(None, Class)
                return attr
            if name == "__name__":
                return Known(obj.name)
            if name == "__qualname__" and obj.node is not None:
                return Known(obj.qualname)  # a class statement's, as Python names it
            if name == "_fields" and any(c.tuple_like for c in obj.mro()):
                return _namedtuple_fields(obj)
            if name == "_make" and any(c.tuple_like for c in obj.mro()):
                return BoundLib("py:namedtuple._make", obj)
            if name == "register" and dunders.is_abc(obj):
                return BoundLib("py:abc.register", obj)
            if name == "__dataclass_fields__":
                # `cls(**{k: d[k] for k in cls.__dataclass_fields__})`: a config built from a dict
                from flopcast.analyzer.builtins import dataclass_fields_dict
                made = dataclass_fields_dict(obj)
                if made is not None:
                    return made
            if name == "from_file" and _is_flops_module(obj):
                return BoundLib("flopscope.Module.from_file", obj)
        if isinstance(obj, SuperVal):
            if isinstance(obj.receiver, InstanceVal):
                mro = obj.receiver.cls.mro()
            elif isinstance(obj.receiver, ClassVal) and obj.cls in obj.receiver.mro():
                mro = obj.receiver.mro()
            else:  # a metaclass's method, its receiver a class it made
                mro = obj.cls.mro()
            after = mro[mro.index(obj.cls) + 1:] if obj.cls in mro else mro[1:]
            for c in after:
                if name in c.attrs:
                    return self.bind(c.attrs[name], obj.receiver, c, span)
            if name == "__init__":
                if isinstance(obj.receiver, InstanceVal) and obj.receiver.payload is not None:
                    return PartialVal(Builtin("container_init"), [obj.receiver], {})
                if isinstance(obj.receiver, InstanceVal) and dunders.exception_base(obj.receiver.cls) is not None:
                    return PartialVal(Builtin("exception_init"), [obj.receiver], {})
                if isinstance(obj.receiver, InstanceVal):
                    return PartialVal(Builtin("object_init_of"), [obj.receiver], {})
                return Builtin("object_init")
            if name == "__init_subclass__" or name in installed.base_estimator().noops and any(
                    isinstance(b, LibRef) and b.path == "whestbench.BaseEstimator" for c in after for b in c.bases):
                return Builtin("noop")  # `super().setup(ctx)`: BaseEstimator's returns None
            if name == "__setattr__" and isinstance(obj.receiver, InstanceVal):
                return PartialVal(Builtin("object_setattr"), [obj.receiver], {})
            if name == "__new__":  # object.__new__(cls), or type.__new__(meta, ...) in a metaclass
                return Builtin("type.__new__" if _is_metaclass(obj.cls) else "object.__new__")
            if name == "__call__" and isinstance(obj.receiver, ClassVal) and _is_metaclass(obj.cls):
                return PartialVal(Builtin("type.__call__"), [obj.receiver], {})  # a metaclass's __call__
        if isinstance(obj, Builtin) and name == "__init__" and dunders.is_builtin_exception(obj.name):
            return Builtin("exception_init")  # `ValueError.__init__(self, msg)` in a subclass's __init__
        if isinstance(obj, Builtin) and obj.name in ("dict", "list") and name in ("__getitem__", "__init__"):
            # `__getattr__ = dict.__getitem__` (an attribute dict), `dict.__init__(self, ...)`
            return Builtin("dict.__getitem__" if name == "__getitem__" and obj.name == "dict" else
                           "container_init" if name == "__init__" else f"{obj.name}.{name}")
        if isinstance(obj, Builtin) and obj.name == "object" and name == "__setattr__":
            return Builtin("object_setattr")  # a frozen dataclass's __post_init__ sets fields this way
        if isinstance(obj, Builtin) and obj.name in ("object", "type") and name == "__new__":
            return Builtin(f"{obj.name}.__new__")
        if isinstance(obj, Builtin) and name in _PURE_CLASS_METHODS.get(obj.name, ()):
            # `int.from_bytes(b"team", "little")`: a pure alternate constructor, called with known values
            return Known(getattr(getattr(builtins, obj.name), name))
        if isinstance(obj, Generator):
            return BoundLib(("random.RandomState." if obj.legacy else "random.Generator.") + name, obj)
        if isinstance(obj, RandomVal) and name in stdlib_random.METHODS:
            return BoundLib("py:Random." + name, obj)
        if isinstance(obj, RandomVal) and not quiet and name not in stdlib_random.ATTRIBUTES:
            raise UserRaise(span, f"AttributeError: 'Random' object has no attribute '{name}'")
        if isinstance(obj, ExitStackVal) and name in exit_stack.METHODS:
            return BoundLib("py:ExitStack." + name, obj)
        if isinstance(obj, PyGenerator) and (obj.function is not None and name == "send" or name == "close"):
            return BoundLib("py:generator." + name, obj)
        if isinstance(obj, DTypeRef):
            if name == "name":
                return Known(obj.name)
            if name == "itemsize":
                return Known(dtypes.itemsize(obj.name))
            if name == "kind":  # numpy's one-letter class of the dtype
                kind = next((k for prefix, k in _DTYPE_KINDS if obj.name.startswith(prefix)), None)
                if kind is not None:
                    return Known(kind)
            if name == "type":
                return DTypeRef(obj.name)  # the scalar type
        if isinstance(obj, NpzFile):
            if name == "files":
                return ListVal([Known(k) for k in obj.arrays])
            if name == "close":
                return BoundLib("py:npz.close", obj)  # `z = np.load(p); ...; z.close()`
            if name in ("keys", "values", "items"):
                backing = plain_numpy.npz_mapping(obj)  # numpy's NpzFile is a Mapping
                backing.npz = obj
                return BoundLib("py." + name, backing)
            if name == "get":
                return BoundLib("py:npz.get", obj)
        if isinstance(obj, PartialVal) and name in ("func", "args"):
            # what a registry or a log reads of a partial (`p.func.__name__`); a partial of a
            # partial is flattened, as functools.partial makes it
            func, args = obj.func, list(obj.args)
            while isinstance(func, PartialVal):
                func, args = func.func, list(func.args) + args
            return func if name == "func" else make_tuple(args)
        if isinstance(obj, FunctionVal) and name in obj.attrs:
            return obj.attrs[name]
        if isinstance(obj, FunctionVal) and name == "register" and dispatch.is_dispatcher(obj):
            return BoundLib(dispatch.REGISTER, obj)
        if isinstance(obj, FunctionVal) and obj.cached and name in ("cache_clear", "cache_info"):
            return BoundLib(f"py:functools.lru_cache.{name}", obj)
        if isinstance(obj, FunctionVal) and name in ("__name__", "__qualname__", "__doc__"):
            # what a logging or timing decorator reads of the function it wraps
            named = isinstance(obj.node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if name == "__name__":
                return Known(obj.node.name if named else "<lambda>")
            if name == "__qualname__":
                return Known(obj.qualname)
            return Known(ast.get_docstring(obj.node) if named else None)
        if isinstance(obj, Known):
            method = _known_method(obj.value, name)
            if method is not None:
                return method
            if isinstance(obj.value, _HASH_TYPES) and name == "update":
                self.unfollowed_change(span, "hash.update", "update() of a hash object is not modelled")
            if isinstance(obj.value, BaseException) and name == "args":
                return TupleVal(tuple(Known(a) for a in obj.value.args))  # (made only of known arguments)
            if isinstance(obj.value, PurePosixPath):
                attr = submission_files.path_attr(obj.value, name)
                if attr is not None:
                    return attr
            missing = _missing_attribute(obj.value, name) \
                if (type(obj.value) in _PLAIN_TYPES or _fixed_library_type(obj.value)) and not quiet else None
            if missing is not None:
                # `n.bit_lenght()`: a number's, a string's or a tuple's type is fixed, so this is Python's raise
                raise UserRaise(span, f"AttributeError: {missing}")
        if isinstance(obj, TupleVal) and name in obj.fields:
            return obj.items[obj.fields.index(name)]  # numpy's named results (eigh(c).eigenvalues)
        if isinstance(obj, ChainMapVal):
            attr = chain_maps.attribute(obj, name)
            return attr if attr is not None else BoundLib("py." + name, obj)
        if obj.__class__ is DequeVal and name == "maxlen":
            return Known(obj.maxlen)  # `len(q) == q.maxlen`: the number (or None) it was made with
        if obj.__class__ is DequeVal and not quiet and not name.startswith("__") and name not in _DEQUE_ATTRS:
            raise UserRaise(span, f"AttributeError: 'collections.deque' object has no attribute '{name}'")
        if isinstance(obj, (ListVal, DictVal)):
            if isinstance(obj, DictVal) and obj.factory is None and not quiet and not name.startswith("__") \
                    and name not in _CONTAINER_METHODS[DictVal] and not (name == "move_to_end" and obj.ordered):
                # (move_to_end: collections.OrderedDict's)
                # `fnp.load(path).files` (flopscope's load returns a plain dict, not numpy's NpzFile);
                # (a ListVal also stands for other iterables: map(), zip(), a generator expression)
                raise UserRaise(span, f"AttributeError: 'dict' object has no attribute '{name}'")
            if obj.__class__ is ListVal and not obj.is_set and obj.view_of is None and not quiet \
                    and not name.startswith("__") and name not in _ITERABLE_ATTRS:
                # `pending.average()`: a name no list has, nor any iterable a ListVal stands for
                raise UserRaise(span, f"AttributeError: 'list' object has no attribute '{name}'")
            return BoundLib("py." + name, obj)
        if isinstance(obj, NumpyScalar):
            if name in ("item",):
                return BoundLib("scalar.item", obj)
            if name == "dtype":
                return DTypeRef(obj.dtype, instance=True)
            return BoundLib("scalar." + name, obj)
        if quiet:
            return Unknown("", span, f"no attribute {name}")
        if isinstance(obj, InstanceVal) and not self.result.unpriced and dunders.plainly_missing(obj, name):
            # `try: return self._gram / except AttributeError:` (lazy set-up): Python's raise, claimed
            # only where every class is the user's and nothing so far was left unpriced
            raise UserRaise(span, f"AttributeError: '{obj.cls.name}' object has no attribute '{name}'")
        if isinstance(obj, ClassVal) and not self.result.unpriced and dunders.class_plainly_missing(obj, name):
            # `Plan.ones(...)` for `Plan.make(...)`: the class statement's and its bases' names are all known
            raise UserRaise(span, f"AttributeError: type object '{obj.name}' has no attribute '{name}'")
        if isinstance(obj, Unknown):
            return Unknown(obj.kind if name in ("real",) else "", obj.origin, obj.reason)
        where = node if node is not None else None
        return self.unpriced(where, f"attribute {name!r}", f"not known on {type(obj).__name__}")

    def _class_membership(self, left: Value, cls: ClassVal, node):
        """``x in K`` for a class K of the user's: Python asks K's metaclass (``type(K)``), not
        K. A user metaclass's ``__contains__`` runs with K as its receiver (its truth, or an
        Unknown when that depends on values); a class whose
        metaclass is ``type`` (every base the user's or a builtin class) is not a container, so
        the test raises TypeError. None: not known here (a library base, such as Enum, whose
        metaclass may hold members; a metaclass that iterates)."""
        span = self.node_span(node)
        meta = cls.metaclass
        if meta is None:
            if _type_is_plain_type(cls):
                raise UserRaise(span, "TypeError: argument of type 'type' is not iterable")
            return None
        if not isinstance(meta, ClassVal):
            return None
        owner, method = meta.lookup("__contains__")
        if isinstance(method, FunctionVal):
            truth = dunders.truth_of(self, self.call(self.bind(method, cls, owner, span), [left], {}, span), span)
            return Unknown("bool", span, "a metaclass's __contains__ that depends on values") if truth is None \
                else truth
        if any(meta.lookup(name)[1] is not None for name in ("__iter__", "__getitem__")) \
                or not _type_is_plain_type(meta):
            return None
        raise UserRaise(span, f"TypeError: argument of type '{meta.name}' is not iterable")

    def bind(self, attr: Value, receiver: Value, owner: ClassVal, span: Span) -> Value:
        if isinstance(attr, FunctionVal):
            if attr.kind == "staticmethod":
                return attr
            if attr.kind == "classmethod":
                return BoundMethod(attr, receiver.cls if isinstance(receiver, InstanceVal) else receiver)
            if attr.kind == "property":
                return self.call(BoundMethod(attr, receiver), [], {}, span)
            if attr.kind == "cached_property":
                if isinstance(receiver, InstanceVal) and _has_no_dict(receiver):
                    # functools.cached_property looks for the instance's __dict__ before it calls
                    raise UserRaise(span, f"TypeError: No '__dict__' attribute on {receiver.cls.name!r} instance "
                                          f"to cache {attr.node.name!r} property.")
                # computed on the first access and stored in the instance, which then shadows it
                value = self.call(BoundMethod(attr, receiver), [], {}, span)
                if isinstance(receiver, InstanceVal):
                    receiver.attrs[attr.node.name] = value
                return value
            return BoundMethod(attr, receiver)
        if isinstance(attr, PartialMethodVal):
            return self._partial_method(attr, receiver, span)
        return attr

    def _partial_method(self, attr: PartialMethodVal, receiver: Value, span: Span) -> Value:
        """``functools.partialmethod`` read on an instance (``receiver``) or on a class: its function
        bound as the class's own would be, then partial(bound, *args, **kwargs). On the class a
        plain function stays unbound, its receiver the first argument of the call, before the
        partial's arguments: a partial of it is that only with no positional arguments."""
        func = attr.func
        on_instance = isinstance(receiver, InstanceVal)
        if isinstance(func, FunctionVal) and func.kind in ("function", "classmethod") \
                and (on_instance or func.kind == "classmethod" or not attr.args):
            if func.kind == "classmethod":
                bound = BoundMethod(func, receiver.cls if on_instance else receiver)
            else:
                bound = BoundMethod(func, receiver) if on_instance else func
            return PartialVal(bound, list(attr.args), dict(attr.kwargs))
        return self._unpriced_at(span, "functools.partialmethod", "read this way, or of this callable, it is not "
                                 "modelled")

    # ------------------------------------------------------------ comprehensions

    def comprehension(self, node, make, steady: bool = False) -> Value:
        """Run a comprehension; its items made, or None when a level's items are not known.
        ``steady``: ``make`` only evaluates the element (a list comprehension, a generator
        expression made whole), so that a comprehension with one `for` may skip iterations
        that repeat the last one (repeats.SteadyLoop.watch_comprehension)."""
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
        running = RunningComprehension(node, len(self._outer_frames), inner)
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
                    watcher = SteadyLoop.watch_comprehension(self, running.node, items, running.made, MAX_STEPS)
                skipped = watcher.skip_from(position) if watcher is not None else 0
                skipped_any = skipped_any or bool(skipped)
                if skipped:
                    # The items from `position` on repeat the last one's: made; make the next one.
                    if self.record_values:
                        watcher.remember_skipped(position, skipped, MAX_VALUES_PER_NAME)
                    position += skipped
                    level[1] = position
                    self.assign(gen.target, items[position])
                if all(self.truth(cond, cond) for cond in gen.ifs):
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

        try:
            made = self.comprehension(gen, make)
        except _ShortCircuit as stop:
            return stop.value
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

        def make():
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
        if not raised and (end[0] == start[0] and end[4] == start[4] or not self.metered):
            return ListVal(items)  # nothing charged or unpriced: nothing to take back
        gen = PyGenerator(None, [], {}, self.node_span(node), items=items, marks=marks, end=end, start=start,
                          comprehension=node, presumed_at=presumed, error=raised[-1] if raised else None)
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

    # ------------------------------------------------------------ calls

    def expr_Call(self, node: ast.Call) -> Value:
        func = self.eval(node.func)
        saved, self.consumer = self.consumer, (self.frame, self.call_span(node))
        try:
            return self._call_node(node, func)
        finally:
            self.consumer = saved

    def _call_node(self, node: ast.Call, func: Value) -> Value:
        if func.__class__ is Builtin and func.name in _SHORT_CIRCUITING and node.args \
                and isinstance(node.args[0], ast.GeneratorExp) and not node.keywords:
            return self.short_circuit(func.name, node)
        args: list[Value] = []
        lazy = (func.__class__ is Builtin and func.name in ("zip", "enumerate")
                or func.__class__ is LibRef and func.path == "py:itertools.islice")
        eager = (func.__class__ is Builtin and func.name not in _LAZY_CONSUMERS
                 or func.__class__ is LibRef and not func.path.startswith("py:itertools.")
                 or func.__class__ is BoundLib and func.path.startswith(("py.", "numpy.", "flopscope")))
        watch = []
        for a in node.args:
            if lazy and a.__class__ is ast.GeneratorExp:
                args.append(self.genexp_as_generator(a))  # taken as far as the call goes
                watch.append(a)
            elif eager and a.__class__ is ast.GeneratorExp:
                args.append(self.eager_genexp(a))
            elif isinstance(a, ast.Starred):
                seq = self.iterate(self.eval(a.value), a)
                if seq is None:
                    return self.unpriced(node, "call with *args", "the unpacked sequence is not known")
                args.extend(seq)
            else:
                args.append(self.eval(a))
        kwargs: dict[str, Value] = {}
        for kw in node.keywords:
            if kw.arg is None:
                d = self._unpacked_mapping(self.eval(kw.value), node)
                if isinstance(d, DictVal):
                    for k, v in d.items.items():
                        key = key_value(k)
                        if not (isinstance(key, Known) and isinstance(key.value, str)):
                            if isinstance(key, Known) or isinstance(key, (TupleVal, InstanceVal)):
                                # `f(**{1: 2})`: Python's TypeError before the call
                                raise UserRaise(self.node_span(node), "TypeError: keywords must be strings")
                            return self.unpriced(node, "call with **kwargs", "a key of the unpacked mapping is not known")
                        if key.value in kwargs:
                            raise UserRaise(self.node_span(node), f"TypeError: got multiple values for keyword "
                                                                  f"argument '{key.value}'")
                        kwargs[key.value] = v
                else:
                    return self.unpriced(node, "call with **kwargs", "the unpacked mapping is not known")
            else:
                value = self.eval(kw.value)
                if kw.arg in kwargs:  # `f(**{"a": 1}, a=2)` (Python refuses a repeated literal keyword itself)
                    raise UserRaise(self.node_span(node), f"TypeError: got multiple values for keyword argument "
                                                          f"'{kw.arg}'")
                kwargs[kw.arg] = value
        if watch:
            made = self.call(func, args, kwargs, self.call_span(node), node)
            for a in watch:  # zip/enumerate/islice take the generator's items as they are asked
                self._watch_genexp(made, a)
            return made
        return self.call(func, args, kwargs, self.call_span(node), node)

    def call_span(self, node: ast.Call) -> Span:
        """Where Python (3.11 on) places a call: a method call (``obj.name(...)``, no ``*args``
        or ``**kwargs``, ``obj`` not a name the module imports) whose name sits on a later line
        than the call's start (``fnp.stack([..., ...]).astype(t)``) starts at that name, as its CALL instruction's position does, which is
        where flopscope's charge is attributed at run time; any other call (and one with 30
        arguments or more, which CPython compiles as a plain call) is its node's span."""
        span = self.node_span(node)
        func = node.func
        if func.__class__ is not ast.Attribute or func.end_lineno == node.lineno \
                or func.value.__class__ is ast.Name and self._module_imports(func.value.id) \
                or any(a.__class__ is ast.Starred for a in node.args) \
                or any(k.arg is None for k in node.keywords) or func.end_col_offset < len(func.attr) \
                or len(node.args) + len(node.keywords) + bool(node.keywords) >= 30:  # (CPython's stack guideline)
            return span
        cached = getattr(node, "_flopcast_call_span", None)
        if cached is not None and cached.path == span.path:
            return cached
        made = Span(span.path, func.end_lineno, func.end_col_offset - len(func.attr), span.end_line, span.end_col)
        node._flopcast_call_span = made
        return made

    def _module_imports(self, name: str) -> bool:
        """Whether the module's own scope binds ``name`` by an import (CPython compiles
        ``fnp.f(...)`` then as an attribute load and a plain call, placed at the call's start)."""
        module = self.frame.module if self.frame else self.program.main
        found = getattr(module.tree, "_flopcast_imports", None)
        if found is None:
            import symtable

            try:
                top = symtable.symtable(module.text, module.path, "exec")
                found = frozenset(sym.get_name() for sym in top.get_symbols() if sym.is_imported())
            except (SyntaxError, ValueError):
                found = frozenset()
            module.tree._flopcast_imports = found
        return name in found

    def call(self, func: Value, args: list[Value], kwargs: dict, span: Span, node=None) -> Value:
        if isinstance(func, FunctionVal):
            return self.call_user(func, args, kwargs, span)
        if isinstance(func, BoundMethod):
            return self.call_user(func.function, [func.receiver] + args, kwargs, span)
        if isinstance(func, ClassVal):
            return self.instantiate(func, args, kwargs, span)
        if isinstance(func, PartialVal):
            return self.call(func.func, list(func.args) + list(args), {**func.kwargs, **kwargs}, span, node)
        if isinstance(func, InstanceVal):
            owner, method = func.cls.lookup("__call__")
            if isinstance(method, FunctionVal):
                return self.call_user(method, [func] + list(args), kwargs, span)
            raise UserRaise(span, f"TypeError: '{func.cls.name}' object is not callable")
        if isinstance(func, LibRef):
            if func.path.startswith("py:math.") and any(isinstance(a, CountKnown) for a in args):
                plain = [Known(a.value) if isinstance(a, CountKnown) else a for a in args]
                return sizetests.through(func.path[3:] if not kwargs else "", args,
                                         self.call_lib(func.path, plain, kwargs, span, node))
            return self.call_lib(func.path, args, kwargs, span, node)
        if isinstance(func, BoundLib):
            return self.call_bound(func, args, kwargs, span, node)
        if isinstance(func, (DTypeRef, Builtin)) \
                and (isinstance(func, DTypeRef) or func.name in _NUMPY_WORK_BUILTINS and "key" not in kwargs) \
                and plain_numpy.has_plain(args) and not plain_numpy.has_flopscope(list(args) + list(kwargs.values())):
            # Python's builtins and numpy's scalar types on numpy's own arrays: numpy's work, unbilled
            flopscope_args = [plain_numpy.as_flopscope(a) for a in args]
            return plain_numpy.free(self, lambda: self.call(func, flopscope_args, kwargs, span, node))
        if isinstance(func, DTypeRef):
            if kwargs or len(args) > 1:
                refused = _scalar_type_call_refusal(func.name, len(args), tuple(kwargs))
                if refused is not None:
                    raise UserRaise(span, f"TypeError: {refused}")
            if args and isinstance(args[0], Array):
                return self.price_call("dtype_call", [args[0], func], {}, node, span)
            if len(args) == 1 and not kwargs and (isinstance(args[0], (ListVal, TupleVal)) or (
                    isinstance(args[0], Known) and isinstance(args[0].value, (list, tuple)))):
                # numpy's scalar type called on a sequence makes numpy's own array of it
                return self.call_raw_numpy("asarray", args, {"dtype": func}, span, node)
            made = plain_numpy.computed(func.name, args, kwargs)  # np.int64(4) is a 4
            if made is None:
                refused = plain_numpy.refusal(func.name, args, kwargs)  # np.int32(2**40): OverflowError
                if refused is not None:
                    raise UserRaise(span, refused)
            return NumpyScalar(func.name, span if func.name == "float64" else None,
                               made.item() if made is not None and str(made.dtype) == func.name else None)
        if isinstance(func, Builtin):
            from flopcast.analyzer.builtins import call_builtin

            if func.name == "bool" and len(args) == 1 and isinstance(args[0], CountKnown):
                return self.size_truth(args[0], node)
            if any(isinstance(a, CountKnown) for a in args):  # `min(len(idx), 8)`: still the count's
                plain = [Known(a.value) if isinstance(a, CountKnown) else a for a in args]
                return sizetests.through(func.name if not kwargs else "", args,
                                         call_builtin(self, func.name, plain, kwargs, span, node))
            if func.name in _NUMERIC_BUILTINS:
                args = [plain_member(a) for a in args]  # `int(Level.FULL)`, `range(Level.FULL)`
            return call_builtin(self, func.name, args, kwargs, span, node)
        if isinstance(func, Known) and callable(func.value) and getattr(func.value, "__self__", None) is not None:
            try:
                plain_args = [_concrete(a) for a in args]
                plain_kwargs = {k: _concrete(v) for k, v in kwargs.items()}
            except _NotConcrete:
                owner = func.value.__self__
                if isinstance(owner, str) and func.value.__name__ == "format" \
                        and any(dunders.holds_text_methods(a) for a in (*args, *kwargs.values())):
                    # str.format asks each object for its text (its __format__, __str__, __repr__)
                    return dunders.text_made(self, owner.format, list(args), dict(kwargs), span)
                if func.value.__name__ in _MUTATORS_OF.get(type(owner), ()):
                    # it would then hold what the analyzer does not know: later reads are guesses
                    self.unfollowed_change(span, f"{type(owner).__name__}.{func.value.__name__}()",
                                           f"changes a {type(owner).__name__} by items the analyzer does not know")
                return Unknown("", span, "result of a method called with values the analyzer does not know")
            try:
                return Known(func.value(*plain_args, **plain_kwargs))
            except Exception as exc:  # noqa: BLE001
                raise python_raise(span, exc) from None
        if isinstance(func, Known) and not callable(func.value) or isinstance(func, (ListVal, TupleVal, DictVal)):
            kind = type(func.value).__name__ if isinstance(func, Known) else \
                {ListVal: "list", TupleVal: "tuple", DictVal: "dict"}[type(func)]
            raise UserRaise(span, f"TypeError: '{kind}' object is not callable")
        if isinstance(func, (Array, NumpyScalar)):
            # `w(3)`, `fnp.float64(1.0)(2)`: an array or a numpy scalar is no callable
            kind = ("numpy.ndarray" if func.plain else "FlopscopeArray") if isinstance(func, Array) \
                else f"numpy.{func.dtype}"
            raise UserRaise(span, f"TypeError: '{kind}' object is not callable")
        if isinstance(func, Unknown):
            # A method of a value the analyzer could not compute (`x.astype(...)` on the result
            # of an unpriced op): the call is unpriced for the same root cause.
            reason = ops.unknown_operand_reason(func)
            handed = next((a for a in (*args, *kwargs.values()) if changeable(a)), None)
            if handed is not None and node is not None:
                # it may change what it is handed (`list.__setitem__(xs, i, v)`, a library's
                # shuffle): going on with the object as it was would be a guess
                self.unfollowed_change(span, "call on an unknown value",
                                       f"{reason}; it is handed {kind_name(handed)} it may change")
            if node is not None and self.metered:
                return self.unpriced(node, "call on an unknown value", reason)
            return Unknown("", func.origin, reason)
        if any(isinstance(a, Array) for a in args):
            return self.unpriced(node, "call of an unknown function", "it receives arrays; its charges are unknown")
        return Unknown("", span, "result of an unknown call")

    def price_call(self, name: str, args, kwargs, node, span: Optional[Span] = None) -> Value:
        saved = self.span
        self.span = span or self.node_span(node)
        if any(isinstance(a, InstanceVal) and a.payload is not None for a in args):
            # numpy reads a user subclass of list (or dict) as the container it is
            args = [a.payload if isinstance(a, InstanceVal) and a.payload is not None else a for a in args]
        mark = len(self.result.charges)
        try:
            if self.warning_filters.inside_ops and not self.free and name in installed.op_inventory().remote_unsupported:
                warning_filters.callback_op(self, name, self.span)
            result = ops.dispatch(self, name, args, kwargs)
            memory_limit.check(self, name, args, result, mark)
            # (numpy's own work on its own arrays is free, and its 0-d values are numpy's too; an
            # out= buffer, by keyword or by position, is handed back as it is, numpy's own too)
            into_out = result.__class__ is Array and any(result is v for v in [*args[1:], kwargs.get("out")])
            result = scalar_values.attach(result if self.free or into_out else plain_numpy.fnp_result(name, result),
                                          name, args, kwargs)
            result = presumptions.after_op(name, args, result)
            overflow.after_op(self, name, args, kwargs, result)
            self.raise_on_values(name, args, kwargs, result)
            self._symmetry_loss_may_raise(name, args, kwargs, result)
            return result
        except FloatErrorsRaise as exc:
            raise PathEnd(f"{exc}; any float op after it may raise FloatingPointError, so the cost after it "
                          "is not counted", self.span, what=f"fnp.{name}")
        except OpError as exc:
            return self.unpriced(node, f"fnp.{name}" if node is not None else name, str(exc)) if node is not None \
                else self._unpriced_at(self.span, f"fnp.{name}", str(exc))
        except OpRaises as exc:
            if self.free and exc.exc_type in _FLOPSCOPE_ONLY:
                # numpy's own call on its own values: flopscope's refusal (a string operand is not
                # billable) is not numpy's, which raises otherwise or not at all
                # (`np.diagonal("float32")`: numpy's ValueError)
                reason = f"numpy's own {name} where flopscope would raise {exc.exc_type}: what numpy does is not modelled"
                return self.unpriced(node, f"np.{name}", reason) if node is not None \
                    else self._unpriced_at(self.span, f"np.{name}", reason)
            self._charged_before_refusal(name, args, kwargs, mark, exc)
            return self.op_raises(self.span, f"fnp.{name}", exc)
        except (IndexError, KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            # Not an error the handler checked for (often a call with arguments numpy would
            # refuse, met before any check): unpriced, never claimed as the program's raise.
            reason = f"could not model this call ({type(exc).__name__}: {exc})"
            return self.unpriced(node, f"fnp.{name}", reason) if node is not None else self._unpriced_at(self.span, name, reason)
        finally:
            self.span = saved

    def _charged_before_refusal(self, name: str, args, kwargs: dict, mark: int, exc: OpRaises) -> None:
        """flopscope charges many calls before numpy refuses them (``fnp.reshape(w, (3, 5))``
        bills the copy, ``fnp.sort(w, axis=-3)`` the sort along the axis wrapped around): a
        program that catches the raise has paid it. Where the handler's charge falls short,
        flopscope is asked (``pricing.probe``, on zeros of the arrays' shapes): when that call
        raises the same class, what it charged first is charged; where it does not (the refusal
        reads array values), nothing is added."""
        from flopcast.analyzer.ops.operands import NoSpec, probe_spec

        if self.free or name.startswith(("ndarray.", "flopscope.", "stats.")) or name == "dtype_call":
            return
        try:
            specs = [probe_spec(a) for a in args], {k: probe_spec(v) for k, v in kwargs.items()}
        except NoSpec:
            return
        arrays = [v for v in list(args) + list(kwargs.values()) if isinstance(v, Array)]
        if not pricing.can_probe(*(a.shape for a in arrays)):
            return
        found = pricing.probe(name, *specs)
        charged = sum(c.flops for c in self.result.charges[mark:])
        if found is not None and found[0] not in (exc.exc_type, _SHOWN_AS.get(exc.exc_type)):
            # flopscope refuses these shapes otherwise, or earlier (`fnp.piecewise` counts its
            # functions before it looks at the dtype): which raise the run makes is not modelled.
            # A class among the modelled one's bases is another raise too: the run's TypeError
            # (`fnp.argmax("ij", w, v)` refuses the float out= first) escapes an `except
            # UnsupportedDtypeError:` the modelled class would meet. Only the name numpy shows a
            # class under (its _UFuncOutputCastingError is named UFuncTypeError) is the same raise.
            raise PathEnd(f"fnp.{name}: flopcast's model raises {exc.exc_type}, flopscope on arrays of these "
                          f"shapes {found[0]}: which one the run raises is not modelled", self.span,
                          what=f"fnp.{name}")
        if found is None or found[2] <= charged:
            return
        self.charge(name, found[2] - charged, arrays[0].dtype if arrays else None, measured=True)

    def op_raises(self, span: Span, what: str, exc: OpRaises) -> Value:
        """A call that raises on its operands: the program's own error, raised along the path
        as Python would (an `except` catches it; escaping predict, it is a Raise). When this
        path took a size read from data at one end of its range, the shapes were chosen, not
        known: the raise is not claimed and the call stays unpriced."""
        if any(site.kind == "shape" for site in self.decisions.seen):
            return self._unpriced_at(span, what, f"raises {exc} with the sizes read from data this path "
                                                 "took; whether it raises depends on values")
        raise UserRaise(span, str(exc))

    def _wrote_out(self, kwargs: dict) -> None:
        """numpy's own call wrote its result into ``out=`` (``np.cumsum(a, out=b)``): what was
        known of that buffer's values is gone."""
        out = kwargs.get("out")
        for a in (out.items if out.__class__ is TupleVal else (out,)):
            if a.__class__ is Array and a.plain:
                self.write_in_place(a)

    def _plain_in_place(self, x: Array, method: str, args, kwargs, span: Span) -> Value:
        """An in-place method of numpy's own ndarray (flopscope's arrays refuse them): free, and
        followed only in the forms that cannot raise; what was known of the values is gone."""
        # (a Python int past float64's range raises OverflowError in fill)
        number = len(args) == 1 and isinstance(args[0], Known) and (
            type(args[0].value) in (bool, float) or type(args[0].value) is int and abs(args[0].value) < 2 ** 63)
        if method == "fill" and number and not kwargs and x.dtype.startswith(("float", "complex")):
            self.write_in_place(x)
            return Known(None)
        if method == "sort" and not args and not kwargs and x.ndim >= 1:
            self.write_in_place(x)
            return Known(None)
        return self._unpriced_at(span, f"ndarray.{method}", "this form of numpy's in-place method is not modelled")

    def _unpriced_at(self, span: Span, what: str, reason: str, raises: bool = True) -> Value:
        """``raises``: whether the op may raise at run time (the run then stops there: the path's
        low end counts what came before it, api._floor_at_first_unpriced)."""
        self.unpriced_marks += 1
        if self.free:
            # numpy's own work on plain arrays is free, but a call flopcast does not model may
            # raise there (np.max of an empty array, rng.choice of more than the pool): the
            # run then stops or goes to a handler, so nothing after it is claimed
            reason = f"{reason} (numpy's own call on plain arrays: whether it raises is not known)"
        key = (span, what)
        self.effects += 1
        if key not in self._unpriced_keys:
            self._unpriced_keys.add(key)
            self.result.unpriced.append(Unpriced(span, what, reason, self.frame.qualname if self.frame else ""))
        if self.metered and self._first_unpriced is None:
            self._first_unpriced = len(self.result.charges)
        if self.metered and raises and self._first_raising is None:
            self._first_raising = len(self.result.charges)
        if self.handlers.depth:
            # what flopcast does not price may raise at run time, and a handler around it then runs
            # instead of what follows: going on would count work the run may not do
            raise PathEnd(f"{reason}; inside a try statement it may raise into a handler, so the cost after it "
                          "is not counted", span, what=what)
        return Unknown("", span, reason)

    def call_lib(self, path: str, args, kwargs, span: Span, node) -> Value:
        if path.startswith("flopscope.numpy."):
            name = path[len("flopscope.numpy."):]
            if ops.handles(name) and name not in _POSITIONALS_CHECKED_BY_HANDLER:
                return self._call_fnp(name, args, kwargs, node, span)
            return self.price_call(name, args, kwargs, node, span)
        if path.startswith("flopscope.stats."):
            name = path[len("flopscope."):]
            params = pricing.parameters(name)
            where = f"{name.rsplit('.', 1)[-1]}()"
            if 0 <= params.capacity < len(args):
                raise UserRaise(span, f"TypeError: {where} takes at most {params.capacity} positional arguments "
                                      f"but {len(args)} were given")
            unexpected = params.unexpected(kwargs)
            if unexpected:
                raise UserRaise(span, f"TypeError: {where} got an unexpected keyword argument {unexpected[0]!r}")
            missing = params.missing(len(args), kwargs)
            if missing:
                raise UserRaise(span, f"TypeError: {where} {missing}")
            return self.price_call(name, args, kwargs, node, span)
        if path.startswith("flopscope."):
            rest = path[len("flopscope."):]
            if rest in ("einsum",):
                return self._unpriced_at(span, f"flops.{rest}", "flopscope has no top-level einsum (AttributeError); "
                                         "use fnp.einsum")
            if rest in ("as_symmetric",):
                return self.price_call("flopscope." + rest, args, kwargs, node, span)
            if rest == "current_budget":
                return self.budget_snapshot(span)
            if rest == "budget_live":
                # a live display of the budget for `with` (no snapshot: `.flops_remaining` of it raises)
                return InstanceVal(ClassVal("_BudgetLive", "_BudgetLive", [], {}), {})
            if rest == "configure":
                warning_filters.configure(self, kwargs, span)
            if rest in ("configure", "einsum_clear_caches", "clear_cache", "budget_summary"):
                return Known(None)  # budget_summary() prints a table and returns None
            if rest == "budget_summary_dict":
                return self.budget_summary(span)
            if rest == "namespace":
                return self.budget_namespace(args, kwargs, span)
            if rest.split(".")[0] not in installed.op_inventory().top_level:
                return self._unpriced_at(span, f"flops.{rest}", f"flopscope {installed.flopscope_version()} has no "
                                         f"attribute `{rest.split('.')[0]}` (AttributeError when this line runs)")
            return self._unpriced_at(span, f"flops.{rest}", "this flopscope API is not modelled")
        if path.startswith("rawnumpy"):
            return self.call_raw_numpy(path[len("rawnumpy."):], args, kwargs, span, node)
        if path in _CACHING_DECORATORS:
            return self.cache_wrapper(path, args, kwargs, span)
        if path == "py:functools.update_wrapper" and len(args) == 2 and not kwargs \
                and isinstance(args[0], (FunctionVal, InstanceVal)):
            self.update_wrapper(args[0], args[1], span)  # what @wraps(f) does, called by hand
            return args[0]
        if path in dispatch.MAKERS:
            made = dispatch.make(args[0], dispatch.MAKERS[path]) if len(args) == 1 and not kwargs else None
            return made if made is not None else self._unpriced_at(
                span, path[3:], "a dispatcher around something other than a function of the user's is not modelled")
        if path.startswith("py:"):
            from flopcast.analyzer.builtins import call_stdlib

            return call_stdlib(self, path[3:], args, kwargs, span, node)
        if path in _WHESTBENCH_PURE:
            return self.call_whestbench_pure(path, args, kwargs, span)
        if path in ("whestbench.MLP", "whestbench.domain.MLP"):
            return self.make_user_mlp(args, kwargs, span)
        if path.startswith("whestbench"):
            return Unknown("", span, f"{path} result")
        return Unknown("", span, f"result of {path}")

    def _call_fnp(self, name: str, args, kwargs: dict, node, span: Span) -> Value:
        """``fnp.<name>(*args, **kwargs)`` with its arguments bound as flopscope binds them: its
        innermost function's parameters (more by position, or a required one missing: TypeError
        before any charge), then what it spreads into numpy's call (``pricing.spread``) and the
        keywords it passes on (``_price_binding_keywords``)."""
        params = pricing.parameters(name)
        if 0 <= params.capacity < len(args):
            # flopscope's innermost function binds the call before anything is charged
            # (the handlers read numpy's layout, which takes more by position)
            if not params.read_from_code:
                raise PathEnd(f"fnp.{name} states it takes at most {params.capacity} arguments by position "
                              "(a builtin's stated signature, not read from code: not modelled)",
                              span, what=f"fnp.{name}")
            raise UserRaise(span, f"TypeError: {params.too_many(name, len(args))}")
        if params.capacity < 0:
            spread = pricing.spread(name)
            if spread is not None and spread.capacity < len(args):
                return self._refused_after(
                    name, f"fnp.{name}", spread.charged_first, spread.message(len(args)), args, kwargs,
                    lambda: self._price_binding_keywords(name, list(args[:spread.capacity]), kwargs, node, span),
                    span)
        missing = params.missing(len(args), kwargs)
        if missing and not params.unexpected(kwargs):
            raise UserRaise(span, f"TypeError: {name.rsplit('.', 1)[-1]}() {missing}")
        return self._price_binding_keywords(name, args, kwargs, node, span)

    def _bind_own_method(self, method: str, recv: Array, args, kwargs: dict, span: Span, node) -> None:
        """flopscope's array methods that hand their arguments to numpy's own method
        (``_call_numpy(super().copy, *args, **kwargs)``: ``w.copy(bogus=1)``, ``w.flatten('C', 1)``):
        numpy's TypeError for what it has no parameter for, after flopscope's charge where
        numpy is called inside it (the charge is the call's without them). Claimed only where
        what the method does with its arguments is read off plainly (``pricing.spread`` and
        ``pricing.forwarded``, both at one moment of the charge, the charge reading neither)."""
        name = f"ndarray.{method}"
        if pricing.method_delegate(method) is not None:
            return
        spread = pricing.spread(name)
        passed = pricing.forwarded(name) if kwargs else None
        over = spread is not None and spread.capacity < 1 + len(args)
        refused = passed.refused(kwargs) if passed is not None else []
        if not (over or refused) or kwargs and passed is None or \
                passed is not None and ("*" in passed.read or set(refused) & passed.read or
                                        spread is not None and passed.charged_first != spread.charged_first):
            return
        if over:
            found, message = spread, spread.message(1 + len(args))
        else:
            found, message = passed, f"TypeError: {passed.function}() got an unexpected keyword argument {refused[0]!r}"
        kept_args = list(args[:spread.capacity - 1]) if over else list(args)
        kept = {k: v for k, v in kwargs.items() if k not in refused}
        self._refused_after(name, f"array method .{method}()", found.charged_first, message, [recv] + list(args),
                            kwargs, lambda: self.call_bound(BoundLib("numpy." + method, recv), kept_args, kept, span,
                                                            node), span)

    def _refused_after(self, name: str, what: str, charged_first: bool, message: str, args, kwargs, price,
                       span: Span):
        """numpy's refusal (``message``) of arguments flopscope hands it, made inside flopscope's
        charge (``charged_first``: ``price()`` makes that charge, for the call without what numpy
        refuses, which the charge never reads) or before any charge."""
        if not charged_first:
            self._raise_unless_checked(name, args, kwargs, span, message)
        marks = self.unpriced_marks
        try:
            price()
        except UserRaise as exc:
            # flopscope may refuse the arguments before numpy binds them, or numpy after: which
            # one raises first (and what it raises) is not modelled
            raise PathEnd(f"{what}: numpy refuses arguments flopscope hands it ({message}) and the call without "
                          f"them raises ({exc}): which raise comes first is not modelled", span, what=what) from None
        if self.unpriced_marks != marks:
            raise PathEnd(f"{what}: numpy refuses arguments flopscope hands it ({message}) after a charge that is "
                          "not priced", span, what=what)
        raise UserRaise(span, message)

    def _raise_unless_checked(self, name: str, args: list, kwargs: dict, span: Span, message: str) -> None:
        """numpy's refusal of the call's arguments, made before flopscope charges anything; but
        where flopscope checks their values first (``pricing.values_checked``: the legacy samplers
        refuse a non-numeric object, a type included, ``refuse_non_numeric_source``, all but
        ``dtype=``), that check's refusal comes first, and numpy's is claimed only where every
        value is one the check passes: numbers, text, None, numeric arrays and sequences of them."""
        from flopcast.analyzer.ops.random import _refuse_type_objects

        if not pricing.values_checked(name):
            raise UserRaise(span, message)
        try:
            _refuse_type_objects(name, args, kwargs)
        except OpRaises as exc:
            raise UserRaise(span, str(exc)) from None

        def plain(v) -> bool:
            if isinstance(v, Known):
                return v.value is None or type(v.value) in (bool, int, float, complex, str, bytes) or \
                    isinstance(v.value, (tuple, list)) and all(plain(Known(x)) for x in v.value)
            if isinstance(v, (TupleVal, ListVal)):
                return all(plain(x) for x in v.items)
            if isinstance(v, Array):
                return v.dtype.startswith(("float", "int", "uint", "complex", "bool"))
            return isinstance(v, NumpyScalar)

        if not all(plain(v) for v in list(args) + [v for k, v in kwargs.items() if k != "dtype"]):
            raise PathEnd(f"fnp.{name} refuses its arguments ({message}) unless a check of their values "
                          "raises first: not modelled", span, what=f"fnp.{name}")
        raise UserRaise(span, message)

    def _price_binding_keywords(self, name: str, args, kwargs: dict, node, span: Span) -> Value:
        """``fnp.<name>(*args, **kwargs)`` (or an array method that is that call), with its keywords
        bound as flopscope binds them: one its innermost function has no parameter for is a
        TypeError before anything is charged. A function that gathers the keywords past its own
        parameters in ``**kwargs`` hands them to numpy, which refuses one it has no parameter for:
        flopscope makes that call inside its charge (the charge stands, then the raise) or before
        any charge (nothing charged), as ``pricing.forwarded`` reads from flopscope's source."""
        params = pricing.parameters(name)
        unexpected = params.unexpected(kwargs)
        if unexpected:
            raise UserRaise(span, f"TypeError: {name.rsplit('.', 1)[-1]}() got an unexpected keyword "
                                  f"argument {unexpected[0]!r}")
        passed = pricing.forwarded(name) if params.keywords is None and kwargs else None
        refused = passed.refused(kwargs) if passed is not None else []
        if not refused:
            return self.price_call(name, args, kwargs, node, span)
        message = f"TypeError: {passed.function}() got an unexpected keyword argument {refused[0]!r}"
        if not passed.charged_first:
            self._raise_unless_checked(name, args, kwargs, span, message)
        if "*" in passed.read or set(refused) & passed.read:
            return self._unpriced_at(span, f"fnp.{name}", f"numpy refuses the keyword {refused[0]!r} (TypeError) "
                                     "after flopscope charged a cost that reads it: not modelled")
        marks = self.unpriced_marks
        # flopscope's charge never sees the refused keywords (they only reach numpy)
        result = self.price_call(name, args, {k: v for k, v in kwargs.items() if k not in refused}, node, span)
        if self.unpriced_marks != marks:
            return result
        raise UserRaise(span, message)

    def budget_namespace(self, args: list, kwargs: dict, span: Span) -> Value:
        """``flops.namespace(name)``: a label for the records made in its ``with``, no FLOPs;
        flopscope refuses a name that is blank or holds a '.' (ValueError)."""
        name = args[0] if len(args) == 1 and not kwargs else kwargs.get("name") if len(kwargs) == 1 and not args else None
        if not (isinstance(name, Known) and isinstance(name.value, str)):
            if isinstance(name, Known):
                raise UserRaise(span, "ValueError: namespace segment must be a string")
            return self._unpriced_at(span, "flops.namespace", "a name not known statically may be refused "
                                                              "(blank or holding a '.')")
        segment = name.value.strip()
        if not segment:
            raise UserRaise(span, "ValueError: namespace segment must be non-empty")
        if "." in segment:
            raise UserRaise(span, "ValueError: namespace segment must not contain '.'")
        return InstanceVal(ClassVal("_NamespaceScope", "_NamespaceScope", [], {}), {})

    def make_user_mlp(self, args: list, kwargs: dict, span: Span) -> Value:
        """``MLP(width, depth, weights, seed=0, name="")``: whestbench's plain dataclass (it
        validates nothing when built), with the weights the estimator hands it."""
        fields = dict(zip(("width", "depth", "weights", "seed", "name"), args))
        for key, value in kwargs.items():
            if key in fields or key not in ("width", "depth", "weights", "seed", "name"):
                raise UserRaise(span, f"TypeError: MLP.__init__() got an unexpected or repeated argument {key!r}")
            fields[key] = value
        width, depth, weights = fields.get("width"), fields.get("depth"), fields.get("weights")
        if weights is None or width is None or depth is None:
            raise UserRaise(span, "TypeError: MLP.__init__() missing a required argument (width, depth, weights)")
        if not (isinstance(width, Known) and type(width.value) is int and isinstance(depth, Known)
                and type(depth.value) is int and isinstance(weights, ListVal)):
            return Unknown("", span, "an MLP built from values the analyzer does not know")
        return MLPVal(width.value, depth.value, weights, fields.get("seed", Known(0)), fields.get("name", Known("")))

    def call_whestbench_pure(self, path: str, args, kwargs, span: Span) -> Value:
        """whestbench's cost-model helpers are pure integer functions of the round's
        geometry; calling the installed library with known ints keeps a budget-derived
        sample count exact (this runs whestbench's code, never the estimator's)."""
        if not all(isinstance(a, Known) for a in list(args) + list(kwargs.values())):
            return Unknown("int", span, f"{path.rsplit('.', 1)[1]}() of values that depend on data")
        import importlib

        module, _, name = path.rpartition(".")
        if module == "whestbench.budget":
            fn = getattr(installed.whestbench_budget_module(), name)
        else:
            fn = getattr(importlib.import_module(module), name)
        try:
            return Known(fn(*[a.value for a in args], **{k: v.value for k, v in kwargs.items()}))
        except (TypeError, ValueError) as exc:
            raise UserRaise(span, f"{type(exc).__name__}: {exc}")

    def call_raw_numpy(self, name: str, args, kwargs, span, node) -> Value:
        """A plain ``np.<name>(...)`` call: see plain_numpy.py for the rule."""
        method = name[len("ndarray."):] if name.startswith("ndarray.") else ""
        if method and args and args[0].__class__ is Array and args[0].plain and ops.dtypes.ndarray_method(method):
            # numpy's unbound method on its own array (`np.ndarray.sort(a)` sorts `a` in place):
            # the method, not flopscope's refusal of an in-place sort
            return self.call_bound(BoundLib("numpy." + method, args[0]), list(args[1:]), kwargs, span, node)
        if "sig" not in kwargs:
            # numpy binds its arguments before anything (its dispatcher has the function's
            # signature): a keyword it has no parameter for is a TypeError, nothing charged
            import inspect

            import numpy as np

            from flopcast.analyzer.builtins import refuse_binding

            function = np
            for part in name.split("."):
                function = getattr(function, part, None)
            # so are more arguments by position than it has room for (`np.kron(a, b, c)`), where
            # the signature is the Python one numpy binds: a C function's text signature can be
            # narrower than what it takes (`np.divmod`'s two outs, `np.add.reduce`'s keepdims),
            # so there only the keywords are bound, against the places the signature names
            if type(function).__name__ == "_ArrayFunctionDispatcher" or inspect.isfunction(function):
                refuse_binding(function, len(args), kwargs, span)
            elif kwargs:
                refuse_binding(function, min(len(args), _named_places(function)), kwargs, span)
        if name == "vectorize":
            return self._vectorize(args, kwargs, span)
        values = list(args) + list(kwargs.values())
        if name.startswith("polynomial."):
            try:
                return plain_numpy.free(self, lambda: ops.polynomial.numpy_polynomial(self, name, args, kwargs))
            except OpError as exc:
                return self._unpriced_at(span, f"np.{name}", str(exc))
        dispatched = plain_numpy.dispatch_values(name, args, kwargs)
        if len(dispatched) < len(values) and plain_numpy.has_flopscope(values) \
                and not plain_numpy.has_flopscope(dispatched):
            # numpy's own asarray of the sequence (a copy, unbilled): its implementation runs on that
            args = [plain_numpy.copied_plain(args[0])] + list(args[1:])
            values = list(args) + list(kwargs.values())
        method_target = installed.op_inventory().ufunc_methods.get(name)
        if method_target is not None and args and isinstance(args[0], Array) and not args[0].plain:
            self.routed_warning(name.split(".")[0], span)
            args, kwargs = plain_numpy.ufunc_method_call(name, method_target, args, kwargs)
            self.note(span, f"np.{name} on a flopscope array runs fnp.{method_target} through flopscope's numpy "
                            "protocol and is billed as such")
            return self.price_call(method_target, args, kwargs, node, span)
        generic = ops.elementwise.ufunc_outer if name.endswith(".outer") and plain_numpy.has_flopscope(values) \
            else ops.reductions.ufunc_reduction if name.endswith((".reduce", ".accumulate")) and args \
            and args[0].__class__ is Array and not args[0].plain else None
        if generic is not None:
            self.routed_warning(name.split(".")[0], span)
            self.note(span, f"np.{name} on a flopscope array runs flopscope's generic ufunc-method path and is "
                            "billed as such")
            saved, self.span = self.span, span
            try:
                return generic(self, name, args, kwargs)
            except OpError as exc:
                return self._unpriced_at(span, f"np.{name}", str(exc))
            finally:
                self.span = saved
        if plain_numpy.has_flopscope(dispatched):
            kind, target = plain_numpy.protocol(name)
            if kind == "routed":
                self.routed_warning(name, span)
                self.note(span, f"np.{name} on a flopscope array runs fnp.{target} through flopscope's numpy "
                                "protocol and is billed as such (numpy is not available on the grader)")
                return self.price_call(target, args, kwargs, node, span)
            if kind == "free" and name in ("shape", "ndim", "size") and len(args) == 1 and isinstance(args[0], Array):
                return self.get_attr(args[0], name, span)
            if kind in ("free", "converts"):
                return plain_numpy.free(self, lambda: self.price_call(name, args, kwargs, node, span))
            if kind == "same":
                return args[0] if args else Unknown("", span, f"np.{name}() result")
            if kind == "raises" and not plain_numpy.has_plain(values):
                raise UserRaise(span, plain_numpy.type_error(name, values))
            reason = ("numpy's own implementation runs on a mix of flopscope and numpy arrays" if kind == "raises"
                      else "flopscope's numpy protocol for this function is not modelled")
            return self._unpriced_at(span, f"np.{name} on a flopscope array", reason)
        if name in plain_numpy.VALUE_SHAPED:
            made = plain_numpy.computed_plain(name, args, kwargs, span)  # shapes read off known values
            if made is not None:
                return made
        if name in ops.HANDLERS or plain_numpy.has_plain(values) and ops.handles(name):
            # numpy's own work on its own arrays (np.cos of a plain ndarray): free, plain results
            value = plain_numpy.free(self, lambda: self.price_call(name, args, kwargs, node, span))
            self._wrote_out(kwargs)
            plain_numpy.joined_to_operands(value, values)
            if not plain_numpy.has_plain(values):
                value = plain_numpy.with_known_value(plain_numpy.scalar_result(value, name), name, args, kwargs)
            return plain_numpy.with_elements(value, name, args, kwargs)
        scalars = all(isinstance(a, (NumpyScalar, Unknown)) or (isinstance(a, Known) and isinstance(
            a.value, (int, float, bool))) for a in list(args) + list(kwargs.values()))
        if scalars and name in _RAW_NUMPY_SCALAR_FUNCS:
            # numpy's own dtype and value where every argument is known (np.maximum(3, 4) is an
            # int64 4); else a float64 of unknown value
            out = plain_numpy.computed(name, args, kwargs)
            if out is not None and out.dtype.kind in "biuf":
                return NumpyScalar(str(out.dtype), span, out.item())
            return NumpyScalar("float64", span)
        # a plain numpy function with no fnp model (np.polynomial...): its result is not
        # tracked; never guess a scalar for it. It may write into an array it is handed
        # (`np.add.at(a, idx, 1)`): what was known of their values is gone
        for value in values:
            for a in plain_numpy.arrays_in(value):
                if a.plain:
                    self.write_in_place(a)
        return Unknown("", span, f"plain numpy np.{name}(): its result is not modelled")

    def _vectorize(self, args, kwargs, span: Span) -> Value:
        """``np.vectorize(pyfunc[, otypes=])``: a callable whose calls ``call_vectorized`` models;
        its other options (``excluded``, ``cache``, ``signature``) are not modelled."""
        given = dict(zip(("pyfunc", "otypes"), args), **kwargs)
        if len(args) > 2 or set(given) - {"pyfunc", "otypes", "doc"} or "pyfunc" not in given:
            return self._unpriced_at(span, "np.vectorize", "options other than otypes= are not modelled")
        otypes = given.get("otypes", Known(None))
        return PartialVal(Builtin("numpy.vectorize"), [given["pyfunc"], Known(not (isinstance(otypes, Known)
                                                                                  and otypes.value is None))], {})

    def call_vectorized(self, pyfunc: Value, otypes: bool, args, kwargs, span: Span) -> Value:
        """A call of ``np.vectorize(pyfunc)``. Without ``otypes`` numpy first calls ``pyfunc`` once
        on the first element of each argument (numpy scalars of ``np.asarray``'s), refusing empty
        ones (ValueError); then it hands each argument as an object array to a ufunc made by
        ``frompyfunc``, which a flopscope array's ``__array_ufunc__`` answers NotImplemented:
        TypeError. Calls numpy runs elementwise (no flopscope array) are not modelled."""
        if kwargs or not args or not any(a.__class__ is Array and not a.plain for a in args) or not all(
                a.__class__ in (Array, NumpyScalar) or a.__class__ is Known and type(a.value) in (int, float, bool)
                for a in args):
            return self._unpriced_at(span, "np.vectorize(...)()", "numpy calls the function on each element "
                                                                   "(or with keywords): not modelled")
        if not otypes:
            if any(a.__class__ is Array and a.size == 0 for a in args):
                raise UserRaise(span, "ValueError: cannot call `vectorize` on size 0 inputs unless `otypes` is set")
            firsts = []
            for a in args:
                if a.__class__ is Known:
                    import numpy as np

                    first = np.asarray(a.value)
                    firsts.append(NumpyScalar(first.dtype.name, None, first.item()))
                else:
                    firsts.append(a if a.__class__ is NumpyScalar else NumpyScalar(a.dtype))
            self.call(pyfunc, firsts, {}, span)
        kinds = {"flopscope._symmetric.SymmetricTensor" if a.sym else "flopscope._ndarray.FlopscopeArray"
                 for a in args if a.__class__ is Array and not a.plain}
        raise UserRaise(span, "TypeError: operand type(s) all returned NotImplemented from __array_ufunc__ "
                              f"({', '.join(sorted(kinds))})")

    def budget_summary(self, span: Span) -> Value:
        """``flops.budget_summary_dict()``: flopscope sums it over every budget context recorded in
        the process (whestbench's earlier predictions too), so its numbers are not known here."""
        self.budget_reads += 1
        number = {"flop_budget": "int", "flops_used": "int", "flops_remaining": "int", "wall_time_s": "float",
                  "flopscope_backend_time_s": "float", "flopscope_overhead_time_s": "float",
                  "residual_wall_time_s": "float"}
        items: dict = {k: Unknown(kind, span, f"budget_summary_dict()[{k!r}]: summed over every budget "
                                              "context of the process") for k, kind in number.items()}
        items["operations"] = Unknown("", span, "budget_summary_dict()['operations'] is not modelled")
        return DictVal(items)

    def spent_unfollowed(self) -> Optional[str]:
        """Why the FLOPs spent so far on this path are not the run's, or None. A generator body
        runs whole on its first consumption, so its charges come before its consumer's that the
        run interleaves with them; an unpriced op's charge is missing."""
        if self._first_unpriced is not None:
            return "an op before it is not priced"
        if self._starting_generator is not None or any(
                (g.end is None or g.end[1] != g.start[1]) and not self._used_up(g) for g in self._ran_generators):
            return "a generator's body ran ahead of its consumer (its charges are not interleaved as at run time)"
        if any(f is not None and f.generator is not None and f.generator.items
               for f in (self.frame, *self._outer_frames)):
            # a body running ahead past its first item: the run's consumer charged in between
            return "a generator's body runs ahead of its consumer (the consumer's charges after its first item come later)"
        return None

    @staticmethod
    def _used_up(gen: PyGenerator) -> bool:
        """A generator consumed to its end: every charge its body made, the run made too by now."""
        return gen.items is not None and gen.end is not None and gen.consumed >= len(gen.items) and gen.past_last \
            and not gen.looping

    def budget_snapshot(self, at: Optional[Span] = None) -> Value:
        self.budget_reads += 1
        used = self.used
        snap = ClassVal("BudgetSnapshot", "BudgetSnapshot", [], {})
        why = self.spent_unfollowed()
        if why is not None:
            # never a number that is not the run's: a test of it is then a value-dependent site
            span = at or self.span or self.program.main_span
            return InstanceVal(snap, {
                "flop_budget": Known(self.budget),
                "flops_used": Unknown("int", span, f"current_budget().flops_used: {why}"),
                "flops_remaining": Unknown("int", span, f"current_budget().flops_remaining: {why}"),
            })
        watch = self.counter_watch
        followed = watch.budget_read(used) if watch is not None else None
        if followed is not None:
            # a steady loop's watched iteration: the answers of the skipped ones are worked out
            # from the FLOPs charged when each begins (counters.CounterWatch.budget_read)
            so_far, left = followed
        else:
            so_far, left = Known(used), Known(self.budget - used)
        return InstanceVal(snap, {"flop_budget": Known(self.budget), "flops_used": so_far, "flops_remaining": left})

    def _legacy_draw(self, path: str, args: list, kwargs: dict, span: Span) -> Value:
        """A method of a RandomState (``fnp.random.RandomState(seed).randn(n, w)``), priced by the
        legacy global function of its name under its own op name (ops.legacy_method)."""
        method = path[len("random.RandomState."):]
        price = ops.legacy_method(path)
        if price is None:
            return self._unpriced_at(span, f"RandomState.{method}", f"RandomState.{method} is not modelled by flopcast")
        return self._sampler(span, f"RandomState.{method}", path, args, lambda: price(self, list(args), dict(kwargs)))

    def _sampler(self, span: Span, what: str, op: Optional[str], args, price: Callable[[], Value]) -> Value:
        """A generator's method, priced by ``price()`` at ``span`` and its result checked against
        the memory limit (as ``op``; None: it allocates nothing); what the handler cannot price
        is unpriced, and what numpy refuses is the program's raise."""
        saved = self.span
        self.span = span
        try:
            mark = len(self.result.charges)
            drawn = price()
            if op is not None:
                memory_limit.check(self, op, args, drawn, mark)
            return drawn
        except OpError as exc:
            return self._unpriced_at(span, what, str(exc))
        except OpRaises as exc:
            return self.op_raises(span, what, exc)
        finally:
            self.span = saved

    def _scalar_read_with_arguments(self, method: str, recv: Array, args, kwargs: dict, span: Span):
        """numpy's ``tolist``/``__float__`` take nothing and ``item`` takes indices (none only for
        one element): what they refuse, before anything is charged, is the program's raise (a
        TypeError, ValueError or IndexError); an element ``item`` picks by known indices in range
        reads array values (None: the caller goes on as for ``item()``); any other form is not
        modelled. These were read as if the arguments were not there (``mu.tolist(fnp.float32)``,
        ``mu.item()`` of a vector: claimed to go through)."""
        if method == "tolist" and kwargs:
            raise UserRaise(span, "TypeError: ndarray.tolist() takes no keyword arguments")
        if method == "tolist":
            raise UserRaise(span, f"TypeError: function takes exactly 0 arguments ({len(args)} given)")
        if method == "__float__" and not kwargs:
            raise UserRaise(span, f"TypeError: expected 0 arguments, got {len(args)}")
        if method == "__float__" or kwargs:
            return self._unpriced_at(span, f".{method}()", f".{method}() with keywords is not modelled")
        if not args:
            raise UserRaise(span, "ValueError: can only convert an array of size 1 to a Python scalar")
        for a in args:
            if isinstance(a, Known) and (a.value is None or type(a.value) in (float, str, complex)):
                raise UserRaise(span, f"TypeError: '{type(a.value).__name__}' object cannot be interpreted as "
                                      "an integer")
            if isinstance(a, DTypeRef) and not a.instance:
                raise UserRaise(span, "TypeError: 'type' object cannot be interpreted as an integer")
            if not (isinstance(a, Known) and type(a.value) is int):
                return self._unpriced_at(span, ".item()", ".item() of indices that are not known ints is not modelled")
        if len(args) == 1 and len(args) != recv.ndim:
            extents = [recv.size]
        elif len(args) == recv.ndim:
            extents = list(recv.shape)
        else:
            raise UserRaise(span, "ValueError: incorrect number of indices for array")
        if any(not -n <= a.value < n for a, n in zip(args, extents)):
            return self._unpriced_at(span, ".item()", "an index of .item() out of range (numpy's IndexError) is "
                                                      "not modelled")
        return Unknown("float", span, "`.item()` reads array values")

    def _spawn(self, args, kwargs, span: Span) -> Value:
        # flopscope's spawn(self, n_children): one argument, by position or by that name
        given = list(args) + [kwargs[k] for k in kwargs if k == "n_children"]
        if len(given) != 1 or set(kwargs) - {"n_children"}:
            raise UserRaise(span, "TypeError: _CountedGenerator.spawn() takes exactly one argument (n_children)")
        return ListVal([Generator() for _ in range(max(ops.known_int(given[0], "n"), 0))])

    def call_bound(self, func: BoundLib, args, kwargs, span, node) -> Value:
        path, recv = func.path, func.receiver
        if path in (dispatch.REGISTER, dispatch.REGISTER_AS):
            return dispatch.register(self, path, recv, args, kwargs, span)
        if path == "py:functools.cmp_to_key.key":  # sorted() orders by it; nothing else is modelled
            return self._unpriced_at(span, "functools.cmp_to_key", "a cmp_to_key key used outside sorted() "
                                     "or list.sort() is not modelled")
        if path == "py:abc.register" and len(args) == 1 and not kwargs and isinstance(args[0], (ClassVal, Builtin)):
            # a virtual subclass: isinstance of the ABC and of every ABC it derives from answers for it
            for c in recv.mro():
                if not any(r is args[0] for r in c.registered or ()):  # (a register run again adds nothing)
                    c.registered = [*(c.registered or ()), args[0]]
            return args[0]
        if path == "py:namedtuple._replace" and isinstance(recv, InstanceVal) and not args:
            return self.replace_fields(recv, kwargs, span)
        if path == "py:namedtuple._asdict" and isinstance(recv, InstanceVal) and not args and not kwargs:
            return DictVal({n.value: recv.attrs.get(n.value, OPAQUE) for n in _namedtuple_fields(recv.cls).items})
        if path == "py:namedtuple._make" and isinstance(recv, ClassVal) and len(args) == 1 and not kwargs:
            items = self.iterate(args[0], node)
            fields = len(_namedtuple_fields(recv).items)
            if items is not None and len(items) != fields:
                # tuple.__new__ of the items, counted: no defaults fill a short iterable
                raise UserRaise(span, f"TypeError: Expected {fields} arguments, got {len(items)}")
            return self.call(recv, items, {}, span)
        if path == "py:functools.lru_cache.wrap":
            if len(args) != 1 or kwargs or not isinstance(args[0], FunctionVal):
                return self._unpriced_at(span, "lru_cache", "a cache wrapper around something other than a function "
                                         "of the user's is not modelled")
            return self.cached_copy(args[0], None if recv.value is None else lru.CacheSpec(*recv.value))
        if path.startswith("py:Random."):
            return stdlib_random.call(self, recv, path[len("py:Random."):], list(args), dict(kwargs), span, node)
        if path.startswith("py:ExitStack."):
            return exit_stack.call(self, recv, path[len("py:ExitStack."):], list(args), dict(kwargs), span)
        if path == "py:generator.send" and len(args) == 1 and not kwargs:
            return self._generator_send(recv, args[0], span)
        if path == "py:npz.get" and 1 <= len(args) <= 2 and not kwargs and isinstance(args[0], Known):
            # each lookup reads the member anew
            return plain_numpy.npz_member(recv, args[0].value) if args[0].value in recv.arrays else \
                args[1] if len(args) == 2 else Known(None)
        if path == "py:npz.close" and not args and not kwargs:
            return Known(None)  # the arrays already read stay (numpy's NpzFile hands out copies)
        if path == "py:generator.close" and not args and not kwargs:
            self.close_generator(recv)
            return Known(None)
        if path == "py:functools.lru_cache.cache_clear":
            if args or kwargs:
                raise UserRaise(span, "TypeError: cache_clear() takes no arguments")
            self.cache_clear(recv)
            return Known(None)
        if path == "py:functools.lru_cache.cache_info":
            if args or kwargs:
                raise UserRaise(span, "TypeError: cache_info() takes no arguments")
            # (its counts are not followed: a log line of them is text read from data, a test of
            # them a value-dependent site; it charges nothing and changes no table)
            return Unknown("", span, f"{recv.qualname}.cache_info(): the table's hit and miss counts")

        if getattr(recv, "plain", False) and not plain_numpy.has_flopscope(list(args) + list(kwargs.values())):
            # a method of numpy's own ndarray or generator: numpy's work, unbilled
            if isinstance(recv, Array) and path.startswith("numpy.") and path[6:] in IN_PLACE_METHODS:
                return self._plain_in_place(recv, path[6:], args, kwargs, span)
            method = path[len("numpy."):] if path.startswith("numpy.") else ""
            if method in ("tolist", "item") and not args and not kwargs and recv.__class__ is Array \
                    and recv.value is not None and recv.shape:
                return plain_numpy.python_items(getattr(recv.value, method)())  # elements numpy computed
            flopscope_recv = recv.with_(plain=False, presumed=recv.presumed, value=recv.value) \
                if isinstance(recv, Array) else Generator(legacy=recv.legacy)
            made = plain_numpy.free(self, lambda: self.call_bound(BoundLib(path, flopscope_recv), args, kwargs, span, node))
            self._wrote_out(kwargs)  # (`rng.permuted(a, out=a)` too)
            if isinstance(recv, Array):
                if made.__class__ is Array and made is not recv:
                    # a view (`.reshape`, `.ravel`, `.view`, `.astype(copy=False)`) or a copy: joined either
                    # way, so a write through it forgets what is known of `recv` (a copy only forgets more)
                    plain_numpy.same_buffer(made, recv)
                if method in plain_numpy.ELEMENT_METHODS:
                    made = plain_numpy.with_elements(made, method, args, kwargs, method_of=recv)
            return made
        if path.startswith("random.RandomState."):
            return self._legacy_draw(path, args, kwargs, span)
        if path.startswith("random.Generator."):
            method = path[len("random.Generator."):]
            if method == "spawn":
                return self._sampler(span, f"rng.{method}", None, args, lambda: self._spawn(args, kwargs, span))
            return self._sampler(span, f"rng.{method}", path, args, lambda: ops.random_draw(self, method, args, kwargs))
        if path.startswith("numpy."):
            method = path[len("numpy."):]
            if method in ("item", "tolist", "__float__") and isinstance(recv, Array) and (
                    args or kwargs or method == "item" and recv.size != 1):
                read = self._scalar_read_with_arguments(method, recv, args, kwargs, span)
                if read is not None:
                    return read
            if method in ("item", "tolist") and not args and not kwargs and recv.__class__ is Array \
                    and recv.value is not None:
                known = scalar_values.python_value(method, recv)  # a 0-d array of known value
                if known is not None:
                    return known
            if method == "item" and isinstance(recv, Array) and recv.size == 1 \
                    and dataints.value_range(recv) is not None:
                return dataints.from_array(recv, "int", span, "`.item()` reads array values")
            if method == "tolist" and isinstance(recv, Array) and recv.ndim >= 1 and recv.size <= MAX_LOOP_ITERATIONS:
                return dataints.to_list(recv, span)
            if method in ("item", "tolist", "__float__"):
                return Unknown("float", span, f"`.{method}()` reads array values")
            if (args or kwargs) and isinstance(recv, Array) and not recv.sym:
                self._bind_own_method(method, recv, args, kwargs, span, node)
            if method == "flatten":
                x = recv
                saved = self.span
                self.span = span
                try:
                    self.charge("copy", max(x.size, 1), x.dtype, x.dtype_origin)
                finally:
                    self.span = saved
                return x.with_(shape=(x.size,), sym=None)
            if method == "reshape" and len(args) > 1:
                if isinstance(recv, Array) and recv.sym:
                    # SymmetricTensor.reshape(*shape) passes the sizes on positionally to
                    # fnp.reshape(a, newshape, order): the second size lands in `order`.
                    self._unpriced_at(span, "SymmetricTensor.reshape(n, m)",
                                      "flopscope's SymmetricTensor.reshape raises TypeError for sizes given "
                                      "as separate arguments; pass a tuple: .reshape((n, m))")
                    raise UserRaise(span, "TypeError: order must be str, not int")
                args = [make_tuple(args)]
            if method == "transpose" and args:
                args = [make_tuple(args) if len(args) > 1 else args[0]]
            if method in ops.ARRAY_METHOD_OPS:
                op = ops.ARRAY_METHOD_OPS[method]
                if kwargs and isinstance(recv, Array) and not recv.sym:
                    # flopscope's method binds its arguments first (`w.astype(t, bogus=1)`: TypeError)
                    from flopcast.analyzer.builtins import refuse_binding
                    from flopscope._ndarray import FlopscopeArray

                    refuse_binding(getattr(FlopscopeArray, method, None), len(args) + 1, kwargs, span)
                if isinstance(recv, Array) and not recv.sym and pricing.method_delegate(method) == op:
                    named = pricing.method_named(method)
                    if named is not None and 1 + len(args) >= named:
                        # flopscope's method is `fnp.<op>(self, *args, **kwargs)`: bound as that call
                        return self._call_fnp(op, [recv] + list(args), kwargs, node, span)
                    if kwargs:  # (it regroups the arguments by position first: its keywords bound as there)
                        return self._price_binding_keywords(op, [recv] + list(args), kwargs, node, span)
                return self.price_call(op, [recv] + list(args), kwargs, node, span)
            return self._unpriced_at(span, f"array method .{method}()", "not modelled")
        if path.startswith("flopscope.Module."):
            return self.call_module_method(path[len("flopscope.Module."):], recv, args, kwargs, span, node)
        if path.startswith("fs."):
            return submission_files.call_path_method(self, path[3:], recv, list(args), span)
        if path.startswith("py."):
            from flopcast.analyzer.builtins import call_container_method

            return call_container_method(self, path[3:], recv, args, kwargs, span, node)
        if path == "scalar.item":
            return Unknown("float", span, "numpy scalar value")
        if path == "scalar.astype" and len(args) + len(kwargs) == 1 and (args or "dtype" in kwargs):
            # plain numpy on a numpy scalar (``np.float64(...).astype(np.float32)``): free, and
            # the result is a numpy scalar of that dtype, strong in promotion
            try:
                return NumpyScalar(ops.dtype_arg(args[0] if args else kwargs["dtype"]), span)
            except OpError as exc:
                return self._unpriced_at(span, "scalar.astype()", str(exc))
        return Unknown("", span, f"{path} result")

    def call_module_method(self, name: str, obj: InstanceVal, args, kwargs, span, node) -> Value:
        """flops.Module's state-dict methods (flopscope/_module.py): ``load`` swaps each public
        array attribute for the file's array of the same key, so shapes and dtypes come from
        the file's headers."""
        if name == "from_file":
            return self.module_from_file(obj, args, kwargs, span, node)
        if name == "config":
            return DictVal({})
        if name == "state_dict":
            return DictVal(_module_state(obj, ""))
        if name in ("load", "load_state_dict"):
            if name == "load":
                state = self.price_call("load", list(args[:1]), {}, node, span)
            else:
                state = args[0] if args else kwargs.get("sd")
            if isinstance(state, NpzFile):
                arrays = dict(state.arrays)
            elif isinstance(state, DictVal):
                arrays = dict(state.items)
            else:
                return self._unpriced_at(span, f"Module.{name}", "the state it loads is not known")
            strict = kwargs.get("strict", Known(True))
            if name == "load" or self.known_truth(strict):
                own = set(_module_state(obj, ""))
                given = set(arrays) - {"__meta__"}
                if own != given:
                    raise UserRaise(span, f"ValueError: state_dict mismatch. missing={sorted(own - given)} "
                                          f"unexpected={sorted(given - own)}")
            _module_rebuild(obj, "", arrays)
            return obj if name == "load" else Known(None)
        return self._unpriced_at(span, f"Module.{name}", "this flops.Module method is not modelled")

    def module_from_file(self, cls: ClassVal, args, kwargs, span, node) -> Value:
        """``Head.from_file(path, **overrides)`` (flopscope/_module.py): the class is built
        with the file's JSON config (``__meta__``) and the overrides as keyword arguments,
        then ``load_state_dict`` swaps in the file's arrays — shapes from the headers. The
        file is read by flopscope's plain ``_io.load``: no op is recorded."""
        if not args:
            raise UserRaise(span, "TypeError: from_file() missing 1 required positional argument: 'path'")
        try:
            state = self.read_array_file(args[0])
        except OpError as exc:
            return self._unpriced_at(span, f"{cls.name}.from_file", str(exc))
        if not isinstance(state, NpzFile):
            return self._unpriced_at(span, f"{cls.name}.from_file", "from_file of a .npy file (not a state dict)")
        config = {k: Known(v) for k, v in (state.meta or {}).items()}
        obj = self.instantiate(cls, [], {**config, **kwargs}, span)
        if not isinstance(obj, InstanceVal):
            return obj
        arrays = {k: v for k, v in state.arrays.items() if k != "__meta__"}
        self.call_module_method("load_state_dict", obj, [DictVal(arrays)], {}, span, node)
        return obj

    def replace_fields(self, obj: InstanceVal, changes: dict, span) -> Value:
        """dataclasses.replace(obj, **changes) / namedtuple._replace(**changes): the class
        called again with every field, changed ones replaced (so __post_init__ runs too)."""
        fields = next((c.fields for c in obj.cls.mro() if c.fields is not None), None)
        if fields is None:
            raise UserRaise(span, "TypeError: replace() should be called on dataclass instances")
        params = next((c.init_params for c in obj.cls.mro() if c.fields is not None), None)
        if params is not None:  # InitVars and init=False fields, as dataclasses.replace treats them
            values = dict(changes)
            for name, default, _, marks in params:
                if "noinit" in marks:
                    if name in changes:
                        raise UserRaise(span, f"ValueError: field {name} is declared with init=False, "
                                              "it cannot be specified with replace()")
                elif name not in changes:
                    if "initvar" in marks:
                        if default is None:
                            raise UserRaise(span, f"ValueError: InitVar {name!r} must be specified with replace()")
                        values[name] = default
                    elif obj.attrs.get(name) is None:
                        return self._unpriced_at(span, "replace()", "a field of the instance is not known")
                    else:
                        values[name] = obj.attrs[name]
            return self.call(obj.cls, [], values, span)
        names = [f[0] for f in fields]
        unknown = [k for k in changes if k not in names]
        if unknown:
            raise UserRaise(span, f"TypeError: got an unexpected field name {unknown[0]!r}")
        values = {n: changes[n] if n in changes else obj.attrs.get(n) for n in names}
        if any(v is None for v in values.values()):
            return self._unpriced_at(span, "replace()", "a field of the instance is not known")
        return self.call(obj.cls, [], values, span)

    def instantiate(self, cls: ClassVal, args, kwargs, span, through_meta: bool = False) -> Value:
        if cls.metaclass is not None and not through_meta:
            _, call = cls.metaclass.lookup("__call__")
            if isinstance(call, FunctionVal):  # `K(...)` is `meta.__call__(K, ...)`
                return self.call_user(call, [cls] + list(args), kwargs, span)
        _, new = cls.lookup("__new__")
        if isinstance(new, FunctionVal) and dunders.exception_base(cls) is None and _container_base(cls) is None:
            # `cls.__new__(cls, ...)` makes the object; `__init__` runs on it when it is a cls
            made = self.call_user(new, [cls] + list(args), kwargs, span)
            if isinstance(made, InstanceVal) and cls in made.cls.mro():
                owner, init = made.cls.lookup("__init__")
                if isinstance(init, FunctionVal):
                    self.call_user(init, [made] + list(args), kwargs, span)
            return made
        members = cls.attrs.get("__members__")
        if isinstance(members, DictVal) and _is_enum(cls):
            # `Kind(1)`: the member with that value
            wanted = args[0] if args else None
            for member in members.items.values():
                if isinstance(wanted, Known) and member.attrs["value"].value == wanted.value or member is wanted:
                    return member
            if isinstance(wanted, Known) and flags.is_flag(cls):
                made = flags.pseudo_member(cls, wanted.value, span)
                if made is not None:
                    return made
            if isinstance(wanted, Known) and cls.lookup("_missing_")[1] is not None:
                # the class's own `_missing_(value)` is asked before the ValueError
                found = self.call(self.get_attr(cls, "_missing_", span), [wanted], {}, span)
                if isinstance(found, InstanceVal) and any(found is m for m in members.items.values()):
                    return found
                if not (isinstance(found, Known) and found.value is None):
                    raise UserRaise(span, f"TypeError: error in {cls.name}._missing_: returned {found!r} "
                                          f"instead of None or a valid member")
            if isinstance(wanted, Known):
                raise UserRaise(span, f"ValueError: {wanted.value!r} is not a valid {cls.name}")
            return Unknown("", span, f"the {cls.name} member for a value that depends on data")
        missing = _abstract_methods(cls)
        if missing:  # object.__new__ of an ABC whose abstract methods are not all overridden
            raise UserRaise(span, f"TypeError: Can't instantiate abstract class {cls.name} with abstract "
                                  f"method{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        instance = InstanceVal(cls)
        if dunders.exception_base(cls) is not None:
            # BaseException.__new__ keeps the positional arguments as `args`; its __init__ takes no keywords
            if kwargs and not isinstance(cls.lookup("__init__")[1], FunctionVal):
                raise UserRaise(span, f"TypeError: {cls.name}() takes no keyword arguments")
            dunders.init_exception_args(instance, args)
        kind = _container_base(cls)
        if kind is not None:
            instance.payload = DictVal({}) if kind == "dict" else ListVal([])
            _, init = cls.lookup("__init__")
            if not isinstance(init, FunctionVal):  # dict's / list's own __init__ fills it
                self.fill_container(instance, args, kwargs, span)
                return instance
        generated = next((c for c in cls.mro() if "__init__" in c.attrs or c.fields is not None), None)
        if generated is not None and "__init__" not in generated.attrs:
            initvars = self.init_fields(instance, generated.fields, args, kwargs, span, generated.init_params)
            _, post = cls.lookup("__post_init__")
            if isinstance(post, FunctionVal):
                self.call_user(post, [instance] + initvars, {}, span)
            return instance
        owner, init = cls.lookup("__init__")
        if isinstance(init, FunctionVal):
            self.call_user(init, [instance] + list(args), kwargs, span)
        elif (args or kwargs) and init is None and new is None and generated is None and cls.metaclass is None \
                and all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                        for c in cls.mro() for b in c.bases):
            # object's own __init__ and __new__, neither overridden: they take no arguments
            raise UserRaise(span, f"TypeError: {cls.name}() takes no arguments")
        return instance

    def fill_container(self, instance: InstanceVal, args, kwargs, span: Span) -> None:
        """``dict.__init__(self, ...)`` / ``list.__init__(self, ...)`` of a user subclass."""
        from flopcast.analyzer.builtins import call_builtin

        kind = "dict" if isinstance(instance.payload, DictVal) else "list"
        made = call_builtin(self, kind, list(args), dict(kwargs), span, None)
        if isinstance(made, (DictVal, ListVal)):
            instance.payload.items = made.items
        else:
            self._unpriced_at(span, f"{kind}.__init__", f"the items of this {kind} subclass are not known")

    def init_fields(self, instance: InstanceVal, fields: list, args, kwargs, span: Span,
                    params: Optional[list] = None) -> list:
        """The ``__init__`` @dataclass and NamedTuple generate: one parameter per field (``params``
        when some are InitVars, ``init=False`` or keyword-only: see ``ClassVal.init_params``).
        Returns the InitVars' values, in order, for ``__post_init__``."""
        name = instance.cls.name
        if params is None:
            params = [(n, d, f, frozenset()) for n, d, f in fields]
        taken = [p for p in params if "noinit" not in p[3]]
        order = [p for p in taken if "kw_only" not in p[3]] + [p for p in taken if "kw_only" in p[3]]
        positional = len(order) - sum("kw_only" in p[3] for p in taken)
        if len(args) > positional:
            raise UserRaise(span, f"TypeError: {name}() takes {positional} positional arguments")
        remaining = dict(kwargs)
        initvars = []
        for i, (field_name, default, factory, marks) in enumerate(order):
            if i < len(args):
                value = args[i]
            elif field_name in remaining:
                value = remaining.pop(field_name)
            elif default is not None:
                value = default
            elif factory is not None:
                value = self.call(factory, [], {}, span)
            else:
                raise UserRaise(span, f"TypeError: {name}() missing argument {field_name!r}")
            if "initvar" in marks:
                initvars.append((field_name, value))
                continue
            self.set_field(instance, field_name, value, span)
        if remaining:
            raise UserRaise(span, f"TypeError: {name}() got an unexpected keyword argument {next(iter(remaining))!r}")
        for field_name, default, factory, marks in params:
            # `field(init=False, default_factory=list)` is made in __init__; a plain default is the class's
            if "noinit" in marks and "initvar" not in marks and factory is not None:
                self.set_field(instance, field_name, self.call(factory, [], {}, span), span)
        by_name = dict(initvars)
        return [by_name[p[0]] for p in params if "initvar" in p[3] and p[0] in by_name]

    def set_field(self, instance: InstanceVal, field_name: str, value: Value, span: Span) -> None:
        """``self.name = value`` in a generated ``__init__`` (through a descriptor's ``__set__``)."""
        if self.descriptors and not instance.cls.tuple_like:
            desc = instance.cls.lookup(field_name)[1]
            set_ = descriptors.setter(desc)
            if set_ is not None:  # `self.name = value` in the generated __init__: the descriptor's __set__
                self.call(BoundMethod(set_, desc), [instance, value], {}, span)
                return
        instance.attrs[field_name] = value

    def call_user(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        if fn.attrs and dispatch.is_dispatcher(fn):  # @singledispatch: the implementation for the argument's class
            impl = dispatch.choose(self, fn, args, span)
            return impl if isinstance(impl, Unknown) else self.call(impl, args, kwargs, span)
        self.result.entered.add(fn.node)  # called: whether its body yields was read
        self.entered_log.append(fn.node)
        if _is_generator_function(fn.node):
            # Calling a generator function runs none of its body (Python runs it as it is consumed).
            return PyGenerator(fn, list(args), dict(kwargs), span)
        if fn.cached:
            return self.call_cached(fn, args, kwargs, span)
        return self._call_checked(fn, args, kwargs, span)

    def call_cached(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        """An @lru_cache function: a call whose key is not in the table runs (and charges); a
        repeat returns the same object and charges nothing, as at run time. Keys are CPython's
        (lru.py); a lookup that cannot tell a hit from a miss is a value-dependent site."""
        spec = fn.cache_spec
        if not spec.known:
            self._unpriced_at(span, f"{fn.qualname}'s lru_cache", "its maxsize or typed is not a known value: "
                               "which calls hit its table is not modelled (calls that miss may not be counted)")
        kept: list = []
        try:
            parts = lru.make_key(args, kwargs, spec.typed, kept)
        except lru.Unhashable as exc:
            raise UserRaise(span, f"TypeError: {exc} (an argument of the cached {fn.qualname})")
        owner = (id(fn.node), id(fn))
        key = owner + (parts, tuple(kwargs))
        if spec.maxsize is not None:
            self.cache_bounded.add(owner)
        table = self._cache_results
        self.cache_lookups += 1
        plain = lru.is_plain(parts)
        if not plain:
            self.cache_identity_lookups += 1
        certain = lru.is_certain(parts)
        if key in table and certain:
            return self._cache_hit(key, spec, plain)
        candidates = []
        if not certain or owner in self._cache_uncertain:
            # (a certain key can equal only an uncertain entry: the table is scanned only then,
            # not at every miss of a dynamic programme filling it)
            candidates = [k for k in table if k[:2] == owner and (not certain or not lru.is_certain(k[2]))
                          and lru.may_equal(k[2], parts)]
        if candidates:
            self.effects += 1
            site = Site(("cache", span, self._cache_sites), ("miss",) + tuple(range(len(candidates))), span, "cache",
                        f"whether this call of the cached {fn.qualname} finds its arguments in the table depends "
                        "on values: each entry they may equal, and none, is analysed")
            self._cache_sites += 1
            answer = self.decisions.choose(site, self.kept_used())
            if answer != "miss":
                return self._cache_hit(candidates[answer], spec, plain)
        value = self._call_checked(fn, args, kwargs, span)
        self.program.cached_nodes[owner[0]] = fn.node
        if key not in table:  # (a recursive call may have added it meanwhile, as CPython checks)
            if spec.maxsize is not None and self._cache_sizes.get(owner, 0) >= spec.maxsize:
                # full: CPython drops the entry used least recently (the first of the function's in
                # the table, whose order is kept as the order of use)
                oldest = next(k for k in table if k[:2] == owner)
                del table[oldest]
                self._cache_sizes[owner] -= 1
                self.cache_version += 1
            self.cache_store(key, value)
            self._cache_kept.extend(kept)
            if not certain:
                self._cache_uncertain.add(owner)
        return value

    def _cache_hit(self, key: tuple, spec: lru.CacheSpec, plain: bool) -> Value:
        value = self._cache_results[key]
        if plain and not isinstance(value, (Known, Unknown, NumpyScalar)):
            if lru.immutable(value):
                self.cache_handed.append(id(value))  # (the table keeps it alive)
            else:
                self.cache_identity_lookups += 1  # the object made at the first call: its identity counts
        if spec.maxsize is not None:
            self.cache_touched(key)
        return value

    def cache_store(self, key: tuple, value: Value) -> None:
        """A new entry of an lru_cache table (key: the function's node and identity, the parts)."""
        self._cache_results[key] = value
        self._cache_sizes[key[:2]] = self._cache_sizes.get(key[:2], 0) + 1
        self.cache_version += 1

    def cache_store_all(self, owner: tuple, items: list) -> None:
        """Entries of one function's table (``owner``: its node's and its identity), in order:
        ``cache_store`` of each, its counts added up once."""
        table = self._cache_results
        for key, value in items:
            table[key] = value
        self._cache_sizes[owner] = self._cache_sizes.get(owner, 0) + len(items)
        self.cache_version += len(items)

    def cache_wrapper(self, path: str, args: list, kwargs: dict, span: Span) -> Value:
        """``functools.cache(f)``, ``lru_cache(f)`` (a new cached function) and ``lru_cache(maxsize=...)``
        (the decorator that makes one) called as functions rather than written as decorators."""
        if args and isinstance(args[0], FunctionVal) and not kwargs and len(args) == 1:
            spec = lru.CacheSpec(None if path == "py:functools.cache" else lru.DEFAULT_MAXSIZE)
            return self.cached_copy(args[0], spec)
        if path == "py:functools.cache":
            return self._unpriced_at(span, "functools.cache", "a cache around something other than a function "
                                     "of the user's is not modelled")
        spec = lru.spec_of(args, kwargs)
        # (the spec as plain data: a decorator kept in a global is part of the state walks compare)
        return BoundLib("py:functools.lru_cache.wrap", Known(None if spec is None else astuple(spec)))

    def cached_copy(self, fn: FunctionVal, spec: Optional[lru.CacheSpec]) -> FunctionVal:
        """The wrapper an lru_cache makes around ``fn``: another object (``wrapper is fn`` is False)
        with a table of its own; maxsize 0 (``spec`` None) makes one that only calls ``fn``."""
        copy = replace(fn, form=None, attrs={}, cached=False, cache_spec=None)
        if fn.cached:
            copy.cached, copy.cache_spec = True, fn.cache_spec  # (a wrapper of a wrapper: see cache_function)
        self.cache_function(copy, spec)
        return copy

    def cache_clear(self, fn: FunctionVal) -> None:
        """``fn.cache_clear()``: its table emptied (the objects its keys named may now be freed)."""
        owner = (id(fn.node), id(fn))
        table = self._cache_results
        for key in [k for k in table if k[:2] == owner]:
            del table[key]
        self._cache_sizes.pop(owner, None)
        self.cache_version += 1

    def cache_touched(self, key: tuple) -> None:
        """An entry of a bounded table just used: the last to be evicted now (a table that keeps
        every entry never evicts, so its order is left as the order of insertion)."""
        table = self._cache_results
        if next(reversed(table)) != key:
            table[key] = table.pop(key)
            self.cache_version += 1

    def _call_checked(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        # Endless recursion is a call state that repeats on the stack. Only a function already
        # being executed can repeat one, so the (costly) state key is computed only for calls of
        # a function that has been re-entered on this path; the first repeat is then seen one
        # level later, which changes nothing but the depth at which the path ends.
        node_id = id(fn.node)
        if node_id in self._reentered or any(k[0] == node_id for k in self.active_calls):
            self._reentered.add(node_id)
            # The key is the analysis' own read, not the program's: a counter a decorator's
            # wrapper bumps at every call (`CALLS[name] += 1`) is read here by every call of the
            # wrapper re-entered through the helpers it wraps, yet only the program's reads
            # decide what a call costs. A key that repeats ends the path as unbounded, never as
            # a total, and the program recurses forever in a later call only where its own
            # reads of the state (watched) answer otherwise than in the watched call.
            with suspended(self.counter_watch):
                key = self.call_key(fn, args, kwargs)
        else:
            key = (node_id,)
        self.active_keys_seen.append(key)
        if len(key) > 1 and key in self.active_calls:
            self.record_uncertain_span(span, "recursion", f"on some value-dependent paths {fn.qualname} calls "
                                       "itself again with the same arguments, forever")
            raise PathEnd(f"{span}: on this path the recursion never ends ({fn.qualname} is called again with "
                          "the same arguments); at run time it ends in RecursionError or an exhausted budget",
                          span, unbounded=True)
        self.active_calls.append(key)
        condition, self._condition = self._condition, None
        if is_generated(fn.node) and self.call_stack:
            # generated code (syntax.lambda_at) stands for C or library code: its work is its
            # caller's, as the run's roll-up has it
            self.call_stack.append(self.call_stack[-1])
        else:
            if self.metered:
                caller = self.call_stack[-1] if self.call_stack else "<whestbench>"
                self.result.calls[(caller, fn.qualname)] = self.result.calls.get((caller, fn.qualname), 0) + 1
            self.call_stack.append(fn.qualname)
        try:
            # (a recorded call's charges replayed would pass the np.seterr check in emit)
            memo = None if self.decisions.per_execution or self.float_raise is not None or self.warning_filters.inside_ops \
                else self.memo.key(fn, args, kwargs)
            if memo is None:
                return self._call_user(fn, args, kwargs, span)
            memo_key, canon = memo
            value = self.memo.replay(memo_key, canon)
            if value is None:
                marks = self.memo.start()
                try:
                    value = self._call_user(fn, args, kwargs, span)
                except BaseException:
                    self.memo.abandon(marks)
                    raise
                self.memo.finish(memo_key, canon, marks, fn, args, kwargs, value)
            return value
        finally:
            self.call_stack.pop()
            self.active_calls.pop()
            self._condition = condition

    def call_key(self, fn: FunctionVal, args: list, kwargs: dict) -> tuple:
        """A call's identity for spotting endless recursion: the function, what the arguments
        are, the known module globals and closure it can read, and (if the program asks the
        budget anything) the FLOPs charged so far."""
        env = self.module_envs.get(fn.module.key, {})
        state = [
            id(fn.node),
            tuple(signature(a) for a in args),
            tuple(sorted((k, signature(v)) for k, v in kwargs.items())),
            tuple(sorted((k, signature(v)) for k, v in env.items() if isinstance(v, (Known, ListVal, DictVal)))),
        ]
        if fn.closure is not None:
            state.append(tuple(sorted((k, signature(v)) for k, v in fn.closure.items()
                                      if isinstance(v, (Known, ListVal, DictVal, Array)))))
        if self.program_mentions_budget():
            state.append(self.used)
        return tuple(state)

    def _call_user(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        self.call_depth += 1
        if self.call_depth > MAX_CALL_DEPTH:
            self.call_depth -= 1
            # The arguments change at every call (a repeat is caught in _call_checked), so it
            # may end deeper down or never: counted as unbounded, the total a lower bound. The
            # path's partial count stays a valid lower end (result.unbounded is not set).
            raise PathEnd(f"{span}: recursion deeper than {MAX_CALL_DEPTH} calls ({fn.qualname} is called "
                          "with new arguments each time); it may never end, flopcast follows it no further "
                          "(Python itself stops it with RecursionError after about 1,000 calls)",
                          span, what="unbounded")
        self.result.entered.add(fn.node)  # also for generator bodies, run without call_user
        self.entered_log.append(fn.node)
        try:
            env = self.bind_arguments(fn, args, kwargs, span)
            frame = Frame(env, fn.module, fn.qualname, fn, fn.owner,
                          args[0] if args and fn.owner is not None else None)
            frame.generator, self._starting_generator = self._starting_generator, None
            saved = self.frame
            self._outer_frames.append(saved)
            generated = is_generated(fn.node)
            if generated:
                caller = is_generated(saved.function.node) if saved is not None \
                    and saved.function is not None else False
                self._generated_calls.append(self._generated_calls[-1] if caller else (span, saved))
            self.frame = frame
            self._call_spans.append(span)
            try:
                if isinstance(fn.node, ast.Lambda):
                    return self.eval(fn.node.body)
                self.exec_block(fn.node.body)
                return Known(None)
            except _Return as r:
                if r.joined is not None:
                    self._returned_try = (saved, span, *r.joined)
                return r.value
            finally:
                self.frame = saved
                self._outer_frames.pop()
                self._call_spans.pop()
                if generated:
                    self._generated_calls.pop()
        finally:
            self.call_depth -= 1

    def record_uncertain_span(self, span: Span, kind: str, reason: str) -> None:
        self.effects += 1
        if all(u.span != span or u.kind != kind for u in self.result.uncertain):
            self.result.uncertain.append(Uncertainty(span, kind, reason))

    def bind_arguments(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> dict:
        a = fn.node.args
        positional = [p.arg for p in a.posonlyargs + a.args]
        env: dict = {}
        for name, value in zip(positional, args):
            env[name] = value
        extra = args[len(positional):]
        if a.vararg:
            env[a.vararg.arg] = make_tuple(list(extra))
        elif extra:
            raise UserRaise(span, f"TypeError: {fn.qualname}() takes {len(positional)} positional arguments")
        remaining = dict(kwargs)
        for name in [p.arg for p in a.args + a.kwonlyargs]:  # (a positional-only one binds no keyword)
            if name in remaining:
                if name in env:
                    raise UserRaise(span, f"TypeError: {fn.qualname}() got multiple values for argument {name!r}")
                env[name] = remaining.pop(name)
        by_keyword = [p.arg for p in a.posonlyargs if p.arg in remaining]
        if by_keyword and not a.kwarg:
            raise UserRaise(span, f"TypeError: {fn.qualname}() got some positional-only arguments passed as "
                                  f"keyword arguments: {', '.join(repr(n) for n in by_keyword)}")
        if remaining and not a.kwarg:
            raise UserRaise(span, f"TypeError: {fn.qualname}() got an unexpected keyword argument "
                                  f"{next(iter(remaining))!r}")
        if a.kwarg:
            env[a.kwarg.arg] = DictVal(dict(remaining))
        n_defaults = len(fn.defaults)
        for i, name in enumerate(positional):
            if name not in env:
                j = i - (len(positional) - n_defaults)
                if j >= 0:
                    env[name] = fn.defaults[j]
                else:
                    raise UserRaise(span, f"TypeError: {fn.qualname}() missing argument {name!r}")
        for k in a.kwonlyargs:
            if k.arg not in env:
                if k.arg in fn.kw_defaults:
                    env[k.arg] = fn.kw_defaults[k.arg]
                else:
                    raise UserRaise(span, f"TypeError: {fn.qualname}() missing keyword argument {k.arg!r}")
        if fn.owner is not None and "__class__" not in env:
            env["__class__"] = fn.owner
        return env


def _is_generator_function(node: ast.AST) -> bool:
    """Whether a def's own body (not a nested def or class) contains `yield`."""
    cached = getattr(node, "_flopcast_generator", None)
    if cached is None:
        cached = False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack = list(node.body)
            while stack and not cached:
                child = stack.pop()
                if isinstance(child, (ast.Yield, ast.YieldFrom)):
                    cached = True
                elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    stack.extend(ast_children(child))
        node._flopcast_generator = cached
    return cached


#: plain numpy functions that give a numpy float64 scalar for Python-number arguments
_RAW_NUMPY_SCALAR_FUNCS = frozenset({
    "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "tanh", "sinh", "cosh",
    "arcsin", "arccos", "arctan", "arctan2", "hypot", "power", "abs", "absolute", "fabs", "floor", "ceil",
    "maximum", "minimum", "fmax", "fmin", "square", "reciprocal", "sign", "erf", "float64"})


#: LibRef paths that name one library class (`fnp.ndarray` is flopscope's FlopscopeArray)
_CLASS_ALIASES = {"flopscope.numpy.ndarray": "flopscope.FlopscopeArray", "rawnumpy.ndarray": "numpy.ndarray"}


#: the array classes type() of an array gives
_ARRAY_CLASSES = frozenset({"flopscope.FlopscopeArray", "flopscope.SymmetricTensor", "numpy.ndarray"})


def _class_identity(path: str) -> str:
    """The one name of the library object a LibRef path reaches (``type(x) is fnp.ndarray``)."""
    return _CLASS_ALIASES.get(path, path)


def lib_attr(ref: LibRef, name: str) -> Value:
    path = ref.path
    if path in ("flopscope", "flopscope.numpy", "rawnumpy") and name in _DTYPE_NAMES | {"bool"}:
        return DTypeRef(dtypes.normalize(name.rstrip("_") if name == "bool_" else name))
    if path in ("flopscope.numpy", "rawnumpy") and name in _CONSTANTS:
        return Known(_CONSTANTS[name])
    if path == "flopscope" and name == "numpy":
        return LibRef("flopscope.numpy")
    if path == "py:math" or path.startswith("py:"):
        from flopcast.analyzer.builtins import stdlib_attr

        return stdlib_attr(path[3:], name)
    if path == "flopscope" and name in ("einsum", "as_symmetric", "stats", "current_budget", "budget_live",
                                        "configure", "accounting", "SymmetricTensor", "FlopscopeArray"):
        return LibRef(f"flopscope.{name}")
    if path == "whestbench" or path.startswith("whestbench."):
        return LibRef(f"{path}.{name}")
    if path == "rawnumpy" and name in ("random", "linalg"):
        return LibRef(f"rawnumpy.{name}")
    return LibRef(f"{path}.{name}")


#: whestbench functions that are pure arithmetic on known ints (see call_whestbench_pure).
_WHESTBENCH_PURE = {
    "whestbench.budget.mc_flops_per_sample",
    "whestbench.budget.effective_compute",
}


_MISSING = object()
#: Ops whose success depends on the values (numpy raises LinAlgError, after flopscope charged them).
_NOT_FINITE = "numpy's LAPACK call fails on a matrix holding a NaN or an infinity, after flopscope charged it"
_RAISES_ON_VALUES = {
    "linalg.cholesky": "the matrix is not positive definite",
    "linalg.inv": "the matrix is singular",
    "linalg.solve": "the matrix is singular",
    # measured (flopscope 0.12.4, numpy 2.4): "SVD did not converge", "Eigenvalues did not
    # converge", "Array must not contain infs or NaNs" on a non-finite input; eigh and qr return
    # NaNs for some such inputs, but eigh raised for a NaN row with UPLO="U"
    "linalg.svd": _NOT_FINITE,
    "linalg.svdvals": _NOT_FINITE,
    "linalg.eigh": _NOT_FINITE,
    "linalg.eigvalsh": _NOT_FINITE,
    "linalg.eig": _NOT_FINITE,
    "linalg.eigvals": _NOT_FINITE,
    "linalg.lstsq": _NOT_FINITE,
    "linalg.pinv": _NOT_FINITE,
    "linalg.matrix_rank": _NOT_FINITE,
}
#: matrix norms computed from singular values (an SVD that fails on a non-finite input)
_SVD_NORM_ORDS = (2, -2, "nuc")
#: Result dtypes whose rounding can break flopscope's symmetry check (atol 1e-6, rtol 1e-5).
_LOW_PRECISION = frozenset({"float16", "float32", "complex64"})


def _named_places(function) -> int:
    """How many arguments by position the signature of ``function`` names (without a limit where
    it gathers ``*args`` or has none to read)."""
    import inspect

    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 2 ** 31
    kinds = inspect.Parameter
    if any(p.kind is kinds.VAR_POSITIONAL for p in params):
        return 2 ** 31
    return sum(p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD) for p in params)


def _raises_on_values(name: str, args, kwargs, result) -> Optional[tuple[str, str]]:
    """(exception class, why) when whether this op raises depends on the values, else None.

    Besides the LinAlgError ops: an einsum whose result flopscope infers symmetric (one
    operand passed twice around a symmetric one, ``einsum('ki,kl,lj->ij', w, cov, w)``) is
    checked numerically against that symmetry, and in float32 the rounding of a chain of
    such products passes the tolerance (SymmetryError, seen on the third layer at 1024).
    SVD- and eigen-based calls (svd, eigh, eigvalsh, eig, lstsq, pinv, matrix_rank, a matrix
    2-norm) raise LinAlgError on a matrix holding an inf or a NaN (an overflowed covariance).
    Two operands and no symmetric input (a Gram ``einsum('ni,nj->ij', x, x)``) come out of
    one BLAS product, symmetric to the bit; float64 rounding stays far inside the tolerance."""
    if name in _RAISES_ON_VALUES:
        return "LinAlgError", _RAISES_ON_VALUES[name]
    if name in ("linalg.norm", "linalg.matrix_norm") and args and isinstance(args[0], Array):
        order = kwargs.get("ord", args[1] if len(args) > 1 else Known(None))
        axis = kwargs.get("axis", args[2] if len(args) > 2 else Known(None))
        if name == "linalg.matrix_norm":
            matrix = True
        elif isinstance(axis, Known) and axis.value is None:
            matrix = args[0].ndim == 2
        elif isinstance(axis, Known) and isinstance(axis.value, int):
            matrix = False  # a vector norm along one axis
        else:
            matrix = True  # an axis pair takes a matrix norm over it (or an axis not known)
        if matrix and not (isinstance(order, Known) and order.value not in _SVD_NORM_ORDS):
            return "LinAlgError", _NOT_FINITE
    if name == "power" and len(args) == 2 and _integer(args[0]) and _integer(args[1]) \
            and not (isinstance(args[1], NumpyScalar) and args[1].value is not None) \
            and not (isinstance(args[1], Array) and args[1].vrange is not None and args[1].vrange[0] >= 0):
        # numpy's integer power loop refuses a negative exponent (ops.negative_int_power decides
        # a known one): an integer exponent whose values are not known (np.int64(e), an array)
        return "ValueError", "numpy refuses an integer to a negative integer power"
    if name == "einsum" and isinstance(result, Array) and result.sym and result.dtype in _LOW_PRECISION:
        operands = [a for a in args[1:] if isinstance(a, Array)]
        if len(operands) != 2 or any(a.sym for a in operands):
            return "SymmetryError", f"flopscope checks that the {result.dtype} result is symmetric"
    return None


def _integer(value) -> bool:
    """An array or numpy scalar of an integer dtype."""
    return isinstance(value, (Array, NumpyScalar)) and value.dtype is not None and dtypes.kind(value.dtype) in "iu"


#: exceptions only flopscope raises (never numpy on its own arrays)
_FLOPSCOPE_ONLY = frozenset({"UnsupportedDtypeError", "SymmetryError", "BudgetExhaustedError",
                             "UnsupportedFunctionError", "FlopscopeError"})

#: The ``__name__`` numpy gives a private exception class (what a probe of flopscope reports).
_SHOWN_AS = {"_UFuncOutputCastingError": "UFuncTypeError"}

#: Built-in exception classes' bases, for matching `except` clauses by name.
_EXCEPTION_BASES = {
    "LinAlgError": ("ValueError",), "ZeroDivisionError": ("ArithmeticError",),
    "OverflowError": ("ArithmeticError",), "FloatingPointError": ("ArithmeticError",),
    "IndexError": ("LookupError",), "KeyError": ("LookupError",),
    "BudgetExhaustedError": ("FlopscopeError",), "SymmetryError": ("FlopscopeError",),
    "NotImplementedError": ("RuntimeError",),
    "AxisError": ("ValueError", "IndexError", "LookupError"),
    "_UFuncOutputCastingError": ("_UFuncCastingError", "UFuncTypeError", "TypeError"),
    "UFuncTypeError": ("TypeError",),  # numpy's no-loop refusal (`gcd` of floats)
    "UnsupportedDtypeError": ("TypeError",),
    "FrozenInstanceError": ("AttributeError",),
}


def _exception_bases(name: str) -> tuple:
    """The classes an exception named ``name`` is also caught as: numpy's and flopscope's from the
    table above, a builtin exception's from Python's own hierarchy (ModuleNotFoundError is an
    ImportError)."""
    if name in _EXCEPTION_BASES:
        return _EXCEPTION_BASES[name]
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return tuple(c.__name__ for c in cls.__mro__[1:] if c is not object)
    return ()


#: the builtin types whose attributes are the type's own: a name they lack is AttributeError
_PLAIN_TYPES = frozenset({int, float, bool, complex, str, bytes, tuple, type(None)})


#: numpy's dtype.kind by the dtype's name
_DTYPE_KINDS = (("float", "f"), ("uint", "u"), ("int", "i"), ("bool", "b"), ("complex", "c"))

_ORDER_AND_EQ = frozenset({"Lt", "LtE", "Gt", "GtE", "Eq", "NotEq"})

#: builtin classes Python subscripts into a generic alias (`list[float]`, `tuple[int, ...]`)
_GENERIC_BUILTINS = frozenset({"list", "tuple", "dict", "set", "frozenset", "type"})

#: builtins that take an IntEnum member as the number it is
def _as_sequence(value: Value, other: Value) -> Value:
    """A Known tuple or list beside a TupleVal or ListVal operand, as the TupleVal or ListVal of
    its items, so the two concatenate item by item (a known list is one a known value's method
    made: `"a,b".split(",") + ["c"]`)."""
    if isinstance(value, Known) and isinstance(other, (ListVal, TupleVal)):
        if type(value.value) is tuple:
            return TupleVal(tuple(Known(v) for v in value.value))
        if type(value.value) is list:
            return ListVal([Known(v) for v in value.value])
    return value


#: fnp functions whose handler refuses extra positional arguments in its own words (bincount's
#: weights, allclose's tolerances: the program's TypeError)
_POSITIONALS_CHECKED_BY_HANDLER = frozenset({"bincount", "allclose"})
_NUMERIC_BUILTINS = frozenset({"int", "float", "round", "abs", "range", "divmod", "pow", "bool"})
#: Builtins whose work on numpy's own arrays is numpy's (conversions, arithmetic, comparisons,
#: truth, formatting), billed nothing. The others only hold or hand the arrays over (iter, list,
#: zip, dict: the same plain objects) or call the program's functions on them (map, filter,
#: a `key=`), whose fnp calls bill plain operands as any other: they run as any call does.
#: Not len: it bills nothing and counts numpy's arrays as flopscope's, and asking has_plain
#: walks every item of a list (`while len(hist) < n` grows it by one each step: quadratic).
_NUMPY_WORK_BUILTINS = frozenset({"int", "float", "complex", "bool", "round", "abs", "divmod", "pow", "sum", "min",
                                  "max", "sorted", "any", "all", "hash", "str", "repr", "format", "print"})

#: enum base classes: a class deriving from one turns its constants into members.
_ENUM_BASES = {"py:enum.Enum", "py:enum.IntEnum", "py:enum.Flag", "py:enum.IntFlag", "py:enum.StrEnum"}


def _is_enum(cls: ClassVal) -> bool:
    return any(isinstance(b, LibRef) and b.path in _ENUM_BASES or isinstance(b, ClassVal) and _is_enum(b)
               for b in cls.bases)


def _is_enum_member(v: Value) -> bool:
    return isinstance(v, InstanceVal) and _is_enum(v.cls) and "value" in v.attrs and "name" in v.attrs


def kind_name(value: Value) -> str:
    """What a changeable value is, for messages: a list, a Model object, a function of the program."""
    if isinstance(value, InstanceVal):
        return f"a {value.cls.name} object"
    if isinstance(value, (FunctionVal, BoundMethod, PartialVal)):
        return "a function of the program, which it may call"
    if value.__class__ is Array:
        return "a numpy array"
    return {ListVal: "a list", DictVal: "a dict", TupleVal: "a tuple holding objects"}.get(value.__class__, "an object")


def _eager_annotations(tree: ast.Module) -> bool:
    """Whether a module's annotations are evaluated where they are written (Python before 3.14,
    without `from __future__ import annotations`)."""
    found = _EAGER.get(tree)
    if found is None:
        found = _EAGER[tree] = sys.version_info < (3, 14) and not any(
            isinstance(s, ast.ImportFrom) and s.module == "__future__" and any(a.name == "annotations" for a in s.names)
            for s in tree.body)
    return found


_EAGER: "weakref.WeakKeyDictionary[ast.Module, bool]" = weakref.WeakKeyDictionary()


def _importable(top: str) -> bool:
    """Whether a top-level module name can be imported here: the standard library's, or one
    installed (found by its finder without running it: a top-level spec imports nothing)."""
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return True
    found = _IMPORTABLE.get(top)
    if found is None:
        import importlib.util

        try:
            found = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            found = False
        _IMPORTABLE[top] = found
    return found


_IMPORTABLE: dict = {}


def _sys_path_change(program) -> Optional[str]:
    """Where ("file:line") a module of the program loaded so far changes the import path
    (`sys.path.insert/append/extend`, an assignment to `sys.path`, `site.addsitedir`); None
    when none does."""
    loaded = tuple(program.modules)
    found = _SYS_PATH_CHANGES.get(id(program))
    if found is not None and found[0] is program and found[1] == loaded:
        return found[2]
    where = None
    for module in program.modules.values():
        for n in ast_walk(module.tree):
            target = None
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
                if n.func.attr in ("insert", "append", "extend", "__setitem__") and _is_sys_path(n.func.value):
                    target = n
                elif n.func.attr == "addsitedir" and isinstance(n.func.value, ast.Name) and n.func.value.id == "site":
                    target = n
            elif isinstance(n, (ast.Assign, ast.AugAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                if any(_is_sys_path(t) or (isinstance(t, ast.Subscript) and _is_sys_path(t.value)) for t in targets):
                    target = n
            if target is not None:
                where = f"{PurePosixPath(module.path).name}:{target.lineno}"
                break
        if where is not None:
            break
    _SYS_PATH_CHANGES.clear()  # (the last program only: an entry keeps its program alive)
    _SYS_PATH_CHANGES[id(program)] = (program, loaded, where)
    return where


def _is_sys_path(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) \
        and node.value.id == "sys"


_SYS_PATH_CHANGES: dict = {}


def _unhashable_container(value: Value) -> str:
    """Python's type name of the first list or dict in a key (a tuple's items are hashed in turn), or ''."""
    if value.__class__ in _UNHASHABLE_CONTAINERS:
        return _UNHASHABLE_CONTAINERS[value.__class__]
    if value.__class__ is TupleVal:
        return next((name for name in map(_unhashable_container, value.items) if name), "")
    return ""


_UNHASHABLE_CONTAINERS = {ListVal: "list", DictVal: "dict"}


def _not_a_context_manager(value: Value) -> str:
    """The class name of a value Python refuses in a `with` (no __enter__/__exit__): a builtin
    container, number or text, an array, an instance of the user's own classes that lack either;
    else '' (library objects flopcast stands in for, which may be managers)."""
    kinds = {DictVal: "dict", ListVal: "list", TupleVal: "tuple"}
    if value.__class__ in kinds:
        return kinds[value.__class__]
    if isinstance(value, Array):
        return "ndarray" if value.plain else "FlopscopeArray"
    if isinstance(value, Known) and type(value.value) in (int, float, bool, str):
        return type(value.value).__name__  # (None stands for library managers too: fnp.errstate)
    if isinstance(value, InstanceVal) and value.payload is None and all(c.node is not None for c in value.cls.mro()) \
            and _bases_are_plain(value.cls) \
            and not all(isinstance(value.cls.lookup(m)[1], FunctionVal) for m in ("__enter__", "__exit__")) \
            and not any("__getattr__" in c.attrs for c in value.cls.mro()):
        return value.cls.name
    return ""


def _immutable_type_name(obj: Value) -> str:
    """Python's name of the type of a value with no item assignment (a tuple, a number, a
    numpy scalar); '' for anything else."""
    if isinstance(obj, TupleVal):
        return "tuple"
    if isinstance(obj, NumpyScalar):
        return f"numpy.{obj.dtype}"
    if isinstance(obj, Known) and type(obj.value) in (tuple, str, bytes, int, float, complex, bool, frozenset, range,
                                                      type(None)):
        return type(obj.value).__name__
    return ""


def _keyed_by_identity(key: Value, d: DictVal) -> bool:
    """Whether a new key ``key`` (not a known value) is found in ``d`` by identity alone: it is an
    enum member or equal only to itself, and so is every object key already there."""
    def plain(v: Value) -> bool:
        return equal_only_to_itself(v) or _is_enum_member(v)

    return plain(key) and all(not isinstance(k, ObjKey) or plain(k.value) for k in d.items)


def _identity_membership(left: InstanceVal, items) -> Optional[bool]:
    """``left in items`` for an ``left`` equal only to itself: true when an item is it; false when
    no item can claim equality (plain values and other identity-equal instances); else unknown."""
    if any(item is left for item in items):
        return True
    plain = (type(None), bool, int, float, str, bytes)
    if all(isinstance(item, Known) and type(item.value) in plain or equal_only_to_itself(item) for item in items):
        return False
    return None


class _EnumBody(dict):
    """An enum class body's namespace: ``enum.auto()`` gets its value when it is assigned, as
    Python's ``_EnumDict`` gives it (``FULL = MEAN | VAR`` in the body reads the numbers), by
    ``_generate_next_value_``: Enum the largest value so far plus one, Flag the power of two
    above the largest (1, 2, 4, ...), both from 1."""

    def __init__(self, flag: bool):
        super().__init__()
        self.flag = flag

    def __setitem__(self, name, value) -> None:
        if isinstance(value, Known) and value.value is ENUM_AUTO and not name.startswith("_"):
            value = Known(self._next())
        super().__setitem__(name, value)

    def _next(self):
        last = [v.value for k, v in self.items() if not k.startswith("_") and isinstance(v, Known)
                and type(v.value) is int]
        if not last:
            return 1
        return 2 ** max(last).bit_length() if self.flag else max(last) + 1


def _abstract_methods(cls: ClassVal) -> list:
    """The abstract methods an instance of ``cls`` would lack, sorted, when ``cls`` is an ABC; else []."""
    if not dunders.is_abc(cls):
        return []
    mro = cls.mro()
    names = {name for c in mro for name, v in c.attrs.items() if isinstance(v, FunctionVal) and v.abstract}
    return sorted(name for name in names if isinstance(cls.lookup(name)[1], FunctionVal) and cls.lookup(name)[1].abstract)


def _make_enum_members(cls: ClassVal) -> None:
    """``class Kind(enum.Enum): FAST = 1``: each public constant (or ``enum.auto()``, numbered
    as _EnumBody numbers it) becomes a member with ``.name`` and ``.value``; ``Kind.FAST``,
    ``Kind["FAST"]``, ``Kind(1)`` and iteration give the same member objects. A constant whose
    value an earlier member has is an alias of that member (``Kind.B is Kind.A``); iteration and
    ``len`` skip aliases and, in a Flag, the members that are not one bit (``FULL = A | B``)."""
    members: dict = {}
    canonical: list = []
    by_value: dict = {}
    flag = flags.is_flag(cls)
    for name, value in list(cls.attrs.items()):
        if name.startswith("_"):
            continue
        if isinstance(value, LibRef) and value.path == "py:enum.auto":
            continue
        if not isinstance(value, Known) or value.value is ENUM_AUTO:
            continue
        try:
            alias = by_value.get(value.value)
        except TypeError:  # an unhashable value (a list): Python compares by ==, flopcast keeps it a member
            alias = None
        if alias is not None:
            cls.attrs[name] = members[name] = alias
            continue
        member = InstanceVal(cls, {"name": Known(name), "value": value, "_value_": value, "_name_": Known(name)})
        cls.attrs[name] = member
        members[name] = member
        try:
            by_value[value.value] = member
        except TypeError:
            pass
        v = value.value
        if not flag or type(v) is int and v > 0 and v & (v - 1) == 0:
            canonical.append(member)
    cls.attrs["__members__"] = DictVal(members)
    cls.attrs["__iter_members__"] = ListVal(canonical)
    # (`class Kind(str, Enum)` / `(int, Enum)`: a member is also its text or number, as a StrEnum's is)
    if any(isinstance(b, LibRef) and b.path in ("py:enum.IntEnum", "py:enum.IntFlag", "py:enum.StrEnum")
           or isinstance(b, Builtin) and b.name in ("int", "str") for b in cls.bases):
        cls.attrs["__int_like__"] = Known(True)


def _with_field(params: list, field: tuple) -> list:
    """``params`` with ``field``: a name already there is redefined where it stands (dataclasses
    collects fields in a dict, so `x: int = 3` in a subclass keeps the base's position of x)."""
    if any(p[0] == field[0] for p in params):
        return [field if p[0] == field[0] else p for p in params]
    return params + [field]


def _declared_slots(obj: InstanceVal, slotted_library_bases: frozenset = frozenset()) -> Optional[set]:
    """The names every class on an instance's MRO declares in known ``__slots__`` (the user's own
    classes, over ``object`` or these library bases), or None when one of them declares none."""
    names: set = set()
    for c in obj.cls.mro():
        slots = c.attrs.get("__slots__") if c.node is not None else None
        if isinstance(slots, (TupleVal, ListVal)):
            slots = Known(tuple(i.value if isinstance(i, Known) else None for i in slots.items))
        if not isinstance(slots, Known):
            return None
        declared = (slots.value,) if isinstance(slots.value, str) else slots.value
        if not isinstance(declared, (tuple, list)) or not all(isinstance(n, str) for n in declared):
            return None
        names.update(declared)
        if not all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                   or isinstance(b, LibRef) and b.path in slotted_library_bases for b in c.bases):
            return None
    return names


def _may_hold(obj: InstanceVal, attr: str) -> bool:
    """Whether an instance can take a new attribute ``attr``: it has a ``__dict__`` unless every
    class on its MRO (the user's own, over ``object``) declares ``__slots__``; then only a slot."""
    names = _declared_slots(obj)
    return names is None or attr in names or "__dict__" in names


#: library bases that declare ``__slots__ = ()`` (they add no ``__dict__`` to a slotted class)
_SLOTTED_LIBRARY_BASES = frozenset({"py:abc.ABC"})


def _has_no_dict(obj: InstanceVal) -> bool:
    """Whether an instance surely has no ``__dict__``: every class on its MRO (the user's own, over
    ``object`` or ``abc.ABC``) declares known ``__slots__``, none of them ``__dict__``."""
    names = _declared_slots(obj, _SLOTTED_LIBRARY_BASES)
    return names is not None and "__dict__" not in names


_SCALAR_CALL_REFUSALS: dict = {}


def _scalar_type_call_refusal(name: str, positional: int, keywords: tuple) -> Optional[str]:
    """numpy's TypeError for its scalar type ``name`` called with keywords (``fnp.int64(rows,
    axis=0)``) or more than one argument by position (``fnp.int8(x, 0.0)``; ``complex128(re, im)``
    takes two), or None where numpy takes the call. The numeric scalar types parse their
    arguments before reading any value, so numpy itself is asked with stand-in zeros (once per
    form)."""
    key = (name, positional, keywords)
    if key not in _SCALAR_CALL_REFUSALS:
        import numpy as np

        scalar_type, refused = getattr(np, name, None), None
        if isinstance(scalar_type, type) and issubclass(scalar_type, (np.number, np.bool_)):
            try:
                scalar_type(*[0] * positional, **dict.fromkeys(keywords, 0))
            except TypeError as exc:
                refused = str(exc)
            except (ValueError, OverflowError):
                pass
        _SCALAR_CALL_REFUSALS[key] = refused
    return _SCALAR_CALL_REFUSALS[key]


def _refuse_named_tuple_attr(obj: InstanceVal, attr: str, span: Span) -> None:
    """A NamedTuple's fields are read-only properties (even to ``object.__setattr__``), and the class
    keeps no ``__dict__`` (``__slots__ = ()``): a subclass of it without slots does."""
    for c in obj.cls.mro():
        if c.tuple_like:
            if any(f[0] == attr for f in c.fields or ()):
                raise UserRaise(span, "AttributeError: can't set attribute")
            if c is obj.cls:
                raise UserRaise(span, f"AttributeError: '{c.name}' object has no attribute '{attr}'")
            return


def _refuse_frozen_field(obj: InstanceVal, attr: str, span: Span) -> None:
    """A frozen dataclass's generated ``__setattr__`` (the first ``__setattr__`` on the instance's
    MRO) raises FrozenInstanceError for an instance of the class itself, or for one of its fields."""
    for c in obj.cls.mro():
        if c.frozen:
            if obj.cls is c or any(f[0] == attr for f in c.fields or ()):
                raise UserRaise(span, f"FrozenInstanceError: cannot assign to field {attr!r}")
            return
        if "__setattr__" in c.attrs:
            return


def _user_exception_family(cls: ClassVal) -> tuple:
    """The class names an `except` clause can name to catch an instance of a user exception class."""
    names = []
    for c in cls.mro():
        names.append(c.name)
        for base in c.bases:
            if isinstance(base, (Builtin, LibRef)):
                name = base.name if isinstance(base, Builtin) else base.path.rsplit(".", 1)[-1]
                names += [name, *_EXCEPTION_BASES.get(name, ())]
    return tuple(names) + ("Exception", "BaseException")


def _bases_are_plain(cls: ClassVal) -> bool:
    """Whether every base class is the user's own, whestbench's BaseEstimator or object, so a
    method none of them defines does not exist."""
    return all(isinstance(b, ClassVal) or is_plain_estimator_base(b)
               or isinstance(b, Builtin) and b.name == "object" for c in cls.mro() for b in c.bases)


_EXHAUSTION = UserRaise(None, "BudgetExhaustedError: ")


def _catches_exhaustion(handlers: list) -> bool:
    """Whether one of these except clauses catches flopscope's BudgetExhaustedError, by the
    names it lists (a bare `except`, Exception, FlopscopeError, BudgetExhaustedError, ...)."""
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else None
            if name is not None and _exception_matches(_EXHAUSTION, name):
                return True
    return False


def _clause_fails(handlers: list, lookup: Callable[[str], Optional[Value]],
                  never_defined: Callable[[str], bool]) -> bool:
    """Whether one of these except clauses raises when Python evaluates it: it names an exception
    class that flopscope's module does not provide (``fnp.linalg.LinAlgError``: AttributeError),
    or a name ``never_defined`` (NameError). The module is found without evaluating anything: a
    name ``lookup`` binds to a library module, and its attributes."""
    for handler in handlers:
        types = () if handler.type is None else \
            handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            if isinstance(t, ast.Name) and never_defined(t.id):
                return True
            if isinstance(t, ast.Attribute):
                owner = _library_module(t.value, lookup)
                provided = None if owner is None else installed.op_inventory().exceptions.get(owner.path)
                if provided is not None and t.attr not in provided:
                    return True
    return False


def _library_module(node: ast.expr, lookup: Callable[[str], Optional[Value]]) -> Optional[LibRef]:
    """The library object a chain of names reaches (``fnp.linalg``), or None."""
    if isinstance(node, ast.Attribute):
        owner = _library_module(node.value, lookup)
        value = None if owner is None else lib_attr(owner, node.attr)
    elif isinstance(node, ast.Name):
        value = lookup(node.id)
    else:
        return None
    return value if isinstance(value, LibRef) else None


def _exception_matches(exc: UserRaise, name: Optional[str]) -> bool:
    """Whether an exception class called ``name`` catches ``exc`` (by its class or a base)."""
    raised = _exception_name(exc.what)
    family = exc.family or (_exception_bases(raised) + (raised, "Exception", "BaseException"))
    return name in family or raised == "" and name is not None


def _class_name(value: Value) -> Optional[str]:
    """The name of an exception class as a value: ``ValueError``, a user class, ``fnp.linalg.LinAlgError``."""
    if isinstance(value, Builtin):
        return value.name
    if isinstance(value, ClassVal):
        return value.name
    if isinstance(value, LibRef):
        return value.path.rsplit(".", 1)[-1]
    return None


def _is_contextmanager(fn: FunctionVal) -> bool:
    """Whether a generator function is decorated ``@contextmanager`` (``@contextlib.contextmanager``)."""
    return any((d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else None)
               == "contextmanager" for d in getattr(fn.node, "decorator_list", ()))


def _unread_parameters(node) -> frozenset:
    """The named parameters of a function ``node`` that its code never names (nothing in it
    can read what they are bound to): none when the code may read its frame otherwise
    (`locals()`, `vars()`, `eval`, `exec`, zero-argument `super()`, which reads the first)."""
    args = node.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    named = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if sub.id in ("locals", "vars", "eval", "exec", "super"):
                return frozenset()
            named.add(sub.id)
    # defaults and annotations are evaluated where the function is defined, not read by the body
    return frozenset(params - named)


def _reads_sent_values(node: ast.AST) -> bool:
    """Whether a generator function's body can see what ``send()`` passes in: a `yield` used as a
    value (`x = yield n`), or a `yield from` (which forwards sends to its subgenerator)."""
    bare = {id(s.value) for s in ast_walk(node) if isinstance(s, ast.Expr) and isinstance(s.value, ast.Yield)}
    return any(isinstance(n, ast.YieldFrom) or isinstance(n, ast.Yield) and id(n) not in bare for n in ast_walk(node))


def _split_at_yield(body: list) -> Optional[tuple[list, Optional[ast.expr], list, list, list]]:
    """A ``@contextmanager`` body around its one ``yield``: (code before it, the yielded
    expression, code after it in its ``try``, that ``try``'s ``finally``, code after the
    ``try``); only the ``finally`` runs when the body of the `with` raises. The
    ``yield`` must be a statement of the body or of a handler-less ``try``/``finally`` in it;
    None for any other shape."""
    for i, stmt in enumerate(body):
        if _is_yield_statement(stmt) and not _has_yield(body[i + 1:]):
            return body[:i], stmt.value.value, [], [], body[i + 1:]
        if isinstance(stmt, ast.Try) and not stmt.handlers and not stmt.orelse and not _has_yield(body[i + 1:]):
            inner = stmt.body
            k = next((j for j, s in enumerate(inner) if _is_yield_statement(s)), None)
            if k is not None and not _has_yield(inner[:k] + inner[k + 1:] + stmt.finalbody):
                return body[:i] + inner[:k], inner[k].value.value, inner[k + 1:], stmt.finalbody, body[i + 1:]
        if _has_yield([stmt]):
            return None
    return None


def _yields_in(loop: ast.AST) -> bool:
    """Whether a loop's body yields (not in a nested def, lambda or class)."""
    found = _LOOP_YIELDS.get(loop)
    if found is None:
        found = _LOOP_YIELDS[loop] = _has_yield(loop.body)
    return found


_LOOP_YIELDS: "weakref.WeakKeyDictionary[ast.AST, bool]" = weakref.WeakKeyDictionary()


def _is_yield_statement(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)


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


def _has_yield(stmts: list) -> bool:
    stack = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast_children(n))
    return False


def _exception_name(what: str) -> str:
    """'ValueError: ...' / 'ValueError(\'x\')' / 'fnp.linalg.LinAlgError' -> the class name."""
    m = re.match(r"\s*([A-Za-z_][\w.]*)", what)
    return m.group(1).rsplit(".", 1)[-1] if m else ""
_MODULE_METHODS = {"load", "load_state_dict", "state_dict", "save", "config", "from_file"}


def _namedtuple_fields(cls: ClassVal) -> TupleVal:
    """A NamedTuple class's ``_fields``: its field names in order (a subclass's are its base's)."""
    fields = next((c.fields for c in cls.mro() if c.fields is not None), [])
    return TupleVal(tuple(Known(f[0]) for f in fields))


def _is_flops_module(cls: ClassVal) -> bool:
    """Whether a user class derives from flopscope.Module (directly or through user bases)."""
    for c in cls.mro():
        for base in c.bases:
            if isinstance(base, LibRef) and base.path in ("flopscope.Module", "flopscope._module.Module"):
                return True
    return False


def _module_collect(key: str, value: Value) -> dict:
    if isinstance(value, Array):
        return {key: value}
    if isinstance(value, InstanceVal) and _is_flops_module(value.cls):
        return _module_state(value, f"{key}.")
    if isinstance(value, (ListVal, TupleVal)):
        out: dict = {}
        for i, item in enumerate(value.items):
            out.update(_module_collect(f"{key}.{i}", item))
        return out
    if isinstance(value, DictVal):
        out = {}
        for k, item in value.items.items():
            out.update(_module_collect(f"{key}.{k}", item))
        return out
    return {}


def _module_state(obj: InstanceVal, prefix: str) -> dict:
    """flops.Module.state_dict: the public array attributes, nested modules and containers flattened."""
    out: dict = {}
    for name, value in obj.attrs.items():
        if not name.startswith("_"):
            out.update(_module_collect(f"{prefix}{name}", value))
    return out


def _module_rebuild(obj: InstanceVal, prefix: str, arrays: dict) -> None:
    def rebuild(key: str, value: Value) -> Value:
        if isinstance(value, Array):
            return arrays.get(key, value)
        if isinstance(value, InstanceVal) and _is_flops_module(value.cls):
            _module_rebuild(value, f"{key}.", arrays)
            return value
        if isinstance(value, ListVal):
            return ListVal([rebuild(f"{key}.{i}", v) for i, v in enumerate(value.items)])
        if isinstance(value, TupleVal):
            return make_tuple([rebuild(f"{key}.{i}", v) for i, v in enumerate(value.items)])
        if isinstance(value, DictVal):
            return DictVal({k: rebuild(f"{key}.{k}", v) for k, v in value.items.items()})
        return value

    for name, value in list(obj.attrs.items()):
        if not name.startswith("_"):
            obj.attrs[name] = rebuild(f"{prefix}{name}", value)
_SOURCES: "weakref.WeakKeyDictionary[ast.AST, str]" = weakref.WeakKeyDictionary()
#: An augmented assignment's target -> the same expression read (Interpreter._load_version).
_LOAD_VERSIONS: "weakref.WeakKeyDictionary[ast.AST, ast.expr]" = weakref.WeakKeyDictionary()


def _or_zero(value: Value, rest: list) -> bool:
    """Whether ``value or <rest>`` is ``value`` whatever its truth: an int of unknown value
    followed only by the literal int ``0`` (a false int is 0 itself)."""
    if value.__class__ is not Unknown or value.kind != "int" or len(rest) != 1:
        return False
    zero = rest[0]
    return isinstance(zero, ast.Constant) and type(zero.value) is int and zero.value == 0


#: `c < x` read as `x > c`
_MIRRORED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}


def _source(node: ast.AST) -> str:
    """``ast.unparse(node)``, once per node: a site's text is built at each consultation, a raise's at each
    execution (a ladder of solvers that raise is most of a path's unparsing otherwise)."""
    text = _SOURCES.get(node)
    if text is None:
        text = _SOURCES[node] = ast.unparse(node)
    return text


#: The attributes of every iterable a ListVal may stand for (a list, map(), zip(), filter(),
#: enumerate(), reversed(), a generator, a range, a tuple, a set): a name outside them all is
#: Python's AttributeError, whichever it is.
_ITERABLE_ATTRS = frozenset(n for t in (list, tuple, set, frozenset, range, map, zip, filter, enumerate, reversed,
                                        type(x for x in ()), type(iter([])), type(iter(())), type({}.keys()))
                            for n in dir(t))


#: The methods of dict and list that an instance of a user subclass finds on its container.
_CONTAINER_METHODS = {DictVal: frozenset(n for n in dir(dict) if not n.startswith("_")),
                      ListVal: frozenset(n for n in dir(list) if not n.startswith("_"))}


def _container_base(cls: ClassVal) -> Optional[str]:
    """'dict' or 'list' when a user class derives from that builtin (through its user bases)."""
    for c in cls.mro():
        for base in c.bases:
            if isinstance(base, Builtin) and base.name in ("dict", "list"):
                return base.name
    return None


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


_BINOPS = {
    "Add": operator.add, "Sub": operator.sub, "Mult": operator.mul, "Div": operator.truediv,
    "FloorDiv": operator.floordiv, "Mod": operator.mod, "Pow": operator.pow, "LShift": operator.lshift,
    "RShift": operator.rshift, "BitAnd": operator.and_, "BitOr": operator.or_, "BitXor": operator.xor,
    "MatMult": operator.matmul,
}
#: The builtin classes whose class pattern `int(x)` matches the subject itself (PEP 634).
_MATCH_SELF_TYPES = {"bool": bool, "bytes": bytes, "dict": dict, "float": float, "frozenset": frozenset,
                     "int": int, "list": list, "set": set, "str": str, "tuple": tuple}
_CMP = {
    "Gt": operator.gt, "GtE": operator.ge, "Lt": operator.lt, "LtE": operator.le, "Eq": operator.eq,
    "NotEq": operator.ne,
}
_CMP_SYMBOLS = {"Gt": ">", "GtE": ">=", "Lt": "<", "LtE": "<="}
#: what Python's deque has besides its dunders (a list's `sort` is not among them)
_DEQUE_ATTRS = frozenset(n for n in dir(collections.deque) if not n.startswith("__"))
#: the names Python's concatenation errors give the sequences flopcast follows
_SEQUENCE_NAMES = {ListVal: "list", TupleVal: "tuple", DequeVal: "collections.deque"}


def _same_kind(like: Value, items: list) -> Value:
    """A new list, tuple or deque (with ``like``'s maxlen, its oldest items dropped past it) of ``items``."""
    if like.__class__ is DequeVal:
        made = DequeVal(items, like.maxlen)
        stdlib_containers.trim(made, left=True)
        return made
    return ListVal(items) if isinstance(like, ListVal) else make_tuple(items)


def _python_type_name(v: Value) -> str:
    """The name Python's errors give the type of ``v`` (as far as flopcast tells it)."""
    if isinstance(v, Known):
        return type(v.value).__name__
    return {DequeVal: "collections.deque", ListVal: "list", TupleVal: "tuple", DictVal: "dict",
            Array: "ndarray"}.get(v.__class__, type(v).__name__)
_BUILTINS = {
    "range", "len", "min", "max", "abs", "int", "float", "bool", "str", "round", "sum", "enumerate", "zip",
    "list", "tuple", "dict", "set", "sorted", "reversed", "isinstance", "issubclass", "hasattr", "getattr", "setattr", "print",
    "super", "any", "all", "divmod", "pow", "staticmethod", "classmethod", "property", "map", "filter", "iter",
    "next", "type", "object", "Exception", "ValueError", "RuntimeError", "TypeError", "KeyError", "IndexError",
    "ArithmeticError", "ZeroDivisionError", "FloatingPointError", "OverflowError", "NotImplementedError",
    "AssertionError", "StopIteration", "callable", "frozenset", "id", "hash", "repr", "format", "NotImplemented",
    "LookupError", "AttributeError", "compile", "exec", "complex", "vars", "slice", "open", *TEXT_BUILTINS,
} | {name for name in dir(builtins) if dunders.is_builtin_exception(name)}  # (NameError, MemoryError, Warning, ...)

_HASH_TYPES = tuple({type(hashlib.new(n)) for n in sorted(hashlib.algorithms_guaranteed)})
_SAFE_METHODS = {
    str: {"join", "format", "upper", "lower", "strip", "split", "replace", "startswith", "endswith", "encode",
          "partition", "rpartition", "rsplit", "lstrip", "rstrip", "count", "find", "rfind", "index", "zfill",
          "removeprefix", "removesuffix", "ljust", "rjust", "center", "title", "capitalize", "casefold",
          "splitlines", "isdigit", "isalpha", "isalnum", "isupper", "islower", "isspace"},
    bytes: {"decode", "hex", "split", "splitlines", "strip", "startswith", "endswith", "count", "find"},
    # in-memory files over files beside the estimator (submission_files.open_file)
    io.StringIO: {"read", "readline", "readlines", "close", "seek", "tell"},
    io.BytesIO: {"read", "readline", "readlines", "close", "seek", "tell"},
    int: {"bit_length", "bit_count", "to_bytes", "as_integer_ratio"},
    float: {"is_integer"},
    # a cost model's exact shares (fractions.Fraction of known numbers is the real one)
    fractions.Fraction: {"numerator", "denominator", "limit_denominator", "as_integer_ratio"},
    tuple: {"index", "count"},
    # hash objects of known bytes (builtins: hashlib); update() changes one and is not here
    **{typ: {"digest", "hexdigest", "digest_size", "block_size", "name", "copy"} for typ in _HASH_TYPES},
    # the default context's arithmetic (builtins: decimal; any other context ends the path)
    decimal.Decimal: {"quantize", "to_integral_value", "to_integral", "to_integral_exact", "sqrt", "exp", "ln",
                      "log10", "is_finite", "is_nan", "is_infinite", "is_zero", "is_signed", "adjusted", "normalize",
                      "copy_abs", "copy_negate", "max", "min", "compare", "scaleb", "fma", "as_integer_ratio"},
    # a list only a known value's method made (`"a,b".split(",")`): the methods that read it
    list: {"index", "count", "copy"},
    slice: {"start", "stop", "step", "indices"},
    range: {"start", "stop", "step", "index", "count"},
    dict: {"get", "keys", "values", "items"},
    # sets of plain values are the real sets (builtins.set_of): Python's own methods and order
    set: {"add", "discard", "remove", "pop", "clear", "update", "intersection_update", "difference_update",
          "symmetric_difference_update", "union", "intersection", "difference", "symmetric_difference",
          "issubset", "issuperset", "isdisjoint", "copy"},
    frozenset: {"union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset",
                "isdisjoint", "copy"},
}
#: How many levels into objects a generator's held state is compared (Interpreter._held_signature).
HELD_DEPTH = 12
#: The builtin classes' pure alternate constructors (Python's own, called with known arguments).
_PURE_CLASS_METHODS = {"int": {"from_bytes"}, "float": {"fromhex"}}
#: `s op= t` of a set: the in-place operator (it changes the set itself).
_SET_INPLACE = {ast.BitOr: operator.ior, ast.BitAnd: operator.iand, ast.Sub: operator.isub, ast.BitXor: operator.ixor}


_DATA_INT_STEPS = {"Add": ("add", "add"), "Sub": ("sub", "rsub"), "Mult": ("mul", "mul"), "FloorDiv": ("floordiv", None)}


def _data_int_arithmetic(name: str, left: Value, right: Value) -> Optional[Value]:
    """``k + 1``, ``n - k``, ``2 * k``, ``k // 2`` of an integer read from data: the same
    function of the value read at its origin (see analyzer/dataints.py)."""
    steps = _DATA_INT_STEPS.get(name)
    if steps is None:
        return None
    if dataints.is_data_int(left) and isinstance(right, Known):
        return dataints.derive(left, steps[0], right.value)
    if dataints.is_data_int(right) and isinstance(left, Known) and steps[1] is not None:
        return dataints.derive(right, steps[1], left.value)
    return None


def _settled_by_range(name: str, left: Value, right: Value) -> Optional[Known]:
    """An integer read from data compared with a known number, when every value of its range
    answers alike (its chain is monotone, so its two ends decide): `k > 2` once `k - 1`
    repeated has brought the range below 3. A data-dependent loop that shrinks such an integer
    ends where the range settles its test, instead of running to the iteration cap."""
    if dataints.is_data_int(left) and isinstance(right, Known) and type(right.value) in (int, float):
        answers = {_CMP[name](end, right.value) for end in dataints.ends(left)}
        ends = dataints.ends(left)
    elif dataints.is_data_int(right) and isinstance(left, Known) and type(left.value) in (int, float):
        answers = {_CMP[name](left.value, end) for end in dataints.ends(right)}
        ends = dataints.ends(right)
    else:
        return None
    if any(dataints.unbounded(e) for e in ends) or len(answers) != 1:
        return None
    if name in ("Eq", "NotEq") and ends[0] != ends[1]:
        # equality is not monotone: both ends unequal to c say nothing of the values between
        other = right.value if dataints.is_data_int(left) else left.value
        if ends[0] <= other <= ends[1]:
            return None
    return Known(answers.pop())


def _bounded_data_ints(left: Value, right: Value) -> bool:
    """Both operands are known numbers or integers read from data with bounds on both sides."""
    seen = False
    for v in (left, right):
        if dataints.is_data_int(v):
            if any(dataints.unbounded(e) for e in dataints.ends(v)):
                return False
            seen = True
        elif not (isinstance(v, Known) and isinstance(v.value, (int, float))):
            return False
    return seen


class _NotConcrete(Exception):
    pass


def _concrete(v: Value) -> Any:
    """The Python value of a known value, or of a list or tuple of them (`", ".join(parts)`)."""
    if isinstance(v, Known):
        return v.value
    if isinstance(v, ListVal):
        return [_concrete(x) for x in v.items]
    if isinstance(v, TupleVal):
        return tuple(_concrete(x) for x in v.items)
    raise _NotConcrete


def _fixed_library_type(value: Any) -> bool:
    """Whether ``value`` is of a library type flopcast models (a hash object, a Fraction, a
    Decimal, ...) whose instances hold no attributes of their own: its class's names are all it has."""
    return not hasattr(value, "__dict__") and any(isinstance(value, typ) for typ in _SAFE_METHODS)


def _missing_attribute(value: Any, name: str) -> Optional[str]:
    """Python's own message when ``value`` (a number, a text, a library object of a fixed type) has
    no attribute ``name`` (its C types name their module: '_blake2.blake2b'); None when it has."""
    if hasattr(type(value), name):
        return None
    try:
        getattr(value, name)
    except AttributeError as exc:
        return str(exc)
    return None


def _known_method(value: Any, name: str) -> Optional[Value]:
    for typ, names in _SAFE_METHODS.items():
        if isinstance(value, typ) and name in names:
            return Known(getattr(value, name))
    return None


#: ``type(node)`` -> the Interpreter method that runs it (faster than a getattr per node).
_STMT_DISPATCH = {getattr(ast, name[len("stmt_"):]): fn for name, fn in vars(Interpreter).items()
                  if name.startswith("stmt_") and hasattr(ast, name[len("stmt_"):])}


def _joined_try(interp: Interpreter, node: ast.Try) -> None:
    """A try statement, recording its join when value-dependent raise points inside it were
    consulted and it ended normally (joins.py: a fallback that rejoins adds up with the rest)."""
    decisions = interp.decisions
    first, used, asked = len(decisions.log), interp.used, len(decisions.answers)
    try:
        interp.stmt_Try(node)
    except _Return as r:
        # A rung that returns (`try: return cholesky(c)`) ends its statement in the caller, where
        # the returned value is bound: the join is recorded there (_joined_statement).
        log = decisions.log
        r.joined = (first, used) if len(log) == first + 1 and log[first][0] == "raise" else None
        raise
    if len(decisions.answers) > asked and all(key[0] == "raise" for key, _ in decisions.answers[asked:]) \
            and joins.comparable_stack(interp):
        interp._joinable_answers += len(decisions.answers) - asked
    if len(decisions.log) > first and all(key[0] == "raise" for key in decisions.log[first:]):
        joins.record(interp, node, (first, len(decisions.log)), used)


_STMT_DISPATCH[ast.Try] = _joined_try

def _chooses(value: Optional[ast.expr]) -> bool:
    """Whether an expression picks by a truth value (`a or b`, `x if t else y`) outside a lambda."""
    if value is None:
        return False
    # Kept on the node, as repeats keeps a loop's names: asked at every assignment and
    # expression statement run, where a weak table's lookup makes a weak reference each time.
    found = value.__dict__.get("_flopcast_chooses")
    if found is None:
        stack, found = [value], False
        while stack and not found:
            n = stack.pop()
            found = isinstance(n, (ast.BoolOp, ast.IfExp))
            stack.extend(c for c in ast_children(n) if not isinstance(c, ast.Lambda))
        value._flopcast_chooses = found
    return found


def _joined_statement(plain):
    """``plain`` for an assignment or expression statement, recording the joins it ends (joins.py).

    * A choice by a truth value in its own expression that consulted a site once, when nothing in
      it recorded a join of its own (`cov = cov / s if s > 1e30 else cov`, `default_rng(seed or
      7)`): the choice ends with its statement as an `if` does, so it rejoins or not by the same
      proof, and one consultation per join keeps the per-execution proof per execution. A
      `return` is left out: its value waits in the caller, where no walk of the state sees it.
    * When its whole value is a call: a try the callee returned out of after consulting one raise
      point (a fallback ladder's rung), once the statement has bound the value: the state the
      rest of the program sees is then walked as for any join, the callee's frame gone. Nothing
      may be consulted between the return and the statement's end.

    A join whose state cannot be compared is not kept: it would refuse a proof an ending site
    still gives."""
    def run(interp: Interpreter, node) -> None:
        value = node.value
        chooses, whole_call = _chooses(value), type(value) is ast.Call
        if not chooses and not whole_call:
            return plain(interp, node)
        decisions = interp.decisions
        first, used, asked, joined = len(decisions.log), interp.used, len(decisions.answers), len(interp.result.joins)
        if whole_call:
            interp._returned_try = None  # a statement cut short must not hand its return to a later one
        plain(interp, node)
        log = decisions.log
        if whole_call:
            returned, interp._returned_try = interp._returned_try, None
            if returned is not None:
                caller, span, rung_first, rung_used = returned
                if caller is interp.frame and len(log) == rung_first + 1 \
                        and joins.statement_of(interp.program, span) is node:
                    recorded = len(interp.result.joins)
                    joins.record(interp, node, (rung_first, len(log)), rung_used)
                    if interp.result.joins[-1].form is None:
                        del interp.result.joins[recorded:]
        if not chooses or len(log) != first + 1 or len(interp.result.joins) != joined:
            return
        joins.record(interp, node, (first, len(log)), used)
        if interp.result.joins[-1].form is None:
            del interp.result.joins[joined:]
            return
        if len(decisions.answers) > asked:
            interp._joinable_answers += len(decisions.answers) - asked

    return run


for _kind in (ast.Assign, ast.AnnAssign, ast.Expr):
    _STMT_DISPATCH[_kind] = _joined_statement(_STMT_DISPATCH[_kind])

#: The most stage boundaries one watched run records (each walks the whole state).
MAX_STAGE_JOINS = 256


def _staged(plain):
    """``plain`` for an assignment or expression statement, recording its join when its whole
    value is a call that consulted sites and it ended normally (a stage boundary, joins.py)."""
    def run(interp: Interpreter, node) -> None:
        if not isinstance(node.value, ast.Call):
            return plain(interp, node)
        log = interp.decisions.log
        first, used = len(log), interp.used
        plain(interp, node)
        if len(log) > first and len(interp.result.joins) < MAX_STAGE_JOINS:
            joins.record(interp, node, (first, len(log)), used, call=True)

    return run


_STAGED_DISPATCH = {**_STMT_DISPATCH, **{kind: _staged(_STMT_DISPATCH[kind]) for kind in (ast.Assign, ast.AnnAssign,
                                                                                          ast.Expr)}}
_EXPR_DISPATCH = {getattr(ast, name[len("expr_"):]): fn for name, fn in vars(Interpreter).items()
                  if name.startswith("expr_") and hasattr(ast, name[len("expr_"):])}


@cache
def _missing_stdlib_attr(module: str, name: str) -> bool:
    """Whether the standard library module ``module`` (a pure one flopcast models by name: math,
    itertools, functools, operator, ...) has no attribute ``name``; False for anything else."""
    if module not in _CHECKED_STDLIB:
        return False
    import importlib

    return not hasattr(importlib.import_module(module), name)


#: modules whose attributes are read from the interpreter's own copy (the run's is the same)
_CHECKED_STDLIB = frozenset({"math", "cmath", "itertools", "functools", "operator", "statistics", "bisect",
                             "heapq", "contextlib", "collections", "dataclasses", "enum", "abc", "copy", "numbers",
                             "fractions", "string", "warnings"})


def _type_is_plain_type(cls: ClassVal) -> bool:
    """The class's own class is ``type``: no user metaclass anywhere in its hierarchy, and every
    base the user's class statement or a builtin class (object, type, dict, Exception, ...)."""
    return all(c.node is not None and c.metaclass is None
               and all(isinstance(b, (ClassVal, Builtin)) for b in c.bases) for c in cls.mro())


def _is_metaclass(cls: ClassVal) -> bool:
    """A user's class deriving from ``type``."""
    return any(isinstance(b, Builtin) and b.name == "type" for c in cls.mro() for b in c.bases)


def _key_text(key: Value) -> str:
    """How Python's KeyError shows an object key: ``<class 'estimator.Relu'>``, ``<function f ...>``."""
    if isinstance(key, ClassVal):
        return f"<class '{key.qualname}'>"
    if isinstance(key, FunctionVal):
        return f"<function {key.qualname}>"
    return f"<{key.cls.qualname} object>" if isinstance(key, InstanceVal) else type(key).__name__


#: Builtins that take every item of their argument.
_EXHAUSTING = frozenset({"list", "tuple", "sorted", "sum", "set", "frozenset", "dict", "min", "max"})


def _may_leave_early(loop: ast.AST) -> bool:
    """Whether a loop's body may end it before its iterator is exhausted: a ``break`` of this
    loop, or a ``return``/``raise`` anywhere in it (not inside a nested function)."""
    def leaves(nodes, inner: bool) -> bool:
        for n in nodes:
            if isinstance(n, (ast.Return, ast.Raise)) or isinstance(n, ast.Break) and not inner:
                return True
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(n, (ast.For, ast.AsyncFor, ast.While)):  # its own breaks end it, not ours
                if leaves(n.body, True) or leaves(n.orelse, inner):
                    return True
                continue
            if leaves(ast_children(n), inner):
                return True
        return False

    return leaves(loop.body, False)


#: main module tree -> (the modules loaded when asked, whether an except clause of theirs catches
#: BudgetExhaustedError): Interpreter.program_catches_exhaustion, once per program.
_CATCHING: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

