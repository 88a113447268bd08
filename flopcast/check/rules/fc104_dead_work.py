"""FC104: charged work whose value is never used.

flopscope charges an operation when it runs, whether or not its result is used. A pure
assignment `t = <charged expression>` whose name nothing live reads (not the return value,
not a stored attribute, not a condition, not an argument of a call with effects), or an
expression statement that only computes, costs FLOPs for nothing.
"""

from __future__ import annotations

import ast
from typing import Iterator

from flopcast.check import fmt
from flopcast.check.advice import charges_in, functions, short, single_path, source
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix, RemoveStmt
from flopcast.check.purity import pure
from flopcast.check.rules.base import Rule
from flopcast.syntax import ast_children, ast_walk, calls_introspection



class DeadWork(Rule):
    code = "FC104"
    name = "dead-work"
    level = Level.WARNING
    summary = "charged work whose result is never used (flopscope still charges it)"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not single_path(ctx):
            return
        for file in ctx.submission.files:
            table = ctx.imports(file)
            for fn in functions(file):
                for stmt, name, direct in dead_statements(fn, table):
                    span = file.span(stmt)
                    charged = charges_in(ctx, span)
                    saving = sum(c.flops for c in charged)
                    if not saving:
                        continue
                    text = short(source(file, stmt))
                    what = (f"`{name}` is never used" if name and direct
                            else f"`{name}` is only used by other unused work" if name
                            else "its value is discarded")
                    fix = Fix(f"remove `{text}`", True, saving, (RemoveStmt(span),)) if direct else None
                    yield self.finding(
                        span,
                        f"`{text}`: {what}, yet its {fmt.flops(saving)} FLOPs are charged; removing it saves "
                        f"{fmt.flops(saving)} FLOPs at {fmt.where_point(ctx.point)}",
                        fix,
                    )


def _own_body(fn) -> list[ast.AST]:
    """Nodes of the function body, nested functions included (their reads keep names alive)."""
    return [n for stmt in fn.body for n in ast_walk(stmt)]


def dead_statements(fn, table) -> Iterator[tuple[ast.stmt, str, bool]]:
    """(statement, assigned name or "", whether nothing at all reads the name) for each pure
    statement of ``fn`` whose value no live code reads."""
    nodes = _own_body(fn)
    if calls_introspection(nodes):  # a function reading variables by name keeps every assignment
        return
    declared = {name for n in nodes if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
    candidates: dict[int, tuple[ast.stmt, str]] = {}
    for n in nodes:
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            if n.targets[0].id not in declared and pure(n.value, table):
                candidates[id(n)] = (n, n.targets[0].id)
        elif isinstance(n, ast.Expr) and not isinstance(n.value, ast.Constant) and pure(n.value, table):
            candidates[id(n)] = (n, "")
    if not candidates:
        return
    # Greatest fixpoint: assume every candidate dead, revive those a live read needs.
    dead = set(candidates)
    while True:
        live_reads = _reads(fn, dead)
        revived = {k for k in dead if candidates[k][1] and candidates[k][1] in live_reads}
        if not revived:
            break
        dead -= revived
    all_reads = _reads(fn, set())
    for key in sorted(dead, key=lambda k: (candidates[k][0].lineno, candidates[k][0].col_offset)):
        stmt, name = candidates[key]
        yield stmt, name, not name or name not in all_reads


def _reads(fn, skip: set[int]) -> set[str]:
    """Names read anywhere in ``fn`` outside the statements in ``skip``."""
    out: set[str] = set()
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if id(node) in skip:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            out.add(node.id)
        stack.extend(ast_children(node))
    return out
