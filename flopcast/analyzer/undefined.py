"""Names no code of the program can define: reading one raises NameError, as Python does.

A global the interpreter does not find is the program's NameError only when nothing could
have made it: it is no Python builtin and no module dunder; no module of the program loaded so
far binds that name anywhere (an assignment, a ``def``/``class``, an import, a parameter, an
``except ... as``, ``global``, a match capture, or an attribute set by that name on any
object, which may be a module), but as a parameter or assigned name of a function that holds
no other scope and does not declare it global (a local of its own, that no closure reads); the reading module star-imports only modules of the submission
(whose names flopcast binds); and no loaded module reaches namespaces by other ways
(``globals()``, ``vars``, ``exec``, ``setattr``, ``sys``, ``importlib``, ``__dict__``, ...).
Anything less certain stays an unpriced name (a lower bound), never a claimed raise.
"""

from __future__ import annotations

import ast
from flopcast.syntax import ast_walk

import builtins

_BUILTIN_NAMES = frozenset(dir(builtins))
#: Names through which code can define globals without binding them by name.
_DYNAMIC = frozenset({"globals", "vars", "locals", "exec", "eval", "compile", "__import__", "setattr", "delattr",
                      "__dict__", "__builtins__", "builtins", "sys", "importlib", "modules", "runpy", "inspect"})
_SCANS: dict = {}


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp,
           ast.GeneratorExp)


def _plain_locals(tree: ast.Module) -> set:
    """The parameters and names bound by assignment in functions that hold no other scope (no
    nested function, lambda, class or comprehension), less those they declare ``global``: they
    are the function's own locals and can define no global, nor reach another scope as a closure."""
    skipped: set = set()
    for fn in ast_walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inside = [n for n in ast_walk(fn) if n is not fn]
        if any(isinstance(n, _SCOPES) for n in inside):
            continue
        declared = {name for n in inside if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
        for n in inside:
            if isinstance(n, ast.arg) and n.arg not in declared or \
                    isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in declared:
                skipped.add(id(n))
    return skipped


def _scan(tree: ast.Module) -> tuple:
    """(names bound anywhere in the module but as a plain function's own locals, whether it
    reaches namespaces dynamically, its star imports)."""
    hit = _SCANS.get(id(tree))
    if hit is not None and hit[0] is tree:
        return hit[1]
    bound: set = set()
    dynamic = False
    stars = []
    local = _plain_locals(tree)
    for n in ast_walk(tree):
        if id(n) in local:
            continue
        if isinstance(n, ast.Name):
            if not isinstance(n.ctx, ast.Load):
                bound.add(n.id)
            dynamic = dynamic or n.id in _DYNAMIC
        elif isinstance(n, ast.Attribute):
            if not isinstance(n.ctx, ast.Load):
                bound.add(n.attr)
            dynamic = dynamic or n.attr in _DYNAMIC
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            for alias in n.names:
                if alias.name == "*":
                    stars.append((n.module, n.level))
                else:
                    bound.add(alias.asname or alias.name.split(".")[0])
                    dynamic = dynamic or alias.name.split(".")[0] in _DYNAMIC
            if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] in _DYNAMIC:
                dynamic = True
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            bound.update(n.names)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            bound.add(n.rest)
    found = (frozenset(bound), dynamic, tuple(stars))
    if len(_SCANS) > 256:
        _SCANS.clear()
    _SCANS[id(tree)] = (tree, found)
    return found


def never_defined(program, module, name: str) -> bool:
    """Whether reading the global ``name`` in ``module`` raises NameError whatever ran before."""
    if name in _BUILTIN_NAMES or name.startswith("__") and name.endswith("__"):
        return False
    loaded = {id(m): m for m in [program.main, *program.modules.values()]}
    for m in loaded.values():
        bound, dynamic, stars = _scan(m.tree)
        if name in bound or dynamic:
            return False
        if m is module and any(level or mod not in program.modules for mod, level in stars):
            return False
    return module is not None and id(module) in loaded
