"""Python builtins, ``math`` and container methods, evaluated on abstract values.

Only pure functions of known values are evaluated; anything touching array data
yields :class:`Unknown`. Python's ``sum`` over arrays is priced as flopscope sees it
(``0 + a0 + a1 ...``: one add per element, the first included).
"""

from __future__ import annotations

import ast as _ast
import builtins
import collections
import copy
import dataclasses
import decimal
import fractions
import functools
import hashlib
import importlib
import io
import itertools
import math
import operator
import struct
import sys as _sys
from typing import Any, Optional

from flopcast import installed
from flopcast.analyzer import chain_maps, dataints, enum_functional, dtypes, dunders, first_index, flags, import_hooks, key_orders, loggers, namespaces, plain_numpy, presumptions, scalar_values, stdlib_containers, stdlib_random, submission_files, warning_filters, write_only
from flopcast.analyzer.disk_answers import LIBRARY_ANSWERS
from flopcast.analyzer.counters import append_item
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.open_loops import MAX_LOOP_ITERATIONS
from flopcast.analyzer.iterator_sources import reading as _reading
from flopcast.analyzer.one_of import one_of as _one_of
from flopcast.analyzer.values import (
    ENUM_AUTO,
    hashes_without_code,
    TEXT_BUILTINS,
    Array,
    BoundLib,
    BoundMethod,
    Builtin,
    FlatIter,
    ChainMapVal,
    ClassVal,
    CountKnown,
    DequeVal,
    DictVal,
    DTypeRef,
    EndlessIter,
    FunctionVal,
    GeneratorView,
    InstanceVal,
    Known,
    LibRef,
    ListVal,
    MLPVal,
    NpzFile,
    NumpyScalar,
    not_iterable,
    PartialVal,
    PartialMethodVal,
    PyGenerator,
    ExitStackVal,
    ClosingVal,
    LazyIterator,
    SeqIterator,
    SuperVal,
    TupleVal,
    Unknown,
    UserRaise,
    Value,
    counted_extent,
    dict_key,
    key_value,
    ObjKey,
    machine_of,
    make_tuple,
    plain_member,
    surely_missing,
    unknown_key_reason,
    signature,
    may_hold_known_key,
    changeable,
    equal_only_to_itself,
    python_raise,
    unhashable_instance,
    DICT_MUTATORS,
    LIST_MUTATORS,
    SET_MUTATORS,
)
from flopcast.model import Machine, Span
from flopcast.syntax import lambda_at


def _all_known(values) -> bool:
    return all(isinstance(v, Known) for v in values)


def _numpy_numbers(values, free: int) -> Optional[list]:
    """The items as Python compares them, where each is a known number, a numpy scalar or a
    plain 0-d ndarray of known value (comparisons of those are numpy's, unbilled; ``free``: the
    builtin runs on numpy's own arrays, handed over as flopscope's); else None."""
    out = []
    for v in values:
        if v.__class__ is Known and type(v.value) in (int, float, bool):
            out.append(v.value)
        elif (v.__class__ is NumpyScalar or v.__class__ is Array and v.shape == () and (v.plain or free)) \
                and v.value is not None:
            import numpy

            out.append(numpy.dtype(v.dtype).type(v.value))
        else:
            return None
    return out if any(v.__class__ is not Known for v in values) else None


def _unknown_from(values, kind: str, span: Span, default_reason: str) -> Unknown:
    for v in values:
        if isinstance(v, Unknown):
            return Unknown(kind, v.origin, v.reason, machine=v.machine)
    return Unknown(kind, span, default_reason)


#: A Python ``min``/``max`` by keys read from data is a site when it picks among this many items
#: at most; ``sorted`` when it orders this many (4! = 24 orders, each a path: a blend ranks four candidates).
MAX_PICKED_ITEMS = 8
MAX_SORTED_ITEMS = 4
#: min()/max()/sorted() over tuples or instances are ordered item by item up to this many items
MAX_ORDERED = 256


def _comparable(keys) -> bool:
    """Keys Python compares without flopscope: known numbers and numbers read from data, and
    tuples of them (`key=lambda kv: (score[kv], kv)`: whichever item wins, it is one of them)."""
    return all(isinstance(k, Known) or isinstance(k, Unknown) and k.kind in ("int", "float", "bool")
               or k.__class__ is TupleVal and _comparable(k.items) for k in keys)


def _ordered_pick(interp, name: str, items: list, keys: list, span: Span, node) -> Optional[Value]:
    """min()/max() decided by comparing tuples item by item and instances by their methods;
    None when that does not decide it and nothing ran (the caller goes on as before)."""
    if not any(isinstance(k, (TupleVal, ListVal, InstanceVal)) for k in keys):
        return None
    try:
        picked = dunders.ordered_pick(interp, name, items, keys, span) if len(items) <= MAX_ORDERED else None
    except dunders.Undecided:
        return interp.unpriced(node, f"{name}()", "a comparison after a method of the user's ran depends on values")
    if picked is None:
        stdlib_containers.stop_at_array_ties(interp, items, keys, span, name)
    return picked


def _ordered_sort(interp, items: list, keys: list, reverse: bool, span: Span, node) -> Optional[Value]:
    if len(items) > MAX_ORDERED or not any(isinstance(k, (TupleVal, ListVal, InstanceVal)) for k in keys):
        return None
    try:
        ranked = dunders.ordered_sort(interp, items, keys, reverse, span)
    except dunders.Undecided:
        return interp.unpriced(node, "sorted()", "a comparison after a method of the user's ran depends on values")
    return None if ranked is None else ListVal(ranked)


def _zero_d_pick(interp, name: str, items: list, keys: list, span: Span, node) -> Optional[Value]:
    """``max(a, b)`` / ``min(a, b, 0.0)`` over 0-d flopscope arrays (``fnp.sum(...)`` results):
    Python compares each key with the running winner's (``key > best`` for max, ``key < best``
    for min; a Python number on the left is answered by the array's reflected comparison), and
    flopscope charges each comparison as a 1-element ufunc. When the arrays are 0-d of one real
    dtype (of any real dtypes for two items: one comparison) and at most one key is a Python number, every comparison has an array in it and costs
    the same whichever item is winning, so the charges are known; which item wins is a
    value-dependent pick (each outcome analysed, as for numbers read from data). None otherwise
    (nothing charged: the caller refuses as before)."""
    arrays = [k for k in keys if isinstance(k, Array)]
    numbers = [k for k in keys if k.__class__ is Known and type(k.value) in (int, float, bool)]
    if not arrays or len(numbers) > 1 or len(arrays) + len(numbers) != len(keys) or len(items) > MAX_PICKED_ITEMS:
        return None
    if any(a.__class__ is not Array or a.shape != () or a.plain or not a.dtype.startswith(("float", "int", "uint", "bool"))
           for a in arrays):
        return None
    if len(keys) > 2 and any(a.dtype != arrays[0].dtype for a in arrays):
        return None  # (two items make one comparison: its price does not depend on a winner)
    op = _ast.Gt() if name == "max" else _ast.Lt()
    for i in range(1, len(keys)):
        # against an array that may be winning: the same op, dtype and price as against any other
        best = keys[0] if isinstance(keys[i], Array) else next(k for k in keys[:i] if isinstance(k, Array))
        interp.compare(op, keys[i], best, node)
    return items[_picked(interp, len(items), span, f"{name}() of 0-d arrays")]


#: the real dtype of a complex one (``abs`` of a numpy complex scalar)
_REAL_OF_COMPLEX = {"complex64": "float32", "complex128": "float64", "clongdouble": "longdouble"}


def _numpy_scalar_pick(interp, name: str, items: list, span: Span) -> Value:
    """``max(x)`` / ``min(a[0], a[1])`` over numpy scalars of unknown values (what iterating or
    indexing a flopscope array gives): numpy compares them free, and the winner is one of the items,
    its dtype kept (a float32 scalar, not a Python float). Items of one dtype: a scalar of that
    dtype. Items that differ (a float32 scalar and a Python float): which one wins is a
    value-dependent pick, each analysed; too many of those to pick among: an unknown of no kind
    (what uses it is unpriced)."""
    scalars = [i for i in items if i.__class__ is NumpyScalar]
    if len(scalars) == len(items) and len({i.dtype for i in scalars}) == 1:
        bounded = all(i.vrange is not None for i in scalars)  # (elements of argsorts: the winner's within them all)
        vrange = (min(i.vrange[0] for i in scalars), max(i.vrange[1] for i in scalars)) if bounded else None
        return NumpyScalar(scalars[0].dtype, scalars[0].dtype_origin, vrange=vrange)
    if len(items) <= MAX_PICKED_ITEMS:
        return items[_picked(interp, len(items), span, f"{name}() of numpy scalars and numbers")]
    return Unknown("", span, f"{name}() of numpy scalars of different types: which one wins depends on data")


def _picked(interp, count: int, span: Span, what: str, pinned: Optional[tuple] = None) -> int:
    """Which of ``count`` outcomes of a comparison of numbers read from data this path takes:
    a value-dependent site with one option per outcome (the same on every execution of a path,
    as a branch's). One outcome is no choice: no site. ``pinned``: what narrowed the outcomes
    (key_orders.orders), part of the site's key, since its options then stand for other outcomes."""
    if count == 1:
        return 0
    # (keyed by the count too: the same call met again with fewer items has fewer outcomes)
    site = Site(("pick", span, count) + ((pinned,) if pinned is not None else ()), tuple(range(count)), span, "pick",
                f"{what} compares numbers read from data: each of its {count} outcomes is analysed")
    return interp.decisions.choose(site, interp.kept_used())


#: Builtins that read a mapping argument whole through its keys and lookups (a ChainMap's is
#: then the dict its lookups find); not `isinstance`, `str`, `repr`, `reversed`, whose answers differ.
_READ_WHOLE = frozenset({"len", "dict", "list", "tuple", "sorted", "set", "frozenset", "iter", "any", "all",
                         "enumerate", "min", "max", "sum", "zip"})


def _index_of(v: Value) -> Value:
    """An integer 0-d array or numpy scalar of known value as the int its ``__index__`` gives."""
    if (v.__class__ is Array and v.shape == () or v.__class__ is NumpyScalar) and v.value is not None \
            and v.dtype.startswith(("int", "uint")):
        return Known(int(v.value))
    return v


def call_builtin(interp, name: str, args: list[Value], kwargs: dict, span: Span, node) -> Value:
    refuse_binding(getattr(builtins, name, None), len(args), kwargs, span)
    if kwargs and name in _KEYWORDS_WITHOUT_SIGNATURE:
        taken = _KEYWORDS_WITHOUT_SIGNATURE[name]
        refused = next((k for k in kwargs if k not in taken), None)
        if refused is not None:
            raise UserRaise(span, f"TypeError: '{refused}' is an invalid keyword argument for {name}()" if taken
                            else f"TypeError: {name}() takes no keyword arguments")
    if name in ("max", "min") and "key" in kwargs and any(isinstance(a, PyGenerator) for a in args):
        _refuse_reads_per_item(interp, kwargs["key"], args, node)
    if interp.counter_watch is not None and not kwargs:
        watched = interp.counter_watch.apply(name, args)  # of a number counters.py watches
        if watched is not None:
            return watched
    if name == "globals":  # (refuse_binding raised Python's TypeError for arguments)
        return namespaces.namespace(interp, interp.frame.module)
    if name == "open":
        opened = submission_files.open_file(interp, args, kwargs, span)
        if opened is None:
            return interp.unpriced(node, "open()", "open() other than reading a file in the submission folder "
                                   "by a known path is not modelled")
        return opened
    if name in _CHECKED_ON_PLAIN and args and _all_known(args) and not kwargs \
            and all(dunders.plain_value(a.value) for a in args):
        try:  # what Python refuses of known numbers and text is the program's error (`len(5)`, `round(x, 0.5)`)
            getattr(builtins, name)(*(a.value for a in args))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise UserRaise(span, f"{type(exc).__name__}: {exc}") from None
    if name == "hash" and len(args) == 1 and not kwargs \
            and (args[0].__class__ is not InstanceVal or unhashable_instance(args[0])):
        interp.refuse_unhashable(args[0], node)  # `hash([1])`: a list or dict has no hash (an object: its __hash__ below)
    if args and args[0].__class__ is InstanceVal and name in dunders.PROTOCOL_CALLS:
        made = dunders.protocol_call(interp, name, args, kwargs, span)  # its __round__, __hash__, ...
        if made is not None:
            return made
    if name == "slice":
        if kwargs:
            raise UserRaise(span, "TypeError: slice() takes no keyword arguments")
        if not 1 <= len(args) <= 3:
            raise UserRaise(span, f"TypeError: slice expected at {'least 1' if not args else 'most 3'} "
                                  f"argument{'s' if args else ''}, got {len(args)}")
        parts = [Known(None), args[0], Known(None)] if len(args) == 1 else list(args) + [Known(None)] * (3 - len(args))
        return interp.make_slice(parts, span)
    if name == "range":
        args = [_index_of(a) for a in args]
        if _all_known(args) and all(isinstance(a.value, int) for a in args):
            return Known(range(*(a.value for a in args)))
        refused = next((a for a in args if isinstance(a, Known) and not isinstance(a.value, int)), None)
        if refused is not None or not 1 <= len(args) <= 3 or kwargs:
            try:  # `range(n / 2)`: Python refuses a float (or a text) whatever the other bounds are
                range(*[a.value if isinstance(a, Known) else 1 for a in args], **{k: 1 for k in kwargs})
            except (TypeError, ValueError) as exc:
                raise UserRaise(span, f"{type(exc).__name__}: {exc}") from None
        args = [dataints.as_data_int(a, span) for a in args]
        if args and all(isinstance(a, Known) and isinstance(a.value, int) or dataints.is_data_int(a) for a in args):
            # A trip count read from data: one end of its range per path, or unbounded.
            step = args[2].value if len(args) == 3 and isinstance(args[2], Known) else 1
            bounds = [a.value if isinstance(a, Known) else dataints.materialise(
                interp, a, "range()", dataints.range_grows(i, len(args), step)) for i, a in enumerate(args)]
            if len(bounds) == 3 and bounds[2] == 0:
                raise UserRaise(span, "ValueError: range() arg 3 must not be zero")
            taken = range(*bounds)
            try:
                length = len(taken)
            except OverflowError:  # (longer than sys.maxsize: scaled past the sentinel of an unbounded end)
                length = None
            if length is not None and not dataints.unbounded(length):
                return Known(taken)
            return _unknown_from(args, "range", span, "the range's length depends on values and has no upper bound")
        return _unknown_from(args, "range", span, "range bounds depend on values")
    if name in _READ_WHOLE and any(isinstance(a, ChainMapVal) for a in args):
        # a ChainMap read whole is a dict of what its lookups find (chain_maps.flat)
        args = [chain_maps.read(interp, a, node) if isinstance(a, ChainMapVal) else a for a in args]
    if name == "len":
        x = args[0]
        if isinstance(x, FlatIter):
            return Known(x.base.size)
        if isinstance(x, Array):
            if x.ndim == 0:
                raise UserRaise(span, "TypeError: len() of unsized object")
            return counted_extent(x, (0,))
        if x.__class__ is ListVal and x.view_of is not None:
            refresh_view(x)
        if isinstance(x, (ListVal, TupleVal, DictVal)):
            return Known(len(x.items))
        if isinstance(x, NpzFile):
            return Known(len(x.arrays))  # numpy's NpzFile: its members
        if isinstance(x, SeqIterator):
            raise UserRaise(span, "TypeError: object of type 'iterator' has no len()")
        if isinstance(x, ClassVal) and isinstance(x.attrs.get("__iter_members__"), ListVal):
            return Known(len(x.attrs["__iter_members__"].items))  # an enum: its members but aliases
        if isinstance(x, InstanceVal) and (held := flags.members_of(x)) is not None:
            return Known(len(held))  # a Flag value: the one-bit members it holds
        if isinstance(x, InstanceVal) and isinstance(x.cls.lookup("__len__")[1], FunctionVal):
            owner, method = x.cls.lookup("__len__")
            return interp.call(interp.bind(method, x, owner, span), [], {}, span)
        text = plain_member(x)
        if text is not x and isinstance(text, Known) and isinstance(text.value, str):
            return Known(len(text.value))  # a StrEnum's (or a `(str, Enum)`'s) member is its text
        if isinstance(x, Known):
            try:
                return Known(len(x.value))
            except TypeError as exc:  # `len(3)`: the program's TypeError
                raise UserRaise(span, f"TypeError: {exc}") from None
        wrong = not_iterable(x, "__len__")
        if wrong is not None and isinstance(x, (InstanceVal, NumpyScalar)):
            raise UserRaise(span, f"TypeError: object of type '{wrong}' has no len()")
        return Unknown("int", span, "len() of an unknown value")
    if name in ("min", "max"):
        keyed = kwargs.get("key") is not None and not (isinstance(kwargs["key"], Known) and kwargs["key"].value is None)
        # (a set's order matters only where a key can tie)
        items = args if len(args) > 1 else interp.iterate(args[0], node, ordered=keyed)
        if items is None:
            return Unknown("", span, f"{name}() of an unknown sequence")
        if not items:
            if "default" in kwargs:
                return kwargs["default"]
            raise UserRaise(span, f"ValueError: {name}() arg is an empty sequence")
        key = kwargs.get("key")
        if key is None or isinstance(key, Known) and key.value is None:
            keys = [plain_member(i) for i in items]
            if not _all_known(items) and _all_known(keys):  # IntEnum members: the member with the least value
                return items[_python_pick(name, range(len(items)), lambda j: keys[j].value, span)]
        if key is not None and not (isinstance(key, Known) and key.value is None):
            keys = [plain_member(interp.call(key, [i], {}, span, node)) for i in items]
            if _all_known(keys):
                return items[_python_pick(name, range(len(items)), lambda j: keys[j].value, span)]
            picked = _ordered_pick(interp, name, items, keys, span, node)
            if picked is not None:
                return picked
            if _comparable(keys) and len(items) <= MAX_PICKED_ITEMS:
                index = key_orders.picked(interp, name, keys)  # the first of an order this path gave them
                if index is None:
                    index = _picked(interp, len(items), span, f"{name}(..., key=...)")
                    key_orders.note_pick(interp, name, keys, index)
                return items[index]
            picked = _zero_d_pick(interp, name, items, keys, span, node)
            if picked is not None:
                return picked
            if any(isinstance(i, Array) for i in items):
                return interp.unpriced(node, f"builtin {name}() over arrays", "compares array values in Python")
            one = _one_of(items, span, f"the item {name}() picks by a key that depends on data")
            if one is not None:
                return one()
            return _unknown_from(keys, "", span, f"{name}() by a key that depends on data")
        if _all_known(items):
            return Known(_python_pick(name, [i.value for i in items], None, span))
        numbers = _numpy_numbers(items, interp.free)
        if numbers is not None:
            # numpy's scalars of known value (`max(counts.max(), 1)`): Python compares them, free
            return items[_python_pick(name, range(len(items)), numbers.__getitem__, span)]
        picked = _ordered_pick(interp, name, items, items, span, node)  # tuples, instances with __lt__
        if picked is not None:
            return picked
        data = [i for i in items if dataints.is_data_int(i)]
        if len(data) == 1 and all(isinstance(i, Known) and isinstance(i.value, int) for i in items if i is not data[0]):
            # `max(1, min(n, k))`: a clamp of an integer read from data stays a function of it
            known = [i.value for i in items if i is not data[0]]
            clamped = dataints.derive(data[0], name, (min if name == "min" else max)(known)) if known else data[0]
            if clamped is not None:
                return clamped
        floats = [i for i in items if isinstance(i, Unknown) and i.kind == "float" and not i.chain]
        # (not the first item: Python keeps the first item when a NaN compares false, so
        # `max(x, 4)` of a NaN is NaN, while `max(4, x)` is 4)
        if len(floats) == 1 and items[0] is not floats[0] and all(isinstance(i, Known) and type(i.value) in (int, float) for i in items
                                    if i is not floats[0]):
            # `min(64, max(4, float(v) * 100))`: a float read from data, clamped; int() of it
            # is then an integer read from data with those bounds (a sample count)
            return _clamped_float(floats[0], name, [i.value for i in items if i is not floats[0]])
        picked = _zero_d_pick(interp, name, items, items, span, node)
        if picked is not None:
            return picked
        if any(isinstance(i, Array) for i in items):
            return interp.unpriced(node, f"builtin {name}() over arrays", "compares array values in Python")
        if any(i.__class__ is NumpyScalar for i in items):
            return _numpy_scalar_pick(interp, name, items, span)
        if not all(i.__class__ is Known and type(i.value) in (int, float, bool)
                   or isinstance(i, Unknown) and i.kind in ("int", "float", "bool") for i in items):
            # an item flopcast does not follow as a number (`c.real` of a numpy complex scalar) may
            # win as itself, of its own type: no Python float, so what uses it is unpriced
            return _unknown_from(items, "", span, f"{name}() of values of unknown type")
        made = _unknown_from(items, "float", span, f"{name}() of values that depend on data")
        if name == "max" and len(items) > 1 and len(floats) == 1 and items[0] is floats[0] and all(
                isinstance(i, Known) and type(i.value) in (int, float) for i in items[1:]):
            # `max(x, 1e-30)`: at least 1e-30, or a NaN (Python keeps the first item when a NaN compares
            # false), for the math functions whose raising is asked at the values it may hold
            interp.result.floors[id(made)] = (made, max(i.value for i in items[1:]), False, True)
        return made
    if name == "complex" and not all(isinstance(a, Known) for a in list(args) + list(kwargs.values())):
        # never a weak float: what uses it is unpriced (an Unknown of no kind)
        return Unknown("", span, "complex() of a value that depends on data")
    if name in ("str", "repr") and len(args) == 1 and not kwargs and isinstance(args[0], InstanceVal):
        made = dunders.text(interp, args[0], name, span)  # its __str__/__repr__, an exception's args
        return made if made is not None else Unknown("", span, f"{name}() of an instance whose text is not known")
    if name in ("bool", "int", "float", "abs") and len(args) == 1 and not kwargs and isinstance(args[0], InstanceVal):
        made = dunders.conversion(interp, name, args[0], span)  # its __bool__/__len__, __int__, __float__, __abs__
        if made is not None:
            return made
    if name == "str" and len(args) == 1 and not kwargs and isinstance(args[0], DTypeRef) and args[0].instance \
            and args[0].name in _DTYPE_NAMES:
        return Known(args[0].name)  # `str(x.dtype)`: numpy's dtype prints its name ('float32'), a cache key
    if name in ("int", "float", "bool", "str", "round", "abs", "complex"):
        x = args[0] if args else Known(0)
        if name == "abs" and isinstance(x, Array):
            return interp.price_op("abs", [x], node)
        if isinstance(x, Array) and (len(args) == 1 or name == "round"):  # round(x, 2) needs __round__ too
            problem = _scalar_conversion_error(name, x)
            if problem is not None:
                raise UserRaise(span, problem)
        if isinstance(x, (ListVal, TupleVal, DictVal)) and name in ("int", "float", "complex", "round", "abs"):
            # a container is no number: `int(items)` raises whatever the container holds
            kind = "dict" if isinstance(x, DictVal) else "tuple" if isinstance(x, TupleVal) else "list"
            raise UserRaise(span, f"TypeError: {name}() argument must be a string or a real number, not '{kind}'")
        if isinstance(x, Known):
            try:
                fn = {"int": int, "float": float, "bool": bool, "str": str, "round": round, "abs": abs,
                      "complex": complex}[name]
                extra = [a.value for a in args[1:] if isinstance(a, Known)]
                return Known(fn(x.value, *extra))
            except (TypeError, ValueError, OverflowError) as exc:
                raise UserRaise(span, f"{type(exc).__name__}: {exc}")
        if x.__class__ is Array and x.value is not None and name in ("int", "float", "bool") and len(args) == 1:
            known = scalar_values.python_value(name, x)  # fnp math on known numbers (a budget-planned count)
            if known is not None:
                return known
        if isinstance(x, NumpyScalar) and x.value is not None and name in ("int", "float", "bool", "round") \
                and len(args) == 1:
            try:
                return Known({"int": int, "float": float, "bool": bool, "round": round}[name](x.value))
            except (ValueError, OverflowError) as exc:
                raise UserRaise(span, f"{type(exc).__name__}: {exc}")
        if name in ("int", "round") and len(args) == 1:
            _integer_conversion_may_raise(interp, name, x, span)
        if name == "str" and len(args) == 1 and isinstance(x, (Array, NumpyScalar)):
            return Unknown("str", span, "str() of an array value")  # numpy prints any array, billing nothing
        if x.__class__ is NumpyScalar and (name == "abs" or name == "round" and len(args) == 2
                                            and not (isinstance(args[1], Known) and args[1].value is None)):
            # numpy's own scalar methods, free: `abs(v)` / `round(v, 2)` of a float32 element stay
            # float32 (a Python float would bill what uses it at float64); abs of a complex is real
            return NumpyScalar(_REAL_OF_COMPLEX.get(x.dtype, x.dtype) if name == "abs" else x.dtype, x.dtype_origin)
        if isinstance(x, (Array, NumpyScalar)):
            kind = {"int": "int", "float": "float", "bool": "bool", "round": "int", "abs": "float"}.get(name, "")
            if isinstance(x, Array) and x.size != 1:
                raise UserRaise(span, "TypeError: only size-1 arrays can be converted to Python scalars")
            presumed = x.presumed if isinstance(x, Array) and name in ("bool", "int") else None
            if isinstance(x, Array) and len(args) == 1 and name in ("int", "round"):
                counted = _selected_count(interp, x)
                if counted is not None:
                    return counted
            if isinstance(x, Array) and len(args) == 1 and name != "bool":
                return dataclasses.replace(dataints.from_array(x, kind, span, f"`{name}(...)` of an array value"),
                                           presumed=presumed, python_float=name == "float")
            if x.__class__ is NumpyScalar and kind == "int" and len(args) == 1 and x.vrange is not None:
                # read where the element was taken: `int(k)` and `d[k]` of one element ask one site
                made = dataints.from_scalar(x, x.origin or span, f"`{name}(...)` of "
                                            f"{x.what or 'a bounded numpy integer (an element of an index array, a clamp)'}")
                if made is not x:
                    return made
            if x.__class__ is NumpyScalar and kind == "float" and x.fbounds is not None and len(args) == 1:
                return _keeps_bound(x, dataclasses.replace(
                    dataints.from_array(x, kind, span, f"`{name}(...)` of an array value"),
                    python_float=name == "float"))  # a norm's sign
            what = x.what if x.__class__ is NumpyScalar and x.what else "an array value"
            return _keeps_bound(x, Unknown(kind, span, f"`{name}(...)` of {what}", presumed=presumed,
                                           python_float=name == "float"))
        if dataints.is_data_int(x) and name in ("int", "round") and len(args) == 1:
            return x
        if isinstance(x, Unknown) and x.kind == "float" and x.lo is not None and x.hi is not None \
                and name in ("int", "round") and len(args) == 1 and not x.chain:
            # a clamped float read from data: int() / round() is monotone, so its ends are the ends'
            fn = int if name == "int" else round
            return Unknown("int", span, f"`{name}(...)` of a clamped value read from data ({x.reason})",
                           fn(x.lo), fn(x.hi), machine=x.machine)
        if isinstance(x, Unknown) and x.kind == "bool" and name in ("int", "round") and len(args) == 1:
            return dataints.counted_bool(x, span)
        if isinstance(x, Unknown):
            return Unknown({"int": "int", "float": "float", "bool": "bool", "round": "int"}.get(name, x.kind), x.origin, x.reason,
                           presumed=x.presumed if name == "bool" else None, machine=x.machine,
                           python_float=name == "float" and x.kind in ("int", "float", "bool"))
        return Unknown("", span, f"{name}() of an unknown value")
    if name == "compile":
        compiled = import_hooks.compile_call(args, kwargs)
        return compiled if compiled is not None else Unknown("", span, "compile() of source that is not known")
    if name == "exec":
        interp.effects += 1
        problem = interp.import_hooks.exec_call(args, kwargs)
        if problem is not None:
            return interp.unpriced(node, "exec()", problem)
        return Known(None)
    if name == "sum":
        # a generator whose body raises after some items: sum adds (and bills) those first
        items, deferred = items_then_error(interp, args[0], node)
        start = args[1] if len(args) > 1 else kwargs.get("start", Known(0))
        if items is None:
            return interp.unpriced(node, "sum()", "sums a sequence whose length is not known")
        total = start
        for item in items:
            total = interp.binop(_ADD, total, item, node)
        if deferred:
            raise deferred[0]
        return total
    if name == "enumerate" and args:
        start_v = args[1] if len(args) > 1 else kwargs.get("start", Known(0))
        if isinstance(start_v, Known) and not isinstance(start_v.value, int):
            # `enumerate(xs, start=1.5)`: Python's TypeError at the call
            raise UserRaise(span, f"TypeError: '{type(start_v.value).__name__}' object cannot be interpreted as an "
                                  "integer")
    if name == "enumerate" and args and (_lazy_source(args[:1], unrun=True) or isinstance(args[0], EndlessIter)):
        start_v = args[1] if len(args) > 1 else kwargs.get("start", Known(0))
        if isinstance(start_v, Known) and isinstance(start_v.value, int):
            # over a map/accumulate (or an endless count()): each item made when enumerate is asked for it
            return LazyIterator((make_tuple([Known(i), v])
                                 for i, v in enumerate(_source_items(interp, args[0], node), start_v.value)),
                                _unrun_made_here(args, 0, node), tuple(a for a in args[:1] if a.__class__ is PyGenerator))
    if name == "enumerate":
        before = [args[0].consumed if isinstance(args[0], PyGenerator) else 0]
        items = interp.iterate(args[0], node)
        start_v = args[1] if len(args) > 1 else kwargs.get("start", Known(0))
        if not isinstance(start_v, Known):
            return interp.unpriced(node, "enumerate()", "the start index depends on values")
        start = start_v.value
        if items is None:
            return Unknown("", span, "enumerate of unknown")
        made = _lazy([make_tuple([Known(i + start), v]) for i, v in enumerate(items)], args[:1], before)
        return _reading(made, args[:1]) if isinstance(made, SeqIterator) else made
    strict = kwargs.get("strict", Known(False)) if name == "zip" else Known(False)
    if name == "zip" and isinstance(strict, Known) and strict.value and _same_known_lengths(interp, args, node):
        # every argument holds as many items (iterators made from known sequences, not generators):
        # a strict zip raises nothing and reads them as a plain one does
        strict = Known(False)
    if name == "zip" and isinstance(strict, Known) and _lazy_source(args, unrun=True):
        _run_zipped_generators(interp, args, span, node)
        return _zip_lazy(interp, args, bool(strict.value), span, node)
    if name == "zip" and not (isinstance(strict, Known) and not strict.value) \
            and any(isinstance(a, (SeqIterator, PyGenerator, EndlessIter)) for a in args):
        return interp.unpriced(node, "zip(strict=True)", "over iterators or generators: where it raises is not modelled")
    if name == "zip" and not isinstance(strict, Known):
        return interp.unpriced(node, "zip(strict=...)", "strict= depends on values")
    if name == "zip" and any(isinstance(a, SeqIterator) for a in args) \
            and not any(isinstance(a, (PyGenerator, EndlessIter)) for a in args):
        return _zip_iterators(interp, args, span, node)
    if name == "zip" and any(isinstance(a, (PyGenerator, EndlessIter)) for a in args):
        return _zip_generators(interp, args, span, node)
    if name == "zip":
        seqs = [interp.iterate(a, node) for a in args]
        if any(s is None for s in seqs):
            return Unknown("", span, "zip of unknown")
        made = [make_tuple(list(t)) for t in zip(*seqs)]
        if strict.value and len({len(q) for q in seqs}) > 1:
            # zip(strict=True) hands out the shorter length, then raises ValueError: a loop over it
            # runs its body for those items first (a generator's deferred error, as a body's raise)
            m = min(len(q) for q in seqs)
            k = next(i for i, q in enumerate(seqs) if len(q) == m)  # CPython's zip_next: the first to run out
            word = "shorter"
            if k == 0:
                k, word = next(i for i, q in enumerate(seqs) if len(q) > m), "longer"
            what = f"zip() argument {k + 1} is {word} than argument{' ' if k == 1 else 's 1-'}{k}"
            return PyGenerator(None, [], {}, span, items=made, error=UserRaise(span, f"ValueError: {what}"))
        return _reading(SeqIterator(made), args)
    if name in ("list", "tuple", "set", "frozenset", "sorted", "reversed"):
        if not args:
            return Known(()) if name == "tuple" else Known(set()) if name == "set" \
                else Known(frozenset()) if name == "frozenset" else ListVal([])
        keyed = kwargs.get("key") is not None and not (isinstance(kwargs["key"], Known) and kwargs["key"].value is None)
        # a set's order shows in a list, a tuple, or a sort whose keys tie (asked below, once they are made)
        fresh = args[0] if isinstance(args[0], PyGenerator) and args[0].items is None else None
        items = interp.iterate(args[0], node, ordered=name in ("list", "tuple", "reversed"))
        if items is None:
            return Unknown("", span, f"{name}() of unknown")
        if fresh is not None and name in ("list", "tuple") and fresh.end is not None:
            fresh.in_order = True
        if name == "sorted":
            key = kwargs.get("key")
            reverse = kwargs.get("reverse", Known(False))
            if not isinstance(reverse, Known):
                return interp.unpriced(node, "sorted()", "reverse= depends on values")
            if isinstance(key, BoundLib) and key.path == CMP_KEY:
                return _sorted_by_cmp(interp, items, key.receiver, bool(reverse.value), span, node)
            if keyed:
                keys = [plain_member(interp.call(key, [i], {}, span, node)) for i in items]
                if _set_order_shows(args[0]) and not _distinct_known(keys):
                    at = {id(item): j for j, item in enumerate(items)}
                    items = interp.set_order(ListVal(list(items)), node)
                    keys = [keys[at[id(item)]] for item in items]
            else:
                keys = [plain_member(i) for i in items]
            return sorted_by_keys(interp, items, keys, bool(reverse.value), span, node)
        if name == "reversed":
            return _reading(SeqIterator(list(reversed(items))), args[:1])
        if name in ("set", "frozenset"):
            return set_of(interp, items, node, frozen=name == "frozenset")
        return make_tuple(items) if name == "tuple" else ListVal(list(items))
    if name == "dict":
        out: dict = {}
        if args:
            src = args[0]
            if isinstance(src, DictVal):
                out = dict(src.items)
            elif isinstance(src, Known) and isinstance(src.value, dict):
                out = {k: Known(v) for k, v in src.value.items()}
            elif isinstance(src, NpzFile):
                out = dict(plain_numpy.npz_mapping(src).items)  # numpy's NpzFile is a Mapping: its keys, then z[key]
            elif src.__class__ is InstanceVal and src.payload is None and dunders.user_method(src, "keys") is not None:
                # a mapping of the user's: Python asks its keys(), then src[key] for each
                keys = interp.iterate(dunders.call_method(interp, src, dunders.user_method(src, "keys"), [], span), node)
                if keys is None:
                    interp.stop_path(f"{span}: dict() of a mapping whose keys() are not known: which items it "
                                     "reads is not known", span, "dict()")
                for key in keys:
                    if not isinstance(key, Known):
                        interp.stop_path(f"{span}: dict() of a mapping with keys flopcast does not know", span, "dict()")
                    out[key.value] = interp.subscript(src, key, node)
            else:
                pairs = interp.iterate(src, node)
                if pairs is None:
                    return Unknown("", span, "dict() of an unknown value")
                for i, pair in enumerate(pairs):
                    kv = interp.iterate(pair, node)
                    if kv is not None and len(kv) != 2:
                        raise UserRaise(span, f"ValueError: dictionary update sequence element #{i} has length "
                                              f"{len(kv)}; 2 is required")
                    if kv is None or not isinstance(kv[0], Known):
                        return Unknown("", span, "dict() of pairs with unknown keys")
                    out[kv[0].value] = kv[1]
        out.update(kwargs)
        return DictVal(out)
    if name in ("any", "all") and isinstance(args[0], LazyIterator):
        # map()/filter() items made one at a time, up to the first that decides
        it = args[0]
        if it.seen:
            check_sources(interp, it, span)
        while it.ready(it.consumed + 1):
            item = it.item(it.consumed)
            it.consumed += 1
            truth = interp.known_truth(item)
            if truth is None:
                # each item's truth is a site of its own: Python makes the next item only while
                # none decides, so each place to stop is a path and what follows is priced on it
                # (a small run's observed all()/any() result replays as every item's truth)
                p = presumptions.of(item)
                presumed = None if p is None or p.value is None or not p.guard else p.value
                site = Site((name, span, it.consumed), (True, False), span, "branch",
                            f"the truth of item {it.consumed} of map()/filter() in {name}() depends on values",
                            presumed=presumed, presumption=f"{name}() reads on: {p.text}" if presumed is not None else "")
                truth = interp.decisions.choose(site, interp.kept_used())
            if truth == (name == "any"):
                return Known(truth)
        return Known(name == "all")
    if name in ("any", "all") and isinstance(args[0], (PyGenerator, SeqIterator)):
        # an iterator: read up to the first item that decides, the rest left to later readers
        it = args[0]
        before = it.consumed
        items = interp.iterate(it, node)
        for i, item in enumerate(items):
            interp.check_array_truth(item, node)  # numpy refuses the truth of an n-d array: ValueError
            truth = interp.known_truth(item)
            if truth is None and i < len(items) - 1:
                interp.stop_path(f"{span}: where {name}() stops reading the iterator depends on values; the cost "
                                 "after it is not counted", span, f"{name}()")
            if truth is None:
                return Unknown("bool", span, f"{name}() of values that depend on data")
            if truth == (name == "any"):
                it.consumed = before + i + 1
                if isinstance(it, PyGenerator):
                    it.past_last = False
                return Known(truth)
        return Known(name == "all")
    if name in ("any", "all"):
        items = interp.iterate(args[0], node)
        if items is not None and _all_known(items):
            return Known((any if name == "any" else all)(i.value for i in items))
        for i, item in enumerate(items or ()):
            # Python asks each item's truth in order until one decides: an n-d array's is
            # numpy's ValueError, where it is reached
            if isinstance(item, Array) and item.size != 1:
                interp.check_array_truth(item, node)
            truth = interp.known_truth(item)
            if truth == (name == "any"):
                return Known(truth)
            if truth is None:
                if any(isinstance(later, Array) and later.size != 1 for later in items[i + 1:]):
                    return interp.unpriced(node, f"{name}()", "whether it reaches an array item, whose truth "
                                                              "numpy refuses (ValueError), depends on values")
                break
        return Unknown("bool", span, f"{name}() of values that depend on data")
    if name == "isinstance":
        targets = args[1].items if isinstance(args[1], TupleVal) else (args[1],)
        answer = _protocol_answer(interp, args[0], targets, span) \
            if any(isinstance(t, ClassVal) and declares_protocol(t) for t in targets) else _isinstance(args[0], args[1])
        if answer is None:
            if any(isinstance(t, ClassVal) and _is_protocol(t) for t in targets):
                return Unknown("bool", span, "isinstance() against a Protocol, which checks the members an "
                                             "object has (not modelled)")
            if _listed_otherwise(args[0]):
                return Unknown("bool", span, "isinstance() of a set of objects or a dict's view (whether a set "
                                             "or a frozenset, or which view, is not followed)")
            return Unknown("bool", span, "isinstance() of a value read from data (a Python number or a numpy scalar)")
        return Known(answer)
    if name == "issubclass" and len(args) == 2 and not kwargs:
        answer = _issubclass(args[0], args[1])
        if answer is None:
            return Unknown("bool", span, "issubclass() of a class flopcast does not know")
        return Known(answer)
    if name in ("hasattr", "getattr"):
        obj, attr = args[0], args[1]
        if not (isinstance(attr, Known) and isinstance(attr.value, str)):
            return Unknown("", span, f"{name} with a computed name")
        if name == "hasattr":
            has = _has_attribute(interp, obj, attr.value, span)
            return Unknown("bool", span, "hasattr() of a value read from data") if has is None else Known(has)
        if isinstance(obj, Unknown):
            return Unknown("", span, "getattr() of a value read from data")
        if len(args) > 2 and isinstance(obj, LibRef) and _has_attribute(interp, obj, attr.value, span) is False:
            return args[2]  # `getattr(flops, "special", None)`: the installed library has no such name
        try:
            value = interp.get_attr(obj, attr.value, span, quiet=True)
        except UserRaise as exc:  # a property's or descriptor's own AttributeError: getattr's default
            if len(args) > 2 and exc.what.startswith("AttributeError"):
                return args[2]
            raise
        missing = isinstance(value, Unknown) and value.reason.startswith("no attribute")
        if missing and len(args) > 2:
            return args[2]
        if missing and isinstance(obj, InstanceVal) and not interp.result.unpriced \
                and dunders.plainly_missing(obj, attr.value):
            raise UserRaise(span, f"AttributeError: '{obj.cls.name}' object has no attribute '{attr.value}'")
        return value
    if name == "vars" and len(args) == 1 and not kwargs and isinstance(args[0], InstanceVal):
        found = interp.get_attr(args[0], "__dict__", span, quiet=True)
        if isinstance(found, DictVal):
            return found
    if name == "setattr":
        obj, attr, value = args
        if not (isinstance(attr, Known) and isinstance(attr.value, str)):
            interp.unfollowed_change(span, "setattr()", "the attribute's name is not known")
        interp.store_attr(obj, attr.value, value, node, span=span)
        return Known(None)
    if name in ("repr", "format") and args and isinstance(args[0], Known) and dunders.plain_value(args[0].value) \
            and all(isinstance(a, Known) and isinstance(a.value, str) for a in args[1:]) and not kwargs:
        try:
            return Known(repr(args[0].value) if name == "repr" else format(args[0].value, *[a.value for a in args[1:]]))
        except (TypeError, ValueError) as exc:
            raise UserRaise(span, f"{type(exc).__name__}: {exc}")
    if name == "format" and 1 <= len(args) <= 2 and not kwargs and isinstance(args[0], InstanceVal):
        spec = args[1] if len(args) == 2 else Known("")
        made = dunders.formatted(interp, args[0], -1, spec, span)  # its __format__, or its str for ""
        return Known(made) if made is not None else Unknown("str", span, "format() of an object whose text is not known")
    if name == "print":
        dunders.printed(interp, args, span)  # the text methods of the user's objects it prints run
        return Known(None)
    if name == "id" and len(args) == 1 and not kwargs:
        # an int, the object's address: CPython may hand it to a later object once this one is freed
        return Unknown("int", span, "id() of an object: its address, which a later object may reuse")
    if name in ("repr", "format", "id", "hash"):
        return Unknown("", span, name)
    if name == "super":
        frame = interp.frame
        if not args:
            _zero_argument_super_raises(interp, frame, span)
        cls = args[0] if args else frame.vars.get("__class__") or frame.cls
        receiver = args[1] if len(args) > 1 else (frame.vars.get(frame.function.node.args.args[0].arg)
                                                 if frame.function and frame.function.node.args.args else None)
        if isinstance(cls, ClassVal):
            return SuperVal(cls, receiver)
        return Unknown("", span, "super() outside a method")
    if name in TEXT_BUILTINS:
        if len(args) == 1 and not kwargs and _all_known(args):
            try:
                return Known(getattr(builtins, name)(args[0].value))  # bin(5) is '0b101', as Python writes it
            except (TypeError, ValueError, OverflowError) as exc:
                raise UserRaise(span, f"{type(exc).__name__}: {exc}") from None
        return _unknown_from(args, name, span, f"{name}() of a value that depends on data")
    if name in ("divmod", "pow") and len(args) == 2 and not kwargs \
            and any(isinstance(a, Array) and not a.plain for a in args):
        # Python asks the array's __divmod__/__rdivmod__ (__pow__): flopscope's divmod ufunc, two
        # outputs billed, or its power, as the operators are
        if name == "pow":
            return interp.binop(_ast.Pow(), args[0], args[1], node)
        return interp.price_call("divmod", list(args), {}, node, span)
    if name in ("divmod", "pow") and _all_known(args):
        try:  # Python's own arithmetic of known numbers; its refusals are the program's
            return Known(divmod(args[0].value, args[1].value) if name == "divmod" else pow(*(a.value for a in args)))
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise UserRaise(span, f"{type(exc).__name__}: {exc}") from None
    if name in ("divmod", "pow") and len(args) == 2 and not kwargs \
            and all(isinstance(a, (Known, Unknown, NumpyScalar)) for a in args):
        # a number read from data: ``pow(a, b)`` is ``a ** b``, ``divmod(a, b)`` is ``(a // b, a % b)``
        # (CPython's float floor division is divmod's first part), raising as they do
        if name == "pow":
            return interp.binop(_ast.Pow(), args[0], args[1], node)
        return make_tuple([interp.binop(_ast.FloorDiv(), args[0], args[1], node),
                           interp.binop(_ast.Mod(), args[0], args[1], node)])
    if name in ("staticmethod", "classmethod", "property"):
        fn = args[0]
        if isinstance(fn, FunctionVal):
            fn.kind = name
        return fn
    if name in ("map", "filter") and len(args) > 1 and not kwargs \
            and (_lazy_source(args[1:], unrun=True) or any(isinstance(a, EndlessIter) for a in args[1:])):
        # over a map/accumulate: an item of the source is made when map/filter is asked for one
        pulled = [_source_items(interp, a, node) for a in args[1:]]
        if any(p is None for p in pulled):
            return Unknown("", span, f"{name} over unknown")
        fn = args[0]
        gens = [a for a in args[1:] if isinstance(a, PyGenerator)]
        if name == "map":
            one = _unrun_made_here(args, 1, node) if len(args) == 2 else None
            return _reading(LazyIterator(pulled_at(interp, _mapped(interp, fn, pulled, gens, span, node)), one,
                                         tuple(gens)), args[1:])
        return _reading(LazyIterator(pulled_at(interp, _while_lazy(
            interp, "filter", fn, _checked_first(interp, fn, pulled[0], gens, node), args[1], span, node)),
            takes_from=tuple(gens)), args[1:])
    if name in ("map", "filter"):
        before = [(a, a.consumed) for a in args[1:] if isinstance(a, PyGenerator)]
        fn, sources = args[0], [interp.iterate(a, node) for a in args[1:]]
        if not sources or any(s is None for s in sources):
            return Unknown("", span, f"{name} over unknown")
        if before and interp._generator_changes:
            # the function runs for each item: what it reads, a generator's body may change
            interp.refuse_reads_by(fn, before, node)
        if name == "map":  # map(f, a, b) calls f(x, y) pairwise, up to the shortest
            return _reading(LazyIterator(pulled_at(interp, (interp.call(fn, list(group), {}, span, node)
                                                            for group in zip(*sources))),
                                         takes_from=tuple(gen for gen, _ in before)), args[1:])
        return _reading(LazyIterator(pulled_at(interp, _while_lazy(interp, "filter", fn, sources[0], None, span, node)),
                                     takes_from=tuple(gen for gen, _ in before)), args[1:])
    if name == "callable":
        x = args[0]
        if isinstance(x, Unknown):
            return Known(False) if x.kind in ("int", "float", "bool") else Unknown("bool", span, "callable() of an unknown")
        if isinstance(x, Known):
            return Known(callable(x.value))
        if isinstance(x, InstanceVal):
            return Known(x.cls.lookup("__call__")[1] is not None)
        return Known(isinstance(x, (FunctionVal, ClassVal, Builtin, LibRef, PartialVal, BoundMethod, BoundLib)))
    if name == "exception_init" and args and isinstance(args[0], InstanceVal):
        if kwargs:
            raise UserRaise(span, f"TypeError: {args[0].cls.name}() takes no keyword arguments")
        dunders.init_exception_args(args[0], args[1:])  # BaseException.__init__ sets `args`
        return Known(None)
    if name == "object_init_of" and args and isinstance(args[0], InstanceVal) and (len(args) > 1 or kwargs):
        # object.__init__(self, ...) given arguments: Python refuses them when the object's class
        # overrides __init__ (or, not overriding __new__ either, takes none at all)
        cls = args[0].cls
        if all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
               for c in cls.mro() for b in c.bases):
            if cls.lookup("__init__")[1] is not None:
                raise UserRaise(span, "TypeError: object.__init__() takes exactly one argument (the instance to "
                                      "initialize)")
            if cls.lookup("__new__")[1] is None:
                raise UserRaise(span, f"TypeError: {cls.name}() takes no arguments")
    if name == "numpy.vectorize":
        return interp.call_vectorized(args[0], args[1].value, args[2:], kwargs, span)
    if name in ("object_init", "object_init_of", "noop"):
        return Known(None)
    if name == "object.__new__":
        refused = _object_new_refusal(args, kwargs)
        if refused is not None:
            raise UserRaise(span, f"TypeError: {refused}")
    if name == "object.__new__" and args and isinstance(args[0], ClassVal):
        return InstanceVal(args[0])  # the object a user __new__ asks object for (its __init__ runs later)
    if name == "type.__new__" and len(args) == 4 and isinstance(args[0], ClassVal):
        return interp.type_new(args[1:])
    if name == "type.__call__" and args and isinstance(args[0], ClassVal):
        return interp.instantiate(args[0], args[1:], kwargs, span, through_meta=True)
    if name == "container_init" and args and isinstance(args[0], InstanceVal) and args[0].payload is not None:
        interp.fill_container(args[0], args[1:], kwargs, span)
        return Known(None)
    if name in _SEES_CONTAINER and any(isinstance(a, InstanceVal) and a.payload is not None for a in args):
        # dict(d), len(d), sorted(d), sum(lst) of a user subclass of dict or list: its container
        # (len() and iteration still go to the class's own __len__/__iter__ when it has them)
        if not (name == "len" and isinstance(args[0].cls.lookup("__len__")[1], FunctionVal)):
            args = [a.payload if isinstance(a, InstanceVal) and a.payload is not None
                    and not isinstance(a.cls.lookup("__iter__")[1], FunctionVal) else a for a in args]
    if name == "object_setattr" and len(args) == 3 and isinstance(args[0], InstanceVal) \
            and isinstance(args[1], Known) and isinstance(args[1].value, str):
        interp.store_attr(args[0], args[1].value, args[2], node, hook=False, span=span)
        return Known(None)
    if dunders.is_builtin_exception(name) and not kwargs:
        # `e = ValueError("x", n)`, raised or kept later: the instance itself, its args known
        if _all_known(args):
            return Known(getattr(builtins, name)(*(a.value for a in args)))
        return Unknown("", span, f"a {name} of values flopcast could not compute")
    if name.endswith("Error") or name == "NotImplemented" or dunders.is_builtin_exception(name):
        return Known(None)
    if name == "type":
        x = args[0]
        if isinstance(x, InstanceVal):
            return x.cls
        if isinstance(x, Array):
            return LibRef("numpy.ndarray" if x.plain else "flopscope.SymmetricTensor" if x.sym
                          else "flopscope.FlopscopeArray")
        # (a ChainMap's type is no builtin: `type(cm)` stays unknown)
        python_type = _CONTAINER_TYPES[type(x)].__name__ if type(x) in _CONTAINER_TYPES \
            and type(x) is not ChainMapVal and not _listed_otherwise(x) and not getattr(x, "ordered", False) else None
        if isinstance(x, Known) and type(x.value).__name__ in _BUILTIN_TYPES \
                and _BUILTIN_TYPES[type(x.value).__name__] is type(x.value):
            python_type = type(x.value).__name__
        if python_type is not None and len(args) == 1:
            return Builtin(python_type)
        return Unknown("", span, "type()")
    if name == "iter" and len(args) == 2 and not kwargs:
        return LazyIterator(pulled_at(interp, _calls_until(interp, args[0], args[1], span, node)))
    if name == "iter":
        x = args[0]
        if len(args) != 1 or isinstance(x, (PyGenerator, GeneratorView, SeqIterator, EndlessIter)):
            return x  # a generator is its own iterator
        it = interp.user_iter(x, span) if isinstance(x, InstanceVal) else None
        if it is not None:
            if dunders.is_user_iterator(it):
                return it  # stepped by next() as the program asks
            x = it
        items = interp.iterate(x, node)
        return _reading(SeqIterator(list(items)), [x]) if items is not None \
            else Unknown("", span, "iter() of unknown items")
    if name == "next" and args and isinstance(args[0], EndlessIter):
        return args[0].take(1)[0]
    if name == "next" and args and isinstance(args[0], SeqIterator):
        it = args[0]
        if it.seen:
            check_sources(interp, it, span)
        if interp._genexp_reads:  # a generator expression made where it is written
            interp._check_genexp_reads(it, node, keep=True)
        if it.ready(it.consumed + 1):
            it.consumed += 1
            return it.item(it.consumed - 1)
        if len(args) > 1:
            return args[1]
        raise UserRaise(span, "StopIteration")
    if name == "next" and args and dunders.is_user_iterator(args[0]):
        try:
            return interp.next_item(args[0], span)
        except UserRaise as exc:
            if interp.stops_iteration(exc) and len(args) > 1:
                return args[1]
            raise
    if name == "next" and args and isinstance(args[0], PyGenerator):
        gen = args[0]
        fresh = gen.items is None
        if fresh:
            gen.taken_by_next = True
        if interp._genexp_reads:
            interp._check_genexp_reads(gen, node, keep=True)
        if gen.consumed and interp._generator_reads:
            interp._check_generator_reads(gen, span)
        if gen.read_by:
            interp.refuse_taken_ahead(gen, span)
        items = interp.run_generator(gen)
        interp.note_taken(gen)
        if fresh:
            gen.past_last = False  # suspended at its first yield, until asked further
            if interp._first_item_state:
                interp.refuse_changes_past_first(gen, span)
        if gen.consumed < len(items):
            gen.consumed += 1
            return items[gen.consumed - 1]
        gen.past_last = True
        if gen.error is not None:
            raise gen.error
        if len(args) > 1:
            return args[1]
        raise UserRaise(span, "StopIteration")
    if name == "next" and args:
        # `next(xs)` of a list, `next(3)`, of an object whose classes define no __next__: no iterator
        x = args[0]
        kind = type(x.value).__name__ if x.__class__ is Known and type(x.value) in (
            int, float, bool, complex, type(None), str, tuple, list, dict, set, frozenset, range) else \
            {ListVal: "list", TupleVal: "tuple", DictVal: "dict"}.get(x.__class__) or not_iterable(x, "__next__")
        if kind is not None and not (x.__class__ is ListVal and (x.is_set or x.view_of is not None)):
            raise UserRaise(span, f"TypeError: '{kind}' object is not an iterator")
    return Unknown("", span, f"builtin {name}")


def items_then_error(interp, value: Value, node) -> tuple:
    """The items of ``value`` and the errors a generator's body raised after its last one
    (a consumer works through those items before it meets the error, as Python's does)."""
    saved, interp._deferred_errors = interp._deferred_errors, []
    try:
        items = interp.iterate(value, node)
    finally:
        deferred, interp._deferred_errors = interp._deferred_errors, saved
    return items, deferred


def _zero_d_only() -> bool:
    """NumPy 2.4 expired the 1.25 deprecation: int()/float()/complex() of an array with ndim > 0
    (one element or not) is a TypeError; before, a size-1 array of any shape converted."""
    parts = installed.version_of("numpy").split(".")
    try:
        return (int(parts[0]), int(parts[1])) >= (2, 4)
    except (ValueError, IndexError):
        return True


def _scalar_conversion_error(name: str, x: Array) -> Optional[str]:
    """The program's error of ``name(x)`` for an array ``x`` (a flopscope or numpy array), or None.
    round() needs __round__, which neither array class defines (numpy scalars do); bool() of
    anything but one element is ambiguous (ValueError)."""
    if name == "round":
        return f"TypeError: type {'numpy.ndarray' if x.plain else 'FlopscopeArray'} doesn't define __round__ method"
    if name == "bool":
        return None if x.size == 1 else ("ValueError: The truth value of an array with more than one element "
                                         "is ambiguous. Use a.any() or a.all()")
    if name in ("int", "float", "complex"):
        if x.size != 1:
            return "TypeError: only size-1 arrays can be converted to Python scalars" if not _zero_d_only() \
                else "TypeError: only 0-dimensional arrays can be converted to Python scalars"
        if x.ndim > 0 and _zero_d_only():
            return "TypeError: only 0-dimensional arrays can be converted to Python scalars"
        if name != "complex" and x.dtype is not None and dtypes.kind(x.dtype) == "c":
            # the array's __float__/__int__ hand Python a complex (`float(fnp.sum(spectrum))`)
            what = "a string or a real number" if name == "float" else "a string, a bytes-like object or a real number"
            return f"TypeError: {name}() argument must be {what}, not 'complex'"
    return None


def _object_new_refusal(args: list, kwargs: dict) -> Optional[str]:
    """Why CPython's ``object.__new__(cls, ...)`` refuses its arguments (typeobject.c's
    object_new), when flopcast can tell; None otherwise."""
    if not args:
        return "object.__new__(): not enough arguments"
    cls = args[0]
    if isinstance(cls, ClassVal):
        if not (len(args) > 1 or kwargs) or not all(
                isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                for c in cls.mro() for b in c.bases):
            return None
        # extra arguments are refused from a class overriding __new__ (it passed them on), or
        # overriding neither __new__ nor __init__
        if cls.lookup("__new__")[1] is not None:
            return "object.__new__() takes exactly one argument (the type to instantiate)"
        return f"{cls.name}() takes no arguments" if cls.lookup("__init__")[1] is None else None
    plain = isinstance(cls, Known) and not isinstance(cls.value, type) and dunders.plain_value(cls.value) \
        or isinstance(cls, Unknown) and cls.kind in ("int", "float", "bool") \
        or isinstance(cls, InstanceVal) and all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                                                for c in cls.cls.mro() for b in c.bases)
    # `super().__new__(width)` in a classmethod: object's staticmethod given a number for the class
    return f"object.__new__(X): X is not a type object ({dunders._type_name(cls)})" if plain else None


def _zero_argument_super_raises(interp, frame, span: Span) -> None:
    """``super()`` takes the first argument of the function whose code calls it. Before Python
    3.12 a list, set or dict comprehension is a function of its own whose first argument is its
    iterator: TypeError. A lambda or nested def with no argument has none: RuntimeError."""
    running = interp._comprehensions[-1] if interp._comprehensions else None
    if running is not None and running.frame is frame and _sys.version_info < (3, 12) \
            and isinstance(running.node, (_ast.ListComp, _ast.SetComp, _ast.DictComp)):
        raise UserRaise(span, "TypeError: super(type, obj): obj must be an instance or subtype of type")
    fn = frame.function
    if (running is None or running.frame is not frame) and fn is not None \
            and isinstance(fn.node, (_ast.Lambda, _ast.FunctionDef)):
        a = fn.node.args
        if not a.posonlyargs and not a.args and a.vararg is None:
            raise UserRaise(span, "RuntimeError: super(): no arguments")

_ADD = _ast.Add()


def _made_generator(a: Value) -> bool:
    """A generator whose items are made already (a generator expression, made where it is
    written; a body run by an earlier consumer) and that stopped nowhere in between: what a
    consumer does not take of it is taken back when predict ends (retract_unconsumed), so a
    consumer that takes its items one at a time (advancing ``consumed``) charges what Python does."""
    return a.__class__ is PyGenerator and a.items is not None and not a.paused


def _lazy_source(args: list, unrun: bool = False) -> bool:
    """Whether an argument is an iterator that makes its items as they are asked for (map,
    filter, accumulate, starmap: each item may run code and charge ops) and still has some to
    make, or a generator with its items made (_made_generator); and none is an endless iterator
    or a generator whose body has not run (handled apart). ``unrun``: a consumer that took
    every item of a generator whose body has not run (chain, takewhile, map...): its body runs
    at the first item asked for, whole, and what is not taken is taken back (as list() of it)."""
    def fresh(a):
        return unrun and a.__class__ is PyGenerator and a.items is None and not a.paused

    return any(a.__class__ is LazyIterator and a._produce is not None
               or _made_generator(a) and a.consumed < len(a.items) or fresh(a) for a in args) \
        and not any(isinstance(a, PyGenerator) and not _made_generator(a) and not fresh(a) for a in args)


def _unrun_made_here(args: list, i: int, node) -> Optional[PyGenerator]:
    """The argument ``i``, when it is a generator made in this call whose body has not run."""
    a = args[i]
    return a if a.__class__ is PyGenerator and a.items is None and not a.paused \
        and stdlib_containers.made_here(node, i) else None


def _endless_pulled(v: EndlessIter, interp, span: Span):
    """An endless iterator's items taken one at a time beside a lazy source (zip(count(), m));
    a consumer that takes more than flopcast unrolls ends the path (Python never stops)."""
    for _ in range(_MAX_ITEMS + 1):
        yield v.take(1)[0]
    interp.stop_path(f"{span}: more than {_MAX_ITEMS:,} items of an endless iterator are taken; the cost after it "
                     "is not counted", span, "endless iterator")


def _pulled(v: Value, interp, node):
    """An iterator's items taken one at a time, as a consumer asks (the iterator advances). A
    generator expression made whole where it is written is checked at each item for a name it
    reads that holds another value since (Python makes the item now, with that value)."""
    if v.__class__ is PyGenerator:
        yield from _pulled_generator(v, interp, node)
        return
    while v.ready(v.consumed + 1):
        interp._check_genexp_reads(v, node, keep=True)
        if v.seen:  # iter(lst) of a list changed since
            check_sources(interp, v, interp.node_span(node) if node is not None else interp.span)
        item = v.item(v.consumed)
        v.consumed += 1
        yield item


def _refuse_reads_per_item(interp, fn, args, node, run: bool = True) -> None:
    """max(gen, key=fn), reduce(fn, gen): ``fn`` runs between the generator's items, which it
    consumes whole; its body is run now (as it would be at the first item), and what ``fn`` reads
    is checked against what the body changed (Interpreter.refuse_reads_by)."""
    gens = [a for a in args if isinstance(a, PyGenerator) and a.function is not None]
    for gen in gens:
        if gen.items is None and run:
            interp.run_generator(gen)
    if gens and interp._generator_changes:
        interp.refuse_reads_by(fn, [(g, g.consumed) for g in gens], node)


def _checked_first(interp, fn, items, gens: list, node):
    """``items`` as they are pulled; once the first is (a generator's body has then run whole),
    what ``fn`` reads is checked against what the generators' bodies changed."""
    for k, item in enumerate(items):
        if k == 0 and gens and interp._generator_changes:
            interp.refuse_reads_by(fn, [(g, 0) for g in gens], node)
        yield item


def _mapped(interp, fn, pulled: list, gens: list, span, node):
    """map(fn, *sources) over lazily pulled sources: fn called on each group as it is asked for."""
    for k, group in enumerate(zip(*pulled)):
        if k == 0 and gens and interp._generator_changes:
            interp.refuse_reads_by(fn, [(g, 0) for g in gens], node)
        yield interp.call(fn, list(group), {}, span, node)


def _pulled_generator(gen: PyGenerator, interp, node):
    """A made generator's items taken one at a time; asked past its last, it is used up (and
    raises the error its body raised after its last item)."""
    if gen.items is None:
        interp.run_generator(gen)  # its whole body, now (what is never taken is taken back)
    else:
        interp._presumed_ahead(gen)
    while gen.consumed < len(gen.items):
        interp._check_genexp_reads(gen, node, keep=True)
        if gen.read_by:
            interp.refuse_taken_ahead(gen, interp.node_span(node) if node is not None else gen.span)
        if gen.consumed and interp._generator_reads:  # the state its body reads, changed since
            interp._check_generator_reads(gen, interp.node_span(node) if node is not None else gen.span)
        item = gen.items[gen.consumed]
        gen.consumed += 1
        gen.past_last = False  # suspended at the yield of this item until asked for another
        interp.note_taken(gen)
        yield item
    if gen.paused:
        interp.run_generator(gen, gen.consumed + 1)  # asked past where its body stopped: ends the path
    gen.past_last = True
    if gen.error is not None:
        raise gen.error


def _run_zipped_generators(interp, args: list, span: Span, node) -> None:
    """Run the bodies of the generators zip is handed that have not run, each up to the items zip
    can take of it beside its shortest sequence (one more when it comes before that sequence:
    zip asks it first), so an endless body beside `range(n)` stops there (_zip_generators)."""
    def unrun(a) -> Optional[PyGenerator]:
        if a.__class__ is PyGenerator and a.items is None:
            return a
        # enumerate(gen()), map(f, gen()), takewhile(p, gen()): the body stops where zip stops them
        gen = a.pulls_from if a.__class__ is LazyIterator else None
        return gen if gen is not None and gen.items is None and not a._made else None

    if not any(unrun(a) is not None for a in args):
        return
    # (a map's length is not asked: that would make its items)
    fixed = [None if isinstance(a, (PyGenerator, EndlessIter, LazyIterator)) else
             len(a.items) - a.consumed if isinstance(a, SeqIterator) else len(interp.iterate(a, node) or ())
             for a in args]
    bound = min((f for f in fixed if f is not None), default=None)
    for i, a in enumerate(args):
        gen = unrun(a)
        if gen is not None:
            taken = None if bound is None else gen.consumed + _zip_pulls(fixed, bound, i, node, anywhere=True)
            pulls = _zip_pulls(fixed, bound, i, node)
            interp.run_generator(gen, None if pulls is None else gen.consumed + pulls)
            if len(args) > 1:
                # (held by a name its body ran whole; beside other generators where zip stops is not known)
                interp.refuse_taken_short(gen, taken, span)


def _zip_pulls(lengths: list, bound: Optional[int], i: int, node, anywhere: bool = False) -> Optional[int]:
    """How many items zip pulls from its argument ``i`` (a generator made in the call), beside
    sequences of ``lengths`` (None for the generators) whose shortest holds ``bound``: the row
    that finds that sequence exhausted pulled one more from the arguments before it and none
    from those after it, so the code after a later generator's last item taken never runs at run
    time (a `log.append` there is not made). None: no bound (the body runs whole).
    ``anywhere``: the same of a generator held by a name (its body still runs whole)."""
    if bound is None or not (anywhere or stdlib_containers.made_here(node, i)):
        return None
    short = next((j for j, n in enumerate(lengths) if n is not None and n == bound), len(lengths))
    return bound + 1 if i < short else bound


def _zip_lazy(interp, args: list, strict: bool, span: Span, node) -> Value:
    """zip beside an iterator that makes its items when asked: each row asks each argument in
    turn, when the row is asked for (Python's zip is lazy: `takewhile(p, zip(names,
    accumulate(arrays)))` makes the sums only up to the first row that fails)."""
    sources = []
    for a in args:
        if isinstance(a, SeqIterator) or a.__class__ is PyGenerator:
            sources.append(_pulled(a, interp, node))
        elif isinstance(a, EndlessIter):
            sources.append(_endless_pulled(a, interp, span))
        else:
            items = interp.iterate(a, node)
            if items is None:
                return Unknown("", span, "zip of unknown")
            sources.append(iter(items))

    def refuse(k: int, word: str):
        what = f"zip() argument {k + 1} is {word} than argument{' ' if k == 1 else 's 1-'}{k}"
        raise UserRaise(span, f"ValueError: {what}")

    def rows():
        while True:
            row = []
            for i, it in enumerate(sources):
                try:
                    row.append(next(it))
                except StopIteration:
                    if strict and i:
                        refuse(i, "shorter")
                    if strict:  # the first ran out: every other must have too
                        for k, other in enumerate(sources[1:], 1):
                            for _ in other:
                                refuse(k, "longer")
                    return
            yield make_tuple(row)

    return _reading(LazyIterator(rows()), list(args))  # a list it reads, changed before it is read, ends the path


#: itertools that take items from their iterable arguments only as they are asked for theirs
_LAZY_ITERTOOLS = frozenset({"takewhile", "dropwhile", "pairwise", "chain", "chain.from_iterable", "cycle",
                             "compress", "filterfalse", "zip_longest", "starmap", "accumulate", "groupby", "tee"})


def _source_items(interp, v: Value, node):
    """A Python iterator over ``v``'s items, taking them one at a time from an iterator (which
    advances as they are taken); a sequence's items; None when not known."""
    if isinstance(v, SeqIterator) or v.__class__ is PyGenerator and not v.paused:
        return _pulled(v, interp, node)
    if isinstance(v, EndlessIter):
        return _endless_pulled(v, interp, interp.node_span(node))
    if isinstance(v, PyGenerator):
        return None
    items = interp.iterate(v, node)
    return None if items is None else iter(items)


def pulled_at(interp, produce):
    """``produce``'s items, each made where the program asks for it (``Interpreter.pulled_at``):
    a lazy iterator's calls of flopscope (``map(fnp.exp, xs)``, ``accumulate(ws, matmul)``) charge
    at the call, loop or unpacking that takes the item, as the run files them."""
    pull = produce.__next__
    while True:
        try:
            item = interp.pulled_at(pull)
        except StopIteration:
            return
        yield item


#: values whose == with an object of another class is Python's identity fallback
_BUILTIN_EQ = frozenset({Known, TupleVal, ListVal, DictVal})


def _calls_until(interp, fn: Value, sentinel: Value, span: Span, node):
    """``iter(fn, sentinel)``: ``fn()`` called as each item is asked for, until it returns the
    sentinel or raises StopIteration (Python's test of the sentinel: the same object, or ``==``,
    whose answer must be known of values that are not arrays: an array's ``==`` charges, and its
    truth may raise)."""
    for _ in range(MAX_LOOP_ITERATIONS):
        try:
            item = interp.call(fn, [], {}, span, node)
        except UserRaise as exc:
            if interp.stops_iteration(exc):
                return  # Python's call iterator ends there too (`iter(partial(next, it), 0)`)
            raise
        if item is sentinel:
            return
        if any(isinstance(v, (Array, NumpyScalar)) for v in (item, sentinel)):
            same = None
        elif any(equal_only_to_itself(a) and (equal_only_to_itself(b) or b.__class__ in _BUILTIN_EQ)
                 for a, b in ((item, sentinel), (sentinel, item))):
            same = False  # `DONE = object()`: neither side's == is more than identity
        else:
            same = interp.known_truth(interp.compare(_ast.Eq(), item, sentinel, node))
        if same is None:
            interp.stop_path("iter(callable, sentinel) compares an item whose equality with the sentinel is not "
                             "known; the cost after it is not counted", span, "iter(callable, sentinel)")
        if same:
            return
        yield item
    raise interp._past_the_cap(node, span, "iter(callable, sentinel)")


#: itertools that call the program's function between the items of their source
_PER_ITEM_CALLERS = frozenset({"accumulate", "takewhile", "dropwhile", "starmap", "groupby", "filterfalse"})


def _itertools_lazy(interp, name: str, args, kwargs, span: Span, node) -> Optional[Value]:
    """``name`` over an argument that makes its items when asked (a map, an accumulate): the
    real itertools run over the items pulled one at a time, each call of the program's function
    made when the result is asked for an item (Python's itertools are lazy; making every item
    at the call charged ops for items nobody took). None when this is not the case handled."""
    import itertools

    def truth(value, what):
        answer = interp.known_truth(interp.size_truth(value, node))
        if answer is None:
            interp.stop_path(f"{span}: which items {what} depends on values; the cost after it is not counted",
                             span, f"itertools.{name}")
        return answer

    def test(fn, item, what):
        return truth(item if isinstance(fn, Known) and fn.value is None else interp.call(fn, [item], {}, span, node),
                     what)

    def src(v):
        made = _source_items(interp, v, node)
        if made is None:
            raise _NotKnown()
        return made

    try:
        if name in ("takewhile", "dropwhile") and len(args) == 2 and not kwargs:
            made = _while_lazy(interp, name, args[0], src(args[1]), args[1], span, node)
            return LazyIterator(pulled_at(interp, made), _unrun_made_here(args, 1, node) if name == "takewhile" else None,
                                tuple(a for a in args[1:] if a.__class__ is PyGenerator))
        if name == "pairwise" and len(args) == 1 and not kwargs:
            return LazyIterator(make_tuple(list(pair)) for pair in itertools.pairwise(src(args[0])))
        if name == "chain" and not kwargs:
            sources = [src(a) for a in args]
            return LazyIterator(itertools.chain(*sources))
        if name == "chain.from_iterable" and len(args) == 1 and not kwargs:
            outer = src(args[0])
            return LazyIterator(x for inner in outer for x in src(inner))
        if name == "cycle" and len(args) == 1 and not kwargs:
            def cycled():  # endless: a consumer that takes everything (list()) ends the path
                for made, item in enumerate(itertools.cycle(src(args[0]))):
                    if made > _MAX_ITEMS:
                        interp.stop_path(f"{span}: more than {_MAX_ITEMS:,} items of itertools.cycle() are taken; "
                                         "the cost after it is not counted", span, "endless iterator")
                    yield item
            return LazyIterator(cycled())
        if name == "compress" and len(args) == 2 and not kwargs:
            data, selectors = src(args[0]), src(args[1])
            return LazyIterator(pulled_at(interp, (d for d, sel in zip(data, selectors)
                                                   if truth(sel, "compress() keeps"))))
        if name == "filterfalse" and len(args) == 2 and not kwargs:
            return LazyIterator(pulled_at(interp, (item for item in src(args[1])
                                                   if not test(args[0], item, "filterfalse() keeps"))))
        if name == "zip_longest" and set(kwargs) <= {"fillvalue"}:
            fill = kwargs.get("fillvalue", Known(None))
            sources = [src(a) for a in args]
            return LazyIterator(make_tuple([fill if x is _FILL else x for x in row])
                                for row in itertools.zip_longest(*sources, fillvalue=_FILL))
        if name == "starmap" and len(args) == 2 and not kwargs:
            groups = src(args[1])

            def calls():
                for g in groups:
                    parts = interp.iterate(g, node)
                    if parts is None:
                        interp.stop_path(f"{span}: starmap() of an item whose length is not known; the cost after "
                                         "it is not counted", span, "itertools.starmap")
                    yield interp.call(args[0], list(parts), {}, span, node)
            return LazyIterator(pulled_at(interp, calls()))
        if name == "groupby" and 1 <= len(args) <= 2 and set(kwargs) <= {"key"}:
            fn = args[1] if len(args) > 1 else kwargs.get("key", Known(None))
            source = src(args[0])

            class Key:  # groupby's `==` between consecutive keys, as flopcast can answer it
                __slots__ = ("v",)
                __hash__ = None

                def __init__(self, v):
                    self.v = v

                def __eq__(self, other):
                    try:
                        return _same_key(self.v, other.v)
                    except _Unpriced as exc:
                        interp.stop_path(f"{span}: {exc}; the cost after it is not counted", span, "itertools.groupby")

            def keyed(item):
                return Key(item if isinstance(fn, Known) and fn.value is None
                           else interp.call(fn, [item], {}, span, node))

            # the real groupby over the items pulled one at a time: a group iterator is emptied
            # when the groupby moves on, as Python's is
            return LazyIterator(pulled_at(interp, (make_tuple([k.v, LazyIterator(iter(group))])
                                                   for k, group in itertools.groupby(source, key=keyed))))
        if name == "tee" and 1 <= len(args) <= 2 and not kwargs:
            n = args[1] if len(args) > 1 else Known(2)
            if not (isinstance(n, Known) and isinstance(n.value, int) and 0 <= n.value <= _MAX_ITEMS):
                return None
            # independent iterators over one source, which advances when the first of them asks
            return TupleVal(tuple(LazyIterator(iter(t)) for t in itertools.tee(src(args[0]), n.value)))
        if name == "accumulate" and 1 <= len(args) <= 2 and set(kwargs) <= {"func", "initial"}:
            items = src(args[0])
            fn = args[1] if len(args) > 1 else kwargs.get("func")

            def sums():
                acc = kwargs.get("initial")
                if acc is not None and not (isinstance(acc, Known) and acc.value is None):
                    yield acc
                else:
                    acc = None
                for item in items:
                    if acc is None:
                        acc = item
                    elif fn is None or isinstance(fn, Known) and fn.value is None:
                        acc = interp.binop(_ADD, acc, item, node)
                    else:
                        acc = interp.call(fn, [acc, item], {}, span, node)
                    yield acc
            return LazyIterator(pulled_at(interp, sums()))
    except _NotKnown:
        return None
    return None


def _calls_program_per_item(name: str, args, kwargs) -> bool:
    """takewhile/dropwhile/filterfalse/groupby over a sequence with a function that may charge
    or change state (the program's, a flopscope op): Python calls it only as items are asked
    for, so `next(filterfalse(f, rows))` calls it once and an iterator never used not at all."""
    if name not in ("takewhile", "dropwhile", "filterfalse", "groupby") or not args:
        return False
    fn = args[0] if name != "groupby" else args[1] if len(args) > 1 else kwargs.get("key", Known(None))
    return not isinstance(fn, (Known, Builtin)) \
        and not any(isinstance(a, PyGenerator) for a in (*args, *kwargs.values()))


def _while_lazy(interp, name: str, fn: Value, items, source: Optional[Value], span: Span, node):
    """takewhile/dropwhile/filter over an iterator that makes its items when asked (or a
    sequence; ``source`` None: ``items`` are a sequence's, made already): each item made and
    tested when the result is asked for the next (takewhile takes the first failing item too,
    and makes none after it; dropwhile tests none after it). Where the test depends on values
    the call is a search for the first item answering False (filter: True, the item it hands
    over): each item from there on is a stop of its own (first_index.stop_answer), as the run
    may stop at any, over a generator's items as over a sequence's."""
    dropping = True
    left = None
    if source.__class__ is PyGenerator and source.function is not None:
        # the generator's body runs whole at the first item: what the test reads, that body may
        # have changed past the item tested (as map's and filter's function)
        items = _checked_first(interp, fn, items, [source], node)
    elif not isinstance(source, (SeqIterator, PyGenerator, EndlessIter)):
        items = list(items)  # a sequence's items, made already: how many a search may stop at is known
        left = len(items)
    first = None
    for position, item in enumerate(items):
        if not dropping:
            yield item  # (past the first item kept, dropwhile calls the test no more)
            continue
        r = item if isinstance(fn, Known) and fn.value is None else interp.call(fn, [item], {}, span, node)
        truth = interp.known_truth(interp.size_truth(r, node))
        if truth is None:
            interp.check_array_truth(r, node)
            if first is None:
                first = position
                if left is None:
                    left = _counted_ahead(source, position)
            test = f"`{name}()`'s test" + (f" `{_ast.unparse(node.args[0])}`" if getattr(node, "args", None) else "")
            truth = first_index.stop_answer(interp, node, test, name == "filter", position, first,
                                            None if left is None else left - first)
        if name == "filter":
            if truth:
                yield item
        elif name == "takewhile":
            if not truth:
                return
            yield item
        elif not truth:
            dropping = False
            yield item


def _counted_ahead(source: Value, position: int) -> Optional[int]:
    """How many items an iterator ``source`` hands a takewhile/dropwhile from its first, once its
    item ``position`` was taken: known of a generator whose body ran to its end (it runs whole at
    the first item) and of an iterator over a sequence; None of one whose items are made as asked
    (a map, an endless or paused generator), searched then stop by stop as they come."""
    if source.__class__ is PyGenerator and source.items is not None and not source.paused \
            or source.__class__ is SeqIterator:
        return position + 1 + len(source.items) - source.consumed
    return None


def _same_known_lengths(interp, args: list, node) -> bool:
    """Whether every argument of a zip is a sequence or an iterator over items already made
    (not a generator, nor a map/filter that runs code per item) and all hold as many items."""
    lengths = set()
    for a in args:
        if a.__class__ is SeqIterator:
            lengths.add(len(a.items) - a.consumed)
        elif isinstance(a, (SeqIterator, PyGenerator, EndlessIter)):
            return False
        else:
            items = interp.iterate(a, node)
            if items is None:
                return False
            lengths.add(len(items))
    return len(lengths) == 1


def _zip_iterators(interp, args: list, span: Span, node) -> Value:
    """zip over iterators, which it advances one item per argument per row, left to right
    (`zip(*[it] * 2)` pairs up consecutive items; an item taken before a shorter argument
    ends the row is lost)."""
    seqs = [None if isinstance(a, SeqIterator) else interp.iterate(a, node) for a in args]
    if any(s is None and not isinstance(a, SeqIterator) for s, a in zip(seqs, args)):
        return Unknown("", span, "zip of unknown")
    pos = [0] * len(args)
    rows = []
    while True:
        row = []
        for i, a in enumerate(args):
            if isinstance(a, SeqIterator):
                if not a.ready(a.consumed + 1):
                    return SeqIterator(rows)
                row.append(a.item(a.consumed))
                a.consumed += 1
            else:
                if pos[i] >= len(seqs[i]):
                    return SeqIterator(rows)
                row.append(seqs[i][pos[i]])
                pos[i] += 1
        rows.append(make_tuple(row))


def _zip_generators(interp, args: list, span: Span, node) -> Value:
    """zip over generators: each row pulls one item from each argument, left to right, and the
    row that finds an argument exhausted has already pulled from the ones before it (that item
    is made, and lost). An endless generator beside a sequence stops after the last pull."""
    before = [a.consumed if isinstance(a, (PyGenerator, SeqIterator, EndlessIter)) else 0 for a in args]
    fixed = []
    for a in args:
        if isinstance(a, SeqIterator):
            fixed.append(a.items[a.consumed:])
        elif isinstance(a, (PyGenerator, EndlessIter)):
            fixed.append(None)
        else:
            items = interp.iterate(a, node)
            if items is None:
                return Unknown("", span, "zip of unknown")
            fixed.append(items)
    bound = min((len(f) for f in fixed if f is not None), default=None)
    if bound is None and any(isinstance(a, EndlessIter) for a in args):
        return interp.unpriced(node, "zip()", "zip of endless iterators and generators is not modelled")
    lengths = [None if f is None else len(f) for f in fixed]
    pulls = [_zip_pulls(lengths, bound, i, node) for i in range(len(args))]
    avail = [f if f is not None else [a.item(a.consumed + k) for k in range(bound + 1)] if isinstance(a, EndlessIter)
             else interp.run_generator(a, None if pulls[i] is None else a.consumed + pulls[i])[a.consumed:]
             for i, (a, f) in enumerate(zip(args, fixed))]
    rows = min(len(f) for f in avail)
    first_short = next(i for i, f in enumerate(avail) if len(f) == rows)
    for i, a in enumerate(args):
        if isinstance(a, (PyGenerator, SeqIterator, EndlessIter)):
            a.consumed += rows + 1 if i < first_short else rows
            if i != first_short:  # (the first one found exhausted was asked past its last item)
                interp.refuse_taken_short(a, a.consumed, span)
    return _lazy([make_tuple(list(t)) for t in zip(*avail)], args, before)


def check_sources(interp, it: SeqIterator, span: Span, state: Optional[tuple] = None) -> None:
    """An iterator over lists that changed after it was made: not modelled (the path ends). An
    iterator over a dict whose size changed raises RuntimeError when an item is asked for, as
    Python's does (its keys changed at the same size: not modelled)."""
    for source, ids in (it.seen if state is None else state):
        if source.__class__ is DictVal:
            keys = ids[1]
            # (a map/filter, or an iterator made of several, may stop before it asks the dict: not modelled)
            if len(source.items) != len(keys) and it.__class__ is SeqIterator and len(it.seen or state) == 1 \
                    and it.consumed < len(it.items):
                raise UserRaise(span, "RuntimeError: dictionary changed size during iteration")
            if list(source.items) != keys:
                interp.stop_path(f"{span}: a dict changed after an iterator over it (iter, zip, enumerate, map, "
                                 "filter) was made and before it was used up; the cost after it is not counted",
                                 span, "iterator over a changed dict")
            continue
        if len(source.items) != len(ids) or any(id(v) != i for v, i in zip(source.items, ids)):
            interp.stop_path(f"{span}: a list changed after an iterator over it (zip, enumerate, reversed, map, "
                             "filter) was made and before it was used up; the cost after it is not counted", span,
                             "iterator over a changed list")
    if state is None:
        it.seen = ()


def refresh_view(view: ListVal) -> None:
    """A dict view's items as the dict holds them now (a view made before an insert sees it)."""
    d, kind = view.view_of
    if d.npz is not None:
        d.items = plain_numpy.npz_mapping(d.npz).items  # an NpzFile's view reads its members anew
    if kind == "keys":
        view.items[:] = [key_value(k) for k in d.items]
    elif kind == "values":
        view.items[:] = list(d.items.values())
    else:
        view.items[:] = [make_tuple([key_value(k), v]) for k, v in d.items.items()]


def _lazy(items: list, args: list, before: list) -> Value:
    """enumerate/zip items; over a generator, a view that remembers where it started."""
    sources = [(a, n) for a, n in zip(args, before) if isinstance(a, (PyGenerator, EndlessIter))]
    return GeneratorView(items, sources) if sources else SeqIterator(items)


#: builtin classes ``isinstance`` can answer for a known Python value by asking Python
#: dtype names whose str() is the name itself (numpy: str(np.dtype("float32")) == "float32")
_DTYPE_NAMES = frozenset({"float16", "float32", "float64", "complex64", "complex128", "int8", "int16", "int32",
                          "int64", "uint8", "uint16", "uint32", "uint64", "bool"})

_BUILTIN_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "list": list, "tuple": tuple, "dict": dict,
                  "complex": complex, "set": set, "frozenset": frozenset, "bytes": bytes, "range": range,
                  "slice": slice, "type": type}
#: the Python class of each container value
_CONTAINER_TYPES = {ListVal: list, TupleVal: tuple, DictVal: dict, ChainMapVal: collections.ChainMap}
#: numpy scalar dtypes that subclass a Python number (np.float64 is a float, np.int64 is no int)
_SCALAR_SUBCLASSES = {"float64": "float", "complex128": "complex"}


def _getter(interp, name: str, args: list, node) -> Optional[Value]:
    """``operator.attrgetter("a", "b.c")`` / ``itemgetter(0, "k")`` as the lambda they are
    (``lambda o: (o.a, o.b.c)``), so sort keys and ``min(..., key=...)`` run it."""
    if not all(isinstance(a, Known) for a in args):
        return None
    keys = [a.value for a in args]
    if name == "attrgetter":
        if not all(isinstance(k, str) and all(part.isidentifier() for part in k.split(".")) for k in keys):
            return None
        parts = [f"_o.{k}" for k in keys]
    else:
        if not all(isinstance(k, (int, str)) and not isinstance(k, bool) for k in keys):
            return None
        parts = [f"_o[{k!r}]" for k in keys]
    source = f"lambda _o: {parts[0]}" if len(parts) == 1 else f"lambda _o: ({', '.join(parts)},)"
    return interp.make_function(lambda_at(source, node), "<lambda>")


def _method_caller(interp, method: str, args: list, kwargs: dict, node) -> Value:
    """``operator.methodcaller("m", *args, **kwargs)`` as the lambda it is
    (``lambda o: o.m(*args, **kwargs)``), its arguments kept as the lambda's defaults."""
    source = f"lambda _o, *, _a=(), _k={{}}: _o.{method}(*_a, **_k)"
    made = interp.make_function(lambda_at(source, node), "<lambda>")
    made.kw_defaults = {"_a": make_tuple(list(args)), "_k": DictVal(dict(kwargs))}
    return made


def _has_attribute(interp, obj: Value, name: str, span: Span) -> Optional[bool]:
    """``hasattr(obj, name)``; None when it depends on what flopcast does not know (a number
    read from data may be a Python float, without ``.shape``, or a numpy scalar, with one)."""
    if isinstance(obj, Unknown):
        return None
    if isinstance(obj, Known):
        return hasattr(obj.value, name)  # a Python literal: Python answers
    if isinstance(obj, ChainMapVal) and name == "maps":
        return True  # set by ChainMap.__init__ on the instance, not on the class
    python_type = _CONTAINER_TYPES.get(type(obj))
    if python_type is not None:
        return hasattr(python_type, name)
    if isinstance(obj, Array):
        owner = "numpy.ndarray" if obj.plain else "flopscope.FlopscopeArray"
        return LIBRARY_ANSWERS.ask(f"hasattr|{owner}|{name}", lambda: hasattr(_library_object(owner), name))
    if isinstance(obj, LibRef) and obj.path.split(".", 1)[0] in ("flopscope", "rawnumpy"):
        # a library object (`hasattr(fnp.maximum, "reduce")`: flopscope's ufuncs are plain
        # functions): the installed library answers, as it will at run time
        def ask() -> Optional[bool]:
            target = _library_object(obj.path)
            return None if target is _NO_OBJECT else hasattr(target, name)

        answer = LIBRARY_ANSWERS.ask(f"hasattr|{obj.path}|{name}", ask)
        if answer is not None:
            return answer
    try:
        value = interp.get_attr(obj, name, span, quiet=True)
    except UserRaise as exc:  # hasattr answers False on an AttributeError (a property's, a descriptor's)
        if exc.what.startswith("AttributeError"):
            return False
        raise
    return not (isinstance(value, Unknown) and value.reason.startswith("no attribute"))


def library_lacks(path: str, name: str) -> Optional[str]:
    """The AttributeError text of reading ``name`` off the flopscope or numpy module or function ``path``
    (``fnp.add.reduce``: flopscope's ufuncs are plain functions; ``fnp.nanstd2``), or None when
    the installed library has it or the object is not a module or a plain function."""
    if path.split(".", 1)[0] not in ("flopscope", "numpy", "rawnumpy"):
        return None

    def ask() -> Optional[str]:
        import types

        target = _library_object(path)
        if target is _NO_OBJECT or not isinstance(target, (types.ModuleType, types.FunctionType)):
            return None
        try:
            getattr(target, name)
        except AttributeError as exc:
            return str(exc)
        except Exception:  # noqa: BLE001 - a lazy import failing: not an answer
            return None
        return None

    answer = LIBRARY_ANSWERS.ask(f"lacks|{path}|{name}", ask)
    return answer if isinstance(answer, str) else None


_NO_OBJECT = object()


def _library_object(path: str):
    """The object a LibRef path names in the installed flopscope / numpy, or _NO_OBJECT."""
    import importlib

    parts = path.split(".")
    if parts[0] == "rawnumpy":
        parts[0] = "numpy"
    for i in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for part in parts[i:]:
                target = getattr(target, part)
        except AttributeError:
            return _NO_OBJECT
        return target
    return _NO_OBJECT


def same_library_object(first: str, second: str) -> Optional[bool]:
    """``==`` of two objects of the installed flopscope / numpy named by LibRef paths
    (``exc_type == np.linalg.LinAlgError``, ``g == np.sum``): whether they are one object, where
    both compare by identity (classes, functions, ufuncs: no ``__eq__`` of their own); None
    where either is not found there or compares otherwise (a number)."""
    def ask() -> Optional[bool]:
        objects = [_library_object(path) for path in (first, second)]
        if any(o is _NO_OBJECT or type(o).__eq__ is not object.__eq__ for o in objects):
            return None
        return objects[0] is objects[1]

    if not all(path.split(".", 1)[0] in ("flopscope", "rawnumpy", "numpy") for path in (first, second)):
        return None
    return LIBRARY_ANSWERS.ask(f"same|{first}|{second}", ask)


def _python_pick(name: str, items, key, span):
    """Python's own min()/max() over known values; values it cannot order (1 and 'a') raise
    the program's TypeError."""
    try:
        return (min if name == "min" else max)(items, key=key)
    except TypeError as exc:
        raise UserRaise(span, f"TypeError: {exc}") from None


def _isinstance(obj: Value, cls: Value) -> Optional[bool]:
    """``isinstance(obj, cls)``: None when the answer depends on what flopcast does not know
    (a number read from data may be a Python number or a numpy scalar)."""
    targets = cls.items if isinstance(cls, TupleVal) else ((cls,) if not isinstance(cls, Known) else ())
    answers = [_instance_of(obj, t) for t in targets]
    if any(a is True for a in answers):
        return True
    return False if all(a is False for a in answers) else None


#: the names typing leaves out of a Protocol's members (3.11's ``_get_protocol_attrs``)
_NOT_PROTOCOL_MEMBERS = frozenset({
    "__abstractmethods__", "__annotations__", "__weakref__", "_is_protocol", "_is_runtime_protocol", "__dict__",
    "__args__", "__slots__", "__next_in_mro__", "__parameters__", "__origin__", "__orig_bases__", "__extra__",
    "__tree_hash__", "__doc__", "__subclasshook__", "__init__", "__new__", "__module__",
    "_MutableMapping__marker", "_gorg"})


def _protocol_answer(interp, obj: Value, targets, span: Span) -> Optional[bool]:
    """``isinstance(obj, (..., P, ...))`` for the user's Protocols P, asking the targets in order
    as Python does: one not ``@runtime_checkable`` raises TypeError (even for an instance of a
    class deriving from it); a runtime-checkable one matches an instance of a class deriving
    from it, or a value having each of its members (a method not set to None). None when a
    target, or a member, depends on what flopcast does not know."""
    for t in targets:
        if isinstance(t, ClassVal) and declares_protocol(t):
            answer = protocol_instance(interp, obj, t, span)
        else:
            answer = _instance_of(obj, t)
        if answer is not False:
            return answer
    return False


def declares_protocol(cls: ClassVal) -> bool:
    """``cls._is_protocol``: typing.Protocol is one of its own bases."""
    return any(isinstance(b, LibRef) and b.path.rsplit(".", 1)[-1].split("[")[0] == "Protocol" for b in cls.bases)


def _runtime_checkable(cls: ClassVal) -> Optional[bool]:
    """Whether ``@runtime_checkable`` decorates the Protocol (None: a class it derives from is)."""
    def decorated(c) -> bool:
        return c.node is not None and any(
            (d.id if isinstance(d, _ast.Name) else d.attr if isinstance(d, _ast.Attribute) else "") == "runtime_checkable"
            for d in c.node.decorator_list)

    if decorated(cls):
        return True
    return None if any(decorated(c) for c in cls.mro()[1:]) else False


def protocol_instance(interp, obj: Value, cls: ClassVal, span: Span) -> Optional[bool]:
    """``isinstance(obj, cls)`` for a Protocol ``cls`` (None: it depends on what flopcast does not know)."""
    checkable = _runtime_checkable(cls)
    if checkable is False:
        raise UserRaise(span, "TypeError: Instance and class checks can only be used with @runtime_checkable protocols")
    if checkable is None:
        return None
    if isinstance(obj, InstanceVal) and cls in obj.cls.mro():
        return True
    members = {}  # name -> whether the Protocol's member is a method
    for c in cls.mro():
        if c.node is None:
            return None
        for stmt in c.node.body:
            if isinstance(stmt, (_ast.FunctionDef, _ast.AsyncFunctionDef)):
                members.setdefault(stmt.name, True)
            elif isinstance(stmt, _ast.AnnAssign) and isinstance(stmt.target, _ast.Name):
                members.setdefault(stmt.target.id, False)
            elif not isinstance(stmt, (_ast.Pass, _ast.Expr)):
                return None  # (a class attribute assigned, a statement that makes names otherwise)
    for member, method in members.items():
        if member.startswith("_abc_") or member in _NOT_PROTOCOL_MEMBERS:
            continue
        has = _has_attribute(interp, obj, member, span)
        if has and method:
            value = interp.get_attr(obj, member, span, quiet=True)
            has = None if isinstance(value, Unknown) else not (isinstance(value, Known) and value.value is None)
        if not has:
            return has
    return True


def _is_protocol(cls: ClassVal) -> bool:
    """Whether a user class is a ``typing.Protocol`` (one of its classes lists Protocol as a base)."""
    return any(declares_protocol(c) for c in cls.mro())


def _builtin_class(name: str) -> Optional[type]:
    """Python's own class named ``name`` in ``builtins`` (int, dict, ValueError, ...), None for a function."""
    import builtins

    found = getattr(builtins, name, None)
    return found if isinstance(found, type) else None


def _user_class_subclasses(cls: ClassVal, t: Builtin) -> bool:
    """Whether the user's class ``cls`` derives from the builtin class ``t`` through one of its
    builtin bases (``class MyErr(ValueError)`` is an Exception)."""
    want = _builtin_class(t.name)
    if want is None:
        return False
    bases = (_builtin_class(b.name) if isinstance(b, Builtin) else _enum_class(b)
             for c in cls.mro() for b in c.bases if isinstance(b, (Builtin, LibRef)))
    return any(base is not None and issubclass(base, want) for base in bases)


def _enum_class(base: LibRef) -> Optional[type]:
    """The standard library's enum class a user class derives from (``IntEnum`` is an int,
    ``StrEnum`` a str), else None."""
    if not base.path.startswith("py:enum."):
        return None
    import enum

    found = getattr(enum, base.path[len("py:enum."):], None)
    return found if isinstance(found, type) else None


def _issubclass(cls: Value, target: Value) -> Optional[bool]:
    """``issubclass(cls, target)`` (target a class or a tuple of classes); None when flopcast
    does not know one of the classes."""
    targets = target.items if isinstance(target, TupleVal) else (target,)
    answers = [_subclass_of(cls, t) for t in targets]
    if any(a is True for a in answers):
        return True
    return False if all(a is False for a in answers) else None


def _subclass_of(cls: Value, t: Value) -> Optional[bool]:
    if isinstance(t, Builtin) and t.name == "object":
        return True
    if isinstance(cls, ClassVal):
        if isinstance(t, ClassVal):
            return True if t in cls.mro() else _virtual_answer(t, lambda r: _subclass_of(cls, r))
        if isinstance(t, Builtin):
            return _user_class_subclasses(cls, t)
    if isinstance(cls, LibRef):
        return _library_subclass(cls, t)
    if isinstance(cls, Builtin) and isinstance(t, (Builtin, ClassVal)):
        mine, theirs = _builtin_class(cls.name), _builtin_class(t.name) if isinstance(t, Builtin) else None
        if mine is not None and isinstance(t, ClassVal):
            return False  # a builtin class derives from no class of the program
        if mine is not None and theirs is not None:
            return issubclass(mine, theirs)
    return None


def _keeps_bound(x: Value, made: Value) -> Value:
    """``float(fnp.linalg.norm(z))`` still bounds every |element| of z (overflow._renormalised:
    ``z / beta`` of a Lanczos step is of the data's own scale)."""
    bound = getattr(x, "bound_of", None)
    if bound is not None and made.__class__ is Unknown and made.kind == "float":
        object.__setattr__(made, "bound_of", bound)
    return made


def _library_subclass(cls: LibRef, t: Value) -> Optional[bool]:
    """``issubclass`` of a class of the installed numpy or flopscope (the class of an exception an
    op raised, or of flopscope's BudgetExhaustedError, handed to a user ``__exit__``): asked of
    the classes themselves, so ``flops.FlopscopeError`` and ``Exception`` match as in the run; None
    where either is no class found there."""
    if isinstance(t, ClassVal):  # a library class derives from no class of the program
        return _virtual_answer(t, lambda r: _subclass_of(cls, r))
    if isinstance(t, Builtin):
        target = f"builtins.{t.name}"
    elif isinstance(t, LibRef) and t.path.split(".", 1)[0] in ("flopscope", "rawnumpy", "numpy"):
        target = t.path
    else:
        return None
    if cls.path.split(".", 1)[0] not in ("flopscope", "rawnumpy", "numpy"):
        return None

    def ask() -> Optional[bool]:
        mine = _library_object(cls.path)
        theirs = _builtin_class(t.name) if isinstance(t, Builtin) else _library_object(target)
        return issubclass(mine, theirs) if isinstance(mine, type) and isinstance(theirs, type) else None

    return LIBRARY_ANSWERS.ask(f"subclass|{cls.path}|{target}", ask)


def _virtual_answer(t: ClassVal, ask) -> Optional[bool]:
    """isinstance/issubclass against the user's class ``t`` for what does not derive from it: a
    Protocol (the members decide) or an ABC's ``__subclasshook__`` is not followed (None); else
    whether it is one of the classes registered with ``t`` (``ask`` answers for each). A class
    deriving from a Protocol without listing Protocol among its bases is no Protocol."""
    if declares_protocol(t):
        return None
    if any("__subclasshook__" in c.attrs for c in t.mro()) and dunders.is_abc(t):
        return None
    answers = [ask(r) for r in t.registered or ()]
    return True if True in answers else None if None in answers else False


def _instance_of(obj: Value, t: Value) -> Optional[bool]:
    if isinstance(t, Builtin) and t.name == "object":
        return True
    if isinstance(obj, Unknown):
        if obj.exception_class is not None:
            return _subclass_of(obj.exception_class, t)
        if obj.python_float and isinstance(t, Builtin) and t.name in _BUILTIN_TYPES:
            return issubclass(float, _BUILTIN_TYPES[t.name])
        return None
    if isinstance(t, ClassVal):
        if isinstance(obj, InstanceVal) and t in obj.cls.mro():
            return True
        return _virtual_answer(t, lambda r: _instance_of(obj, r))
    if isinstance(t, Builtin):
        if isinstance(obj, InstanceVal):
            # an instance of a user subclass of dict, list, ValueError (so of Exception), ...
            return _user_class_subclasses(obj.cls, t)
        py = _BUILTIN_TYPES.get(t.name)
        if py is None:
            return False
        if isinstance(obj, Known):
            return isinstance(obj.value, py)
        if isinstance(obj, NumpyScalar):
            return _SCALAR_SUBCLASSES.get(obj.dtype) == t.name
        if _listed_otherwise(obj):
            # a set of objects (a set or a frozenset: not told apart) or a dict's view: no list
            return None if obj.is_set and py in (set, frozenset) else False
        return _CONTAINER_TYPES.get(type(obj)) is py
    if isinstance(t, LibRef) and (t.path.endswith("FlopscopeArray") or t.path == "flopscope.numpy.ndarray"):
        return isinstance(obj, Array) and not obj.plain  # (fnp.ndarray is flopscope's array class)
    if isinstance(t, LibRef) and t.path.endswith("ndarray"):
        return isinstance(obj, Array)
    if isinstance(t, LibRef) and t.path == "py:collections.ChainMap":
        # only collections.ChainMap() makes one; no other value flopcast follows is one
        if isinstance(obj, ChainMapVal):
            return True
        return False if isinstance(obj, (Known, ListVal, TupleVal, DictVal, Array, NumpyScalar)) else None
    abstract = _abstract_class(t)
    if abstract is not None:
        python_type = _CONTAINER_TYPES.get(type(obj))
        if _listed_otherwise(obj):
            if obj.view_of is not None:
                return None
            answers = {issubclass(set, abstract), issubclass(frozenset, abstract)}
            return answers.pop() if len(answers) == 1 else None
        if isinstance(obj, Known):
            return isinstance(obj.value, abstract)
        if python_type is not None:
            return issubclass(python_type, abstract)
        if isinstance(obj, (NumpyScalar, Array)):
            import numpy

            if isinstance(obj, NumpyScalar):
                return issubclass(numpy.dtype(obj.dtype).type, abstract)
            if obj.plain:
                return issubclass(numpy.ndarray, abstract)
            from flopscope import FlopscopeArray  # Iterable and Sized by the ABCs' own hooks

            return issubclass(FlopscopeArray, abstract)
        return None
    return False if isinstance(t, (ClassVal, Builtin)) else None


def _dict_like(v: DictVal, items: dict) -> DictVal:
    """A new dict (an OrderedDict, a defaultdict with ``v``'s factory) holding ``items``."""
    made = DictVal(items, v.factory)
    made.ordered = v.ordered
    return made


def _list_like(v: ListVal, items: list) -> ListVal:
    """A new list, or deque with ``v``'s maxlen, holding ``items``."""
    return DequeVal(items, v.maxlen) if isinstance(v, DequeVal) else ListVal(items)


def _listed_otherwise(obj: Value) -> bool:
    """A ListVal that is no list to the program: a set of objects or a dict's view."""
    return isinstance(obj, ListVal) and (obj.is_set or obj.view_of is not None)


def _abstract_class(t: Value):
    """``numbers.Real``, ``collections.abc.Mapping``, ...: the standard library's class itself."""
    if not isinstance(t, LibRef) or not t.path.startswith(("py:numbers.", "py:collections.abc.")):
        return None
    import collections.abc
    import numbers

    module, _, name = t.path[3:].rpartition(".")
    found = getattr({"numbers": numbers, "collections.abc": collections.abc}[module], name, None)
    return found if isinstance(found, type) else None


# ------------------------------------------------------------------- math & stdlib

_MATH = {
    "sqrt": math.sqrt, "log": math.log, "log2": math.log2, "log10": math.log10, "exp": math.exp,
    "ceil": math.ceil, "floor": math.floor, "isqrt": math.isqrt, "pow": math.pow, "fabs": math.fabs,
    "comb": math.comb, "factorial": math.factorial, "prod": math.prod, "gcd": math.gcd, "isfinite": math.isfinite,
    "isnan": math.isnan, "isinf": math.isinf, "trunc": math.trunc, "log1p": math.log1p, "erf": math.erf, "tanh": math.tanh,
    "cos": math.cos, "sin": math.sin, "atan": math.atan, "hypot": math.hypot, "copysign": math.copysign,
    "perm": math.perm, "lcm": math.lcm, "fmod": math.fmod, "remainder": math.remainder, "expm1": math.expm1,
    "erfc": math.erfc, "gamma": math.gamma, "lgamma": math.lgamma, "atan2": math.atan2, "asin": math.asin,
    "acos": math.acos, "cosh": math.cosh, "sinh": math.sinh, "degrees": math.degrees, "radians": math.radians,
    "ldexp": math.ldexp, "frexp": math.frexp, "modf": math.modf, "isclose": math.isclose, "dist": math.dist,
    "tan": math.tan, "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh, "cbrt": math.cbrt,
    "exp2": math.exp2,
}
#: math functions whose run time grows fast with the size of an int argument, and the size
#: past which flopcast does not evaluate them (math.factorial(10**6) takes a minute and more).
_SLOW_MATH = frozenset({"factorial", "comb", "perm"})
_SLOW_MATH_LIMIT = 20_000
_MATH_CONST = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan, "tau": math.tau}


def stdlib_attr(module: str, name: str) -> Value:
    if module == "typing" and name == "TYPE_CHECKING":
        return Known(False)  # True only to a type checker: `if TYPE_CHECKING:` blocks never run
    if module == "decimal" and name.startswith("ROUND_"):
        return Known(getattr(decimal, name))  # the rounding modes are text
    if module == "math":
        if name in _MATH_CONST:
            return Known(_MATH_CONST[name])
        if name in _MATH:
            return LibRef(f"py:math.{name}")
    return LibRef(f"py:{module}.{name}")


#: builtins that read a container's items: given an instance of a user subclass of dict or
#: list, they read the container it is
_SEES_CONTAINER = frozenset({"dict", "list", "tuple", "set", "frozenset", "sorted", "len", "sum", "min", "max",
                             "any", "all", "enumerate", "zip", "reversed", "iter", "map", "filter"})

#: the library calls that read the machine's clock: what they give is no function of the MLP
CLOCK_READS = frozenset({f"time.{name}{ns}" for name in ("time", "perf_counter", "monotonic", "process_time", "thread_time")
                         for ns in ("", "_ns")} | {f"datetime.datetime.{name}" for name in ("now", "utcnow", "today")})

#: logging functions and Logger methods that return None and charge nothing
_LOGGING_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception", "log",
                            "basicConfig", "setLevel", "addHandler", "removeHandler", "disable"})


#: the parameters (with their defaults) of the warnings functions that read or change the filters
_WARNING_CALLS = {
    "simplefilter": (("action", None), ("category", Builtin("Warning")), ("lineno", Known(0)), ("append", Known(False))),
    "filterwarnings": (("action", None), ("message", Known("")), ("category", Builtin("Warning")), ("module", Known("")),
                       ("lineno", Known(0)), ("append", Known(False))),
    "resetwarnings": (),
    "warn": (("message", None), ("category", Known(None)), ("stacklevel", Known(1)), ("source", Known(None))),
}


def _warnings_call(interp, name: str, args: list, kwargs: dict, span) -> Value:
    """``warnings.simplefilter``/``filterwarnings``/``resetwarnings``/``warn``: the filters the
    program installs, and the warning they turn into an exception (warning_filters.py)."""
    params = _WARNING_CALLS[name]
    names = [p for p, _ in params]
    if len(args) > len(params) or any(k not in names for k in kwargs if k != "skip_file_prefixes"):
        raise UserRaise(span, f"TypeError: {name}() got arguments it does not take")
    bound = dict(zip(names, args))
    for key, default in params:
        if key not in bound:
            bound[key] = kwargs.get(key, default)
        if bound[key] is None:
            raise UserRaise(span, f"TypeError: {name}() missing required argument: '{key}'")
    if name == "resetwarnings":
        warning_filters.reset(interp)
    elif name == "warn":
        warning_filters.warn(interp, bound["message"], bound["category"], span)
    else:
        bound.setdefault("message", Known(""))
        bound.setdefault("module", Known(""))
        warning_filters.install(interp, bound["action"], bound["category"], bound["message"], bound["module"],
                                bound["lineno"], bound["append"], span)
    return Known(None)


#: ``functools.cmp_to_key(f)``: the key object's class, its receiver the comparison function
CMP_KEY = "py:functools.cmp_to_key.key"


class _Undecided(Exception):
    pass


def sorted_by_keys(interp, items: list, keys: list, reverse: bool, span: Span, node) -> Value:
    """``sorted(items)`` ordered by ``keys``, each item's key made already (a key function's
    calls are the caller's to make)."""
    if _all_known(keys):
        try:
            order = sorted(range(len(items)), key=lambda j: keys[j].value, reverse=reverse)
        except TypeError as exc:  # keys Python cannot order (1 and 'a'): the program's TypeError
            raise UserRaise(span, f"TypeError: {exc}") from None
        return ListVal([items[j] for j in order])
    ranked = _ordered_sort(interp, items, keys, reverse, span, node)
    if ranked is not None:  # tuples, instances with __lt__: Python's own sort over their order
        return ranked
    stdlib_containers.stop_at_array_ties(interp, items, keys, span, "sorted")
    if len(items) > 1 and any(k.__class__ is Array and not k.plain for k in keys):
        return _sorted_flopscope_keys(interp, items, keys, reverse, span, node)
    if len({repr(signature(i)) for i in items}) <= 1:
        # The order depends on values, but every item looks alike to the cost model.
        return ListVal(list(items))
    if _comparable(keys) and len(items) <= MAX_SORTED_ITEMS:
        # (only the orders that agree with a min/max of the same keys this path picked already)
        orders, pinned = key_orders.orders(interp, keys, reverse, list(itertools.permutations(range(len(items)))))
        order = orders[_picked(interp, len(orders), span, "sorted(...)", pinned)]
        key_orders.note_order(interp, keys, reverse, order)
        return ListVal([items[j] for j in order])
    permuted = _permuted_ints(items, span)
    if permuted is not None:
        return permuted
    return interp.unpriced(node, "sorted()", "the order depends on values and the items differ in cost")


def _selected_count(interp, x: Array) -> Optional[CountKnown]:
    """``int(fnp.sum(mask))`` after ``v[mask]`` on this path: the number of elements that
    selection took, a size its tests answer as ``v[mask].size``'s do (sizetests.py), rather
    than a number read from data that this path's selection knows nothing of."""
    count = interp._nonzero_counts.get(x.counts) if x.counts is not None else None
    key = interp._count_sites.get(x.counts) if count is not None else None
    bounds = dataints.value_range(x) if key is not None and key[0] == "size" else None
    if bounds is None or interp.result.bounding is not None:
        return None
    return CountKnown(count, key[1], None, key, bounds[0], bounds[1])


def _permuted_ints(items: list, span: Span) -> Optional[ListVal]:
    """Items in an order read from data (``sorted(range(w), key=lambda i: -float(var[i]))``,
    ``sorted(enumerate(vals), key=...)``: a top-k by value): which goes where is not known, but
    each is one of them (``_one_of``), so indexing by them is priced as indexing by any."""
    one = _one_of(items, span, "an item of a list sorted by values read from data")
    return None if one is None else ListVal([one() for _ in items])


def _sorted_flopscope_keys(interp, items: list, keys: list, reverse: bool, span: Span, node) -> Value:
    """``sorted`` whose keys are flopscope arrays: Python's sort asks ``a < b`` of them, and
    flopscope bills each comparison, so how many it makes (their order's) is the cost. Each order
    of a few 0-d keys is a path, on which Python's own sort of that order makes the comparisons;
    more keys, or keys that are not 0-d (`<` is an array whose truth raises), are not priced."""
    if len(items) > MAX_SORTED_ITEMS or any(k.__class__ is not Array or k.shape != () for k in keys):
        return interp.unpriced(node, "sorted()", "its keys are flopscope arrays: flopscope bills each of the sort's "
                               "comparisons, and how many it makes depends on their values")
    orders = list(itertools.permutations(range(len(items))))
    rank = orders[_picked(interp, len(orders), span, "sorted(...)")]
    asked = []

    class _Ranked:
        def __init__(self, at: int):
            self.at = at

        def __lt__(self, other: "_Ranked") -> bool:
            asked.append((self.at, other.at))
            return rank[self.at] < rank[other.at]

    order = [r.at for r in sorted((_Ranked(j) for j in range(len(items))), reverse=reverse)]
    for a, b in asked:
        interp.compare(_ast.Lt(), keys[a], keys[b], node)
    return ListVal([items[j] for j in order])


def _sorted_by_cmp(interp, items: list, cmp: Value, reverse: bool, span: Span, node) -> Value:
    """``sorted(items, key=cmp_to_key(cmp))``: Python's own sort over the items' positions, each
    comparison asking ``cmp(a, b) < 0`` of the user's function as functools' key class does, so the
    calls (and what they charge) are the run's, in its order. A comparison whose answer depends on
    values leaves the order unknown (unpriced: the calls made so far are charged, a lower bound)."""
    import functools

    def compare(i: int, j: int):
        result = plain_member(interp.call(cmp, [items[i], items[j]], {}, span, node))
        if not isinstance(result, Known):
            raise _Undecided()
        return result.value

    try:
        order = sorted(range(len(items)), key=functools.cmp_to_key(compare), reverse=reverse)
    except _Undecided:
        return interp.unpriced(node, "sorted()", "a cmp_to_key comparison depends on values")
    except TypeError as exc:  # `cmp(a, b) < 0` of what the function returned
        raise UserRaise(span, f"TypeError: {exc}") from None
    return ListVal([items[j] for j in order])


#: math functions that take integers (``__index__``), not floats
_MATH_INTEGER_ARGS = frozenset({"factorial", "comb", "perm", "isqrt", "gcd", "lcm"})


def call_stdlib(interp, path: str, args, kwargs, span: Span, node) -> Value:
    module, _, name = path.rpartition(".")
    if module in _BOUND_MODULES:
        refuse_binding(getattr(_sys.modules.get(module), name, None), len(args), kwargs, span)
    if args and args[0].__class__ is InstanceVal and path in dunders.PROTOCOL_CALLS:
        made = dunders.protocol_call(interp, path, args, kwargs, span)  # its __floor__, __ceil__, __trunc__
        if made is not None:
            return made
    start = kwargs.get("start") if (module, name) == ("math", "prod") and set(kwargs) == {"start"} else None
    if (module, name) in _PURE_ITERABLE_MATH and len(args) == 1 and (not kwargs or isinstance(start, Known)):
        plain = _py(args[0])
        if plain is not _NOT_PLAIN and not isinstance(plain, (list, tuple, str, dict)):
            # `math.fsum(3.0)`: a number is no iterable (the program's TypeError, not ours)
            raise UserRaise(span, f"TypeError: '{type(plain).__name__}' object is not iterable")
        if plain is not _NOT_PLAIN and len(plain) <= _MAX_ITEMS:
            import statistics

            try:  # a sum or statistic of a list of known numbers: pure
                extra = {"start": start.value} if start is not None else {}  # `math.prod(xs, start=2)`
                return Known(getattr(math if module == "math" else statistics, name)(plain, **extra))
            except (TypeError, ValueError, statistics.StatisticsError) as exc:
                raise UserRaise(span, f"{type(exc).__name__}: {exc}")
        if (module, name) in (("math", "fsum"), ("statistics", "fmean")) and plain is _NOT_PLAIN:
            items = interp.iterate(args[0], node)
            if items is not None and items and all(
                    isinstance(i, Known) and type(i.value) in (int, float, bool)
                    or isinstance(i, Unknown) and i.kind in ("int", "float", "bool")
                    # a 0-d array or numpy scalar of real numbers: Python takes its float(), unbilled
                    or isinstance(i, (Array, NumpyScalar)) and (not isinstance(i, Array) or i.ndim == 0)
                    and i.dtype is not None and dtypes.kind(i.dtype) in "biuf" for i in items):
                # a float sum of numbers read from data: a Python float of unknown value
                _fsum_may_raise(interp, f"{module}.{name}()", items, span)
                return _unknown_from(items, "float", span, f"{module}.{name}() of numbers read from data")
        if (module, name) in _FLOAT_STATISTICS and plain is _NOT_PLAIN and args[0].__class__ in (ListVal, TupleVal):
            items = args[0].items  # (a list's, not an iterator's: nothing is used up where this declines)
            if items and all(i.__class__ is Known and type(i.value) is float
                             or i.__class__ is Unknown and i.kind == "float" for i in items):
                return _unknown_from(items, "float", span, f"{module}.{name}() of numbers read from data")
        if (module, name) in _SPREAD_STATISTICS and plain is _NOT_PLAIN and args[0].__class__ in (ListVal, TupleVal):
            items = args[0].items
            if len(items) <= _SPREAD_MOST and all(i.__class__ is Known and type(i.value) is float
                                                  or i.__class__ is Unknown and i.kind == "float" for i in items):
                always, raising = _spread_raises(name, len(items))
                if always is not None:  # too few items (StatisticsError): whatever their values
                    raise UserRaise(span, always)
                for exc, message in raising.items():
                    may_raise(interp, span, f"{module}.{name}()", exc, _SPREAD_RAISE_REASONS.get(exc, message), message)
                return _unknown_from(items, "float", span, f"{module}.{name}() of numbers read from data")
    if module == "math" and name in _MATH and name not in _MATH_INTEGER_ARGS and any(
            isinstance(a, Array) for a in args) and all(
            not isinstance(a, Array) or a.__class__ is Array and a.dtype is not None
            and dtypes.kind(a.dtype) in "biuf" for a in args):
        # `math.sqrt(fnp.sum(w * w))`: Python takes each real array's float(), unbilled (numpy's
        # TypeError for one with axes)
        args = [call_builtin(interp, "float", [a], {}, span, node) if isinstance(a, Array) else a for a in args]
    if module == "math" and name in _MATH:
        if interp.counter_watch is not None and not kwargs:
            watched = interp.counter_watch.apply(f"math.{name}", args)  # of a number counters.py watches
            if watched is not None:
                return watched
        if _all_known(args):
            if name in _SLOW_MATH and any(isinstance(a.value, int) and abs(a.value) > _SLOW_MATH_LIMIT for a in args):
                # Exact, but minutes of work for the analyser: the value stays unknown (never zero).
                return Unknown("int", span, f"math.{name} of a number this large is not evaluated")
            if kwargs and not (name == "isclose" and _all_known(list(kwargs.values()))):
                return _unknown_from(args, "float", span, f"math.{name} with keyword arguments is not modelled")
            try:
                made = _MATH[name](*(a.value for a in args), **{k: v.value for k, v in kwargs.items()})
                return make_tuple([Known(v) for v in made]) if isinstance(made, tuple) else Known(made)
            except (TypeError, ValueError, OverflowError) as exc:
                raise UserRaise(span, f"{type(exc).__name__}: {exc}")
        if any(isinstance(a, Array) for a in args):
            return interp.unpriced(node, f"math.{name} of an array", "math functions need Python scalars")
        if name in ("isfinite", "isnan", "isinf"):
            return presumptions.after_op(name, args, Unknown("bool", span, f"math.{name} of a value that depends on data"))
        if name in ("ceil", "floor", "trunc") and len(args) == 1 and not kwargs:
            _integer_conversion_may_raise(interp, f"math.{name}", args[0], span)  # NaN, inf: as int() does
        elif not kwargs:
            _math_may_raise(interp, name, args, span)
        kind = {"isclose": "bool", "lcm": "int", "perm": "int", "floor": "int", "ceil": "int", "trunc": "int",
                "isqrt": "int", "factorial": "int", "gcd": "int", "comb": "int"}.get(name, "float")
        if name in ("frexp", "modf") and len(args) == 1 and not kwargs:
            # a pair of unknown numbers: (mantissa, exponent) for frexp, (fraction, whole) for modf,
            # as a rescale by a power of two reads them
            parts = ("float", "int") if name == "frexp" else ("float", "float")
            return TupleVal(tuple(_unknown_from(args, k, span, f"math.{name} of a value that depends on data")
                                  for k in parts))
        if name in ("frexp", "modf", "dist"):
            return interp.unpriced(node, f"math.{name}", "of a value that depends on data is not modelled")
        made = _unknown_from(args, kind, span, f"math.{name} of a value that depends on data")
        _floor_through(interp, name, args, made)
        return made
    decoded = import_hooks.decode(path, args)
    if decoded is not None:
        return decoded
    if path in ("sys.meta_path.insert", "sys.meta_path.append") and args:
        interp.effects += 1
        interp.import_hooks.install(args[-1], first=path.endswith("insert") and isinstance(args[0], Known)
                                    and args[0].value == 0)
        return Known(None)
    if path in ("importlib.util.spec_from_loader", "importlib.machinery.ModuleSpec") and len(args) >= 2:
        return import_hooks.module_spec(args[0], args[1])
    if path == "typing.cast" and len(args) == 2 and not kwargs:
        return args[1]  # the value itself: the type is for a checker
    if path == "enum.auto":
        return Known(ENUM_AUTO)
    if path in ("enum.nonmember", "enum.member") and len(args) == 1 and not kwargs and isinstance(args[0], Known):
        import enum

        # (an enum body stores the value as a plain attribute, or as a member)
        return Known(getattr(enum, name)(args[0].value))
    if module == "enum" and name in enum_functional.BASES:
        made = enum_functional.make(interp, name, args, kwargs, span, node)
        if made is not None:
            return made
    if path == "fractions.Fraction" and _all_known([*args, *kwargs.values()]) and len(args) <= 2 and all(
            type(a.value) in (int, bool, float, str, fractions.Fraction) for a in [*args, *kwargs.values()]):
        try:  # an exact ratio of known numbers (a cost model's shares): pure
            return Known(fractions.Fraction(*(a.value for a in args), **{k: v.value for k, v in kwargs.items()}))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            raise UserRaise(span, f"{type(exc).__name__}: {exc}")
    if path == "statistics.NormalDist" and len(args) <= 2 and set(kwargs) <= {"mu", "sigma"} and all(
            isinstance(a, Known) and type(a.value) in (int, bool, float) for a in [*args, *kwargs.values()]):
        import statistics

        try:  # `NormalDist().inv_cdf(0.975)` sizing a sample: a pure object of known numbers
            return Known(statistics.NormalDist(*(a.value for a in args), **{k: v.value for k, v in kwargs.items()}))
        except statistics.StatisticsError as exc:  # a negative sigma
            raise python_raise(span, exc) from None
    if (module == "struct" and name in _STRUCT_CALLS or module == "hashlib" and name in _HASHES
            or module == "zlib" and name in ("crc32", "adler32")) \
            and all(isinstance(a, Known) and type(a.value) in _PLAIN_BYTES_ARGS for a in [*args, *kwargs.values()]):
        # a deterministic seed made of known numbers (`sha256(struct.pack("<II", w, d)).digest()`):
        # pure functions of bytes, the same in the run's Python
        try:
            made = getattr(importlib.import_module(module), name)(*(a.value for a in args),
                                                                   **{k: v.value for k, v in kwargs.items()})
        except (TypeError, ValueError, OverflowError, struct.error) as exc:
            raise python_raise(span, exc) from None
        return make_tuple([Known(v) for v in made]) if isinstance(made, tuple) else Known(made)
    if module == "decimal":
        if name == "Decimal" and len(args) <= 1 and not kwargs and all(
                isinstance(a, Known) and type(a.value) in (int, str, float, decimal.Decimal) for a in args):
            try:  # a budget model's exact decimal shares: the real Decimal, rounded by the default context
                return Known(decimal.Decimal(*(a.value for a in args)))
            except decimal.InvalidOperation as exc:  # `Decimal("abc")`
                raise python_raise(span, exc) from None
        # a context changed here may round every later operation otherwise than the default one
        interp.unfollowed_change(span, f"decimal.{name}", f"decimal.{name} is not modelled (decimal contexts are "
                                 "not)")
    if path == "types.MethodType" and len(args) == 2 and not kwargs and isinstance(args[0], FunctionVal) \
            and args[0].kind == "function":
        return BoundMethod(args[0], args[1])  # a function bound to an object by hand
    if path == "functools.partialmethod" and args:
        return PartialMethodVal(args[0], list(args[1:]), dict(kwargs))
    if path == "functools.partial" and args:
        return PartialVal(args[0], list(args[1:]), dict(kwargs))
    if path == "functools.cmp_to_key" and len(args) == 1 and not kwargs:
        return BoundLib(CMP_KEY, args[0])  # a key sorted() orders by calling the function (_sorted_by_cmp)
    if module == "warnings" and name in _WARNING_CALLS:
        return _warnings_call(interp, name, args, kwargs, span)
    if path == "logging.getLogger":
        return loggers.get_logger(args, kwargs) or LibRef("py:logging.Logger")
    if path == "logging.disable":
        loggers.disable(interp, args, kwargs, span)
    if path in ("logging.Logger.setLevel", "logging.setLoggerClass"):
        loggers.some_logger_changed(interp, span)  # of a logger whose name is not known: it may be any
    if module in ("logging", "logging.Logger") and name in _LOGGING_CALLS:
        return Known(None)  # formatting a record (arrays included) makes no flopscope op
    if path == "itertools.chain.from_iterable":
        return _itertools(interp, "chain.from_iterable", args, kwargs, span, node)
    if name == "islice" and module == "itertools" and len(args) > 1 and not kwargs:
        bounds = [dataints.as_data_int(a, span) for a in args[1:]]
        if any(dataints.is_data_int(a) for a in bounds) \
                and all(isinstance(a, Known) and isinstance(a.value, int) or dataints.is_data_int(a) for a in bounds):
            # how many items it takes is read from data: one end of its range per path, as range() does
            step = bounds[2].value if len(bounds) == 3 and isinstance(bounds[2], Known) else 1
            taken = [a if isinstance(a, Known) else Known(dataints.materialise(
                interp, a, "itertools.islice()", dataints.range_grows(i, len(bounds), step)))
                for i, a in enumerate(bounds)]
            if any(dataints.unbounded(abs(a.value)) for a in taken):
                return _unknown_from(bounds, "islice", span, "how many items it takes depends on values and has "
                                                             "no upper bound")
            if any(a.value < 0 for a in taken):
                raise UserRaise(span, "ValueError: Indices for islice() must be None or an integer: "
                                      "0 <= x <= sys.maxsize.")
            args = [args[0]] + taken
    if name == "islice" and module == "itertools" and args and _lazy_source(args[:1], unrun=True) \
            and all(isinstance(a, Known) for a in args[1:]) and not kwargs:
        bounds = [a.value for a in args[1:]]
        stdlib_containers.check_islice_bounds(bounds, span)
        source = args[0]
        # enumerate(gen()), map(f, gen()), takewhile(p, gen()) take one item of gen() per item
        # at most: as many as islice takes of them
        gen = source if source.__class__ is PyGenerator else \
            source.pulls_from if source.__class__ is LazyIterator and not source._made else None
        stop = bounds[0] if len(bounds) == 1 else bounds[1]
        if gen is not None and gen.items is None:
            # the body stops at the last item islice can take (an endless one too); held by a name,
            # the generator may be asked for more later: only an endless loop stops there
            need = gen.consumed + max(stop, 0) if isinstance(stop, int) else None
            if need is not None and not stdlib_containers.made_here(node, 0):
                interp.run_generator(gen, endless_need=need)
                # (its body ran whole: islice leaves it at item `need`)
                interp.refuse_taken_short(gen, need, span)
            elif need is not None or gen is source:
                interp.run_generator(gen, need)
        return LazyIterator(itertools.islice(_pulled(args[0], interp, node), *bounds))  # each item made when asked for
    if name == "islice" and module == "itertools" and args and stdlib_containers.is_iterator(args[0]) \
            and all(isinstance(a, Known) for a in args[1:]) and not kwargs:
        return stdlib_containers.islice(interp, args[0], [a.value for a in args[1:]], span, node)
    if module == "itertools" and name in _ITERTOOLS:
        return _itertools(interp, name, args, kwargs, span, node)
    if path == "contextlib.ExitStack" and not args and not kwargs:
        return ExitStackVal()
    if path == "random.Random":
        made = stdlib_random.make(args, kwargs)
        if made is not None:
            return made
    if path == "contextlib.closing" and len(args) == 1 and not kwargs:
        return ClosingVal(args[0])
    if module == "collections" and name == "deque":
        return stdlib_containers.make_deque(interp, args, kwargs, span, node)
    if module == "heapq":
        return stdlib_containers.heap_call(interp, name, args, kwargs, span, node, call_builtin, sorted_by_keys)
    if module == "collections" and name == "Counter":
        return stdlib_containers.make_counter(interp, args, kwargs, span, node)
    if module == "collections" and name == "ChainMap":
        return chain_maps.make(interp, args, kwargs, span, node)
    if module == "collections" and name == "defaultdict":
        factory = args[0] if args else None
        if factory is not None and isinstance(factory, Known) and factory.value is None:
            factory = None
        # defaultdict(factory, mapping_or_pairs, **kw) starts with what dict(...) of the rest holds
        made = call_builtin(interp, "dict", args[1:], kwargs, span, node)
        if made.__class__ is not DictVal:
            return made
        return DictVal(made.items, factory)
    if module == "collections" and name in ("OrderedDict",):
        made = call_builtin(interp, "dict", args, kwargs, span, node)
        if made.__class__ is DictVal:
            made.ordered = True
        return made
    if module == "collections" and name == "namedtuple":
        return _namedtuple(interp, args, kwargs, span, node)
    if path == "dataclasses.replace" and len(args) == 1 and isinstance(args[0], InstanceVal):
        return interp.replace_fields(args[0], kwargs, span)
    if path == "dataclasses.fields" and len(args) == 1 and not kwargs and isinstance(args[0], (ClassVal, InstanceVal)):
        names = _dataclass_field_names(args[0] if isinstance(args[0], ClassVal) else args[0].cls)
        if names is None:
            raise UserRaise(span, "TypeError: must be called with a dataclass type or instance")
        return TupleVal(tuple(_field_object(n) for n in names))
    if path in ("dataclasses.asdict", "dataclasses.astuple") and len(args) == 1 and not kwargs:
        if not _is_dataclass_instance(args[0]):
            if isinstance(args[0], (Known, ListVal, TupleVal, DictVal, Array)):
                raise UserRaise(span, f"TypeError: {name}() should be called on dataclass instances")
            return Unknown("", span, f"{name}() of a value flopcast does not follow")
        made = _dataclass_copy(args[0], name == "asdict")
        if made is None:
            return interp.unpriced(node, f"dataclasses.{name}()", "a field is deep-copied in a way flopcast does not follow")
        return made
    if path == "dataclasses.replace" and len(args) == 1 and isinstance(args[0], MLPVal):
        mlp = args[0]
        return interp.make_user_mlp([], {"width": Known(mlp.width), "depth": Known(mlp.depth), "weights": mlp.weights,
                                         "seed": mlp.seed,
                                         "name": mlp.name, **kwargs}, span)
    if module == "operator" and name in ("attrgetter", "itemgetter") and args and not kwargs:
        getter = _getter(interp, name, args, node)
        if getter is not None:
            return getter
    if module == "operator" and name == "methodcaller" and args and isinstance(args[0], Known) \
            and isinstance(args[0].value, str) and args[0].value.isidentifier():
        return _method_caller(interp, args[0].value, args[1:], kwargs, node)
    if module == "operator" and name in _OPERATOR_BINOPS and len(args) == 2 and not kwargs:
        # operator.matmul(a, b) is a @ b: the same op, charged where the call is
        return interp.binop(_OPERATOR_BINOPS[name](), args[0], args[1], node)
    if module == "operator" and name in _OPERATOR_UNARY and len(args) == 1 and not kwargs \
            and isinstance(args[0], Array) and node is not None:
        # operator.neg(x) is -x: the same op, charged where the call is
        from flopcast.analyzer.ops.elementwise import UNARY_OPERATORS

        opname = UNARY_OPERATORS[_OPERATOR_UNARY[name].__name__]
        if args[0].plain:
            return plain_numpy.free(interp, lambda: interp.price_op(opname, [args[0]], node))
        return interp.price_op(opname, [args[0]], node)
    if module == "bisect" and name in ("insort", "insort_left", "insort_right") and args:
        return _insort(interp, name, args, kwargs, span, node)
    if (module, name) == ("random", "shuffle") and len(args) == 1 and not kwargs and isinstance(args[0], ListVal):
        stdlib_containers.forget_order(args[0], span, "random.shuffle")  # (random's own generator: charges nothing)
        return Known(None)
    if module == "operator" and name in _OPERATOR_WRITES and any(
            isinstance(a, (ListVal, DictVal, InstanceVal)) for a in args):
        interp.stop_path(f"{span}: operator.{name}() changes the container it is given, which flopcast does not "
                         "follow; the cost after it is not counted", span, "analysis stopped")
    if module == "bisect" and name in ("bisect", "bisect_left", "bisect_right") and args:
        plain = [_py(a) for a in args] + [_py(v) for v in kwargs.values()]
        if all(p is not _NOT_PLAIN for p in plain):
            import bisect

            try:  # a search in a list of known numbers: pure, nothing of the user's runs
                return Known(getattr(bisect, name)(*plain[:len(args)], **{
                    k: _py(v) for k, v in kwargs.items()}))
            except TypeError as exc:
                raise UserRaise(span, f"TypeError: {exc}")
        found = _bisect_by_data(name, args, kwargs, span)
        if found is not None:
            return found
    if module in ("functools",) and name == "reduce":
        if not 2 <= len(args) <= 3 or kwargs:
            raise UserRaise(span, f"TypeError: reduce expected 2 or 3 positional arguments, got {len(args)}")
        if isinstance(args[1], PyGenerator):
            _refuse_reads_per_item(interp, args[0], args[1:2], node)
        fn = args[0]
        seq, deferred = items_then_error(interp, args[1], node)  # (the calls on the items come first)
        if seq is None:
            return Unknown("", span, "reduce over unknown")
        if not seq and deferred:
            raise deferred[0]
        if not seq and len(args) < 3:
            raise UserRaise(span, "TypeError: reduce() of empty iterable with no initial value")
        acc = args[2] if len(args) > 2 else seq[0]
        for item in (seq if len(args) > 2 else seq[1:]):
            acc = interp.call(fn, [acc, item], {}, span, node)
        if deferred:
            raise deferred[0]
        return acc
    if module in ("pathlib",) and name in ("Path", "PurePath", "PosixPath", "PurePosixPath"):
        return submission_files.make_path(args, span)
    if path == "json.load" and len(args) == 1 and not kwargs and isinstance(args[0], Known) \
            and isinstance(args[0].value, (io.StringIO, io.BytesIO)):
        args = [Known(args[0].value.read())]  # an in-memory file over a file beside the estimator (open())
        path = "json.loads"
    if path == "json.loads" and args and isinstance(args[0], Known) and isinstance(args[0].value, (str, bytes)):
        import json

        try:
            return _from_json(json.loads(args[0].value))  # data, parsed; never evaluated
        except ValueError as exc:
            raise UserRaise(span, f"json.JSONDecodeError: {exc}")
    if module == "os.path":
        answered = submission_files.call_os_path(interp, name, args, span)
        if answered is not None:
            return answered
    if path == "pkgutil.iter_modules" and len(args) == 1 and not kwargs and isinstance(args[0], ListVal):
        listed = submission_files.iter_modules(interp, args[0].items, span)
        if listed is not None:
            finder = Unknown("", span, "the module finder pkgutil made")
            return ListVal([TupleVal((finder, Known(name), Known(ispkg)), fields=("module_finder", "name", "ispkg"))
                            for name, ispkg in listed])
    if path == "importlib.import_module" and len(args) == 1 and not kwargs and isinstance(args[0], Known) \
            and isinstance(args[0].value, str) and not args[0].value.startswith("."):
        return interp.import_module(args[0].value, node)  # `importlib.import_module("helpers")`: `import helpers`
    if path == "importlib.import_module" and args and isinstance(args[0], Known) and isinstance(args[0].value, str) \
            and args[0].value.startswith(".") and args[0].value.strip("."):
        # `importlib.import_module(f".{name}", __name__)` in a package (a lazy module __getattr__):
        # the name resolved against the package as importlib.util.resolve_name does
        package = args[1] if len(args) > 1 else kwargs.get("package")
        if len(args) <= 2 and set(kwargs) <= {"package"} and isinstance(package, Known) \
                and isinstance(package.value, str) and package.value:
            level = len(args[0].value) - len(args[0].value.lstrip("."))
            parts = package.value.split(".")
            if level <= len(parts):
                base = ".".join(parts[:len(parts) - (level - 1)])
                return interp.import_module(f"{base}.{args[0].value[level:]}", node)
    if path in ("copy.copy", "copy.deepcopy") and len(args) == 1 and not kwargs:
        made = _copied(args[0], name == "deepcopy", {})
        if made is not None:
            return made  # (flopscope bills no copy of an array made this way)
    if path in ("os.fspath", "os.fsdecode") and len(args) == 1 and isinstance(args[0], Known) \
            and isinstance(args[0].value, (str, submission_files.PurePosixPath)):
        return Known(str(args[0].value))  # `os.fspath(Path(__file__).with_name("head.npz"))`
    if module in ("os.path", "os") and name in ("join",) and _all_known(args):
        import os

        return Known(os.path.join(*(str(a.value) for a in args)))
    if module == "os.path" and name == "dirname" and _all_known(args):
        import os

        return Known(os.path.dirname(str(args[0].value)))
    if path in ("os.environ.get", "os.getenv") and 1 <= len(args) <= 2 and not kwargs:
        # text, or the default where the variable is unset (None when none is given)
        default = args[1] if len(args) == 2 else Known(None)
        kind = "str" if isinstance(default, Known) and isinstance(default.value, str) else ""
        return Unknown(kind, span, f"result of {path}()", machine=Machine.ENVIRONMENT,
                       text_or_none=isinstance(default, Known) and default.value is None)
    handed = [*args, *kwargs.values()]
    if path not in _KEEPS_WHAT_IT_IS_HANDED and _hands_over_program_objects(node, args, kwargs):
        # a library flopcast does not model may change what it is handed, or call the program's
        # code (`timeit.timeit(self.step)`): going on as if it did neither would be a guess
        interp.unfollowed_change(span, f"{path}()", f"{path}() is not modelled and is handed objects or code "
                                 "of the program it may change or call")
    if any(isinstance(a, Array) for a in handed):
        return interp.unpriced(node, f"{path}()", "a library call that receives arrays; its charges are unknown")
    if path in CLOCK_READS:
        return Unknown("", span, f"result of {path}()", machine=Machine.CLOCK)
    return Unknown("", span, f"result of {path}(), {dataints.UNMODELLED_CALL}")


def _hands_over_program_objects(node, args: list, kwargs: dict) -> bool:
    """Whether a call hands over objects the program holds or code it runs (values.changeable).
    A list, tuple, set or dict written in the call itself (`run(["touch", path])`) is made for the
    call and reachable from nowhere else: only what it holds counts."""
    exprs: list = [None] * len(args)
    named: dict = {}
    if isinstance(node, _ast.Call) and not any(isinstance(a, _ast.Starred) for a in node.args):
        exprs = list(node.args) if len(node.args) == len(args) else exprs
        named = {k.arg: k.value for k in node.keywords if k.arg is not None}
    pairs = [*zip(args, exprs), *((v, named.get(k)) for k, v in kwargs.items())]
    return any(_fresh_items(value) if isinstance(expr, _FRESH_DISPLAYS) else changeable(value)
               for value, expr in pairs)


def _fresh_items(value: Value) -> bool:
    """Whether a container made in the call's own expression holds objects the program can change."""
    if isinstance(value, (ListVal, TupleVal)):
        return any(map(changeable, value.items))
    if isinstance(value, DictVal):
        return any(map(changeable, value.items.values())) \
            or any(isinstance(k, ObjKey) and changeable(k.value) for k in value.items)
    return changeable(value)


_FRESH_DISPLAYS = (_ast.List, _ast.Tuple, _ast.Set, _ast.Dict, _ast.ListComp, _ast.SetComp, _ast.DictComp)

#: Builtins whose refusals of known numbers and text are checked by running them on those values.
#: (divmod and pow of known numbers are computed, their refusals raised, where they are modelled)
#: stdlib modules whose functions' arguments are bound as their signatures say (loaded with flopcast)
_BOUND_MODULES = frozenset({"math", "itertools", "functools", "operator", "statistics", "random", "heapq",
                            "bisect", "copy", "json"})
_REFUSALS: dict = {}
#: the keywords of the builtins Python gives no signature to read (Python 3.11)
_KEYWORDS_WITHOUT_SIGNATURE = {
    "max": ("key", "default"), "min": ("key", "default"), "int": ("base",), "zip": ("strict",),
    "str": ("object", "encoding", "errors"), "map": (), "filter": (), "iter": (), "next": (), "getattr": (),
    "bool": (), "set": (), "frozenset": (),
}


def refuse_binding(function, positional: int, kwargs: dict, span: Span) -> None:
    """Python's TypeError for a call of a builtin or stdlib function (or a method of a builtin
    container, the receiver counted in ``positional``) its signature cannot bind:
    `sorted(xs, reversed=True)`, `{}.get(k, default=0)`, `math.sqrt(x=4.0)`, `isinstance(a, b, c)`.
    Binding reads no value, so the signature decides whatever the values are; a function
    without one to read (`max`, `int`) is left to its model."""
    if function is None:
        return
    key = (function, positional, tuple(kwargs))
    try:
        refused = _REFUSALS.get(key, False)
    except TypeError:  # an unhashable attribute: nothing to bind
        return
    if refused is False:
        import inspect

        refused = None
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            signature = None
        if signature is not None:
            try:
                signature.bind(*[None] * positional, **dict.fromkeys(kwargs))
            except TypeError as exc:
                refused = f"{getattr(function, '__qualname__', getattr(function, '__name__', ''))}() {exc}"
        _REFUSALS[key] = refused
    if refused is not None:
        raise UserRaise(span, f"TypeError: {refused}")


def _container_type(recv: Value) -> Optional[type]:
    """The builtin type whose methods ``recv``'s are (None: an object flopcast keeps otherwise)."""
    if recv.__class__ is ListVal:
        return set if recv.is_set else list
    if recv.__class__ is DictVal:
        return collections.OrderedDict if recv.ordered else dict
    if recv.__class__ is TupleVal:
        return tuple
    if recv.__class__ is Known and type(recv.value) in (str, int, float, list, tuple, dict, set, frozenset, bytes):
        return type(recv.value)
    return None


_CHECKED_ON_PLAIN = frozenset({"len", "iter", "next", "hash", "abs", "chr", "ord", "bin", "hex", "oct", "round",
                               "int", "float", "complex", "isinstance", "issubclass"})

#: Library calls that only keep what they are handed, for code flopcast models to use later
#: (a dataclass field's default_factory is called by the class's __init__, which flopcast writes).
_KEEPS_WHAT_IT_IS_HANDED = frozenset({"dataclasses.field"})
#: struct's pure functions of known bytes and numbers (pack_into writes into a buffer: not here)
_STRUCT_CALLS = frozenset({"pack", "unpack", "unpack_from", "calcsize"})
#: hashlib's constructors: a hash object of known bytes, read by its digest methods
_HASHES = frozenset({*hashlib.algorithms_guaranteed, "new"})
_PLAIN_BYTES_ARGS = (bytes, str, int, bool, float, type(None))

#: operator functions that write into their first argument (setitem, delitem, the in-place operators)
_OPERATOR_WRITES = frozenset({"setitem", "delitem", "iadd", "iconcat", "isub", "imul", "iand", "ior", "ixor",
                              "ilshift", "irshift", "imod", "ifloordiv", "itruediv", "ipow", "imatmul"})


def _insort(interp, name: str, args, kwargs, span: Span, node) -> Value:
    """``bisect.insort(xs, v)``: ``v`` inserted into the list where bisect finds its place, when
    the list and ``v`` are known numbers or texts (and no key); else the list's items are not known."""
    import bisect

    lst = args[0]
    if not isinstance(lst, ListVal) or lst.is_set or len(args) < 2:
        return Unknown("", span, f"result of bisect.{name}()")
    plain = [_py(a) for a in args] + [_py(v) for v in kwargs.values()]
    if all(p is not _NOT_PLAIN for p in plain) and "key" not in kwargs:
        try:
            at = getattr(bisect, "bisect_left" if name == "insort_left" else "bisect_right")(
                plain[0], plain[1], *plain[2:len(args)], **{k: _py(v) for k, v in kwargs.items()})
        except TypeError as exc:
            raise UserRaise(span, f"TypeError: {exc}")
        lst.items.insert(at, args[1])
        return Known(None)
    lst.items[:] = [Unknown("", span, f"an item of a list bisect.{name}() inserted into") for _ in range(len(lst.items) + 1)]
    return Known(None)


def _copied(v: Value, deep: bool, memo: dict) -> Optional[Value]:
    """copy.copy / copy.deepcopy of what flopcast follows: containers, arrays (a new object of
    the same shape, dtype and symmetry), instances of the user's plain classes (no __copy__,
    __deepcopy__, __reduce__ or slots); a deep copy keeps shared parts shared. None otherwise."""
    if isinstance(v, Known) and isinstance(v.value, (set, list, dict)):
        # a set held as a known value (set_of) is mutable: the copy is another set
        made = memo.get(id(v))
        if made is None:
            made = memo[id(v)] = Known(copy.deepcopy(v.value) if deep else copy.copy(v.value))
        return made
    if isinstance(v, (Known, FunctionVal, ClassVal, Builtin, LibRef)):
        return v
    from flopcast.analyzer.interpreter.classes import _is_enum_member

    if _is_enum_member(v):
        return v  # Enum.__copy__ and __deepcopy__ give the member itself back (members are singletons)
    if id(v) in memo:
        return memo[id(v)]
    if isinstance(v, ChainMapVal):
        if not deep:  # ChainMap.__copy__: the first map copied, the others shared
            first = v.maps.items[0] if v.maps.items else None
            if first is None or first.__class__ is not DictVal:
                return None
            return ChainMapVal(ListVal([DictVal(dict(first.items), first.factory), *v.maps.items[1:]]))
        made = memo[id(v)] = ChainMapVal(ListVal([]))  # (made before its state, as copy's reconstruct does)
        maps = _copied(v.maps, True, memo)
        if not isinstance(maps, ListVal):
            return None
        made.maps = maps
        return made
    if _listed_otherwise(v):
        return None  # a set of objects, a dict's view: not copied as a list
    if isinstance(v, Array):
        made = v.with_(presumed=v.presumed, vrange=v.vrange)
    elif isinstance(v, (ListVal, TupleVal, DictVal)):
        if not deep:
            made = _list_like(v, list(v.items)) if isinstance(v, ListVal) else _dict_like(v, dict(v.items)) \
                if isinstance(v, DictVal) else v
        else:
            if isinstance(v, DictVal):
                if any(isinstance(k, ObjKey) for k in v.items) or v.factory is not None:
                    return None
                made = memo[id(v)] = _dict_like(v, {})
                for k, item in v.items.items():
                    c = _copied(item, True, memo)
                    if c is None:
                        return None
                    made.items[k] = c
                return made
            if isinstance(v, ListVal):
                made = memo[id(v)] = _list_like(v, [])
            items = [_copied(i, True, memo) for i in v.items]
            if any(i is None for i in items):
                return None
            if isinstance(v, ListVal):
                made.items.extend(items)
                return made
            made = TupleVal(tuple(items), v.fields)
    elif isinstance(v, InstanceVal) and v.payload is None and all(c.node is not None for c in v.cls.mro()) \
            and not any(m in c.attrs for c in v.cls.mro() for m in ("__copy__", "__deepcopy__", "__reduce__",
                                                                     "__reduce_ex__", "__slots__", "__getstate__")) \
            and all(isinstance(b, ClassVal) or getattr(b, "name", "") == "object" for c in v.cls.mro() for b in c.bases):
        made = memo[id(v)] = InstanceVal(v.cls, {})
        for k, item in v.attrs.items():
            c = _copied(item, True, memo) if deep else item
            if c is None:
                return None
            made.attrs[k] = c
        return made
    else:
        return None
    memo[id(v)] = made
    return made


def _dataclass_field_names(cls: ClassVal) -> Optional[list]:
    """The field names of a @dataclass in order (its own and inherited), None for any other class
    (a NamedTuple has no ``__dataclass_fields__``)."""
    if any(c.tuple_like for c in cls.mro()) or cls.fields is None:
        return None
    return [f[0] for f in cls.fields]


def _field_object(name: str) -> TupleVal:
    # a dataclasses.Field as far as flopcast follows one: its ``.name`` (other attributes,
    # ``.default``, ``.type``, are not known and leave the use unpriced)
    return TupleVal((Known(name),), fields=("name",))


def dataclass_fields_dict(cls: ClassVal) -> Optional[DictVal]:
    """``cls.__dataclass_fields__``: a dict of the field names (in order) to their Field objects."""
    names = _dataclass_field_names(cls)
    return None if names is None else DictVal({n: _field_object(n) for n in names})


def _is_dataclass_instance(v: Value) -> bool:
    return isinstance(v, InstanceVal) and any(c.fields is not None and not c.tuple_like for c in v.cls.mro())


def _dataclass_copy(v: Value, as_dict: bool) -> Optional[Value]:
    """What dataclasses.asdict/astuple make of a field value: dataclasses recursively, new
    lists, tuples and dicts, known values as they are, a deep copy of anything else; None where
    that copy is not followed."""
    if isinstance(v, Known) or isinstance(v, Unknown) and v.kind in ("int", "float", "bool", "str"):
        return v  # a number or text read from data: immutable, deepcopy gives it back
    if _is_dataclass_instance(v):
        fields = next(c.fields for c in v.cls.mro() if c.fields is not None)
        parts = [(f[0], _dataclass_copy(v.attrs.get(f[0], Known(None)), as_dict)) for f in fields]
        if any(p is None for _, p in parts) or any(f[0] not in v.attrs for f in fields):
            return None
        return DictVal(dict(parts)) if as_dict else make_tuple([p for _, p in parts])
    if isinstance(v, (ListVal, TupleVal)):
        items = [_dataclass_copy(i, as_dict) for i in v.items]
        if any(i is None for i in items):
            return None
        # (a tuple stays one of its items, not a known value read from them: a call counter in it stays watched)
        return ListVal(items) if isinstance(v, ListVal) else TupleVal(tuple(items), v.fields)
    if isinstance(v, DictVal) and v.factory is None and not any(isinstance(k, ObjKey) for k in v.items):
        items = {k: _dataclass_copy(i, as_dict) for k, i in v.items.items()}
        return None if any(i is None for i in items.values()) else DictVal(items)
    return _copied(v, True, {})  # anything else is copy.deepcopy'd, each leaf on its own (an array: a new one)


def set_of(interp, items: list, node, frozen: bool = False) -> Value:
    """A set of abstract items. Of plain known values (numbers, text, tuples of them), the real
    set (or frozenset) Python builds from them in the same order: a Known whose methods
    (add, discard, pop, union, ...), operators, comparisons and iteration order are Python's
    own (a set of text iterates in an order no analysis knows: interpreter.iterate asks). Of
    other items, a list in the iteration order Python's set gives them, deduplicated by
    identity (objects) or by value (IntEnum members)."""
    plain = [_py(v) for v in items]
    members = [plain_member(v) for v in items]
    if any(m is not v for m, v in zip(members, items)) and all(isinstance(m, Known) for m in members):
        # IntEnum members (and numbers): equal and hashed as their values; Python keeps the first
        # object of each value, in the order a set of those values iterates
        first: dict = {}
        for m, v in zip(members, items):
            first.setdefault(m.value, v)
        made = ListVal([first[value] for value in set(m.value for m in members)])
        made.is_set = True
        made.unordered = len(made.items) > 1 and any(hash_seeded(m.value) for m in members)  # (StrEnum)
        return made
    if all(p is not _NOT_PLAIN for p in plain):
        try:
            return Known(frozenset(plain) if frozen else set(plain))
        except TypeError:
            raise UserRaise(interp.node_span(node) if node is not None else interp.span, "TypeError: unhashable type")
    if any(p is not _NOT_PLAIN for p in plain):
        return interp.unpriced(node, "set", "a set mixing known values and values the analyzer cannot compare")
    if any(isinstance(v, (Array, ListVal, DictVal)) for v in items):
        kind = next(("FlopscopeArray" if not v.plain else "numpy.ndarray") if isinstance(v, Array)
                    else "list" if isinstance(v, ListVal) else "dict"
                    for v in items if isinstance(v, (Array, ListVal, DictVal)))
        raise UserRaise(interp.node_span(node) if node is not None else interp.span, f"TypeError: unhashable type: '{kind}'")
    for v in items:
        interp.refuse_unhashable(v, node)
    if not all(interp.identity_hashed(v) for v in items):
        # instances with their own __eq__/__hash__, dataclasses, numbers read from data: equal
        # items are one item, which the analyzer cannot tell
        return interp.unpriced(node, "set", "whether two of its items are equal depends on their values")
    out: list = []
    for v in items:
        if all(v is not o for o in out):
            out.append(v)
    made = ListVal(out)
    made.is_set = True
    made.mutable_set = not frozen
    made.unordered = len(out) > 1  # objects hashed by identity iterate in the order of their addresses
    return made


def _set_order_shows(source: Value) -> bool:
    """Whether ``source`` is a set whose iteration order changes from process to process."""
    if isinstance(source, Known) and isinstance(source.value, (set, frozenset)):
        return len(source.value) > 1 and any(hash_seeded(x) for x in source.value)
    return source.__class__ is ListVal and source.unordered


def _distinct_known(keys: list) -> bool:
    """Whether the keys are known and no two tie: then a stable sort's result is one order."""
    if not _all_known(keys):
        return False
    try:
        ranked = sorted(k.value for k in keys)
        return all(a < b for a, b in itertools.pairwise(ranked))
    except TypeError:
        return False


def hash_seeded(v) -> bool:
    """Whether Python's hash of ``v`` changes from process to process (str and bytes, also
    inside tuples and frozensets), so a set holding it iterates in an order no analysis knows."""
    if isinstance(v, (str, bytes)):
        return True
    if isinstance(v, (tuple, frozenset)):
        return any(hash_seeded(x) for x in v)
    return False


def _bisect_by_data(name: str, args, kwargs, span) -> Optional[Value]:
    """``bisect.bisect(levels, float(x))``, ``bisect.bisect_left(cum, 0.9 * cum[-1])`` over
    ``cum = list(np.cumsum(vals))``: a search among plain numbers (Python's, numpy's scalars, numbers
    read from data) where some are read from data is an integer read from data within ``[lo, hi]``
    (each of bisect's comparisons is of two numbers: nothing is charged, nothing of the user's runs,
    and whatever the items hold, sorted or not, the answer lies there); numpy's scalars of known
    numbers give Python's answer. None where anything else is asked (a key, which calls code of the
    program, or an array among the numbers, whose comparisons flopscope charges)."""
    bound = dict(zip(("a", "x", "lo", "hi"), args))
    if len(args) > 4 or set(kwargs) - {"lo", "hi"} or any(k in bound for k in kwargs):
        return None
    bound.update(kwargs)
    seq, x = bound.get("a"), bound.get("x")
    if seq.__class__ not in (ListVal, TupleVal) or x is None:
        return None
    numbers = [_plain_number(v) for v in (*seq.items, x)]
    if _NOT_PLAIN in numbers:
        return None
    lo, hi = _py(bound.get("lo", Known(0))), _py(bound.get("hi", Known(None)))
    hi = len(seq.items) if hi is None else hi
    if type(lo) is not int or type(hi) is not int or lo < 0 or hi > len(seq.items):
        return None  # (bisect's ValueError, TypeError and IndexError past the end: not modelled)
    if None not in numbers:
        import bisect

        return Known(getattr(bisect, name)(numbers[:-1], numbers[-1], lo, hi))
    searched = f"of a number read from data ({x.reason})" if None not in numbers[:-1] and x.__class__ is Unknown \
        else "among numbers read from data"
    return Unknown("int", span, f"bisect.{name}() {searched}", lo, max(lo, hi), machine=machine_of(x, *seq.items))


def _plain_number(value: Value):
    """The number a value compared by bisect holds: a Python number or a numpy scalar of known
    numbers; None for one read from data (an unknown number, a numpy scalar of unknown value);
    _NOT_PLAIN for anything whose ``<`` charges or runs code (an array, an object)."""
    if isinstance(value, Known):
        return value.value if type(value.value) in (int, float, bool) else _NOT_PLAIN
    if value.__class__ is NumpyScalar and value.dtype.startswith(("int", "uint", "float", "bool")):
        return value.value
    if value.__class__ is Unknown and value.kind in ("int", "float", "bool"):
        return None
    return _NOT_PLAIN


def _py(value: Value):
    """The plain Python value of a known value or a container of them, else _NOT_PLAIN."""
    if isinstance(value, Known):
        return value.value
    if isinstance(value, (ListVal, TupleVal)):
        items = [_py(v) for v in value.items]
        if any(i is _NOT_PLAIN for i in items):
            return _NOT_PLAIN
        return items if isinstance(value, ListVal) else tuple(items)
    if isinstance(value, DictVal) and value.factory is None and not any(isinstance(k, ObjKey) for k in value.items):
        items = {k: _py(v) for k, v in value.items.items()}
        return _NOT_PLAIN if any(i is _NOT_PLAIN for i in items.values()) else items
    return _NOT_PLAIN


_NOT_PLAIN = object()


def _plain_items(recv) -> list | None:
    items = [_py(v) for v in recv.items]
    return None if any(i is _NOT_PLAIN for i in items) else items


def _identity_set_change(interp, name: str, recv: ListVal, item: Value, span: Span, node) -> Optional[Value]:
    """``s.add(x)``, ``s.discard(x)``, ``s.remove(x)`` of a set of objects hashed by identity, with
    ``x`` one too (a class, a function, an instance without ``__eq__``): ``x`` is there when it is
    the very object. None when an item could equal another without being it."""
    interp.refuse_unhashable(item, node)
    if not interp.identity_hashed(item) or not all(interp.identity_hashed(v) for v in recv.items):
        return None
    items = recv.items
    held = next((k for k, v in enumerate(items) if v is item), None)
    if name == "add":
        if held is None:
            items.append(item)
            recv.unordered = len(items) > 1  # iterated in the order of the objects' addresses
    elif held is not None:
        del items[held]
    elif name == "remove":
        raise UserRaise(span, "KeyError: the object is not in the set")
    return Known(None)


def call_container_method(interp, name: str, recv: Value, args, kwargs, span: Span, node) -> Value:
    kind = _container_type(recv)
    if kind is not None:
        refuse_binding(getattr(kind, name, None), len(args) + 1, kwargs, span)  # (+1: the receiver)
    if isinstance(recv, ChainMapVal):
        return chain_maps.method(interp, name, recv, args, kwargs, span, node, call_container_method)
    if recv.__class__ is ListVal and recv.is_set:
        if name == "copy" and not args:
            made = ListVal(list(recv.items))
            made.is_set, made.unordered, made.mutable_set = True, recv.unordered, recv.mutable_set
            return made
        if recv.mutable_set and name in ("add", "discard", "remove") and len(args) == 1 and not kwargs:
            changed = _identity_set_change(interp, name, recv, args[0], span, node)
            if changed is not None:
                return changed
        if name in SET_MUTATORS:
            interp.unfollowed_change(span, f"set.{name}()", "a set of objects or enum members: its methods are not modelled")
        return interp.unpriced(node, f"set.{name}()", "a set of objects or enum members: its methods are not modelled")
    if isinstance(recv, DequeVal):
        if name == "pop" and args:
            raise UserRaise(span, f"TypeError: deque.pop() takes no arguments ({len(args)} given)")
        done = stdlib_containers.deque_method(interp, name, recv, args, span, node)
        if done is not None:
            return done
        if name in ("append", "extend", "insert"):
            if name == "insert" and recv.maxlen is not None and len(recv.items) >= recv.maxlen:
                raise UserRaise(span, "IndexError: deque already at its maximum size")
            done = call_container_method(interp, name, ListVal(recv.items), args, kwargs, span, node)
            stdlib_containers.trim(recv, left=True)
            return done
    if isinstance(recv, ListVal):
        if name == "append":
            append_item(recv, args[0])  # counters.py watches logs through this one call
            return Known(None)
        if name == "extend":
            items = interp.iterate(args[0], node)
            if items is None:
                interp.unfollowed_change(span, "list.extend()", "extends a list by a sequence whose length is not known")
            recv.items.extend(items)
            return Known(None)
        if name == "pop":
            if args and not (isinstance(args[0], Known) and isinstance(args[0].value, int)):
                interp.unfollowed_change(span, "list.pop()", "the index depends on values")
            idx = args[0].value if args else -1
            if not recv.items:
                raise UserRaise(span, "IndexError: pop from empty list")
            if not -len(recv.items) <= idx < len(recv.items):
                raise UserRaise(span, "IndexError: pop index out of range")
            return recv.items.pop(idx)
        if name == "insert" and isinstance(args[0], Known) and isinstance(args[0].value, int):
            recv.items.insert(args[0].value, args[1])
            return Known(None)
        if name == "copy":
            return ListVal(list(recv.items))
        if name == "reverse":
            recv.items.reverse()
            return Known(None)
        if name == "clear":
            recv.items.clear()
            return Known(None)
        if name in ("index", "count", "remove") and args and _py(args[0]) is not _NOT_PLAIN:
            plain = _plain_items(recv)
            if plain is not None:
                x = _py(args[0])
                if name == "count":
                    return Known(plain.count(x))
                if x not in plain:
                    raise UserRaise(span, f"ValueError: list.{name}(x): x not in list")
                if name == "index":
                    return Known(plain.index(x, *[a.value for a in args[1:] if isinstance(a, Known)]))
                del recv.items[plain.index(x)]
                return Known(None)
        arrays = any(v.__class__ is Array and not v.plain for v in (*args, *recv.items))
        if name in ("index", "count", "remove") and len(args) == 1 and not kwargs and (
                arrays or isinstance(args[0], InstanceVal) or any(isinstance(i, InstanceVal) for i in recv.items)):
            hits = interp.array_positions(args[0], list(recv.items), node, first=name != "count") if arrays \
                else dunders.positions(interp, args[0], recv.items, span, first=name != "count")
            if hits is None and name == "remove":
                # which item goes depends on values: going on with the list as it was would count
                # work for an item the run removed (a 'lower bound' above the run)
                interp.stop_path("list.remove(): whether an item equals it depends on values, so what the list "
                                 "keeps is not known", span, "list.remove()")
            if hits is None:
                return interp.unpriced(node, f"list.{name}()", "whether an item equals it depends on values")
            if name == "count":
                return Known(len(hits))
            if not hits:
                raise UserRaise(span, f"ValueError: list.{name}(x): x not in list")
            if name == "index":
                return Known(hits[0])
            del recv.items[hits[0]]
            return Known(None)
        if name == "sort":
            ordered = call_builtin(interp, "sorted", [recv], kwargs, span, node)
            if isinstance(ordered, ListVal):
                recv.items[:] = ordered.items
                return Known(None)
            interp.unfollowed_change(span, "list.sort()", "the order it leaves is not known")
    if stdlib_containers.is_counter(recv):
        out = stdlib_containers.counter_method(interp, recv, name, args, kwargs, span, node)
        if out is not None:
            return out
    if isinstance(recv, DictVal):
        if name in ("get", "setdefault") and not args:
            raise UserRaise(span, f"TypeError: {name} expected at least 1 argument, got 0")
        if name in ("get", "setdefault", "pop", "move_to_end") and args:
            interp.refuse_unhashable(args[0], node)
        watch = interp.counter_watch
        if watch is not None and name in ("get", "setdefault") and recv.__class__ is DictVal and len(args) <= 2 \
                and not kwargs:
            # a dict a first call adds per-key counters to (counters.py)
            found = watch.entry_default(recv, args[0], args[1] if len(args) > 1 else Known(None), name == "setdefault")
            if found is not None:
                return found
        if name == "get":
            key = args[0]
            if key.__class__ is NumpyScalar:
                # numpy's integers hash and compare as Python's ints: `experts.get(fnp.argsort(s)[-1])`
                # looks its key up as `experts[int(...)]` does (interpreter/lookups.py)
                key = dataints.dict_key(key, span)
            if watch is not None and key.__class__ is Known and watch.is_tainted(key) \
                    and recv.__class__ is DictVal and watch.keyed_entry(recv, key, "get"):
                return args[1] if len(args) > 1 else Known(None)  # a keyed log's missing key (counters.py)
            if isinstance(key, Known) and key.value in recv.items:
                return recv.items[key.value]
            if isinstance(key, Known) and may_hold_known_key(recv):
                return interp.unpriced(node, "dict.get()", "a key of the dict is not known and may equal this one")
            if not isinstance(key, Known) and dict_key(key) in recv.items:
                return recv.items[dict_key(key)]
            if not isinstance(key, Known) and not surely_missing(key, recv):
                counted = _counted_entry(interp, recv, args, node)
                if counted is not None:
                    return counted
                at = _data_int_position(interp, key, recv, span)
                if at is not None:
                    return recv.items[at] if at in recv.items else args[1] if len(args) > 1 else Known(None)
                return interp.unpriced(node, "dict.get()", unknown_key_reason(key))
            return args[1] if len(args) > 1 else Known(None)
        if name in ("items", "keys", "values") and not args and not kwargs:
            view = ListVal([])
            view.view_of = (recv, name)
            refresh_view(view)
            return view
        if name == "setdefault":
            key = args[0]
            if isinstance(key, Known):
                return recv.items.setdefault(key.value, args[1] if len(args) > 1 else Known(None))
            if _fills_a_keyless_dict(interp, recv, args, node):
                # ``self.seen.setdefault(mlp.name, []).append(plan)``: the list it fills is this new
                # one or one like it stored before, and nothing reads either (write_only.keyless_dicts)
                return recv.items.setdefault(dict_key(key), args[1])
        if name == "update" and args and isinstance(args[0], ChainMapVal):
            args = [chain_maps.read(interp, args[0], node), *args[1:]]  # its keys and what their lookups find
        if name == "update" and args and isinstance(args[0], DictVal):
            recv.items.update(args[0].items)
            recv.items.update(kwargs)
            return Known(None)
        if name == "update" and args and isinstance(args[0], Known) and isinstance(args[0].value, dict):
            recv.items.update({k: Known(v) for k, v in args[0].value.items()})
            recv.items.update(kwargs)
            return Known(None)
        if name == "update" and not args:
            recv.items.update(kwargs)
            return Known(None)
        if name == "pop" and not args:
            raise UserRaise(span, "TypeError: pop expected at least 1 argument, got 0")
        if name == "pop" and isinstance(args[0], Known):
            if args[0].value not in recv.items:
                if len(args) > 1:
                    return args[1]
                raise UserRaise(span, f"KeyError: {args[0].value!r}")
            return recv.items.pop(args[0].value)
        if name == "popitem" and not args and set(kwargs) <= {"last"} and all(
                isinstance(v, Known) for v in kwargs.values()):
            # `last=` is OrderedDict's (collections.OrderedDict is a dict here): LIFO unless last=False
            if not recv.items:
                raise UserRaise(span, "KeyError: 'popitem(): dictionary is empty'")
            key = next(reversed(recv.items)) if kwargs.get("last", Known(True)).value else next(iter(recv.items))
            return make_tuple([key_value(key), recv.items.pop(key)])
        if name == "move_to_end" and len(args) == 1 and isinstance(args[0], Known) and set(kwargs) <= {"last"} \
                and all(isinstance(v, Known) for v in kwargs.values()):
            if args[0].value not in recv.items:
                raise UserRaise(span, f"KeyError: {args[0].value!r}")
            value = recv.items.pop(args[0].value)
            if kwargs.get("last", Known(True)).value:
                recv.items[args[0].value] = value
            else:
                rest = dict(recv.items)
                recv.items.clear()
                recv.items[args[0].value] = value
                recv.items.update(rest)
            return Known(None)
        if name == "copy":
            return _dict_like(recv, dict(recv.items))
        if name == "clear":
            recv.items.clear()
            return Known(None)
    if isinstance(recv, (ListVal, DictVal)) and name == "__getitem__" and len(args) == 1 and not kwargs:
        # `sorted(range(n), key=vals.__getitem__)`, Python's argsort: the subscript itself
        return interp.subscript(recv, args[0], node)
    if isinstance(recv, (ListVal, DictVal)):
        kind = "list" if isinstance(recv, ListVal) else "dict"
        # A method the analyzer does not model may change the container: never guess.
        if name in (LIST_MUTATORS if kind == "list" else DICT_MUTATORS):
            interp.unfollowed_change(span, f"{kind}.{name}()", f"{kind}.{name}() with these arguments is not modelled")
        return interp.unpriced(node, f"{kind}.{name}()", f"{kind}.{name}() with these arguments is not modelled")
    return Unknown("", span, f".{name}() on a container")


def _from_json(data: Any) -> Value:
    """Parsed JSON as the program holds it: objects and arrays are dicts and lists it may change."""
    if isinstance(data, dict):
        return DictVal({k: _from_json(v) for k, v in data.items()})
    if isinstance(data, list):
        return ListVal([_from_json(v) for v in data])
    return Known(data)


# ------------------------------------------------------------------- itertools & collections

#: statistics functions whose result for a non-empty list of Python floats is a Python float,
#: whatever their values (mean sums exact fractions: no overflow; a NaN or an infinity gives a NaN
#: or an infinity, as the installed CPython does), and which raise then only for an empty one. Items
#: of other types are not followed: mean and median return the items' own type (np.float64 items give
#: an np.float64, a strong scalar under NEP 50), and median of ints and floats may return an int.
#: (stdev, pstdev, variance and pvariance raise for some values: _SPREAD_STATISTICS.)
_FLOAT_STATISTICS = frozenset({("statistics", "mean"), ("statistics", "median"), ("statistics", "median_low"),
                               ("statistics", "median_high")})
#: statistics functions of a list of Python floats that raise for some values: which exceptions,
#: and at what length always, is asked of the installed CPython (_spread_raises). 3.11's stdev and
#: pstdev raise AttributeError at a NaN or an infinity; variance, pvariance and stdev OverflowError
#: where the spread passes the largest float.
_SPREAD_STATISTICS = frozenset({("statistics", "stdev"), ("statistics", "pstdev"), ("statistics", "variance"),
                                ("statistics", "pvariance")})
_SPREAD_RAISE_REASONS = {"AttributeError": "a NaN or an infinity is among the numbers",
                         "OverflowError": "their spread passes the largest float"}
#: the values _spread_raises makes its lists of
_SPREAD_PROBES = (0.0, 1.0, -1.0, 5e-324, 1e154, -1e154, _sys.float_info.max, -_sys.float_info.max,
                  math.inf, -math.inf, math.nan)
#: the longest list _spread_raises asks about (each probe's time grows with it); longer: not modelled
_SPREAD_MOST = 256
#: math/statistics functions of one iterable of numbers, evaluated when it is known
_PURE_ITERABLE_MATH = {("math", "fsum"), ("math", "prod"), ("statistics", "mean"), ("statistics", "fmean"),
                       ("statistics", "median"), ("statistics", "median_low"),
                       ("statistics", "median_high"), ("statistics", "pstdev"), ("statistics", "stdev"),
                       ("statistics", "pvariance"), ("statistics", "variance")}
#: operator-module functions that are Python's binary operators
_OPERATOR_BINOPS = {"add": _ast.Add, "sub": _ast.Sub, "mul": _ast.Mult, "matmul": _ast.MatMult, "truediv": _ast.Div,
                    "floordiv": _ast.FloorDiv, "mod": _ast.Mod, "pow": _ast.Pow, "and_": _ast.BitAnd,
                    "or_": _ast.BitOr, "xor": _ast.BitXor, "lshift": _ast.LShift, "rshift": _ast.RShift}
#: operator's functions of one operand that are Python's unary operators
_OPERATOR_UNARY = {"neg": _ast.USub, "pos": _ast.UAdd, "invert": _ast.Invert, "inv": _ast.Invert}
_ITERTOOLS = {"product", "permutations", "combinations", "combinations_with_replacement", "zip_longest",
              "chain", "chain.from_iterable", "islice", "pairwise", "repeat", "accumulate", "starmap",
              "count", "cycle", "takewhile", "dropwhile", "filterfalse", "compress", "groupby", "tee"}
_MAX_ITEMS = 100_000


#: the positions of each itertools function's iterable arguments (None: every one), which it
#: asks ``iter()`` of when called; chain asks each only when its items are reached
_ITERABLE_ARGS = {"product": None, "zip_longest": None, "chain": None, "chain.from_iterable": (0,), "islice": (0,),
                  "pairwise": (0,), "accumulate": (0,), "starmap": (1,), "cycle": (0,), "takewhile": (1,),
                  "dropwhile": (1,), "filterfalse": (1,), "compress": (0, 1), "groupby": (0,), "tee": (0,),
                  "permutations": (0,), "combinations": (0,), "combinations_with_replacement": (0,)}


def _then_raise(items: list, span: Span, wrong: str):
    """A chain's items up to one that is no iterable, then Python's TypeError for it."""
    yield from items
    raise UserRaise(span, f"TypeError: '{wrong}' object is not iterable")


def _itertools(interp, name: str, args, kwargs, span: Span, node) -> Value:
    """itertools on known sequences: run the real itertools on the abstract items."""
    import itertools

    positions = _ITERABLE_ARGS.get(name, ())
    for i, a in enumerate(args):
        wrong = not_iterable(a) if positions is None or i in positions else None
        if wrong is None:
            continue
        if name != "chain":  # `itertools.product(3)`: the program's TypeError, at the call
            raise UserRaise(span, f"TypeError: '{wrong}' object is not iterable")
        # chain(xs, 2): the items before it, then the TypeError when its items are asked for
        if not all(isinstance(a_, (ListVal, TupleVal)) or isinstance(a_, Known) and isinstance(a_.value, (
                list, tuple, range, str)) for a_ in args[:i]):
            return interp.unpriced(node, "itertools.chain", "a chain that raises TypeError after the items of "
                                                            "iterators is not modelled")
        before = [x for a_ in args[:i] for x in interp.iterate(a_, node)]

        return _reading(LazyIterator(_then_raise(before, span, wrong)), list(args))

    def seq(v):
        items = interp.iterate(v, node)
        if items is None:
            raise _NotKnown()
        return items

    def known(v, what):
        if not isinstance(v, Known):
            raise _NotKnown()
        return v.value

    def truth(value, what):
        answer = interp.known_truth(interp.size_truth(value, node))
        if answer is None:
            raise _Unpriced(f"which items {what} depends on values")
        return answer

    def test(fn, item, what):
        return truth(item if isinstance(fn, Known) and fn.value is None else
                     interp.call(fn, [item], {}, span, node), what)

    if name in _PER_ITEM_CALLERS and any(isinstance(a, PyGenerator) for a in (*args, *kwargs.values())):
        # accumulate(gen, fn), takewhile(fn, gen), ...: fn runs between the generator's items
        for fn in (*args, *kwargs.values()):
            if isinstance(fn, (FunctionVal, PartialVal, BoundMethod)):
                # (takewhile and dropwhile often stop an endless generator: not run whole here)
                _refuse_reads_per_item(interp, fn, [*args, *kwargs.values()], node,
                                       run=name not in ("takewhile", "dropwhile"))
    if name in _LAZY_ITERTOOLS and (_lazy_source(list(args) + list(kwargs.values()), unrun=True)
                                    or _calls_program_per_item(name, args, kwargs)):
        made = _itertools_lazy(interp, name, args, kwargs, span, node)
        if made is not None:
            # the lists it reads as they are now: one changed before it reads it ends the path
            return _reading(made, list(args)) if isinstance(made, SeqIterator) else made
    try:
        if name == "count":
            start = known(args[0] if args else kwargs.get("start", Known(0)), "start")
            step = known(args[1] if len(args) > 1 else kwargs.get("step", Known(1)), "step")
            if not all(isinstance(v, (int, float)) for v in (start, step)):
                if all(dunders.plain_value(v) for v in (start, step)):
                    raise UserRaise(span, "TypeError: a number is required")  # count(0, "a"), as Python refuses it
                raise _NotKnown()
            return EndlessIter("count", [Known(start)], step)
        if name == "cycle":
            items = list(seq(args[0]))
            return EndlessIter("cycle", items) if items else SeqIterator([])
        if name == "repeat":
            times = known(args[1] if len(args) > 1 else kwargs.get("times", Known(None)), "times")
            if times is None:
                return EndlessIter("repeat", [args[0]])
            out = [args[0]] * min(int(times), _MAX_ITEMS + 1)
        elif name == "takewhile":
            out = []
            source = args[1]
            while len(out) <= _MAX_ITEMS:
                if isinstance(source, EndlessIter):
                    item = source.take(1)[0]  # the first item that fails is taken too
                else:
                    if not out:
                        rest = list(seq(source))
                    if len(out) >= len(rest):
                        break
                    item = rest[len(out)]
                if not test(args[0], item, "takewhile() keeps"):
                    break
                out.append(item)
        elif name == "dropwhile":
            items = seq(args[1])
            k = 0
            while k < len(items) and test(args[0], items[k], "dropwhile() drops"):
                k += 1
            out = list(items[k:])
        elif name == "filterfalse":
            out = [item for item in seq(args[1]) if not test(args[0], item, "filterfalse() keeps")]
        elif name == "compress":
            out = [d for d, sel in zip(seq(args[0]), seq(args[1])) if truth(sel, "compress() keeps")]
        elif name == "groupby":
            fn = args[1] if len(args) > 1 else kwargs.get("key", Known(None))
            out = []
            for item in seq(args[0]):
                key = item if isinstance(fn, Known) and fn.value is None else interp.call(fn, [item], {}, span, node)
                if out and _same_key(out[-1][0], key):
                    out[-1][1].items.append(item)
                else:
                    out.append((key, SeqIterator([item])))
            # (each group is an iterator over its items: Python's empties once groupby moves on)
        elif name == "tee":
            # n independent iterators over the same items (the source is consumed to the end)
            n = known(args[1] if len(args) > 1 else kwargs.get("n", Known(2)), "n")
            items = seq(args[0])
            return TupleVal(tuple(SeqIterator(list(items)) for _ in range(n)))
        elif name in ("chain",):
            out = [x for a in args for x in seq(a)]
        elif name == "chain.from_iterable":
            out = []
            for a in seq(args[0]):
                wrong = not_iterable(a)
                if wrong is not None:  # raised when the chain reaches it, not at the call
                    return _reading(LazyIterator(_then_raise(out, span, wrong)), list(args))
                out.extend(seq(a))
        elif name == "zip_longest":
            fill = kwargs.get("fillvalue", Known(None))
            out = [tuple(fill if x is _FILL else x for x in t)
                   for t in itertools.zip_longest(*(seq(a) for a in args), fillvalue=_FILL)]
        elif name == "islice":
            bounds = [known(a, "bound") for a in args[1:]]
            stdlib_containers.check_islice_bounds(bounds, span)
            out = list(itertools.islice(seq(args[0]), *bounds))
        elif name == "pairwise":
            out = list(itertools.pairwise(seq(args[0])))
        elif name == "product":
            repeat = known(kwargs.get("repeat", Known(1)), "repeat")
            out = list(itertools.islice(itertools.product(*(seq(a) for a in args), repeat=repeat), _MAX_ITEMS + 1))
        elif name in ("permutations", "combinations", "combinations_with_replacement"):
            r = args[1] if len(args) > 1 else kwargs.get("r", Known(None))
            fn = getattr(itertools, name)
            out = list(itertools.islice(fn(seq(args[0]), known(r, "r")) if name == "permutations"
                                        else fn(seq(args[0]), known(r, "r")), _MAX_ITEMS + 1))
        elif name == "accumulate":
            items = seq(args[0])
            fn = args[1] if len(args) > 1 else kwargs.get("func")
            if len(items) > _MAX_ITEMS:
                return interp.unpriced(node, f"itertools.{name}", "too many items to unroll")

            def sums():  # each sum made when it is asked for, as itertools makes it
                acc = kwargs.get("initial")
                if acc is not None:
                    yield acc
                for item in items:
                    if acc is None:
                        acc = item
                    elif fn is None:
                        acc = interp.binop(_ADD, acc, item, node)
                    else:
                        acc = interp.call(fn, [acc, item], {}, span, node)
                    yield acc
            return _reading(LazyIterator(pulled_at(interp, sums())), list(args))
        else:  # starmap
            groups = []
            for t in seq(args[1]):
                wrong = not_iterable(t)
                if wrong is not None:  # the TypeError comes when starmap reaches it, after the calls before
                    groups.append(wrong)
                    break
                groups.append(list(seq(t)))
            if len(groups) > _MAX_ITEMS:
                return interp.unpriced(node, f"itertools.{name}", "too many items to unroll")

            def calls():
                for g in groups:
                    if isinstance(g, str):
                        raise UserRaise(span, f"TypeError: '{g}' object is not iterable")
                    yield interp.call(args[0], g, {}, span, node)
            return _reading(LazyIterator(pulled_at(interp, calls())), list(args))
    except _NotKnown:
        if any(isinstance(a, Array) for a in args):
            return interp.unpriced(node, f"itertools.{name}", "its arguments are not known")
        return Unknown("", span, f"itertools.{name} of values that are not known")
    except _Unpriced as exc:
        return interp.unpriced(node, f"itertools.{name}", str(exc))
    if len(out) > _MAX_ITEMS:
        return interp.unpriced(node, f"itertools.{name}", "too many items to unroll")
    # an iterator, used up once
    return _reading(SeqIterator([make_tuple(list(x)) if isinstance(x, tuple) else x for x in out]), list(args))


def _clamped_float(u: Unknown, name: str, known: list) -> Unknown:
    """``min(u, c...)`` / ``max(u, c...)`` of a float read from data: the same unknown, with the
    bounds the clamp gives it."""
    c = (min if name == "min" else max)(known)
    if name == "max":
        lo, hi = (c if u.lo is None else max(c, u.lo)), (None if u.hi is None else max(c, u.hi))
    else:
        lo, hi = (None if u.lo is None else min(c, u.lo)), (c if u.hi is None else min(c, u.hi))
    return Unknown("float", u.origin, u.reason, lo, hi, presumed=u.presumed)


class _NotKnown(Exception):
    pass


class _Unpriced(Exception):
    pass


def _same_key(a: Value, b: Value) -> bool:
    """groupby's `==` between consecutive keys, for keys whose equality is known."""
    if a is b:
        return True
    if isinstance(a, Known) and isinstance(b, Known) and dunders.plain_value(a.value) and dunders.plain_value(b.value):
        return a.value == b.value
    raise _Unpriced("groupby() compares keys whose equality is not known")


_FILL = object()


def _namedtuple(interp, args, kwargs, span: Span, node) -> Value:
    name = args[0] if args else kwargs.get("typename")
    names = args[1] if len(args) > 1 else kwargs.get("field_names")
    if not isinstance(name, Known):
        return Unknown("", span, "namedtuple with a computed name")
    if isinstance(names, Known) and isinstance(names.value, str):
        fields = names.value.replace(",", " ").split()
    else:
        items = interp.iterate(names, None) if names is not None else None
        if items is None or not all(isinstance(i, Known) for i in items):
            return Unknown("", span, "namedtuple with computed field names")
        fields = [i.value for i in items]
    defaults = kwargs.get("defaults")
    default_items = (interp.iterate(defaults, None) or []) if defaults is not None else []
    padded = [None] * (len(fields) - len(default_items)) + list(default_items)
    cls = ClassVal(str(name.value), str(name.value), [], {}, None, interp.frame.module if interp.frame else None)
    cls.fields = [(f, d, None) for f, d in zip(fields, padded)]
    cls.tuple_like = True
    cls.made_by = node
    return cls


#: What int()/round() of a float raises when the float is not finite (CPython's messages).
_NOT_FINITE_TO_INT = (("ValueError", "cannot convert float NaN to integer"),
                      ("OverflowError", "cannot convert float infinity to integer"))


#: Values a number read from data may hold, at which CPython's math functions are asked whether
#: they raise: each sign, zero, the ends of the domains (±1, -2 a pole of gamma), a subnormal,
#: past exp's overflow (1e308, 2000 for ldexp's exponent), the infinities and NaN.
_FLOAT_PROBES = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 2.5, -2.5,
                 1e-320, 1e308, -1e308)
_INT_PROBES = (0, 1, -1, 2, -2, 3, 2000, -2000)
_MOST_MATH_PROBES = 4096
#: When each math function raises, in words (CPython's own message, "math domain error", otherwise).
_MATH_RAISE_REASONS = {
    ("sqrt", "ValueError"): "the argument is negative",
    ("log", "ValueError"): "the argument is zero or negative",
    ("log", "ZeroDivisionError"): "the base is 1",
    ("log2", "ValueError"): "the argument is zero or negative",
    ("log10", "ValueError"): "the argument is zero or negative",
    ("log1p", "ValueError"): "the argument is -1 or less",
    ("exp", "OverflowError"): "the argument is above 709.78, the result past the largest float",
    ("expm1", "OverflowError"): "the argument is above 709.78, the result past the largest float",
    ("cosh", "OverflowError"): "the argument is beyond ±710.47, the result past the largest float",
    ("sinh", "OverflowError"): "the argument is beyond ±710.47, the result past the largest float",
    ("sin", "ValueError"): "the argument is infinite",
    ("cos", "ValueError"): "the argument is infinite",
    ("tan", "ValueError"): "the argument is infinite",
    ("acosh", "ValueError"): "the argument is below 1",
    ("atanh", "ValueError"): "the argument is -1 or less, or 1 or more",
    ("exp2", "OverflowError"): "the argument is 1024 or more, the result past the largest float",
    ("asin", "ValueError"): "the argument is outside [-1, 1]",
    ("acos", "ValueError"): "the argument is outside [-1, 1]",
    ("gamma", "ValueError"): "the argument is zero, a negative integer or -inf",
    ("gamma", "OverflowError"): "the result is past the largest float",
    ("lgamma", "ValueError"): "the argument is zero or a negative integer",
    ("lgamma", "OverflowError"): "the result is past the largest float",
    ("pow", "ValueError"): "zero to a negative power, or a negative number to a fractional one",
    ("pow", "OverflowError"): "the result is past the largest float",
    ("fmod", "ValueError"): "the dividend is infinite or the divisor zero",
    ("remainder", "ValueError"): "the dividend is infinite or the divisor zero",
    ("ldexp", "OverflowError"): "the result is past the largest float",
}
_MATH_RAISES: dict = {}


def _math_probes(x, floors: dict) -> Optional[tuple]:
    """The values ``x`` may hold, as a key of what a math function makes of them: its own value
    when known, the numbers read from data otherwise (an integer within its bounds, a float past
    the bound an `if` put it beyond, and that bound's nearest value)."""
    if isinstance(x, Known) or isinstance(x, NumpyScalar) and x.value is not None:
        return (x.value,)
    kind = x.kind if isinstance(x, Unknown) else str(x.dtype) if isinstance(x, NumpyScalar) else None
    if kind == "bool":
        return (False, True)
    if kind is not None and kind.startswith(("int", "uint")):
        lo, hi = dataints.ends(x) if isinstance(x, Unknown) else (-dataints.BIG, dataints.BIG)
        ends = tuple(e for e in (lo, hi) if not dataints.unbounded(e))
        return tuple(v for v in (*_INT_PROBES, *ends) if lo <= v <= hi)
    if kind in ("", "float") or kind is not None and kind.startswith("float"):
        values = _FLOAT_PROBES  # a float, or a number of unknown type
        lo, hi = (x.lo, x.hi) if isinstance(x, Unknown) else (None, None)
        if x.__class__ is NumpyScalar and x.fbounds is not None:  # (signs.py: a norm is at least 0)
            lo, hi = x.fbounds[0], None if x.fbounds[1] == math.inf else x.fbounds[1]
        if lo is not None or hi is not None:  # `max(x, 1e-30)`: clamped, but a NaN stays NaN
            values = (*(v for v in values if v != v or (lo is None or v >= lo) and (hi is None or v <= hi)),
                      *(b for b in (lo, hi) if b is not None))
        floor = floors.get(id(x))
        if floor is not None and floor[0] is x:
            _, c, strict, nan = floor
            values = (*(v for v in values if (v > c if strict else v >= c) or nan and v != v),
                      math.nextafter(float(c), math.inf) if strict else c)
        return values
    return None


#: math functions that never decrease past 0 and keep a NaN a NaN: of a float past a bound of at
#: least 0, past the bound's image
_RISING_MATH = frozenset({"sqrt", "exp", "expm1", "log", "log2", "log10", "log1p", "atan", "tanh", "sinh", "erf",
                          "fabs", "degrees", "radians"})


def _floor_through(interp, name: str, args, made) -> None:
    """``math.sqrt(peak)`` under ``if peak > 1e30:`` is at least 1e15 (RunResult.floors): the
    operators asked whether a division by it may raise (operator_may_raise) see it is not zero."""
    floor = interp.result.floors.get(id(args[0])) if len(args) == 1 and name in _RISING_MATH else None
    if floor is None or floor[0] is not args[0]:
        return
    try:
        bound = _MATH[name](floor[1])
    except (ValueError, OverflowError):
        return
    if bound >= 0:
        interp.result.floors[id(made)] = (made, bound, False, floor[3])


def _math_may_raise(interp, name: str, args, span) -> None:
    """``math.sqrt(x)`` of a number read from data raises ValueError when it is negative,
    ``math.exp(x)`` OverflowError past 709.78, ...: which exceptions it may raise are asked of
    CPython's own function at the values the arguments may hold, and each is a site or a
    presumption by the handlers around (may_raise). Most handlers around a `math.sqrt(norm)`
    catch no ValueError (winograd_cov's catch FloatingPointError): flopcast knows no sign of a
    norm, and a site there would add a raising path no run takes."""
    raising = _raises_at_probes(interp, name, _MATH[name], args)
    for exc, message in raising.items():
        why = _MATH_RAISE_REASONS.get((name, exc), message)
        if name == "log" and len(args) == 2 and len(_math_probes(args[1], interp.result.floors)) > 1 and exc == "ValueError":
            why = "the argument or the base is zero or negative"
        may_raise(interp, span, f"math.{name}()", exc, why, message)


#: what math.fsum (and statistics.fmean, which sums with it) raises at float values, read from
#: the installed CPython: at [inf, -inf] and at [1e308, 1e308]
_FSUM_RAISES = (("ValueError", "an infinity and its negative are among the numbers", "-inf + inf in fsum"),
                ("OverflowError", "their sum passes the largest float", "intermediate overflow in fsum"))


def _fsum_may_raise(interp, op: str, items: list, span) -> None:
    """``math.fsum``/``statistics.fmean`` of two or more numbers, a float read from data among
    them, raises at an infinity or past the largest float (may_raise): inside a `try` whose
    handlers may catch it, whether it does is a site (a run with such numbers runs the handler);
    outside one the count presumes it does not, and the report names the presumption, as it does
    for `math.sqrt`."""
    if len(items) < 2 or not any(i.__class__ is Unknown and i.kind == "float" or isinstance(i, (Array, NumpyScalar))
                                 and dtypes.kind(i.dtype) in "fc" for i in items):
        return
    for exc, why, message in _FSUM_RAISES:
        may_raise(interp, span, op, exc, why, message)


@functools.lru_cache(maxsize=None)
def _spread_raises(name: str, length: int) -> tuple:
    """(the StatisticsError text statistics.``name`` raises for any ``length`` floats, or None;
    {exception: its first message} it raises for some values), asked of the installed CPython at
    that length: every list repeating one or two values of _SPREAD_PROBES (a NaN or an infinity
    among ordinary numbers; the widest spreads, ``[max, -max, max, ...]``, which overflow where
    one large number among zeros does not)."""
    import statistics

    function = getattr(statistics, name)
    try:
        function([0.0] * length)
    except statistics.StatisticsError as exc:
        return f"StatisticsError: {exc}", {}
    raising: dict = {}
    for k in (1, 2):
        for chosen in itertools.combinations_with_replacement(_SPREAD_PROBES, k):
            for values in {chosen, tuple(reversed(chosen))}:
                try:
                    function([values[i % k] for i in range(length)])
                except (ValueError, OverflowError, ZeroDivisionError, AttributeError) as exc:
                    raising.setdefault(type(exc).__name__, str(exc))
    return None, raising


def may_raise(interp, span, op: str, exc: str, why: str, message: str) -> None:
    """``op`` raises ``exc`` (a name of handlers.CATCHERS) for some values of numbers read from
    data. Where a handler around may catch it, whether it raises is a value-dependent site, the
    handler running on one path (a presumption there named a count of the run past it 'exact'
    when the handler's matmul ran); elsewhere a raise ends the run: the count presumes it away,
    and the report names it."""
    if not interp.handlers.catches(exc):
        interp.presume_no_raise(span, op, exc, why)
        return
    site = Site((f"raise-{exc}", span), (False, True), span, "exception",
                f"whether {op} raises {exc} depends on the values ({why}); the except clause runs if it does",
                presumed=False, presumption=f"{op} does not raise {exc}")
    if interp.decisions.choose(site, interp.kept_used()):
        raise UserRaise(span, f"{exc}: {message}")


def _raises_at_probes(interp, name: str, function, args) -> dict:
    """The exceptions CPython's ``function`` raises at the values ``args`` may hold (_math_probes),
    each with the message of its first raise."""
    probes = [_math_probes(a, interp.result.floors) for a in args]
    if any(p is None for p in probes) or math.prod(len(p) for p in probes) > _MOST_MATH_PROBES:
        return {}  # (many unknown arguments: hypot, gcd, lcm, which no number makes raise)
    key = (name, tuple(probes))
    try:
        raising = _MATH_RAISES.get(key)
    except TypeError:  # a known argument Python cannot hash: no math function takes one
        return {}
    if raising is None:
        raising = {}
        for values in itertools.product(*probes):
            try:
                function(*values)
            except (ValueError, OverflowError, ZeroDivisionError) as exc:
                raising.setdefault(type(exc).__name__, str(exc))
            except TypeError:
                pass  # of the argument's type, not its value
        _MATH_RAISES[key] = raising
    return raising


def _int_power(a, b):
    # an int to a large int power never raises (an int past 0 to a negative one is a float near 0),
    # and computing it would take as long as the run does
    if type(a) is int and type(b) is int and abs(b) > 4096 and abs(a) > 1:
        return None
    return a ** b


#: Python's operators on its numbers that raise for some values (a float division past the largest
#: float is inf, no raise), by the name of their ast operator.
_RAISING_OPERATORS = {"Div": ("/", operator.truediv), "FloorDiv": ("//", operator.floordiv),
                      "Mod": ("%", operator.mod), "Pow": ("**", _int_power)}
_OPERATOR_RAISE_REASONS = {("Pow", "ZeroDivisionError"): "zero to a negative power",
                           ("Pow", "OverflowError"): "the result is past the largest float"}


def operator_may_raise(interp, name: str, left, right, span) -> None:
    """``1.0 / c`` of a number read from data raises ZeroDivisionError when it is zero, ``x ** n``
    OverflowError past the largest float: asked of Python's operator at the values the operands
    may hold, as for the math functions, and a site or a presumption as they are (may_raise)."""
    symbol, function = _RAISING_OPERATORS[name]
    raising = _raises_at_probes(interp, name, function, [left, right])
    if "ZeroDivisionError" in raising and name != "Pow" and right.__class__ is Known and right.value == 0:
        raise UserRaise(span, f"ZeroDivisionError: {raising['ZeroDivisionError']}")  # by a known zero: always
    for exc, message in raising.items():
        may_raise(interp, span, f"`{symbol}`", exc, _OPERATOR_RAISE_REASONS.get((name, exc), "the divisor is zero"),
                  message)


def _integer_conversion_may_raise(interp, name: str, x, span) -> None:
    """``int(x)`` / ``round(x)`` of a float read from data raises ValueError on a NaN and
    OverflowError on an infinity: each a site or a presumption by the handlers around, as for
    Python's operators (may_raise)."""
    if isinstance(x, (Array, NumpyScalar)):
        if x.value is not None or not str(x.dtype).startswith("float"):
            return
    elif not (isinstance(x, Unknown) and x.kind == "float"):
        return
    for exc, why in _NOT_FINITE_TO_INT:
        may_raise(interp, span, f"{name}()", exc, why, why)


def _fills_a_keyless_dict(interp, recv: DictVal, args: list, node) -> bool:
    """``x.name.setdefault(key, default)`` on a dict of a keyless name (write_only.keyless_dicts:
    the call fills what it returns at once, nothing else reads it) by a key Python hashes without
    the program's code, where every item already there is of the default's kind (a ``.append``
    on the item found then does what it does on the default)."""
    func = getattr(node, "func", None)
    return (recv.__class__ is DictVal and len(args) == 2 and hashes_without_code(args[0])
            and isinstance(func, _ast.Attribute) and isinstance(func.value, _ast.Attribute)
            and func.value.attr in write_only.keyless_dicts(interp.program)
            and all(v.__class__ is args[1].__class__ for v in recv.items.values()))


def _counted_entry(interp, recv: DictVal, args: list, node) -> Optional[Unknown]:
    """``x.name.get(key, 0)`` of a counter statement (``x.name[k] = x.name.get(k, 0) + 1``,
    write_only.counted_item) on a keyless dict (write_only.keyless_dicts) by a key read at run
    time: the default or an entry stored before, a number of unknown value of the default's
    class when every entry is one (the sum then charges nothing and raises on neither; it reaches
    nothing but the dict, which nothing reads). None: not so."""
    func = getattr(node, "func", None)
    default = args[1] if len(args) == 2 else None
    if not (recv.__class__ is DictVal and default.__class__ is Known and type(default.value) in (int, float)
            and hashes_without_code(args[0]) and isinstance(func, _ast.Attribute)
            and isinstance(func.value, _ast.Attribute) and func.value.attr in write_only.keyless_dicts(interp.program)):
        return None
    kind = type(default.value).__name__
    if not all(v.__class__ is Known and type(v.value) is type(default.value)
               or v.__class__ is Unknown and v.kind == kind for v in recv.items.values()):
        return None
    return Unknown(kind, interp.node_span(node), "an entry of a counter kept under a key read at run time")


def _data_int_position(interp, key: Value, d: DictVal, span) -> Optional[int]:
    """The value an integer read from data takes on this path where it looks up a dict of known
    keys (``experts.get(int(idx[0]))``): every value of its range is a path, as for ``d[key]``
    (interpreter/lookups.py). None where its range is not known or too wide."""
    return None if may_hold_known_key(d) else dataints.picked_position(interp, key, span, dataints.DICT_LOOKUP)
