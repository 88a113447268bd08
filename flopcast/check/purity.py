"""What the cost-advice rules may move, drop or reuse: pure expressions and who writes what.

Everything here reads syntax only. An expression is *pure* when evaluating it has no
effect but its value and its FLOPs: arithmetic and comparisons, reads of names,
attributes and subscripts, flopscope.numpy functions that neither draw random numbers,
write into an argument nor read the meter, flops.stats functions, and the array methods
listed below. Calls of the user's own functions are never pure here (they could change
anything), and neither are short-circuits, comprehensions and lambdas (what runs depends
on values or is deferred).
"""

from __future__ import annotations

import ast
import weakref
from typing import Iterator, Optional

from flopcast.syntax import ast_children, ast_walk
from flopcast.check.astutil import ImportTable

#: Array methods that only compute a value.
PURE_METHODS = frozenset({
    "astype", "sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "cumsum",
    "cumprod", "reshape", "ravel", "flatten", "transpose", "copy", "dot", "clip", "round",
    "diagonal", "trace", "squeeze", "swapaxes", "any", "all", "conj", "T",
})

#: flopscope.numpy functions that write into their first argument.
MUTATING = frozenset({"fill_diagonal", "put", "put_along_axis", "place", "copyto", "putmask"})

#: Builtins that only compute a value from their arguments.
PURE_BUILTINS = frozenset({"len", "abs", "min", "max", "float", "int", "round", "range", "tuple", "sum"})


def pure_call(call: ast.Call, table: ImportTable) -> bool:
    """A flopscope function, flops.stats function or pure array method (arguments not checked)."""
    if any(kw.arg is None or kw.arg == "out" for kw in call.keywords):
        return False
    qual = table.qualname(call.func)
    if qual is not None:
        if qual.startswith("flopscope.numpy."):
            rest = qual[len("flopscope.numpy."):]
            return not rest.startswith("random") and rest.split(".")[-1] not in MUTATING
        return qual.startswith("flopscope.stats.")
    if isinstance(call.func, ast.Attribute) and call.func.attr in PURE_METHODS:
        return True
    return False


def pure(node: ast.AST, table: ImportTable) -> bool:
    """True when evaluating ``node`` has no effect but its value (and FLOPs)."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, ast.Attribute):
        return pure(node.value, table)
    if isinstance(node, ast.Subscript):
        return pure(node.value, table) and pure(node.slice, table)
    if isinstance(node, ast.Slice):
        return all(pure(p, table) for p in (node.lower, node.upper, node.step) if p is not None)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(pure(e, table) for e in node.elts)
    if isinstance(node, ast.BinOp):
        return pure(node.left, table) and pure(node.right, table)
    if isinstance(node, ast.UnaryOp):
        return pure(node.operand, table)
    if isinstance(node, ast.Compare):
        return pure(node.left, table) and all(pure(c, table) for c in node.comparators)
    if isinstance(node, ast.Call):
        builtin = isinstance(node.func, ast.Name) and node.func.id in PURE_BUILTINS and table.qualname(node.func) is None
        if not (builtin or pure_call(node, table)):
            return False
        receiver = [node.func.value] if isinstance(node.func, ast.Attribute) and table.qualname(node.func) is None else []
        return all(pure(a, table) for a in receiver + node.args + [kw.value for kw in node.keywords])
    return False


def names_read(node: ast.AST) -> set[str]:
    return {n.id for n in ast_walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _store_names(target: ast.AST) -> Iterator[str]:
    for n in ast_walk(target):
        if isinstance(n, ast.Name):
            yield n.id
        elif isinstance(n, ast.Starred) and isinstance(n.value, ast.Name):
            yield n.value.id


#: region -> (the import table it was read with, what ``written`` found): the rules ask again
#: for the same regions at every point of a saving formula's grid.
_WRITTEN: "weakref.WeakKeyDictionary[ast.AST, tuple]" = weakref.WeakKeyDictionary()


def written(region: ast.AST, table: Optional[ImportTable] = None) -> tuple[frozenset[str], frozenset[str], bool]:
    """(names bound, names whose object may be changed, whether user code is called) in ``region``.

    A name "may be changed" when it is the object of an attribute or item assignment, the
    receiver of a method call that is not a pure array method, the first argument of a
    mutating flopscope function, or an argument of a call that is not known pure.
    """
    cached = _WRITTEN.get(region)
    if cached is not None and cached[0] is table:
        return cached[1]
    found = _written(region, table)
    _WRITTEN[region] = (table, found)
    return found


def _written(region: ast.AST, table: Optional[ImportTable]) -> tuple[frozenset[str], frozenset[str], bool]:
    bound: set[str] = set()
    changed: set[str] = set()
    calls_user = False
    for n in ast_walk(region):
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            for t in targets:
                bound.update(_store_names(t) if not isinstance(t, (ast.Attribute, ast.Subscript)) else ())
                base = t
                while isinstance(base, (ast.Attribute, ast.Subscript)):
                    base = base.value
                if isinstance(base, ast.Name) and base is not t:
                    changed.add(base.id)
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            for item in n.items:
                if item.optional_vars is not None:
                    bound.update(_store_names(item.optional_vars))
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            bound.update(n.names)
        elif isinstance(n, ast.Delete):
            for t in n.targets:
                bound.update(_store_names(t))
        elif isinstance(n, ast.Call):
            known_pure = table is not None and pure_call(n, table)
            builtin = isinstance(n.func, ast.Name) and n.func.id in PURE_BUILTINS
            if isinstance(n.func, ast.Attribute) and not known_pure:
                base = n.func.value
                while isinstance(base, (ast.Attribute, ast.Subscript)):
                    base = base.value
                if isinstance(base, ast.Name):
                    changed.add(base.id)
            qual = table.qualname(n.func) if table is not None else None
            if qual and qual.split(".")[-1] in MUTATING and n.args:
                changed.update(passed_objects(n.args[0]))
            if not known_pure and not builtin:
                if qual is None or not qual.startswith("flopscope"):
                    calls_user = True
                for a in list(n.args) + [kw.value for kw in n.keywords]:
                    changed.update(passed_objects(a))
    return frozenset(bound), frozenset(changed), calls_user


def passed_objects(arg: ast.AST) -> set[str]:
    """Names whose object (or a part of it) an argument hands to the callee: `x`, `x.a`,
    `x[0]`, `(x, y)`, `*xs`; a computed argument (`f(x)`, `x + 1`) is a new object."""
    if isinstance(arg, ast.Name):
        return {arg.id}
    if isinstance(arg, (ast.Attribute, ast.Subscript, ast.Starred)):
        return passed_objects(arg.value)
    if isinstance(arg, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(passed_objects(e) for e in arg.elts)) if arg.elts else set()
    return set()


def deferred(node: ast.AST) -> bool:
    """Nodes whose sub-expressions may run zero or many times: short-circuits, conditional
    expressions, comprehensions, lambdas."""
    return isinstance(node, (ast.BoolOp, ast.IfExp, ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp, ast.Lambda))


def evaluated_once(stmt: ast.stmt) -> Iterator[ast.expr]:
    """The expressions of a simple statement evaluated exactly once each time it runs
    (not under a short-circuit, a conditional expression, a comprehension or a lambda)."""
    if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try,
                         ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    stack = [c for c in ast_children(stmt) if isinstance(c, ast.expr)]
    while stack:
        node = stack.pop()
        yield node
        if deferred(node):
            continue
        stack.extend(c for c in ast_children(node) if isinstance(c, ast.expr))


def used_names(tree: ast.AST) -> set[str]:
    """Every name, attribute, argument and def or class name of the file: what a new name avoids."""
    used: set[str] = set()
    for n in ast_walk(tree):
        if isinstance(n, ast.Name):
            used.add(n.id)
        elif isinstance(n, ast.arg):
            used.add(n.arg)
        elif isinstance(n, ast.Attribute):
            used.add(n.attr)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            used.add(n.name)
    return used


def fresh_name(used: set[str], hint: str) -> str:
    """``hint``, or ``hint_2``, ... whichever is not in ``used`` (a file's ``used_names``)."""
    name, k = hint, 2
    while name in used:
        name, k = f"{hint}_{k}", k + 1
    return name
