"""Attributes the program only writes: ``self.fits.append(how)``, ``self.stopped_early = True``.

Real estimators keep diagnostics on ``self`` (which solver of a ladder succeeded, how many
samples a stage used). Such an attribute differs between paths, so the state at the end of an
``if`` or of a stage's call statement differs, and a site that would otherwise rejoin does not
(joins.py). When nothing in the program ever reads the attribute, nothing after the join can
depend on what it holds, beyond its kind (a write-only operation on a value of another kind may
raise): the join compares only that.

An attribute name is write-only when every occurrence of it, in every module the program can
import (read statically, never run), is one of

* a plain store or delete: ``x.name = v``, ``x.name: T = v``, ``del x.name``, a ``for``/``with``
  target;
* the receiver of a mutating method that cannot raise on a value of its kind, called as a whole
  statement (its result is dropped): ``x.name.append(v)``, ``.extend``, ``.add``, ``.update``, ...;
  also ``x.name |= {k: v}``, a dict's ``update`` (whose kind matters: other kinds raise);
* the container of an item an assignment stores: ``x.name[k] = v`` (``self.iters[layer] = its``).
  Whether that raises depends on its kind, of a list on its length and of an array on its shape
  (``kind``), never on what a dict holds. ``x.name.insert(i, v)`` is read the same way: it raises
  on a bounded deque by its length (IndexError once it is full). So is the read of a counter
  statement, ``x.name[k] = x.name.get(k, 0) + 1``: the number read reaches only the entry;

and the name is not otherwise read: not a plain name anywhere (``mod.name = v`` sets a global
of ``mod``), not defined in a class body (a method, a property, a dataclass field — their code or
``__eq__`` reads it), and the program has no way to read attributes by a computed name
(``getattr``, ``vars``, ``__dict__``, ``__getattr__``, ``__setattr__``, dynamic imports,
import hooks; ``asdict`` and ``astuple`` read a dataclass's fields only, names its class body
declares, which are read already; ``getattr(x, "name")`` and ``object.__setattr__(x, "name", v)``,
a frozen dataclass's ``__post_init__`` setting a field, name theirs and count as its read), and no class of the program defines a method named like one of those mutating
methods or ``__setitem__`` (``x.log.append(v)`` could then run the user's code on ``v``). An augmented assignment ``x.name += v`` reads it (the sum depends on it, and on
what it is: an array's add is charged), except ``x.name += 1`` (or ``-=`` a number) where every
store of the name is such a step or a number, one at least (``self.calls = 0``): the sum is then
a number, free, and raises on none.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.program import absolute_import
from flopcast.analyzer.source import SourceError
from flopcast.syntax import ast_children, ast_walk, calls_introspection

#: Methods of lists, dicts, sets and deques that cannot raise on a value of their kind.
SAFE_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "appendleft", "extendleft", "clear",
                           "discard", "setdefault"})
#: Names whose mention means attributes may be read by a computed name.
_DYNAMIC = frozenset({"getattr", "setattr", "hasattr", "delattr", "vars", "dir", "__dict__", "__getattr__",
                      "__getattribute__", "__setattr__", "__delattr__",
                      "import_module", "__import__", "meta_path", "attrgetter", "__class__"})


def attributes(program) -> dict:
    """The attribute names ``program`` only writes (made once per program), each with whether
    what it holds can still matter: a write-only method called on it (``.append``) or a ``del``
    raises when it is missing or of another kind; a name only ever assigned matters not at all."""
    if program.write_only is None:
        walked = _walked(program)
        program.write_only = {} if walked is None else _write_only(walked)
    return program.write_only


def by_name(program) -> dict:
    """``attributes``, where a class of the program defining a mutating method (``Welford.add``)
    makes each use of that method's name a read (``x.name.add(v)`` may run it) rather than leaving
    no attribute write-only (made once per program): ``x.events.append(v)`` still writes only."""
    if program.write_only_by_name is None:
        walked = _walked(program)
        program.write_only_by_name = {} if walked is None else _write_only(walked, by_name=True)
    return program.write_only_by_name


def unread(program) -> frozenset:
    """The attribute names ``program`` never reads from an instance (made once per program), for
    the state a steady loop compares (repeats.py, through Canon.unread): ``attributes`` with
    three differences that hold for an instance's attributes only. A write by a computed name
    (``setattr(self, key, value)`` from an options dict) reads nothing. A plain name reads no
    instance's attribute (``self.index = index`` reads the parameter; ``mod.x = v`` is read as
    ``x``, but a module is no instance). A text naming it as a word anywhere but in a docstring
    (``namedtuple("P", "index x")``, read by position) counts as a read. Its kind is still
    compared there, so what it holds matters not at all."""
    if program.unread is None:
        walked = _walked(program)
        program.unread = frozenset() if walked is None else frozenset(_write_only(walked, lenient=True))
    return program.unread


def keyless_dicts(program) -> frozenset:
    """The write-only names (``attributes``) whose every store is a dict made right there
    (``self.seen = {}``, ``= dict()``, ``= collections.defaultdict(list)``, ``= Counter()``, one
    target), made once per program. No code reaches such a dict but through the name, and
    through the name nothing reads what it holds: an item stored under a key flopcast does not
    know (``self.seen[mlp.name] = plan``, ``self.picked.update(int(i) for i in idx)``) changes
    nothing the run can read."""
    if program.keyless_dicts is None:
        trees = _importable_trees(program)
        names = {n for n, how in attributes(program).items() if how}  # (one only assigned holds no items)
        program.keyless_dicts = frozenset() if trees is None or not names else _only_fresh_dicts(trees, names)
    return program.keyless_dicts


#: Calls that make a new dict, by the name they are called by (``dict`` a builtin, the rest
#: from ``collections``).
_DICT_MAKERS = frozenset({"dict", "defaultdict", "OrderedDict", "Counter"})


def _only_fresh_dicts(trees: list, names: set) -> frozenset:
    rebound = _rebound_makers(trees)
    for tree in trees:
        parents = {child: node for node in ast_walk(tree) for child in ast_children(node)}
        for node in ast_walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr in names and isinstance(node.ctx, ast.Store)):
                continue
            stmt = parents.get(node)
            single = (isinstance(stmt, ast.Assign) and stmt.targets == [node]
                      or isinstance(stmt, ast.AnnAssign) and stmt.target is node and stmt.value is not None)
            if not (single and _fresh_dict(stmt.value, rebound)):
                names.discard(node.attr)  # a for/with target, an unpacking, a dict held elsewhere too
    return frozenset(names)


def _fresh_dict(value: ast.AST, rebound: set) -> bool:
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id in _DICT_MAKERS and func.id not in rebound
    return (isinstance(func, ast.Attribute) and func.attr in _DICT_MAKERS - {"dict"}
            and isinstance(func.value, ast.Name) and func.value.id == "collections" and "collections" not in rebound)


def _rebound_makers(trees: list) -> set:
    """The names of _DICT_MAKERS (and ``collections``) the program binds to something else than
    the builtin or the ``collections`` class: a def, a class, an assignment, another import."""
    watched = _DICT_MAKERS | {"collections"}
    out = set()
    for tree in trees:
        for node in ast_walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in watched:
                out.add(node.name)
            elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and node.id in watched:
                out.add(node.id)
            elif isinstance(node, ast.arg) and node.arg in watched:
                out.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                from_collections = isinstance(node, ast.ImportFrom) and node.module == "collections" and not node.level
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    same = (alias.name == bound and (from_collections or isinstance(node, ast.Import)
                                                     and bound == "collections"))
                    if bound in watched and not same:
                        out.add(bound)
    return out


#: What the table says of a name whose attribute has items stored into it (``x.name[k] = v``, or
#: inserted: ``x.name.insert(i, v)``): its kind matters, and of a list or a deque its length, of an
#: array its shape (``kind``).
ITEM = "item"
#: Methods a class of the program may not define for its attributes to be write-only: a write-only
#: use of an attribute holding one of its instances would run them.
_USER_WRITES = SAFE_MUTATORS | {"__setitem__"}

#: The names of builtins that set or delete attributes, by a name that may be computed.
_WRITES = frozenset({"setattr", "delattr"})


def _importable_trees(program) -> Optional[list]:
    """The trees of the main module and of every module of the folder an import statement in
    them names, transitively; None when one cannot be read."""
    found = {program.main.name: program.main}
    todo = [program.main]
    while todo:
        module = todo.pop()
        for node in ast_walk(module.tree):
            for dotted in _imported_names(node, module):
                if dotted in found:
                    continue
                try:
                    other = program.peek_module(dotted)
                except (SourceError, OSError, ValueError):
                    return None
                if other is not None:
                    found[dotted] = other
                    todo.append(other)
    return [m.tree for m in found.values()]


def _imported_names(node: ast.AST, module=None) -> list:
    """The dotted module names an import statement may load (as the interpreter resolves them:
    a relative import in a package against the package, else relative to the folder, leading
    dots dropped)."""
    if isinstance(node, ast.Import):
        names = []
        for alias in node.names:
            parts = alias.name.split(".")
            names += [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        return names
    if isinstance(node, ast.ImportFrom):
        base = (node.module or "").lstrip(".")
        if node.level and module is not None:
            base = absolute_import(module, node.level, node.module) or base
        return ([base] if base else []) + [f"{base}.{a.name}" if base else a.name for a in node.names if a.name != "*"]
    return []


@dataclass
class _Walked:
    """What both tables read of a program's trees, made once for the two (``_walked``): each
    tree's nodes outside the functions nothing calls, with each one's parent, and whether they
    call introspection. A rewrite analysed by `analyze`'s savings is a program of its own, so
    this was made twice for each of them (16-26 ms a program in the slowest single-path files)."""

    trees: list  # [(nodes, parents, calls introspection)] per tree

    @classmethod
    def of(cls, trees: list) -> "_Walked":
        uncalled = _uncalled(trees)
        walked = []
        for tree in trees:
            nodes = [n for n in ast_walk(tree) if n not in uncalled]
            introspects = calls_introspection(nodes)
            parents = {} if introspects else {child: node for node in nodes for child in ast_children(node)}
            walked.append((nodes, parents, introspects))
        return cls(walked)


def _walked(program) -> Optional[_Walked]:
    """The program's _Walked (made once per program), or None when a module it can import
    cannot be read."""
    if program.write_only_walk is None:
        trees = _importable_trees(program)
        program.write_only_walk = (None if trees is None else _Walked.of(trees),)
    return program.write_only_walk[0]


def _write_only(walked: _Walked, lenient: bool = False, by_name: bool = False) -> dict:
    """``lenient``: the names ``unread`` tells apart (see there); ``by_name``: ``by_name``'s."""
    writes = _WRITES if lenient else frozenset()
    # the mutating methods the program's classes define: a use of one may run the user's code
    user = {m for nodes, _, _ in walked.trees for n in nodes if isinstance(n, ast.ClassDef)
            for m in class_body_names(n) & _USER_WRITES} if by_name else set()
    dynamic = _DYNAMIC - writes
    written: set = set()
    read: set = set()
    kind_matters: set = set()
    item_stored: set = set()
    fills: dict = {}  # name -> the kinds of the defaults ``x.name.setdefault(k, []).append(v)`` fills
    counted: set = set()  # names a ``counts`` statement adds to
    numbers: set = set()  # names a number is stored into (``x.name = 0``)
    not_numbers: set = set()  # names stored otherwise than a number or by ``counts``
    other_uses: set = set()  # names used otherwise than so, or than by storing a new empty dict
    for nodes, parents, introspects in walked.trees:
        if introspects:
            return {}
        named = _named_lookups(nodes, writes)  # getattr(x, "name"): reads a name the text spells out
        if named is None:
            return {}
        read |= named
        for node in nodes:
            if isinstance(node, ast.Name):
                if node.id in dynamic and node not in named.calls:
                    return {}
                if not lenient:
                    read.add(node.id)
            elif isinstance(node, ast.Attribute):
                if node.attr in _DYNAMIC and node not in named.calls:
                    return {}
                if user and (_method_of(node, parents) in user
                             or "__setitem__" in user and _stores_an_item(node, parents)):
                    read.add(node.attr)
                    continue
                if isinstance(node.ctx, ast.Store):
                    if not _stores_a_number(node, parents):
                        not_numbers.add(node.attr)
                    elif isinstance(parents.get(node), ast.AugAssign):
                        counted.add(node.attr)
                    else:
                        numbers.add(node.attr)
                fill = _fill_kind(node, parents)
                if fill is not None:
                    fills.setdefault(node.attr, set()).add(fill)
                elif not _empties(node, parents):
                    other_uses.add(node.attr)
                if _stores_an_item(node, parents):
                    written.add(node.attr)
                    item_stored.add(node.attr)
                elif not _writes(node, parents):
                    read.add(node.attr)
                else:
                    written.add(node.attr)
                    if not isinstance(node.ctx, ast.Store) or isinstance(parents.get(node), ast.AugAssign):
                        kind_matters.add(node.attr)
                    if _method_of(node, parents) == "insert":  # a full bounded deque's raises IndexError
                        item_stored.add(node.attr)
            elif isinstance(node, ast.ClassDef):
                defined = class_body_names(node)
                # `x.log.append(v)`, `x.iters[k] = v` may run the user's own code (by_name: a read of `log`)
                if defined & _USER_WRITES and not by_name:
                    return {}
                read |= defined
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in _DYNAMIC:
                    return {}
                if lenient and not isinstance(parents.get(node), ast.Expr):  # a docstring reads nothing
                    read.update(_WORD.findall(node.value))
    # a dict filled by ``setdefault(k, []).append(v)`` holds items of the default's kind only when
    # nothing else puts items there (a join compares its kind, not its items')
    read |= {name for name, kinds in fills.items() if len(kinds) > 1 or name in other_uses}
    # ``x.name += 1`` reads what it adds to: nothing else only where that is always a number (one
    # the program stored: never added to, it may be a class's attribute, or missing)
    read |= {name for name in counted if name in not_numbers or name not in numbers}
    return {name: ITEM if name in item_stored else name in kind_matters for name in written - read}


_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


#: Methods whestbench calls by name; dunder methods Python calls.
_ENTRY_POINTS = frozenset({"setup", "predict", "teardown"})


def _uncalled(trees: list) -> set:
    """The nodes of functions nothing can call: undecorated, not an entry point or a dunder, and
    their name mentioned nowhere (as a name, an attribute or a string) but inside other such
    functions (a summary() that formats the diagnostics, which no code calls)."""
    mentions: dict = {}
    defs: list = []
    for tree in trees:
        for node in ast_walk(tree):
            name = mention(node)
            if name is not None:
                mentions[name] = mentions.get(name, 0) + 1
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.decorator_list \
                    and node.name not in _ENTRY_POINTS and not node.name.startswith("__"):
                defs.append(node)
    inner = {id(d): [m for n in ast_walk(d) if (m := mention(n)) is not None] for d in defs}
    dead: list = []
    changed = True
    while changed:
        changed = False
        for d in defs:
            if d not in dead and not mentions.get(d.name):
                dead.append(d)
                changed = True
                for m in inner[id(d)]:
                    mentions[m] -= 1
    return {n for d in dead for n in ast_walk(d)}


def program_trees(program) -> list:
    """The trees the write-only table is made from (those of the modules loaded when one of
    them cannot be read: the table is then empty)."""
    return _importable_trees(program) or [m.tree for m in program.modules.values()]


def names_that_count(trees: list) -> frozenset:
    """Every name the write-only table of a program with these trees can depend on a mention of:
    its attribute names (a name read as a plain name is not write-only) and its functions'
    names (``_uncalled``), with the dynamic names. A superset is as good."""
    found = set(_DYNAMIC)
    for tree in trees:
        for n in ast_walk(tree):
            if isinstance(n, ast.Attribute):
                found.add(n.attr)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.add(n.name)
    return frozenset(found)


def footprint(statements: list, counted: frozenset) -> tuple:
    """What ``statements`` (whole statements of a module) give the write-only table: equal
    footprints, with every other statement of the program the same, give the same table (the
    editor carries an analysis over an edit only then: lsp/incremental.py). ``counted``: the
    names whose mentions count, ``names_that_count`` of the program's trees and of both texts
    of the statements. Per function (and for the code outside them): the names it mentions and
    how often (``_uncalled``), its attribute occurrences and whether each only writes (a store: a number), its
    lookups by a constant name, its dynamic names, whether it calls introspection, its classes'
    body names; per function, its name, whether it can be uncalled, and all it mentions, nested
    functions included."""
    defs = [n for stmt in statements for n in ast_walk(stmt) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inside = {id(n) for d in defs for n in ast_walk(d) if n is not d}  # nodes below some function
    regions: list = [[n for stmt in statements for n in ast_walk(stmt) if id(n) not in inside and
                      not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]]
    for d in defs:
        nested = {id(n) for e in ast_walk(d) if e is not d and isinstance(e, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for n in ast_walk(e)}
        regions.append([n for n in ast_walk(d) if id(n) not in nested])
    parents = {child: node for stmt in statements for node in ast_walk(stmt) for child in ast_children(node)}
    parts = []
    for nodes in regions:
        named = _named_lookups(nodes)
        parts.append((
            _mentions(nodes, counted),
            sorted((n.attr, _writes(n, parents), _stores_an_item(n, parents),
                    isinstance(n.ctx, ast.Store) and _stores_a_number(n, parents), type(n.ctx).__name__)
                   for n in nodes if isinstance(n, ast.Attribute)),
            None if named is None else (sorted(named), sum(1 for n in nodes if isinstance(n, ast.Name)
                                                           and n.id in _DYNAMIC and n not in named.calls)),
            calls_introspection(nodes),
            [sorted(class_body_names(n)) for n in nodes if isinstance(n, ast.ClassDef)],
        ))
    calls = [(d.name, bool(d.decorator_list), _mentions(list(ast_walk(d)), counted)) for d in defs]
    return tuple(map(repr, parts)), repr(calls)


def _mentions(nodes: list, counted: frozenset) -> list:
    found: dict = {}
    for node in nodes:
        name = mention(node)
        if name is not None and name in counted:
            found[name] = found.get(name, 0) + 1
    return sorted(found.items())


def mention(node: ast.AST) -> Optional[str]:
    """The name a node mentions: a plain name's, an attribute's, a text's (``getattr(x, "name")``
    -like)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Named(set):
    """Attribute names looked up by a constant string, and the function names of those calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: set = set()


def _named_lookups(nodes: list, writes: frozenset = frozenset()) -> Optional[_Named]:
    """``getattr(x, "name")``, ``hasattr(x, "name", ...)``, ``setattr``/``delattr`` with a constant
    name, ``x.__dict__["name"]``: the names they read (a write through them is taken as a read too); None when a name is
    computed. The builtins in ``writes`` are left alone (``unread``)."""
    named = _Named()
    for node in nodes:
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "__dict__" \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            # `self.__dict__["_table"]` (how a __getattr__ reads its own state without recursing):
            # the one name the text spells out, as getattr(self, "_table") reads it
            named.add(node.slice.value)
            named.calls.add(node.value)
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("getattr", "hasattr", "setattr", "delattr"):
            builtin = func.id
        elif isinstance(func, ast.Attribute) and func.attr in _OBJECT_HOOKS \
                and isinstance(func.value, ast.Name) and func.value.id == "object":
            builtin = _OBJECT_HOOKS[func.attr]  # a frozen dataclass's __post_init__ sets its own field
            named.calls.add(func)
        else:
            continue
        if builtin in writes:
            continue
        if len(node.args) < 2 or not (isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            return None
        named.add(node.args[1].value)
        named.calls.add(func)
    return named


#: ``object.__setattr__(x, "name", v)`` and its kin: the builtin each does the work of.
_OBJECT_HOOKS = {"__setattr__": "setattr", "__delattr__": "delattr", "__getattribute__": "getattr"}


def _writes(node: ast.Attribute, parents: dict) -> bool:
    """Whether this occurrence of ``x.name`` only writes it."""
    parent = parents.get(node)
    if isinstance(node.ctx, (ast.Store, ast.Del)):
        return not isinstance(parent, ast.AugAssign) or merges_a_dict(parent) or counts(parent)
    method = parent
    call = parents.get(method)
    return (isinstance(method, ast.Attribute) and method.value is node and method.attr in SAFE_MUTATORS
            and isinstance(call, ast.Call) and call.func is method and isinstance(parents.get(call), ast.Expr))


def counts(stmt: ast.AugAssign) -> bool:
    """``x.name += 1`` (or ``-= 2.5``): a number added to what the name holds, a number where every
    store of it is one or such a step (``_stores_a_number``, ``_write_only``): the sum then charges
    nothing, raises on no number, and reaches nothing but the name."""
    return steps(stmt) and _number(stmt.value)


def steps(stmt: ast.AST) -> bool:
    """``target += v`` or ``target -= v``: on a number held (an int or a float), a step that raises
    at no value of it and hands the sum on only to the target."""
    return isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, (ast.Add, ast.Sub))


def stepped_only(nodes: list, name: str, plain_names: bool) -> bool:
    """Whether every mention of ``name`` among ``nodes`` (``mentions``) stores it, steps it
    (``steps``: by any value, unlike ``counts``), deletes it, or stores or steps an item of it:
    where it holds a number of one class whatever the paths did (the caller's proof: mixed_calls),
    that number reaches only itself."""
    found = mentions(nodes, name, plain_names)
    return found is not None and all(_steps_or_stores(node, parents) for node, parents in found)


def mentions(nodes: list, name: str, plain_names: bool) -> Optional[list]:
    """The mentions of ``name`` among ``nodes`` (each with its parents table), each with its parents
    table: attributes of that name and, ``plain_names`` (a module's global), plain names too. None
    where a class body binds it or an import names it."""
    found = []
    for node, parents in nodes:
        if isinstance(node, ast.ClassDef) and name in class_body_names(node):
            return None  # a method, a property, a field: its code or __eq__ reads it
        if isinstance(node, ast.alias) and (node.asname or node.name).split(".")[-1] == name:
            return None  # an import of the global reads it
        if isinstance(node, ast.Attribute) and node.attr == name \
                or plain_names and isinstance(node, ast.Name) and node.id == name:
            found.append((node, parents))
    return found


#: What a write (``use``) needs of the value it writes to, to raise and charge alike whatever the
#: value holds: nothing (a store or a delete); a number of one class (a step); a dict (an item
#: stored into it); a dict of numbers (a counter statement's); one kind of list, dict or set (a
#: mutating method called as a statement, which raises on none of its own kind).
STORE, NUMBER, ITEMS, COUNTER, KIND = "store", "number", "items", "counter", "kind"


def use(node: ast.AST, parents: dict) -> Optional[str]:
    """How this occurrence of an expression (``x.name``, ``NAME``, ``x.name["key"]``) only writes
    what it holds (one of STORE .. KIND), or None where it may read it."""
    parent = parents.get(node)
    if isinstance(node.ctx, (ast.Store, ast.Del)):
        if isinstance(parent, ast.AugAssign):
            return NUMBER if steps(parent) else None
        return STORE
    if counted_item(node, parents):
        return COUNTER
    if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Store) \
            and isinstance(parents.get(parent), ast.Assign):
        return ITEMS
    return KIND if _writes(node, parents) else None


def _steps_or_stores(node: ast.AST, parents: dict) -> bool:
    """Whether ``node`` (a mention of the name) deletes or stores it, steps it, or stores or steps
    an item of it."""
    parent = parents.get(node)
    if isinstance(node.ctx, ast.Del):
        return True
    if isinstance(node.ctx, ast.Store):
        return not isinstance(parent, ast.AugAssign) or steps(parent)
    if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Store):
        grand = parents.get(parent)
        return not isinstance(grand, ast.AugAssign) or steps(grand)
    return False


def _stores_a_number(node: ast.Attribute, parents: dict) -> bool:
    """Whether this store of ``x.name`` is ``x.name = <number>`` (``= 0``, ``= -1.0``) or ``counts``."""
    stmt = parents.get(node)
    if isinstance(stmt, ast.AugAssign):
        return counts(stmt)
    value = stmt.value if isinstance(stmt, ast.Assign) and node in stmt.targets \
        or isinstance(stmt, ast.AnnAssign) and stmt.target is node else None
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        value = value.operand
    return value is not None and _number(value)


def merges_a_dict(stmt: ast.AugAssign) -> bool:
    """``x.name |= {k: v}``: ``x.name.update({k: v})`` on a dict (the items are the display's, the
    dict the same), a TypeError on most other kinds."""
    return isinstance(stmt.op, ast.BitOr) and isinstance(stmt.value, ast.Dict)


def _method_of(node: ast.Attribute, parents: dict) -> Optional[str]:
    """The method called on this occurrence of ``x.name`` (``x.name.insert(...)``), if any."""
    method = parents.get(node)
    return method.attr if isinstance(method, ast.Attribute) and method.value is node else None


def _stores_an_item(node: ast.Attribute, parents: dict) -> bool:
    """Whether this occurrence of ``x.name`` is only the container of an item an assignment
    statement stores (``x.name[k] = v``, a target of its own), or of a new empty container a
    statement fills at once (``x.name.setdefault(k, []).append(v)``: the item it fills is the new
    one or one stored before, read by nothing else), or the dict a counter statement reads its
    entry from to store it back (``counted_item``)."""
    item = parents.get(node)
    if not isinstance(node.ctx, ast.Load) or not isinstance(item, ast.AST):
        return False
    if counted_item(node, parents):
        return True
    if isinstance(item, ast.Subscript):
        return item.value is node and isinstance(item.ctx, ast.Store) and isinstance(parents.get(item), ast.Assign)
    call = parents.get(item)
    filled = parents.get(call)
    fill = parents.get(filled)
    return (isinstance(item, ast.Attribute) and item.value is node and item.attr == "setdefault"
            and isinstance(call, ast.Call) and call.func is item and len(call.args) == 2 and not call.keywords
            and _empty_container(call.args[1])
            and isinstance(filled, ast.Attribute) and filled.value is call and filled.attr in SAFE_MUTATORS
            and isinstance(fill, ast.Call) and fill.func is filled and isinstance(parents.get(fill), ast.Expr))


def counted_item(node: ast.Attribute, parents: dict) -> bool:
    """Whether this occurrence of ``x.name`` is the dict of a counter statement,
    ``x.name[k] = x.name.get(k2, 0) + 1``: a number read from the dict only to store it back
    plus or minus a number, under one target. What the entry holds then reaches nothing but the
    entry (the sum charges nothing whatever the number, and raises on no number), so the read
    counts as a store of an item."""
    get = parents.get(node)
    call = parents.get(get)
    step = parents.get(call)
    stmt = parents.get(step)
    return (isinstance(get, ast.Attribute) and get.value is node and get.attr == "get"
            and isinstance(call, ast.Call) and call.func is get and len(call.args) == 2 and not call.keywords
            and _number(call.args[1])
            and isinstance(step, ast.BinOp) and isinstance(step.op, (ast.Add, ast.Sub))
            and (step.left is call and _number(step.right) or step.right is call and _number(step.left))
            and isinstance(stmt, ast.Assign) and stmt.value is step and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Subscript)
            and ast.dump(stmt.targets[0].value) == ast.dump(node))


def _number(node: ast.AST) -> bool:
    """An int or float literal (not a bool)."""
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _fill_kind(node: ast.Attribute, parents: dict) -> Optional[str]:
    """The kind of the default of ``x.name.setdefault(k, default).m(...)`` (``"List"``, ``"Dict"``),
    when this occurrence of ``x.name`` is that; else None."""
    if not _stores_an_item(node, parents) or isinstance(parents.get(node), ast.Subscript) \
            or counted_item(node, parents):
        return None
    return type(parents[parents[node]].args[1]).__name__


def _empties(node: ast.Attribute, parents: dict) -> bool:
    """``x.name = {}`` (one target) or ``del x.name``."""
    stmt = parents.get(node)
    if isinstance(node.ctx, ast.Del):
        return True
    return (isinstance(stmt, ast.Assign) and stmt.targets == [node] and isinstance(stmt.value, ast.Dict)
            and not stmt.value.keys)


def _empty_container(node: ast.AST) -> bool:
    """``[]`` or ``{}``: a new empty list or dict (``list()`` may be the program's own ``list``)."""
    return isinstance(node, ast.List) and not node.elts or isinstance(node, ast.Dict) and not node.keys


def class_body_names(node: ast.ClassDef) -> set:
    """The names a class body binds (its methods, attributes, fields)."""
    names = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names |= {n.id for t in stmt.targets for n in ast_walk(t) if isinstance(n, ast.Name)}
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


def kind(value, items: bool = False) -> Optional[tuple]:
    """What a join compares of a write-only attribute's value: what decides whether a write-only
    operation on it raises (its kind), not what it holds. ``items``: an item is stored into it
    (``x.name[k] = v``), which raises on a list by its length and on an array by its shape (on a
    dict by nothing it holds: one filled by ``setdefault`` holds only items of its one kind). None for a value whose methods may be the program's own code (an
    instance of a user class): it is compared whole."""
    from flopcast.analyzer.values import Array, DequeVal, DictVal, Known, ListVal, NumpyScalar, TupleVal, Unknown

    if isinstance(value, Known):
        return ("K", type(value.value).__name__)
    if isinstance(value, Unknown):
        return ("U", value.kind)
    cls = type(value)
    if items and cls is ListVal:
        return ("ListVal", len(value.items))
    if cls is DequeVal:  # (appends evict, never raise; an insert into a full one raises: ``items``)
        return ("DequeVal", value.maxlen) + ((len(value.items),) if items else ())
    if items and cls is Array:
        return ("Array", value.shape, value.dtype)
    if cls in (Array, DictVal, ListVal, NumpyScalar, TupleVal):
        return (cls.__name__,)
    return None
