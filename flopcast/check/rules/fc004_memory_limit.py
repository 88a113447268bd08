"""FC004: the arrays predict (or setup) holds at once exceed whestbench's memory limit.

whestbench grades under a memory limit (``memory_limit_mb``, read from the installed
whestbench). An estimator that sizes a sample block from the budget can ask for more than
that at the round: the allocation raises MemoryError after the work before it was billed.
The analyzer follows every array's shape and dtype and which ones are alive at once
(``flopcast.analyzer.memory``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule
from flopcast.model import Point, Span


def mib(n: int) -> str:
    """Bytes for people: 512 B, 4.0 KiB, 12.5 MiB, 8.00 GiB."""
    if n < 2**10:
        return f"{n:,} B"
    if n < 2**20:
        return f"{n / 2**10:,.1f} KiB"
    return f"{n / 2**20:,.1f} MiB" if n < 2**30 else f"{n / 2**30:,.2f} GiB"


class MemoryLimit(Rule):
    code = "FC004"
    name = "memory-limit"
    level = Level.ERROR
    summary = "the arrays predict or setup() keeps alive at once exceed whestbench's memory limit"
    wants_report = True
    wants_memory = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        from flopcast.installed import resource_limits

        memory = ctx.report.memory if ctx.report is not None else None
        if memory is None:
            return
        limits = resource_limits()
        limit = limits.memory_limit_bytes
        for phase, peak, peak_span, over_span, largest, what, largest_span in (
                ("predict", memory.peak, memory.peak_span, memory.over_limit_span, memory.largest,
                 memory.largest_what, memory.largest_span),
                ("setup()", memory.setup_peak, memory.setup_peak_span, memory.setup_over_limit_span,
                 memory.setup_largest, memory.setup_largest_what, memory.setup_largest_span)):
            if peak <= limit or peak_span is None:
                continue
            # Reported where the run dies: the first allocation past the limit, not the peak.
            span = over_span or peak_span
            peak_where = "" if span == peak_span else f"; the peak, {mib(peak)}, is at {ctx.where(peak_span)}"
            rows = _rows(what)
            fit, facts = "", ()
            if rows and largest_span is not None:
                found = largest_rows(ctx, phase, largest_span, limit) if phase == "predict" else None
                if found is not None:
                    fit = (f"; at most {found.rows:,} rows instead of {rows:,} in the array at "
                           f"{ctx.where(largest_span)} fit (the code makes {found.rows:,} at a budget of "
                           f"{found.budget:,}, peak {mib(found.peak)}; {found.rows + 1:,} at "
                           f"{found.budget_over:,} pass the limit)")
                    facts = (("rows_that_fit", found.rows), ("budget_that_fits", found.budget),
                             ("budget_over", found.budget_over))
                else:
                    fit_rows = rows * limit // peak
                    fit = (f"; scaled linearly, about {fit_rows:,} rows instead of {rows:,} in the array at "
                           f"{ctx.where(largest_span)} would fit")
            yield self.finding(
                span,
                f"{phase}'s arrays pass whestbench's memory limit of {limits.memory_limit_mb:,} MiB here "
                f"(the largest, {what}, is {mib(largest)}): the allocation raises MemoryError at run time, "
                f"after the FLOPs before it were billed{peak_where}{fit}",
                properties=facts,
            )


def _rows(what: str) -> int:
    """The leading dimension of an allocation described as 'float64 9830×1024'."""
    try:
        return int(what.split(" ", 1)[1].split("×")[0])
    except (IndexError, ValueError):
        return 0


@dataclass(frozen=True)
class RowsThatFit:
    """The largest leading dimension of the biggest array at which predict's arrays fit."""

    rows: int
    budget: int  # a budget at which the code makes ``rows`` rows and stays within the limit
    peak: int
    budget_over: int  # a budget at which it makes ``rows + 1`` and passes the limit


#: Analyses the search may make before it settles for the linear estimate.
MAX_ANALYSES = 40


def largest_rows(ctx: CheckContext, phase: str, span: Span, limit: int) -> Optional[RowsThatFit]:
    """fit's search over the budget for a sample block sized from it: the largest budget at
    which predict's peak stays within ``limit``, bisected until the block at ``span`` gains
    exactly one row across it (None when the block does not follow the budget, an analysis is
    not exact, or the search takes too long)."""
    report = ctx.report
    if ctx.reanalyze is None or report is None:
        return None
    sub = ctx.submission
    seen: dict[int, Optional[tuple[int, int]]] = {}

    def at(budget: int) -> Optional[tuple[int, int]]:
        """(rows of the array at ``span``, peak) at ``budget``."""
        if budget not in seen:
            if len(seen) >= MAX_ANALYSES:
                raise _TooLong()
            try:
                r = ctx.reanalyze(str(sub.analysis_path), Point(ctx.point.width, ctx.point.depth, budget),
                                  include_scorer_cast=report.include_scorer_cast, formula=False, memory=True,
                                  source=sub.entry.text, sources={str(f.path): f.text for f in sub.others})
            except Exception:  # noqa: BLE001 - no exact answer then
                r = None
            m = r.memory if r is not None else None
            ok = m is not None and m.largest_span is not None and _same_place(m.largest_span, span)
            seen[budget] = (_rows(m.largest_what), m.peak) if ok else None
        return seen[budget]

    try:
        hi = ctx.point.budget
        here = at(hi)
        if here is None or here[1] <= limit:
            return None
        # Halve until it fits (the block must shrink with the budget), then bisect.
        lo = hi // 2
        while True:
            low = at(lo)
            if low is None or low[0] >= here[0]:
                return None
            if low[1] <= limit:
                break
            hi, here, lo = lo, low, lo // 2
            if lo < 1:
                return None
        while hi - lo > 1 and at(hi)[0] - at(lo)[0] > 1:
            mid = (lo + hi) // 2
            m = at(mid)
            if m is None:
                return None
            if m[1] <= limit:
                lo = mid
            else:
                hi = mid
        fits, over = at(lo), at(hi)
        if over[0] != fits[0] + 1 or fits[1] > limit or over[1] <= limit:
            return None
        return RowsThatFit(fits[0], lo, fits[1], hi)
    except _TooLong:
        return None


class _TooLong(Exception):
    pass


def _same_place(a: Span, b: Span) -> bool:
    return (a.line, a.col, a.end_line, a.end_col) == (b.line, b.col, b.end_line, b.end_col)
