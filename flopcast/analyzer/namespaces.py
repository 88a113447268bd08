"""``globals()``: the module's own namespace, as a dict the program reads and writes.

The dict is the interpreter's environment of the module (``module_envs``), shared: a write
through it (``globals()["MODE"] = "mc"``) is the module-level assignment it is in Python, and a
name the module binds later is in it (a hacker's dispatch ``globals()["_" + key](mlp)``, a
``globals().get("DEBUG", False)``). Python puts the import system's names in it before the
body runs; they are added, first and in Python's order, when the program first asks for the
dict (the loader's objects are not modelled: unknown values), so its keys, their order and its
length are the run's (``__annotations__`` too, where the body annotates a name). ``__doc__`` is
the module's docstring as Python stores it.
"""

from __future__ import annotations

import ast

from flopcast.analyzer.values import DictVal, Known, Unknown, Value

#: the names the import system sets before a module's body runs, in the order they are set (a
#: package's ``__path__`` only where the environment has one)
_IMPORT_NAMES = ("__name__", "__doc__", "__package__", "__loader__", "__spec__", "__path__", "__file__",
                 "__cached__", "__builtins__")


def namespace(interp, module) -> DictVal:
    """The dict ``globals()`` returns in ``module``'s code: one object per module (``globals() is
    globals()``), a fresh one after a failed import made the module's environment anew."""
    env = interp.module_env(module)
    made = interp.namespaces.get(module.key)
    if made is not None and made.items is env:
        return made
    first: dict[str, Value] = {}
    for name in _IMPORT_NAMES:
        if name in env:
            first[name] = env[name]
        elif name == "__path__":
            continue
        elif name == "__doc__":
            first[name] = Known(_docstring(module.tree))
        else:
            first[name] = Unknown("", None, f"the module's {name} (set by the import system, not modelled)")
    if "__annotations__" not in env and _annotates(module.tree.body):
        # (CPython makes the dict before the body runs when the body annotates a name)
        first["__annotations__"] = Unknown("", None, "the module's __annotations__ (not modelled)")
    rest = [(k, v) for k, v in env.items() if k not in first]
    env.clear()  # (the same dict: frames and imports hold it)
    env.update(first)
    env.update(rest)
    made = interp.namespaces[module.key] = DictVal(env)
    return made


def _annotates(body: list) -> bool:
    """Whether a module body holds an annotated assignment outside functions and classes
    (CPython's ``find_ann``: into the blocks of ``if``/``for``/``while``/``with``/``try``/``match``)."""
    for stmt in body:
        if isinstance(stmt, ast.AnnAssign):
            return True
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        blocks = [getattr(stmt, name, []) for name in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(stmt, "handlers", [])] + [c.body for c in getattr(stmt, "cases", [])]
        if any(_annotates(block) for block in blocks if isinstance(block, list)):
            return True
    return False


def _docstring(tree: ast.Module):
    """The module's ``__doc__``: its first statement's string constant, unchanged, or None."""
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[0].value.value
    return None
