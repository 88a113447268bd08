"""``with`` statements: context managers, generator-made ones and ``contextlib``'s.
"""

from __future__ import annotations

import ast
import math
from typing import Optional

from flopcast.analyzer import dunders, exit_stack, handlers, memory_limit, warning_filters
from flopcast.analyzer.ops import type_info
from flopcast.analyzer.values import (Array, BoundMethod, Builtin, ClassVal, ClosingVal, DictVal, ExitStackVal, FunctionVal,
                                      InstanceVal, Known, LibRef, ListVal, PyGenerator, TupleVal, Unknown, UserRaise,
                                      Value)
from flopcast.model import Span
from flopcast.analyzer.interpreter.classes import _bases_are_plain, _class_name
from flopcast.analyzer.interpreter.common import _BUILTINS, _has_yield
from flopcast.analyzer.interpreter.control import PathEnd, _LEAVES, _Return
from flopcast.analyzer.interpreter.exception_names import (_EXHAUSTION, _FLOPSCOPE_ONLY, _catches_exhaustion,
                                                            _exception_matches, _exception_name)
from flopcast.analyzer.interpreter.frames import Frame


#: The qualname of the class of a budget made and kept (Contexts.held_budget).
_HELD_BUDGET = "flopscope.BudgetContext"


def is_held_budget(value: Value) -> bool:
    return value.__class__ is InstanceVal and value.cls.qualname == _HELD_BUDGET and value.cls.node is None


class Contexts:
    """The Interpreter's methods for ``with`` statements."""

    def stmt_With(self, node: ast.With) -> None:
        self.enter_contexts(node.items, node.body)

    stmt_AsyncWith = stmt_With

    def enter_contexts(self, items: list, body: list) -> None:
        """`with a, b: body` is `with a: with b: body`. Each manager is entered as Python does:
        a user class's ``__enter__``/``__exit__`` (whose truthy return swallows the exception),
        a ``@contextmanager`` generator (its code before and after the ``yield``),
        ``contextlib.suppress``/``nullcontext``; any other object (``fnp.errstate``, a timer from a
        library) only runs the body."""
        if not items:
            self.exec_block(body)
            return
        item, rest = items[0], items[1:]
        span = self.node_span(item.context_expr)
        if self._catch_warnings(item, rest, body, span):
            return
        self._refuse_nested_budget(item.context_expr, span)
        library = self._library_context(item.context_expr)
        if library is not None:
            kind, values = library
            if item.optional_vars is not None:
                self.assign(item.optional_vars, values[0] if kind == "nullcontext" and values else Known(None))
            # (a suppress of BudgetExhaustedError or a base of it: flopscope's refusal ends the
            # body, and the code after the with runs on what was spent)
            exhaustion = kind == "suppress" and any(_exception_matches(_EXHAUSTION, _class_name(v)) for v in values)
            self._catching_exhaustion += exhaustion
            try:
                suppress = kind == "suppress"
                try:
                    self.enter_catching([exc for exc, catchers in handlers.CATCHERS.items()
                                         if suppress and memory_limit.suppresses(values, catchers)], rest, body,
                                        swallows=suppress and bool(values))
                finally:
                    self._catching_exhaustion -= exhaustion
            except UserRaise as exc:
                if kind != "suppress" or not any(_exception_matches(exc, _class_name(v)) for v in values):
                    raise
                self.note(exc.span, f"raises {exc.what}; suppressed by the `with` at line {span.line}")
            return
        manager = self.eval(item.context_expr)
        if is_held_budget(manager):
            return self.enter_held_budget(manager, item, rest, body, span)
        # (its exit runs the program's code as an exception leaves: ExhaustedCalls.cross)
        unwinds = isinstance(manager, (ExitStackVal, PyGenerator, ClosingVal, InstanceVal))
        self._unwinding += unwinds
        try:
            self._enter_manager(manager, item, rest, body, span)
        finally:
            self._unwinding -= unwinds

    def _enter_manager(self, manager: Value, item: ast.withitem, rest: list, body: list, span: Span) -> None:
        """``enter_contexts`` for a manager that is not a library's (``manager``: ``item``'s)."""
        if isinstance(manager, ExitStackVal):
            # (what it enters may swallow any exception, flopscope's refusal too)
            outer, self.handlers = self.handlers, self.handlers.inside(True, handlers.EVERY)
            self._catching_exhaustion += 1
            try:
                return exit_stack.run_with(self, manager, item, rest, body, span, _LEAVES)
            finally:
                self.handlers = outer
                self._catching_exhaustion -= 1
        if isinstance(manager, PyGenerator) and _is_contextmanager(manager.function):
            return self._with_generator(manager, item, rest, body, span)
        if isinstance(manager, ClosingVal):
            if item.optional_vars is not None:
                self.assign(item.optional_vars, manager.thing)
            try:
                self.enter_contexts(rest, body)
            except (UserRaise, *_LEAVES):
                exit_stack.close(self, manager, span)
                raise
            exit_stack.close(self, manager, span)
            return
        refused = _not_a_context_manager(manager)
        if refused:  # `with fnp.load("head.npz") as data:` (flopscope's load returns a dict)
            missed = " (missed __exit__ method)" if isinstance(manager, InstanceVal) and isinstance(
                manager.cls.lookup("__enter__")[1], FunctionVal) else ""
            raise UserRaise(span, f"TypeError: '{refused}' object does not support the context manager protocol{missed}")
        methods = dunders.context_methods(manager)
        if methods is None:
            entered = type_info.enter_errstate(manager, span) if type_info.is_errstate(manager) else manager
            if item.optional_vars is not None:
                self.assign(item.optional_vars, entered)
            self.enter_contexts(rest, body)
            return
        enter, exit_ = methods
        entered = manager if enter is None else self.call(BoundMethod(enter, manager), [], {}, span)
        if item.optional_vars is not None:
            self.assign(item.optional_vars, entered)
        swallows = memory_limit.exit_may_swallow(exit_)
        # (what it may swallow is not known: taken as any exception, flopscope's refusal of a charge
        # past the budget too, which the __exit__ is handed as the run hands it)
        self._catching_exhaustion += swallows
        try:
            try:
                self.enter_catching(handlers.EVERY if swallows else (), rest, body, swallows=swallows)
            finally:
                self._catching_exhaustion -= swallows
        except _LEAVES:
            self.call(BoundMethod(exit_, manager), [Known(None), Known(None), Known(None)], {}, span)
            raise
        except UserRaise as exc:
            swallowed = self.known_truth(self.call(BoundMethod(exit_, manager), self.exit_arguments(exc), {}, span))
            if swallowed is None:
                self._unpriced_at(span, "__exit__", "whether it suppresses the exception depends on values; "
                                                     "the analysis follows the exception")
            if not swallowed:
                raise
            self.note(exc.span, f"raises {exc.what}; suppressed by {manager.cls.name}.__exit__ "
                                f"(the `with` at line {span.line})")
            return
        self.call(BoundMethod(exit_, manager), [Known(None), Known(None), Known(None)], {}, span)

    def exit_arguments(self, exc: UserRaise) -> list:
        """What ``__exit__`` is handed for ``exc``: its class, the exception, the traceback. A
        user class's instance (`raise Soft("x")`) is known, and so is its class: an ``__exit__``
        testing it answers for that exception, not alike for every one it sees. So is the class of
        a builtin exception, numpy's LinAlgError and flopscope's own (BudgetExhaustedError)."""
        name = _exception_name(exc.what)
        kind = exc.value.cls if isinstance(exc.value, InstanceVal) else Builtin(name) if name in _BUILTINS \
            else LibRef("numpy.linalg.LinAlgError") if name == "LinAlgError" \
            else LibRef(f"flopscope.errors.{name}") if name in _FLOPSCOPE_ONLY \
            else Unknown("", exc.span, "exception class")
        raised = exc.value
        if raised is None:
            raised = Unknown("", exc.span, "exception object")
            if not isinstance(kind, Unknown):  # (its class known: isinstance() of it answers)
                object.__setattr__(raised, "exception_class", kind)
        return [kind, raised, Known(None)]

    def enter_catching(self, catching, items: list, body: list, swallows: bool = False) -> None:
        """enter_contexts(items, body) inside a `with` whose manager may swallow the exceptions of
        handlers.CATCHERS named in ``catching``: for the body, as inside a try that may catch them.
        ``swallows``: the manager may swallow some exception (a ``suppress(E)``, a user
        ``__exit__`` that may return true, a ``@contextmanager`` with except clauses): for the
        body, as inside a try with handlers, so that an op whether it raises depends on the values
        (a Cholesky) is a value-dependent site there, not presumed away."""
        if not catching and not swallows:
            self.enter_contexts(items, body)
            return
        outer = self.handlers
        self.handlers = outer.inside(swallows, catching)
        try:
            self.enter_contexts(items, body)
        finally:
            self.handlers = outer

    def _catch_warnings(self, item: ast.withitem, rest: list, body: list, span: Span) -> bool:
        """`with warnings.catch_warnings(action="error"):`: the body under the filters it installs,
        the program's filters put back as they were on leaving (warning_filters.py). False for any
        other manager (not evaluated here)."""
        expr = item.context_expr
        if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)):
            return False
        func = self.eval(expr.func)
        if not isinstance(func, LibRef) or func.path != "py:warnings.catch_warnings":
            return False
        kwargs = {kw.arg: self.eval(kw.value) for kw in expr.keywords if kw.arg is not None}
        if expr.args or len(kwargs) < len(expr.keywords) or set(kwargs) - {"record", "module", "action", "category",
                                                                            "lineno", "append"}:
            raise PathEnd("warnings.catch_warnings() with arguments flopcast does not follow; the cost after it is "
                          "not counted", span, what="warnings.catch_warnings")
        saved = self.warning_filters
        action = kwargs.get("action", Known(None))
        if not (isinstance(action, Known) and action.value is None):
            warning_filters.install(self, action, kwargs.get("category", Builtin("Warning")), Known(""), Known(""),
                                    kwargs.get("lineno", Known(0)), kwargs.get("append", Known(False)), span)
        if item.optional_vars is not None:
            record = kwargs.get("record", Known(False))
            self.assign(item.optional_vars, Unknown("list", span, "the warnings caught")
                        if not (isinstance(record, Known) and not record.value) else Known(None))
        try:
            self.enter_contexts(rest, body)
        finally:
            self.warning_filters = saved
        return True

    def _refuse_nested_budget(self, expr: ast.expr, span: Span) -> None:
        """`with flops.budget(n):` (or ``flops.BudgetContext(n)``) inside ``predict``: whestbench
        runs predict inside its own BudgetContext and flopscope refuses a second one on entry, so
        the body never runs. Outside predict (setup, module level) nothing refuses it: left to
        the rest of enter_contexts."""
        if not self.metered or not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)):
            return
        func = self.eval(expr.func)
        if not isinstance(func, LibRef) or func.path not in ("flopscope.budget", "flopscope.BudgetContext"):
            return
        args = [self.eval(a) for a in expr.args]
        kwargs = {kw.arg: self.eval(kw.value) for kw in expr.keywords if kw.arg is not None}
        self.held_budget(func.path, args, kwargs, span)
        self.refuse_budget_entry(span)

    def held_budget(self, path: str, args, kwargs, span: Span) -> Value:
        """``flops.budget(n)`` (or ``flops.BudgetContext(...)``) made and kept (``cap = ...``, a
        decorator): flopscope checks the amount when it is made (ValueError), and the context
        refuses only when it is entered (refuse_budget_entry)."""
        amount = args[0] if args else kwargs.get("flop_budget")
        if isinstance(amount, Known) and type(amount.value) is float and not math.isfinite(amount.value):
            raise UserRaise(span, f"ValueError: flop_budget must be finite, got {amount.value}")
        if isinstance(amount, Known) and type(amount.value) in (int, float) and amount.value <= 0:
            raise UserRaise(span, f"ValueError: flop_budget must be > 0, got {amount.value}")
        if not (isinstance(amount, Known) and type(amount.value) in (int, float)):
            self._unpriced_at(span, path.replace("flopscope.", "flops."), "a budget amount not known "
                              "statically: flopscope refuses one <= 0 (ValueError) before refusing the nesting")
        return InstanceVal(ClassVal("BudgetContext", _HELD_BUDGET, [], {}), {"flop_budget": amount or Known(None)})

    def refuse_budget_entry(self, span: Span) -> None:
        """A budget entered inside ``predict`` (by ``with`` or by a function it decorates)."""
        self.note(span, "whestbench already runs predict inside a BudgetContext: flopscope refuses a second one "
                        "(RuntimeError: Cannot nest BudgetContexts), and the grader refuses any budget a submission "
                        "opens (UnauthorizedControlError, which `except RuntimeError` does not catch)")
        raise UserRaise(span, "RuntimeError: Cannot nest BudgetContexts")

    def enter_held_budget(self, manager: InstanceVal, item: ast.withitem, rest: list, body: list, span: Span) -> None:
        """``with cap:`` of a budget made earlier: refused inside predict; elsewhere (setup, module
        level) the body runs, ``as`` naming the context itself."""
        if self.metered:
            self.refuse_budget_entry(span)
        if item.optional_vars is not None:
            self.assign(item.optional_vars, manager)
        self.enter_contexts(rest, body)

    def _library_context(self, expr: ast.expr) -> Optional[tuple[str, list]]:
        """``contextlib.suppress(E, ...)`` or ``contextlib.nullcontext(x)``: the kind and the
        arguments, evaluated; None for any other manager (not evaluated here)."""
        if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)) or expr.keywords:
            return None
        func = self.eval(expr.func)
        if not isinstance(func, LibRef) or func.path not in ("py:contextlib.suppress", "py:contextlib.nullcontext"):
            return None
        return func.path.rsplit(".", 1)[1], [self.eval(a) for a in expr.args]

    def _with_generator(self, gen: PyGenerator, item: ast.withitem, rest: list, body: list, span: Span) -> None:
        """`with cm():` where ``cm`` is a ``@contextmanager`` generator whose ``yield`` is a
        statement of its body, or of a ``try``/``finally`` there, or the last statement of a
        ``try`` with except clauses (``enter_generator``). Any other shape: the whole generator
        runs at the `with` (see ``_with_whole_generator``)."""
        entered = self.enter_generator(gen, span, catching=True)
        if entered is None:
            return self._with_whole_generator(gen, item, rest, body, span)
        yielded, finish, abort = entered
        if item.optional_vars is not None:
            self.assign(item.optional_vars, yielded)
        catching = memory_limit.has_handlers(gen.function)  # (of which classes: not read)
        try:
            self.enter_catching(handlers.EVERY if catching else (), rest, body, swallows=catching)
        except _LEAVES:
            finish()
            raise
        except UserRaise as exc:
            if not abort(exc):
                raise
            self.note(exc.span, f"raises {exc.what}; caught in {gen.function.qualname} at its `yield` "
                                f"(the `with` at line {span.line})")
            return
        finish()

    def enter_generator(self, gen: PyGenerator, span: Span, catching: bool = False):
        """Enter a ``@contextmanager`` generator whose ``yield`` is a statement of its body, or of
        a ``try``/``finally`` there, or (``catching``) the last statement of a ``try`` with except
        clauses none of which catches flopscope's BudgetExhaustedError: the code before the
        ``yield`` runs now, in the generator's own frame, as at run time. (the yielded value, what
        runs when the body ends: the code after the yield, what runs when it raises ``exc``: the
        except clause that catches it, the ``finally``, and the code after the ``try`` when it was
        caught, returning whether it was); None for any other shape."""
        fn = gen.function
        if not _is_contextmanager(fn):
            return None
        split = _split_at_yield(fn.node.body, catching)
        if split is None:
            return None
        before, value_expr, after_in_try, clauses, finally_body, after_try = split
        frame = Frame(self.bind_arguments(fn, gen.args, gen.kwargs, span), fn.module, fn.qualname, fn, fn.owner,
                      gen.args[0] if gen.args and fn.owner is not None else None)
        if self.metered:
            caller = self.call_stack[-1] if self.call_stack else "<whestbench>"
            self.result.calls[(caller, fn.qualname)] = self.result.calls.get((caller, fn.qualname), 0) + 1
        self.result.entered.add(fn.node)
        self.entered_log.append(fn.node)
        try:
            yielded = self._in_frame(frame, span, lambda: (self.exec_block(before),
                                                          self.eval(value_expr) if value_expr else Known(None))[1])
        except _Return:
            raise UserRaise(span, "RuntimeError: generator didn't yield")

        def finish() -> None:
            try:
                self._in_frame(frame, span, lambda: (self.exec_block(after_in_try), self.exec_block(finally_body),
                                                     self.exec_block(after_try)))
            except _Return:
                pass  # a `return` after the yield ends the generator, as StopIteration does

        def thrown(exc: Optional[UserRaise]) -> bool:
            # Python throws the exception into the generator at its `yield`
            try:
                handler = self.matching_handler(clauses, exc) if clauses and exc is not None else None
                if handler is None:
                    return False
                self.run_handler(handler, exc)
            finally:
                self.exec_block(finally_body)
            self.exec_block(after_try)  # caught: the generator goes on to its end, and the `with` swallows it
            return True

        def abort(exc: Optional[UserRaise] = None) -> bool:
            try:
                return self._in_frame(frame, span, lambda: thrown(exc))
            except _Return:
                return True  # the generator returned after catching it: swallowed

        return yielded, finish, abort

    def _in_frame(self, frame: Frame, span: Span, run):
        """Run ``run()`` with ``frame`` as the current frame, as a call of its function would."""
        saved = self.frame
        self._outer_frames.append(saved)
        self._call_spans.append(span)
        self.call_stack.append(frame.qualname)
        self.frame = frame
        try:
            return run()
        finally:
            self.frame = saved
            self.call_stack.pop()
            self._outer_frames.pop()
            self._call_spans.pop()

    def _with_whole_generator(self, gen: PyGenerator, item: ast.withitem, rest: list, body: list,
                              span: Span) -> None:
        """A ``@contextmanager`` whose ``yield`` sits deeper (in a loop, an ``if``, a ``try`` with
        handlers): its whole body runs at the `with` and the ``yield``'s value is bound by ``as``.
        The code after the ``yield`` then runs before the body, not after it: that is a guess
        when it charges anything, and said so."""
        items = self.consume_generator(gen)
        if len(items) != 1:
            raise UserRaise(span, "RuntimeError: generator didn't yield" if not items
                            else "RuntimeError: generator didn't stop")
        if gen.marks and gen.end is not None and gen.end[0] > gen.marks[0][0]:
            self._unpriced_at(span, "@contextmanager", "the code after its `yield` is priced as if it ran "
                                                       "before the body of the `with`")
        if item.optional_vars is not None:
            self.assign(item.optional_vars, items[0])
        try:
            catching = memory_limit.has_handlers(gen.function)  # (of which classes: not read)
            self.enter_catching(handlers.EVERY if catching else (), rest, body, swallows=catching)
        except UserRaise:
            # The exception stops the generator at its `yield`: what followed it is taken back
            # when predict ends, as for a generator consumed part of the way (retract_unconsumed).
            gen.items.append(Known(None))
            self._unpriced_at(span, "@contextmanager", "an exception thrown into the generator at its "
                                                       "`yield` is not followed")
            raise


def _not_a_context_manager(value: Value) -> str:
    """The class name of a value Python refuses in a `with` (no __enter__/__exit__): a builtin
    container, number or text, an array, an instance of the user's own classes that lack either;
    else '' (library objects flopcast stands in for, which may be managers)."""
    kinds = {DictVal: "dict", ListVal: "list", TupleVal: "tuple"}
    if value.__class__ in kinds:
        return kinds[value.__class__]
    if isinstance(value, Array):
        return "ndarray" if value.plain else "FlopscopeArray"
    if isinstance(value, Known) and type(value.value) in (int, float, bool, str):
        return type(value.value).__name__  # (None stands for library managers too: fnp.errstate)
    if isinstance(value, InstanceVal) and value.payload is None and all(c.node is not None for c in value.cls.mro()) \
            and _bases_are_plain(value.cls) \
            and not all(isinstance(value.cls.lookup(m)[1], FunctionVal) for m in ("__enter__", "__exit__")) \
            and not any("__getattr__" in c.attrs for c in value.cls.mro()):
        return value.cls.name
    return ""


def _is_contextmanager(fn: FunctionVal) -> bool:
    """Whether a generator function is decorated ``@contextmanager`` (``@contextlib.contextmanager``)."""
    return any((d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else None)
               == "contextmanager" for d in getattr(fn.node, "decorator_list", ()))


def _split_at_yield(body: list, catching: bool = False) -> Optional[tuple[list, Optional[ast.expr], list, list, list,
                                                                          list]]:
    """A ``@contextmanager`` body around its one ``yield``: (code before it, the yielded
    expression, code after it in its ``try`` (its ``else``), that ``try``'s except clauses and
    its ``finally``, code after the ``try``). The ``yield`` must be a statement of the body or of
    a handler-less ``try``/``finally`` in it, or with ``catching`` the last statement of a
    ``try`` whose except clauses catch no BudgetExhaustedError (flopcast follows that one only
    where the `try` statement itself runs); None for any other shape."""
    for i, stmt in enumerate(body):
        if _is_yield_statement(stmt) and not _has_yield(body[i + 1:]):
            return body[:i], stmt.value.value, [], [], [], body[i + 1:]
        if isinstance(stmt, ast.Try) and not _has_yield(body[i + 1:]) and (
                not stmt.handlers and not stmt.orelse
                or catching and stmt.handlers and _is_yield_statement(stmt.body[-1])
                and not _catches_exhaustion(stmt.handlers)):
            inner = stmt.body
            k = next((j for j, s in enumerate(inner) if _is_yield_statement(s)), None)
            if k is not None and not _has_yield(inner[:k] + inner[k + 1:] + stmt.finalbody + stmt.orelse
                                                + [s for h in stmt.handlers for s in h.body]):
                return (body[:i] + inner[:k], inner[k].value.value, inner[k + 1:] + stmt.orelse, stmt.handlers,
                        stmt.finalbody, body[i + 1:])
        if _has_yield([stmt]):
            return None
    return None


def _is_yield_statement(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)
