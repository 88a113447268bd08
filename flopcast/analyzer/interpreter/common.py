"""Small helpers several parts of the interpreter share: source text of a node, annotations,
builtins by name.
"""

from __future__ import annotations

import ast
import builtins
import math
import sys
import weakref
from typing import Callable, Optional

from flopcast import installed
from flopcast.analyzer import dtypes, dunders
from flopcast.analyzer.values import DTypeRef, Known, LibRef, TEXT_BUILTINS, Value
from flopcast.syntax import ast_children


_DTYPE_NAMES = {
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "bool_", "complex64", "complex128", "double", "single", "half", "intp",
}


_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan, "newaxis": None, "euler_gamma": 0.5772156649015329}


def lib_attr(ref: LibRef, name: str) -> Value:
    path = ref.path
    if path in ("flopscope", "flopscope.numpy", "rawnumpy") and name in _DTYPE_NAMES | {"bool"}:
        return DTypeRef(dtypes.normalize(name.rstrip("_") if name == "bool_" else name))
    if path in ("flopscope.numpy", "rawnumpy") and name in _CONSTANTS:
        return Known(_CONSTANTS[name])
    if path == "flopscope" and name == "numpy":
        return LibRef("flopscope.numpy")
    if path == "py:math" or path.startswith("py:"):
        from flopcast.analyzer.builtins import stdlib_attr

        return stdlib_attr(path[3:], name)
    if path == "flopscope" and name in ("einsum", "as_symmetric", "stats", "current_budget", "budget_live",
                                        "configure", "accounting", "SymmetricTensor", "FlopscopeArray"):
        return LibRef(f"flopscope.{name}")
    if path == "whestbench" or path.startswith("whestbench."):
        return LibRef(f"{path}.{name}")
    if path == "rawnumpy" and name in ("random", "linalg"):
        return LibRef(f"rawnumpy.{name}")
    return LibRef(f"{path}.{name}")


_MISSING = object()


def _eager_annotations(tree: ast.Module) -> bool:
    """Whether a module's annotations are evaluated where they are written (Python before 3.14,
    without `from __future__ import annotations`)."""
    found = _EAGER.get(tree)
    if found is None:
        found = _EAGER[tree] = sys.version_info < (3, 14) and not any(
            isinstance(s, ast.ImportFrom) and s.module == "__future__" and any(a.name == "annotations" for a in s.names)
            for s in tree.body)
    return found


_EAGER: "weakref.WeakKeyDictionary[ast.Module, bool]" = weakref.WeakKeyDictionary()


def _clause_fails(handlers: list, lookup: Callable[[str], Optional[Value]],
                  never_defined: Callable[[str], bool]) -> bool:
    """Whether one of these except clauses raises when Python evaluates it: it names an exception
    class that flopscope's module does not provide (``fnp.linalg.LinAlgError``: AttributeError),
    or a name ``never_defined`` (NameError). The module is found without evaluating anything: a
    name ``lookup`` binds to a library module, and its attributes."""
    for handler in handlers:
        types = () if handler.type is None else \
            handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            if isinstance(t, ast.Name) and never_defined(t.id):
                return True
            if isinstance(t, ast.Attribute) and _lacks_exception(_library_module(t.value, lookup), t.attr):
                return True
    return False


def _lacks_exception(owner: Optional[Value], name: str) -> bool:
    """Whether ``owner`` is a flopscope module that provides no exception class ``name``, so that
    Python's evaluation of ``owner.name`` in an except clause raises AttributeError."""
    if not isinstance(owner, LibRef):
        return False
    provided = installed.op_inventory().exceptions.get(owner.path)
    return provided is not None and name not in provided


def _library_module(node: ast.expr, lookup: Callable[[str], Optional[Value]]) -> Optional[LibRef]:
    """The library object a chain of names reaches (``fnp.linalg``), or None."""
    if isinstance(node, ast.Attribute):
        owner = _library_module(node.value, lookup)
        value = None if owner is None else lib_attr(owner, node.attr)
    elif isinstance(node, ast.Name):
        value = lookup(node.id)
    else:
        return None
    return value if isinstance(value, LibRef) else None


def _has_yield(stmts: list) -> bool:
    stack = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast_children(n))
    return False


_SOURCES: "weakref.WeakKeyDictionary[ast.AST, str]" = weakref.WeakKeyDictionary()


def _source(node: ast.AST) -> str:
    """``ast.unparse(node)``, once per node: a site's text is built at each consultation, a raise's at each
    execution (a ladder of solvers that raise is most of a path's unparsing otherwise)."""
    text = _SOURCES.get(node)
    if text is None:
        text = _SOURCES[node] = ast.unparse(node)
    return text


_BUILTINS = {
    "range", "len", "min", "max", "abs", "int", "float", "bool", "str", "round", "sum", "enumerate", "zip",
    "list", "tuple", "dict", "set", "sorted", "reversed", "isinstance", "issubclass", "hasattr", "getattr", "setattr", "print",
    "super", "any", "all", "divmod", "pow", "staticmethod", "classmethod", "property", "map", "filter", "iter",
    "next", "type", "object", "Exception", "ValueError", "RuntimeError", "TypeError", "KeyError", "IndexError",
    "ArithmeticError", "ZeroDivisionError", "FloatingPointError", "OverflowError", "NotImplementedError",
    "AssertionError", "StopIteration", "callable", "frozenset", "id", "hash", "repr", "format", "NotImplemented",
    "LookupError", "AttributeError", "compile", "exec", "complex", "vars", "slice", "open", "globals", *TEXT_BUILTINS,
} | {name for name in dir(builtins) if dunders.is_builtin_exception(name)}  # (NameError, MemoryError, Warning, ...)
