"""Apply a fix's edits with libcst, so every byte outside them (comments, blank lines,
quotes, spacing) stays as it was; then prove the rewrite means what the fix says.

The proof is syntactic: the new text is parsed with ``ast`` and must equal the original
syntax tree with the same edits made on it (an expression swapped for the parsed
replacement, a statement inserted or removed). A replacement that needs parentheses in
its context (`y / x**2` → `y / (x * x)`) is retried with them; an edit that still does not
match, or whose target is not found, raises :class:`FixError` and nothing is written.
"""

from __future__ import annotations

import ast
import copy
from typing import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flopcast.check.fix.model import Edit, InsertBefore, ReplaceExpr
from flopcast.model import Span


class FixError(Exception):
    """A fix that cannot be applied as announced (it would not parse or would change meaning)."""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` made (all positions refer to ``text``)."""
    try:
        original = ast.parse(text)
    except SyntaxError as exc:
        raise FixError(f"the file does not parse ({exc.msg}, line {exc.lineno})") from exc
    expected = ast.dump(_expected_tree(original, edits))
    lines = text.splitlines(keepends=True)
    for parens in (False, True):
        new_text = _rewrite(text, lines, edits, parens)
        try:
            got = ast.dump(ast.parse(new_text))
        except SyntaxError:
            continue
        if got == expected:
            return new_text
    raise FixError("the rewritten code would not mean what the fix says; it was not applied")


# ------------------------------------------------------------------ the expected syntax tree


def _expected_tree(tree: ast.Module, edits: Sequence[Edit]) -> ast.Module:
    tree = copy.deepcopy(tree)
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for edit in edits:
        if isinstance(edit, ReplaceExpr):
            node = _find(tree, edit.span, ast.expr)
            try:
                new = ast.parse(edit.code, mode="eval").body
            except SyntaxError as exc:
                raise FixError(f"the replacement `{edit.code}` does not parse") from exc
            _swap(parents[id(node)], node, [new])
        else:
            node = _find(tree, edit.span, ast.stmt, start_only=True)
            if isinstance(edit, InsertBefore):
                try:
                    new_stmts = ast.parse(edit.code).body
                except SyntaxError as exc:
                    raise FixError(f"the inserted statement `{edit.code}` does not parse") from exc
                _swap(parents[id(node)], node, new_stmts + [node])
            else:
                _swap(parents[id(node)], node, [])
    return tree


def _find(tree: ast.AST, span: Span, kind: type, start_only: bool = False) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, kind) and (node.lineno, node.col_offset) == (span.line, span.col) and (
                start_only or (node.end_lineno, node.end_col_offset) == (span.end_line, span.end_col)):
            return node
    raise FixError(f"line {span.line}: the code the fix is for is no longer there")


def _swap(parent: ast.AST, node: ast.AST, replacement: list) -> None:
    for name, value in ast.iter_fields(parent):
        if value is node:
            if len(replacement) != 1:
                raise FixError("internal: a single node replaced by a list")
            setattr(parent, name, replacement[0])
            return
        if isinstance(value, list) and any(v is node for v in value):
            i = next(i for i, v in enumerate(value) if v is node)
            value[i:i + 1] = replacement
            if not value and name in ("body", "finalbody"):
                value.append(ast.Pass())
            return
    raise FixError("internal: the edited node was not found under its parent")


# ------------------------------------------------------------------ the libcst rewrite


def _char_col(lines: list[str], line: int, byte_col: int) -> int:
    if not 1 <= line <= len(lines):
        return byte_col
    return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _rewrite(text: str, lines: list[str], edits: Sequence[Edit], parens: bool) -> str:
    replace: dict = {}
    insert: dict = {}
    remove: set = set()
    for e in edits:
        start = (e.span.line, _char_col(lines, e.span.line, e.span.col))
        if isinstance(e, ReplaceExpr):
            replace[start + (e.span.end_line, _char_col(lines, e.span.end_line, e.span.end_col))] = e.code
        elif isinstance(e, InsertBefore):
            insert.setdefault(start, []).append(e.code)
        else:
            remove.add(start)
    wrapper = MetadataWrapper(cst.parse_module(text))
    module = wrapper.visit(_Rewriter(replace, insert, remove, parens))
    return module.code


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, replace: dict, insert: dict, remove: set, parens: bool):
        super().__init__()
        self.replace, self.insert, self.remove, self.parens = replace, insert, remove, parens

    def _start(self, node: cst.CSTNode) -> tuple[int, int]:
        p = self.get_metadata(PositionProvider, node).start
        return (p.line, p.column)

    def on_leave(self, original, updated):
        if isinstance(original, cst.BaseExpression) and self.replace:
            r = self.get_metadata(PositionProvider, original)
            code = self.replace.pop((r.start.line, r.start.column, r.end.line, r.end.column), None)
            if code is not None:
                new = cst.parse_expression(code)
                if updated.lpar:
                    new = new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
                elif self.parens and isinstance(new, (cst.BinaryOperation, cst.UnaryOperation,
                                                      cst.BooleanOperation, cst.Comparison)):
                    new = new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                return new
        if isinstance(original, (cst.Module, cst.IndentedBlock)):
            return self._block(original, updated)
        return updated

    def _block(self, original, updated):
        body: list = []
        carried: list = []  # the comments above a removed statement, kept for the next one
        for old, new in zip(original.body, updated.body):
            small = list(getattr(old, "body", ())) if isinstance(old, cst.SimpleStatementLine) else []
            starts = [self._start(s) for s in small] if small else [self._start(old)]
            for start in starts:
                for code in self.insert.pop(start, ()):
                    # Above the statement's own comments and blank lines, which describe it.
                    body.append(cst.parse_statement(code))
            if small:
                kept = [s_new for s_old, s_new in zip(small, new.body) if self._start(s_old) not in self.remove]
                if len(kept) < len(small):
                    if not kept:
                        carried.extend(new.leading_lines)
                        continue
                    kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                    new = new.with_changes(body=kept)
            if carried:
                new = new.with_changes(leading_lines=list(carried) + list(new.leading_lines))
                carried = []
            body.append(new)
        if isinstance(updated, cst.Module):
            footer = list(carried) + list(updated.footer)
            return updated.with_changes(body=body, footer=footer)
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)]
            carried = []
        return updated.with_changes(body=body, footer=list(carried) + list(updated.footer))


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))

