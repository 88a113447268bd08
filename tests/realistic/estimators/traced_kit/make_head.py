"""Writes head.npz: the learned head fitted offline (here: a seeded stand-in of its shapes).

Run once: ``python make_head.py``. The estimator reads the file with plain numpy in setup().
"""

import numpy as np

HIDDEN = 6
FEATURES = 4


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(20)
    w1 = (rng.standard_normal((FEATURES, HIDDEN)) / np.sqrt(FEATURES)).astype(np.float32)
    w2 = (0.05 * rng.standard_normal((HIDDEN, 2))).astype(np.float32)
    bias = np.array([0.0, -0.01], dtype=np.float32)
    # blend weight of the correction against depth: knots (x: depth fraction, y: weight)
    knots = np.stack([np.linspace(0.0, 1.0, 5), np.array([1.0, 0.9, 0.7, 0.6, 0.5])])
    np.savez(path, w1=w1, w2=w2, bias=bias, knots=knots)


if __name__ == "__main__":
    main()
