"""Writes calib.npz (run offline once): the tables the estimator reads in setup()."""
import numpy as np

np.savez(
    "calib.npz",
    # width breakpoints -> sketch rank (searchsorted over widths)
    widths=np.array([8, 16, 32, 64, 128, 1024], dtype=np.int64),
    ranks=np.array([2, 3, 4, 6, 8, 16], dtype=np.int64),
    # per-layer damping learned offline
    damp=np.linspace(1.0, 0.8, 16).astype(np.float32),
    warm_steps=np.int64(3),
    tol=np.float64(2e-3),
    max_level=np.int64(2),
)
