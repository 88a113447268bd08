"""How fast does `flopcast check` go through many submission folders, and what does the pool add?

    .venv/bin/python bench/check_pool.py [--folders 200] [--jobs N] [--corpus] [--no-formula]

Makes ``--folders`` submission folders in a temporary directory (each an ``estimator.py``
copied from samples/, and with ``--corpus`` also from the participant-style corpus, in
turn; folder estimators are copied whole), then runs one whole `flopcast check --statistics`
process over all of them with ``--jobs 1`` and one with ``--jobs N`` (default: one per
core), and prints each run's wall time, the files per second that check itself reports, and
the speed-up. On a shared machine the speed-up is bounded by the cores free at the time
(the load average is printed). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sources(corpus: bool) -> list[Path]:
    found = sorted((ROOT / "samples").glob("*.py"))
    if corpus:
        estimators = ROOT / "tests" / "realistic" / "estimators"
        found += sorted(estimators.glob("*.py")) + sorted(p.parent for p in estimators.glob("*/estimator.py"))
    return found


def make_folders(root: Path, n: int, corpus: bool) -> list[Path]:
    pool = sources(corpus)
    folders = []
    for i in range(n):
        source = pool[i % len(pool)]
        folder = root / f"submission_{i:03d}"
        if source.is_dir():
            shutil.copytree(source, folder)
        else:
            folder.mkdir()
            shutil.copy(source, folder / "estimator.py")
        folders.append(folder)
    return folders


def run(folders: list[Path], jobs: int, extra: list[str]) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = [sys.executable, "-m", "flopcast", "check", "--statistics", "--exit-zero", "--jobs", str(jobs), *extra,
           *map(str, folders)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    stats = next((line for line in done.stderr.splitlines() if "files/s" in line), done.stderr.strip()[-300:])
    return elapsed, stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", action="store_true", help="also copy the participant-style corpus")
    parser.add_argument("--no-formula", action="store_true", help="pass --no-formula (no saving formulas)")
    args = parser.parse_args()
    extra = ["--no-formula"] if args.no_formula else []
    with tempfile.TemporaryDirectory() as tmp:
        folders = make_folders(Path(tmp), args.folders, args.corpus)
        print(f"{len(folders)} submission folders; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        times = {}
        for jobs in (1, args.jobs):
            elapsed, stats = run(folders, jobs, extra)
            times[jobs] = elapsed
            rate = re.search(r"([\d.]+) files/s", stats)
            print(f"--jobs {jobs}: {elapsed:.1f} s wall; check reports: {rate.group(0) if rate else stats}")
        print(f"speed-up of --jobs {args.jobs} over --jobs 1: {times[1] / times[args.jobs]:.2f}x "
              f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
