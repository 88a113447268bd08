"""How long does the static analysis of a realistic participant estimator take at 1024x16?

    .venv/bin/python bench/realistic_speed.py [--point 1024x16] [--budget B] [--runs 20] [--profile NAME]

For each estimator in tests/realistic/estimators/: lines of code, the cold analysis (the
first in this process: imports and first-call caches; the per-version pricing cache on
disk is assumed warm) and the warm re-analysis after a one-line edit (parse + interpret +
roll-up, what an editor pays per keystroke), median and p90 over ``--runs`` edits. The
target is a warm re-analysis of at most 20 ms for a 300-line file. Nothing is asserted.
``--profile NAME`` prints a cProfile of the warm re-analysis of that estimator.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ESTIMATORS = sorted((ROOT / "tests" / "realistic" / "estimators").glob("*.py"))


def edited(text: str, i: int) -> str:
    """The text after the i-th keystroke: one changed comment line at the end."""
    return text + f"\n# edit {i}\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--point", default="1024x16")
    parser.add_argument("--budget", type=int, default=None, help="default: the current round's budget")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()

    from flopcast.analyzer import analyze
    from flopcast.installed import rounds
    from flopcast.model import Point

    w, d = (int(x) for x in args.point.split("x"))
    if args.budget is None:
        table, current = rounds()
        budget = table[current].flop_budget
    else:
        budget = args.budget
    point = Point(w, d, budget)
    print(f"point {w}x{d}, budget {budget:,}; warm = re-analysis after a one-line edit, {args.runs} runs")
    print(f"{'estimator':<22} {'lines':>6} {'cold':>9} {'warm p50':>9} {'warm p90':>9}  total")
    for path in ESTIMATORS:
        text = path.read_text()
        start = time.perf_counter()
        report = analyze(path, point, source=text)
        cold = time.perf_counter() - start
        times = []
        for i in range(args.runs):
            src = edited(text, i)
            start = time.perf_counter()
            analyze(path, point, source=src)
            times.append(time.perf_counter() - start)
        times.sort()
        p50 = statistics.median(times)
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        lines = len(text.splitlines())
        print(f"{path.stem:<22} {lines:>6} {cold * 1e3:>7.1f}ms {p50 * 1e3:>7.1f}ms {p90 * 1e3:>7.1f}ms  {report.total}")
        if args.profile == path.stem:
            prof = cProfile.Profile()
            prof.enable()
            for i in range(args.runs):
                analyze(path, point, source=edited(text, 1000 + i))
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
