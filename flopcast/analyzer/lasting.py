"""Calls kept across the analyses of one command: the savings of `analyze` and `check` analyse
each fix's rewrite of the submission at the point and at a dozen small points, and most calls
of a rewrite are calls the other rewrites made too.

A call of a user function recorded by one analysis (repeats.SharedCalls: it left the state as
it found it and wrote nothing of the path's records) is reused by another analysis — of the
same text or of a rewrite, at the same point or another — when the call can tell no difference:

* the code that can run is the same text at the same place. What can run is the function, the
  functions and classes its state holds (its arguments, defaults, closure, the module globals its
  code names, what they reach: an instance's class with every method, a class's bases and
  attributes) and, again, what their code names, to a fixed point; each is named by its file,
  qualified name, position and the text of its lines (``_code``), so a charge it makes has the
  same span and function in both analyses, and a `# flopcast:` comment on those lines is the same;
* every value it can read has the same canonical form (canonical.py): the arguments, and the
  module globals that code names (a module object reached gives all of that module's);
* the width, depth and budget enter only as values (the MLP, the budget argument, the setup
  context), so a call that reads them has them in its key; a call that asked the FLOPs spent
  is reused only at the same FLOPs spent and budget (the key then leaves them to the caller).

Code that imports, or reaches a namespace by name (``globals()``, ``getattr`` of a module
name by text, ``eval``), has no key. Only a call that consulted no value-dependent site is
kept (a site's options at another point may stand for other values), and it is reused only by
a run that traces neither loops nor memory. The store lives as long as the command's
``api.Session``: files on disk may change later.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.held_keys import HeldKey
from flopcast.syntax import INTROSPECTION, ast_walk, calls_introspection

#: Names and attributes that reach a namespace by name: code that holds one has no lasting key.
_NAMESPACES = INTROSPECTION | {"__import__", "compile", "breakpoint", "__builtins__"}
_NAMESPACE_ATTRS = frozenset({"__globals__", "__dict__", "__code__", "__closure__", "f_globals", "f_locals", "modules",
                              "__builtins__", "__subclasses__", "import_module"})
_ABSENT = ("<absent>",)


class LastingCalls:
    """The calls kept by the analyses of one command, by their lasting key (``key``)."""

    #: The most recordings kept for one key (each for another budget read).
    PER_KEY = 4

    def __init__(self) -> None:
        self.entries: dict = {}  # key -> [(entry, the program that recorded it, heads)]
        self._places: dict = {}  # id(program) -> (program, place -> node, id(node) -> place)
        self._moved: dict = {}  # (id(entry), id(program)) -> the entry's logs in that program's nodes
        self._texts: dict = {}  # id(program) -> (program, the number of its other files' texts)
        self._numbers: dict = {}  # those texts -> their number
        self._counts: dict = {}  # a function's place -> [keys made, calls kept or reused]
        self.futility = None  # futile.Futility of the command's analyses (futile.futility)
        # the places of the functions with a kept call a run answering per execution may reuse
        # (repeats.SharedCalls.site_free)
        self.site_free: set = set()

    #: Keys made for a function's calls beyond this many and four per reuse are not made: its
    #: calls are rarely made again with equal inputs (a layer's, a point's), or never kept (a
    #: constructor sets attributes on its instance). Only the speed depends on it.
    FUTILE = 16

    def worth(self, fn) -> bool:
        """Whether to make a key for a call of ``fn``."""
        counts = self._counts.setdefault(_place(fn), [0, 0])
        counts[0] += 1
        return counts[0] <= self.FUTILE + 4 * counts[1]

    def site_free_for(self, fn) -> bool:
        """Whether a kept call of ``fn`` may be reused by a run answering per execution."""
        return bool(self.site_free) and fn.module is not None and _place(fn) in self.site_free

    def reused(self, fn) -> None:
        self._counts.setdefault(_place(fn), [0, 0])[1] += 1

    def add(self, key: tuple, entry, program, heads: tuple, budget_read: Optional[tuple], fn,
            site_free: bool) -> None:
        """``site_free``: a run answering per execution may reuse it (repeats.reusable_per_execution)."""
        if site_free:
            self.site_free.add(_place(fn))
        found = self.entries.setdefault(key, [])
        if len(found) < self.PER_KEY and all(e[3] != budget_read for e in found):
            found.append((entry, program, heads, budget_read))

    def texts(self, program) -> int:
        """A number for the unsaved texts of the program's other files (its main file's code is
        named by its text where it runs): equal numbers, equal texts."""
        found = self._texts.get(id(program))
        if found is None or found[0] is not program:
            overrides = tuple(sorted((p, t) for p, t in program.overrides.items() if p != program.main.path))
            number = self._numbers.setdefault(overrides, len(self._numbers))
            found = self._texts[id(program)] = (program, number)
        return found[1]

    def found(self, key: tuple) -> list:
        return self.entries.get(key, ())

    def moved(self, entry, source, target) -> Optional[tuple]:
        """The nodes a recorded call's logs name (functions entered and found recursive, loops
        watched, recursion keys), as ``target``'s syntax trees hold them: (reentered, inner_keys,
        entered, history), or None when one has no counterpart."""
        if source is target:
            return entry.recorded.reentered, entry.recorded.inner_keys, entry.entered, entry.history
        cache_key = (id(entry), id(target))
        if cache_key not in self._moved:
            _, from_ids = self.places(source)
            to_nodes, _ = self.places(target)

            def node(n):
                return to_nodes.get(from_ids.get(id(n)))

            def ident(i):
                found = to_nodes.get(from_ids.get(i))
                return None if found is None else id(found)

            try:
                reentered = frozenset(_must(ident(i)) for i in entry.recorded.reentered)
                keys = [k.moved(_must(ident(k.key[0]))) if isinstance(k, HeldKey) else (_must(ident(k[0])),) + tuple(k[1:])
                        for k in entry.recorded.inner_keys]
                entered = tuple(_must(node(n)) for n in entry.entered)
                history = tuple((_must(node(n)), part) for n, part in entry.history)
                self._moved[cache_key] = (entry, (reentered, keys, entered, history))
            except _NoCounterpart:
                self._moved[cache_key] = (entry, None)
        return self._moved[cache_key][1]

    def places(self, program) -> tuple:
        """For a program: place -> node, and id(node) -> place, of its functions, classes and
        loops (a place is the file and the node's kind and position)."""
        found = self._places.get(id(program))
        if found is None or found[0] is not program or found[3] != len(program.modules):
            to_node: dict = {}
            from_id: dict = {}
            for module in list(program.modules.values()):
                for n in ast_walk(module.tree):
                    if isinstance(n, _PLACED):
                        place = (module.path, type(n).__name__, n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
                        to_node[place] = n
                        from_id[id(n)] = place
            found = self._places[id(program)] = (program, to_node, from_id, len(program.modules))
        return found[1], found[2]


def _place(fn) -> tuple:
    node = fn.node
    return fn.module.key, node.lineno, node.col_offset, fn.qualname


_PLACED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.For, ast.AsyncFor, ast.While)


class _NoCounterpart(Exception):
    pass


def _must(value):
    if value is None:
        raise _NoCounterpart()
    return value


class _LastingWalk(Canon):
    """The canonical walk of a lasting key: functions and classes named by their code (``_code``),
    modules by their file; the functions, classes and modules met are collected for ``key``."""

    def __init__(self, counts: dict, classes: frozenset) -> None:
        super().__init__(counts)
        self.classes = classes  # the class statements a run executes once (repeats.SharedCalls.classes)
        self.code: list = []  # FunctionVals met
        self.met: list = []  # ClassVals met
        self.modules: list = []  # Modules met
        self._met_ids: set = set()

    def definition(self, cls):
        if cls is None:
            return None
        if cls.node is None or cls.node not in self.classes or cls.module is None:
            raise Incomparable("a class made at run time, or by a statement that may run more than once")
        if id(cls) not in self._met_ids:
            self._met_ids.add(id(cls))
            self.met.append(cls)
        return _code(cls.node, cls.module, cls.qualname)

    def _function_form(self, value) -> tuple:
        objects = self.objects
        n = objects[id(value)] = len(objects)
        self.by_object.append(value)
        if value.module is None:
            raise Incomparable("a function of no module")
        self.code.append(value)
        closure = None
        if value.closure is not None:
            c, _ = self.number(objects, id(value.closure), value.closure)
            closure = (c, self._closure(c, value))
        form = self.form
        return ("F", n, _code(value.node, value.module, value.qualname), value.kind, value.cached,
                self.definition(value.owner), tuple([form(v) for v in value.defaults]),
                tuple([(k, form(v)) for k, v in value.kw_defaults.items()]), closure)

    def _module(self, value) -> tuple:
        self.modules.append(value.module)
        return ("Mod", value.module.key)


def key(memo, fn, args: list, kwargs: dict) -> Optional[tuple]:
    """A call's lasting key: its function, arguments and what the code that can run reads of the
    module globals, with the code named by its text and place (see the module's docstring);
    None when it has none."""
    interp = memo.interp
    envs = interp.module_envs
    walk = _LastingWalk(interp._nonzero_counts, memo.shared.classes(interp.program))
    form = walk.form
    try:
        parts = [form(fn), tuple([form(a) for a in args]), tuple([(k, form(kwargs[k])) for k in sorted(kwargs)])]
        code_done: set = set()
        classes_done: set = set()
        modules_done: set = set()
        i = j = m = 0
        while i < len(walk.code) or j < len(walk.met) or m < len(walk.modules):
            while i < len(walk.code):
                f = walk.code[i]
                i += 1
                if (id(f.node), f.module.key) in code_done:
                    continue
                code_done.add((id(f.node), f.module.key))
                names = code_names(f.node)
                env = envs.get(f.module.key)
                if names is None or env is None:
                    return None
                parts.append((f.module.key, tuple([(name, form(env[name]) if name in env else _ABSENT)
                                                    for name in names])))
            while j < len(walk.met):
                cls = walk.met[j]
                j += 1
                if id(cls) in classes_done:
                    continue
                classes_done.add(id(cls))
                parts.append(("class", form(cls), tuple([form(b) for b in cls.bases]),
                              tuple((name, form(d) if d is not None else None, form(f) if f is not None else None)
                                    for name, d, f in cls.fields or ())))
            while m < len(walk.modules):
                module = walk.modules[m]
                m += 1
                if module.key in modules_done:
                    continue
                modules_done.add(module.key)
                env = envs.get(module.key)
                if env is None:
                    return None
                parts.append(("module", module.key, walk.names(env)))
    except (Incomparable, RecursionError):
        return None
    # Recursion keys (Interpreter.call_key) hold the FLOPs spent when the program mentions the
    # budget; other files of the submission are part of the program as texts it may read.
    return (tuple(parts), interp.metered, interp.handlers.flags(), interp.program_mentions_budget(),
            memo.shared.lasting.texts(interp.program))


def _code(node: ast.AST, module, qualname: str) -> tuple:
    """A function's or class's code: its file, qualified name, position and the text of its lines
    (decorators and the line above included: a `# flopcast:` comment there is part of it)."""
    # Kept on the node (as reach._code_names keeps its names): asked at every lasting key, and
    # a WeakKeyDictionary's get is a Python call making a weak reference. It is made of the
    # module's path and text alone, so it holds for the same text object at the same path (the
    # node keeps no module: a deep copy of the tree, fix/rewrite.py, copies no program).
    found = node.__dict__.get("_flopcast_code")
    if found is None or found[0] is not module.text or found[1][0] != module.key:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
        lines = module.text.splitlines()
        text = "\n".join(lines[max(first - 2, 0):node.end_lineno])
        found = node._flopcast_code = (module.text, (module.key, node.lineno, node.col_offset, node.end_lineno,
                                        node.end_col_offset, text))
    return (qualname,) + found[1]


def code_names(node: ast.AST) -> Optional[tuple]:
    """Every name the code loads (nested functions and comprehensions included): the module
    globals it can read; None when it imports or reaches a namespace by name."""
    # Kept on the node (names only, as reach._code_names keeps them): asked at every lasting key.
    found = node.__dict__.get("_flopcast_loads", _UNSEEN)
    if found is _UNSEEN:
        nodes = list(ast_walk(node))
        if calls_introspection(nodes) or any(isinstance(n, (ast.Import, ast.ImportFrom)) or isinstance(n, ast.Name)
                                             and n.id in _NAMESPACES or isinstance(n, ast.Attribute)
                                             and n.attr in _NAMESPACE_ATTRS for n in nodes):
            found = None
        else:
            found = tuple(sorted({n.id for n in nodes if isinstance(n, ast.Name)}))
        node._flopcast_loads = found
    return found


_UNSEEN = object()


