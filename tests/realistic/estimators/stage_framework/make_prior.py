"""Writes prior.npz: the stage framework's offline-tuned knobs (fitted on 200 random MLPs,
widths 16-256, depths 2-8, against sampled ground truth).

Run once: ``python make_prior.py``.  estimator.py reads it in setup() with fnp.load.

Members:
    coef      (4, 3) int32   per-layer FLOP model c3*w^3 + c2*w^2 + c1*w of each stage, in the
                             order of ``stage_ids``
    stage_ids (4,)   int8    stage of each row, an index into estimator.STAGE_NAMES (fnp.load
                             reads numeric arrays only: no strings in the file)
    quality   (4,)   float64 offline accuracy score of each stage (higher first)
    rank      0-d    int16   rank of the low-rank stage
    samples   0-d    int32   samples of the sampler stage
    energy    0-d    float32 share of the spectrum the low-rank factor must keep
    blend     0-d    float32 weight of the mean-field row in the final blend
"""

import numpy as np


def main(path: str = "prior.npz") -> None:
    np.savez(
        path,
        coef=np.array([[0, 4, 200], [6, 6, 200], [0, 10, 500], [0, 0, 0]], dtype=np.int32),
        stage_ids=np.array([0, 1, 2, 3], dtype=np.int8),
        quality=np.array([1.0, 4.0, 2.0, 3.0]),
        rank=np.array(4, dtype=np.int16),
        samples=np.array(32, dtype=np.int32),
        energy=np.array(0.9, dtype=np.float32),
        blend=np.array(0.25, dtype=np.float32),
    )


if __name__ == "__main__":
    main()
