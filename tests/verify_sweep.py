"""`flopcast verify` of every sample and corpus estimator at a size of your choosing: one line each,
OK or FAIL with verify's verdict, for the sizes the corpus tests do not reach.

The corpus tests check each estimator at small points (8x2 to 32x4): a loop shorter than four
iterations is never skipped there, so a wrong skip of a layer loop only shows at five layers or
more. Session 32's run at 64x5 found two false claims that way (a loop changing its item, or the
item its counter indexes: tests/test_changed_items.py).

    .venv/bin/python tests/verify_sweep.py --point 64x5 [--budget N] [--skip a.py,b.py] > sweep.txt

A FAIL is not always flopcast's: an estimator may raise at that size (a singular matrix outside a
try, an allocation past the machine's memory), which verify reports as EXCEPTION.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from fingerprint import ROOT, estimators


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--point", default="64x5", help="WIDTHxDEPTH")
    parser.add_argument("--budget", type=int, default=None, help="the round's budget when not given")
    parser.add_argument("--skip", default="", help="comma-separated file or folder names to leave out")
    parser.add_argument("--timeout", type=int, default=120, help="seconds for each estimator's run")
    args = parser.parse_args()
    width, depth = args.point.split("x")
    skip = {name for name in args.skip.split(",") if name}
    env = dict(os.environ, FLOPCAST_PATH_JOBS=os.environ.get("FLOPCAST_PATH_JOBS", "1"))
    for path in estimators():
        if path.name in skip or path.parent.name in skip:
            continue
        name = str(path.relative_to(ROOT))
        command = [sys.executable, "-m", "flopcast", "verify", name, "--width", width, "--depth", depth,
                   "--timeout", str(args.timeout)] + (["--budget", str(args.budget)] if args.budget else [])
        try:
            out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=4 * args.timeout).stdout
        except subprocess.TimeoutExpired:
            print(f"TIMEOUT {name}", flush=True)
            continue
        verdict = next((line for line in out.splitlines() if line.startswith(f"{width}x{depth}")), "no verdict")
        print(f"{'OK' if 'OK:' in out else 'FAIL'} {name} | {verdict}", flush=True)


if __name__ == "__main__":
    main()
