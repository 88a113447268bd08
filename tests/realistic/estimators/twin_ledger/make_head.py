"""Writes head.npz (float32 weights of a 4-feature -> 2 head, a 0-d float32 gain) and blend.npy
(float64 per-depth blend weights). Run once offline: ``python make_head.py``."""

import numpy as np


def main() -> None:
    rng = np.random.default_rng(25)
    w = (0.1 * rng.standard_normal((4, 2))).astype(np.float32)
    np.savez("head.npz", W=w, gain=np.float32(0.9))
    np.save("blend.npy", np.linspace(1.0, 0.7, 6))


if __name__ == "__main__":
    main()
