"""Small questions about `ast` nodes that the analyzer and the lint both ask."""

from __future__ import annotations

import ast
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
