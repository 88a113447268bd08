"""FC302: heavy flopscope work in setup() and what it calls, in any file of the submission.

setup() has a wall-time cap (5 s in Phase 2), runs once per worker (5-15 times per
submission), and overrunning it fails the whole submission. Contractions, linear
algebra and flopscope calls inside loops are what make it slow.
"""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check.astutil import ImportTable, fnp_op, is_flopscope, walk_body
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.reach import reachable
from flopcast.check.rules.base import Rule

CONTRACTIONS = frozenset({"einsum", "matmul", "dot", "tensordot", "inner", "outer", "kron",
                          "vdot", "matvec", "vecmat", "vecdot", "convolve", "correlate"})
HEAVY_PREFIXES = ("linalg.", "fft.")

ADVICE = ("setup() has a 5 s cap, runs once per worker (5-15 times per submission) and "
          "overrunning it fails the whole submission; precompute offline and load the result "
          "from a data file in ctx.submission_dir")


def heavy_call(table: ImportTable, node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return "`@` (matmul)"
    if isinstance(node, ast.Call):
        op = fnp_op(table.qualname(node.func))
        if op and (op in CONTRACTIONS or op.startswith(HEAVY_PREFIXES)):
            return f"`fnp.{op}`"
    return None


def flopscope_call(table: ImportTable, node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return True
    return isinstance(node, ast.Call) and is_flopscope(table.qualname(node.func))


class SetupWork(Rule):
    code = "FC302"
    name = "heavy-setup"
    level = Level.WARNING
    summary = "contractions, linear algebra or flopscope calls in loops inside setup()"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        cls = ctx.estimator
        if cls is None:
            return
        for r in reachable(ctx.submission, cls, "setup"):
            table = ctx.imports(r.file)  # `fnp` is whatever that file imported
            in_loops: set[int] = set()
            for node in walk_body(r.fn):
                if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and id(node) not in in_loops:
                    inner = [n for stmt in node.body for n in ast_walk(stmt)]
                    in_loops.update(id(n) for n in inner)
                    if any(flopscope_call(table, n) for n in inner):
                        yield self.finding(r.span(node),
                                           f"loop in setup() makes flopscope calls every iteration: {ADVICE}")
                    continue
                if id(node) in in_loops:
                    continue
                what = heavy_call(table, node)
                if what:
                    yield self.finding(r.span(node), f"{what} in setup(): {ADVICE}")
