"""A report folded into what the editor shows: cost per line, per expression, per function.

The analyzer logs one :class:`Charge` per *execution* (a loop body running 16 times
leaves 16 charges at the same span), so the number of charges at a span is the
number of times that expression runs, and a line's cost is the sum of its charges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from flopcast.model import Charge, FunctionInfo, Report, Span


@dataclass(frozen=True)
class SpanCost:
    """Every execution of one op at one span, summed."""

    span: Span
    op: str
    dtype: Optional[str]
    function: str
    executions: int
    total: int
    #: flops of the first and the most expensive execution (they differ when a
    #: loop-carried value changes shape or symmetry between iterations)
    first: int
    largest: int
    certain: bool
    detail: str
    dtype_origin: Optional[Span]
    #: (billed dtype, executions) when executions were billed at different dtypes
    #: (a loop-carried value widened to float64 after the first iteration)
    dtypes: tuple[tuple[Optional[str], int], ...] = ()


@dataclass(frozen=True)
class LineCost:
    line: int  # 1-based
    total: int
    executions: int  # the most any op on the line runs
    certain: bool
    ops: tuple[SpanCost, ...]


@dataclass(frozen=True)
class FunctionCost:
    info: FunctionInfo
    own: int  # charges made by the function's own lines
    total: int  # own plus callees where known (predict: the whole report total)
    includes_callees: bool  # predict: the whole prediction
    with_callees: bool = False  # a helper whose total counts what it calls


@dataclass
class FileCosts:
    path: str
    lines: dict[int, LineCost]
    spans: list[SpanCost]
    functions: list[FunctionCost]

    def innermost_at(self, line: int, byte_col: int) -> list[SpanCost]:
        """The ops whose span holds (line, col), innermost first."""
        hits = [s for s in self.spans if _contains(s.span, line, byte_col)]
        return sorted(hits, key=lambda s: _extent(s.span))


def _contains(span: Span, line: int, col: int) -> bool:
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)


def _extent(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, (span.end_col - span.col) if span.end_line == span.line else span.end_col)


def same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def fold(report: Report, path: str) -> FileCosts:
    """The report's charges that fall in ``path``, by span, by line and by function."""
    from flopcast.analyzer.rollup import counted

    # Each distinct charge object once, with how often it occurs, in order of first occurrence
    # (a repeated loop's or a reused call's charges are the same objects: tens of thousands of
    # charges, a few hundred objects). Keyed by plain tuples: hashing a frozen dataclass runs
    # Python code per charge.
    by_span: dict[tuple, list[tuple[Charge, int]]] = {}
    in_file: dict[str, bool] = {}
    own_by_function: dict[str, int] = defaultdict(int)
    for charge, n in counted(report.charges):
        own_by_function[charge.function] += charge.flops * n
        span = charge.span
        p = span.path
        inside = in_file.get(p)
        if inside is None:
            inside = in_file[p] = same_file(p, path)
        if inside:
            key = (span.line, span.col, span.end_line, span.end_col, charge.op)
            group = by_span.get(key)
            if group is None:
                by_span[key] = [(charge, n)]
            else:
                group.append((charge, n))
    spans = []
    for group in by_span.values():
        first = group[0][0]
        origin = next((c.dtype_origin for c, _ in group if c.dtype_origin is not None), None)
        billed: dict[Optional[str], int] = {}
        for c, n in group:
            billed[c.dtype] = billed.get(c.dtype, 0) + n
        spans.append(SpanCost(
            span=first.span, op=first.op, dtype=first.dtype, function=first.function,
            executions=sum(n for _, n in group), total=sum(c.flops * n for c, n in group), first=first.flops,
            largest=max(c.flops for c, _ in group), certain=all(c.certain for c, _ in group), detail=first.detail,
            dtype_origin=origin, dtypes=tuple(billed.items()) if len(billed) > 1 else (),
        ))
    spans.sort(key=lambda s: (s.span.line, s.span.col, s.span.end_line, s.span.end_col, s.op))
    per_line: dict[int, list[SpanCost]] = defaultdict(list)
    for s in spans:
        per_line[s.span.line].append(s)
    lines = {
        line: LineCost(line, sum(s.total for s in ops), max(s.executions for s in ops),
                       all(s.certain for s in ops), tuple(ops))
        for line, ops in per_line.items()
    }
    functions = []
    for info in report.functions:
        if not same_file(info.span.path, path):
            continue
        own = report.own.get(info.qualname, own_by_function.get(info.qualname, 0))
        if info.qualname.split(".")[-1] == "predict" and info.qualname.split(".")[0] == report.estimator_class:
            # Everything predict() triggers, callees and the scorer's cast included.
            functions.append(FunctionCost(info, own, report.total.hi, True))
        elif info.qualname in report.inclusive:
            # Charged while it ran, its callees included (the dearest path's).
            functions.append(FunctionCost(info, own, report.inclusive[info.qualname], False, True))
        else:
            functions.append(FunctionCost(info, own, own, False))
    return FileCosts(path, lines, spans, functions)
