"""Whether a count a function hands back may reach work after that function's next call.

A loop stopped by a value-dependent test hands back where it stopped (``return v, it``,
late_stops.handed_back). Each call's run of the loop may stop at another pass. When the caller
only prices that call's own work by the count (``topk_mask(var, self.rank_for(mu))``: a mask
whose shape is the width's), each call's cost depends on its own count alone, as the plans
explore it. When the count reaches work after the function's next call (``prev = it`` compared
with the next layer's, a running max, an attribute of an object that outlives the call), the
counts of several calls meet in one price: counts rising layer after layer pay the dear arm at
every layer, a mix no plan covers (api._open_at_repeating_sites opens the high end).

:func:`carried` follows the count through the caller syntactically, by name, never running
anything: into what the statements it is read in bind, through arithmetic, comparisons, items,
containers of the caller's own, the builtins and ``math`` functions that make numbers of it, and
the program's own functions it is handed to (by parameter, one level deep). It is carried where
it may be read across a later call of a user function (a path from that call reaches a read of a
name holding it before the name is bound anew: liveness.read_again), or where it leaves the
caller's frame (returned, yielded, stored on an object or in a name declared ``global``, read by a
nested scope, handed to a call it cannot follow), but into an attribute the program only writes (write_only.py). A numpy call's result is taken to carry it, but where the count only sets the
values of the result and not its shape (``fnp.isin(elements, idx)``: the shape is the
elements'): array values are answered by the sites that read them, as in late_stops.
"""

from __future__ import annotations

import ast
import weakref
from typing import Optional

from flopcast.analyzer import late_stops, value_flow, write_only
from flopcast.analyzer.liveness import loads, loop_reads, READ, read_again, sequence_fate
from flopcast.syntax import calls_introspection, DEF_SCOPES, own_nodes

#: numpy functions whose result's shape is set by their leading positional arguments alone: a
#: count in a later argument (or a keyword) sets only the result's values
_SHAPE_FROM = {"isin": 1}
#: builtins that make a number, a range or a sequence of what they are handed, keeping nothing
_BUILTINS = frozenset({"abs", "bool", "divmod", "enumerate", "float", "int", "len", "list", "max", "min", "pow",
                       "range", "reversed", "round", "sorted", "str", "sum", "tuple", "zip"})
#: how many of the program's functions deep a count handed on as an argument is followed
_DEPTH = 2

_MEMO: "weakref.WeakKeyDictionary[ast.AST, dict]" = weakref.WeakKeyDictionary()


def carried(program, caller: ast.AST, where: tuple, positions: Optional[tuple]) -> bool:
    """Whether the value of the call at ``where`` ((line, col, end line, end col)) in ``caller``
    may be read after a later call of a user function, or leaves ``caller``'s frame. ``positions``:
    per position of the returned tuple, whether it holds the count (None: the whole value)."""
    memo = _MEMO.get(caller)
    if memo is None:
        memo = _MEMO[caller] = {}
    key = (where, positions)
    if key not in memo:
        memo[key] = _carried(program, caller, where, positions)
    return memo[key]


def _carried(program, caller: ast.AST, where: tuple, positions: Optional[tuple]) -> bool:
    if caller.__class__ is ast.Lambda or _introspects(caller):
        return True
    call = next((n for n in own_nodes(caller.body) if n.__class__ is ast.Call
                 and (n.lineno, n.col_offset, n.end_lineno, n.end_col_offset) == where), None)
    if call is None:
        return True
    parents = _parents(caller)
    up = parents.get(id(call))
    if positions is not None and up.__class__ is ast.Assign and up.value is call and len(up.targets) == 1 \
            and up.targets[0].__class__ in (ast.Tuple, ast.List) and len(up.targets[0].elts) == len(positions) \
            and all(e.__class__ is ast.Name for e in up.targets[0].elts):
        # ``v, it = power(g)``: only the positions that hold the count bind it
        first = ({e.id for e, held in zip(up.targets[0].elts, positions) if held}, False)
    else:
        first = _follow(call, caller, parents, program, 0)
    spread = _spread(caller, first, parents, program, 0)
    if spread is None or spread[1] or spread[0] & _declared(caller):
        return True  # (returned: the caller's caller may keep it; a global one, any code may read)
    # (a name only ever logged, ``self.trace.append(("power", it))``, is read by no later work)
    tainted = {n for n in spread[0] if not _only_logged(caller, n, parents, program)}
    if not tainted:
        return False
    return any(isinstance(stmt, ast.stmt) and stmt.__class__ not in DEF_SCOPES and _calls_user_code(stmt, program)
               and any(_read_across(caller, stmt, name) for name in tainted) for stmt in own_nodes(caller.body))


def _read_across(function: ast.AST, stmt: ast.stmt, name: str) -> bool:
    """Whether what ``name`` holds when ``stmt`` calls user code may be read after that call: by
    ``stmt`` itself (any read in its own expressions, as it may come after the call, or be handed to
    it), by the statements it holds (a loop's body runs after its test's or iteration's call, an
    ``if``'s arms after its test's), or by code after it (liveness.read_again), but where ``stmt``
    binds it anew whole."""
    own = {n.id for n in _own_expressions(stmt) if n.__class__ is ast.Name and n.ctx.__class__ is ast.Load}
    if stmt.__class__ is ast.AugAssign and stmt.target.__class__ is ast.Name:
        own.add(stmt.target.id)
    if name in own:
        return True
    if stmt.__class__ is ast.If:
        if READ in (sequence_fate(stmt.body, name), sequence_fate(stmt.orelse, name)):
            return True
    elif stmt.__class__ in (ast.For, ast.AsyncFor, ast.While):
        if loop_reads(stmt, name):
            return True
    elif any(isinstance(c, ast.stmt) for c in ast.iter_child_nodes(stmt)) and name in loads(stmt):
        return True  # (a with, a try, a match: any read of it within)
    return name not in _bound(stmt) and read_again(function, stmt, name)


def _spread(function: ast.AST, first: Optional[tuple], parents: dict, program, depth: int) -> Optional[tuple]:
    """(the names of ``function`` the count reaches, whether it reaches a return) from ``first``,
    the names one read bound and whether it returned; None where it leaves the frame otherwise."""
    if first is None:
        return None
    tainted, returned = set(first[0]), first[1]
    todo = list(tainted)
    while todo:
        name = todo.pop()
        if any(n.__class__ is ast.Name and n.id == name for d in own_nodes(function.body) if d.__class__ in DEF_SCOPES
               for n in ast.walk(d)):
            return None  # a nested scope reads it (when, is not followed)
        for n in own_nodes(function.body):
            if n.__class__ is not ast.Name or n.id != name or n.ctx.__class__ is not ast.Load:
                continue
            found = _follow(n, function, parents, program, depth)
            if found is None:
                return None
            returned = returned or found[1]
            for m in found[0] - tainted:
                tainted.add(m)
                todo.append(m)
    return tainted, returned


def _follow(node: ast.AST, function: ast.AST, parents: dict, program, depth: int) -> Optional[tuple]:
    """Where the count read at ``node`` goes within its statement: (the names it binds, whether it
    is returned), or None where it may leave ``function``'s frame."""
    while True:
        up = parents.get(id(node))
        cls = up.__class__
        if cls is ast.Call:
            if node is up.func:
                # a method of what holds it (``ends.append(used)`` on the list that took it): one of
                # the library's containers only keeps or hands back what it holds; a def of the
                # program's may put it anywhere
                name = node.attr if node.__class__ is ast.Attribute else None
                if name is None or name not in value_flow.library_methods() or _defs_named(program, name):
                    return None
                if name in late_stops.KEEPING:
                    return set(), False
                node = up
                continue
            made = _call_result(up, node, function, program, depth)
            if made is None:
                return None
            if not made[0]:
                return made[1], False
            bound = made[1]
            if bound:
                # (a container of the caller's own took it: that name holds it too)
                rest = _follow(up, function, parents, program, depth)
                return None if rest is None else (rest[0] | bound, rest[1])
        elif cls is ast.keyword:
            pass  # (the call above it reads which parameter)
        elif cls in _THROUGH or cls is ast.Attribute and up.ctx.__class__ is ast.Load \
                or cls is ast.Subscript and up.ctx.__class__ is ast.Load:
            pass
        elif cls in (ast.Assign, ast.AnnAssign, ast.AugAssign):
            if node is not up.value:
                return None
            if _item_of_log(up, program):
                return set(), False  # ``self.iters[layer] = its``: an attribute nothing reads
            targets = up.targets if cls is ast.Assign else [up.target]
            names = set()
            for t in targets:
                elts = t.elts if t.__class__ in (ast.Tuple, ast.List) else [t]
                if any(e.__class__ is not ast.Name for e in elts):
                    return None  # stored on an object, or into an item
                names |= {e.id for e in elts}
            return names, False
        elif cls is ast.Return:
            return set(), True
        elif cls in (ast.Expr, ast.If, ast.While, ast.Assert):
            return set(), False  # read, kept nowhere
        elif cls is ast.comprehension:
            node = parents.get(id(up))  # (its iterable or a filter: the comprehension's value holds it)
            continue
        elif cls in (ast.For, ast.AsyncFor) and node is up.iter:
            elts = up.target.elts if up.target.__class__ in (ast.Tuple, ast.List) else [up.target]
            if any(e.__class__ is not ast.Name for e in elts):
                return None
            return {e.id for e in elts}, False
        else:
            return None
        node = up


#: expressions whose value holds what they read
_THROUGH = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.IfExp, ast.Tuple, ast.List, ast.Set, ast.Dict,
            ast.Starred, ast.FormattedValue, ast.JoinedStr, ast.Slice, ast.ListComp, ast.SetComp, ast.DictComp,
            ast.GeneratorExp)


def _call_result(call: ast.Call, arg: ast.AST, function: ast.AST, program, depth: int) -> Optional[tuple]:
    """(whether ``call``'s result holds the count read as its argument ``arg``, the names of
    ``function`` whose objects took it), or None where the call may keep it."""
    func = call.func
    library = _numpy_name(func)
    if library is not None:
        leading = _SHAPE_FROM.get(library)
        values_only = leading is not None and (arg.__class__ is ast.keyword or arg in call.args[leading:]) \
            and not any(a.__class__ is ast.Starred for a in call.args)
        return not values_only, set()
    name = func.id if func.__class__ is ast.Name else func.attr if func.__class__ is ast.Attribute else None
    # (a method name the library's containers or arrays also have may be one of theirs: not looked up)
    defs = _defs_named(program, name) if func.__class__ is ast.Name or name not in value_flow.library_methods() \
        else []
    if func.__class__ is ast.Name and name in _BUILTINS and not defs or _math_name(func):
        return True, set()  # (a number, or numbers, made of it)
    if defs and depth < _DEPTH:
        returned = False
        for d in defs:
            param = _parameter(d, call, arg, func.__class__ is ast.Attribute)
            if param is None:
                return None
            spread = _spread(d, ({param}, False), _parents(d), program, depth + 1)
            if spread is None or _introspects(d) or spread[0] & _declared(d):
                return None
            returned = returned or spread[1]
        return returned, set()
    if func.__class__ is ast.Attribute and not defs and func.value.__class__ is ast.Name \
            and func.value.id in _bound_in(function):
        return True, {func.value.id}  # ``rows.append(it)``: a container of its own holds it now
    if func.__class__ is ast.Attribute and func.value.__class__ is ast.Attribute \
            and func.value.attr in write_only.by_name(program):
        return False, set()  # ``self.cg_iters.append(its)``: an attribute nothing reads
    return None


def _only_logged(function: ast.AST, name: str, parents: dict, program) -> bool:
    """Whether every read of ``name`` in ``function`` only stores its value, as is or in a display
    (``("power", it)``), into an attribute the program never reads, by a statement that does nothing
    else with it (``self.cg_iters.append(its)``, ``self.iters[layer] = its``: write_only.py): what it
    holds then reaches no work."""
    written_only = write_only.by_name(program)
    for n in own_nodes(function.body):
        if n.__class__ is not ast.Name or n.id != name or n.ctx.__class__ is not ast.Load:
            continue
        node, up = n, parents.get(id(n))
        while up.__class__ in _DISPLAYS:
            node, up = up, parents.get(id(up))
        if up.__class__ is ast.Assign and node is up.value and _item_of_log(up, program):
            continue
        func = up.func if up.__class__ is ast.Call else None
        if func is None or node not in up.args or func.__class__ is not ast.Attribute \
                or func.attr not in write_only.SAFE_MUTATORS or func.value.__class__ is not ast.Attribute \
                or func.value.attr not in written_only or parents.get(id(up)).__class__ is not ast.Expr:
            return False
    return True


def _item_of_log(stmt: ast.stmt, program) -> bool:
    """Whether ``stmt`` stores its value only into items of attributes the program never reads
    (``self.iters[layer] = its``, write_only.py); its index is not its value."""
    return stmt.__class__ is ast.Assign and all(
        t.__class__ is ast.Subscript and t.value.__class__ is ast.Attribute
        and t.value.attr in write_only.by_name(program) for t in stmt.targets)


#: expressions that only gather what they read (building them calls no code of the program's)
_DISPLAYS = (ast.Tuple, ast.List)


def _parameter(d: ast.AST, call: ast.Call, arg: ast.AST, method: bool) -> Optional[str]:
    """The parameter of the def ``d`` that ``call`` hands ``arg`` to; None where not plainly known
    (a decorated def, a ``*`` argument, a parameter it collects into ``*args`` or ``**kwargs``)."""
    if d.__class__ is ast.Lambda or d.decorator_list or any(a.__class__ is ast.Starred for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    params = [a.arg for a in d.args.posonlyargs + d.args.args]
    if arg.__class__ is ast.keyword:
        return arg.arg if arg.arg in params + [a.arg for a in d.args.kwonlyargs] else None
    index = call.args.index(arg) + (1 if method and params[:1] in (["self"], ["cls"]) else 0)
    return params[index] if index < len(params) else None


def _numpy_name(func: ast.AST) -> Optional[str]:
    """``isin`` for ``fnp.isin`` (any ``fnp``/``np``/``numpy`` attribute chain); None otherwise."""
    if func.__class__ is not ast.Attribute:
        return None
    root = func.value
    while root.__class__ is ast.Attribute:
        root = root.value
    return func.attr if root.__class__ is ast.Name and root.id in ("fnp", "np", "numpy") else None


def _math_name(func: ast.AST) -> bool:
    """Whether ``func`` is a function of the ``math`` module (``math.sqrt``): each makes a number or
    a tuple of numbers of what it is handed, keeping nothing."""
    return func.__class__ is ast.Attribute and func.value.__class__ is ast.Name and func.value.id == "math"


def _calls_user_code(stmt: ast.stmt, program) -> bool:
    """Whether ``stmt`` (not the statements it holds) calls something other than numpy, math, a builtin of
    _BUILTINS or a method of the library's containers and arrays (``rows.append(m)``) no def of the
    program is named as: a user function, which may call the count's function again."""
    for n in _own_expressions(stmt):
        if n.__class__ is not ast.Call or _numpy_name(n.func) is not None or _math_name(n.func):
            continue
        func = n.func
        name = func.id if func.__class__ is ast.Name else func.attr if func.__class__ is ast.Attribute else None
        library = name in _BUILTINS if func.__class__ is ast.Name else name in value_flow.library_methods()
        if not library or _defs_named(program, name):
            return True
    return False


def _own_expressions(stmt: ast.stmt):
    """The nodes of ``stmt`` but those of the statements it holds and the scopes it defines."""
    todo = [c for c in ast.iter_child_nodes(stmt) if not isinstance(c, ast.stmt)]
    while todo:
        n = todo.pop()
        yield n
        todo.extend(c for c in ast.iter_child_nodes(n) if c.__class__ not in DEF_SCOPES and not isinstance(c, ast.stmt))


def _bound(stmt: ast.stmt) -> set:
    """The names ``stmt`` binds whole whenever it completes (its plain targets)."""
    if stmt.__class__ not in (ast.Assign, ast.AnnAssign):
        return set()
    targets = stmt.targets if stmt.__class__ is ast.Assign else [stmt.target]
    return {e.id for t in targets for e in (t.elts if t.__class__ in (ast.Tuple, ast.List) else [t])
            if e.__class__ is ast.Name}


def _bound_in(function: ast.AST) -> set:
    """The names ``function`` binds in its body (its own objects; not its parameters')."""
    return {n.id for n in own_nodes(function.body) if n.__class__ is ast.Name and n.ctx.__class__ is ast.Store}


def _introspects(function: ast.AST) -> bool:
    """A function whose names may all be read or written behind the syntax (locals(), vars())."""
    return calls_introspection(ast.walk(function))


def _declared(function: ast.AST) -> set:
    """The names ``function`` (or a scope in it) declares ``global`` or ``nonlocal``: code
    elsewhere may read them at any time (the others stay its frame's own)."""
    return {name for n in ast.walk(function) if n.__class__ in (ast.Global, ast.Nonlocal) for name in n.names}


def _defs_named(program, name: Optional[str]) -> list:
    """The program's defs named ``name``, in every module (as late_stops looks a method up)."""
    if program is None or name is None:
        return []
    return [n for m in program.modules.values() for n in _defs(m.tree) if n.name == name]


def _defs(tree: ast.AST) -> list:
    found = _DEFS.get(tree)
    if found is None:
        found = _DEFS[tree] = [n for n in ast.walk(tree) if n.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef)]
    return found


def _parents(function: ast.AST) -> dict:
    found = _PARENTS.get(function)
    if found is None:
        found = _PARENTS[function] = {id(c): n for n in ast.walk(function) for c in ast.iter_child_nodes(n)}
    return found


_DEFS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_PARENTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
