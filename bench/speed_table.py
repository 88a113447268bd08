"""How long does a whole `flopcast analyze` take on every estimator we have, at three sizes?

    .venv/bin/python bench/speed_table.py [--repeat 3] [--markdown docs/speed.md] [FILE ...]

For every estimator of the participant-style corpus (tests/realistic/estimators, files
and folders, globbed at run time) and of samples/: its lines, its value-dependent sites
and the paths explored at 1024x16, and the whole-process time of `flopcast analyze` at
256x8, 1024x16 and 4096x64 (median of --repeat runs, the points alternating, after one
warm-up run that fills the per-version pricing cache). A baseline process (`python -c
pass` with the same interpreter) runs alongside; its time is printed and subtracted from
nothing. The targets (issue 10): at most 1.0 s at 256x8 and at 1024x16, and 4096x64 at
most 1.2x the 256x8 time. Nothing is asserted; ``--markdown`` writes the table for docs.

Subprocesses run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as on a
user's machine.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POINTS = [(256, 8), (1024, 16), (4096, 64)]


def estimators() -> list[Path]:
    corpus = ROOT / "tests" / "realistic" / "estimators"
    samples = ROOT / "samples"
    found = sorted(corpus.glob("*.py")) + sorted(corpus.glob("*/estimator.py"))
    found += sorted(samples.glob("*.py")) + sorted(samples.glob("*/estimator.py")) + sorted(samples.glob("intervals/*.py"))
    return found


def label(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return str(rel.parent if path.name == "estimator.py" else rel).replace("tests/realistic/estimators/", "corpus/")


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one process, the processes it waited for included (user + system);
    (nan, nan) when it failed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        # A crash is not a time: say so, loudly, instead of timing the traceback.
        print(f"  FAILED ({done.returncode}): {' '.join(cmd[2:])}\n    " +
              "\n    ".join(done.stderr.strip().splitlines()[-3:]), file=sys.stderr)
        return math.nan, math.nan
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wall(cmd: list[str], env: dict) -> float:
    """The process's CPU time (user + system), or its wall time with --wall. On a shared
    machine the CPU time is what the process itself costs; the wall time adds the wait."""
    elapsed, cpu = timed(cmd, env)
    return elapsed if WALL else cpu


WALL = False


def sites_and_paths(path: Path) -> tuple[int, int, bool]:
    """The sites and paths of the exploration `flopcast analyze` makes at the round's point: the
    same call (calls shared across paths), or a file whose paths re-run a planner's table would
    be counted far slower than it is analysed (riccati_filter: 14 CPU minutes)."""
    from flopcast.analyzer.api import analyze_program
    from flopcast.analyzer.program import estimator_class, load_program
    from flopcast.installed import rounds
    from flopcast.model import Point

    table, current = rounds()
    program = load_program(path)
    explorations: list = []
    analyze_program(program, estimator_class(program, None), Point(1024, 16, table[current].flop_budget), True,
                    explorations=explorations)
    explored = explorations[0]
    keys = {site.key for r in explored.results for site in r.sites}
    return len(keys), len(explored.results), explored.capped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--wall", action="store_true", help="wall time instead of CPU time")
    args = parser.parse_args()
    global WALL
    WALL = args.wall
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    py = sys.executable
    files = [f.resolve() for f in args.files] or estimators()
    baseline = statistics.median(wall([py, "-c", "pass"], env) for _ in range(args.repeat))
    kind = "wall" if WALL else "CPU (user + system)"
    print(f"{kind} seconds, medians of {args.repeat} whole processes; baseline `python -c pass`: {baseline:.3f} s")
    header = ["estimator", "lines", "sites", "paths", *(f"{w}x{d} s" for w, d in POINTS), "4096x64 / 256x8"]
    rows = []
    print(f"{header[0]:<40} {header[1]:>5} {header[2]:>5} {header[3]:>6} " + " ".join(f"{h:>11}" for h in header[4:]))
    for path in files:
        target = path.parent if path.name == "estimator.py" else path
        cmds = [[py, "-m", "flopcast", "analyze", str(target), "--width", str(w), "--depth", str(d)] for w, d in POINTS]
        for cmd in cmds:
            wall(cmd, env)  # warm the per-version caches
        times: list[list[float]] = [[] for _ in POINTS]
        for _ in range(args.repeat):
            for i, cmd in enumerate(cmds):
                times[i].append(wall(cmd, env))
        medians = [math.nan if any(map(math.isnan, t)) else statistics.median(t) for t in times]
        sites, paths, capped = sites_and_paths(path)
        lines = sum(len(f.read_text().splitlines()) for f in ([path] if path.name != "estimator.py" else path.parent.glob("*.py")))
        row = [label(path), str(lines), str(sites), f"{paths}{'+' if capped else ''}",
               *(f"{m:.2f}" for m in medians), f"{medians[2] / medians[0]:.2f}"]
        rows.append(row)
        print(f"{row[0]:<40} {row[1]:>5} {row[2]:>5} {row[3]:>6} " + " ".join(f"{c:>11}" for c in row[4:]), flush=True)
        if args.markdown:
            _write_markdown(args.markdown, header, rows, kind, baseline)
    over = [r[0] for r in rows if float(r[4]) > 1.0 or float(r[5]) > 1.0]
    steep = [r[0] for r in rows if float(r[7]) > 1.2]
    failed = [r[0] for r in rows if "nan" in r[4:]]
    print(f"\nfailed (nan in the table, the error above): {', '.join(failed) or 'none'}")
    print(f"over 1.0 s at 256x8 or 1024x16: {', '.join(over) or 'none'}")
    print(f"4096x64 over 1.2x the 256x8 time: {', '.join(steep) or 'none'}")


def _write_markdown(path: Path, header: list, rows: list, kind: str, baseline: float) -> None:
    out = [f"{kind} seconds of a whole `flopcast analyze` process (median), written by "
           f"`bench/speed_table.py`; `python -c pass` took {baseline:.3f} s in the same run.", "",
           "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    path.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
