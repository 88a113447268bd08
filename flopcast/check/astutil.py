"""Small syntactic helpers the source rules share: import aliases, dotted names
and the estimator class (the functions a method reaches, across files, are in
flopcast.check.reach).

All of it is name-based: flopcast never imports the user's code, so ``fnp`` is
flopscope.numpy only because an import statement in the same module says so.
"""

from __future__ import annotations

import ast
from flopcast.syntax import ast_children, ast_walk, dotted

from dataclasses import dataclass, field
from typing import Iterator, Optional, Union

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass
class ImportTable:
    """Local name -> the fully qualified module or object it was imported as."""

    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, tree: ast.Module) -> "ImportTable":
        table = cls()
        for node in ast_walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        table.names[alias.asname] = alias.name
                    else:
                        # `import a.b` binds `a`
                        head = alias.name.split(".")[0]
                        table.names[head] = head
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    if alias.name != "*":
                        table.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return table

    def qualname(self, node: ast.AST) -> Optional[str]:
        """`fnp.linalg.inv` -> 'flopscope.numpy.linalg.inv' when `fnp` was imported."""
        spelled = dotted(node)
        if spelled is None:
            return None
        first, _, rest = spelled.partition(".")
        head = self.names.get(first)
        if head is None:
            return None
        return f"{head}.{rest}" if rest else head


def is_flopscope(qualname: Optional[str]) -> bool:
    return qualname is not None and (qualname == "flopscope" or qualname.startswith("flopscope."))


def fnp_op(qualname: Optional[str]) -> Optional[str]:
    """'flopscope.numpy.linalg.inv' -> 'linalg.inv'; None for anything else."""
    prefix = "flopscope.numpy."
    if qualname and qualname.startswith(prefix):
        return qualname[len(prefix):]
    return None


def estimator_class(tree: ast.Module, preferred: Optional[str] = None) -> Optional[ast.ClassDef]:
    """The class whestbench would load: the named one, else `Estimator`, else a
    BaseEstimator subclass, else the first class with a `predict` method."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    if preferred:
        for c in classes:
            if c.name == preferred:
                return c
    for c in classes:
        if c.name == "Estimator":
            return c
    for c in classes:
        if any((dotted(b) or "").split(".")[-1] == "BaseEstimator" for b in c.bases):
            return c
    for c in classes:
        if method(c, "predict") is not None:
            return c
    return None


def method(cls: ast.ClassDef, name: str) -> Optional[FunctionNode]:
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    return None


def walk_body(fn: FunctionNode) -> Iterator[ast.AST]:
    """Every node of a function body, without descending into nested defs/classes
    (those are analysed when they are called)."""
    stack: list[ast.AST] = list(reversed(fn.body))
    while stack:
        node = stack.pop()
        yield node
        for child in reversed(list(ast_children(node))):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            stack.append(child)
