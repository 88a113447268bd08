"""How much do helper processes shorten a whole `flopcast analyze` (analyzer/ahead.py)?

    .venv/bin/python bench/path_jobs.py [--repeat 5] [--width 1024 --depth 16] [FILE ...]

For each estimator (default: the corpus files whose paths or whose fit and savings were the
slowest in session 28), whole `flopcast analyze` processes alternate with
``FLOPCAST_PATH_JOBS=1`` (one process, the baseline) and without it (one helper per spare core),
after one warm-up run of each. Printed per file: the median wall seconds of each, their ratio,
and the CPU seconds of each (user + system, helpers included: the work done, which helpers do
not shrink). Nothing is asserted. The ratio means something only on an otherwise idle machine:
on a loaded one the helpers wait for a core like everything else.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from pathlib import Path

from speed_table import ROOT, timed

CORPUS = ROOT / "tests" / "realistic" / "estimators"
DEFAULT = ["rescue_ladder.py", "qr_active", "staged_pipeline.py", "power_deflate.py", "fourier_power.py",
           "newton_whiten.py", "quantile_gram.py", "flag_portfolio.py", "lowrank_moments.py", "stage_classes.py",
           "traced_kit", "segment_planner.py"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--depth", type=int, default=16)
    args = parser.parse_args()
    files = [f.resolve() for f in args.files] or [CORPUS / name for name in DEFAULT]
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FLOPCAST_PATH_JOBS")}
    configs = {"one process": {**base, "FLOPCAST_PATH_JOBS": "1"}, "helpers": base}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"whole `flopcast analyze` at {args.width}x{args.depth}, medians of {args.repeat} alternating runs, "
          f"{cores} cores, load {os.getloadavg()[0]:.1f} at the start")
    print(f"{'estimator':<32} {'wall 1 proc':>11} {'wall helpers':>12} {'ratio':>6} {'CPU 1 proc':>11} {'CPU helpers':>11}")
    ratios = []
    for path in files:
        cmd = [sys.executable, "-m", "flopcast", "analyze", str(path), "--width", str(args.width),
               "--depth", str(args.depth)]
        if any(math.isnan(timed(cmd, env)[0]) for env in configs.values()):  # also warms the caches
            continue
        walls: dict = {name: [] for name in configs}
        cpus: dict = {name: [] for name in configs}
        for _ in range(args.repeat):
            for name, env in configs.items():
                wall, cpu = timed(cmd, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        one, helped = (statistics.median(walls[name]) for name in configs)
        ratios.append(helped / one)
        print(f"{path.name if path.suffix else path.name + '/':<32} {one:>11.2f} {helped:>12.2f} {helped / one:>6.2f} "
              f"{statistics.median(cpus['one process']):>11.2f} {statistics.median(cpus['helpers']):>11.2f}",
              flush=True)
    print(f"\nmedian ratio (helpers / one process, wall): {statistics.median(ratios):.2f}; "
          f"load {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
