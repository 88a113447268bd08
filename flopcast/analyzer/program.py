"""The submission as a program: its modules, its estimator class and its call graph.

A submission is ``estimator.py`` plus the sibling modules it imports from its folder
(whestbench's folder mode). The estimator class is chosen as whestbench's loader
chooses it: a class named ``Estimator`` wins, otherwise the only ``BaseEstimator``
subclass defined in the module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from flopcast.analyzer.source import Directive, read_source
from flopcast.model import FunctionInfo, Span
from flopcast.syntax import last_names


@dataclass
class Module:
    name: str
    path: str
    tree: ast.Module
    directives: dict[int, Directive]
    text: str
    #: What tells this module object from another of the same file (its globals, the code keys
    #: of the caches): the path, but for the entry file imported again by its own name (see
    #: Program.find_module), a second module object with globals of its own.
    twin_of: str = ""

    @property
    def key(self) -> str:
        return f"{self.path}\0{self.name}" if self.twin_of else self.path


class ProgramError(Exception):
    """The submission has no usable estimator; the message says what to do."""


@dataclass
class Program:
    root: Path
    main: Module
    modules: dict[str, Module] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # absolute path -> unsaved text
    #: Dotted names found to be no module of the folder (``import math``): every run of the
    #: program imports them again, and resolving the candidate paths is a tenth of a small run.
    absent: set[str] = field(default_factory=set, repr=False, compare=False)
    _peeked: dict[str, Module] = field(default_factory=dict, repr=False, compare=False)
    #: the entry file's second module object, made by `import <entry stem>` (find_module)
    _twin: Optional[Module] = field(default=None, repr=False, compare=False)
    #: write_only.attributes(self), made once
    write_only: Optional[dict] = field(default=None, repr=False, compare=False)
    #: may_carry.may_carry_state(self), made once
    may_carry: Optional[bool] = field(default=None, repr=False, compare=False)
    #: write_only.by_name(self), made once
    write_only_by_name: Optional[dict] = field(default=None, repr=False, compare=False)
    #: write_only.unread(self), made once
    unread: Optional[frozenset] = field(default=None, repr=False, compare=False)
    #: write_only.keyless_dicts(self), made once
    keyless_dicts: Optional[frozenset] = field(default=None, repr=False, compare=False)
    #: what those two tables read of the trees, in a 1-tuple: (write_only._Walked or None,)
    write_only_walk: Optional[tuple] = field(default=None, repr=False, compare=False)
    #: The calls kept across the analyses of one command that analyses this program and rewrites
    #: of it (lasting.LastingCalls, set by api.Session); None: not kept.
    lasting: Optional[object] = field(default=None, repr=False, compare=False)
    #: futile.Futility of this program's analyses when no lasting calls are kept (futile.futility)
    futility: Optional[object] = field(default=None, repr=False, compare=False)
    #: carried.FirstCallHint: where the numbers and logs a first call of predict changed sat, as an
    #: earlier run found them (the first call of a later run is watched on them); None: none found
    first_call_hint: Optional[object] = field(default=None, repr=False, compare=False)
    #: how many first calls watched on it proved the later calls alike, and how many did not
    first_call_tries: list = field(default_factory=lambda: [0, 0], repr=False, compare=False)
    #: the node of each lru_cached function a run called, by its identity (the first element of
    #: an interpreter's table keys: pure_cache.stands_in reads its body)
    cached_nodes: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def main_span(self) -> Span:
        return Span(self.main.path, 1, 0, 1, 0)

    def loaded_trees(self) -> list[ast.Module]:
        """The syntax trees of every module read so far (the entry file, those imported, those peeked)."""
        trees = {id(m.tree): m.tree for m in (self.main, *self.modules.values(), *self._peeked.values())}
        return list(trees.values())

    def find_module(self, dotted: str) -> Optional[Module]:
        """A module of the submission folder for ``import dotted`` (never outside the folder)."""
        if not dotted:
            return None
        if dotted == self.main.name:
            # whestbench loads estimator.py as `_whestbench_submission_<hash>`, so a module of the
            # folder that runs `import estimator` gets a second module object of the same file:
            # its body runs again and its globals (a memo dict, a counter) are not the ones the
            # estimator's own code reads and writes. The same source, keyed apart (Module.key).
            # (Kept apart from `modules`, whose values are the files, each once.)
            if self._twin is None:
                main = self.main
                self._twin = Module(dotted, main.path, main.tree, main.directives, main.text, twin_of=main.path)
            return self._twin
        if dotted in self.modules:
            return self.modules[dotted]
        module = self.peek_module(dotted)
        if module is not None:
            self.modules[dotted] = module
        return module

    def peek_module(self, dotted: str) -> Optional[Module]:
        """The module ``find_module`` would load, read but not loaded: what static passes over
        every module the program may import see (loading is the interpreter's, at the import)."""
        if not dotted or dotted in self.absent:
            return None
        if dotted in self.modules:
            return self.modules[dotted]
        if dotted in self._peeked:
            return self._peeked[dotted]
        rel = Path(*dotted.split("."))
        for candidate in (self.root / rel.with_suffix(".py"), self.root / rel / "__init__.py"):
            try:
                resolved = candidate.resolve()
                resolved.relative_to(self.root)
            except (OSError, ValueError):
                continue
            if resolved.is_file() or str(resolved) in self.overrides:
                source = read_source(resolved, self.overrides.get(str(resolved)))
                module = self._peeked[dotted] = Module(dotted, source.path, source.tree, source.directives, source.text)
                return module
        self.absent.add(dotted)
        return None


def absolute_import(module: Module, level: int, name: Optional[str]) -> Optional[str]:
    """The absolute dotted name ``from <level dots><name> import ...`` in ``module`` names, as
    Python resolves it against the module's package (``kit/__init__.py`` is package ``kit``,
    ``kit/stages.py`` is in package ``kit``); None when the module is in no package (the
    entry file and top-level siblings: Python refuses the import) or the dots climb past the
    top package."""
    if not level:
        return name or ""
    parts = module.name.split(".")
    if Path(module.path).name != "__init__.py":
        parts = parts[:-1]
    if not parts or level - 1 >= len(parts):
        return None
    parts = parts[:len(parts) - (level - 1)]
    return ".".join([*parts, name] if name else parts)


def load_program(path: Path, source: Optional[str] = None,
                 sources: Optional[Mapping[str, str]] = None) -> Program:
    """Read ``path`` (a file, or a folder holding estimator.py) into a Program; ``source`` and
    ``sources`` stand in for the text on disk of the entry file and of other files."""
    path = Path(path)
    if path.is_dir():
        entry = path / "estimator.py"
        if not entry.exists():
            raise ProgramError(f"{path}: no estimator.py in this folder; pass the estimator file itself")
    else:
        entry = path
    if not entry.exists() and source is None:
        raise FileNotFoundError(f"{entry}: no such file")
    root = entry.resolve().parent
    text = read_source(entry, source)
    main = Module(entry.stem, text.path, text.tree, text.directives, text.text)
    overrides = {str(Path(p).resolve()): t for p, t in (sources or {}).items()}
    if source is not None:
        overrides[text.path] = text.text
    program = Program(root=root, main=main, overrides=overrides)
    program.modules[entry.stem] = main
    return program


def _base_names(node: ast.ClassDef) -> list[str]:
    return last_names(node.bases)


def estimator_class(program: Program, class_name: Optional[str] = None) -> str:
    """The class whestbench would instantiate, decided from the source alone."""
    classes = {n.name: n for n in program.main.tree.body if isinstance(n, ast.ClassDef)}
    imported_bases = _imported_estimator_bases(program)

    def is_estimator(name: str, seen=()) -> bool:
        if name in ("BaseEstimator",) or name in imported_bases:
            return True
        node = classes.get(name)
        if node is None or name in seen:
            return False
        return any(is_estimator(b, seen + (name,)) for b in _base_names(node))

    candidates = [n for n in classes if any(is_estimator(b) for b in _base_names(classes[n]))]
    if class_name is not None:
        # Like whestbench's loader, an explicit name may also be a class the file imports.
        imported = {alias.asname or alias.name for node in program.main.tree.body
                    if isinstance(node, ast.ImportFrom) for alias in node.names}
        if class_name not in classes and class_name not in imported:
            raise ProgramError(f"{program.main.path}: no class {class_name!r} is defined or imported in this file")
        return class_name
    if "Estimator" in candidates or ("Estimator" in classes and not candidates):
        return "Estimator"
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ProgramError(
            f"{program.main.path}: no BaseEstimator subclass is defined in this file; "
            "define `class Estimator(BaseEstimator)` with a predict(mlp, budget) method"
        )
    raise ProgramError(
        f"{program.main.path}: ambiguous estimator classes {', '.join(candidates)}; "
        "name one `Estimator` or pass --class"
    )


def _imported_estimator_bases(program: Program) -> set[str]:
    """Names imported from sibling modules that are themselves estimator classes."""
    names: set[str] = set()
    for node in program.main.tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.module.startswith(("whestbench", "flopscope")):
            module = program.find_module(node.module)
            if module is None:
                continue
            sub_classes = {n.name: n for n in module.tree.body if isinstance(n, ast.ClassDef)}
            for alias in node.names:
                cls = sub_classes.get(alias.name)
                if cls is not None and _base_names(cls):
                    names.add(alias.asname or alias.name)
    return names


def function_table(module: Module) -> list[FunctionInfo]:
    """Every def in a module with its qualname and the span of its ``def`` line."""
    out: list[FunctionInfo] = []

    def visit(body, prefix: str, in_function: bool) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = f"{prefix}{node.name}"
                line = node.lineno
                col = node.col_offset
                out.append(FunctionInfo(qual, Span(module.path, line, col, node.end_lineno or line, node.end_col_offset or 0)))
                visit(node.body, f"{qual}.<locals>.", True)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.", in_function)

    visit(module.tree.body, "", False)
    return out


def call_graph(functions: list[FunctionInfo], calls) -> "networkx.DiGraph":  # noqa: F821
    """The call graph among user functions, rooted at whestbench's call of predict.

    Nodes are every def of the submission (so unreached ones show up); edges are the
    calls the interpreter made, weighted by how many times.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_node(ROOT_CALLER)
    for info in functions:
        graph.add_node(info.qualname, span=info.span)
    for (caller, callee), count in calls.items():
        graph.add_edge(caller, callee, calls=count)
    return graph


#: The caller of predict (and of setup) in the call graph.
ROOT_CALLER = "<whestbench>"
