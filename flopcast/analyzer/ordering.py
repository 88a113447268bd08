"""``functools.total_ordering``: the order methods a class does not define, made from the one
it does, as functools makes them.

Before this module the decorator was passed over, so ``a >= b`` of a class defining only
``__eq__`` and ``__lt__`` was a TypeError the program never raises (a false "predict() raises,
always" under an exact total). Each method is the lambda form of functools' own
(``_gt_from_lt`` & co.: the root method's NotImplemented passed on, else the same boolean
formula), placed at the decorator, so the user's root method runs as it runs in Python.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.values import ClassVal, FunctionVal, UserRaise
from flopcast.syntax import lambda_at

# functools._convert: for each root, the methods it makes (name, result from `r`, the root's answer)
_CONVERT = {
    "__lt__": [("__gt__", "not r and self != other"), ("__le__", "r or self == other"), ("__ge__", "not r")],
    "__le__": [("__ge__", "not r or self == other"), ("__lt__", "r and self != other"), ("__gt__", "not r")],
    "__gt__": [("__lt__", "not (r or self == other)"), ("__ge__", "r or self == other"), ("__le__", "not r")],
    "__ge__": [("__le__", "(not r) or self == other"), ("__gt__", "r and self != other"), ("__lt__", "not r")],
}

def _lambda(root: str, formula: str, deco: ast.expr) -> ast.Lambda:
    return lambda_at(f"lambda self, other: r if (r := type(self).{root}(self, other)) is NotImplemented "
                     f"else ({formula})", deco)


def apply(interp, cls: ClassVal, deco: ast.expr, span) -> Optional[ClassVal]:
    """``@total_ordering`` on ``cls``: the class with the missing order methods set."""
    roots = {op for op in _CONVERT if isinstance(cls.lookup(op)[1], FunctionVal)}
    if not roots:
        raise UserRaise(span, "ValueError: must define at least one ordering operation: < > <= >=")
    root = max(roots)  # functools' choice: __lt__ before __le__ before __gt__ before __ge__
    for name, formula in _CONVERT[root]:
        if name not in roots:
            made = interp.make_function(_lambda(root, formula, deco), name)
            made.owner = cls
            cls.attrs[name] = made
    return cls


_ORDER_OPS = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}


def dataclass_order(interp, cls: ClassVal, names: list, deco: ast.expr, span) -> None:
    """``@dataclass(order=True)``: the four order methods dataclasses generates, comparing the
    tuples of the fields with ``compare=True`` when both operands are of the same class (else
    NotImplemented); a class that defines one itself is refused as dataclasses refuses it."""
    left = "(" + "".join(f"self.{n}, " for n in names) + ")"
    right = "(" + "".join(f"other.{n}, " for n in names) + ")"
    for name, symbol in _ORDER_OPS.items():
        if name in cls.attrs:
            raise UserRaise(span, f"TypeError: Cannot overwrite attribute {name} in class {cls.name}. "
                                  "Consider using functools.total_ordering")
        source = f"lambda self, other: ({left} {symbol} {right}) if type(other) is type(self) else NotImplemented"
        made = interp.make_function(lambda_at(source, deco), name)
        made.owner = cls
        cls.attrs[name] = made


def dataclass_eq(interp, cls: ClassVal, names: list, deco: ast.expr) -> None:
    """``@dataclass`` (eq=True, no ``__eq__`` of the class's own): the ``__eq__`` dataclasses
    generates (Python 3.11's), comparing the tuples of the fields with ``compare=True`` when
    the other operand is of the same class, else NotImplemented. Kept in ``cls.generated``:
    ``==`` asks it, the hashing rules read the dataclass flags."""
    left = "(" + "".join(f"self.{n}, " for n in names) + ")"
    right = "(" + "".join(f"other.{n}, " for n in names) + ")"
    source = f"lambda self, other: ({left} == {right}) if type(other) is type(self) else NotImplemented"
    made = interp.make_function(lambda_at(source, deco), "__eq__")
    made.owner = cls
    cls.generated = {**(cls.generated or {}), "__eq__": made}
