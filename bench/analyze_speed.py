"""How fast is `flopcast analyze` next to running the estimator under flopscope?

Prints, for each estimator, the whole-process time of running it under flopscope at
the point (the baseline) and of `flopcast analyze` (cold cache and warm cache), and
the ratios; then the in-process analysis time across widths and depths (it should
be flat). Timings are medians of a few runs; nothing is asserted.

Usage: python bench/analyze_speed.py [--point 1024x16] [ESTIMATOR ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "samples" / "einsum_covariance.py", ROOT / "samples" / "covariance_propagation.py"]


def wall(cmd: list[str], env=None, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("estimators", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--point", default="1024x16")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    w, d = (int(x) for x in args.point.split("x"))
    py = sys.executable
    print(f"point {w}x{d}; medians of {args.repeat} runs; whole processes")
    print(f"{'estimator':<28} {'flopscope run':>14} {'analyze cold':>13} {'analyze warm':>13} {'cold/run':>9} {'warm/run':>9}")
    for est in args.estimators:
        base = wall([py, "bench/run_estimator.py", str(est), str(w), str(d)], repeat=1)
        cold_times = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as cache:
                env = dict(os.environ, FLOPCAST_CACHE_DIR=cache)
                cold_times.append(wall([py, "-m", "flopcast", "analyze", str(est), "--width", str(w), "--depth", str(d)], env, 1))
        cold = statistics.median(cold_times)
        analyze = [py, "-m", "flopcast", "analyze", str(est), "--width", str(w), "--depth", str(d)]
        wall(analyze, repeat=1)  # fill the per-version cache
        warm = wall(analyze, repeat=args.repeat)
        print(f"{est.name:<28} {base:>13.2f}s {cold:>12.2f}s {warm:>12.2f}s {cold / base:>9.2f} {warm / base:>9.2f}")

    print("\nin-process analysis time (no formula), warm cache: flat in width, linear in depth (loops unroll):")
    from flopcast.analyzer import analyze as run_analysis
    from flopcast.model import Point

    for est in args.estimators:
        row = []
        for pw, pd in ((64, 16), (1024, 16), (4096, 16), (1024, 4), (1024, 64)):
            run_analysis(est, Point(pw, pd, 2**41))
            t = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                run_analysis(est, Point(pw, pd, 2**41))
                t.append(time.perf_counter() - start)
            row.append(f"{pw}x{pd}: {1000 * statistics.median(t):6.1f} ms")
        print(f"  {est.name:<26} " + "   ".join(row))


if __name__ == "__main__":
    main()
