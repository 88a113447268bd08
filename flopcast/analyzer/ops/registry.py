"""The one registry of op semantics, and ``dispatch``, the entry the interpreter calls.

Each family module registers its handlers here by op name (``@handler``), by flopscope
registry category (``@by_category``: every counted ufunc, every counted reduction) or by
name prefix (``@by_prefix``: ``stats.*``), so adding an op touches one family module.
An op no family claims is reported unpriced with the reason ``dispatch`` gives.
"""

from __future__ import annotations

import functools
from typing import Callable

from flopcast import installed
from flopcast.analyzer import buffer_views
from flopcast.analyzer.values import Known, Value


class OpError(Exception):
    """The call cannot be modelled; the interpreter reports it as unpriced with this reason.
    ``machine``: the unknown operand that stopped it was read from the machine (model.Machine),
    which the unpriced result carries on (check rule FC303)."""

    def __init__(self, *args, machine=None) -> None:
        super().__init__(*args)
        self.machine = machine


class FloatErrorsRaise(OpError):
    """numpy's float error handling is set to raise (or call a function): from here any float op
    may raise FloatingPointError, which depends on the values. The path ends at this call (the
    cost after it is not counted): going on would count work the run skips once an op raises
    into a handler or out of predict."""


class OpRaises(Exception):
    """On these known operands flopscope (or numpy under it) raises: the program's own error.

    Raised by a handler only after checking the condition explicitly, with the exception's
    class name as flopscope raises it and its message (``OpRaises("ValueError", "...")``);
    the interpreter raises it along the path as the program would. Any other exception
    escaping a handler is a flopcast bug, never reinterpreted as the program's.
    """

    def __init__(self, exc_type: str, message: str):
        super().__init__(f"{exc_type}: {message}")
        self.exc_type = exc_type
        self.message = message


HANDLERS: dict[str, Callable] = {}


#: names whose handler reads and models ``out=`` itself
OUT_HANDLED: set[str] = set()


def handler(*names: str, models_out: bool = False):
    """Register ``fn(ctx, args, kwargs[, op])`` for these op names; a handler that takes
    ``op`` serves several names and is told, once here, which one it was called as.
    ``models_out``: the handler prices ``out=`` (any other handler's call with one is unpriced)."""
    def register(fn):
        takes_op = "op" in fn.__code__.co_varnames[: fn.__code__.co_argcount]
        for n in names:
            HANDLERS[n] = functools.partial(fn, op=n) if takes_op else fn
            if models_out:
                OUT_HANDLED.add(n)
        return fn

    return register


def categories() -> dict[str, str]:
    return installed.op_inventory().categories


#: name prefix -> ``fn(ctx, rest_of_name, args, kwargs)``, for families priced from a table.
PREFIXES: dict[str, Callable] = {}
#: flopscope registry category -> ``fn(ctx, name, args, kwargs)``, for ops no handler names.
CATEGORIES: dict[str, Callable] = {}


def by_prefix(prefix: str):
    """Register ``fn(ctx, rest_of_name, args, kwargs)`` for every op name starting with ``prefix``."""
    def register(fn):
        PREFIXES[prefix] = fn
        return fn

    return register


def by_category(*names: str):
    """Register ``fn(ctx, name, args, kwargs)`` for the ops of these flopscope registry categories."""
    def register(fn):
        for n in names:
            CATEGORIES[n] = fn
        return fn

    return register


def handles(name: str) -> bool:
    """Whether some family models ``fnp.<name>`` (by name, prefix or registry category)."""
    return name in HANDLERS or any(name.startswith(p) for p in PREFIXES) \
        or categories().get(name) in CATEGORIES


#: Registry categories whose family handler models ``out=`` itself (the buffer's dtype joins the
#: billed dtype; a reduction's handler refuses it in its own words).
_OUT_MODELLED = {"counted_unary", "counted_binary", "counted_reduction"}


def _refuse_out(name: str, kwargs: dict[str, Value]) -> None:
    """An ``out=`` buffer can change the billed dtype (matmul, clip and a Generator draw bill a
    float64 buffer at float64) or whether the call runs at all (dot has no out=): a handler
    that does not read it would price the call as if it were absent."""
    out = kwargs.get("out")
    if out is not None and not (isinstance(out, Known) and out.value is None):
        raise OpError(f"{name}(..., out=) is not modelled")


def dispatch(ctx, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    """Price and model ``fnp.<name>(*args, **kwargs)``."""
    fn = HANDLERS.get(name)
    if fn is not None:
        if name not in OUT_HANDLED:
            _refuse_out(name, kwargs)
        made = fn(ctx, args, kwargs)
        if name in buffer_views.VIEW_OPS and args:
            buffer_views.link(ctx, args[0], made)
        elif name in buffer_views.MAYBE_VIEW_OPS and args:
            buffer_views.link_maybe(ctx, args[0], made)
        return made
    for prefix, by_name in PREFIXES.items():
        if name.startswith(prefix):
            _refuse_out(name, kwargs)
            return by_name(ctx, name[len(prefix):], args, kwargs)
    category = categories().get(name)
    by_name = CATEGORIES.get(category)
    if by_name is not None:
        if category not in _OUT_MODELLED:
            _refuse_out(name, kwargs)
        return by_name(ctx, name, args, kwargs)
    if category == "free":
        raise OpError(f"fnp.{name} is free in flopscope but its result is not modelled yet")
    if category == "blacklisted" and name in installed.op_inventory().exported_blacklisted:
        raise OpError(f"fnp.{name} is numpy's own, exported by flopscope unbilled; flopcast does not model it yet")
    if category == "blacklisted":
        raise OpError(f"fnp.{name} is blacklisted by flopscope and raises AttributeError")
    if category is None:
        raise OpError(f"fnp.{name} does not exist in flopscope {installed.flopscope_version()}")
    raise OpError(f"fnp.{name} is not modelled by flopcast yet")
