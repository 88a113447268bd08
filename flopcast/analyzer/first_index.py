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
and that at run time charged nothing, met no site and left nothing unpriced. A known int
default next to the indices (``len(xs)``, ``-1``) joins their range (``-1`` below a first
index past 0 widens it: a superset, still sound); any other default, or none, is the other
answer of a site.

Any other ``next(<one for, one if>)`` — a test that charges (``float(fnp.mean(v)) > t``), or the
item rather than its index — is a *search* (``stop_answer``): how many tests run before the first
match steers the count (each test's charges, and the item found), so from the first item whose
test depends on values each item's test is a site of its own, met only while the search goes on
(stop here, or go on): one path per stop, the run's own charges on each. With more than
``MAX_STOPS`` such items the stops past the first are unpriced, an open high end.
``itertools.takewhile`` and ``dropwhile`` over a sequence, a generator or a map are the same search
for the first item answering False (builtins._while_lazy); items not counted ahead (a map's, an
endless generator's) are searched stop by stop as they come, up to ``MAX_STOPS``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.first_break import _pure
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import Known, Unknown, UserRaise, Value


#: the most items from the first value-dependent test on whose stops a search explores, one path each
MAX_STOPS = 16


@dataclass(frozen=True)
class Search:
    """A ``next(<generator expression with one for and one if>[, default])``."""

    #: the ``next(...)`` call
    call: ast.Call
    #: the one test
    test: ast.expr
    #: whether the first index it finds may be an integer read from data (found, below): the
    #: element is the index of a ``range``/``enumerate`` and the test is pure
    by_index: bool


def counted_next(node: ast.Call, extra: list) -> Optional[Search]:
    """The search a ``next(...)`` call is, or None."""
    gen = node.args[0]
    if len(gen.generators) != 1 or len(extra) > 1:
        return None
    comp = gen.generators[0]
    if comp.is_async or len(comp.ifs) != 1:
        return None
    return Search(node, comp.ifs[0], _pure(comp.ifs[0]) and _finds_index(gen, comp))


def _finds_index(gen: ast.GeneratorExp, comp: ast.comprehension) -> bool:
    """Whether the element is the index of a ``range(...)`` or ``enumerate(...)`` the one ``for`` reads."""
    it, target = comp.iter, comp.target
    if not (isinstance(gen.elt, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
            and not it.keywords):
        return False
    if it.func.id == "range" and 1 <= len(it.args) <= 2:
        index = target
    elif it.func.id == "enumerate" and 1 <= len(it.args) <= 2 and isinstance(target, ast.Tuple) \
            and len(target.elts) == 2:
        index = target.elts[0]
    else:
        return False
    return isinstance(index, ast.Name) and index.id == gen.elt.id


def stop_answer(interp, at: ast.AST, test: str, stops: bool, position: int, first: int,
                left: Optional[int]) -> bool:
    """The answer of a search's value-dependent test ``test`` at item ``position`` (``stops``:
    the answer that ends the search): a site of its own per item from ``first`` (the first item
    whose test depended on values) on, met only while the search goes on, so each stop is one
    path and the tests run before it are charged on that path as the run charges them. The
    sites are placed at the call ``at`` that runs the search: they answer alike only where that
    call runs again (alike.py). ``left``: the items from ``first`` on. When more than
    ``MAX_STOPS``, only the first is a site: past it the search goes on, and the stops not
    explored leave the total open above (unpriced there), since one may cost more than every path.
    ``left`` None: not counted ahead (items made as asked for): the first ``MAX_STOPS`` items are
    sites, and a search still going on at the next leaves the stops past it unpriced."""
    if left is None:
        beyond, told = position - first >= MAX_STOPS, position - first == MAX_STOPS
    else:
        beyond, told = left > MAX_STOPS and position > first, position == first + 1
    if beyond:
        if told:
            items, past = (f"its {left} items", "the first") if left is not None \
                else ("its items", f"the {MAX_STOPS}th")
            interp.unpriced(at, "first-match search", f"the search stops at the first item where {test} answers "
                            f"{stops}, and its tests charge or steer what follows; any of {items} "
                            f"can stop it, more than the {MAX_STOPS} stops analysed each: a stop past {past} "
                            "may cost more than every path")
        return not stops
    span = interp.node_span(at)
    site = Site(("first-stop", span, position), (True, False), span, "branch",
                f"{test} depends on values: the search stops at the first item where it answers {stops}, each "
                "item a site of its own")
    return interp.decisions.choose(site, interp.kept_used())


def found(interp, node: ast.Call, test: ast.expr, indices: list, extra: list) -> Value:
    """The index found: an integer read from data over ``indices`` (the one whose test first
    depended on values and those after it) and the default. ``indices`` are what the element
    evaluated to at those items: not consecutive known ints (``range`` rebound by the
    program) gives an unknown value instead, never a wrong range. A default that is no int
    next to them (``None``), or none (StopIteration), is a site of its own: some item passes
    (the index read from data) or none does (the default, or the raise)."""
    span = interp.node_span(node)
    source = ast.unparse(test)
    values = [v.value if v.__class__ is Known and type(v.value) is int else None for v in indices]
    if None in values or values != list(range(values[0], values[0] + len(values))):
        return Unknown("", span, f"the first index at which `{source}` holds")
    lo, hi = values[0], values[-1]
    default = extra[0].value if extra and extra[0].__class__ is Known and type(extra[0].value) is int else None
    if default is not None and (default == -1 or lo - 1 <= default <= hi + 1):
        return Unknown("int", span, f"the first index at which `{source}` holds, or {default} where none does",
                       min(lo, default), max(hi, default))
    site = Site(("first-found", span), (True, False), span, "branch",
                f"whether any item passes `{source}` depends on values")
    if not interp.decisions.choose(site, interp.kept_used()):
        if extra:
            return extra[0]
        raise UserRaise(span, "StopIteration")
    return Unknown("int", span, f"the first index at which `{source}` holds", lo, hi)
