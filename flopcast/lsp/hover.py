"""Hover: what an expression costs and why — op, billed dtype, weight, cost at the round.

The analyzer's report gives, per priced expression, the op, the billed dtype (and
where a float64 came from), the FLOPs per execution and how often it runs; and, per
assignment, the abstract values a name held (shape, dtype, symmetry), which the hover
shows for the name under the cursor.
"""

from __future__ import annotations

from typing import Optional

from lsprotocol import types

from flopcast.lsp import fmt
from flopcast.lsp.costs import FunctionCost, SpanCost
from flopcast.lsp.keys import function_key, line_key, span_key
from flopcast.lsp.positions import Lines
from flopcast.lsp.state import Analysis
from flopcast.model import Span

#: How many enclosing priced expressions a hover lists below the innermost one.
MAX_ENCLOSING = 3


def _snippet(lines: Lines, span: Span, limit: int = 60) -> str:
    if span.line != span.end_line:
        raw = lines.text(span.line - 1).encode("utf-8")[span.col:].decode("utf-8", "replace") + " …"
    else:
        raw = lines.text(span.line - 1).encode("utf-8")[span.col:span.end_col].decode("utf-8", "replace")
    raw = raw.strip()
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def _weight_line(op: str, dtype: Optional[str]) -> str:
    try:
        from flopcast.installed import weights

        w = weights()
        weight, rate = w.weight(op), w.rate(dtype)
    except Exception:  # noqa: BLE001 - SetupError: hover still shows the counts
        return ""
    rate_text = f"{dtype} rate ×{rate:g}" if dtype else "no dtype rate"
    return f"weight ×{weight:g} · {rate_text}"


def describe(s: SpanCost, lines: Lines, budget: int, formula: Optional[str]) -> list[str]:
    out = [f"**`{s.op}`** `{_snippet(lines, s.span)}`"]
    if s.dtypes:  # executions billed at different dtypes
        out.append("billed as " + ", ".join(f"**{d or 'no dtype'}** ×{n}" for d, n in s.dtypes))
        for d, _ in s.dtypes:
            weight = _weight_line(s.op, d)
            if weight:
                out.append(f"{d or 'no dtype'}: {weight}")
    else:
        billed = f"billed as **{s.dtype}**" if s.dtype else "no dtype billed"
        weight = _weight_line(s.op, s.dtype)
        out.append(f"{billed}" + (f" · {weight}" if weight else ""))
    if s.executions > 1:
        each = (f"{fmt.grouped(s.first)}" if s.first == s.largest
                else f"{fmt.grouped(s.first)} first, up to {fmt.grouped(s.largest)}")
        out.append(f"{each} FLOPs × {s.executions} executions = **{fmt.grouped(s.total)}** "
                   f"({fmt.share(s.total, budget).strip(fmt.FIGURE_SPACE)} of budget)")
    else:
        out.append(f"**{fmt.grouped(s.total)}** FLOPs "
                   f"({fmt.share(s.total, budget).strip(fmt.FIGURE_SPACE)} of budget)")
    if not s.certain:
        out.append("charged on some paths only (a value-dependent branch): an upper bound")
    widened = s.dtype == "float64" or any(d == "float64" for d, _ in s.dtypes)
    if s.dtype_origin is not None and widened and s.dtype_origin != s.span:
        out.append(f"float64 because of line {s.dtype_origin.line}: "
                   f"`{_snippet(lines, s.dtype_origin)}`")
    if s.detail:
        out.append(s.detail)
    if formula:
        out.append(f"formula: `{formula}`")
    return out


def hover(analysis: Analysis, lines: Lines, position: types.Position, budget: int,
          point_label: str, formulas: dict[str, str]) -> Optional[types.Hover]:
    line1, col = lines.to_byte_col(position)
    costs = analysis.costs
    hits = costs.innermost_at(line1, col)
    sections: list[str] = []
    value = value_section(analysis, lines, line1, col)
    if value:
        sections.append(value)
    if hits:
        inner = hits[0]
        sections.append("  \n".join(describe(inner, lines, budget, formulas.get(span_key(inner)))))
        enclosing = [h for h in hits[1:] if h.span != inner.span][:MAX_ENCLOSING]
        same_span = [h for h in hits[1:] if h.span == inner.span]
        for h in same_span + enclosing:
            sections.append(f"in `{h.op}` `{_snippet(lines, h.span, 40)}`: "
                            f"{fmt.grouped(h.total)} FLOPs" + (f" ×{h.executions}" if h.executions > 1 else ""))
    else:
        fn = _function_named_at(costs.functions, line1, col, lines)
        if fn is not None:
            sections.append(function_summary(fn, budget, formulas.get(function_key(fn.info.qualname))))
        elif line1 in costs.lines:
            lc = costs.lines[line1]
            ops = ", ".join(f"`{s.op}`" for s in lc.ops)
            sections.append(f"line {line1}: **{fmt.grouped(lc.total)}** FLOPs ({ops})"
                            + (f", runs ×{lc.executions}" if lc.executions > 1 else "")
                            + (f"  \nformula: `{formulas[line_key(line1)]}`" if line_key(line1) in formulas else ""))
    if not sections:
        return None
    sections.append(f"*flopcast at {point_label}*")
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(sections)))


def _identifier_at(lines: Lines, line1: int, col: int) -> Optional[tuple[int, int, str]]:
    """(start, end, name) of the identifier covering byte column ``col`` of a line."""
    raw = lines.text(line1 - 1).encode("utf-8")
    if col > len(raw):
        return None
    start = col
    while start > 0 and (chr(raw[start - 1]).isalnum() or raw[start - 1] == ord("_")):
        start -= 1
    end = col
    while end < len(raw) and (chr(raw[end]).isalnum() or raw[end] == ord("_")):
        end += 1
    if start == end:
        return None
    return start, end, raw[start:end].decode("utf-8", "replace")


def value_section(analysis: Analysis, lines: Lines, line1: int, col: int) -> Optional[str]:
    """The abstract value(s) of the name under the cursor: at its assignment, or the
    nearest assignment of that name above it."""
    found = _identifier_at(lines, line1, col)
    if found is None:
        return None
    start, end, name = found
    best = None
    for span, texts in (analysis.values or {}).items():
        if span.line != span.end_line or span.end_col - span.col != end - start:
            continue
        if lines.text(span.line - 1).encode("utf-8")[span.col:span.end_col].decode("utf-8", "replace") != name:
            continue
        if (span.line, span.col) <= (line1, start) and (best is None or (span.line, span.col) > (best[0].line, best[0].col)):
            best = (span, texts)
    if best is None:
        return None
    span, texts = best
    where = "" if span.line == line1 else f" (assigned on line {span.line})"
    return f"`{name}`{where}: " + "; then ".join(texts)


def function_summary(fn: FunctionCost, budget: int, formula: Optional[str]) -> str:
    what = "total (callees included)" if fn.includes_callees or fn.with_callees else "own lines"
    text = (f"**{fn.info.qualname}**: {fmt.grouped(fn.total)} FLOPs, {what} "
            f"({fmt.share(fn.total, budget).strip(fmt.FIGURE_SPACE)} of budget)")
    if formula:
        text += f"  \nformula: `{formula}`"
    return text


def _function_named_at(functions: list[FunctionCost], line1: int, col: int, lines: Lines) -> Optional[FunctionCost]:
    """The function whose ``def NAME`` is under the cursor."""
    for fn in functions:
        if fn.info.span.line != line1:
            continue
        name = fn.info.qualname.split(".")[-1]
        text = lines.text(line1 - 1).encode("utf-8")
        at = text.find(name.encode("utf-8"), fn.info.span.col)
        if at >= 0 and at <= col <= at + len(name):
            return fn
    return None
