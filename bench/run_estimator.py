"""Baseline for the benchmarks: run an estimator under flopscope at a point, as `whest run` would.

Usage: python bench/run_estimator.py PATH WIDTH DEPTH
"""

import sys
import warnings

warnings.filterwarnings("ignore")


def main() -> None:
    sys.path.insert(0, "tests")
    from oracle import measure

    from flopcast.model import Point

    path, width, depth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(measure(path, Point(width, depth, 2**41)).total)


if __name__ == "__main__":
    main()
