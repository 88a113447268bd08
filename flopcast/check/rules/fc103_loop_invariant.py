"""FC103: charged work repeated on every iteration of a loop from operands the loop never changes.

whestbench's performance tips: hoist work that does not change per layer out of the loop.
The rule finds the largest pure expressions in the loop's body statements whose names the
loop never rebinds or changes, and reads from the traced analysis how often each ran and
what one run costs. Computing it once before the loop saves every run but the first of
each entry of the loop, exactly.
"""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from flopcast.syntax import ast_children, ast_walk
from flopcast.check import fmt
from flopcast.check.advice import functions, loops_in, per_entry, short, single_path, source
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix, InsertBefore, RemoveStmt, ReplaceExpr
from flopcast.check.purity import deferred, evaluated_once, fresh_name, pure_call, used_names, written
from flopcast.check.rules.base import Rule
from flopcast.check.source import SourceFile

WORK = (ast.Call, ast.BinOp, ast.UnaryOp, ast.Compare)


class LoopInvariant(Rule):
    code = "FC103"
    name = "loop-invariant-work"
    level = Level.WARNING
    summary = "charged work recomputed on every loop iteration from operands the loop does not change"
    wants_report = True
    wants_loops = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not single_path(ctx) or not ctx.report.loop_entries:
            return
        for file in ctx.submission.files:
            table = ctx.imports(file)
            for fn in functions(file):
                args = fn.args
                params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
                params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
                local = params | written(fn, table)[0]
                for loop in file.fact(("loops", id(fn)), lambda: list(_loops(fn))):
                    yield from self._loop(ctx, file, table, loop, local)

    def _loop(self, ctx, file: SourceFile, table, loop, local: set[str]) -> Iterator[Finding]:
        loop_span = file.span(loop)
        entries = ctx.report.loop_entries.get(loop_span, 0)
        if not entries:
            return
        bound, changed, calls_user = written(loop, table)
        varying = bound | changed

        def invariant(node: ast.AST) -> bool:
            if isinstance(node, ast.Constant):
                return True
            if isinstance(node, ast.Name):
                # A callee cannot rebind the function's locals, but it could rebind a global
                # (imported modules aside).
                return node.id not in varying and (not calls_user or node.id in local or node.id in table.names)
            if isinstance(node, ast.Attribute):
                return invariant(node.value)
            if isinstance(node, ast.Subscript):
                return invariant(node.value) and invariant(node.slice)
            if isinstance(node, (ast.Tuple, ast.List)):
                return all(invariant(e) for e in node.elts)
            if isinstance(node, ast.Slice):
                return all(invariant(p) for p in (node.lower, node.upper, node.step) if p is not None)
            if isinstance(node, ast.BinOp):
                return invariant(node.left) and invariant(node.right)
            if isinstance(node, ast.UnaryOp):
                return invariant(node.operand)
            if isinstance(node, ast.Compare):
                return invariant(node.left) and all(invariant(c) for c in node.comparators)
            if isinstance(node, ast.Call):
                if not pure_call(node, table):
                    return False
                receiver = ([node.func.value] if isinstance(node.func, ast.Attribute)
                            and table.qualname(node.func) is None else [])
                return all(invariant(a) for a in receiver + node.args + [kw.value for kw in node.keywords])
            return False

        for position, stmt in enumerate(loop.body):
            for expr in _maximal(stmt, invariant):
                span = file.span(expr)
                charged = loops_in(ctx, span)
                runs = per_entry(charged, loop_span)
                if not charged or runs is None or len(runs) < entries:
                    continue  # not charged, or some entry of the loop never ran it: hoisting adds work
                total = sum(t for t, _ in runs.values())
                once = sum(f for _, f in runs.values())
                saving = total - once
                if saving <= 0:
                    continue
                count = len({(v.entry, v.index) for _, loops in charged for v in loops if v.loop == loop_span})
                text = short(source(file, expr))
                fix = _fix(file, loop, position, stmt, expr, f"hoist `{text}` out of the loop at line {loop.lineno}",
                           saving)
                yield self.finding(
                    span,
                    f"`{text}` is recomputed on every iteration of the loop at line {loop.lineno} from operands "
                    f"the loop does not change ({count} runs, {fmt.flops(total)} FLOPs); computing it once before "
                    f"the loop saves {fmt.flops(saving)} FLOPs at {fmt.where_point(ctx.point)}",
                    fix,
                )


def _loops(fn) -> Iterator[ast.AST]:
    """The loops of a function body, not those of nested functions."""
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.For, ast.While)):
            yield node
        stack.extend(ast_children(node))


def _maximal(stmt: ast.stmt, invariant) -> Iterator[ast.expr]:
    """The outermost invariant work expressions of a statement evaluated once per run of it."""
    once = {id(n) for n in evaluated_once(stmt)}
    stack = [c for c in ast_children(stmt) if isinstance(c, ast.expr)]
    while stack:
        node = stack.pop()
        if id(node) not in once or deferred(node):
            continue
        if isinstance(node, WORK) and invariant(node):
            yield node
            continue
        stack.extend(c for c in ast_children(node) if isinstance(c, ast.expr))


def _fix(file: SourceFile, loop, position: int, stmt: ast.stmt, expr: ast.expr, title: str,
         saving: int) -> Optional[Fix]:
    loop_span = file.span(loop)
    if _whole_statement(loop, position, stmt, expr):
        return Fix(title, True, saving, (InsertBefore(loop_span, source(file, stmt)), RemoveStmt(file.span(stmt))))
    text = source(file, expr)
    if not text:
        return None
    # The file's names are read once per file: the rule asks at every point of a saving formula's grid.
    name = fresh_name(file.fact("used names", lambda: used_names(file.tree)), "hoisted")
    value = f"({text})" if "\n" in text else text
    return Fix(title, True, saving, (InsertBefore(loop_span, f"{name} = {value}"),
                                     ReplaceExpr(file.span(expr), name)))


def _whole_statement(loop, position: int, stmt: ast.stmt, expr: ast.expr) -> bool:
    """`t = <invariant>` can move before the loop as it is when `t` is bound nowhere else in
    the loop and read by nothing that runs before it in an iteration."""
    if not (isinstance(stmt, ast.Assign) and stmt.value is expr and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    stores = [n for n in ast_walk(loop) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1:
        return False
    before = [loop.target if isinstance(loop, ast.For) else loop.test] + list(loop.body[:position])
    return not any(isinstance(n, ast.Name) and n.id == name for b in before for n in ast_walk(b))
