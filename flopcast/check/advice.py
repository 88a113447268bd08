"""Shared arithmetic of the cost-advice rules: which charges an expression made, and where.

The analyzer's charges carry spans (and, when traced, the loop runs they were made in), so
the FLOPs of an expression are the charges whose span lies within the expression's span.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Iterator, Optional

from flopcast.check.context import CheckContext
from flopcast.check.source import SourceFile
from flopcast.model import Charge, Span


def within(inner: Span, outer: Span) -> bool:
    return (inner.path == outer.path
            and (inner.line, inner.col) >= (outer.line, outer.col)
            and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col))


def charges_in(ctx: CheckContext, span: Span) -> list[Charge]:
    if ctx.report is None:
        return []
    return [c for c in ctx.report.charges if within(c.span, span)]


def single_path(ctx: CheckContext) -> bool:
    """Savings are exact only when the analysis followed one path (no value-dependent choice)."""
    report = ctx.report
    return report is not None and report.total.exact and not report.unpriced and all(c.certain for c in report.charges)


def per_entry(charges: list[Charge], loop: Span) -> Optional[dict[int, tuple[int, int]]]:
    """Loop entry -> (FLOPs charged in that entry, FLOPs of its first iteration that charged);
    None when a charge was not traced inside ``loop``."""
    totals: dict[int, int] = defaultdict(int)
    first: dict[int, tuple[int, int]] = {}
    for c in charges:
        visit = next((v for v in c.loops if v.loop == loop), None)
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
    for node in ast.walk(file.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def source(file: SourceFile, node: ast.AST) -> str:
    return ast.get_source_segment(file.text, node) or ""


def short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
