"""``try`` statements: which handler catches a raise, flopscope's own exceptions.
"""

from __future__ import annotations

import ast
import builtins
from typing import Optional

from flopcast.analyzer import handlers, memory_limit, undefined
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import (Builtin, ClassVal, InstanceVal, Known, LibRef, ModuleVal, TupleVal, Unknown,
                                      UserRaise)
from flopcast.analyzer.interpreter.classes import _class_name
from flopcast.analyzer.interpreter.common import (_BUILTINS, _MISSING, _clause_fails, _lacks_exception, _library_module,
                                                  _source)
from flopcast.analyzer.interpreter.control import PathEnd
from flopcast.analyzer.interpreter.frames import Frame
from flopcast.analyzer.interpreter.exception_names import _EXCEPTION_BASES, _catches_exhaustion, _exception_matches
from flopcast.syntax import own_nodes


class Exceptions:
    """The Interpreter's methods for ``try`` statements."""

    def stmt_Assert(self, node: ast.Assert) -> None:
        # The test runs (and charges) at run time; python -O is not how estimators are run.
        value = self.size_truth(self.eval(node.test), node.test)
        self.check_array_truth(value, node.test)
        truth = self.known_truth(value)
        fails = truth is False
        if truth is None:
            span = self.node_span(node)
            if not self.handlers.catches("AssertionError"):
                # Past every handler that may catch it the count is the run on past it, as for an
                # fnp.linalg op that may raise outside a try (raise_on_values): a run where it
                # fails stops there, so the report names it
                self.presume_no_raise(span, "assert", "AssertionError", f"`{_source(node.test)}` is false")
                self.floor_compared(node.test, True)  # `assert peak > 0`: math.log(peak) presumes no more
                return
            # A handler that may catch it may run: whether it fails is a value-dependent site
            # (the nominal path takes it to hold), as a LinAlgError of fnp.linalg is
            site = Site(("raise", span), (False, True), span, "exception",
                        f"whether `assert {_source(node.test)}` fails depends on the values; the except "
                        f"clause runs if it does", presumed=False, presumption="the assertion holds",
                        **self.retry_steering("AssertionError").site_fields())
            fails = self.decisions.choose(site, self.kept_used())
        if fails:
            if node.msg is not None:
                self.eval(node.msg)
            raise UserRaise(self.node_span(node), "AssertionError")

    def stmt_Raise(self, node: ast.Raise) -> None:
        if node.exc is None:
            if self._handling:  # a bare `raise` in an except clause (or a function it calls)
                raise self._handling[-1]
            raise UserRaise(self.node_span(node), "RuntimeError: No active exception to reraise")
        what = _source(node.exc)
        family: tuple = ()
        instance = None
        if node.exc is not None:
            raised = self.eval(node.exc.func if isinstance(node.exc, ast.Call) else node.exc)
            if isinstance(raised, Known) and isinstance(raised.value, BaseException):
                # `e = ValueError("x"); raise e`: an instance of a builtin exception, computed
                instance, raised = raised, Builtin(type(raised.value).__name__)
                what = repr(instance.value)
            elif isinstance(raised, Known):
                raise UserRaise(self.node_span(node), "TypeError: exceptions must derive from BaseException")
            if isinstance(raised, ClassVal):
                # `raise TooBig(k, cap)`: the instance, its __init__ run; `raise TooBig`: Python
                # calls the class with no arguments
                made = self.eval(node.exc) if isinstance(node.exc, ast.Call) else \
                    self.call(raised, [], {}, self.node_span(node))
                instance = made if isinstance(made, InstanceVal) else None
            elif isinstance(node.exc, ast.Call):
                # `raise ValueError(f"{fnp.sum(h)}")`: Python evaluates the arguments (and
                # flopscope charges them) before the exception is made
                for arg in node.exc.args:
                    self.eval(arg.value if isinstance(arg, ast.Starred) else arg)
                for kw in node.exc.keywords:
                    self.eval(kw.value)
            if isinstance(raised, InstanceVal):
                instance, raised = raised, raised.cls
            if isinstance(raised, ClassVal):
                family = _user_exception_family(raised)
            elif isinstance(raised, (Builtin, LibRef)):
                # `raise exc("x")` with `exc` bound to ValueError: the except clauses match the
                # class it names, not the variable's name
                callee = _source(node.exc.func) if isinstance(node.exc, ast.Call) else what
                what = _class_name(raised) + what[len(callee):]
            elif isinstance(raised, Unknown):
                raise PathEnd(f"raises `{what}`, an exception of a class flopcast could not compute; which "
                              "except clause catches it is not known, the cost after it is not counted",
                              self.node_span(node))
        raise UserRaise(self.node_span(node), what, family, instance)

    def stmt_Try(self, node: ast.Try) -> None:
        """A try statement: the body runs; an exception raised in it (a known error, a `raise`,
        or a value-dependent raise point such as a Cholesky that may fail) goes to the first
        handler whose class matches, as Python would; the charges made before it stay."""
        caught: Optional[UserRaise] = None
        catching = _catches_exhaustion(node.handlers)
        # a clause naming a class flopscope's module lacks, or a name never defined, turns the
        # BudgetExhaustedError that reaches it into an AttributeError or a NameError there, which
        # an outer handler may catch
        replacing = not catching and self.clause_fails(node.handlers)
        # a `finally` that may leave (return, break, continue) drops whatever the body, an except
        # clause or the else raised: a raise there that depends on the values is a site, not presumed away
        around = self.handlers
        if handlers.finally_swallows(node.finalbody):
            self.handlers = around.inside(True, handlers.EVERY)
        outer = self.handlers
        if node.handlers:
            self._catching_exhaustion += catching
            self._replacing_exhaustion += replacing
            self.handlers = outer.inside(True, [exc for exc, catchers in handlers.CATCHERS.items()
                                                if memory_limit.catches(self, node.handlers, catchers)])
        if node.handlers:
            self._trying.append((node, self.frame))
        # (the finally runs as an exception leaves: ExhaustedCalls.cross)
        unwinding = not _inert(node.finalbody)
        self._unwinding += unwinding
        try:
            try:
                self.exec_block(node.body)
            except UserRaise as exc:
                if not node.handlers:
                    raise
                caught = exc
            finally:
                if node.handlers:
                    self._trying.pop()
                    self._catching_exhaustion -= catching
                    self._replacing_exhaustion -= replacing
                    self.handlers = outer
            if caught is not None:
                handler = self.matching_handler(node.handlers, caught)
                if handler is None:
                    raise caught
                if caught.exhausted is not None:  # the path goes on after the budget ran out (api.py)
                    self.result.exhausted = self.result.exhausted or caught.exhausted
                self.note(caught.span, f"raises {caught.what}; handled by the except clause "
                                       f"at line {handler.lineno}")
                self.run_handler(handler, caught)
            else:
                self.exec_block(node.orelse)
        finally:
            # The exception held here would keep its traceback (every Python frame between this
            # statement and the raise, with their locals) in a cycle through this frame, freed
            # only by a collection of the cyclic garbage: 20,000 frames and their values in one
            # whole `analyze` of qr_active, a young collection of 0.45 CPU s. Dropped, it is freed
            # as soon as nothing else holds it (a `raise caught` in flight is held by Python).
            caught = None
            self.handlers = around
            self._unwinding -= unwinding
            self.exec_block(node.finalbody)

    def run_handler(self, handler: ast.ExceptHandler, caught: UserRaise) -> None:
        """The body of the except clause that caught ``caught``, its name bound to the exception
        object while it runs (a `try` statement's, or a @contextmanager's around its yield)."""
        if handler.name:
            self.frame.vars[handler.name] = caught.value if caught.value is not None else \
                Unknown("", caught.span, "exception object")
        self._handling.append(caught)
        try:
            self.exec_block(handler.body)
        finally:
            self._handling.pop()
            if handler.name:
                self.frame.vars.pop(handler.name, None)  # Python deletes it after the handler
                if self.frame.function is not None:
                    self.frame.handler_deleted = (self.frame.handler_deleted or set()) | {handler.name}
            # a re-raise of `caught` unwinds through this frame: holding it here would make a cycle
            # (exception -> traceback -> this frame -> exception) only the cyclic collector frees
            caught = None  # noqa: F841

    def matching_handler(self, handlers: list, exc: UserRaise) -> Optional[ast.ExceptHandler]:
        try:
            return self._matching_handler(handlers, exc)
        except UserRaise as replaced:  # a clause that raises replaces the exception (AttributeError, NameError)
            replaced.exhausted = exc.exhausted  # the path goes on from a budget run out, if it is caught
            raise

    def _matching_handler(self, handlers: list, exc: UserRaise) -> Optional[ast.ExceptHandler]:
        for handler in handlers:
            if handler.type is None:
                return handler
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for t in types:  # Python evaluates the clause's classes before it matches them
                self.check_flopscope_exception(t)
                if isinstance(t, ast.Name) and undefined.never_defined(self.program, self.frame.module, t.id):
                    self.eval(t)  # NameError, even where a later class of the tuple matches
            for t in types:
                if isinstance(t, ast.Name) and _exception_matches(exc, t.id):
                    return handler
            for t in types:
                if not (isinstance(t, ast.Name) and t.id in _BUILTINS) \
                        and any(_exception_matches(exc, n) for n in self.handler_class_names(t)):
                    return handler
        return None

    def handler_class_names(self, t: ast.expr) -> list:
        """The names of the exception classes an except clause's expression holds: a library's
        class by its attribute name (``np.linalg.LinAlgError``); an attribute of the program's
        own objects (``self.errors``, ``Config.retry``, ``errors.Fatal``), a name bound to a class
        or a tuple of them, or any other expression (``registry["retry"]``), by what it holds."""
        if isinstance(t, ast.Attribute):
            owner = self.eval(t.value)
            if not isinstance(owner, (InstanceVal, ClassVal, ModuleVal)):
                return [t.attr]
            value = self.get_attr(owner, t.attr, self.node_span(t))
        else:
            value = self.eval(t)
        items = value.items if isinstance(value, TupleVal) else (value,)
        names = [_class_name(v) for v in items]
        if any(n is None for n in names):
            raise PathEnd(f"an except clause names `{ast.unparse(t)}`, which flopcast could not compute as "
                          "exception classes; whether it catches is not known, the cost after it is not counted",
                          self.node_span(t))
        return names

    def try_catches(self, node: ast.Try, frame: Frame, exc: str) -> tuple[Optional[bool], bool]:
        """Whether the except clauses of ``node``, a try whose body runs in ``frame``, catch an
        ``exc`` raised in it (a class of calls._raises_on_values; None: not known without
        evaluating them), and whether it may still reach a try around: uncaught, replaced by a
        clause that fails to evaluate (NameError, AttributeError), or raised on by a clause that
        catches it (``except LinAlgError: raise``). Nothing is evaluated: names as bound now."""
        def lookup(name: str):
            return self.peek_name(name, frame)

        if _clause_fails(node.handlers, lookup, lambda name: undefined.never_defined(self.program, frame.module, name)):
            return None, True
        catchers = handlers.catchers_of(exc)
        catches = False
        raises = False
        for handler in node.handlers:
            answer = _clause_catches(handler.type, lookup, catchers)
            if answer is False:
                continue
            raises = raises or any(n.__class__ is ast.Raise for n in own_nodes(handler.body))
            if answer:
                return True, raises
            catches = None
        return catches, True

    def clause_fails(self, handlers: list) -> bool:
        """Whether evaluating one of these except clauses raises: a class flopscope's module does
        not provide (``fnp.linalg.LinAlgError``, its module read from the frame's names), or a name
        the program never defines (``LinAlgError`` not imported)."""
        env = self.module_envs.get(self.frame.module.key, {})
        return _clause_fails(handlers, lambda name: self.frame.vars.get(name, env.get(name)),
                             lambda name: undefined.never_defined(self.program, self.frame.module, name))

    def check_flopscope_exception(self, t: ast.expr) -> None:
        """``except fnp.linalg.LinAlgError:``: flopscope's modules raise AttributeError for a
        name they do not provide, so reaching that clause replaces the exception with it."""
        if not (isinstance(t, ast.Attribute) and isinstance(t.value, (ast.Name, ast.Attribute))):
            return
        owner = self.eval(t.value)
        if _lacks_exception(owner, t.attr):
            raise UserRaise(self.node_span(t), f"AttributeError: {owner.path} does not provide '{t.attr}' "
                                               "(numpy's is numpy.linalg.LinAlgError)")

    def stmt_TryStar(self, node: ast.stmt) -> None:
        """`except*` splits exception groups between its clauses: not modelled. Without a
        raise the body, else and finally run; with one the path ends there (a lower bound)."""
        outer = self.handlers
        if memory_limit.catches(self, node.handlers):  # `except* MemoryError` catches it too
            self.handlers = outer.inside(False, {"MemoryError"})
        unwinding = not _inert(node.finalbody)
        self._unwinding += unwinding
        try:
            self.exec_block(node.body)
        except UserRaise as exc:
            raise PathEnd(f"{exc.span}: raises {exc.what} into `except*` clauses, which flopcast does "
                          "not model; the cost after it is not counted", self.node_span(node))
        finally:
            self.handlers = outer
            self._unwinding -= unwinding
        self.exec_block(node.orelse)
        self.exec_block(node.finalbody)


def _clause_catches(types: Optional[ast.expr], lookup, catchers: frozenset) -> Optional[bool]:
    """Whether an except clause naming ``types`` (None: a bare ``except:``) catches an exception
    whose class and bases are named ``catchers`` (None: not known); ``lookup`` reads a name."""
    if types is None:
        return True
    answers = set()
    for t in types.elts if isinstance(types, ast.Tuple) else [types]:
        if isinstance(t, ast.Name):
            answers.add(_class_catches(lookup(t.id), t.id, catchers))
        elif isinstance(t, ast.Attribute):
            # a library's class (``np.linalg.LinAlgError``); an attribute of the program's
            # objects is not read here
            owner = _library_module(t, lookup)
            answers.add(None if owner is None else _class_catches(owner, "", catchers))
        else:
            answers.add(None)
    return _any_catches(answers)


def _any_catches(answers: set) -> Optional[bool]:
    """Whether one of several classes catches, from whether each does (None: not known)."""
    return True if True in answers else None if None in answers else False


def _class_catches(value, name: str, catchers: frozenset) -> Optional[bool]:
    """Whether ``value``, bound to ``name`` in an except clause, catches an exception whose class
    and bases are named ``catchers`` (None: not known)."""
    if isinstance(value, TupleVal):
        return _any_catches({_class_catches(v, "", catchers) for v in value.items})
    if isinstance(value, ClassVal):
        return False  # the program's own class: no base of a library's exception
    if isinstance(value, (Builtin, LibRef)):
        name = _class_name(value)
    elif not (isinstance(value, Known) and value.value is _MISSING):
        return None  # a value not known as a class
    if name in catchers:
        return True
    if isinstance(value, LibRef):
        # a library's exception class is one by its name; what else it holds is not known here
        return False if name.endswith(("Error", "Warning", "Exception", "Exit", "Interrupt")) else None
    cls = getattr(builtins, name, None)
    return False if isinstance(cls, type) and issubclass(cls, BaseException) else None


def _user_exception_family(cls: ClassVal) -> tuple:
    """The class names an `except` clause can name to catch an instance of a user exception class."""
    names = []
    for c in cls.mro():
        names.append(c.name)
        for base in c.bases:
            if isinstance(base, (Builtin, LibRef)):
                name = base.name if isinstance(base, Builtin) else base.path.rsplit(".", 1)[-1]
                names += [name, *_EXCEPTION_BASES.get(name, ())]
    return tuple(names) + ("Exception", "BaseException")


def _inert(block: list) -> bool:
    """Whether running ``block`` changes nothing: no statements, or only ``pass`` and constants."""
    return all(stmt.__class__ is ast.Pass or stmt.__class__ is ast.Expr and stmt.value.__class__ is ast.Constant
               for stmt in block)
