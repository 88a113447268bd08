"""Which pass to run: every plan prices itself with the cost model and the cheapest that fits wins."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .helpers import Config, CostModel, stage_costs


@dataclass(frozen=True)
class Plan:
    name: str
    cost: int
    layers: int = 0          # covariance layers (the rest by mean field)
    samples: int = 0         # Monte Carlo rows drawn at the input
    active: int = 0          # neurons refit by the head


def mean_field_cost(width: int, depth: int) -> int:
    return depth * (2 * width * width + 320 * width)


def sample_count(width: int, depth: int, budget: int) -> int:
    # what a fifth of the budget buys, in whole blocks of 8 rows, clamped
    per_row = max(1, depth * 2 * width * width)
    return max(8, min(256, (budget // 5) // per_row // 8 * 8))


def candidates(width: int, depth: int, budget: int, model: CostModel):
    mf = mean_field_cost(width, depth)
    yield Plan("zeros", 0)
    yield Plan("mean", mf)
    running = stage_costs(width, depth, model)
    # as many covariance layers as fit in half the budget, the rest by mean field
    fits = list(itertools.takewhile(lambda c: c < budget // 2, running))
    if fits:
        layers = len(fits)
        yield Plan("cov", fits[-1] + mean_field_cost(width, depth - layers), layers=layers,
                   active=max(2, width // 4))
    n = sample_count(width, depth, budget)
    # the refit's lstsq on k neurons costs about 56 k^3: try the wider active set first
    yield from (Plan("mc", mf + n * depth * 2 * width * width + 8 * n * width + 56 * k ** 3, samples=n, active=k)
                for k in itertools.islice((width // 4, width // 8), 2) if k >= 2)


def choose(width: int, depth: int, budget: int, cfg: Config) -> Plan:
    model = CostModel.from_config(cfg, width)
    fitting = [p for p in candidates(width, depth, budget, model) if p.cost <= budget]
    rank = {"cov": 0, "mc": 1, "mean": 2, "zeros": 3}
    return min(fitting, key=lambda p: (rank[p.name], -p.cost))
