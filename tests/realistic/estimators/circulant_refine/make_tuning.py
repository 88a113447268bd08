"""Writes tuning.npz: the offline-tuned knobs of circulant_refine (0-d members) and a prior
over the circulant spectrum (a seeded stand-in of its shape).

Run once: ``python make_tuning.py``. setup() reads it with plain numpy.
"""

import numpy as np


def main(path: str = "tuning.npz") -> None:
    rng = np.random.default_rng(34)
    np.savez(
        path,
        chunk=np.array(24, dtype=np.int64),          # samples per refinement chunk (before rounding)
        max_chunks=np.array(6, dtype=np.int32),      # refinement chunks at most
        tol=np.array(2e-3),                          # stop refining once the standard error is below
        oversample=np.array(4, dtype=np.int16),      # extra sketch columns
        prior=np.abs(rng.standard_normal(9)).astype(np.float32),  # spectrum prior, 9 taps
    )


if __name__ == "__main__":
    main()
