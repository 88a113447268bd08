"""Roll-ups of a report's charges: per line, per function, per op.

Shared by the CLI, the lint and the editor server so every front end adds the
same numbers the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer.chargelist import ChargeList
from flopcast.model import Charge, Interval, Report


@dataclass
class OpCost:
    op: str
    flops: int = 0
    calls: int = 0
    dtypes: set = field(default_factory=set)


@dataclass
class LineCost:
    path: str
    line: int
    flops: int = 0
    calls: int = 0
    certain: bool = True
    ops: dict[str, OpCost] = field(default_factory=dict)


@dataclass
class FunctionCost:
    qualname: str
    flops: int = 0  # charged in its own body
    calls: int = 0  # charges made in its own body
    inclusive: int = 0  # charged while it ran, callees included


def tally(charges: list[Charge]) -> tuple[dict, dict]:
    """``counted`` as two dicts keyed by the id of each distinct charge: its count and the charge
    (in order of first occurrence; a ChargeList's own, not copied: read them only)."""
    if isinstance(charges, ChargeList):
        kept = charges.tally()
        if kept is not None:
            return kept
    found = counted(charges)
    return {id(c): n for c, n in found}, {id(c): c for c, _ in found}


def counted(charges: list[Charge]) -> list[tuple[Charge, int]]:
    """Each distinct charge object and how often it occurs, in order of first occurrence.

    Repeated loops and reused calls share charge objects (a steady recursion's two million
    charges can be a hundred objects): counted in C loops, then each added once, times its
    count. The first occurrences keep their order, so every roll-up lists its lines, ops and
    functions in the order a charge-by-charge walk would."""
    made = _COUNTED.get(id(charges))
    if made is not None and made[0] is charges and made[1] == len(charges):
        return list(made[2])
    kept = charges.counted() if isinstance(charges, ChargeList) else None
    if kept is not None:
        return kept
    objects = dict(zip(map(id, charges), charges))
    found = [(objects[key], n) for key, n in Counter(map(id, charges)).items()]
    remember(charges, found)
    return list(found)


def positions(charges: list[Charge]) -> Optional[list[int]]:
    """For each charge of ``charges``, the place of its object in ``counted(charges)``, when the
    maker of the list said (``remember``): the list is then ``itemgetter(*positions)`` of the
    distinct objects, and a list made from it object by object is mapped in C."""
    made = _COUNTED.get(id(charges))
    if made is not None and made[0] is charges and made[1] == len(charges):
        return made[3]
    return None


def remember(charges: list[Charge], found: list[tuple[Charge, int]], places: Optional[list[int]] = None) -> None:
    """Keep what ``counted(charges)`` is (the caller knows it another way): a report's charges
    are rolled up per line, per function and per op, by its text, its JSON and the rules, and
    each walk of millions of charges costs about a second. A list is known again only while it
    is the same object with the same length (charge lists only grow)."""
    if len(_COUNTED) >= 4:
        del _COUNTED[next(iter(_COUNTED))]
    _COUNTED[id(charges)] = (charges, len(charges), found, places)  # held, so its id stays its own


#: id of a charge list -> (the list, its length then, what counted() gave, its positions or
#: None), the last few.
_COUNTED: dict = {}


def _add(target: OpCost, c: Charge, n: int = 1) -> None:
    target.flops += c.flops * n
    target.calls += n
    if c.dtype:
        target.dtypes.add(c.dtype)


def by_line(report: Report) -> list[LineCost]:
    lines: dict[tuple[str, int], LineCost] = {}
    for c, n in counted(report.charges):
        key = (c.span.path, c.span.line)
        lc = lines.get(key)
        if lc is None:
            lc = lines[key] = LineCost(c.span.path, c.span.line)
        lc.flops += c.flops * n
        lc.calls += n
        lc.certain = lc.certain and c.certain
        _add(lc.ops.setdefault(c.op, OpCost(c.op)), c, n)
    return sorted(lines.values(), key=lambda lc: (-lc.flops, lc.path, lc.line))


def by_function(report: Report) -> list[FunctionCost]:
    out: dict[str, FunctionCost] = {}
    for c, n in counted(report.charges):
        fc = out.setdefault(c.function, FunctionCost(c.function))
        fc.flops += c.flops * n
        fc.calls += n
    for name, flops in report.own.items():  # several paths: the dearest one's own body
        out.setdefault(name, FunctionCost(name)).flops = flops
    for name, total in report.inclusive.items():
        out.setdefault(name, FunctionCost(name)).inclusive = total
    # Names break ties: the tables' insertion order depends on which calls the memo replayed.
    return sorted(out.values(), key=lambda f: (-f.inclusive, -f.flops, f.qualname))


def by_op(report: Report) -> list[OpCost]:
    out: dict[str, OpCost] = {}
    for c, n in counted(report.charges):
        _add(out.setdefault(c.op, OpCost(c.op)), c, n)
    return sorted(out.values(), key=lambda o: -o.flops)


def share(flops: int, budget: int) -> float:
    return 100.0 * flops / budget if budget else 0.0


def budget_verdict(total: Interval, budget: int, lower_bound: bool) -> str:
    """What the prediction says of the budget, no more: over it only when every count is; a range
    reaching past it is over on some paths; a lower bound's priced part within it says nothing
    of the ops not priced."""
    if total.lo > budget:
        return "over budget"
    if total.hi > budget:
        return "over budget on some paths"
    return "within budget where priced" if lower_bound else "within budget"


def source_line(path: str, line: int, cache: Optional[dict] = None) -> str:
    """The text of a source line (for display), read once per file."""
    cache = cache if cache is not None else {}
    if path not in cache:
        try:
            with open(path, encoding="utf-8") as handle:
                cache[path] = handle.read().splitlines()
        except OSError:
            cache[path] = []
    lines = cache[path]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
