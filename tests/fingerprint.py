"""Fingerprint of what flopcast says about every sample and corpus estimator, for before/after diffs.

A change to the analyzer that should not move a prediction (a speed change, a refactor, a fix
aimed elsewhere) is checked by running this at the commit before and the commit after and
diffing the two outputs: one line per (estimator, point) with the total, whether it is exact,
a lower bound or an interval, the raises, the unpriced count, the nominal number and the
per-call totals.

    .venv/bin/python tests/fingerprint.py [--points 256x8,1024x16] [--skip a.py,b.py] [--only c.py,d] > fp.txt

Each estimator is analysed in a child process of its own (a fork) with an alarm, so one that
outruns it (--seconds) prints TIMEOUT and the rest go on.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flopcast.analyzer import analyze  # noqa: E402
from flopcast.model import Point  # noqa: E402

TOPS = (ROOT / "samples", ROOT / "tests" / "realistic" / "estimators")


def estimators() -> list[Path]:
    found = []
    for top in TOPS:
        for entry in sorted(top.iterdir()):
            if entry.suffix == ".py":
                found.append(entry)
            elif (entry / "estimator.py").is_file():
                found.append(entry / "estimator.py")
    return found


def line(path: Path, point: Point) -> str:
    report = analyze(path, point)
    kind = "exact" if report.exact else ("lower" if report.unpriced else "interval")
    raises = sorted(f"{r.span.line if r.span else '-'}:{r.what.split(':')[0]}:{int(r.every_path)}"
                    for r in report.raises)
    calls = ",".join(f"{c.lo}-{c.hi}" for c in report.per_call)
    return (f"{report.total.lo} {report.total.hi} {kind} unpriced={len(report.unpriced)} "
            f"nominal={report.nominal} raises={raises} per_call=[{calls}]")


def fingerprint(path: Path, point: Point, seconds: int) -> str:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        signal.alarm(seconds)
        try:
            said = line(path, point)
        except BaseException as exc:  # noqa: BLE001 - the fingerprint records what went wrong
            said = f"ERROR {type(exc).__name__}: {str(exc)[:120]}"
        os.write(write, said.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode()
    _, status = os.waitpid(child, 0)
    return said or ("TIMEOUT" if os.WIFSIGNALED(status) else f"NO OUTPUT status={status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", default="256x8,1024x16")
    parser.add_argument("--budget", type=int, default=2**41)
    parser.add_argument("--skip", default="", help="comma-separated file or folder names to leave out")
    parser.add_argument("--only", default="", help="comma-separated file or folder names: these alone")
    parser.add_argument("--seconds", type=int, default=300)
    args = parser.parse_args()
    skip = {name for name in args.skip.split(",") if name}
    only = {name for name in args.only.split(",") if name}
    points = [Point(*map(int, p.split("x")), args.budget) for p in args.points.split(",")]
    for path in estimators():
        name = str(path.relative_to(ROOT))
        if path.name in skip or path.parent.name in skip:
            continue
        if only and path.name not in only and path.parent.name not in only:
            continue
        for point in points:
            print(f"{name} {point.width}x{point.depth}: {fingerprint(path, point, args.seconds)}", flush=True)


if __name__ == "__main__":
    main()
