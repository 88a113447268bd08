"""Whether the states the paths leave after a call of ``predict`` can steer a later call.

A path replays its first call's answers at every later call (interpreter/later_calls.py), but
whestbench hands each call another MLP, which answers a value-dependent site on its own weights.
Where every path leaves one state after each call, each call starts alike whatever the MLPs
before it answered, and the paths cover every mix. Where they leave different states, a run whose
MLPs mix the answers (fast, fast, slow) starts a call from a state no path had, and may cost more
than any path (api._open_at_sites_steering_later_calls opens the high end then).

Often the parts that differ steer nothing: a count only ever stepped (``self.blown += 1``,
``STATS["qr"] += 1``), or a module's list each call clears before it reads it. The states'
forms (carried.path_state: the instance, each module's globals, the lru_cache tables) are
compared part by part, each part an instance attribute or a module global (a *root*); a call
started from a mix then makes the moves of the path whose answers it gives when each root that
differs is

* **stepped only**: the paths' forms of it differ only in numbers, each of one class on every
  path, and every mention of its name in the program (read statically, never run; functions
  nothing calls left out, write_only._Walked) stores it, or steps it or an item of it by ``+=``
  or ``-=`` (which never raise on an int or a float and hand the number on to nowhere else), or
  stores an item of it: its numbers reach only themselves, so no test, size or index reads
  them, and the structure the paths leave follows the moves alone; or
* **cleared first**: a module global, or an attribute of the instance, holding a list, dict, set or
  deque of one kind on every path, that ``predict`` (the estimator class's own, undecorated)
  clears (``FLAGS.clear()``, ``self.log.clear()``) at its top level after statements that
  cannot reach it (plain assignments of expressions of the MLP, the budget, locals and flopscope,
  numpy and math: no code of the program runs before the clear): what it held is read by no call.

and no object inside a root that differs is reachable from another root (an alias would read
it). Anything else, or a part that cannot be told apart (the lru_cache tables, a state that
cannot be compared), leaves the high end open, as before.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer import carried, write_only
from flopcast.analyzer.carried import Root

#: Tags of the forms that name an object (canonical.py): ``(tag, number, ...)`` where it is first
#: met, ``(tag, number)`` (a list's ``(tag, number, None)``) where it is met again.
_OBJECT_TAGS = frozenset({"L", "D", "I", "KS", "SI", "M", "F"})
#: The kinds of container ``.clear()`` empties without running the program's code.
_CLEARABLE = frozenset({"L", "D", "KS", "Q"})
#: Steps that raise at no value of an int or float held, and hand it on only to the place stepped.
_STEPS = (ast.Add, ast.Sub)
#: Names through which code may reach a global or an attribute by a computed name.
_COMPUTED = frozenset({"globals", "locals", "vars", "eval", "exec", "__dict__", "getattr", "setattr",
                       "__getattr__", "__getattribute__", "__setattr__", "attrgetter", "__import__",
                       "import_module", "__class__"})
#: Modules whose functions run none of the program's code on values of the MLP or the budget.
_LIBRARIES = frozenset({"flopscope", "numpy", "math"})
#: Builtins that run none of the program's code on such values.
_PLAIN_BUILTINS = frozenset({"len", "int", "float", "min", "max", "abs", "round", "range", "bool", "tuple",
                             "list", "sum"})


def steer_later_calls(program, cls: str, runs: list) -> bool:
    """Whether the states the paths left (each of ``runs``, a path's RunResult: its
    carried.path_state after each call it followed, ``call_states``) may steer a later call: some
    call's states differ where a later call may read them, or cannot be compared."""
    steered = _Steered(program, cls)
    followed = [r for r in runs if r.call_states]
    lengths = {len(r.call_states) for r in followed}
    # past the longest path's calls too, where a path that settled moves on past a shorter one's or
    # the numbers may move otherwise in a run mixing the paths' moves
    past = len(lengths) > 1 or _mixed_moves(followed)
    for k in range(max(lengths, default=0) + past):
        states, moved = _at_call(followed, k, past)
        if None in states or moved is None:
            return True
        if not states:
            continue  # (past every record, no path's later calls followed: a lower bound already)
        if len({s.whole for s in states}) == 1 and not moved:
            continue
        if len({s.whole[-1] for s in states}) > 1 or len({tuple(s.roots) for s in states}) > 1 \
                or len({s.shared for s in states}) > 1:
            return True  # (the lru_cache tables, other roots, objects shared otherwise)
        paths = [s.roots for s in states]
        differing = {root for root in paths[0] if len({roots[root] for roots in paths}) > 1}
        if not differing and not moved:
            return True  # (they differ where no root tells: not proven alike)
        steered._shared = shared = states[0].shared
        for root in differing | set(moved):
            # a root a settled path still moves: read with the form it had before the call whose
            # moves every later call makes too (only numbers moved: still of one class)
            if not steered.not_read(root, paths + moved.get(root, []), _shares(root, shared)):
                return True
    return False


def _mixed_moves(runs: list) -> bool:
    """Whether a run mixing the paths' answers may move the numbers of the state otherwise than
    every path: paths that settled moving them (carried.MOVES) move them otherwise (other
    recipes, other events), and one's proof holds its comparisons over the values its own moves
    reach only (carried_bounds: `t + 1` stays at 1 and above, `1 - 5 * t` another path makes does not)."""
    moves = [r.calls_moves for r in runs if r.calls_end == carried.MOVES]
    return any(m is None or m[0] for m in moves) and len({m and m[1:] for m in moves}) > 1


def _at_call(runs: list, k: int, past: bool) -> tuple:
    """The states the paths leave after call ``k + 1`` (None where one cannot be compared), and the
    roots that may hold other numbers or logs there than a state stands for, each with the form
    it had before the call whose moves its path repeats (None when that is unknown).

    Those are the paths' own states as far as each followed the calls. Past them (``past``: a
    shorter path against a longer one's, or each past its last), a path that settled leaves
    its last state (carried.REPEATS) or that state with the numbers and logs its last call changed
    changed again (carried.MOVES: numbers_steer_nothing proves only those change); a path whose
    later calls are not followed (a lower bound already) is left out."""
    states: list = []
    moved: Optional[dict] = {}
    for r in runs:
        if k < len(r.call_states):
            states.append(r.call_states[k])
            continue
        if not past or not r.calls_end:
            continue
        last = r.call_states[-1]
        states.append(last)
        if r.calls_end != carried.MOVES:
            continue
        before = r.call_states[-2] if len(r.call_states) > 1 else r.call_start
        if before is None or last is None:
            moved = None
            continue
        if moved is not None:
            for root in before.roots.keys() & last.roots.keys():
                if before.roots[root] != last.roots[root]:
                    moved.setdefault(root, []).append({root: before.roots[root]})
    return states, moved


# ---------------------------------------------------------------------------- the roots that differ


def _shares(root: Root, shared: frozenset) -> set:
    """The numbers of ``root``'s objects another root holds too (mixed_calls reads what they hold
    only where no code can have reached them through the other)."""
    return {number for names in shared for r, number in names if r == root}


def _top(form) -> Optional[int]:
    """The number of the object a root holds (a list, a dict, ...), or None."""
    if form.__class__ is tuple and len(form) > 2 and form[0] == "Q":
        return _top(form[2])
    if form.__class__ is tuple and len(form) > 1 and form[0] in _OBJECT_TAGS and form[1].__class__ is int:
        return form[1]
    return None


def _numbers_only(forms: list) -> bool:
    """Whether ``forms`` differ only in numbers, each of one class on every form."""
    first = forms[0]
    return all(_alike_but_numbers(first, f) for f in forms[1:])


def _alike_but_numbers(a, b) -> bool:
    if a == b:
        return True
    if a.__class__ is not tuple or b.__class__ is not tuple or len(a) != len(b):
        return False
    if len(a) == 2 and a[0] == "K" and b[0] == "K" and a[1].__class__ is tuple and b[1].__class__ is tuple:
        return a[1][0] == b[1][0] and a[1][0] in ("int", "float")
    return all(_alike_but_numbers(x, y) for x, y in zip(a, b))


def _emptied(form):
    """A container's form with its items left out (what `.clear()` leaves, its kind kept)."""
    if form[0] == "Q":
        return form[:2] + (_emptied(form[2]),)
    return form[:2] + ((),) + form[3:]


def _without(form: tuple, keys: set) -> tuple:
    """A dict's form with the items at ``keys`` left out (each present on every path: a key
    stored anew keeps its place in the dict's order)."""
    return form[:2] + (tuple((k, None if k in keys else v) for k, v in form[2]),) + form[3:]


# ---------------------------------------------------------------------------- what the program reads


class _Steered:
    """The program's code, read for whether it reads the roots that differ."""

    def __init__(self, program, cls: str) -> None:
        self.program = program
        self.cls = cls
        self._walked = write_only._walked(program)
        self._cleared: Optional[tuple] = None
        self._shared: frozenset = frozenset()  # (the states' objects met under two roots or more)

    def not_read(self, root: Root, paths: list[dict], shares: set) -> bool:
        """Whether no later call reads what ``root`` holds, on any path (``paths``: each one's
        roots' forms), ``shares`` the numbers of its objects other roots hold too."""
        forms = [roots[root] for roots in paths]
        return not shares and self._stepped_only(root, forms) or self._cleared_first(root, paths, shares)

    def _nodes(self) -> Optional[list]:
        """Every node of the code that can run (functions nothing calls left out), with its parent;
        None when a module cannot be read, some code calls introspection or reaches globals or
        attributes by a computed name."""
        if self._walked is None or any(introspects for _, _, introspects in self._walked.trees):
            return None
        return _plain([(node, parents) for nodes, parents, _ in self._walked.trees for node in nodes])

    def _loaded_nodes(self) -> Optional[list]:
        """Every node of the modules the program can import (of those the runs loaded, when one
        cannot be read: one Python cannot parse never runs), with no parents; None as ``_nodes``."""
        return _plain([(node, None) for tree in write_only.program_trees(self.program) for node in ast.walk(tree)])

    def _stepped_only(self, root: Root, forms: list) -> bool:
        if not _numbers_only(forms):
            return False
        nodes = self._nodes()
        if nodes is None:
            return False
        name = root.name
        for node, parents in nodes:
            if isinstance(node, ast.ClassDef) and name in _class_names(node):
                return False  # a method, a property, a field: its code or __eq__ reads it
            if isinstance(node, ast.alias) and (node.asname or node.name).split(".")[-1] == name:
                return False  # an import of the global reads it
            if isinstance(node, ast.Attribute) and node.attr == name \
                    or isinstance(node, ast.Name) and node.id == name and root.module is not None:
                if not _steps_or_stores(node, parents):
                    return False
        return True

    def _cleared_first(self, root: Root, paths: list[dict], shares: set) -> bool:
        forms = [roots[root] for roots in paths]
        top = _top(forms[0])
        if any(f.__class__ is not tuple or not f or f[0] not in _CLEARABLE for f in forms) \
                or len({_emptied(f) for f in forms}) > 1 or not shares <= {top}:
            return False  # (what it holds is reached from another root too)
        clears, stores = self._clears()
        for cleared in clears:
            # the root itself, or a name of its object (imported into the main module)
            if cleared == root or any((root, top) in names and any(r == cleared for r, _ in names)
                                      for names in self._shared):
                return True
        keys = {key for stored, key in stores if stored == root}
        return forms[0][0] == "D" and bool(keys) and len({_without(f, keys) for f in forms}) == 1

    def _clears(self) -> tuple:
        """The roots predict clears (``FLAGS.clear()``, ``self.log.clear()``) and the (root, key)
        items it stores (``COUNTS["stall"] = 0``) before any code of the program can run: at
        its top level, after plain assignments of expressions of the MLP, the budget, locals and
        libraries only (made once)."""
        if self._cleared is None:
            self._cleared = self._made_clears()
        return self._cleared

    def _made_clears(self) -> tuple:
        clears: list = []
        stores: list = []
        nodes = self._loaded_nodes()
        predict = None if nodes is None else self._predict(nodes)
        if predict is None:
            return clears, stores
        args = [a.arg for a in predict.args.posonlyargs + predict.args.args]
        if len(args) != 3 or predict.args.vararg or predict.args.kwarg or predict.args.kwonlyargs:
            return clears, stores  # (a default could be an object of the program's)
        me, plain = args[0], set(args[1:])
        properties = {name for n, _ in nodes if isinstance(n, ast.ClassDef) for name in _class_names(n)}
        imported, bound = _module_names(self.program.main.tree, self.program.root)
        local = {n.id for n in ast.walk(predict) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        if me in local:
            return clears, stores
        main = self.program.main.key
        for stmt in predict.body:
            held = _cleared_or_stored(stmt)
            if held is not None and (not isinstance(stmt, ast.Assign) or _inert(stmt.value, plain, imported, bound)):
                named = _named_root(held[0], me, main, local, properties)
                if named is None:
                    break
                if held[1] is None:
                    clears.append(named)
                else:
                    stores.append((named, held[1]))
                continue
            targets = _plain_targets(stmt)
            if targets is None or not _inert(stmt.value, plain, imported, bound):
                break
            plain |= targets
        return clears, stores

    def _predict(self, nodes: list) -> Optional[ast.FunctionDef]:
        """The estimator class's own undecorated predict, in the main module, that nothing replaces
        (no class decorator or metaclass, no other binding in the class, no `X.predict = f`)."""
        if any(isinstance(n, ast.Attribute) and n.attr == "predict" and not isinstance(n.ctx, ast.Load)
               for n, _ in nodes):
            return None
        classes = [n for n in self.program.main.tree.body if isinstance(n, ast.ClassDef) and n.name == self.cls]
        if len(classes) != 1 or classes[0].decorator_list or classes[0].keywords:
            return None
        found = [n for stmt in classes[0].body for n in ast.walk(stmt)
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "predict"
                 or isinstance(n, ast.Name) and n.id == "predict" and not isinstance(n.ctx, ast.Load)]
        if len(found) == 1 and found[0] in classes[0].body and isinstance(found[0], ast.FunctionDef) \
                and not found[0].decorator_list:
            return found[0]
        return None


def _plain(nodes: list) -> Optional[list]:
    """``nodes``, or None when one reaches globals or attributes by a computed name."""
    if any(isinstance(n, ast.Name) and n.id in _COMPUTED or isinstance(n, ast.Attribute) and n.attr in _COMPUTED
           or isinstance(n, ast.Constant) and n.value in _COMPUTED for n, _ in nodes):
        return None
    return nodes


def _cleared_or_stored(stmt: ast.stmt) -> Optional[tuple]:
    """(what is cleared, None) for ``HELD.clear()``; (what is stored into, the key's form) for
    ``HELD[KEY] = value`` with a constant key; else None."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and not stmt.value.args \
            and not stmt.value.keywords and isinstance(stmt.value.func, ast.Attribute) \
            and stmt.value.func.attr == "clear":
        return stmt.value.func.value, None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
            and isinstance(stmt.targets[0].slice, ast.Constant) \
            and stmt.targets[0].slice.value.__class__ in (str, int, bool):
        key = stmt.targets[0].slice.value
        return stmt.targets[0].value, (key.__class__.__name__, key)
    return None


def _named_root(held: ast.AST, me: str, main: str, local: set, properties: set) -> Optional[Root]:
    """The root ``held`` names: a global of the main module predict does not bind, or an
    attribute of the instance no class defines (a property's code could run); else None."""
    if isinstance(held, ast.Name) and held.id not in local:
        return Root(held.id, main)
    if isinstance(held, ast.Attribute) and isinstance(held.value, ast.Name) and held.value.id == me \
            and held.attr not in properties:
        return Root(held.attr)
    return None


def _class_names(node: ast.ClassDef) -> set:
    """The names a class body binds (its methods, attributes, fields)."""
    return write_only._class_body_names(node)



def _steps_or_stores(node: ast.AST, parents: dict) -> bool:
    """Whether ``node`` (a mention of a root's name) stores it, steps it by += or -=, or stores or
    steps an item of it: its value reaches only itself."""
    parent = parents.get(node)
    if isinstance(node.ctx, ast.Del):
        return True
    if isinstance(node.ctx, ast.Store):
        return not isinstance(parent, ast.AugAssign) or isinstance(parent.op, _STEPS)
    if isinstance(parent, ast.Subscript) and parent.value is node:
        grand = parents.get(parent)
        if isinstance(parent.ctx, ast.Store):
            return not isinstance(grand, ast.AugAssign) or isinstance(grand.op, _STEPS)
    return False


def _module_names(tree: ast.Module, folder) -> tuple[set, set]:
    """The names the module binds only by importing flopscope, numpy or math (or their parts; not
    where the submission's folder holds a module of that name), and every name it binds."""
    libraries = {lib for lib in _LIBRARIES if not (folder / f"{lib}.py").exists() and not (folder / lib).exists()}
    imported: set = set()
    bound: dict = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            library = isinstance(node, ast.ImportFrom) and not node.level and \
                (node.module or "").split(".")[0] in libraries
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound[name] = bound.get(name, 0) + 1
                if library or isinstance(node, ast.Import) and alias.name.split(".")[0] in libraries:
                    imported.add(name)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound[node.id] = bound.get(node.id, 0) + 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[node.name] = bound.get(node.name, 0) + 1
        elif isinstance(node, ast.arg):
            bound[node.arg] = bound.get(node.arg, 0) + 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update((n, 2) for n in node.names)
    return {name for name in imported if bound.get(name) == 1}, set(bound)


def _plain_targets(stmt: ast.stmt) -> Optional[set]:
    """The local names a plain assignment binds (``w = ...``, ``width, depth = ...``); None for
    any other statement."""
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return {stmt.target.id}
    if not isinstance(stmt, ast.Assign):
        return None
    names: set = set()
    for target in stmt.targets:
        parts = target.elts if isinstance(target, ast.Tuple) else [target]
        if not all(isinstance(p, ast.Name) for p in parts):
            return None
        names.update(p.id for p in parts)
    return names


#: Expressions whose evaluation on values of libraries runs none of the program's code.
_INERT_NODES = (ast.Constant, ast.Attribute, ast.Subscript, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
                ast.IfExp, ast.Tuple, ast.List, ast.Call, ast.Name, ast.Slice, ast.keyword,
                ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context)


def _inert(expr: ast.AST, plain: set, imported: set, bound: set) -> bool:
    """Whether evaluating ``expr`` runs none of the program's code: names only of ``plain`` locals
    (the MLP, the budget, what such expressions made) and of libraries, builtins of
    _PLAIN_BUILTINS the module does not bind called, no lambda, comprehension or starred argument."""
    called = {id(c.func) for c in ast.walk(expr) if isinstance(c, ast.Call)}
    for node in ast.walk(expr):
        if not isinstance(node, _INERT_NODES):
            return False
        if isinstance(node, ast.Name) and node.id not in plain and node.id not in imported \
                and not (id(node) in called and node.id in _PLAIN_BUILTINS and node.id not in bound):
            return False
    return True
