"""Writes head_16.npz and head_32.npz (run once offline): an orthonormal basis per width for the
low-rank engine and a 0-d gain. The width-16 head is stored as float32, the width-32 one as
float64 (the offline fits were made in different precisions); other widths have no head and
the estimator falls back to a seeded random basis."""

import numpy as np

RANK = 4


def main() -> None:
    for width, dtype in ((16, np.float32), (32, np.float64)):
        rng = np.random.default_rng(width)
        q, _ = np.linalg.qr(rng.standard_normal((width, RANK)))
        np.savez(f"head_{width}.npz", basis=q.astype(dtype), gain=np.float64(0.95 + 0.001 * width),
                 fitted=np.int64(4 * width))


if __name__ == "__main__":
    main()
