"""Writes head.npz offline (plain numpy)."""
import numpy as np

def main(path="head.npz"):
    rng = np.random.default_rng(7)
    np.savez(path, proj=0.2 * rng.standard_normal((5, 3)), bias=np.zeros(3),
             out=0.1 * rng.standard_normal(3), tol=np.float64(1e-4), max_iter=np.int64(6),
             keep_frac=np.float64(0.25), ridge=np.float64(1e-6))

if __name__ == "__main__":
    main()
