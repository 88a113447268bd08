"""Writes head.npz (run once offline, plain numpy): the correction head fitted on our own
sampled MLPs (two tanh layers over N_FEATURES per-unit features), the sample count the
head was fitted at, the activity threshold of the refinement and the order in which the
planner tries the models (0 = sampler, 1 = gauss, 2 = head-corrected mean field)."""

import numpy as np

N_FEATURES = 4
HIDDEN = 6


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(2026)
    w1 = 0.3 * rng.standard_normal((N_FEATURES, HIDDEN))
    b1 = 0.05 * rng.standard_normal(HIDDEN)
    w2 = 0.1 * rng.standard_normal((HIDDEN, 1))
    np.savez(path, w1=w1, b1=b1, w2=w2, b2=np.float64(0.01), n_samples=np.int64(48),
             threshold=np.float64(0.01), order=np.array([0, 1, 2], dtype=np.int64),
             feature_scale=np.array([1.0, 0.5, 2.0, 1.0]))


if __name__ == "__main__":
    main()
