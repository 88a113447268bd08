"""Staged moment propagation with pluggable stages ("plugin_stages").

Folder submission:

    estimator.py        this file: plans the stages from the budget, runs them layer by layer
    planners.py         budget planners, registered by a decorator when the module is imported
    stages/__init__.py  the stage package: re-exports the registry (relative imports)
    stages/base.py      Stage (registry via __init_subclass__, cost model as properties)
    stages/linalg.py    helpers: power iteration with a float tolerance, a Cholesky jitter ladder
    stages/kinds.py     the concrete stages: mean field, diagonal, low-rank, full covariance

The planner picks, per layer, the richest stage whose cost fits what is left of the budget
(a plan made once, before any FLOP is spent). A full-covariance layer factors the covariance
with a jitter ladder; a low-rank layer finds the top direction by power iteration.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP, SetupContext

import planners  # noqa: F401  (its decorators fill PLANNERS)
from registry import PLANNERS
from stages import STAGES, Moments

RESCALE_AT = 1e30


@dataclass
class RunLog:
    """What ran, for the logs (never read back for the cost)."""

    stages: list = field(default_factory=list)
    rescaled: int = 0
    notes: dict = field(default_factory=dict)

    def note(self, key: str, value) -> None:
        self.notes.setdefault(key, []).append(value)


class Estimator(BaseEstimator):
    planner_name = "greedy"

    def setup(self, context: SetupContext) -> None:
        self.log = RunLog()
        self.width_hint = context.width

    @property
    def planner(self):
        return PLANNERS[self.planner_name]

    def _stage_costs(self, width: int) -> dict:
        return {name: cls.estimate(width) for name, cls in STAGES.items()}

    def plan(self, mlp: MLP, budget: int) -> list[str]:
        costs = self._stage_costs(mlp.width)
        reserve = 4 * mlp.width * mlp.depth + 64
        return self.planner(costs, mlp.depth, max(budget - reserve, 0))

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = self.plan(mlp, budget)
        made = {name: STAGES[name].build(width, jitter=1e-6) for name in set(plan)}
        state = Moments.standard(width)
        rows = []
        ran = 0

        def record(name: str) -> int:
            nonlocal ran
            ran += 1
            self.log.stages.append(name)
            return ran

        for i, (w, name) in enumerate(zip(mlp.weights, plan, strict=True)):
            with flops.namespace(f"layer{i}"):
                state = made[name](state, w)
            record(name)
            if (peak := float(fnp.max(fnp.abs(state.mean)))) > RESCALE_AT or not math.isfinite(peak):
                state = state.rescaled(1.0 / max(peak, 1.0))
                self.log.rescaled += 1
            rows.append(state.mean)
        self.log.note("ran", ran)
        out = fnp.stack(rows)
        if out.dtype != fnp.float32:
            out = out.astype(fnp.float32)
        return out
