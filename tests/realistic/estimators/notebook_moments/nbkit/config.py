"""Run configuration: which strategy, how many samples, how much slack.

Everything that used to be a notebook cell constant lives here so the sweeps in
``sweep.ipynb`` could ``dataclasses.replace`` one knob at a time.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:  # only for the annotations
    from collections.abc import Sequence

log = logging.getLogger(__name__)   # never configured here: the estimator decides

#: fraction of the budget the plan may spend (the rest is head-room for the fallbacks)
SAFETY = 0.7
#: sample counts are powers of two between these
MIN_SAMPLES, MAX_SAMPLES = 16, 512
#: rows per chunk of the sampled forward pass
CHUNK = 64
#: seconds a stage may take before the cheap path is used for the rest (notebook rule of thumb)
STAGE_SECONDS = float(os.environ.get("NB_STAGE_SECONDS", "0.25"))


class Strategy(enum.StrEnum):
    MEAN = "mean"
    DIAG = "diag"
    COV = "cov"
    SAMPLE = "sample"

    @property
    def rich(self) -> bool:
        return self in (Strategy.COV, Strategy.SAMPLE)


class StageReport(TypedDict):
    stage: str
    seconds: float
    flops_planned: int


def _cost_cov(width: int, depth: int, block: int) -> int:
    # W.T @ C @ W twice per layer, plus the elementwise moment formulas and the block repair
    per_layer = 4 * width ** 3 + 60 * width * width + 40 * width
    repair = (width // max(block, 1)) * (12 * block ** 3 + 10 * block * block)
    return depth * per_layer + depth * repair


def _cost_diag(width: int, depth: int) -> int:
    return depth * (4 * width * width + 120 * width)


def _cost_sample(width: int, depth: int, n: int) -> int:
    return depth * (2 * n * width * width + 4 * n * width) + 2 * n * width


@dataclass(frozen=True, slots=True)
class RunConfig:
    strategy: Strategy
    samples: int = 0
    chunk: int = CHUNK
    block: int = 8
    jitter: float = 1e-6
    repair_every: int = 2
    stage_seconds: float = STAGE_SECONDS
    notes: tuple[str, ...] = ()

    # -------------------------------------------------------------- factories
    @classmethod
    def from_budget(cls, width: int, depth: int, budget: int, notes: "Sequence[str]" = ()) -> "RunConfig":
        room = SAFETY * budget
        block = 8 if width % 8 == 0 else width
        if _cost_cov(width, depth, block) <= room:
            cfg = cls(Strategy.COV, block=block, notes=tuple(notes))
        elif _cost_diag(width, depth) <= room:
            cfg = cls(Strategy.DIAG, block=block, notes=tuple(notes))
        else:
            cfg = cls(Strategy.MEAN, block=block, notes=tuple(notes))
        left = room - cfg.planned(width, depth)
        n = cls.samples_for(width, depth, left)
        if n and cfg.strategy is not Strategy.MEAN:
            cfg = dataclasses.replace(cfg, samples=n, notes=cfg.notes + (f"{n} samples",))
        return cfg

    @staticmethod
    def samples_for(width: int, depth: int, room: float) -> int:
        per = _cost_sample(width, depth, 1)
        raw = int(room // max(per, 1))
        if raw < MIN_SAMPLES:
            return 0
        return min(MAX_SAMPLES, 1 << (raw.bit_length() - 1))

    # -------------------------------------------------------------- helpers
    def planned(self, width: int, depth: int) -> int:
        match self.strategy:
            case Strategy.COV:
                return _cost_cov(width, depth, self.block)
            case Strategy.DIAG:
                return _cost_diag(width, depth)
            case Strategy.SAMPLE:
                return _cost_sample(width, depth, self.samples)
            case _:
                return 2 * width * width * depth

    def summary(self) -> dict:
        out = dataclasses.asdict(self)
        out["strategy"] = str(self.strategy)
        out["notes"] = list(self.notes)
        return out
