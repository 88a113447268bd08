"""Ops that call the program back: apply_along_axis and piecewise.

flopscope runs numpy's own function on the base ndarray, so the callback sees plain numpy
arrays (its numpy work is free; an fnp call inside it is charged as anywhere), then bills
``numel(output)`` for apply_along_axis and ``numel(x) × conditions`` for piecewise, at the
heavier of the input's dtype and the result's (flopscope's ``heavier_billing_dtype``).
"""

from __future__ import annotations

import ast
import math

from flopcast.syntax import ast_walk
from flopcast.analyzer import dtypes, pricing
from flopcast.analyzer.ops.operands import arg, axis_index, known_int, to_array
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.values import Array, FunctionVal, Known, ListVal, NumpyScalar, TupleVal, Unknown, Value

#: The dtype numpy gives a Python number a callback returns (np.asanyarray).
_PYTHON_DTYPES = {bool: "bool", int: "int64", float: "float64", complex: "complex128"}
#: The same, for numbers read from data (``float(fnp.sum(row))``).
_UNKNOWN_DTYPES = {"bool": "bool", "int": "int64", "float": "float64"}


def _result_form(value: Value, plain_numpy: bool) -> tuple:
    """(shape, dtype) of what numpy's asanyarray makes of a callback's result."""
    if isinstance(value, Array):
        if not value.plain:
            # numpy sizes its output buffer with zeros_like(result): flopscope refuses a
            # FlopscopeArray reaching numpy from inside its wrapper, and numpy's own
            # apply_along_axis finds no zeros_like implementation for it
            if plain_numpy:
                raise OpRaises("TypeError", "no implementation found for 'numpy.zeros_like' on types that "
                                            "implement __array_function__: [<class 'flopscope._ndarray.FlopscopeArray'>]")
            raise OpRaises("RuntimeError", "FlopscopeArray reached numpy.zeros_like from inside a flopscope "
                                           "wrapper (the callback of apply_along_axis returned a flopscope array)")
        return value.shape, value.dtype
    if isinstance(value, NumpyScalar):
        return (), value.dtype
    if isinstance(value, Known) and type(value.value) in _PYTHON_DTYPES:
        return (), _PYTHON_DTYPES[type(value.value)]
    if isinstance(value, Unknown) and value.kind in _UNKNOWN_DTYPES:
        return (), _UNKNOWN_DTYPES[value.kind]
    raise OpError("a callback result other than an array or a number is not modelled")


@handler("apply_along_axis")
def _apply_along_axis(ctx, args, kwargs):
    func = arg(args, kwargs, 0, "func1d")
    axis_v, source = arg(args, kwargs, 1, "axis"), arg(args, kwargs, 2, "arr")
    if func is None or axis_v is None or source is None:
        raise OpError("apply_along_axis without func1d, axis and arr")
    extra = list(args[3:])
    extra_kwargs = {k: v for k, v in kwargs.items() if k not in ("func1d", "axis", "arr")}
    x = to_array(ctx, source)
    axis = axis_index(known_int(axis_v, "axis"), x.ndim)
    rest = x.shape[:axis] + x.shape[axis + 1:]
    calls = math.prod(rest)
    if calls == 0:
        raise OpRaises("ValueError", "Cannot apply_along_axis when any iteration dimensions are 0")
    span = ctx.span
    form = None
    # np.apply_along_axis of a plain array is numpy's own, run unbilled (ctx.free); the
    # program's callback is not: its fnp calls are billed as anywhere
    plain_numpy, free = ctx.free > 0, ctx.free
    for _ in range(calls):
        row = Array((x.shape[axis],), x.dtype, plain=True)  # a new view of each 1-d slice
        ctx.free = 0
        try:
            result = ctx.call(func, [row] + extra, dict(extra_kwargs), span)
        finally:
            ctx.free = free
        ctx.span = span
        shape, dt = _result_form(result, plain_numpy)
        if form is None:
            form = (shape, dt)
        elif shape != form[0]:
            raise OpError("callback results whose shapes differ are not modelled")
    shape, dt = form
    out = Array(x.shape[:axis] + shape + x.shape[axis + 1:], dt)
    billed = dtypes.heavier(x.dtype, dt, pricing.rate)
    ctx.charge("apply_along_axis", out.size, billed, ctx.span if billed == "float64" else None)
    return out


@handler("piecewise")
def _piecewise(ctx, args, kwargs):
    """numpy's piecewise fills ``zeros_like(x)``: a constant where each condition holds, or its
    function of ``x[cond]`` (called only when that selects something). flopcast prices it when
    every function does only plain numpy work on what it is given (free at any size)."""
    source, condlist, funclist = arg(args, kwargs, 0, "x"), arg(args, kwargs, 1, "condlist"), \
        arg(args, kwargs, 2, "funclist")
    if source is None or condlist is None or funclist is None:
        raise OpError("piecewise without x, condlist and funclist")
    x = to_array(ctx, source)
    if x.ndim == 0:
        raise OpError("piecewise of a 0-d x is not modelled")
    # flopscope counts the conditions as numpy reads condlist: a list whose first item is an
    # array or a list holds one condition per item, anything else is one condition
    if isinstance(condlist, (ListVal, TupleVal)):
        conds = list(condlist.items)
        if not conds:
            raise OpError("piecewise with no conditions is not modelled")
        nested = isinstance(conds[0], (Array, ListVal))
        n_conds = len(conds) if nested else 1
        shapes = [to_array(ctx, c).shape for c in conds] if nested else [to_array(ctx, condlist).shape]
    elif isinstance(condlist, Array) and condlist.ndim:
        n_conds = condlist.shape[0] if condlist.ndim >= 2 else 1
        shapes = [condlist.shape[1:]] * n_conds if condlist.ndim >= 2 else [condlist.shape]
    else:
        raise OpError("piecewise with conditions that are not arrays is not modelled")
    if any(s != x.shape for s in shapes):
        raise OpError("piecewise conditions whose shape is not x's are not modelled")
    funcs = list(funclist.items) if isinstance(funclist, (ListVal, TupleVal)) else None
    if funcs is None:
        raise OpError("piecewise with a funclist that is not a list is not modelled")
    if len(funcs) not in (n_conds, n_conds + 1):
        raise OpRaises("ValueError", f"with {n_conds} condition(s), either {n_conds} or {n_conds + 1} functions "
                                     "are expected")
    extra = list(args[3:]) + [v for k, v in kwargs.items() if k not in ("x", "condlist", "funclist")]
    for f in funcs:
        if isinstance(f, Known) and type(f.value) in _PYTHON_DTYPES or isinstance(f, NumpyScalar):
            continue
        if not _free_callback(ctx, f) or any(not isinstance(a, Known) for a in extra):
            raise OpError("a piecewise function whose work may depend on how many elements its condition "
                          "selects is not modelled (only plain numpy work on its argument is)")
    ctx.charge("piecewise", x.size * max(n_conds, 1), x.dtype, ctx.span if x.dtype == "float64" else None)
    return Array(x.shape, x.dtype, dtype_origin=x.dtype_origin)


# (not float/int/bool/round: of an array of more than one element they raise)
_FREE_BUILTINS = frozenset({"abs", "min", "max", "pow", "len"})


def _free_callback(ctx, f: Value) -> bool:
    """Whether calling ``f`` on a plain numpy array does only numpy's own (unbilled) work: plain
    numpy's functions, or a lambda/def without defaults whose names are its parameters, plain
    numpy, numbers and a few builtins, and which defines nothing inside."""
    from flopcast.analyzer.values import Builtin, LibRef

    if isinstance(f, LibRef):
        return f.path.startswith("rawnumpy.")
    if isinstance(f, Builtin):
        return f.name == "abs"
    if not isinstance(f, FunctionVal) or f.defaults or f.kw_defaults or f.attrs:
        return False
    node = f.node
    params = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
    params |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
    body = [node.body] if isinstance(node, ast.Lambda) else node.body
    for n in (m for b in body for m in ast_walk(b)):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Global,
                          ast.Nonlocal, ast.Yield, ast.YieldFrom, ast.Await, ast.Import, ast.ImportFrom)):
            return False
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in params:
            if not _free_name(ctx, f, n.id):
                return False
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            params.add(n.id)  # a local of its own (walk order: a store before its later loads)
    return True


def _free_name(ctx, f: FunctionVal, name: str) -> bool:
    from flopcast.analyzer.values import Builtin, LibRef

    value = None
    for scope in getattr(f.closure, "maps", [f.closure]) if f.closure is not None else []:
        if name in scope:
            value = scope[name]
            break
    if value is None:
        value = ctx.module_env(f.module).get(name)
    if value is None:
        return name in _FREE_BUILTINS
    if isinstance(value, Builtin):
        return value.name in _FREE_BUILTINS
    if isinstance(value, LibRef):
        return value.path == "rawnumpy" or value.path.startswith("rawnumpy.")
    return isinstance(value, Known) and type(value.value) in _PYTHON_DTYPES
