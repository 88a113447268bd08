"""Where a number's reads flow: only into array values and floats, or into what nothing reads, or
on into a price (a shape, a size, an index, a test, a call that may keep it).

late_stops.py asks it of a count a stopped loop leaves (``t / drawn`` prices nothing later, ``fnp.ones(it)``
does), and of what a caller does with a count handed back (caller_prices); carried_counts.py of the
methods a count is handed to. Read from the syntax alone, never running anything.
"""

from __future__ import annotations

import ast
import collections
import functools
import logging
import weakref
from typing import Optional

from flopcast.analyzer import dtypes, write_only
from flopcast.syntax import DEF_SCOPES


def reaches_values(name: str, function: ast.AST, own_work, program, depth: int, joins: bool = False,
                    handed: Optional[frozenset] = None) -> bool:
    """Whether every read of ``name`` in ``function`` (but those ``own_work`` says are not the
    later work's, outside nested scopes), and of the names bound from it, flows only into values
    (late_stops._values_only); ``depth``: how many method calls it was handed through (one at most)."""
    parents = {id(c): n for n in ast.walk(function) for c in ast.iter_child_nodes(n)}
    if any(n.__class__ in (ast.Global, ast.Nonlocal) for n in ast.walk(function)) or any(
            n.__class__ is ast.Call and n.func.__class__ is ast.Name and n.func.id in _INTROSPECT
            for n in ast.walk(function)):
        return False
    todo, seen = [(name, True)], {}
    while todo:
        current, may_int = todo.pop()
        if current in seen and seen[current] >= may_int:
            continue
        seen[current] = may_int
        for n in ast.walk(function):
            if n.__class__ is not ast.Name or n.id != current or n.ctx.__class__ is ast.Store:
                continue
            if current == name and own_work is not None and not nested(n, function, parents) and own_work(n):
                continue  # the loop's own work, or work before it
            if n.ctx.__class__ is ast.Del or nested(n, function, parents):
                return False
            bound = _flow(n, may_int, parents, program, depth, joins, handed)
            if bound is None:
                return False
            todo.extend(bound)
    return True


def _flow(node: ast.AST, may_int: bool, parents: dict, program=None, depth: int = 0, joins: bool = False,
          handed: Optional[frozenset] = None):
    """Where the value read at ``node`` goes: the (name, may be an int) pairs it is bound to, or None
    where it may reach a price (a sink). ``may_int``: whether it may still be an int (or a
    sequence holding ints), whose products are lengths. A statement that only hands it on to what
    nothing reads ends it: an append to a write-only attribute (write_only.py) or an item of one
    stored, a keyword argument of a method call whose result is dropped where every def of that
    name does so (_dropped_by). ``joins``: a float or array values also flow through a list of
    them and an array built of one (``fnp.stack([s / total for s in sums])``: its shape is how
    many, never what they hold), and arithmetic with a float constant makes a float of an int;
    read so where a stop's count is returned (returned_after, caller_prices), session 52's,
    leaving the older callers' answers as they were. ``handed``: where not None, a return hands the
    value to a caller that may price work by it, a float too (``int(2 * c)`` sizing an array), so
    it is a sink but for an array made by a call of one of these names of flopscope's numpy whose
    value the analyzer never knows (``fnp.sum(s) - 1.0 / drawn``: _flopscope_call), which later
    sites answer for."""
    arrayed = False
    while True:
        up = parents.get(id(node))
        cls = up.__class__
        if cls is ast.BinOp:
            other = up.right if up.left is node else up.left
            # (with a float constant, a number, even an int, makes a float: ``1e-9 * (steady + passes)``)
            floated = joins and other.__class__ is ast.Constant and other.value.__class__ is float
            if may_int and not floated and up.op.__class__ not in (ast.Add, ast.Sub, ast.Div):
                return None
            if up.op.__class__ not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult):
                return None
            may_int = may_int and not floated and up.op.__class__ is not ast.Div
            arrayed = arrayed or _flopscope_call(other, handed)
        elif cls is ast.UnaryOp and up.op.__class__ in (ast.USub, ast.UAdd):
            pass
        elif cls is ast.Subscript and up.value is node and up.ctx.__class__ is ast.Load:
            pass  # an item of what it made (its index is another read, checked as such)
        elif cls is ast.Tuple and up.ctx.__class__ is ast.Load:
            pass  # a tuple holding it, followed where it goes as it would be
        elif joins and not may_int and (cls is ast.List and up.ctx.__class__ is ast.Load or cls is ast.Call
                                        and up.func.__class__ is ast.Attribute and up.func.value.__class__ is ast.Name
                                        and up.func.value.id in ("fnp", "np", "numpy") and up.func.attr in _JOINS
                                        and node in up.args):
            arrayed = arrayed or _flopscope_call(up, handed)
        elif cls is ast.Call and up.func.__class__ is ast.Attribute and up.func.value.__class__ is ast.Name \
                and up.func.value.id in ("fnp", "np", "numpy") and up.func.attr in _ELEMENTWISE \
                and node in up.args[:_ELEMENTWISE[up.func.attr]]:
            # an elementwise op or a sum: its cost is its operand's shape, never its values
            arrayed = arrayed or _flopscope_call(up, handed)
        elif cls is ast.Call and node in up.args and parents.get(id(up)).__class__ is ast.Expr \
                and _into_write_only(up, program):
            return []  # kept where nothing reads it
        elif cls is ast.keyword and up.value is node and up.arg is not None and depth == 0 \
                and parents.get(id(parents.get(id(up)))).__class__ is ast.Expr:
            return [] if _dropped_by(parents.get(id(up)), up.arg, program, depth) else None
        elif cls in (ast.ListComp, ast.GeneratorExp) and up.elt is node:
            pass
        elif cls is ast.comprehension and up.iter is node or cls in (ast.For, ast.AsyncFor) and up.iter is node:
            # its items, one by one: how many is the sequence's length, which it never sets once it
            # can be no int nor text (what may still be a str, ``for ch in tag``, has a length of its own)
            if may_int or up.target.__class__ is not ast.Name:
                return None
            return [(up.target.id, may_int)]
        elif cls is ast.Assign and up.value is node and _items_write_only(up.targets, program):
            return []  # an item of what nothing reads: ``self.log[len(rows)] = it``
        elif cls is ast.Assign and up.value is node:
            if not all(t.__class__ is ast.Name for t in up.targets):
                return None
            return [(t.id, may_int) for t in up.targets]
        elif cls is ast.Return and not may_int and (handed is None or arrayed) \
                or cls is ast.FormattedValue and up.value is node:
            # values handed back (never what may be a count: the caller may size by it), or text
            return []
        else:
            return None
        node = up


def _flopscope_call(node: ast.AST, aliases: Optional[frozenset]) -> bool:
    """Whether ``node`` is a call of flopscope's numpy bound as one of ``aliases`` whose value the
    analyzer never knows, whatever it is handed (``fnp.sum(x)``, ``fnp.stack(rows)``: _UNKNOWN)."""
    return aliases is not None and node.__class__ is ast.Call and node.func.__class__ is ast.Attribute \
        and node.func.value.__class__ is ast.Name and node.func.value.id in aliases and node.func.attr in _UNKNOWN


#: flopscope's functions whose value the analyzer does not compute even of known numbers; not
#: ``sqrt``, ``abs``, ``maximum``, ``asarray`` and their kin, which keep a known scalar's value
#: (``int(fnp.sqrt(0.5 * it))`` sizes by it: checked by tests/test_late_stops.py)
_UNKNOWN = frozenset({"sum", "mean", "roll", "stack", "vstack", "hstack", "concatenate"})


def flopscope_aliases(module) -> frozenset:
    """The names ``module`` binds to flopscope's numpy (``import flopscope.numpy as fnp``, ``from
    flopscope import numpy as fnp``); none without a module."""
    if module is None:
        return frozenset()
    found = _FLOPSCOPE.get(module.tree)
    if found is None:
        found = _FLOPSCOPE[module.tree] = frozenset(
            a.asname for n in ast.walk(module.tree) if n.__class__ is ast.Import for a in n.names
            if a.name == "flopscope.numpy" and a.asname) | frozenset(
            a.asname or a.name for n in ast.walk(module.tree) if n.__class__ is ast.ImportFrom
            and n.module == "flopscope" and n.level == 0 for a in n.names if a.name == "numpy")
    return found


_FLOPSCOPE: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()


def _into_write_only(call: ast.Call, program) -> bool:
    """``x.name.append(v)`` (or ``appendleft``, ``add``) where ``name`` is an attribute the program
    only writes (write_only.by_name): what it is handed nothing reads."""
    func = call.func
    return program is not None and func.__class__ is ast.Attribute and func.attr in ("append", "appendleft", "add") \
        and func.value.__class__ is ast.Attribute and func.value.attr in write_only.by_name(program)


def _items_write_only(targets: list, program) -> bool:
    """Whether every target is an item of an attribute the program only writes (``x.name[k]``,
    write_only.by_name): what it is set to nothing reads."""
    return program is not None and all(
        t.__class__ is ast.Subscript and t.value.__class__ is ast.Attribute
        and t.value.attr in write_only.by_name(program) for t in targets)


def _dropped_by(call: ast.Call, keyword: str, program, depth: int) -> bool:
    """Whether every def named as the method or function ``call`` calls (``self.diag.note("samples",
    used=done)``), in every module of the program, takes the argument ``keyword`` into a parameter
    (its own, or its ``**`` dict) whose reads reach only values or what nothing reads. Looked up by
    name, as onsets.py looks up a call's effects: none when the name is also a method of the
    library's containers, arrays, generators or loggers (a call on one of those), when no def has
    it, or when a def is decorated (its wrapper may read the argument)."""
    func = call.func
    name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else None
    if program is None or name is None or name in library_methods():
        return False
    defs = [n for m in program.modules.values() for n in ast.walk(m.tree)
            if n.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef) and n.name == name]
    if not defs:
        return False
    for d in defs:
        named = {a.arg for a in d.args.args + d.args.kwonlyargs}
        param = keyword if keyword in named else d.args.kwarg.arg if d.args.kwarg is not None else None
        if d.decorator_list or param is None or not reaches_values(param, d, None, program, depth + 1):
            return False
    return True


@functools.lru_cache(maxsize=None)
def library_methods() -> frozenset:
    """The methods of what a receiver may be other than the program's own objects; numpy's read
    from the installed numpy once and kept on disk (a later analysis need not import it)."""
    def numpy_methods() -> list:
        import numpy
        return sorted({n for t in (numpy.ndarray, numpy.random.Generator, numpy.random.RandomState) for n in dir(t)})

    python = {n for t in (list, dict, set, frozenset, str, bytes, tuple, collections.deque, collections.Counter,
                          logging.Logger) for n in dir(t)}
    return frozenset(python | set(dtypes.ANSWERS.ask("late_stops|numpy methods", numpy_methods)))


def nested(node: ast.AST, function: ast.AST, parents: dict) -> bool:
    """Whether ``node`` lies in a function, lambda or class defined inside ``function``."""
    up = parents.get(id(node))
    while up is not None and up is not function:
        if up.__class__ in DEF_SCOPES:
            return True
        up = parents.get(id(up))
    return False


#: numpy functions whose cost is their operands' shapes, and how many leading positional operands
#: are data (``roll``'s shift is not: it is checked as a sink)
_ELEMENTWISE = {"abs": 1, "sqrt": 1, "exp": 1, "log": 1, "square": 1, "tanh": 1, "sum": 1, "mean": 1,
                "roll": 1, "maximum": 2, "minimum": 2}
#: numpy calls building one array of the items of their first arguments
_JOINS = frozenset({"stack", "vstack", "hstack", "concatenate", "array", "asarray"})
#: calls that may read any local by name
_INTROSPECT = frozenset({"locals", "vars", "eval", "exec"})
