"""FC102: a 16x-weight `power` where a 1x op gives the same values.

flopscope prices `power` (and so `**`) at 16x per element whatever the
exponent, while numpy computes `x**2`, `x**0.5` and `x**-1` with the square,
sqrt and reciprocal fast paths, which the 1x ops `x * x`, `fnp.sqrt(x)` and
`1 / x` reproduce.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check import fmt
from flopcast.check.advice import charges_in
from flopcast.check.astutil import dotted
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix, ReplaceExpr
from flopcast.check.rules.base import Rule
from flopcast.check.source import SourceFile
from flopcast.model import Span

POWER_OPS = ("power", "pow")


@dataclass(frozen=True)
class Rewrite:
    exponent: float
    op: str  # the 1x op flopscope bills the rewrite as
    template: str  # with {x} for the base


REWRITES = (
    Rewrite(2, "multiply", "{x} * {x}"),
    Rewrite(0.5, "sqrt", "fnp.sqrt({x})"),
    Rewrite(-1, "divide", "1 / {x}"),
)


def _constant(node: ast.AST) -> Optional[float]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant(node.operand)
        return -inner if inner is not None else None
    return None


def power_sites(ctx: CheckContext, file: SourceFile) -> Iterator[tuple[ast.AST, ast.AST, Rewrite]]:
    """(whole expression, base, rewrite) for each `b ** k` / `fnp.power(b, k)` with a 1x twin."""
    table = ctx.imports(file)
    for node in ast_walk(file.tree):
        base = exponent = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            base, exponent = node.left, node.right
        elif (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords
              and table.qualname(node.func) in ("flopscope.numpy.power", "flopscope.numpy.pow")):
            base, exponent = node.args
        if base is None:
            continue
        value = _constant(exponent)
        for rewrite in REWRITES:
            if value == rewrite.exponent:
                yield node, base, rewrite


class CostlyPower(Rule):
    code = "FC102"
    name = "costly-power"
    level = Level.WARNING
    summary = "`x**2`, `x**0.5`, `x**-1` are billed as power (16x); `x*x`, `fnp.sqrt(x)`, `1/x` cost 1x"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        from flopcast.installed import weights

        w = weights()
        for file in ctx.submission.files:
            for node, base, rewrite in power_sites(ctx, file):
                span = file.span(node)
                x = file.segment(base) or "x"
                if len(x) > 24 or "\n" in x:
                    x = "x"
                if not isinstance(base, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)):
                    x = f"({x})"
                expr = file.segment(node) or "power"
                if len(expr) > 40 or "\n" in expr:
                    expr = f"{x} ** {rewrite.exponent:g}"
                better = rewrite.template.format(x=x)
                factor = 1.0 - w.weight(rewrite.op) / (w.weight("power") or 1.0)
                if factor <= 0:
                    continue  # the installed weights make them equal: nothing to gain
                fix = None
                if ctx.report is None:
                    saving = f"it saves {fmt.share(factor, 1)} of this op's FLOPs"
                else:
                    charged = [c for c in charges_in(ctx, span) if c.op in POWER_OPS]
                    if not charged:
                        # Not a flopscope op (a Python number) or never reached: free.
                        continue
                    saved = int(sum(c.flops for c in charged) * factor)
                    saving = f"it saves {fmt.flops(saved)} FLOPs at {fmt.where_point(ctx.point)}"
                    fix = _fix(ctx, file, span, base, rewrite, charged, saved)
                yield self.finding(
                    span,
                    f"`{expr}` is billed as power ({w.weight('power'):g}x per element); "
                    f"`{better}` gives the same values at {w.weight(rewrite.op):g}x: {saving}",
                    fix,
                )


def _fix(ctx: CheckContext, file: SourceFile, span: Span, base: ast.AST, rewrite: Rewrite,
         charged: list, saved: int) -> Optional[Fix]:
    """The rewrite, when it is bitwise safe: float operands (numpy computes these three
    exponents with the square, sqrt and reciprocal fast paths, which the 1x ops reproduce
    to the bit, signed zeros, infinities and NaN included) and, for `x * x`, a base that
    is a plain name or attribute (evaluating it twice costs nothing)."""
    if not all((c.dtype or "").startswith("float") for c in charged):
        return None  # integer powers: `1 / x` would change the dtype
    x = file.segment(base)
    if x is None or "\n" in x:
        return None
    if rewrite.exponent == 2:
        if dotted(base) is None:
            return None
        code = f"{x} * {x}"
    elif rewrite.exponent == -1:
        code = f"1 / {_atom(base, x)}"
    else:
        fnp = next((k for k, v in ctx.imports(file).names.items() if v == "flopscope.numpy"), None)
        if fnp is None:
            return None
        code = f"{fnp}.sqrt({x})"
    expr = file.segment(ctx.node_at(span) or base) or "the power"
    return Fix(f"replace `{expr}` with `{code}`", True, saved, (ReplaceExpr(span, code),))


def _atom(node: ast.AST, text: str) -> str:
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)):
        return text
    return f"({text})"
