"""Writes head.npz (the 'trained' correction head): run once, not at prediction time."""
import numpy as np

rng = np.random.default_rng(7)
np.savez(
    "head.npz",
    w1=rng.standard_normal((4, 6)).astype(np.float32) * 0.1,
    b1=np.zeros(6, dtype=np.float32),
    w2=rng.standard_normal(6).astype(np.float32) * 0.05,
    scale=np.array(0.5, dtype=np.float64),
    layers=np.array(2, dtype=np.int32),
)
