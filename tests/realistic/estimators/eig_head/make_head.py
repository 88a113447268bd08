"""Writes head.npz: a 6 -> 8 -> 2 tanh head (W1 float32, b1 float32, W2 float16, a float64 0-d
``scale``) fitted offline on spectral features of public nets; the numbers here are a seeded
stand-in of the same shapes. Run once offline: ``python make_head.py``."""

import numpy as np


def main() -> None:
    rng = np.random.default_rng(26)
    w1 = (0.3 * rng.standard_normal((6, 8))).astype(np.float32)
    b1 = (0.05 * rng.standard_normal(8)).astype(np.float32)
    w2 = (0.2 * rng.standard_normal((8, 2))).astype(np.float16)
    np.savez("head.npz", W1=w1, b1=b1, W2=w2, scale=np.float64(0.1))


if __name__ == "__main__":
    main()
