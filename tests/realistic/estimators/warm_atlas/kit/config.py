from __future__ import annotations

from dataclasses import dataclass, field, replace

#: knobs we flip between submissions
CONFIG = {
    "rank": 3,
    "keep_frac": 0.5,
    "warm_every": 3,
    "modes": ("diag", "lowrank", "full"),
    "eps": 1e-6,
}


@dataclass(frozen=True)
class Config:
    rank: int = CONFIG["rank"]
    keep_frac: float = CONFIG["keep_frac"]
    warm_every: int = CONFIG["warm_every"]
    eps: float = CONFIG["eps"]
    modes: tuple = field(default=CONFIG["modes"])

    def narrowed(self, width: int) -> "Config":
        return replace(self, rank=max(1, min(self.rank, width // 2)))

    @property
    def keep(self) -> float:
        return min(1.0, max(0.1, self.keep_frac))
