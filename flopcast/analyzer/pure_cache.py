"""lru_cache entries a first call of ``predict`` added whose hits stand in for its runs exactly.

A cost model memoised on numbers (``@lru_cache def meanfield_cost(width): return 4 * width *
width + 90 * width``) adds an entry at the first call of ``predict``; the second call hits it
where the first ran the body, so the state after the first call is unlike the one it started
from and carried.py calls ``predict`` again on every path (a third of staged_pipeline's run).

A hit returns the entry's value, the object the miss returned; the miss ran the body once more
than the hit. When that run did nothing but compute the value, a call that hits makes the moves
of one that missed. It did when

* every part of the key is a known int, float or bool (``lru.make_key``'s "fast", "K" and "kw"
  parts), so the parameters held plain numbers;
* the value is a known int, float or bool;
* the function is a plain ``def`` with the cache as its only decorator, no defaults, ``*args``
  or ``**kwargs``, whose body (after a docstring) is only assignments to local names (or tuples
  of them), ``return`` and ``if``, over expressions of constants, its parameters and those locals
  joined by arithmetic, comparisons, ``and``/``or``/``not``, conditional expressions, tuples,
  lists, subscripts and comprehensions, and calls without keywords of names that are, in its
  module when the entry is asked about, an unshadowed builtin among ``min``, ``max``, ``divmod``,
  ``range``, ... or a module-level function of the same kind (itself, for a recursive Strassen
  cost model; an undecorated helper; another such cached function): arithmetic on plain numbers
  calls no user code, charges no FLOP and writes nothing (the entries the calls add to other
  tables are asked about in turn);
* its table keeps every entry (``maxsize=None``): a bounded one evicts, and which entries a
  later call finds then depends on the order of use.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.values import FunctionVal, Known

_NUMBERS = (int, float, bool)
_STATEMENTS = (ast.Return, ast.Assign, ast.AugAssign, ast.If)
_EXPRESSIONS = (ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
                ast.Call, ast.Tuple, ast.List, ast.Subscript, ast.Slice, ast.ListComp, ast.GeneratorExp,
                ast.comprehension, ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context)
#: Builtins a pure body may call (with plain numbers, tuples and lists of them, and no keywords,
#: none runs user code nor writes anything), where no global of the function's module shadows them.
_PURE_CALLS = frozenset({"abs", "bool", "divmod", "float", "int", "len", "max", "min", "pow", "range", "round",
                         "sum"})


def stands_in(interp, key: tuple) -> bool:
    """Whether a hit on the entry ``key`` of ``interp``'s tables makes the moves of the run of
    the function that added it (the module's comment)."""
    owner = key[:2]
    if owner in interp.cache_bounded:
        return False
    if not all(p[0] == "kw" or p[0] in ("fast", "K") and type(p[1]) in _NUMBERS for p in key[2]):
        return False
    value = interp._cache_results[key]
    if type(value) is not Known or type(value.value) not in _NUMBERS:
        return False
    node = interp.program.cached_nodes.get(owner[0])
    return node is not None and _resolves(interp, node, True, set())


def _resolves(interp, node: ast.AST, cached: bool, seen: set) -> bool:
    """Whether ``node`` (a module-level function, cached or not) is pure, and every name its body
    calls is, in its module now, an unshadowed builtin of ``_PURE_CALLS`` or a plain module-level
    function that is pure in turn (itself, for a recursive cost model)."""
    if id(node) in seen:
        return True
    seen.add(id(node))
    calls = pure(node) if cached else _helper_pure(node)
    if calls is None:
        return False
    if not calls:
        return True
    env = next((env for env in interp.module_envs.values()
                if _defines(env.get(getattr(node, "name", None)), node)), None)
    if env is None:
        return False
    for name in calls:
        value = env.get(name)
        if value is None:
            if name not in _PURE_CALLS:
                return False
        elif type(value) is not FunctionVal or value.closure is not None or value.attrs or value.kind != "function" \
                or value.cache_spec is not None and value.cache_spec.maxsize is not None \
                or not _resolves(interp, value.node, value.cached, seen):
            return False
    return True


def _defines(value, node: ast.AST) -> bool:
    """Whether a module global holds the function made by ``node`` (the name its body calls itself by)."""
    return type(value) is FunctionVal and value.node is node and value.closure is None


def pure(node: ast.AST) -> Optional[frozenset]:
    """Whether a cached function's body only computes a value from its parameters: the global
    names it calls (each must be a pure builtin or a pure function: ``_resolves``), or None when it
    may do more (kept on its node)."""
    try:
        return node._flopcast_pure
    except AttributeError:
        node._flopcast_pure = found = _pure(node, 1)
        return found


def _helper_pure(node: ast.AST) -> Optional[frozenset]:
    """``pure`` of a plain (undecorated) function a pure body calls."""
    try:
        return node._flopcast_helper_pure
    except AttributeError:
        node._flopcast_helper_pure = found = _pure(node, 0)
        return found


def _pure(node: ast.AST, decorators: int) -> Optional[frozenset]:
    if type(node) is not ast.FunctionDef or len(node.decorator_list) != decorators:
        return None
    args = node.args
    if args.vararg or args.kwarg or args.defaults or any(d is not None for d in args.kw_defaults):
        return None
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    body = node.body
    if body and type(body[0]) is ast.Expr and type(body[0].value) is ast.Constant:
        body = body[1:]
    module = ast.Module(body=body, type_ignores=[])
    for stmt in ast.walk(module):
        if type(stmt) is ast.Assign:
            for target in stmt.targets:
                bound = target.elts if type(target) is ast.Tuple else [target]
                if not all(type(t) is ast.Name for t in bound):
                    return None
                names.update(t.id for t in bound)
        elif type(stmt) is ast.AugAssign and type(stmt.target) is not ast.Name:
            return None
        elif type(stmt) is ast.comprehension:
            bound = stmt.target.elts if type(stmt.target) is ast.Tuple else [stmt.target]
            if stmt.is_async or not all(type(t) is ast.Name for t in bound):
                return None
            names.update(t.id for t in bound)
    called: set = set()
    for n in ast.walk(module):
        if isinstance(n, ast.stmt):
            if not isinstance(n, _STATEMENTS):
                return None
        elif type(n) is ast.Module:
            continue
        elif not isinstance(n, _EXPRESSIONS):
            return None
        elif type(n) is ast.Call:
            if type(n.func) is not ast.Name or n.keywords or any(type(a) is ast.Starred for a in n.args) \
                    or n.func.id in names:
                return None
            called.add(n.func.id)
        elif type(n) is ast.Name and n.id not in names and n.id not in called:
            return None  # a global or a builtin: it may be anything
        elif type(n) is ast.Constant and type(n.value) not in _NUMBERS and n.value is not None:
            return None
    return frozenset(called)
