"""Writes head.npz (run once offline): the blend weights per depth fraction and 0-d members
(the sample count the head was fitted at, the activity threshold, the cap on Strassen levels,
the energy share the low-rank summary keeps)."""

import numpy as np


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(44)
    blend = np.clip(0.8 + 0.05 * rng.standard_normal(6), 0.5, 1.0)
    np.savez(path, blend=blend, n_samples=np.int64(128), threshold=np.float64(0.02),
             max_levels=np.int64(2), energy=np.float64(0.9))


if __name__ == "__main__":
    main()
