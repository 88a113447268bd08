"""FC204: predict returns an array whose shape is not (depth, width)."""

from __future__ import annotations

import ast
from typing import Iterator

from flopcast.syntax import ast_walk
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule


class ReturnShape(Rule):
    code = "FC204"
    name = "return-shape"
    level = Level.ERROR
    summary = "predict() returns an array whose shape is not (mlp.depth, mlp.width)"
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if report is None or report.returned is None:
            return
        shape, _dtype = report.returned
        want = (ctx.point.depth, ctx.point.width)
        if tuple(shape) == want:
            return
        hint = ""
        if tuple(shape) == (ctx.point.width, ctx.point.depth):
            hint = " (transposed: stack the per-layer rows along axis 0)"
        elif len(shape) == 2 and shape[1] == want[1] and shape[0] != want[0]:
            hint = " (one row per layer of mlp.weights is expected)"
        fn = ctx.method("predict")
        returns = [n for n in ast_walk(fn) if isinstance(n, ast.Return) and n.value is not None] if fn else []
        span = ctx.entry.span(returns[-1]) if returns else ctx.predict_span()
        yield self.finding(
            span,
            f"predict returns shape {tuple(shape)} but whestbench expects (depth, width) = {want} "
            f"at {ctx.point.width}x{ctx.point.depth}{hint}; build it from mlp.depth and mlp.width",
        )
