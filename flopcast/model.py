"""The data every flopcast front end shares: spans, charges, findings and reports.

The static analyzer and the runtime counter both produce a list of :class:`Charge`
records of the same shape, so ``verify`` is a join of two logs on ``(span, op)``.
Nothing here imports flopscope, numpy or the user's code.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True, order=True)
class Span:
    """A source range, in the coordinates CPython uses for ``code.co_positions()``.

    Lines are 1-based; columns are 0-based UTF-8 byte offsets, exactly as ``ast``
    reports them, so a static span and the interpreter's instruction position of
    the same expression compare equal.
    """

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col + 1}"


def display_path(path: "str | os.PathLike[str]") -> str:
    """How every command names a file for people: relative to the working folder, as
    ruff prints paths (``../`` when it is outside); pseudo-locations such as the
    scorer's ``<whestbench...>`` as they are. JSON output keeps absolute paths instead.
    """
    text = os.fspath(path)
    if text.startswith("<"):
        return text
    try:
        return os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return text


#: Where the charges whestbench's scorer makes after ``predict`` returns are filed.
#: Both the static side and the runtime counter use this span for them.
SCORER_SPAN = Span("<whestbench.scoring.materialise_predictions>", 0, 0, 0, 0)


@dataclass(frozen=True)
class Point:
    """The round parameters an analysis is made at."""

    width: int
    depth: int
    budget: int
    tag: Optional[str] = None

    def label(self) -> str:
        name = f"{self.tag} " if self.tag else ""
        return f"{name}{self.width}x{self.depth}, budget {self.budget:,}"


@dataclass(frozen=True)
class Interval:
    """A closed range of FLOP totals; ``lo == hi`` when the cost is exact."""

    lo: int
    hi: int

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def join(self, other: "Interval") -> "Interval":
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi))

    def contains(self, value: int) -> bool:
        return self.lo <= value <= self.hi

    def __str__(self) -> str:
        return f"{self.lo:,}" if self.exact else f"[{self.lo:,}, {self.hi:,}]"


@dataclass(frozen=True)
class LoopVisit:
    """Which run of which loop a charge was made in (``analyze(trace=True)`` only)."""

    loop: Span  # the `for` / `while` statement
    entry: int  # the how-manieth time this path entered the loop, from 0
    index: int  # the iteration of that entry, from 0


@dataclass(frozen=True)
class Charge:
    """One priced flopscope call: what, where, how much, billed at which dtype.

    ``certain`` is False for a charge made only on some paths (an arm of a
    branch whose condition depends on array values).
    """

    span: Span
    op: str
    flops: int
    dtype: Optional[str]
    function: str
    certain: bool = True
    # Free text the report can show next to the charge, e.g. "x**2: power is 16x".
    detail: str = ""
    # For a static charge: where the billed dtype came from when it was widened
    # (the creation site of a float64 operand), so the float64-leak rule can name it.
    dtype_origin: Optional[Span] = None


@dataclass(frozen=True)
class Unpriced:
    """Something the analyzer met and could not price; the total is then a lower bound."""

    span: Optional[Span]  # None: it concerns the whole estimator, not one place
    what: str
    reason: str
    function: str = ""


class Machine(enum.Enum):
    """What of the machine a value was read from, where the value is no function of the MLP: the
    grader's machine answers otherwise (check rule FC303 reads it; the reason text is for people)."""

    CLOCK = "a clock reading"
    ENVIRONMENT = "an environment variable"


@dataclass(frozen=True)
class Uncertainty:
    """A place where the cost depends on values: a branch, loop or op whose size is data-driven."""

    span: Optional[Span]
    kind: str  # "branch", "loop", "shape", "exception", "pick" (min/max/sorted by numbers read from data,
    # the dtype linalg.eig returns),
    # "cache" (whether an lru_cache lookup with a value read from data hits)
    reason: str
    machine: Optional[Machine] = None  # the value deciding it was read from the machine (a clock, the environment)


@dataclass(frozen=True)
class Raise:
    """An exception the estimator raises (on every path, or only on some)."""

    span: Optional[Span]
    what: str
    every_path: bool
    in_setup: bool = False
    # flopscope's BudgetExhaustedError: the running total passes the budget at this charge.
    # The report's total still counts the whole run as if unbounded (what fit and FC001 use).
    budget: bool = False
    # How many of ``Report.charges`` are made before the raise, when the report follows one
    # path and nothing before the raise is unpriced: `verify` compares that prefix with a run.
    charges_before: Optional[int] = None
    # MemoryError: an array (or the arrays alive at once) past whestbench's memory limit. As for
    # ``budget``, the report's total counts the run on as if memory were unlimited.
    memory: bool = False
    # The entry file raises while whestbench loads it (a relative import in a file loaded in no
    # package, a top-level `raise`): nothing runs, like a raise in setup(). A stage of its own,
    # not ``in_setup``: setup() is reached only after a load, and verify names the run's status apart.
    at_load: bool = False

    @property
    def stage(self) -> str:
        """Where it raises, as the reports name it."""
        return "loading the estimator" if self.at_load else "setup()" if self.in_setup else "predict()"

    @property
    def fails_submission(self) -> bool:
        """Whether whestbench fails the whole submission (not only the prediction) on it."""
        return self.at_load or self.in_setup

    @property
    def exc_type(self) -> str:
        """The exception's class name ("ValueError" of "ValueError: ..." or "ValueError('...')")."""
        import re

        found = re.match(r"[A-Za-z_][\w.]*", self.what)
        return found.group(0).rsplit(".", 1)[-1] if found else ""


@dataclass(frozen=True)
class NoRaise:
    """An op outside any `try` whose raising depends on the values (a solve of a singular
    matrix, an SVD of a NaN): the count presumes it does not raise, and says so."""

    span: Span
    op: str  # as the program names it: "fnp.linalg.solve"
    exception: str
    reason: str  # when it raises: "the matrix is singular"


@dataclass(frozen=True)
class Note:
    span: Optional[Span]
    message: str


@dataclass(frozen=True)
class MemoryUse:
    """Array memory at the analysed point (``analyze(memory=True)``): the largest single
    allocation and the peak of simultaneously live arrays, each with the expression that
    reached it, in predict and in setup(). Bytes; spans are None when nothing was allocated."""

    largest: int
    largest_span: Optional[Span]
    largest_what: str
    peak: int
    peak_span: Optional[Span]
    setup_largest: int = 0
    setup_largest_span: Optional[Span] = None
    setup_largest_what: str = ""
    setup_peak: int = 0
    setup_peak_span: Optional[Span] = None
    # Where the live arrays first exceed whestbench's memory limit (the run's MemoryError).
    over_limit_span: Optional[Span] = None
    setup_over_limit_span: Optional[Span] = None
    # The first allocation inside a try (or with) that may catch MemoryError after which the live
    # arrays may not fit (memory_limit.threshold), and the FLOPs charged before it.
    caught_span: Optional[Span] = None
    caught_used: int = 0
    setup_caught_span: Optional[Span] = None


@dataclass(frozen=True)
class FunctionInfo:
    """A user function or method the analyzer knows about (for roll-ups, code lenses)."""

    qualname: str
    span: Span  # the def statement's name line


@dataclass(frozen=True)
class CalibratedSite:
    """One value-dependent site of a calibrated prediction: what the small run did there
    and how that was carried to the analysed point."""

    span: Span
    kind: str
    observed: str  # e.g. "false ×16", "true 3 of 4", "12, 9, 11"
    rule: str
    approximate: bool


@dataclass(frozen=True)
class Calibration:
    """A prediction with the value-dependent decisions taken from a run at a small point."""

    total: int
    point: Point  # where the decisions were observed
    seed: int
    run_seconds: float  # the small run's wall time, child process included
    sites: tuple[CalibratedSite, ...] = ()
    lower_bound: bool = False  # something on the replayed path is not priced
    # The replayed path's own total, when it lay outside the report's interval: ``total`` is then
    # that interval's nearest end (the observed decisions do not all hold together at this point).
    replayed: Optional[int] = None


@dataclass
class Report:
    """Everything one static analysis concluded about one estimator at one point."""

    path: str
    point: Point
    total: Interval
    charges: list[Charge] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)
    uncertain: list[Uncertainty] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    raises: list[Raise] = field(default_factory=list)
    functions: list[FunctionInfo] = field(default_factory=list)
    estimator_class: Optional[str] = None
    formula: Optional[str] = None
    flopscope_version: str = ""
    whestbench_version: str = ""
    include_scorer_cast: bool = True
    # FLOPs charged while each user function ran, its callees included: the most any explored
    # path charged (one path: that path's).
    inclusive: dict[str, int] = field(default_factory=dict)
    # FLOPs charged in each user function's own body, the most any explored path charged; empty
    # for one path, whose charges give it (the charges of several paths list each expression at
    # its dearest, which may add arms no one path takes).
    own: dict[str, int] = field(default_factory=dict)
    # The call graph among user functions observed from predict: (caller, callee) -> calls.
    calls: dict[tuple[str, str], int] = field(default_factory=dict)
    # With analyze(record_values=True): assignment target span -> the values it held
    # (e.g. "array float64 1024×1024, symmetric in axes (0, 1)", then "array float64 1024×1024").
    values: dict[Span, tuple[str, ...]] = field(default_factory=dict)
    # Filled when the prediction is reported by its parts:
    # the returned value's (shape, dtype) if the analyzer could tell.
    returned: Optional[tuple[tuple[int, ...], str]] = None
    # With --calibrate: the prediction on the path a small run's decisions select.
    calibration: Optional[Calibration] = None
    # With analyze(trace=True) on a single-path analysis: loop statement -> times entered.
    loop_entries: dict[Span, int] = field(default_factory=dict)
    # And the loops each charge was made in (analyzer.trace.ChargeLoops: ``loops.at(positions)``,
    # indices into ``charges``); None when not traced.
    loops: Optional[Any] = None
    # With analyze(memory=True): array memory of the widest path.
    memory: Optional[MemoryUse] = None
    # The nominal number: the count on the path where no safety net fires (None: there is
    # none), the presumptions it rests on by location, and why there is none.
    nominal: Optional[int] = None
    nominal_presumes: list[tuple[Span, str]] = field(default_factory=list)
    nominal_missing: list[tuple[Optional[Span], str]] = field(default_factory=list)
    # The ops outside any `try` the count presumes do not raise (README: presumed not to happen
    # outside a `try`); inside one each is a value-dependent site instead.
    presumes_no_raise: list[NoRaise] = field(default_factory=list)
    # The `def` position (line and column of the statement) of every user function whose body
    # ran on any run the analysis made: the editor reuses an analysis after an edit only
    # inside bodies that never ran (lsp/incremental.py).
    executed: frozenset = field(default_factory=frozenset)
    # The sites that may run more than once on a path, each of which the total assumes answers
    # alike at every execution (analyzer/alike.py): those not proven to add up per execution.
    alike: list[Span] = field(default_factory=list)
    # Those of them whose answer the paths also change once, at each execution after the first
    # (analyzer/onsets.py: a loop's site that steers state a later test of the loop reads).
    switching: list[Span] = field(default_factory=list)
    # whestbench calls predict on one instance for every MLP of a run (analyzer/carried.py): when
    # the first call leaves state a later one reads, each call's total over the paths, in order
    # (the first call's is the one the charges, lines and functions show); the last one holds
    # for every later call when ``per_call_settled``. Empty: every call costs the same.
    per_call: list[Interval] = field(default_factory=list)
    per_call_settled: bool = True

    @property
    def exact(self) -> bool:
        """True when the total is one number that holds whatever the values: every path costs the
        same, no site that may run more than once is merely assumed to answer alike, and every op
        was priced (an unpriced op makes even a one-number total a lower bound)."""
        return self.total.exact and not self.alike and not self.unpriced

    @property
    def lower_bound(self) -> bool:
        """True when some op was not priced, so the real count may be higher."""
        return bool(self.unpriced)

    @property
    def budget_stops_elsewhere(self) -> bool:
        """True when a run may pass the budget at an op no Raise names: the Raises are the explored
        paths' own, and a run answering the value-dependent sites in a combination no path takes
        (joins.py sums single flips; alike.py assumes a site answers alike at each execution)
        spends otherwise before the budget runs out."""
        return any(r.budget and not r.every_path for r in self.raises) \
            or bool(self.alike) and any(r.budget for r in self.raises)
