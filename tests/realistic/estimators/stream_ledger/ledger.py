"""Bookkeeping: a cost ledger filled by context managers, and the stage timer.

Nothing here touches the arrays: the ledger holds the cost model's numbers for each stage, so
the planner can check afterwards that its model was right (the printout is off in the contest).
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class Ledger:
    planned: "OrderedDict[str, int]" = field(default_factory=OrderedDict)
    seconds: dict = field(default_factory=dict)
    depth: int = 0
    closed: list = field(default_factory=list)

    def plan(self, name: str, flops: int) -> None:
        self.planned[name] = self.planned.get(name, 0) + int(flops)

    @property
    def total(self) -> int:
        return sum(self.planned.values())

    def report(self) -> str:
        width = max((len(k) for k in self.planned), default=4)
        lines = [f"{k:<{width}} {v:>12,}" for k, v in self.planned.items()]
        return "\n".join(lines + [f"{'total':<{width}} {self.total:>12,}"])


@contextlib.contextmanager
def stage(ledger: Ledger, name: str, flops: int = 0):
    """Times a stage and books its planned cost; nested stages indent their names."""
    ledger.depth += 1
    ledger.plan("  " * (ledger.depth - 1) + name, flops)
    start = time.perf_counter()
    try:
        yield ledger
    finally:
        ledger.seconds[name] = ledger.seconds.get(name, 0.0) + time.perf_counter() - start
        ledger.depth -= 1
        ledger.closed.append(name)


def stages(ledger: Ledger, names_and_costs):
    """An ExitStack entered into one stage per (name, cost), innermost last."""
    stack = contextlib.ExitStack()
    for name, cost in names_and_costs:
        stack.enter_context(stage(ledger, name, cost))
    stack.callback(ledger.closed.append, "group")
    return stack
