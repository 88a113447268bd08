"""How long does one isolated run take, forked by the warm zygote against a fresh child process?

    .venv/bin/python bench/isolated_runs.py [ESTIMATOR] [--point 32x2] [--repeats 7]

Both are whole runs as ``flopcast verify`` makes them: the request written, the child started,
the estimator loaded and run under the attributing meter, the result read back. The fresh child
is ``python -m flopcast.runtime.child`` (each run pays the imports); the forked one is
``isolate.run_isolated`` after a first run has started the zygote. Alternating, medians of wall
time; both must count the same FLOPs. Nothing here asserts on time; it reports.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flopcast.runtime.isolate import child_env, run_isolated  # noqa: E402
from flopcast.runtime.protocol import RunRequest, request_to_json, result_from_json  # noqa: E402


def fresh(request: RunRequest) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        request_file, result_file = Path(tmp) / "request.json", Path(tmp) / "result.json"
        request_file.write_text(request_to_json(request))
        subprocess.run([sys.executable, "-m", "flopcast.runtime.child", str(request_file), str(result_file)],
                       env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return result_from_json(result_file.read_text()).flops_used


def forked(request: RunRequest) -> int:
    return run_isolated(request, timeout=600).flops_used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("estimator", nargs="?", default=str(ROOT / "samples" / "covariance_propagation.py"))
    parser.add_argument("--point", default="32x2", help="WIDTHxDEPTH")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--budget", type=int, default=2**41)
    args = parser.parse_args()

    width, depth = (int(v) for v in args.point.lower().split("x"))
    request = RunRequest(str(Path(args.estimator).resolve()), width, depth, args.budget)
    forked(request)  # starts the zygote: paid once a process, as the imports of one fresh child

    times: dict = {fresh: [], forked: []}
    counts = set()
    for _ in range(args.repeats):
        for run in (fresh, forked):
            start = time.perf_counter()
            counts.add(run(request))
            times[run].append(time.perf_counter() - start)

    f, k = statistics.median(times[fresh]), statistics.median(times[forked])
    print(f"estimator  {args.estimator} at {width}x{depth}, {args.repeats} runs each")
    print(f"flops      {', '.join(f'{c:,}' for c in sorted(counts))} ({'same' if len(counts) == 1 else 'DIFFERENT'})")
    print(f"fresh      median {f:7.3f} s  (min {min(times[fresh]):.3f})")
    print(f"forked     median {k:7.3f} s  (min {min(times[forked]):.3f})")
    print(f"ratio      {k / f:.3f}  forked / fresh")
    return 0 if len(counts) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
