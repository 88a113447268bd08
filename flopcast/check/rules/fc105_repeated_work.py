"""FC105: the same pure charged expression evaluated again on the same operands.

After `t = E`, a later statement of the same block that evaluates `E` again — with no
statement in between rebinding or changing a name `E` reads, or `t` — recomputes a value
the program already holds; flopscope charges it again.
"""

from __future__ import annotations

import ast
from typing import Iterator

from flopcast.syntax import ast_children
from flopcast.check import fmt
from flopcast.check.advice import charges_in, functions, short, single_path, source
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix, ReplaceExpr
from flopcast.check.purity import deferred, names_read, pure, written
from flopcast.check.rules.base import Rule

WORK = (ast.Call, ast.BinOp, ast.UnaryOp)
BLOCKS = ("body", "orelse", "finalbody")


class RepeatedWork(Rule):
    code = "FC105"
    name = "repeated-work"
    level = Level.WARNING
    summary = "a pure charged expression evaluated again on the same operands: reuse the first result"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not single_path(ctx):
            return
        for file in ctx.submission.files:
            table = ctx.imports(file)
            for fn in functions(file):
                for block in _blocks(fn):
                    for first, again in repeats(block, table):
                        span = file.span(again)
                        saving = sum(c.flops for c in charges_in(ctx, span))
                        if not saving:
                            continue
                        name = first.targets[0].id
                        text = short(source(file, again))
                        yield self.finding(
                            span,
                            f"`{text}` was already computed as `{name}` on line {first.lineno} from the same "
                            f"operands; reusing `{name}` saves {fmt.flops(saving)} FLOPs at "
                            f"{fmt.where_point(ctx.point)}",
                            Fix(f"reuse `{name}` for `{text}`", True, saving, (ReplaceExpr(span, name),)),
                        )


def _blocks(fn) -> Iterator[list[ast.stmt]]:
    stack: list[ast.AST] = [fn]
    while stack:
        node = stack.pop()
        for field in BLOCKS:
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block
        for child in ast_children(node):
            if isinstance(child, ast.stmt) and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                       ast.ClassDef)):
                stack.append(child)
            elif isinstance(child, ast.ExceptHandler):
                stack.append(child)


def repeats(block: list[ast.stmt], table) -> Iterator[tuple[ast.Assign, ast.expr]]:
    """(the assignment `t = E`, a later occurrence of `E`) pairs within one block."""
    for i, first in enumerate(block):
        if not (isinstance(first, ast.Assign) and len(first.targets) == 1 and isinstance(first.targets[0], ast.Name)
                and isinstance(first.value, WORK) and pure(first.value, table)):
            continue
        target = first.targets[0].id
        reads = names_read(first.value)
        if target in reads:
            continue  # `t = t @ w`: the next `t @ w` reads another `t`
        shape = ast.dump(first.value)
        for later in block[i + 1:]:
            bound, changed, calls_user = written(later, table)
            if isinstance(later, ast.Assign):
                # The right-hand side runs before the names are bound.
                yield from ((first, e) for e in _occurrences(later.value, shape))
            elif not (bound | changed) & (reads | {target}) and not calls_user:
                yield from ((first, e) for e in _occurrences(later, shape))
            if (bound | changed) & (reads | {target}) or calls_user:
                break


def _occurrences(root: ast.AST, shape: str) -> Iterator[ast.expr]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or deferred(node):
            continue
        if isinstance(node, WORK) and ast.dump(node) == shape:
            yield node
            continue
        stack.extend(ast_children(node))
