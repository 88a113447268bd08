"""FC106: a contraction flopscope would discount if it received the same object twice.

flopscope recognises a repeated operand by object identity only (``id``): an einsum,
``inner``, ``tensordot`` or ``outer`` that receives the same array twice is priced for
the unique elements of its symmetric result, and the result carries a symmetry tag that
makes later work on it cheaper too. ``A @ A.T``, ``A.T @ A`` and ``dot(A, A.T)`` receive
``A`` and a transposed view (another object), and ``outer(g, g.copy())`` a copy: all are
charged dense. The rule names the discounted form and its saving, priced by the analyzer
itself on the rewritten code (the price of the code as it is minus the price of the code
with the rewrite), never by a hand formula.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check import fmt
from flopcast.check.advice import charges_in, measured_saving, short, single_path, source
from flopcast.check.astutil import ImportTable, dotted, fnp_op
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix, ReplaceExpr
from flopcast.check.rules.base import Rule
from flopcast.check.source import SourceFile

#: flopscope ops that are contractions (what the rule looks for in the report's charges).
CONTRACTIONS = ("matmul", "dot", "einsum", "inner", "tensordot", "outer", "linalg.outer")
#: Calls that take two operands and discount them when they are one object.
IDENTITY_AWARE = ("einsum", "inner", "tensordot", "outer", "linalg.outer")


@dataclass(frozen=True)
class Site:
    whole: ast.expr  # the contraction charged dense
    node: ast.expr  # the part the rewrite replaces (the contraction, or its copied operand)
    code: str  # what replaces it
    #: True when the rewrite gives the same bits (see ``sites``).
    safe: bool
    why_unsafe: str = ""


def _transposed(node: ast.expr) -> Optional[ast.expr]:
    """``X`` for ``X.T`` (a plain name or attribute chain X), else None."""
    if isinstance(node, ast.Attribute) and node.attr == "T" and dotted(node.value) is not None:
        return node.value
    return None


def _copy_of(node: ast.expr, table: ImportTable) -> Optional[ast.expr]:
    """``X`` for ``X.copy()`` or ``fnp.copy(X)`` (X a plain name or attribute chain)."""
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    if (isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and not node.args
            and dotted(node.func.value) is not None):
        return node.func.value
    if len(node.args) == 1 and fnp_op(table.qualname(node.func)) == "copy" and dotted(node.args[0]) is not None:
        return node.args[0]
    return None


def _same(a: ast.expr, b: ast.expr) -> bool:
    return dotted(a) is not None and dotted(a) == dotted(b)


#: Why a rewrite is unsafe (the docs page gives the measurements).
GEMM_UNSAFE = "the einsum may round differently"
COPY_UNSAFE = "one object instead of a copy may round differently"


def sites(file: SourceFile, table: ImportTable) -> Iterator[Site]:
    """Every expression the rule knows a discounted twin for, with the twin."""
    fnp = next((k for k, v in table.names.items() if v == "flopscope.numpy"), None)
    for node in ast_walk(file.tree):
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair = (node.left, node.right)
        elif (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords
              and fnp_op(table.qualname(node.func)) in ("matmul", "dot")):
            pair = (node.args[0], node.args[1])
        if pair is not None and fnp is not None:
            left, right = pair
            x = _transposed(right)
            if x is not None and _same(x, left):  # A @ A.T
                a = source(file, left)
                yield Site(node, node, f"{fnp}.einsum('ij,kj->ik', {a}, {a})", False, GEMM_UNSAFE)
                continue
            x = _transposed(left)
            if x is not None and _same(x, right):  # A.T @ A
                a = source(file, right)
                yield Site(node, node, f"{fnp}.einsum('ji,jk->ik', {a}, {a})", False, GEMM_UNSAFE)
                continue
        if isinstance(node, ast.Call) and fnp_op(table.qualname(node.func)) in IDENTITY_AWARE:
            op = fnp_op(table.qualname(node.func))
            operands = node.args[1:] if op == "einsum" else node.args
            if op == "einsum" and not (node.args and isinstance(node.args[0], ast.Constant)):
                continue
            if len(operands) != 2:
                continue
            for copy, other in ((operands[1], operands[0]), (operands[0], operands[1])):
                x = _copy_of(copy, table)
                if x is not None and _same(x, other):
                    # outer multiplies each pair once: g_i * g_j == g_j * g_i, bit for bit.
                    safe = op in ("outer", "linalg.outer")
                    yield Site(node, copy, source(file, x), safe, "" if safe else COPY_UNSAFE)
                    break


class AliasingDiscount(Rule):
    code = "FC106"
    name = "aliasing-discount-missed"
    level = Level.WARNING
    summary = ("`A @ A.T`, `A.T @ A`, `outer(g, g.copy())`: flopscope discounts the form that passes "
               "the same object twice")
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not single_path(ctx):
            return
        for file in ctx.submission.files:
            table = ctx.imports(file)
            for site in file.fact("aliasing sites", lambda: list(sites(file, table))):
                whole = site.whole
                span = file.span(whole)
                charged = [c for c in charges_in(ctx, span) if c.op in CONTRACTIONS]
                if not charged or not ctx.wants_saving(self.code, span):
                    continue  # not a flopscope contraction here, or never reached; or not asked for
                saving = measured_saving(ctx, file, file.span(site.node), site.code)
                if not saving or saving <= 0:
                    continue
                text = short(source(file, whole))
                better = short(_rewritten(file, whole, site), 64)
                kind = "" if site.safe else f" (unsafe: {site.why_unsafe})"
                yield self.finding(
                    span,
                    f"`{text}` is charged dense ({fmt.flops(sum(c.flops for c in charged))} FLOPs): flopscope "
                    f"discounts an operand passed twice only when it is the same object; `{better}` saves "
                    f"{fmt.flops(saving)} FLOPs at {fmt.where_point(ctx.point)}, the work on its symmetric "
                    f"result included{kind}",
                    Fix(f"replace `{text}` with `{better}`", site.safe, saving,
                        (ReplaceExpr(file.span(site.node), site.code),)),
                )


def _rewritten(file: SourceFile, whole: ast.expr, site: Site) -> str:
    if whole is site.node:
        return site.code
    text = source(file, whole)
    inner = source(file, site.node)
    return text.replace(inner, site.code, 1)
