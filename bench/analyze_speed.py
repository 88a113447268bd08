"""How fast is `flopcast analyze` next to running the estimator under flopscope?

Prints, for each estimator, the whole-process time of running it under flopscope at the
point (the baseline), of `flopcast analyze` with an empty cache folder (first use after
install) and of `flopcast analyze` in a fresh process with the per-version caches filled
(cold process, warm disk cache: what a user sees from the second run on), and their
ratios to the run. The three processes alternate, ``--repeat`` rounds, and the medians
are reported in CPU time (user + system of the child: what each process costs on a
shared machine) and in wall time. The target (issue 10) is 0.10x for the cold analyze
at 1024x16. Then the in-process analysis time across widths and depths (it should be
flat). Nothing is asserted.

Usage: python bench/analyze_speed.py [--point 1024x16] [--repeat 5] [ESTIMATOR ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "samples" / "einsum_covariance.py", ROOT / "samples" / "covariance_propagation.py"]


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("estimators", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--point", default="1024x16")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    w, d = (int(x) for x in args.point.split("x"))
    py = sys.executable
    # Bytecode caching on, as on a user's machine.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"point {w}x{d}; medians of {args.repeat} alternating rounds of whole processes")
    print(f"{'estimator':<28} {'':>5} {'flopscope run':>14} {'analyze, empty cache':>21} "
          f"{'analyze, cold':>14} {'empty/run':>10} {'cold/run':>9}")
    for est in args.estimators:
        analyze = [py, "-m", "flopcast", "analyze", str(est), "--width", str(w), "--depth", str(d)]
        run = [py, "bench/run_estimator.py", str(est), str(w), str(d)]
        timed(analyze, env)  # fill the per-version caches
        rows: dict[str, list[tuple[float, float]]] = {"run": [], "empty": [], "cold": []}
        for _ in range(args.repeat):
            rows["run"].append(timed(run, env))
            with tempfile.TemporaryDirectory() as cache:
                rows["empty"].append(timed(analyze, dict(env, FLOPCAST_CACHE_DIR=cache)))
            rows["cold"].append(timed(analyze, env))
        for i, kind in enumerate(("CPU", "wall")):
            run_t, empty_t, cold_t = (statistics.median(t[i] for t in rows[k]) for k in ("run", "empty", "cold"))
            print(f"{est.name if i == 0 else '':<28} {kind:>5} {run_t:>13.2f}s {empty_t:>20.2f}s "
                  f"{cold_t:>13.2f}s {empty_t / run_t:>10.2f} {cold_t / run_t:>9.2f}")

    print("\nin-process analysis time (no formula), warm cache, by width x depth (steady loops repeat, so it should be flat):")
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
