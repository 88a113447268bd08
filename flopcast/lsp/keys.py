"""Keys of the per-span, per-line and per-function formula fits (see flopcast.lsp.formulas).

A module of its own, free of the language-server protocol, so the HTML report can
reuse the fits without importing lsprotocol (about a second).
"""

from __future__ import annotations

from flopcast.lsp.costs import SpanCost


def span_key(s: SpanCost) -> str:
    return f"span:{s.span.line}:{s.span.col}:{s.span.end_line}:{s.span.end_col}:{s.op}"


def line_key(line1: int) -> str:
    return f"line:{line1}"


def function_key(qualname: str) -> str:
    return f"function:{qualname}"
