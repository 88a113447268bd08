"""``contextlib.ExitStack`` run on abstract values: ``enter_context`` enters a ``@contextmanager``
generator, a ``contextlib.closing`` or a user class with ``__enter__``/``__exit__`` at once and
keeps its exit, ``callback`` keeps a call, ``pop_all`` moves the exits kept so far to a new stack
(the old one then exits nothing); when the stack's `with` ends the exits run last-in first-out, as
Python runs them.
When the body raises, a generator's ``finally`` and a class's ``__exit__`` run, the exception
handed to it as to a plain `with`: one that returns true swallows it (the exits after it are
handed none) and the `with` goes on; one whose answer is not known leaves it unpriced.
Anything else entered or asked of the stack is unpriced, never skipped.
"""

from __future__ import annotations

from typing import Optional

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
        unwind(stack)
        raise
    except UserRaise as exc:
        if not unwind(stack, exc):
            raise
        interp.note(exc.span, f"raises {exc.what}; suppressed by an exit of the ExitStack (the `with` at line "
                              f"{span.line})")
        return
    unwind(stack)


def unwind(stack: ExitStackVal, raised: Optional[UserRaise] = None) -> bool:
    """Run the exits last-in first-out, each handed ``raised`` until one swallows it; whether one did."""
    swallowed = False
    while stack.exits:
        finish, abort = stack.exits.pop()
        if raised is None or swallowed:
            finish()
        else:
            swallowed = bool(abort(raised))
    return swallowed


def call(interp, stack: ExitStackVal, name: str, args: list, kwargs: dict, span) -> Value:
    """``stack.<name>(...)`` for a name in METHODS."""
    if name == "close" and not args and not kwargs:
        unwind(stack)
        return Known(None)
    if name == "pop_all" and not args and not kwargs:
        moved = ExitStackVal(stack.exits)
        stack.exits = []
        return moved
    if name == "callback" and args:
        fn, rest = args[0], list(args[1:])

        def run():
            interp.call(fn, rest, dict(kwargs), span)

        def run_raised(_) -> bool:
            run()  # a callback swallows nothing
            return False

        stack.exits.append((run, run_raised))
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
        return manager.thing, lambda: close(interp, manager, span), lambda _: close(interp, manager, span)
    if type_info.is_errstate(manager):
        return type_info.enter_errstate(manager, span), _nothing, lambda _: False
    methods = dunders.context_methods(manager)
    if methods is None:
        return None
    enter, exit_ = methods
    value = manager if enter is None else interp.call(BoundMethod(enter, manager), [], {}, span)

    def finish():
        interp.call(BoundMethod(exit_, manager), [Known(None)] * 3, {}, span)

    def abort(exc: UserRaise) -> bool:
        swallowed = interp.known_truth(interp.call(BoundMethod(exit_, manager), interp.exit_arguments(exc), {}, span))
        if swallowed is None:
            interp._unpriced_at(span, "__exit__", "whether it suppresses the exception is not followed")
        return bool(swallowed)

    return value, finish, abort


def close(interp, manager: ClosingVal, span) -> None:
    """The exit of ``contextlib.closing(thing)``: ``thing.close()``, looked up when it runs."""
    interp.call(interp.get_attr(manager.thing, "close", span), [], {}, span)


def _nothing() -> None:
    pass
