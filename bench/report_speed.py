"""How long does `flopcast report` take, next to `flopcast analyze` on the same file?

The target is the whole report of the covariance-propagation sample at 1024×16 in under
3 s. Prints the median wall and CPU time of both whole processes (warm pricing cache)
and their ratio, then the CPU time of each part of the report in one process. The CPU
times are what to read on a busy machine. Nothing is asserted.

Usage: python bench/report_speed.py [--point 1024x16] [ESTIMATOR]
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
DEFAULT = ROOT / "samples" / "covariance_propagation.py"


def timed(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median (wall, CPU of the child) seconds of a whole process."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def parts(path: Path, width: int, depth: int) -> None:
    """CPU seconds of each part of one report, in this process."""
    from flopcast.installed import resolve_point

    point = resolve_point(None, width, depth, None)
    clock = time.process_time
    t = clock()
    from flopcast.analyzer import analyze
    from flopcast.check.source import load_submission
    from flopcast.report import gather as g
    print(f"  import analyzer            {clock() - t:6.2f} s CPU"); t = clock()
    report = analyze(str(path), point, formula=True)
    print(f"  analysis + formula         {clock() - t:6.2f} s CPU"); t = clock()
    submission = load_submission(str(path))
    g._findings(submission, point, report, True, None)
    print(f"  check findings             {clock() - t:6.2f} s CPU"); t = clock()
    g._line_formulas(str(path), point, report, g.used_files(submission), {})
    print(f"  line formulas (13 small)   {clock() - t:6.2f} s CPU"); t = clock()
    from flopcast.report.curves import Analyses, curves
    analyses = Analyses(lambda at: analyze(str(path), at), point)
    analyses.seed(report)
    found = curves(analyses, report.formula)
    print(f"  curves + fit ({len(analyses.memo) - 1} analyses) {clock() - t:6.2f} s CPU"); t = clock()
    from flopcast.report.charts import _matplotlib, chart_svg
    _matplotlib()
    print(f"  import matplotlib          {clock() - t:6.2f} s CPU"); t = clock()
    for c in found:
        chart_svg(c)
    print(f"  two charts                 {clock() - t:6.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("estimator", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--point", default="1024x16")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    width, depth = (int(x) for x in args.point.split("x"))
    flopcast = [sys.executable, "-m", "flopcast"]
    where = ["--width", str(width), "--depth", str(depth)]
    out = os.path.join(tempfile.mkdtemp(), "page.html")
    subprocess.run([*flopcast, "report", str(args.estimator), *where, "-o", out], check=True,
                   capture_output=True, cwd=ROOT)  # warm the pricing cache
    analyze_wall, analyze_cpu = timed([*flopcast, "analyze", str(args.estimator), *where], args.repeat)
    report_wall, report_cpu = timed([*flopcast, "report", str(args.estimator), *where, "-o", out], args.repeat)
    print(f"{args.estimator.name} at {args.point}")
    print(f"  flopcast analyze: {analyze_wall:6.2f} s wall {analyze_cpu:6.2f} s CPU")
    print(f"  flopcast report:  {report_wall:6.2f} s wall {report_cpu:6.2f} s CPU "
          f"({report_cpu / analyze_cpu:.1f}x analyze's CPU; target < 3 s)")
    print("in one process:")
    parts(args.estimator, width, depth)


if __name__ == "__main__":
    main()
