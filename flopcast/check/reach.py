"""The functions a method of the estimator reaches, across the submission's files.

Calls are resolved by name, from the source alone (the user's code is never
imported): a method of the same class (`self.m(...)`), a module-level function
(`f(...)`), a function or class imported from a sibling module of a folder
submission (`from helpers import f`, `import helpers as h; h.f(...)`,
`from pkg.mod import f`, re-exports, relative imports inside packages), and
methods of a submission class when the instance's class is known syntactically:
`x = Helper(...)` in the calling function, `self.x = Helper(...)` in any method
of the calling class, or `Helper(...).run(...)`. Instantiating a class reaches
its `__init__`; a method missing from a class is looked up in the bases that
resolve. Anything else (attributes of unknown objects, calls through variables,
third-party code) is out of reach. In file mode only the file itself is read:
whestbench ships nothing else.

Each reached function knows its file, so a finding inside a sibling module
carries that module's display path and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from flopcast.check.astutil import FunctionNode
from flopcast.check.source import SourceFile, Submission
from flopcast.model import Span
from flopcast.syntax import ast_walk, last_names

_MAX_DEPTH = 12  # re-export chains and base-class lookups longer than this are out of reach


@dataclass(eq=False)
class Module:
    name: str
    file: Optional[SourceFile]  # the .py file or the package's __init__.py
    folder: Optional[Path]  # set for packages (namespace packages have no file)


@dataclass(eq=False)
class Klass:
    file: SourceFile
    node: ast.ClassDef


@dataclass(eq=False)
class Instance:
    klass: Klass


@dataclass(eq=False)
class Func:
    file: SourceFile
    node: FunctionNode
    klass: Optional[Klass] = None  # the class it is a method of
    #: Leading parameters a call fills implicitly (1 for `self`/`cls` of a bound call).
    implicit: int = 0


Binding = Union[Module, Klass, Instance, Func]


@dataclass(eq=False)
class Reached:
    """One reached function, where it lives, and the calls it makes that resolve."""

    fn: FunctionNode
    file: SourceFile
    klass: Optional[Klass]
    #: (call, callee, leading callee parameters the call fills implicitly)
    calls: list[tuple[ast.Call, "Reached", int]] = field(default_factory=list)

    def span(self, node: ast.AST) -> Span:
        return self.file.span(node)


def _decorators(fn: FunctionNode) -> set[str]:
    return set(last_names(fn.decorator_list))


def _first_param(fn: FunctionNode) -> Optional[str]:
    params = fn.args.posonlyargs + fn.args.args
    return params[0].arg if params else None


class Project:
    """Name resolution over the files of one submission (folder mode: all of them)."""

    def __init__(self, submission: Submission):
        self.root = submission.entry.path.parent
        self.files = submission.by_resolved()
        self._scopes: dict[int, dict[str, ast.AST]] = {}
        self._attrs: dict[int, dict[str, Klass]] = {}

    # modules ------------------------------------------------------------------

    def module(self, name: str) -> Optional[Module]:
        base = self.root.joinpath(*name.split("."))
        file = self.files.get(base.with_name(base.name + ".py"))
        if file is not None:
            return Module(name, file, None)
        init = self.files.get(base / "__init__.py")
        if init is not None:
            return Module(name, init, base)
        if base.is_dir() and any(p.is_relative_to(base) for p in self.files):
            return Module(name, None, base)
        return None

    def _module_name(self, file: SourceFile) -> Optional[str]:
        try:
            rel = file.path.relative_to(self.root)
        except ValueError:
            return None
        parts = list(rel.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def _from_target(self, file: SourceFile, node: ast.ImportFrom) -> Optional[str]:
        """The absolute module name a `from ... import` names, relative ones included."""
        if node.level == 0:
            return node.module
        own = self._module_name(file)
        if own is None:
            return None
        package = own.split(".") if own else []
        if file.path.name != "__init__.py" and package:
            package = package[:-1]  # a module's package is its parent
        if node.level - 1 > len(package):
            return None
        package = package[:len(package) - (node.level - 1)]
        return ".".join(p for p in [*package, node.module or ""] if p)

    # names -------------------------------------------------------------------

    def _scope(self, file: SourceFile) -> dict[str, ast.AST]:
        """Module-level names of a file: defs, classes and imports (imports anywhere
        in the file count, as helpers often import inside functions)."""
        key = id(file)
        if key in self._scopes:
            return self._scopes[key]
        scope: dict[str, ast.AST] = {}
        for node in ast_walk(file.tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    bound = alias.asname or alias.name.split(".")[0]
                    scope[bound] = node
        for node in file.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope[node.name] = node
        self._scopes[key] = scope
        return scope

    def lookup(self, file: SourceFile, name: str, depth: int = 0) -> Optional[Binding]:
        if depth > _MAX_DEPTH:
            return None
        node = self._scope(file).get(name)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return Func(file, node)
        if isinstance(node, ast.ClassDef):
            return Klass(file, node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name:
                    return self.module(alias.name)
                if alias.asname is None and alias.name.split(".")[0] == name:
                    return self.module(name)  # `import a.b` binds `a`
        if isinstance(node, ast.ImportFrom):
            target = self._from_target(file, node)
            for alias in node.names:
                if (alias.asname or alias.name) != name or target is None:
                    continue
                source = self.module(target) if target else None
                if source is not None:
                    found = self.attribute(source, alias.name, depth + 1)
                    if found is not None:
                        return found
                return self.module(f"{target}.{alias.name}" if target else alias.name)
        return None

    def attribute(self, owner: Binding, name: str, depth: int = 0) -> Optional[Binding]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(owner, Module):
            if owner.file is not None:
                found = self.lookup(owner.file, name, depth + 1)
                if found is not None:
                    return found
            return self.module(f"{owner.name}.{name}") if owner.folder is not None else None
        if isinstance(owner, Klass):
            fn = self.method(owner, name, depth + 1)
            if fn is not None:
                implicit = 1 if "classmethod" in _decorators(fn.node) else 0
                return Func(fn.file, fn.node, fn.klass, implicit)
            return None
        if isinstance(owner, Instance):
            fn = self.method(owner.klass, name, depth + 1)
            if fn is not None:
                implicit = 0 if "staticmethod" in _decorators(fn.node) else 1
                return Func(fn.file, fn.node, fn.klass, implicit)
            klass = self.instance_attributes(owner.klass).get(name)
            return Instance(klass) if klass is not None else None
        return None

    def method(self, klass: Klass, name: str, depth: int = 0) -> Optional[Func]:
        """`name` defined in the class or, failing that, in a base that resolves."""
        if depth > _MAX_DEPTH:
            return None
        for node in klass.node.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return Func(klass.file, node, klass)
        for base in klass.node.bases:
            resolved = self.resolve(klass.file, base, {}, depth=depth + 1)
            if isinstance(resolved, Klass):
                found = self.method(resolved, name, depth + 1)
                if found is not None:
                    return found
        return None

    def instance_attributes(self, klass: Klass) -> dict[str, Klass]:
        """`self.x = Helper(...)` anywhere in the class's methods: x -> Helper."""
        key = id(klass.node)
        if key in self._attrs:
            return self._attrs[key]
        self._attrs[key] = attrs = {}  # set first: a cycle sees it empty
        for node in klass.node.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            me = _first_param(node)
            for sub in ast_walk(node):
                target, value = _assignment(sub)
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == me and isinstance(value, ast.Call)):
                    made = self.resolve(klass.file, value.func, {})
                    if isinstance(made, Klass):
                        attrs[target.attr] = made
        return attrs

    def resolve(self, file: SourceFile, expr: ast.AST, local: dict[str, Binding],
                depth: int = 0) -> Optional[Binding]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            if expr.id in local:
                return local[expr.id]
            return self.lookup(file, expr.id, depth + 1)
        if isinstance(expr, ast.Attribute):
            owner = self.resolve(file, expr.value, local, depth + 1)
            return self.attribute(owner, expr.attr, depth + 1) if owner is not None else None
        if isinstance(expr, ast.Call):  # `Helper(...).run(...)`
            made = self.resolve(file, expr.func, local, depth + 1)
            return Instance(made) if isinstance(made, Klass) else None
        return None

    def callee(self, file: SourceFile, call: ast.Call, local: dict[str, Binding]) -> Optional[Func]:
        target = self.resolve(file, call.func, local)
        if isinstance(target, Func):
            return target
        if isinstance(target, Klass):  # instantiation runs __init__
            init = self.method(target, "__init__")
            if init is not None:
                return Func(init.file, init.node, init.klass, 1)
        return None

    def locals_of(self, func: Func) -> dict[str, Binding]:
        """`self` as an instance of the method's class, and `x = Helper(...)` locals."""
        local: dict[str, Binding] = {}
        if func.klass is not None and "staticmethod" not in _decorators(func.node):
            me = _first_param(func.node)
            for name in {me, "self", "cls"} - {None}:
                local[name] = Instance(func.klass)
        for sub in ast_walk(func.node):
            target, value = _assignment(sub)
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                made = self.resolve(func.file, value.func, local)
                if isinstance(made, Klass):
                    local[target.id] = Instance(made)
        return local


def _assignment(node: ast.AST) -> tuple[Optional[ast.AST], Optional[ast.AST]]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return node.targets[0], node.value
    if isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
        return node.target, node.value
    return None, None


def reachable(submission: Submission, cls: ast.ClassDef, start: str) -> list[Reached]:
    """`cls.start` (cls in the entry file) and every function it calls, transitively,
    across the submission's files; each with the calls that lead on."""
    project = Project(submission)
    first = project.method(Klass(submission.entry, cls), start)
    if first is None:
        return []
    reached: dict[int, Reached] = {}

    def visit(func: Func) -> Reached:
        key = id(func.node)
        if key in reached:
            return reached[key]
        here = reached[key] = Reached(func.node, func.file, func.klass)
        todo.append((here, func))
        return here

    todo: list[tuple[Reached, Func]] = []
    visit(first)
    while todo:
        here, func = todo.pop()
        local = project.locals_of(func)
        for node in ast_walk(func.node):
            if isinstance(node, ast.Call):
                callee = project.callee(func.file, node, local)
                if callee is not None:
                    here.calls.append((node, visit(callee), callee.implicit))
    return list(reached.values())
