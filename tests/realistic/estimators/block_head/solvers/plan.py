"""Which block size and how many samples: a small cost model on the budget."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BlockPlan:
    bs: int
    blocks: int
    samples: int = 0
    notes: list = field(default_factory=list)

    @property
    def covered(self) -> int:
        return self.bs * self.blocks


def layer_cost(width: int, bs: int) -> int:
    b = width // bs
    # the three-operand einsum per block, the factorisation and the diagonal remainder
    return b * (100 * bs ** 3 + 40 * bs * bs) + 8 * width * width + 120 * width


def choose_block(width: int, depth: int, budget: int, sizes) -> BlockPlan:
    """Largest block size (of those the head knows) dividing the width whose layers fit 60% of
    the budget; then samples for the last layer's refit from what is left."""
    room = int(0.55 * budget)
    for bs in sorted((int(s) for s in sizes), reverse=True):
        if bs > width or width % bs:
            continue
        cost = depth * layer_cost(width, bs)
        if cost <= room:
            left = room - cost
            per = 2 * width * width * depth + 4 * width * depth + 16 * width
            n = min(left // per, 128)
            plan = BlockPlan(bs, width // bs, n if n >= 2 * width else 0)
            plan.notes.append(f"bs={bs} cost={cost}")
            return plan
    return BlockPlan(1, width, 0, ["diagonal"])
