"""FC004: the arrays predict (or setup) holds at once exceed whestbench's memory limit.

whestbench grades under a memory limit (``memory_limit_mb``, read from the installed
whestbench). An estimator that sizes a sample block from the budget can ask for more than
that at the round: the allocation raises MemoryError after the work before it was billed.
The analyzer follows every array's shape and dtype and which ones are alive at once
(``flopcast.analyzer.memory``).
"""

from __future__ import annotations

from typing import Iterator

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule


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
            fit = ""
            if rows and largest_span is not None:
                fit_rows = rows * limit // peak
                fit = (f"; scaled linearly, about {fit_rows:,} rows instead of {rows:,} in the array at "
                       f"{ctx.where(largest_span)} would fit")
            yield self.finding(
                span,
                f"{phase}'s arrays pass whestbench's memory limit of {limits.memory_limit_mb:,} MiB here "
                f"(the largest, {what}, is {mib(largest)}): the allocation raises MemoryError at run time, "
                f"after the FLOPs before it were billed{peak_where}{fit}",
            )


def _rows(what: str) -> int:
    """The leading dimension of an allocation described as 'float64 9830×1024'."""
    try:
        return int(what.split(" ", 1)[1].split("×")[0])
    except (IndexError, ValueError):
        return 0
