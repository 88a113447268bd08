"""Writes head.npz: the learned head fitted offline (a seeded stand-in of its shapes).

Run once: ``python make_head.py``. The estimator reads it with plain numpy in setup().
0-d members: the sample count the head was fitted with, the active-set threshold and the
sketch rank share.
"""

import numpy as np


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(31)
    coef = (0.1 * rng.standard_normal((4, 3))).astype(np.float64)
    bias = np.array([0.0, 0.01, -0.02])
    np.savez(path, coef=coef, bias=bias, n_samples=np.int64(96), threshold=np.float64(0.05),
             rank_share=np.float64(0.25), leaf=np.int64(8))


if __name__ == "__main__":
    main()
