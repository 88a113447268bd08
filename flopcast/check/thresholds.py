"""Budget thresholds in predict against the real cost of the branch they choose.

``if budget >= 30 * w * w:`` picks the expensive method when the budget is large. The
budget at which that method really fits is a fact of the code: the smallest b at which
the whole estimator, with that branch taken, costs at most b. The branch is forced by
analysing a copy of the source whose condition reads ``True`` (or ``False``); the code
is never run. When the cost of the forced program does not change with b, the crossing
is that cost; otherwise it is searched (doubling, then bisection, as `flopcast fit`
does), assuming that once the branch fits a budget it fits every larger one. The answer
is confirmed by the two analyses at the crossing (fits) and one below (does not).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check.advice import spliced
from flopcast.check.context import CheckContext
from flopcast.check.source import SourceFile
from flopcast.model import Point, Span

#: Doublings (or halvings) of the budget the crossing search tries before giving up.
MAX_STEPS = 80


@dataclass(frozen=True)
class BudgetBranch:
    """An ``if`` (or conditional expression) whose whole test compares the budget."""

    file: SourceFile
    node: ast.AST  # the ``if`` statement or conditional expression
    span: Span  # the test, in the file's display path
    op: str  # the comparison as ``b OP t``: "GtE", "Gt", "LtE" or "Lt"
    threshold: Fraction  # t at the analysed width and depth

    @property
    def test(self) -> ast.expr:
        return self.node.test  # type: ignore[attr-defined]

    def arm(self, value: bool) -> str:
        """The branch the test's ``value`` selects, for people: "the `if` branch (line 57)"."""
        if isinstance(self.node, ast.IfExp):
            part = self.node.body if value else self.node.orelse
            return f"`{self.file.segment(part) or 'the value'}`"
        if value:
            return f"the `if` branch (line {self.node.body[0].lineno})"
        if self.node.orelse:
            return f"the `else` branch (line {self.node.orelse[0].lineno})"
        return f"the code after the `if` (line {self.node.lineno})"

    @property
    def big(self) -> bool:
        """The test's value on the branch large budgets take."""
        return self.op in ("GtE", "Gt")

    def first_big_budget(self) -> int:
        """The smallest integer budget the code sends to the large-budget branch."""
        from flopcast.analyzer.formula import boundary

        on, off = boundary(self.op, self.threshold)
        return on if self.big else off


def budget_branches(ctx: CheckContext) -> Iterator[BudgetBranch]:
    """The branches on the budget that predict met at the analysed point (single path)."""
    from flopcast.analyzer.api import run_point
    from flopcast.analyzer.formula import budget_thresholds
    from flopcast.analyzer.program import load_program

    report, sub, point = ctx.report, ctx.submission, ctx.point
    if not any(_candidates(f) for f in sub.files):
        return  # no `if` tests a single ordering: spare the two analyses
    program = load_program(sub.analysis_path, sub.entry.text, {str(f.path): f.text for f in sub.others})
    cls = report.estimator_class

    def single(budget: int):
        # Calls shared between paths, as the analysis itself runs them: a run replays a shared
        # call's first comparisons too, and without sharing a recursive cost model is
        # re-interpreted on every path (18 s against the analysis's 0.2 s on a planner).
        explored = run_point(program, cls, Point(point.width, point.depth, budget), report.include_scorer_cast,
                             share_calls=True)
        return explored.results[0] if len(explored.results) == 1 and not explored.capped else None

    here, doubled = single(point.budget), single(2 * point.budget)
    if here is None or doubled is None:
        return
    files = sub.by_resolved()
    for span, op, k, budget_on_left in budget_thresholds(here, doubled, point.budget):
        file = files.get(_resolved(span.path))
        if file is None:
            continue
        node = _if_node(file, span)
        if node is None:
            continue
        _, left, right = here.compares[span]
        threshold = Fraction(right if budget_on_left else left) / k
        local = Span(file.display, span.line, span.col, span.end_line, span.end_col)
        yield BudgetBranch(file, node, local, op, threshold)


def _resolved(path: str) -> Optional[Path]:
    """The analyzer names files as it was given them (relative to the working directory)."""
    try:
        return Path(path).resolve()
    except OSError:
        return None


def _candidates(file: SourceFile) -> list[ast.AST]:
    """The ``if`` statements and expressions whose whole test is one ordering comparison."""
    return [node for node in ast_walk(file.tree)
            if isinstance(node, (ast.If, ast.IfExp)) and isinstance(node.test, ast.Compare)
            and len(node.test.ops) == 1 and isinstance(node.test.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE))]


def _if_node(file: SourceFile, span: Span) -> Optional[ast.AST]:
    """The ``if`` or ``x if c else y`` whose whole test is the comparison at ``span``."""
    for node in _candidates(file):
        t = node.test  # type: ignore[attr-defined]
        if (t.lineno, t.col_offset, t.end_lineno, t.end_col_offset) == (span.line, span.col, span.end_line, span.end_col):
            return node
    return None


@dataclass(frozen=True)
class Crossing:
    """The smallest budget at which the large-budget branch fits, with its evidence."""

    budget: int
    cost_at: int  # the estimator's cost with the branch forced, at ``budget``
    cost_below: int  # ... at ``budget - 1`` (more than budget - 1)


def forced_cost(ctx: CheckContext, branch: BudgetBranch) -> Callable[..., Optional[int]]:
    """(budget, width, depth) -> the exact cost of the estimator with the branch the large
    budgets take forced (None when that analysis is not exact); width and depth default to
    the analysed ones."""
    text = spliced(branch.file, branch.span, str(branch.big))
    sub, report = ctx.submission, ctx.report
    memo: dict[tuple[int, int, int], Optional[int]] = {}

    def cost(budget: int, width: Optional[int] = None, depth: Optional[int] = None) -> Optional[int]:
        key = (budget, width or ctx.point.width, depth or ctx.point.depth)
        if key not in memo:
            try:
                after = ctx.reanalyze(
                    str(sub.analysis_path), Point(key[1], key[2], budget),
                    include_scorer_cast=report.include_scorer_cast, formula=False,
                    source=text if branch.file is sub.entry else sub.entry.text,
                    sources={str(f.path): (text if f is branch.file else f.text) for f in sub.others})
            except Exception:  # noqa: BLE001 - no exact crossing then
                after = None
            exact = after is not None and after.exact and not after.lower_bound
            memo[key] = after.total.lo if exact else None
        return memo[key]

    return cost


def crossing_formula(cost: Callable[..., Optional[int]], found: "Crossing", point: Point) -> Optional[str]:
    """The crossing as a polynomial in w, d, when the forced cost does not depend on the
    budget (the crossing is then the cost itself): fitted on the saving formulas' grid at
    the analysed budget, confirmed at a fresh point and at the analysed point."""
    if found.cost_at != found.budget or cost(point.budget) != found.cost_at:
        return None
    from flopcast.analyzer.formula import SMALL_GRIDS, fit_keyed

    def sample(w: int, d: int) -> Optional[dict[str, int]]:
        c = cost(point.budget, w, d)
        return None if c is None else {"crossing": c}

    return fit_keyed(SMALL_GRIDS, sample, ["crossing"],
                     known=[((point.width, point.depth), {"crossing": found.budget})]).get("crossing")


def crossing(cost: Callable[[int], Optional[int]], start: int) -> Optional[Crossing]:
    """The smallest budget b with cost(b) <= b, searched from ``start``; None when a cost is
    not exact or no budget up to 2**MAX_STEPS times ``start`` fits."""
    def fits(b: int) -> Optional[bool]:
        c = cost(b)
        return None if c is None else c <= b

    here = cost(start)
    if here is None:
        return None
    # A cost that does not depend on the budget crosses at itself.
    lo, hi = None, None
    candidate = max(here, 1)
    f = fits(candidate)
    if f is None:
        return None
    if f:
        hi = candidate
    else:
        lo = candidate
        b = candidate
        for _ in range(MAX_STEPS):
            b *= 2
            f = fits(b)
            if f is None:
                return None
            if f:
                hi = b
                break
            lo = b
        if hi is None:
            return None
    if lo is None:
        below = fits(hi - 1) if hi > 1 else False
        if below is None:
            return None
        if not below:
            return _confirmed(cost, hi)
        b = hi - 1
        for _ in range(MAX_STEPS):
            b //= 2
            if b < 1:
                return None
            f = fits(b)
            if f is None:
                return None
            if not f:
                lo = b
                break
            hi = b
        if lo is None:
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        f = fits(mid)
        if f is None:
            return None
        if f:
            hi = mid
        else:
            lo = mid
    return _confirmed(cost, hi)


def _confirmed(cost, b: int) -> Optional[Crossing]:
    at, below = cost(b), cost(b - 1)
    if at is None or below is None or at > b or below <= b - 1:
        return None
    return Crossing(b, at, below)
