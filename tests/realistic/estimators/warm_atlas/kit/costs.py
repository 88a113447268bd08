"""Closed-form FLOP estimates per layer, measured once against flopscope and hard-coded."""

from __future__ import annotations

import functools
import operator


@functools.lru_cache(maxsize=64)
def layer_cost(mode: str, width: int, rank: int) -> int:
    match mode:
        case "diag":
            return 6 * width * width + 40 * width
        case "lowrank":
            return 4 * width * width * rank + 8 * width * width
        case "full":
            return 4 * width ** 3 + 10 * width * width
        case _:
            raise ValueError(f"unknown mode {mode!r}")


def plan_cost(plan, width: int, rank: int) -> int:
    return functools.reduce(operator.add, (layer_cost(m, width, rank) for m in plan), 0)
