"""Writes head.npz: the spectral head fitted offline on baked 64x8 datasets (the fit itself
lives in our notebook; these are its numbers), and the knobs tuned with it. The block sizes the
head was tuned on go to sweep.txt (one line, edited by hand between submissions).

Run once: ``python make_head.py`` (offline, plain numpy). setup() reads it with ``fnp.load``.
"""

import numpy as np


def main(path: str = "head.npz") -> None:
    np.savez(
        path,
        coef=np.array([0.42, -0.31, 0.08, 0.17], dtype=np.float32),   # on (top share, gap, log-trace, k/w)
        bias=np.array(-0.05, dtype=np.float32),
        gain=np.array(0.25),                                           # 0-d float64: the correction's size
        k_max=np.array(12, dtype=np.int32),                            # the largest block tried
        use_head=np.array(True),
    )
    with open("sweep.txt", "w") as f:
        f.write("4 6 8 12\n")


if __name__ == "__main__":
    main()
