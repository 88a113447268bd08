"""Writes head.npz: the offline-fitted head of block_head (here a seeded stand-in of its shapes).

Run once: ``python make_head.py``. setup() reads it with plain numpy.
"""

import numpy as np

FEATURES = 5
HIDDEN = 4


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(30)
    w1 = (rng.standard_normal((FEATURES, HIDDEN)) / np.sqrt(FEATURES)).astype(np.float32)
    w2 = (0.05 * rng.standard_normal((HIDDEN,))).astype(np.float32)
    # the largest block size the head was fitted for (it was fitted on 4, 8 and 16): 0-d
    max_block = np.array(16, dtype=np.int64)
    np.savez(path, w1=w1, w2=w2, max_block=max_block)


if __name__ == "__main__":
    main()
