"""The sampling side: chunks of float32 samples pushed through the net, running means."""

from __future__ import annotations

from dataclasses import dataclass

import flopscope.numpy as fnp


@dataclass
class Running:
    total: object = None
    count: int = 0

    def add(self, rows) -> None:
        s = fnp.sum(rows, axis=0)
        self.total = s if self.total is None else self.total + s
        self.count += rows.shape[0]

    @property
    def mean(self):
        return self.total / self.count


def chunk_means(weights_list, width: int, chunk: int, chunks: int, seed: int, temper):
    """Per-layer running means over ``chunks`` chunks of ``chunk`` samples. ``temper`` (a 0-d
    array from the tables) scales the input draw."""
    rng = fnp.random.default_rng(seed)
    layers = [Running() for _ in weights_list]
    for _ in range(chunks):
        x = rng.standard_normal((chunk, width), dtype=fnp.float32) * temper
        for run, w in zip(layers, weights_list):
            x = fnp.maximum(x @ w, 0.0)
            run.add(x)
    return [run.mean for run in layers]
