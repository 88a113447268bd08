"""Is a change to the analyzer faster, with the same report? Two checkouts, whole processes.

    .venv/bin/python bench/before_after.py BASE BRANCH FILE --point 16x3 [--budget B] [--repeat 3]

BASE and BRANCH are checkouts of flopcast (e.g. `git archive main | tar -x -C /tmp/base`);
FILE is an estimator path relative to them. Each round runs `python -m flopcast analyze` once
in each checkout (cwd there, so its code is imported), base first, with FLOPCAST_PATH_JOBS=1:
the CPU seconds (user + system) of each process, their medians, and whether every text report
was the same. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path


def timed(root: Path, args: list[str]) -> tuple[float, str]:
    """CPU seconds of one whole `flopcast analyze` in ``root``, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "flopcast", "analyze", *args], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "FLOPCAST_PATH_JOBS": "1"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", type=Path)
    parser.add_argument("branch", type=Path)
    parser.add_argument("file")
    parser.add_argument("--point", default="16x3")
    parser.add_argument("--budget", type=int, default=None, help="default: the current round's budget")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    w, d = args.point.split("x")
    cli = [args.file, "--width", w, "--depth", d] + (["--budget", str(args.budget)] if args.budget else [])
    times: dict = {"base": [], "branch": []}
    texts: set = set()
    for _ in range(args.repeat):
        for side, root in (("base", args.base), ("branch", args.branch)):
            cpu, text = timed(root, cli)
            times[side].append(cpu)
            texts.add(text)
    runs = {side: ", ".join(f"{t:.2f}" for t in ts) for side, ts in times.items()}
    print(f"{args.file} {args.point}{f' b={args.budget}' if args.budget else ''}: "
          f"base {runs['base']} (median {statistics.median(times['base']):.2f}) / "
          f"branch {runs['branch']} (median {statistics.median(times['branch']):.2f}) CPU s; "
          f"reports {'the same' if len(texts) == 1 else 'DIFFER'}")


if __name__ == "__main__":
    main()
