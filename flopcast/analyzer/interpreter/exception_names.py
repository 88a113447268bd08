"""Exception classes by name, as the interpreter knows them without importing them: their bases,
whether a handler's names catch one, flopscope's own.
"""

from __future__ import annotations

import ast
import builtins
import re
from typing import Optional

from flopcast.analyzer.values import UserRaise


#: exceptions only flopscope raises (never numpy on its own arrays)
_FLOPSCOPE_ONLY = frozenset({"UnsupportedDtypeError", "SymmetryError", "BudgetExhaustedError",
                             "UnsupportedFunctionError", "FlopscopeError"})


#: The ``__name__`` numpy gives a private exception class (what a probe of flopscope reports).
_SHOWN_AS = {"_UFuncOutputCastingError": "UFuncTypeError"}


#: Built-in exception classes' bases, for matching `except` clauses by name.
_EXCEPTION_BASES = {
    "LinAlgError": ("ValueError",), "ZeroDivisionError": ("ArithmeticError",),
    "OverflowError": ("ArithmeticError",), "FloatingPointError": ("ArithmeticError",),
    "IndexError": ("LookupError",), "KeyError": ("LookupError",),
    "BudgetExhaustedError": ("FlopscopeError",), "SymmetryError": ("FlopscopeError",),
    "NotImplementedError": ("RuntimeError",),
    "AxisError": ("ValueError", "IndexError", "LookupError"),
    "_UFuncOutputCastingError": ("_UFuncCastingError", "UFuncTypeError", "TypeError"),
    "UFuncTypeError": ("TypeError",),  # numpy's no-loop refusal (`gcd` of floats)
    "UnsupportedDtypeError": ("TypeError",),
    "FrozenInstanceError": ("AttributeError",),
}


def _exception_bases(name: str) -> tuple:
    """The classes an exception named ``name`` is also caught as: numpy's and flopscope's from the
    table above, a builtin exception's from Python's own hierarchy (ModuleNotFoundError is an
    ImportError)."""
    if name in _EXCEPTION_BASES:
        return _EXCEPTION_BASES[name]
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return tuple(c.__name__ for c in cls.__mro__[1:] if c is not object)
    return ()


_EXHAUSTION = UserRaise(None, "BudgetExhaustedError: ")


def _catches_exhaustion(handlers: list) -> bool:
    """Whether one of these except clauses catches flopscope's BudgetExhaustedError, by the
    names it lists (a bare `except`, Exception, FlopscopeError, BudgetExhaustedError, ...)."""
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else None
            if name is not None and _exception_matches(_EXHAUSTION, name):
                return True
    return False


def _exception_matches(exc: UserRaise, name: Optional[str]) -> bool:
    """Whether an exception class called ``name`` catches ``exc`` (by its class or a base)."""
    raised = _exception_name(exc.what)
    family = exc.family or (_exception_bases(raised) + (raised, "Exception", "BaseException"))
    return name in family or raised == "" and name is not None


def _exception_name(what: str) -> str:
    """'ValueError: ...' / 'ValueError(\'x\')' / 'fnp.linalg.LinAlgError' -> the class name."""
    m = re.match(r"\s*([A-Za-z_][\w.]*)", what)
    return m.group(1).rsplit(".", 1)[-1] if m else ""
