"""Names no code of the program can define: reading one raises NameError, as Python does.

A global the interpreter does not find is the program's NameError only when nothing could
have made it: it is no Python builtin and no module dunder; no module of the program loaded so
far sets an attribute by that name on any object (which may be the reading module); the reading
module binds it nowhere (an assignment, a ``def``/``class``, an import, a parameter, an
``except ... as``, ``global``, a match capture), but as a parameter or assigned name of a
function that holds no other scope and does not declare it global (a local of its own, that no
closure reads); no other loaded module binds it where a star import could hand it on (a name
its literal ``__all__`` lists, or any name not starting with ``_`` where it has no ``__all__``,
any name at all where ``__all__`` is built otherwise): what another module binds is that
module's global, and reaches the reading one only by an import the reading module makes (its own
binding), a star import, or an attribute set on it; the reading module star-imports only modules
of the submission (whose names flopcast binds); and no loaded module reaches namespaces by other
ways (``globals()``, ``vars``, ``exec``, ``setattr``, ``sys``, ``importlib``, ``__dict__``,
``__globals__``, ...).
Anything less certain stays an unpriced name (a lower bound), never a claimed raise.
"""

from __future__ import annotations

import ast
from flopcast.syntax import ast_walk

import builtins

_BUILTIN_NAMES = frozenset(dir(builtins))
#: Names through which code can define globals without binding them by name.
_DYNAMIC = frozenset({"globals", "vars", "locals", "exec", "eval", "compile", "__import__", "setattr", "delattr",
                      "__dict__", "__globals__", "__builtins__", "builtins", "sys", "importlib", "modules", "runpy", "inspect"})
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


_NAMING_FIELDS = ("id", "attr", "name", "asname", "arg", "value", "rest")


def _star_exports(tree: ast.Module):
    """The names ``from module import *`` may bind: the literal ``__all__`` assigned once at the
    top of the module and mentioned nowhere else; ``None`` (any name) when ``__all__`` is built
    otherwise; "public" (names not starting with ``_``) when there is none."""
    # any node naming it (a store, an import, a `def`, `except ... as`, a string for getattr)
    mentions = [n for n in ast_walk(tree) if any(getattr(n, f, None) == "__all__" for f in _NAMING_FIELDS)]
    if not mentions:
        return "public"
    literal = [s.value for s in tree.body if isinstance(s, ast.Assign) and len(s.targets) == 1
               and isinstance(s.targets[0], ast.Name) and s.targets[0].id == "__all__"
               and isinstance(s.value, (ast.List, ast.Tuple))
               and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in s.value.elts)]
    if len(mentions) == 1 and len(literal) == 1:
        return frozenset(e.value for e in literal[0].elts)
    return None


def _exports(exports, name: str) -> bool:
    return exports is None or (not name.startswith("_") if exports == "public" else name in exports)


def _scan(tree: ast.Module) -> tuple:
    """(names bound anywhere in the module but as a plain function's own locals, names set as
    attributes, whether it reaches namespaces dynamically, its star imports, what a star import
    of it may bind, whether it reaches a module's ``__all__`` as an attribute)."""
    hit = _SCANS.get(id(tree))
    if hit is not None and hit[0] is tree:
        return hit[1]
    bound: set = set()
    attrs: set = set()
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
                attrs.add(n.attr)
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
    # `other.__all__` read or set here may change what a star import of another module binds
    reaches_all = any(isinstance(n, ast.Attribute) and n.attr == "__all__" for n in ast_walk(tree))
    found = (frozenset(bound), frozenset(attrs), dynamic, tuple(stars), _star_exports(tree), reaches_all)
    if len(_SCANS) > 256:
        _SCANS.clear()
    _SCANS[id(tree)] = (tree, found)
    return found


def never_defined(program, module, name: str) -> bool:
    """Whether reading the global ``name`` in ``module`` raises NameError whatever ran before."""
    if name in _BUILTIN_NAMES or name.startswith("__") and name.endswith("__"):
        return False
    loaded = {id(m): m for m in [program.main, *program.modules.values()]}
    scans = {key: _scan(m.tree) for key, m in loaded.items()}
    any_all = any(scan[5] for scan in scans.values())
    for key, m in loaded.items():
        bound, attrs, dynamic, stars, exports, _ = scans[key]
        if dynamic or name in attrs or name in bound and (m is module or any_all or _exports(exports, name)):
            return False
        if m is module and any(level or mod not in program.modules for mod, level in stars):
            return False
    return module is not None and id(module) in loaded
