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
  or ``**kwargs``, whose body (after a docstring) is only assignments to local names,
  ``return`` and ``if``, over expressions of constants, its parameters and those locals joined
  by arithmetic, comparisons, ``and``/``or``/``not`` and conditional expressions: arithmetic on
  plain numbers calls no user code, charges no FLOP and writes nothing;
* its table keeps every entry (``maxsize=None``): a bounded one evicts, and which entries a
  later call finds then depends on the order of use.
"""

from __future__ import annotations

import ast

from flopcast.analyzer.values import Known

_NUMBERS = (int, float, bool)
_STATEMENTS = (ast.Return, ast.Assign, ast.AugAssign, ast.If)
_EXPRESSIONS = (ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
                ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context)


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
    return node is not None and pure(node)


def pure(node: ast.AST) -> bool:
    """Whether a cached function's body only computes a value from its parameters (kept on its
    node)."""
    try:
        return node._flopcast_pure
    except AttributeError:
        node._flopcast_pure = found = _pure(node)
        return found


def _pure(node: ast.AST) -> bool:
    if type(node) is not ast.FunctionDef or len(node.decorator_list) != 1:
        return False
    args = node.args
    if args.vararg or args.kwarg or args.defaults or any(d is not None for d in args.kw_defaults):
        return False
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    body = node.body
    if body and type(body[0]) is ast.Expr and type(body[0].value) is ast.Constant:
        body = body[1:]
    for stmt in ast.walk(ast.Module(body=body, type_ignores=[])):
        if type(stmt) is ast.Assign:
            if not all(type(t) is ast.Name for t in stmt.targets):
                return False
            names.update(t.id for t in stmt.targets)
        elif type(stmt) is ast.AugAssign and type(stmt.target) is not ast.Name:
            return False
    for n in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(n, ast.stmt):
            if not isinstance(n, _STATEMENTS):
                return False
        elif type(n) is ast.Module:
            continue
        elif not isinstance(n, _EXPRESSIONS):
            return False
        elif type(n) is ast.Name and n.id not in names:
            return False  # a global or a builtin: it may be anything
        elif type(n) is ast.Constant and type(n.value) not in _NUMBERS and n.value is not None:
            return False
    return True
