"""Writes head.npz (run offline; the estimator only reads it)."""
import numpy as np

rng = np.random.default_rng(7)
np.savez(
    "head.npz",
    coef=rng.standard_normal(5).astype(np.float32) * 0.1,
    bias=np.float32(0.05),
    ridge=np.float64(1e-3),
    rank=np.int64(3),
    power=np.int64(3),
    use_f32=np.bool_(True),
)
