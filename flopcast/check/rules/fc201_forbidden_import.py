"""FC201: an import the grader cannot satisfy or the allowed-code rules prohibit.

A submission may use the grader's interpreter, the flopscope client API, the
whestbench API and the pure-Python standard library. Everything else is either
missing on the grader (ModuleNotFoundError) or prohibited outright, and some
prohibited modules are in the standard library.
"""

from __future__ import annotations

import ast
import sys
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule

_NUMERIC = "the grader has no {0} (ModuleNotFoundError) and compute outside flopscope is prohibited; use flopscope.numpy"
_CONCURRENCY = "threads, processes and async runtimes are prohibited by the allowed-code rules, although {0} is in the standard library"
_FFI = "foreign-function interfaces are prohibited by the allowed-code rules"

#: Top-level module -> why it is refused (checked before the stdlib allowance).
FORBIDDEN: dict[str, str] = {
    "numpy": _NUMERIC, "scipy": _NUMERIC, "torch": _NUMERIC, "jax": _NUMERIC,
    "jaxlib": _NUMERIC, "numba": _NUMERIC, "cupy": _NUMERIC, "tensorflow": _NUMERIC,
    "ctypes": _FFI, "cffi": _FFI, "_ctypes": _FFI,
    "threading": _CONCURRENCY, "_thread": _CONCURRENCY, "asyncio": _CONCURRENCY,
    "subprocess": _CONCURRENCY, "multiprocessing": _CONCURRENCY,
    "concurrent": _CONCURRENCY, "_posixsubprocess": _CONCURRENCY,
}

ALLOWED_PACKAGES = frozenset({"flopscope", "whestbench", "__future__"})

DYNAMIC_IMPORTERS = ("importlib.import_module", "__import__")


def imported_modules(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """(node, module name) for every import, including literal dynamic imports."""
    for node in ast_walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield node, node.module
        elif isinstance(node, ast.Call) and node.args:
            name = _dynamic_target(node)
            if name:
                yield node, name


def _dynamic_target(call: ast.Call) -> Optional[str]:
    func = call.func
    spelled = (func.id if isinstance(func, ast.Name)
               else f"{getattr(func.value, 'id', '')}.{func.attr}" if isinstance(func, ast.Attribute)
               else "")
    if spelled in DYNAMIC_IMPORTERS:
        arg = call.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


class ForbiddenImport(Rule):
    code = "FC201"
    name = "forbidden-import"
    level = Level.ERROR
    summary = "import of a module other than flopscope, whestbench, the standard library or a sibling file"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        stdlib = sys.stdlib_module_names
        local = ctx.submission.local_modules
        for file in ctx.submission.files:
            for node, module in imported_modules(file.tree):
                top = module.split(".")[0]
                if top in FORBIDDEN:
                    reason = FORBIDDEN[top].format(top)
                    yield self.finding(file.span(node), f"`{module}` must not be imported: {reason}")
                elif top in ALLOWED_PACKAGES or top in stdlib or top in local:
                    continue
                else:
                    yield self.finding(
                        file.span(node),
                        f"`{module}` is a third-party module: the grader installs only flopscope, "
                        "whestbench and the standard library; remove the import, or ship pure-Python "
                        "code as a .py file in the submission folder",
                    )
