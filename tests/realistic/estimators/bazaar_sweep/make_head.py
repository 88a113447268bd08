"""Writes head.npz: the tiny correction head and the knobs of bazaar_sweep.

Fitted offline (plain numpy, a notebook not shipped) on 300 random MLPs against sampled means.
Run once: ``python make_head.py``.  estimator.py reads it in setup() with plain numpy.

Members:
    w1          (3, 6) float32  features (mean, std, layer fraction) -> hidden
    b1          (6,)   float32
    w2          (6,)   float64  hidden -> relative correction
    gain        0-d    float64  scale of the correction (clipped to +-CLIP in the head)
    topk_frac   0-d    float64  share of the neurons refined by sampling
    mc_share    0-d    float32  share of the budget the sampler may take
    order       (4,)   int8     preference order of the strategies (index into STRATEGIES)
    chunks      0-d    int16    Welford chunks of the sampler
"""

import numpy as np


def main(path: str = "head.npz") -> None:
    rng = np.random.default_rng(4811)
    np.savez(
        path,
        w1=rng.normal(0.0, 0.5, size=(3, 6)).astype(np.float32),
        b1=rng.normal(0.0, 0.1, size=(6,)).astype(np.float32),
        w2=rng.normal(0.0, 0.3, size=(6,)),
        gain=np.array(0.2),
        topk_frac=np.array(0.25),
        mc_share=np.array(0.35, dtype=np.float32),
        order=np.array([3, 2, 1, 0], dtype=np.int8),
        chunks=np.array(3, dtype=np.int16),
    )


if __name__ == "__main__":
    main()
