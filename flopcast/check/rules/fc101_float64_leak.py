"""FC101: charges billed at the float64 rate because of one float64 origin.

flopscope bills float64 at twice the float32 rate, and one float64 operand
promotes everything computed from it. The analyzer records, on each widened
charge, where the float64 came from (``Charge.dtype_origin``); this rule groups
the charges by that origin and names the FLOPs a float32 cast there would save.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Iterator, Optional

from flopcast.check import fmt
from flopcast.check.advice import measured_saving
from flopcast.check.astutil import dotted, fnp_op
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix, ReplaceExpr
from flopcast.check.rules.base import Rule
from flopcast.model import Charge, Span

#: Creation functions whose dtype defaults to float64 when none is given.
DEFAULT_FLOAT64_CREATION = frozenset({
    "zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace",
    "logspace", "geomspace", "tri",
})

#: Generator methods that draw float64 unless told otherwise.
RANDOM_DRAWS = frozenset({
    "standard_normal", "normal", "random", "uniform", "standard_exponential",
    "standard_gamma", "exponential", "gamma", "beta", "laplace", "logistic", "lognormal",
    "rand", "randn", "random_sample", "multivariate_normal", "standard_t", "chisquare",
})
#: ... of which these accept `dtype=` (numpy's Generator API).
RANDOM_WITH_DTYPE = frozenset({"standard_normal", "random", "standard_exponential", "standard_gamma"})


def _is_float32(ctx: CheckContext, file, node: Optional[ast.AST]) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return node.value == "float32"
    return (ctx.imports(file).qualname(node) or dotted(node) or "").endswith("float32")


def cast_call(ctx: CheckContext, span: Span) -> Optional[ast.Call]:
    """The `.astype(...)` call made right on the origin's result (`stats.norm.cdf(a).astype(t)`),
    whatever its argument."""
    call = ctx.node_at(span, ast.Call)
    file = ctx.file(span.path)
    if call is None or file is None:
        return None
    up = file.parents.get(id(call))
    cast = file.parents.get(id(up)) if isinstance(up, ast.Attribute) and up.attr == "astype" else None
    return cast if isinstance(cast, ast.Call) and cast.func is up else None


def cast_in_place(ctx: CheckContext, span: Span) -> bool:
    """True when the origin's result is cast to float32 right where it is made:
    `flops.stats.norm.cdf(a).astype(fnp.float32)` or `fnp.asarray(..., dtype=fnp.float32)`."""
    call = ctx.node_at(span, ast.Call)
    file = ctx.file(span.path)
    if call is None or file is None:
        return False
    cast = cast_call(ctx, span)
    if cast is not None:
        target = cast.args[0] if cast.args else next((kw.value for kw in cast.keywords if kw.arg == "dtype"), None)
        return _is_float32(ctx, file, target)
    up = file.parents.get(id(call))
    if isinstance(up, ast.Call) and call in up.args:
        if fnp_op(ctx.imports(file).qualname(up.func)) in ("asarray", "array", "float32"):
            dtype = next((kw.value for kw in up.keywords if kw.arg == "dtype"), None)
            return fnp_op(ctx.imports(file).qualname(up.func)) == "float32" or _is_float32(ctx, file, dtype)
    return False


def inherently_float64(ctx: CheckContext, span: Span) -> bool:
    """flops.stats computes in float64 whatever it is given: its own charge stays."""
    call = ctx.node_at(span, ast.Call)
    file = ctx.file(span.path)
    if not isinstance(call, ast.Call) or file is None:
        return False
    return (ctx.imports(file).qualname(call.func) or "").startswith("flopscope.stats.")


def origin_kind(ctx: CheckContext, span: Span) -> tuple[str, str]:
    """(what the origin is, how to fix it), read from the code at the origin span."""
    call = ctx.node_at(span, ast.Call)
    file = ctx.file(span.path)
    if not isinstance(call, ast.Call) or file is None:
        return "a float64 value", "cast it once with `.astype(fnp.float32)`"
    text = file.segment(call.func) or "the call"
    qual = ctx.imports(file).qualname(call.func)
    op = fnp_op(qual)
    has_dtype = any(kw.arg == "dtype" for kw in call.keywords)
    if op in DEFAULT_FLOAT64_CREATION and not has_dtype:
        return (f"`{text}(...)` without `dtype=` creates float64",
                "pass `dtype=fnp.float32`")
    if op in ("float64", "double") or (op or "").startswith("float64"):
        return f"`{text}(...)` is a float64 numpy scalar", "use `fnp.float32(...)` or a Python float"
    if qual and qual.startswith("flopscope.stats."):
        return (f"`{text}(...)` returns float64 whatever its input's dtype",
                "cast its result with `.astype(fnp.float32)`")
    last = (dotted(call.func) or "").split(".")[-1]
    if last in RANDOM_DRAWS and not has_dtype:
        fix = ("pass `dtype=fnp.float32`" if last in RANDOM_WITH_DTYPE
               else "cast the draw once with `.astype(fnp.float32)`")
        return f"the random draw `{text}(...)` defaults to float64", fix
    return f"`{text}(...)` produces float64", "cast it once with `.astype(fnp.float32)`"


class Float64Leak(Rule):
    code = "FC101"
    name = "float64-leak"
    level = Level.WARNING
    summary = "charges billed at the float64 rate because of a float64 creation, scalar or flops.stats call"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.report is None:
            return
        # Each distinct charge object with its count (a replayed recursion repeats a few objects
        # millions of times): the same sums and lines as a walk over every charge. The counts
        # are made only when some object is billed at float64 because of an origin.
        if not any(c.dtype == "float64" and c.dtype_origin is not None for c in ctx.distinct_charges):
            return
        by_origin: dict[Span, list[tuple[Charge, int]]] = defaultdict(list)
        for charge, n in ctx.charge_counts:
            if charge.dtype == "float64" and charge.dtype_origin is not None:
                by_origin[charge.dtype_origin].append((charge, n))
        saving_factor = _saving_factor()
        for origin, charges in sorted(by_origin.items()):
            if cast_in_place(ctx, origin):
                continue  # already fixed: what remains is the cast itself
            if inherently_float64(ctx, origin):
                # A cast cannot make the op itself cheaper, only what follows it.
                charges = [(c, n) for c, n in charges if c.span != origin]
            cast = cast_call(ctx, origin)
            if cast is not None and all(ctx.node_at(c.span, ast.Call) is cast for c, _ in charges):
                continue  # cast where it is made by a name (`.astype(dtype)`): only the cast itself is float64
            billed = sum(c.flops * n for c, n in charges)
            if not billed:
                continue
            saved = int(billed * saving_factor)
            what, fix = origin_kind(ctx, origin)
            lines = sorted({ctx.where(c.span) for c, _ in charges}, key=_line_order)
            shown = ", ".join(lines[:4]) + (f" and {len(lines) - 4} more" if len(lines) > 4 else "")
            yield self.finding(
                origin,
                f"float64 leak: {what}; {fmt.flops(billed)} FLOPs downstream are billed at the "
                f"float64 rate ({shown}); {fix} to save {fmt.flops(saved)} FLOPs "
                f"at {fmt.where_point(ctx.point)}",
                float32_fix(ctx, origin, saved),
            )


def float32_fix(ctx: CheckContext, span: Span, saved: int) -> Optional[Fix]:
    """An *unsafe* fix (float32 rounds differently): `dtype=fnp.float32` on a creation or a
    draw that takes it, else `.astype(fnp.float32)` on the call's result."""
    call = ctx.node_at(span, ast.Call)
    file = ctx.file(span.path)
    if not isinstance(call, ast.Call) or file is None:
        return None
    fnp = next((k for k, v in ctx.imports(file).names.items() if v == "flopscope.numpy"), None)
    text = file.segment(call)
    if fnp is None or not text or not text.endswith(")"):
        return None
    op = fnp_op(ctx.imports(file).qualname(call.func))
    last = (dotted(call.func) or "").split(".")[-1]
    if any(kw.arg == "dtype" for kw in call.keywords) or op in ("float64", "double"):
        return None
    if op in DEFAULT_FLOAT64_CREATION or last in RANDOM_WITH_DTYPE:
        inner = text[:-1].rstrip()
        sep = "" if inner.endswith("(") else ", "
        code = f"{inner}{sep}dtype={fnp}.float32)"
        title = f"pass `dtype={fnp}.float32` to `{file.segment(call.func)}`"
    else:
        code = f"{text}.astype({fnp}.float32)"
        title = f"cast `{file.segment(call.func)}(...)` to float32"
    saving = _measured_saving(ctx, file, span, code) if ctx.wants_saving("FC101", span) else None
    if saving is not None and saving <= 0:
        return None  # the cast costs more than it saves (a flops.stats result used once)
    return Fix(title, False, saving, (ReplaceExpr(span, code),))


def _measured_saving(ctx: CheckContext, file, span: Span, code: str) -> Optional[int]:
    """The exact saving of the cast: the analysis of the code with it, against the report.

    The float64 charges grouped under one origin overstate the saving when another float64
    origin (a flops.stats result, say) feeds the same charges, so the cast is priced by
    analysing the code with it.
    """
    return measured_saving(ctx, file, span, code, same_result=False)


def _saving_factor() -> float:
    """1 - rate(float32)/rate(float64): 1/2 with flopscope's shipped rates."""
    from flopcast.installed import weights

    w = weights()
    r64 = w.rate("float64")
    return 1.0 - w.rate("float32") / r64 if r64 else 0.0


def _line_order(where: str) -> tuple[int, str]:
    digits = where.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]
    return (0 if where.startswith("line") else 1, digits.zfill(8))
