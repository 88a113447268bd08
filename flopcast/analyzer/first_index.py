"""``next(...)`` of the first index whose item passes a test: an integer read from data.

``next((i for i, v in enumerate(xs) if v > t), len(xs))`` (or ``for i in range(k)``) is the
index of the first item passing the test, or the default when none does. A value-dependent
test answers alike at every execution on a path (decisions.py), so made as a plain
generator the index would be the first one or the default only, and a run finding a middle
item (sizing ``(first * (k - first), w)``) costs more than both. As first_break.py does for
the loop form, the generator is not run past the first item whose test depends on values:
the index found becomes an integer read from data spanning that item's index, the indices
after it and the default (dataints.py explores its ends and bounding paths), so every index
in between is covered. Indices whose test is known run as before, exact.

Only this shape is read so: one ``for`` over ``range(...)`` (no step) or ``enumerate(...)``
(the index its first target), whose element is that index, with one test that is pure as
first_break's is (it reads names, items, attributes and numbers and calls only conversions),
and that at run time charged nothing, met no site and left nothing unpriced; and a known
int default (``len(xs)``, ``-1``) next to the indices, so that one range holds them all
(``-1`` below a first index past 0 widens it: a superset, still sound). Anything else
(no default, ``None``, an item rather than its index) is made as before.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.first_break import _pure
from flopcast.analyzer.values import Known, Unknown, Value


def counted_next(node: ast.Call, extra: list) -> Optional[ast.expr]:
    """The test of a ``next(<first index>, default)`` read as above, or None."""
    gen = node.args[0]
    if len(gen.generators) != 1 or len(extra) != 1 or extra[0].__class__ is not Known \
            or type(extra[0].value) is not int:
        return None
    comp = gen.generators[0]
    if comp.is_async or len(comp.ifs) != 1 or not _pure(comp.ifs[0]) or not isinstance(gen.elt, ast.Name):
        return None
    it, target = comp.iter, comp.target
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and not it.keywords):
        return None
    if it.func.id == "range" and 1 <= len(it.args) <= 2:
        index = target
    elif it.func.id == "enumerate" and 1 <= len(it.args) <= 2 and isinstance(target, ast.Tuple) \
            and len(target.elts) == 2:
        index = target.elts[0]
    else:
        return None
    if not (isinstance(index, ast.Name) and index.id == gen.elt.id):
        return None
    return comp.ifs[0]


def found(interp, node: ast.Call, test: ast.expr, indices: list, default: int) -> Value:
    """The index found: an integer read from data over ``indices`` (the one whose test first
    depended on values and those after it) and ``default``. ``indices`` are what the element
    evaluated to at those items: not consecutive known ints (``range`` rebound by the
    program) gives an unknown value instead, never a wrong range."""
    span = interp.node_span(node)
    values = [v.value if v.__class__ is Known and type(v.value) is int else None for v in indices]
    steady = None not in values and values == list(range(values[0], values[0] + len(values)))
    if not steady or not (default == -1 or values[0] - 1 <= default <= values[-1] + 1):
        return Unknown("", span, f"the first index at which `{ast.unparse(test)}` holds")
    return Unknown("int", span, f"the first index at which `{ast.unparse(test)}` holds, or {default} where none does",
                   min(values[0], default), max(values[-1], default))
