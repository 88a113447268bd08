"""Shared arithmetic of the cost-advice rules: which charges an expression made, and where.

The analyzer's charges carry spans (and a traced report says which loop runs each was made
in), so the FLOPs of an expression are the charges whose span lies within the expression's span.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import compress
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check.context import CheckContext
from flopcast.check.source import SourceFile
from flopcast.model import Charge, LoopVisit, Report, Span


def within(inner: Span, outer: Span) -> bool:
    return (inner.path == outer.path
            and (inner.line, inner.col) >= (outer.line, outer.col)
            and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col))


def charges_in(ctx: CheckContext, span: Span) -> list[Charge]:
    """The report's charges made within ``span``, in order, repeats included."""
    charges = ctx.report.charges if ctx.report is not None else []
    return list(compress(charges, _made_within(ctx, span)))


def loops_in(ctx: CheckContext, span: Span) -> list[tuple[Charge, tuple[LoopVisit, ...]]]:
    """Each charge of ``charges_in`` with the loops it was made in (none when not traced)."""
    report = ctx.report
    if report is None:
        return []
    places = list(compress(range(len(report.charges)), _made_within(ctx, span)))
    loops = report.loops.at(places) if report.loops is not None else [()] * len(places)
    return list(zip(map(report.charges.__getitem__, places), loops))


def _made_within(ctx: CheckContext, span: Span) -> Iterator[bool]:
    """Whether each of the report's charges was made within ``span``. Each distinct charge
    object is tested once; the repeats are then picked out in C loops."""
    if ctx.report is None:
        return iter(())
    inside = {id(c) for c in ctx.distinct_charges if within(c.span, span)}
    if not inside:
        return iter(())
    return map(inside.__contains__, map(id, ctx.report.charges))


def single_path(ctx: CheckContext) -> bool:
    """Savings are exact only when the analysis followed one path (no value-dependent choice)."""
    report = ctx.report
    return (report is not None and report.exact and not report.unpriced
            and all(c.certain for c in ctx.distinct_charges))


def per_entry(charged: list[tuple[Charge, tuple[LoopVisit, ...]]], loop: Span) -> Optional[dict[int, tuple[int, int]]]:
    """Loop entry -> (FLOPs charged in that entry, FLOPs of its first iteration that charged),
    from ``loops_in``'s charges; None when a charge was not traced inside ``loop``."""
    totals: dict[int, int] = defaultdict(int)
    first: dict[int, tuple[int, int]] = {}
    for c, loops in charged:
        visit = next((v for v in loops if v.loop == loop), None)
        if visit is None:
            return None
        totals[visit.entry] += c.flops
        index, flops = first.get(visit.entry, (visit.index, 0))
        if visit.index < index:
            first[visit.entry] = (visit.index, c.flops)
        elif visit.index == index:
            first[visit.entry] = (index, flops + c.flops)
    return {e: (totals[e], first[e][1]) for e in totals}


def functions(file: SourceFile) -> Iterator[ast.AST]:
    return iter(file.fact("functions", lambda: [node for node in ast_walk(file.tree)
                                               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]))


def source(file: SourceFile, node: ast.AST) -> str:
    return file.segment(node) or ""


def short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def spliced(file: SourceFile, span: Span, code: str) -> str:
    """The file's text with the expression at ``span`` replaced by ``code`` (a plain splice,
    for pricing the rewrite; libcst writes the fix itself)."""
    lines = file.text.splitlines(keepends=True)
    start = sum(len(line.encode()) for line in lines[:span.line - 1]) + span.col
    end = sum(len(line.encode()) for line in lines[:span.end_line - 1]) + span.end_col
    raw = file.text.encode()
    return (raw[:start] + code.encode() + raw[end:]).decode()


def reanalysed(ctx: CheckContext, file: SourceFile, text: str) -> Optional[Report]:
    """The analysis of the submission with ``file`` reading ``text``, at the check's point;
    None when it is not available or fails (no exact saving then)."""
    report = ctx.report
    if report is None or ctx.reanalyze is None:
        return None
    sub = ctx.submission
    try:
        return ctx.reanalyze(str(sub.analysis_path), ctx.point, include_scorer_cast=report.include_scorer_cast,
                             formula=False,
                             source=text if file is sub.entry else sub.entry.text,
                             sources={str(f.path): (text if f is file else f.text) for f in sub.others})
    except Exception:  # noqa: BLE001 - the caller offers no exact saving then
        return None


def measured_saving(ctx: CheckContext, file: SourceFile, span: Span, code: str,
                    same_result: bool = True) -> Optional[int]:
    """FLOPs saved by replacing the expression at ``span`` with ``code``: the analyzer's own
    price of the code as it is minus its price of the rewritten code (None unless both are
    exact and, with ``same_result``, the rewrite neither raises more nor returns another
    shape or dtype)."""
    report = ctx.report
    if report is None or not report.exact or report.lower_bound:
        return None
    after = reanalysed(ctx, file, spliced(file, span, code))
    if after is None or not after.exact or after.lower_bound:
        return None
    if same_result and (after.returned != report.returned or len(after.raises) > len(report.raises)):
        return None
    return report.total.lo - after.total.lo
