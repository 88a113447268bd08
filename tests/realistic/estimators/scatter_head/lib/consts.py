"""Constants of the submission, several of them computed when the module is imported."""

from __future__ import annotations

import math

import numpy as np

#: chunk sizes we allow for the sampled passes: powers of two, with their log2
LOG2 = {1 << i: i for i in range(3, 12)}
CHUNKS = tuple(sorted(LOG2))
MIN_SAMPLES, MAX_SAMPLES = 16, 2048
MIN_ACTIVE, MAX_ACTIVE_FRAC = 2, 0.5
#: a seed salt derived from the team name (stable across runs, unlike hash())
SALT = int.from_bytes(b"scatter", "little") % 10_007
#: the variance share the adaptive active set must cover
COVER = 0.8
#: plain numpy, made at import: the quantile levels of the bucket edges
LEVELS = np.linspace(0.125, 0.875, 7)
EDGES_Z = np.array([math.sqrt(2.0) * x for x in (-1.15, -0.67, -0.32, 0.0, 0.32, 0.67, 1.15)])
FLOOR = 1e-8
SAFETY = 0.75

__all__ = ["LOG2", "CHUNKS", "MIN_SAMPLES", "MAX_SAMPLES", "MIN_ACTIVE", "MAX_ACTIVE_FRAC",
           "SALT", "COVER", "LEVELS", "EDGES_Z", "FLOOR", "SAFETY"]
