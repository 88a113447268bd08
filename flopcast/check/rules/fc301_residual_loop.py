"""FC301: a Python loop over the width that pulls scalars every iteration.

Python time outside flopscope ops ("residual" time) is a hard gate per MLP, and
on the grader every scalar pull (`float(x[i])`, `.item()`) is a round trip to the
flopscope server. A loop whose trip count grows with the width multiplies both.

Detection is syntactic and dataflow-light: a name is width-sized when it was
assigned from an expression that grows with `.width` (or with another width-sized
name; a count divided by the width shrinks and is not one, see
flopcast.check.width_trend), or when it is a parameter a width-sized argument was
passed to (callees in sibling modules of a folder submission included, see
flopcast.check.reach).
"""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check import fmt
from flopcast.check.astutil import FunctionNode, walk_body
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.reach import Reached, reachable
from flopcast.check.rules.base import Rule
from flopcast.check.width_trend import GROWS, UNCLEAR, Trend, range_count_trend, trend

SCALAR_BUILTINS = frozenset({"float", "int", "complex", "bool"})
SCALAR_METHODS = frozenset({"item", "tolist"})


def _bind(target: ast.AST, value: Optional[ast.AST], names: dict[str, int]) -> None:
    """Record the trend of names bound by `target = value` that depend on the width."""
    if isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                _bind(t, v, names)
        else:
            for t in target.elts:
                _bind(t, value, names)
    elif isinstance(target, ast.Name):
        _record(target.id, trend(value, names), names)


def _record(name: str, t: Trend, names: dict[str, int]) -> None:
    """A name bound both ways (or rebound the other way) has no direction."""
    if t is None:
        return
    names[name] = t if names.get(name, t) == t else UNCLEAR


def width_names(functions: list[Reached]) -> dict[int, dict[str, int]]:
    """Per function (by id of its node), the names that depend on the width, with their
    trend (see flopcast.check.width_trend).

    A parameter takes the trend of the arguments some resolved call passes it, whichever
    file the callee lives in.
    """
    trends: dict[int, dict[str, int]] = {id(r.fn): {} for r in functions}
    for _ in range(max(4, len(functions) + 1)):  # until no trend changes
        before = [dict(n) for n in trends.values()]
        for r in functions:
            names = trends[id(r.fn)]
            for node in walk_body(r.fn):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        _bind(target, node.value, names)
                elif isinstance(node, ast.AugAssign):
                    _bind(node.target, ast.BinOp(node.target, node.op, node.value), names)
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    _bind(node.target, node.value, names)
                elif isinstance(node, ast.NamedExpr):
                    _bind(node.target, node.value, names)
            for call, callee, implicit in r.calls:
                _bind_parameters(call, names, callee.fn, implicit, trends[id(callee.fn)])
        if [dict(n) for n in trends.values()] == before:
            break
    return trends


def _bind_parameters(call: ast.Call, names: dict[str, int], callee: FunctionNode, implicit: int,
                     into: dict[str, int]) -> None:
    params = [a.arg for a in callee.args.posonlyargs + callee.args.args][implicit:]
    for param, arg in zip(params, call.args):
        _record(param, trend(arg, names), into)
    for kw in call.keywords:
        if kw.arg:
            _record(kw.arg, trend(kw.value, names), into)


def scalar_work(body: list[ast.AST]) -> Optional[str]:
    """The first scalar pull in a loop body, spelled for the message."""
    for stmt in body:
        for node in ast_walk(stmt):
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name) and node.func.id in SCALAR_BUILTINS:
                    return f"`{node.func.id}(...)`"
                if isinstance(node.func, ast.Attribute) and node.func.attr in SCALAR_METHODS:
                    return f"`.{node.func.attr}()`"
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                return "indexing"
    return None


def _range_over_width(iter_node: ast.AST, names: dict[str, int]) -> bool:
    """A `range(...)` whose trip count grows with the width."""
    return (isinstance(iter_node, ast.Call) and isinstance(iter_node.func, ast.Name)
            and iter_node.func.id == "range"
            and range_count_trend(iter_node, names) == GROWS)


class ResidualLoop(Rule):
    code = "FC301"
    name = "residual-loop"
    level = Level.WARNING
    summary = "a Python loop over the width doing scalar work inside predict (residual time, round trips)"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        cls = ctx.estimator
        if cls is None:
            return
        functions = reachable(ctx.submission, cls, "predict")
        trends = width_names(functions)
        for r in functions:
            names = trends[id(r.fn)]
            for node in walk_body(r.fn):
                loop_kind = body = None
                if isinstance(node, (ast.For, ast.AsyncFor)) and _range_over_width(node.iter, names):
                    loop_kind, body = "`for` loop over a width-sized range", node.body
                elif isinstance(node, ast.While) and trend(node.test, names) == GROWS:
                    loop_kind, body = "`while` loop bounded by the width", node.body
                elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                    if any(_range_over_width(g.iter, names) for g in node.generators):
                        loop_kind = "comprehension over a width-sized range"
                        body = [node.elt] if not isinstance(node, ast.DictComp) else [node.key, node.value]
                if loop_kind is None:
                    continue
                pull = scalar_work(body)
                if pull is None:
                    continue
                yield self.finding(
                    r.span(node),
                    f"{loop_kind} (the width is {ctx.point.width:,} at {fmt.where_point(ctx.point)}) "
                    f"does scalar work ({pull}) every iteration: residual Python "
                    "time is a hard gate per MLP and each scalar pull is a round trip on the "
                    "grader; vectorise it with fnp ops on whole arrays",
                )
