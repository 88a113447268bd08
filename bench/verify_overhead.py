"""How much slower is a run under flopcast's attributing meter than under a plain BudgetContext?

    .venv/bin/python bench/verify_overhead.py [ESTIMATOR] [--point 256x8] [--repeats 7]

Runs the estimator in this process (no child, so process start-up is not measured)
alternately under both meters, times only the metered window (predict plus
whestbench's float32 cast), and prints the medians and their ratio. The target
is a ratio of at most 1.15. It also checks that both meters counted the same
FLOPs, since attribution must never change the count. Nothing here asserts on
time; it reports.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flopcast.runtime.counter import run_in_process  # noqa: E402
from flopcast.runtime.protocol import RunRequest  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("estimator", nargs="?", default=str(ROOT / "samples" / "covariance_propagation.py"))
    parser.add_argument("--point", default="256x8", help="WIDTHxDEPTH")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--budget", type=int, default=2**41)
    args = parser.parse_args()

    width, depth = (int(v) for v in args.point.lower().split("x"))
    request = RunRequest(str(Path(args.estimator).resolve()), width, depth, args.budget)
    warnings.simplefilter("ignore")  # flopscope's symmetry warnings would dominate the output

    # One warm-up each: imports, first-call caches and BLAS thread start-up are not the meter's cost.
    run_in_process(request, attribute=False)
    run_in_process(request, attribute=True)

    plain, attributed = [], []
    counts = set()
    for _ in range(args.repeats):
        p = run_in_process(request, attribute=False)
        a = run_in_process(request, attribute=True)
        if not (p.ok and a.ok):
            print(f"run failed: plain {p.status} {p.error}, attributed {a.status} {a.error}", file=sys.stderr)
            return 1
        plain.append(p.predict_seconds)
        attributed.append(a.predict_seconds)
        counts.add((p.flops_used, a.flops_used, sum(c.flops for c in a.charges), len(a.charges)))

    mp, ma = statistics.median(plain), statistics.median(attributed)
    print(f"estimator   {args.estimator} at {width}x{depth}, {args.repeats} runs each")
    for plain_flops, attributed_flops, charged, n in sorted(counts):
        same = "same" if plain_flops == attributed_flops == charged else "DIFFERENT"
        print(f"flops       plain {plain_flops:,}  attributed {attributed_flops:,}  listed {charged:,} in {n:,} charges ({same})")
    print(f"plain       median {mp * 1e3:9.2f} ms  (min {min(plain) * 1e3:.2f})")
    print(f"attributed  median {ma * 1e3:9.2f} ms  (min {min(attributed) * 1e3:.2f})")
    print(f"ratio       {ma / mp:.3f}  (target <= 1.15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
