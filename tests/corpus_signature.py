"""The signature of a corpus entry's report at each of its points (docs/testing.md, Session 53's rule
for moving or dropping a corpus point; kept here since session 54): what the corpus tests look at,
numbers removed.

    FLOPCAST_PATH_JOBS=1 .venv/bin/python tests/corpus_signature.py ENTRY WxDxB[,WxDxB...] [-v]

For each point: the kind (exact / lower / interval: a guarded point reads interval), the CPU seconds of the analysis and of the runs
(tests/corpus_runs.py: the first MLP and as many as the report follows), and a hash of the
signature: value-dependent sites (file, line, kind, reason with digits removed), unpriced (file,
line, what), raises (file, line, what with digits removed, every path), notes (file, line, message
with digits removed), the set of charged (file, line). Two points with the same hash show the
same branches to the tests. With -v the signature itself is printed.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus_runs import corpus_path  # noqa: E402
from oracle import measure_calls  # noqa: E402

from flopcast.analyzer import analyze  # noqa: E402
from flopcast.model import Point  # noqa: E402

_DIGITS = re.compile(r"[\d,._]+(e[+-]?\d+)?")


def _bare(text: str) -> str:
    return _DIGITS.sub("#", text)


def _at(span) -> tuple:
    return (Path(span.path).name, span.line) if span is not None else ("-", 0)


def signature(report) -> dict:
    return {
        "sites": sorted({(*_at(u.span), u.kind, _bare(u.reason)) for u in report.uncertain}),
        "unpriced": sorted({(*_at(u.span), u.what) for u in report.unpriced}),
        "raises": sorted({(*_at(r.span), _bare(r.what.split(":")[0]), r.every_path) for r in report.raises}),
        "notes": sorted({(*_at(n.span), _bare(n.message)) for n in report.notes}),
        "lines": sorted({_at(c.span) for c in report.charges}),
    }


def kind(report) -> str:
    return "exact" if report.exact else ("lower" if report.unpriced else "interval")


def main() -> None:
    verbose = "-v" in sys.argv
    args = [a for a in sys.argv[1:] if a != "-v"]
    name, points = args[0], args[1].split(",")
    path = corpus_path(name)
    for text in points:
        w, d, b = (int(float(x)) for x in text.split("x"))
        point = Point(w, d, b)
        t0 = time.process_time()
        report = analyze(path, point)
        t1 = time.process_time()
        calls = max(2, len(report.per_call) + report.per_call_settled)
        runs = measure_calls(path, point, calls)
        t2 = time.process_time()
        sig = signature(report)
        digest = hashlib.sha1(repr(sig).encode()).hexdigest()[:10]
        print(f"{name} {w}x{d} b={b:.0e}: {kind(report)} {report.total} run={runs[0].total} "
              f"sig={digest} analysis={t1 - t0:.2f}s runs={t2 - t1:.2f}s", flush=True)
        if verbose:
            for key, items in sig.items():
                print(f"   {key}: {items}")


if __name__ == "__main__":
    main()
