"""FC301: a Python loop over the width that pulls scalars every iteration.

Python time outside flopscope ops ("residual" time) is a hard gate per MLP, and
on the grader every scalar pull (`float(x[i])`, `.item()`) is a round trip to the
flopscope server. A loop whose trip count grows with the width multiplies both.

Detection is syntactic and dataflow-light: a name is width-sized when it was
assigned from an expression that reads `.width` (or another width-sized name),
or when it is a parameter a width-sized argument was passed to (callees in
sibling modules of a folder submission included, see flopcast.check.reach).
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

SCALAR_BUILTINS = frozenset({"float", "int", "complex", "bool"})
SCALAR_METHODS = frozenset({"item", "tolist"})


def _mentions_width(node: Optional[ast.AST], tainted: set[str]) -> bool:
    if node is None:
        return False
    for sub in ast_walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == "width":
            return True
        if isinstance(sub, ast.Name) and sub.id in tainted:
            return True
    return False


def _bind(target: ast.AST, value: Optional[ast.AST], tainted: set[str]) -> None:
    """Mark names bound by `target = value` that receive a width-sized value."""
    if isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                _bind(t, v, tainted)
        elif _mentions_width(value, tainted):
            for t in target.elts:
                _bind(t, value, tainted)
    elif isinstance(target, ast.Name) and _mentions_width(value, tainted):
        tainted.add(target.id)


def width_names(functions: list[Reached]) -> dict[int, set[str]]:
    """Per function (by id of its node), the names that hold width-sized integers.

    A parameter is width-sized when some resolved call passes it a width-sized
    argument, whichever file the callee lives in.
    """
    tainted: dict[int, set[str]] = {id(r.fn): set() for r in functions}
    for _ in range(max(4, len(functions) + 1)):  # until nothing new is tainted
        before = sum(len(s) for s in tainted.values())
        for r in functions:
            names = tainted[id(r.fn)]
            for node in walk_body(r.fn):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        _bind(target, node.value, names)
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                    _bind(node.target, node.value, names)
                elif isinstance(node, ast.NamedExpr):
                    _bind(node.target, node.value, names)
            for call, callee, implicit in r.calls:
                _taint_parameters(call, names, callee.fn, implicit, tainted[id(callee.fn)])
        if sum(len(s) for s in tainted.values()) == before:
            break
    return tainted


def _taint_parameters(call: ast.Call, names: set[str], callee: FunctionNode, implicit: int,
                      into: set[str]) -> None:
    params = [a.arg for a in callee.args.posonlyargs + callee.args.args][implicit:]
    for param, arg in zip(params, call.args):
        if _mentions_width(arg, names):
            into.add(param)
    for kw in call.keywords:
        if kw.arg and _mentions_width(kw.value, names):
            into.add(kw.arg)


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


def _range_over_width(iter_node: ast.AST, names: set[str]) -> bool:
    return (isinstance(iter_node, ast.Call) and isinstance(iter_node.func, ast.Name)
            and iter_node.func.id == "range"
            and any(_mentions_width(a, names) for a in iter_node.args))


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
        tainted = width_names(functions)
        for r in functions:
            names = tainted[id(r.fn)]
            for node in walk_body(r.fn):
                loop_kind = body = None
                if isinstance(node, (ast.For, ast.AsyncFor)) and _range_over_width(node.iter, names):
                    loop_kind, body = "`for` loop over a width-sized range", node.body
                elif isinstance(node, ast.While) and _mentions_width(node.test, names):
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
