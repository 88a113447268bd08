"""Writes head.npz (the offline fit; here a seeded stand-in with the real shapes and dtypes).

Run once before submitting: ``python make_head.py``. setup() reads it with plain numpy,
``allow_pickle=False``; the arrays come in several dtypes on purpose (the fit was exported
from a quantisation-aware trainer):

    w_q      int8   (F, H)   quantised first layer
    w_scale  float16 (H,)    per-column scale
    b1       float32 (H,)
    w2       float16 (H,)    output layer (one correction per unit)
    keep     bool   (F,)     which of the F candidate features the fit kept
    order    int8   (K,)     quantile knots' order (a permutation)
    knots    float32 (K,)    depth-fraction knots of the blend
    blend    float64 (K,)    blend weight at each knot
    act      int8   ()       the hidden activation's code (0 tanh, 1 arctan, 2 sin)
"""

import numpy as np

F, H, K = 6, 8, 5


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(29)
    w = rng.standard_normal((F, H)) / np.sqrt(F)
    scale = np.abs(w).max(axis=0) / 127.0
    w_q = np.round(w / scale).astype(np.int8)
    keep = np.array([True, True, False, True, True, False])
    order = np.array([4, 0, 3, 1, 2], dtype=np.int8)
    knots = np.linspace(0.0, 1.0, K).astype(np.float32)
    blend = np.array([0.9, 0.8, 0.6, 0.5, 0.4])
    np.savez(path, w_q=w_q, w_scale=scale.astype(np.float16),
             b1=(0.01 * rng.standard_normal(H)).astype(np.float32),
             w2=(0.05 * rng.standard_normal(H)).astype(np.float16),
             keep=keep, order=order, knots=knots[order], blend=blend[order], act=np.int8(0))


if __name__ == "__main__":
    main()
