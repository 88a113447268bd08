"""The sites an interval assumes answer alike at every execution.

A path takes one option at a value-dependent site for the whole path (decisions.py): a branch in
a layer loop is explored as "taken in every layer" and as "taken in none". A real run may take it
in some layers only, and when the layers' costs interact (a rescale that casts to float64 makes
every later layer dearer) such a mixed run can cost more, or less, than every path explored: the
interval holds under that assumption only. These are the sites it rests on: those inside a loop
or a comprehension, and those in a function that some path called more than once.
"""

from __future__ import annotations

import ast
import weakref
from typing import Optional

from flopcast.syntax import ast_walk
from flopcast.model import Span

_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def repeated_sites(program, results: list, functions: list) -> list[Span]:
    """The spans of the sites met on some path that may run more than once on a path."""
    called: dict = {}
    for r in results:
        per_callee: dict = {}
        for (_, callee), n in r.calls.items():
            per_callee[callee] = per_callee.get(callee, 0) + n
        for callee, n in per_callee.items():
            called[callee] = max(called.get(callee, 0), n)
    trees = {m.path: m.tree for m in program.modules.values()}
    found: dict = {}
    for r in results:
        for site in r.sites:
            span = site.span
            if span is None or span in found:
                continue
            owner = _innermost_function(functions, span)
            if (owner is not None and called.get(owner, 0) > 1) or _in_loop(trees.get(span.path), span):
                found[span] = None
    return sorted(found, key=lambda s: (s.path, s.line, s.col))


def _innermost_function(functions: list, span: Span) -> Optional[str]:
    best = None
    for info in functions:
        f = info.span
        if f.path == span.path and (f.line, f.col) <= (span.line, span.col) \
                and (span.end_line, span.end_col) <= (f.end_line, f.end_col):
            if best is None or (f.line, f.col) >= (best.span.line, best.span.col):
                best = info
    return best.qualname if best is not None else None


def _in_loop(tree: Optional[ast.AST], span: Span) -> bool:
    """Whether the span lies in a loop's body, a ``while`` test or a comprehension (not in a
    ``for`` statement's iterable, evaluated once)."""
    if tree is None:
        return False
    position = (span.line, span.col)
    return any(start <= position < end for start, end in _loop_ranges(tree))


def _loop_ranges(tree: ast.AST) -> list:
    ranges = _RANGES.get(tree)
    if ranges is None:
        ranges = []
        for n in ast_walk(tree):
            if not isinstance(n, _LOOPS):
                continue
            if isinstance(n, (ast.For, ast.AsyncFor)):
                parts = n.body  # its iterable and its `else` run once
            elif isinstance(n, ast.While):
                parts = n.body + [n.test]
            else:
                parts = [n]
            for part in parts:
                ranges.append(((part.lineno, part.col_offset), (part.end_lineno, part.end_col_offset)))
        _RANGES[tree] = ranges
    return ranges


_RANGES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
