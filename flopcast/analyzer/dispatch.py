"""``functools.singledispatch`` and ``singledispatchmethod``: a function that runs the
implementation registered for the class of its first argument (of the first after ``self``).

flopcast passed ``@singledispatch`` through as a decorator that changes nothing, left
``@f.register`` unpriced and ran the generic body for every call: an estimator whose generic
body is the costly fallback (or raises ``TypeError("no plan")``) got a "lower bound" above the
run, or a raise the run never makes. Now the wrapper is a copy of the generic function (another
object, as Python's wrapper is) holding its registry in an attribute no program can name; a call
picks the implementation as CPython's ``_find_impl`` does for classes without ABCs: the
registered class that comes first in the argument's MRO (``object`` last). A choice that depends
on what flopcast does not know (a number read from data may be a numpy scalar; an abstract class
against another) is unpriced, never guessed.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Optional

from flopcast.analyzer.values import (
    BoundLib, Builtin, ClassVal, FunctionVal, Known, LibRef, ListVal, TupleVal, UserRaise, Value,
)

#: FunctionVal.attrs keys (not identifiers: no program can read or write them)
REGISTRY = " singledispatch registry"
METHOD = " singledispatchmethod"
REGISTER = "py:functools.singledispatch.register"
REGISTER_AS = "py:functools.singledispatch.register_as"
MAKERS = {"py:functools.singledispatch": False, "py:functools.singledispatchmethod": True}


def make(fn: Value, method: bool) -> Optional[FunctionVal]:
    """The dispatching wrapper around the generic ``fn`` (None: not a function of the user's)."""
    if not isinstance(fn, FunctionVal) or REGISTRY in fn.attrs:
        return None
    wrapper = replace(fn, form=None, attrs={}, cached=False, cache_spec=None)
    wrapper.attrs[REGISTRY] = ListVal([TupleVal((Builtin("object"), fn))])
    if method:
        wrapper.attrs[METHOD] = Known(True)
    return wrapper


def is_dispatcher(fn: FunctionVal) -> bool:
    return REGISTRY in fn.attrs


def through_class(fn: FunctionVal) -> FunctionVal:
    """``Class.method`` of a singledispatchmethod: ``__get__(None, cls)`` gives a function that
    dispatches on its first argument (the receiver passed by hand); the same registry."""
    if METHOD not in fn.attrs or fn.kind != "function":
        return fn
    plain = replace(fn, form=None, attrs={k: v for k, v in fn.attrs.items() if k != METHOD})
    return plain


def register(interp, path: str, recv: Value, args: list, kwargs: dict, span) -> Value:
    """``f.register(cls)`` (a decorator), ``f.register(cls, impl)``, ``f.register(impl)`` by the
    annotation of its first annotated parameter; the decorator ``register(cls)`` made, applied."""
    if path == REGISTER_AS:  # `@f.register(Full)` applied to the implementation
        wrapper, cls = recv.items
        if len(args) != 1 or kwargs:
            raise UserRaise(span, "TypeError: register() decorator takes one function")
        return _add(interp, wrapper, [cls], args[0], span)
    if kwargs or not 1 <= len(args) <= 2:
        raise UserRaise(span, "TypeError: register() takes a class and an optional function")
    first = args[0]
    if len(args) == 2:
        return _add(interp, recv, [first], args[1], span)
    if isinstance(first, FunctionVal) and not _is_type(first):
        return _add(interp, recv, _annotated(interp, first, span), first, span)
    return BoundLib(REGISTER_AS, TupleVal((recv, first)))


def _is_type(v: Value) -> bool:
    return isinstance(v, (ClassVal, Builtin, LibRef))


def _annotated(interp, impl: FunctionVal, span) -> list:
    """The classes of ``impl``'s first annotated parameter (``a: A | B`` registers both)."""
    a = impl.node.args
    ann = next((p.annotation for p in a.posonlyargs + a.args + a.kwonlyargs if p.annotation is not None), None)
    if ann is None:
        raise UserRaise(span, "TypeError: Invalid first argument to `register()`: use either "
                              "`@register(some_class)` or plain `@register` on an annotated function.")
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        ann = ast.parse(ann.value, mode="eval").body
    parts = []

    def split(node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            split(node.left)
            split(node.right)
        else:
            parts.append(node)

    split(ann)
    return [interp.eval(p) for p in parts]


def _add(interp, wrapper: Value, classes: list, impl: Value, span) -> Value:
    if not isinstance(wrapper, FunctionVal) or REGISTRY not in wrapper.attrs:
        return interp._unpriced_at(span, "singledispatch register", "register() on something flopcast does "
                                   "not know as a singledispatch function")
    table = wrapper.attrs[REGISTRY]
    for cls in classes:
        if not _is_type(cls):
            return interp._unpriced_at(span, "singledispatch register", "a registered class flopcast does not know")
        kept = [entry for entry in table.items if not _same(entry.items[0], cls)]
        table.items[:] = kept + [TupleVal((cls, impl))]
    interp.effects += 1
    return impl


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, Builtin) and isinstance(b, Builtin):
        return a.name == b.name
    if isinstance(a, LibRef) and isinstance(b, LibRef):
        return a.path == b.path
    return a is b


def _below(a: Value, b: Value) -> Optional[bool]:
    """Whether class ``a`` derives from ``b`` (both already matched the argument); None: unknown."""
    if isinstance(b, Builtin) and b.name == "object":
        return True
    if isinstance(a, Builtin) and a.name == "object":
        return False
    if isinstance(a, ClassVal):
        return b in a.mro() if isinstance(b, ClassVal) else True  # a user subclass of dict, list, ...
    if isinstance(b, ClassVal):
        return False
    if isinstance(a, Builtin) and isinstance(b, Builtin):
        from flopcast.analyzer.builtins import _BUILTIN_TYPES

        pa, pb = _BUILTIN_TYPES.get(a.name), _BUILTIN_TYPES.get(b.name)
        return None if pa is None or pb is None else issubclass(pa, pb)
    if isinstance(a, LibRef) and isinstance(b, LibRef):
        if a.path.endswith("FlopscopeArray") and b.path.endswith("ndarray"):
            return True
        if a.path.endswith("ndarray") and b.path.endswith("FlopscopeArray"):
            return False
    return None


def choose(interp, wrapper: FunctionVal, args: list, span) -> Value:
    """The implementation a call of ``wrapper`` with ``args`` runs (an unknown value, unpriced,
    when which one depends on what flopcast does not know)."""
    from flopcast.analyzer.builtins import _instance_of

    # a method dispatches on the argument after its receiver (none for a staticmethod)
    at = 1 if METHOD in wrapper.attrs and wrapper.kind != "staticmethod" else 0
    if len(args) <= at:
        name = wrapper.node.name if isinstance(wrapper.node, ast.FunctionDef) else "function"
        raise UserRaise(span, f"TypeError: {name} requires at least 1 positional argument")
    arg = args[at]
    matched = []
    for entry in wrapper.attrs[REGISTRY].items:
        cls, impl = entry.items
        answer = _instance_of(arg, cls)
        if answer is None:
            return interp._unpriced_at(span, "singledispatch", "the implementation depends on the class of a "
                                       "value flopcast does not know")
        if answer:
            matched.append((cls, impl))
    best = matched[0]  # object's implementation always matches
    for cls, impl in matched[1:]:
        lower = _below(cls, best[0])
        if lower is None or (not lower and _below(best[0], cls) is not True):
            return interp._unpriced_at(span, "singledispatch", "which registered class is the more specific "
                                       "is not known to flopcast")
        if lower:
            best = (cls, impl)
    return best[1]
