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
* **written only**: an attribute the program only writes (write_only.by_name: assigned, or
  appended to, or items stored into it), whose kind, where a write needs one, is alike on every
  path; or
* **written only at the keys that differ**: a dict (on every path, with the same keys) whose
  items differ only under constant keys each mention of which (``self.stats["rungs"]``) writes
  only (write_only.use: a store, a step, an item stored, a counter ``d[k] = d.get(k, 0) + 1``, a
  mutating method as a statement), needing of the item no more than the paths share; the dict
  is mentioned otherwise only at other constant keys (read freely), stored anew as a display of
  new objects, or as a library module's attribute (``flops.stats``: never one of the dict's
  objects, each made by a display where it is stored); or
* **cleared first**: a module global, or an attribute of the instance, holding a list, dict, set or
  deque of one kind on every path, that ``predict`` (the estimator class's own, undecorated)
  clears (``FLAGS.clear()``, ``self.log.clear()``) at its top level after statements that
  cannot reach it (plain assignments of expressions of the MLP, the budget, locals and flopscope,
  numpy and math: no code of the program runs before the clear): what it held is read by no call;
  or
* **stored anew first**: an attribute of the instance predict stores at its top level
  (``self.sizes = []``, ``rows, self.sizes = [], []``) where no code that may run before the
  store reads its name (the statements before it, the functions they name, every function
  named as a value, every generator, dunder and lambda, read by name to a fixed point; predict
  not among them);

and no object inside a root that differs is reachable from another root (an alias would read
it), nor, but for the dicts' new objects, from a live lru_cache entry (no root tells: a cached
value a root holds is read through the cache). Anything else, or a part that cannot be told
apart (the lru_cache tables, a state that cannot be compared), leaves the high end open, as
before.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer import past_record, write_only
from flopcast.analyzer.carried import Root

#: Tags of the forms that name an object (canonical.py): ``(tag, number, ...)`` where it is first
#: met, ``(tag, number)`` (a list's ``(tag, number, None)``) where it is met again.
_OBJECT_TAGS = frozenset({"L", "D", "I", "KS", "SI", "M", "F"})
#: The kinds of container ``.clear()`` empties without running the program's code.
_CLEARABLE = frozenset({"L", "D", "KS", "Q"})
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
    past = len(lengths) > 1 or past_record.mixed_moves(followed)
    for k in range(max(lengths, default=0) + past):
        states, moved = past_record.states_at_call(followed, k, past)
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
        steered._cached = any(map(_objects, states[0].whole[-1][1]))
        for root in differing | set(moved):
            # a root a settled path still moves: read with the form it had before the call whose
            # moves every later call makes too (only numbers moved: still of one class)
            if not steered.not_read(root, paths + moved.get(root, []), _shares(root, shared)):
                return True
    return False


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


def _meets(how: str, forms: list) -> bool:
    """Whether ``forms`` (a value's on each path) are alike in all a write of ``how``
    (write_only.use) needs of them not to raise or charge otherwise."""
    if how == write_only.NUMBER:
        return _numbers_only(forms)
    if any(f.__class__ is not tuple or not f for f in forms):
        return False
    if how == write_only.KIND:
        return all(f[0] in ("L", "D", "KS") for f in forms) and len({(f[0],) + _emptied(f)[2:] for f in forms}) == 1
    if how in (write_only.ITEMS, write_only.COUNTER):
        if any(f[0] != "D" or len(f) < 4 for f in forms) or len({f[3:] for f in forms}) > 1:
            return False
        # a counter's ``get(k, 0) + 1`` raises on no number held
        return how == write_only.ITEMS or all(v[0] == "K" and v[1][0] in ("int", "float")
                                              for f in forms for _, v in f[2])
    return how == write_only.STORE


def _objects(form) -> set:
    """The numbers of the objects ``form`` names (where first met or met again)."""
    found: set = set()
    todo = [form]
    while todo:
        f = todo.pop()
        if f.__class__ is tuple:
            if len(f) > 1 and f[0] in _OBJECT_TAGS and f[1].__class__ is int:
                found.add(f[1])
            todo.extend(f)
    return found


def _classes(form) -> frozenset:
    """The forms of the classes ``form`` holds, with their attributes (canonical's class form,
    where first met): ``self.count`` and ``type(self).count`` reach a class's attribute through
    an instance, so whether code mentions the root's name tells nothing of their reads."""
    found: set = set()
    todo = [form]
    while todo:
        f = todo.pop()
        if f.__class__ is tuple:
            if len(f) == 4 and f[0] == "C" and f[1].__class__ is int and f[3].__class__ is tuple:
                found.add(f)
            todo.extend(f)
    return frozenset(found)


def _names_attribute(target: ast.AST, me: str, name: str) -> bool:
    """Whether an assignment's target stores ``me.name``, whole or as a part of a tuple or list."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_names_attribute(t, me, name) for t in target.elts)
    return isinstance(target, ast.Attribute) and target.attr == name and isinstance(target.value, ast.Name) \
        and target.value.id == me


def _binds(node: ast.AST, name: str) -> bool:
    """Whether ``node`` binds ``name``: an assignment, a parameter, an import (a module's, or one
    of its names under its own name or another), a def or a class."""
    return isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load) \
        or isinstance(node, ast.arg) and node.arg == name \
        or isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name \
        or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name


def _resumable(function: ast.AST) -> bool:
    """A coroutine, or a generator (a yield of its own, not of a function or lambda inside it)."""
    if isinstance(function, ast.AsyncFunctionDef):
        return True
    todo = list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _constant_key(node: ast.AST, parent: ast.AST) -> Optional[tuple]:
    """The form of the key (``("str", "rungs")``) ``parent`` indexes ``node`` by, where that is a
    constant str, int or bool; else None."""
    if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.slice, ast.Constant) \
            and parent.slice.value.__class__ in (str, int, bool):
        return (parent.slice.value.__class__.__name__, parent.slice.value)
    return None


def _stored_new(target: ast.AST, parents: dict) -> bool:
    """Whether ``target`` is an assignment's one target, given a new object: a constant or a
    display (``{"rungs": {}, "refits": 0}``) of such, so no object held elsewhere (a library's,
    a cached value) is stored there."""
    stmt = parents.get(target)
    return (isinstance(stmt, ast.Assign) and stmt.targets == [target]
            or isinstance(stmt, ast.AnnAssign) and stmt.target is target and stmt.value is not None) \
        and _new(stmt.value)


def _new(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Dict):
        return all(k is not None and _new(k) for k in expr.keys) and all(map(_new, expr.values))
    return isinstance(expr, (ast.List, ast.Tuple, ast.Set)) and all(map(_new, expr.elts))


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
        # whether the lru_cache entries a later call can hit hold objects (a list, a dict, an
        # instance): one a root holds may be a cached value too (no root tells), which a later
        # call reads through the cache
        self._cached = False

    def not_read(self, root: Root, paths: list[dict], shares: set) -> bool:
        """Whether no later call reads what ``root`` holds, on any path (``paths``: each one's
        roots' forms), ``shares`` the numbers of its objects other roots hold too."""
        forms = [roots[root] for roots in paths]
        if len({_classes(f) for f in forms}) > 1:
            return False  # (a class's attributes differ: read through every instance of it, by no name)
        # (the objects _items_written_only writes into are each made by a display: no cached value)
        alone = not shares and (not self._cached or not any(map(_objects, forms)))
        return alone and (self._stepped_only(root, forms) or self._written_only(root, forms)
                          or self._stored_anew_first(root)) \
            or not shares and (self._items_written_only(root, forms) or self._written_through_helpers(root, forms)) \
            or self._cleared_first(root, paths, shares)

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
        return nodes is not None and write_only.stepped_only(nodes, root.name, root.module is not None)

    def _written_only(self, root: Root, forms: list) -> bool:
        """An attribute the program only writes (write_only.by_name): what it holds matters not
        at all, or only by its kind, alike on every path."""
        how = write_only.by_name(self.program).get(root.name) if root.module is None else None
        if how is None:
            return False
        return not how or _meets(write_only.ITEMS if how == write_only.ITEM else write_only.KIND, forms)

    def _items_written_only(self, root: Root, forms: list) -> bool:
        """A dict whose items differ by path only under constant keys whose every mention
        (``self.stats["rungs"]``) writes only (write_only.use), each needing of the item's forms
        no more than they share; the dict itself mentioned only as so indexed or stored anew."""
        if any(f.__class__ is not tuple or len(f) < 4 or f[0] != "D" for f in forms) \
                or len({(tuple(k for k, _ in f[2]),) + f[3:] for f in forms}) > 1:
            return False  # (not a dict on every path, or other keys, or another default)
        keys = [k for k, _ in forms[0][2]]
        differing = [i for i in range(len(keys)) if len({f[2][i][1] for f in forms}) > 1]
        for f in forms:
            inside = set().union(*(_objects(f[2][i][1]) for i in differing))
            if inside & set().union(*(_objects(v) for i, (_, v) in enumerate(f[2]) if i not in differing)):
                return False  # (another item holds an object of one that differs: reading it reads that)
        needs: dict = {keys[i]: set() for i in differing}
        stored_new: dict = {}  # per key: whether every store of it stores a new object (_stored_new)
        nodes = self._nodes()
        found = None if nodes is None else write_only.mentions(nodes, root.name, root.module is not None)
        if found is None:
            return False
        libraries = self._library_attributes()
        for node, parents in found:
            parent = parents.get(node)
            if id(node) in libraries or isinstance(node.ctx, ast.Del):
                continue
            if isinstance(node.ctx, ast.Store):
                if _stored_new(node, parents) and isinstance(parent.value, ast.Dict):
                    continue  # a new dict of new objects, held by nothing else
                return False  # (an object held elsewhere may be stored: a library's, a cached value)
            key = _constant_key(node, parent)
            if key is None:
                return False  # the dict read whole, or at a key not known here
            if key in needs:
                how = write_only.use(parent, parents)
                if how is None:
                    return False
                needs[key].add(how)
                fresh = how != write_only.STORE or _stored_new(parent, parents)
                stored_new[key] = stored_new.get(key, True) and fresh
        # an item written into (not only stored anew) was made where it is stored, as the dict was
        mutated = {write_only.KIND, write_only.ITEMS, write_only.COUNTER}
        return all(_meets(how, [f[2][i][1] for f in forms]) for i in differing for how in needs[keys[i]]) \
            and all(stored_new.get(keys[i], True) for i in differing if needs[keys[i]] & mutated)

    def _written_through_helpers(self, root: Root, forms: list) -> bool:
        """A list, dict or set each mention of whose name writes only (write_only.use), or hands
        it to a function of the program whose parameter then writes only or hands it on
        (``_helper_needs``: ``stopwatch(self.timings, label)`` appending to ``log``), each write
        needing of its forms no more than they share; stored only as a display of new objects
        (or read as a library module's attribute: ``fnp.log``)."""
        nodes = self._nodes()
        found = None if nodes is None else write_only.mentions(nodes, root.name, root.module is not None)
        if found is None:
            return False
        libraries = self._library_attributes()
        needs: set = set()
        for node, parents in found:
            if id(node) in libraries or isinstance(node.ctx, ast.Del):
                continue
            if isinstance(node.ctx, ast.Store):
                if not _stored_new(node, parents):
                    return False  # (an object held elsewhere may be stored: a library's, a cached value)
                continue
            how = write_only.use(node, parents)
            handed = None if how is not None else self._helper_needs(node, parents, set())
            if how is None and handed is None:
                return False
            needs |= {how} if how is not None else handed
        return all(_meets(how, forms) for how in needs)

    def _helper_needs(self, node: ast.AST, parents: dict, seen: set) -> Optional[set]:
        """Where ``node`` is a positional argument of a call of a function of the program by a
        name nothing else binds (undecorated, or a contextmanager), whose parameter there is
        never rebound and each of whose mentions writes only or is handed on so: what those
        writes need (write_only.use); else None."""
        call = parents.get(node)
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or node not in call.args \
                or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        function = self._helper(call.func.id)
        index = call.args.index(node)
        params = function.args.posonlyargs + function.args.args if function is not None else []
        if index >= len(params):
            return None
        name = params[index].arg
        if (id(function), index) in seen:
            return set()
        seen.add((id(function), index))
        inner = {child: n for n in ast.walk(function) for child in ast.iter_child_nodes(n)}
        needs: set = set()
        for n in ast.walk(function):
            if isinstance(n, ast.arg) and n.arg == name and n is not params[index] \
                    or isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names:
                return None  # (another binding of the name)
            if isinstance(n, ast.Name) and n.id == name:
                if not isinstance(n.ctx, ast.Load):
                    return None
                how = write_only.use(n, inner)
                handed = None if how is not None else self._helper_needs(n, inner, seen)
                if how is None and handed is None:
                    return None
                needs |= {how} if how is not None else handed
        return needs

    def _helper(self, name: str) -> Optional[ast.FunctionDef]:
        """The one function of the program ``name`` binds: one def, undecorated or a
        contextmanager (which calls it with the same arguments), and no other binding of the name
        anywhere (an assignment, a parameter, an import, a class)."""
        nodes = self._loaded_nodes() or []
        defs = [n for n, _ in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and n.name == name]
        if len(defs) != 1 or not isinstance(defs[0], ast.FunctionDef) \
                or sum(_binds(n, name) for n, _ in nodes) > 1:
            return None
        decorators = defs[0].decorator_list
        # contextlib's contextmanager, bound by nothing but its import
        if decorators and (len(decorators) > 1 or write_only.mention(decorators[0]) != "contextmanager" or any(
                _binds(n, bound) and not (isinstance(n, ast.alias) and n.name == bound and n.asname is None)
                for n, _ in nodes for bound in ("contextmanager", "contextlib"))):
            return None
        return defs[0]

    def _library_attributes(self) -> set:
        """The ids of the nodes that read an attribute of a library module (``flops.stats``: a
        name its module binds only by importing flopscope, numpy or math). Such an attribute is no
        object of the state a root holds where every store of the root's name is a new dict."""
        found: set = set()
        for nodes, _, _ in self._walked.trees:
            if nodes and isinstance(nodes[0], ast.Module):
                imported, _ = _module_names(nodes[0], self.program.root)
                found.update(id(n) for n in nodes if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)
                             and isinstance(n.value, ast.Name) and n.value.id in imported)
        return found

    def _stored_anew_first(self, root: Root) -> bool:
        """An attribute of the instance predict (the class's own, undecorated) stores anew at its
        top level (``self.sizes = []``, ``rows, self.sizes = [], []``) where no code that can run
        before the store reads its name (``_reads_before``): what it held before is read by no call."""
        nodes = self._loaded_nodes()
        predict = None if nodes is None or root.module is not None else self._predict(nodes)
        if predict is None or not predict.args.args:
            return False
        me = predict.args.args[0].arg
        if any(isinstance(n, ast.Name) and n.id == me and not isinstance(n.ctx, ast.Load) for n in ast.walk(predict)):
            return False  # (self rebound: another object's attribute may be stored)
        if any(isinstance(n, ast.ClassDef) and root.name in write_only.class_body_names(n) for n, _ in nodes):
            return False  # (a property's or descriptor's setter runs at the store, and may read)
        for i, stmt in enumerate(predict.body):
            if isinstance(stmt, ast.Assign) and any(_names_attribute(t, me, root.name) for t in stmt.targets):
                reads = self._reads_before(predict.body[:i] + [stmt.value], nodes)
                return reads is not None and root.name not in reads
        return False

    def _reads_before(self, prefix: list, nodes: list) -> Optional[set]:
        """Every name (a plain name's, an attribute's) the code ``prefix`` (statements, expressions)
        may run mentions otherwise than as a store's target (``x.name = v`` reads nothing), read
        by name: the functions named in it, every function whose name is mentioned otherwise than
        called (a value: a callback, a partial's, a dict's), every generator and coroutine (one
        made earlier runs on at ``next``), every dunder (Python calls them) and every lambda, with
        those each names, to a fixed point. None where predict may run again."""
        defs: dict = {}
        for node, _ in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs.setdefault(node.name, []).append(node)
        called = {id(n.func) for n, _ in nodes if isinstance(n, ast.Call)}
        todo = list(prefix) + [n for n, _ in nodes if isinstance(n, ast.Lambda)]
        todo += [d for name, found in defs.items() for d in found if name.startswith("__") or _resumable(d)]
        todo += [d for n, _ in nodes if write_only.mention(n) in defs and id(n) not in called
                 for d in defs[write_only.mention(n)]]
        reached: set = set()
        reads: set = set()
        seen: set = set()
        while todo:
            code = todo.pop()
            if id(code) in seen:
                continue
            seen.add(id(code))
            stepped = {id(n.target) for n in ast.walk(code) if isinstance(n, ast.AugAssign)}
            for node in ast.walk(code):
                mentioned = write_only.mention(node)
                if mentioned is None:
                    continue
                if not isinstance(getattr(node, "ctx", None), ast.Store) or id(node) in stepped:
                    reads.add(mentioned)
                if mentioned not in reached:
                    reached.add(mentioned)
                    todo.extend(defs.get(mentioned, ()))
        return None if "predict" in reached else reads

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
        properties = {name for n, _ in nodes if isinstance(n, ast.ClassDef)
                      for name in write_only.class_body_names(n)}
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
