"""Writes tables.npz: a Gauss-Hermite rule sorted by weight (the tail trimmed at run time by
the ``cut`` knob), a float32 prior curve over depth, and the 0-d knobs tuned offline.

Run once: ``python make_tables.py``. setup() reads it with plain numpy.
"""

import numpy as np


def main(path: str = "tables.npz") -> None:
    nodes, weights = np.polynomial.hermite_e.hermegauss(20)
    weights = weights / weights.sum()
    order = np.argsort(-weights, kind="stable")
    np.savez(
        path,
        nodes=nodes[order],                                    # probabilists' Hermite nodes
        weights=weights[order],                                # normalised, decreasing
        cut=np.array(1e-4, dtype=np.float32),                  # nodes lighter than this are dropped
        temper=np.array(0.9),                                  # 0-d float64: blends sample and rule
        chunk=np.array(48, dtype=np.int32),                    # samples per chunk
        chunks=np.array(3, dtype=np.int16),                    # chunks at most
        use_prior=np.array(True),
        prior=np.linspace(1.0, 0.6, 17).astype(np.float32),   # damping over relative depth
    )


if __name__ == "__main__":
    main()
