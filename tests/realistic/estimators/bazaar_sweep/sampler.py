"""Monte Carlo refinement for bazaar_sweep: chunks of Gaussian inputs pushed through the net in
float32, per-layer means merged with Welford's running update.

The sampler is a class because it grew knobs: the seed comes from the MLP (whestbench asks for
it), the chunk count from head.npz, the early stop from TARGET_SE.  ``__call__`` returns one
float64 mean per layer.
"""

from __future__ import annotations

import logging
import warnings
from collections import deque

import numpy as np

import flopscope.numpy as fnp

log = logging.getLogger("bazaar_sweep.sampler")

RESCALE_AT = 1e30
TARGET_SE = 1e-4
SEED_SALT = 0x5EED


class Welford:
    """Running per-layer mean over chunks (Chan's merge of a chunk mean into the total)."""

    def __init__(self, depth: int, width: int):
        self.n = 0
        self.means = [fnp.zeros(width) for _ in range(depth)]
        self.m2 = [fnp.zeros(width) for _ in range(depth)]

    def push(self, layer: int, chunk_mean, chunk_m2, n_b: int) -> None:
        n = self.n + n_b
        delta = chunk_mean - self.means[layer]
        # flopscope arrays are immutable: no += here (it raised in week 4)
        self.means[layer] = self.means[layer] + delta * (n_b / n)
        self.m2[layer] = self.m2[layer] + chunk_m2 + delta * delta * (self.n * n_b / n)

    def stderr(self, layer: int) -> float:
        if self.n < 2:
            return float("inf")
        return float(fnp.sqrt(fnp.max(self.m2[layer]) / (self.n - 1) / self.n))


class Sampler:
    def __init__(self, seed: int, chunks: int = 3, early_stop: bool = True):
        self.seed = (int(seed) ^ SEED_SALT) & 0xFFFFFFFF
        self.chunks = max(1, int(chunks))
        self.early_stop = early_stop
        self.history = deque(maxlen=4)

    @staticmethod
    def per_sample(width: int, depth: int) -> int:
        # matmul 2 w^2, relu, guard, casts and the mean/m2 bookkeeping ~12 w, per layer; the draw 17 w once
        return depth * (2 * width * width + 12 * width) + 20 * width

    def split(self, n: int) -> list:
        base, extra = divmod(n, self.chunks)
        sizes = [base + (1 if i < extra else 0) for i in range(self.chunks)]
        return list(filter(None, sizes))

    def __call__(self, weights32: list, n: int) -> list:
        depth = len(weights32)
        width = int(np.shape(weights32[0])[0])
        rng = fnp.random.default_rng(self.seed)
        acc = Welford(depth, width)
        for c, size in enumerate(self.split(n)):
            x = rng.standard_normal((size, width)).astype(fnp.float32)
            for i, W in enumerate(weights32):
                x = fnp.maximum(x @ W, 0.0)
                if (peak := float(fnp.max(fnp.abs(x)))) > RESCALE_AT:
                    warnings.warn(f"layer {i}: samples past {RESCALE_AT:g} ({peak:.3g}), rescaled")
                    x = x / fnp.float32(peak)
                mean_b = fnp.mean(x, axis=0, dtype=fnp.float64)
                dev = x.astype(fnp.float64) - mean_b
                acc.push(i, mean_b, fnp.einsum("ni,ni->i", dev, dev), size)
            acc.n += size
            self.history.append(acc.n)
            if self.early_stop and c >= 1 and (se := acc.stderr(depth - 1)) < TARGET_SE:
                log.info(f"sampler stopped after {acc.n} samples (se {se:.2e})")
                break
        return acc.means
