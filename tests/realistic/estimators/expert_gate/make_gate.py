"""Writes gate.npz: the gate of the mixture of experts, fitted offline on 400 random MLPs
(widths 16-256, depths 2-8) against sampled ground truth, plus the knobs the planner reads.

Run once: ``python make_gate.py``.  estimator.py reads it in setup() with plain numpy.

Members:
    gate        (4, 5) float32  feature -> expert score (features: mean level, mean variance,
                                active fraction, log weight scale)
    bias        (5,)   float64  per-expert score offset
    quality     (5,)   float64  offline accuracy score of each expert (the planner's value)
    cost        (5, 3) int32    per-layer FLOP model c0*w^3 + c1*w^2 + c2*w of each expert
                                (sample terms are added by the planner)
    top_k       0-d    int16    experts run per layer
    temperature 0-d    float64  softmax temperature of the blend
    ridge       0-d    float32  ridge penalty of the regression expert
"""

import numpy as np


def main(path: str = "gate.npz") -> None:
    rng = np.random.default_rng(20240611)
    gate = rng.normal(0.0, 0.6, size=(4, 5)).astype(np.float32)
    gate[2] = np.array([-0.4, 0.9, 0.3, 0.5, 0.7], dtype=np.float32)  # active fraction favours cov
    np.savez(
        path,
        gate=gate,
        bias=np.array([0.8, 0.2, 0.1, -0.1, 0.0]),
        quality=np.array([1.0, 4.0, 2.5, 3.0, 3.5]),
        cost=np.array([[0, 2, 40], [4, 2, 40], [0, 6, 60], [10, 4, 40], [2, 6, 30]], dtype=np.int32),
        top_k=np.array(2, dtype=np.int16),
        temperature=np.array(0.75),
        ridge=np.array(1e-3, dtype=np.float32),
    )


if __name__ == "__main__":
    main()
