"""Small questions about `ast` nodes that the analyzer and the lint both ask."""

from __future__ import annotations

import ast
from ast import AST
from typing import Iterable, Optional


#: Calls that read a frame's variables by name: no `Name` node shows which ones they read.
INTROSPECTION = frozenset({"locals", "vars", "globals", "eval", "exec", "dir"})


def calls_introspection(nodes: Iterable[ast.AST]) -> bool:
    """Whether any of ``nodes`` calls one of INTROSPECTION by its plain name."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in INTROSPECTION
               for n in nodes)


def last_name(node: ast.AST) -> Optional[str]:
    """`Base` for `Base` and for `module.Base`; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def last_names(nodes: Iterable[ast.AST]) -> list[str]:
    return [name for name in map(last_name, nodes) if name is not None]


def dotted(node: ast.AST) -> Optional[str]:
    """The source spelling of a Name/Attribute chain, e.g. 'self.rng.normal'."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


#: the nodes that open a scope of their own: what a function's statements define, not what they run
DEF_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(stmts: list):
    """The nodes of ``stmts``, not those of the functions, lambdas and classes they define."""
    todo = list(stmts)
    while todo:
        n = todo.pop()
        yield n
        todo.extend(c for c in ast.iter_child_nodes(n) if c.__class__ not in DEF_SCOPES)


def ast_walk(node: ast.AST) -> list:
    """``ast.walk(node)`` as a list, in the same (breadth-first) order, made without its nested
    generators (ast.walk → iter_child_nodes → iter_fields, a resumption per field): about 2.3×
    faster. Per-program facts (write_only, lasting, the lint's rules) walk whole trees, once
    per program and rewrite, which was a twentieth of a whole `flopcast analyze`."""
    out = [node]
    append = out.append
    i = 0
    while i < len(out):
        n = out[i]
        i += 1
        for name in n._fields:
            value = getattr(n, name, None)
            if isinstance(value, AST):
                append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        append(item)
    return out


def ast_children(node: ast.AST) -> list:
    """``ast.iter_child_nodes(node)`` as a list (the same nodes in the same order)."""
    out = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend([item for item in value if isinstance(item, AST)])
    return out


#: (source, line, column) -> the lambda's node: one node per place, so a lambda made at each
#: execution of a statement (a getter in a loop) is the same function to the canonical state.
_LAMBDAS: dict = {}


def is_generated(node: ast.AST) -> bool:
    """Whether ``node`` is code the analyzer wrote (``lambda_at``), not the program's: its charges
    are filed at the call into it, in the caller's function (Interpreter)."""
    return node.__dict__.get("_flopcast_generated", False)


def lambda_at(source: str, node: ast.AST) -> ast.Lambda:
    """The lambda ``source`` parses to, every node of it placed at ``node`` (a finding inside it
    names the call or decorator that made it): the analyzer's stand-in for code Python generates
    (``operator.itemgetter``, ``functools.total_ordering``, a dataclass's order methods)."""
    key = (source, node.lineno, node.col_offset)
    lam = _LAMBDAS.get(key)
    if lam is None:
        lam = _LAMBDAS[key] = ast.parse(source, mode="eval").body
        for n in ast.walk(lam):
            n.lineno, n.col_offset = node.lineno, node.col_offset
            n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        lam._flopcast_generated = True  # (is_generated)
    return lam


#: (id of a function's node, a name) -> whether the function reads the name only as the whole
#: test of its own `if` statements (``read_only_as_if_test``). The trees live as long as the program.
_IF_TESTED: dict = {}


def tested_name(test: ast.expr) -> tuple[Optional[ast.Name], bool]:
    """The local a test reads whole, `flag` of `flag` or `not flag`, and whether it is negated."""
    negated = test.__class__ is ast.UnaryOp and test.op.__class__ is ast.Not
    name = test.operand if negated else test
    return (name if name.__class__ is ast.Name else None), negated


def read_only_as_if_test(function: ast.AST, name: str) -> bool:
    """Whether every read of ``name`` in ``function`` is the whole test of an `if` statement of
    its own body (`if name:` or `if not name:`), none in a nested function, class or
    comprehension: then what the name holds reaches the rest of the function only through
    which block those statements run."""
    key = (id(function), name)
    found = _IF_TESTED.get(key)
    if found is None:
        tests = set()
        for node in _own_scope(function):
            if node.__class__ is ast.If:
                test = tested_name(node.test)[0]
                if test is not None and test.id == name:
                    tests.add(id(test))
        found = _IF_TESTED[key] = all(
            id(node) in tests for node in ast_walk(function)
            if node.__class__ is ast.Name and node.id == name and node.ctx.__class__ is not ast.Store)
    return found


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


def _own_scope(function: ast.AST) -> list:
    """The nodes of ``function``'s body outside its nested scopes."""
    out, stack = [], list(ast_children(function))
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, _SCOPES):
            stack.extend(ast_children(node))
    return out
