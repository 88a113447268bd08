"""Writes heads.npz: the head we ship and its knobs, fitted offline (plain numpy; the fit lives in
our notebook, these are its numbers). setup() reads it with ``fnp.load``.

Run once: ``python make_heads.py``.
"""

import numpy as np


def main(path: str = "heads.npz") -> None:
    np.savez(
        path,
        kind=np.array(2, dtype=np.int8),                      # 0 linear, 1 spectral, 2 topk
        rank=np.array(6, dtype=np.int32),                     # the basis / block size asked for
        temper=np.array(0.15, dtype=np.float32),              # the correction's size
        coef=np.array([0.4, -0.2, 0.1, 0.05, -0.3, 0.2], dtype=np.float32),   # on the head's features
        refit_every=np.array(0, dtype=np.int16),              # 0: the basis is cached for good
    )


if __name__ == "__main__":
    main()
