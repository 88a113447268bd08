"""The FLOPs spent as a range: proving a budget read after a site assumed alike moot.

A run that answers a site assumed alike (alike.py) otherwise at some executions only has spent,
at a later read of the budget (``flops.current_budget()``), what no path has (api._open_at_budget_reads).
Under the presumption the total rests on (each stretch of work from one execution of such a site to
the next costs what it costs on a path answering that execution alike), a mixed run's spend at a read
lies between the sums of the least and of the most each stretch costs on the paths agreeing with it
at every site not assumed alike (``ranges_of``): wider than the paths' own spends where the arms'
costs change sign from one execution to the next. When every use the program makes of the read
answers alike over that whole range, the mixed run goes on as the path does from there, and the
paths' interval holds it: the read is moot.

The check (api._MootReads) runs each path again with every such read handed over as a
:class:`SpentKnown`: a number known on this path that stands for any in its range. An order test of
it against a plain number (``left > cost + reserve``) is answered when both ends of the range give
one answer (order tests are monotone), sums and differences with plain integers, products by them
and floor divisions by positive ones stay ranges, and every other use reads ``.value``, which
records that the spend steers something not checked: the read is then not moot, and the high end
stays open. So does a read whose range no path gave, one inside a loop whose iterations a watch
works out without running them, a charge inside a `try` that may catch BudgetExhaustedError where
some path spends past the budget, and a reused call that read the budget: what a mixed run does
there is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from flopcast.analyzer.values import Known, Value
from flopcast.model import Span

#: ast comparison names whose answer is monotone in either operand
_ORDER = {"Lt": lambda a, b: a < b, "LtE": lambda a, b: a <= b, "Gt": lambda a, b: a > b, "GtE": lambda a, b: a >= b}


class SpentKnown(Known):
    """A number made from a read of the FLOPs spent: this path's ``value``, standing for every
    integer in ``[lo, hi]`` a mixed run may have made there. Reading ``.value`` (any use but those
    :func:`compare` and :func:`binop` check) tells ``on_read``."""

    __slots__ = ()

    def __init__(self, value, lo, hi, on_read: Callable[[], None]) -> None:
        d = self.__dict__
        d["value"], d["lo"], d["hi"], d["on_read"] = value, lo, hi, on_read

    @property
    def value(self):
        d = self.__dict__
        d["on_read"]()
        return d["value"]

    def __repr__(self) -> str:
        d = self.__dict__
        return f"SpentKnown({d['value']!r} in [{d['lo']!r}, {d['hi']!r}])"


def _plain_number(v: Value) -> bool:
    if v.__class__ is not Known:
        return False
    x = v.__dict__["value"]
    return x.__class__ is int or x.__class__ is float


def compare(interp, name: str, left: Value, right: Value, node) -> Optional[Value]:
    """``left <op> right`` where one is a SpentKnown: the answer when every value of its range gives
    it (None: not a test this checks, and the caller's reads of ``.value`` record it)."""
    if name not in _ORDER:
        return None
    if left.__class__ is SpentKnown and _plain_number(right):
        c = right.__dict__["value"]
        answers = {_ORDER[name](left.__dict__[end], c) for end in ("lo", "hi")}
        actual = _ORDER[name](left.__dict__["value"], c)
    elif right.__class__ is SpentKnown and _plain_number(left):
        c = left.__dict__["value"]
        answers = {_ORDER[name](c, right.__dict__[end]) for end in ("lo", "hi")}
        actual = _ORDER[name](c, right.__dict__["value"])
    else:
        return None
    if len(answers) > 1:
        interp.spend_steers(interp.node_span(node), "a test of the FLOPs spent answers otherwise within "
                                                    "the range a mixed run may have spent")
    return Known(actual)


def binop(name: str, left: Value, right: Value) -> Optional[Value]:
    """``left <op> right`` of a SpentKnown and a plain integer: a SpentKnown of the result's range,
    where the operation is monotone in the range (None: the caller's reads of ``.value`` record it)."""
    spent, other, first = (left, right, True) if left.__class__ is SpentKnown else (right, left, False)
    if spent.__class__ is not SpentKnown or other.__class__ is not Known or other.__dict__["value"].__class__ is not int:
        return None
    c = other.__dict__["value"]
    d = spent.__dict__
    if name == "Add":
        step = lambda x: x + c  # noqa: E731
    elif name == "Sub":
        step = (lambda x: x - c) if first else (lambda x: c - x)
    elif name == "Mult":
        step = lambda x: x * c  # noqa: E731
    elif name == "FloorDiv" and first and c > 0:
        step = lambda x: x // c  # noqa: E731
    else:
        return None
    a, b = step(d["lo"]), step(d["hi"])
    return SpentKnown(step(d["value"]), min(a, b), max(a, b), d["on_read"])


@dataclass
class SpentRanges:
    """What a run checking its reads (api._MootReads) hands the program at each read of the budget:
    read id (its span, and how many reads at that span came before in its call of predict) ->
    (least, most) spent there over the paths and their calls."""

    ranges: Optional[dict]  # (None: a run only collecting the spends at its reads, every one made)
    # the most any of those paths spends in all
    most: int = 0
    # (span, why) of each use of a ranged read not proven moot; empty: every read was moot
    steered: list = field(default_factory=list)


def read_id(counts: dict, span: Optional[Span]) -> tuple:
    """The id of a read at ``span`` on this path, counting it."""
    n = counts.get(span, 0)
    counts[span] = n + 1
    return span, n


def ranges_of(results: list, alike: Callable[[tuple], bool]) -> dict:
    """Read id -> (least, most) a mixed run may have spent there, over a group of paths (RunResult:
    read_log, met). A mixed run answers each execution of a site assumed alike (``alike`` of its
    key) as some path does, and the work from one such execution to the next (or to the read) costs
    what it costs on a path answering it so: its spend lies between the least first spend plus the
    least of each stretch and the most plus the most (a layer whose arms cost 100 and 400 then 400
    and 100 makes mixes spending 200 and 800 of paths spending 500). A read whose paths met other
    sequences of such sites before it has no range (the check then fails there)."""
    seen: dict = {}
    for r in results:
        for rid, used, n in r.read_log:
            met = [(k, s) for k, s in r.met[:n] if alike(k)]
            keys = tuple(k for k, _ in met)
            spends = [s for _, s in met] + [used]
            stretches = [spends[0]] + [b - a for a, b in zip(spends, spends[1:])]
            before = seen.get(rid)
            if before is None:
                seen[rid] = (keys, stretches, list(stretches))
            elif before[0] != keys:
                seen[rid] = (None, None, None)
            elif before[0] is not None:
                los, his = before[1], before[2]
                seen[rid] = (keys, [min(a, b) for a, b in zip(los, stretches)], [max(a, b) for a, b in zip(his, stretches)])
    return {rid: (sum(lo), sum(hi)) for rid, (keys, lo, hi) in seen.items() if keys is not None}
