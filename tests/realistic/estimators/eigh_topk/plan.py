"""The plan: which engine and block size, swept with ``dataclasses.replace`` over the sizes the
head was tuned on, the dearest one that fits the budget kept."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import engines

HEADROOM = 0.8


@dataclass(frozen=True, kw_only=True)
class Plan:
    engine: str = "mf"
    k: int = 0
    width: int
    depth: int
    refine_from: int = 0           # layers before this one run the plain mean field

    def cost(self) -> int:
        cls = engines.REGISTRY[self.engine]
        plain = engines.MeanField.cost(self.width, 0)
        return self.refine_from * plain + (self.depth - self.refine_from) * cls.cost(self.width, self.k)

    @property
    def refined_layers(self) -> int:
        return self.depth - self.refine_from


def sweep(base: Plan, sizes, budget: int):
    """Every (engine, k, start) variant of ``base`` the budget pays for, dearest first."""
    room = HEADROOM * budget
    fits = []
    for cls in engines.by_rank():
        if cls.rank == 0:
            continue
        for k in sizes:
            if k < 2 or k >= base.width:
                continue
            for start in range(0, base.depth):
                plan = dataclasses.replace(base, engine=cls.key, k=int(k), refine_from=start)
                if plan.cost() <= room:
                    fits.append(plan)
                    break               # the earliest start that fits is the best for this (engine, k)
    fits.sort(key=lambda p: (p.refined_layers * p.k, engines.REGISTRY[p.engine].rank), reverse=True)
    return fits


def choose(width: int, depth: int, budget: int, sizes, k_max: int) -> Plan:
    base = Plan(width=width, depth=depth)
    fits = sweep(base, [k for k in sizes if k <= k_max], budget)
    if fits:
        return fits[0]
    if base.cost() <= budget:
        return base
    return dataclasses.replace(base, engine="none")


def describe(plan: Plan) -> str:
    match plan:
        case Plan(engine="none"):
            return "zeros"
        case Plan(engine="mf"):
            return f"mean field x{plan.depth}"
        case Plan(engine=("eig" | "carry") as key, k=k, refine_from=0) if k >= 8:
            return f"{key} k={k} on every layer"
        case Plan(engine=key, k=k, refine_from=start):
            return f"mean field x{start}, then {key} k={k}"
