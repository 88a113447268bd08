"""Neuron partitions (plain numpy bookkeeping) and a block-diagonal covariance."""

from __future__ import annotations

from typing import Iterator

import numpy as np

import flopscope.numpy as fnp


class Partition:
    """Neurons split into contiguous blocks after a fixed interleaving permutation."""

    __slots__ = ("width", "_bounds", "_order")

    def __init__(self, width: int, n_blocks: int):
        self.width = width
        order = np.argsort(np.arange(width) % n_blocks, kind="stable")
        self._order = order
        self._bounds = np.linspace(0, width, n_blocks + 1).astype(np.int64)

    @property
    def n_blocks(self) -> int:
        return len(self._bounds) - 1

    @property
    def inverse(self):
        """Where each neuron sits in the blocked order (plain numpy: free)."""
        return np.argsort(self._order, kind="stable")

    @property
    def sizes(self) -> list[int]:
        return [int(s) for s in np.diff(self._bounds)]

    def indices(self, b: int):
        lo, hi = self._bounds[b], self._bounds[b + 1]
        return self._order[lo:hi]

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        for b in range(self.n_blocks):
            yield b, self.indices(b)

    def __len__(self) -> int:
        return self.n_blocks


def block_pairs(part: Partition, skip_diagonal: bool = False):
    """(b, j) pairs of blocks, row by row; the diagonal pair last in its row."""
    for b, rows in part:
        yield from ((b, j, rows, cols) for j, cols in part if j != b)
        if not skip_diagonal:
            yield b, b, rows, rows


class BlockCov:
    """A block-diagonal covariance kept as a list of square blocks."""

    __slots__ = ("part", "blocks", "_scale")

    def __init__(self, part: Partition, blocks):
        self.part = part
        self.blocks = list(blocks)
        self._scale = 1.0

    @classmethod
    def identity(cls, part: Partition, dtype=None):
        return cls(part, [fnp.eye(len(idx), dtype=dtype) for _, idx in part])

    @property
    def scale(self) -> float:
        return self._scale

    @scale.setter
    def scale(self, value: float) -> None:
        if not value > 0.0:
            raise ValueError("scale must be positive")
        self._scale = float(value)

    def diagonal(self):
        # flopscope arrays are immutable: gather the blocks' diagonals, then undo the interleaving
        stacked = fnp.concatenate([fnp.diag(blk) for blk in self.blocks]) * self._scale
        return fnp.take(stacked, self.part.inverse)

    def __getitem__(self, b: int):
        return self.blocks[b]

    def __len__(self) -> int:
        return len(self.blocks)
