"""What the except clauses around the code being run may catch (``Interpreter.handlers``).

Where a raise that depends on the values goes decides how flopcast follows it: into a handler
that may catch it, whether it raises is a value-dependent site (the handler runs on one path);
past every handler, a raise ends the run, so the count presumes it away and the report names
the presumption (presumptions.py). Only a few exceptions are asked about by class: MemoryError
(memory_limit.py), those Python's own arithmetic, math functions and int() of a float raise on
numbers read from data (builtins.py), and an `assert` of data's AssertionError; an op of a
library whose raising depends on the values (a Cholesky) asks only whether any handler is around,
and which running `try` its class reaches only to find the retry it may steer (catchers_of).
"""

from __future__ import annotations

import ast
import builtins
import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from flopcast.analyzer.disk_answers import LIBRARY_ANSWERS
from flopcast.syntax import DEF_SCOPES

#: The exceptions asked about by class, each with the names of the classes that catch it: itself
#: and its bases (ArithmeticError, Exception, BaseException).
CATCHERS = {exc.__name__: frozenset(c.__name__ for c in exc.__mro__ if c is not object)
            for exc in (MemoryError, ZeroDivisionError, OverflowError, ValueError, AssertionError, AttributeError,
                        IndexError)}
EVERY = frozenset(CATCHERS)
_INDEX = {name: i for i, name in enumerate(CATCHERS)}
#: The module holding each class a library op raises on its values (calls._raises_on_values) that
#: is no builtin one
_RAISED_FROM = {"LinAlgError": "numpy.linalg", "SymmetryError": "flopscope.errors"}


@lru_cache(maxsize=None)
def catchers_of(exc: str) -> frozenset:
    """The names of the classes whose except clause catches ``exc``, a class a library op raises
    on its values: itself and its bases, read from the installed numpy and flopscope (numpy's
    LinAlgError is a ValueError, so ``except ValueError`` catches a failed Cholesky), kept on disk."""
    def bases() -> list:
        owner = importlib.import_module(_RAISED_FROM[exc]) if exc in _RAISED_FROM else builtins
        return [c.__name__ for c in getattr(owner, exc).__mro__ if c is not object]

    return frozenset(LIBRARY_ANSWERS.ask(f"catchers|{exc}", bases))


@dataclass(frozen=True)
class Handlers:
    """The handlers around the code being run, in every frame: entering a `try` makes a new one,
    and leaving it puts the one before back (frozen: a join's or a memo's key holds it as it was).
    The counts, not only whether there are any, are compared in those keys: code that leaves a
    `try` behaves alike only from an equal number of them."""

    # try statements with except clauses, and `with` statements whose manager may swallow an
    # exception, around the code being run
    depth: int = 0
    # of them, and of the generators made ahead of their consumer (whose handlers may differ),
    # how many may catch each exception of CATCHERS, in its order
    counts: tuple = (0,) * len(CATCHERS)

    def catches(self, exc: str) -> bool:
        """Whether a handler around may catch ``exc`` (a name of CATCHERS)."""
        return self.counts[_INDEX[exc]] > 0

    def inside(self, handler: bool, catching: Iterable[str]) -> "Handlers":
        """These and one more around: a `try`'s except clauses or a swallowing `with`
        (``handler``), which may catch the exceptions named in ``catching``."""
        catching = frozenset(catching)
        return Handlers(self.depth + handler, tuple(n + (name in catching) for n, name in zip(self.counts, CATCHERS)))

    def flags(self) -> tuple:
        """Whether any handler is around, and whether one may catch each exception."""
        return self.depth > 0, tuple(n > 0 for n in self.counts)


NONE = Handlers()


def finally_swallows(finalbody: list) -> bool:
    """Whether a `finally` may leave by `return`, or by a `break`/`continue` of a loop around the
    `try`: Python then drops the exception in flight, as an except clause catching every one would."""
    todo = [(stmt, False) for stmt in finalbody]
    while todo:
        node, in_loop = todo.pop()
        if node.__class__ is ast.Return or node.__class__ in (ast.Break, ast.Continue) and not in_loop:
            return True
        if node.__class__ in DEF_SCOPES:
            continue
        # (a `break` in a loop's body leaves that loop; one in its `else` leaves the loop around it)
        loop_body = node.body if node.__class__ in (ast.For, ast.AsyncFor, ast.While) else ()
        todo.extend((child, in_loop or child in loop_body) for child in ast.iter_child_nodes(node))
    return False
