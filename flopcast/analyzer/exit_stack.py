"""``contextlib.ExitStack`` run on abstract values: ``enter_context`` enters a ``@contextmanager``
generator, a ``contextlib.closing`` or a user class with ``__enter__``/``__exit__`` at once and
keeps its exit, ``callback`` keeps a call, ``pop_all`` moves the exits kept so far to a new stack
(the old one then exits nothing); when the stack's `with` ends the exits run last-in first-out, as
Python runs them.
When the body raises, a generator's ``finally`` and a class's ``__exit__`` run and the exception
goes on (one that an ``__exit__`` might swallow is left unpriced, as the plain `with` does).
Anything else entered or asked of the stack is unpriced, never skipped.
"""

from __future__ import annotations

from flopcast.analyzer import dunders
from flopcast.analyzer.ops import type_info
from flopcast.analyzer.values import (BoundMethod, ClosingVal, ExitStackVal, Known, PyGenerator, Unknown, UserRaise,
                                      Value)

#: the methods of an ExitStack that are modelled
METHODS = ("enter_context", "callback", "close", "pop_all")


def run_with(interp, stack: ExitStackVal, item, rest: list, body: list, span, leaves: tuple) -> None:
    """`with ExitStack() as stack: body`; ``leaves``: the interpreter's `return`, `break` and
    `continue`, which end the body as its last statement does."""
    if item.optional_vars is not None:
        interp.assign(item.optional_vars, stack)
    try:
        interp.enter_contexts(rest, body)
    except leaves:
        unwind(stack, raised=False)
        raise
    except UserRaise:
        unwind(stack, raised=True)
        raise
    unwind(stack, raised=False)


def unwind(stack: ExitStackVal, raised: bool) -> None:
    while stack.exits:
        finish, abort = stack.exits.pop()
        (abort if raised else finish)()


def call(interp, stack: ExitStackVal, name: str, args: list, kwargs: dict, span) -> Value:
    """``stack.<name>(...)`` for a name in METHODS."""
    if name == "close" and not args and not kwargs:
        unwind(stack, raised=False)
        return Known(None)
    if name == "pop_all" and not args and not kwargs:
        moved = ExitStackVal(stack.exits)
        stack.exits = []
        return moved
    if name == "callback" and args:
        fn, rest = args[0], list(args[1:])

        def run():
            interp.call(fn, rest, dict(kwargs), span)

        stack.exits.append((run, run))
        return fn
    if name == "enter_context" and len(args) == 1 and not kwargs:
        entered = _enter(interp, args[0], span)
        if entered is not None:
            value, finish, abort = entered
            stack.exits.append((finish, abort))
            return value
    return interp._unpriced_at(span, f"ExitStack.{name}", "this manager or these arguments are not modelled")


def _enter(interp, manager: Value, span):
    """(the entered value, its exit when the body ended, its exit when it raised), or None."""
    if isinstance(manager, PyGenerator) and manager.function is not None:
        return interp.enter_generator(manager, span)  # None unless a @contextmanager whose yield is plain
    if isinstance(manager, ClosingVal):
        return manager.thing, *[lambda: close(interp, manager, span)] * 2
    if type_info.is_errstate(manager):
        return type_info.enter_errstate(manager, span), _nothing, _nothing
    methods = dunders.context_methods(manager)
    if methods is None:
        return None
    enter, exit_ = methods
    value = manager if enter is None else interp.call(BoundMethod(enter, manager), [], {}, span)

    def finish():
        interp.call(BoundMethod(exit_, manager), [Known(None)] * 3, {}, span)

    def abort():
        swallowed = interp.call(BoundMethod(exit_, manager), [Unknown("", span, "exception class")] * 3, {}, span)
        if interp.known_truth(swallowed) is not False:
            interp._unpriced_at(span, "__exit__", "whether it suppresses the exception is not followed")

    return value, finish, abort


def close(interp, manager: ClosingVal, span) -> None:
    """The exit of ``contextlib.closing(thing)``: ``thing.close()``, looked up when it runs."""
    interp.call(interp.get_attr(manager.thing, "close", span), [], {}, span)


def _nothing() -> None:
    pass
