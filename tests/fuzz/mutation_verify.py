"""Differential mutation hunt: run `flopcast verify` on single-line mutants of the corpus.

tests/fuzz/test_mutations.py proves mutants never make an internal error; this script asks the
harder question, whether the report about a mutant is true. Each mutant (the same generator,
drawn with a seed) is written to a temporary copy of its file or submission folder and checked
by `flopcast verify` (static report against the real flopscope, in a child process with
whestbench's limits) at 8x1 (budget 2**23) or 16x2 (2**26). A verdict of MISMATCH,
OVER BUDGET or ANALYZER ERROR, or EXCEPTION where the report claimed an exact count, is printed
and the mutant kept under --keep. Verdicts at the level of expressions (the attribution of a
charge to a line) show up as MISMATCH too: read the verify output of a kept mutant.

    .venv/bin/python tests/fuzz/mutation_verify.py --seed 101 --per-file 4 [--only NAME] [--keep DIR]

Slow by design (two processes per mutant): a few hundred mutants take about half an hour.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "fuzz"), str(ROOT / "tests"), str(ROOT)]

import test_mutations  # noqa: E402 - the mutant generator, shared with the internal-error fuzz

BAD = {"MISMATCH", "OVER BUDGET", "ANALYZER ERROR"}
TOPS = (ROOT / "samples", ROOT / "tests" / "realistic" / "estimators")


def submission_root(path: Path):
    """The folder whose estimator.py analyses ``path`` (a helper module of a submission), or None."""
    root = None
    for folder in [path.parent, *path.parents]:
        if folder in TOPS or folder == ROOT:
            break
        if (folder / "estimator.py").is_file():
            root = folder
    return root


def verdict(entry: Path, width: int, depth: int, budget: int) -> tuple[bool, str]:
    done = subprocess.run([sys.executable, "-m", "flopcast", "verify", str(entry), "--width", str(width),
                           "--depth", str(depth), "--budget", str(budget), "--format", "json", "--timeout", "40"],
                          cwd=ROOT, capture_output=True, text=True, timeout=150)
    point = json.loads(done.stdout)["points"][0]
    said, total = point["verdict"], point.get("static_total")
    exact = bool(total) and total["lo"] == total["hi"] and not point.get("static_lower_bound")
    bad = said in BAD or bool(point.get("static_error")) or (said == "EXCEPTION" and exact)
    if said == "LOAD ERROR" and (point.get("error") or {}).get("type") == "SyntaxError" \
            and "syntax error:" in str(point.get("static_error")):
        bad = False  # a mutant Python's compiler refuses (it parsed): neither side loads it
    if said == "LOAD ERROR" and "No BaseEstimator subclasses" in str((point.get("error") or {}).get("message")) \
            and "no BaseEstimator subclass is defined" in str(point.get("static_error")):
        bad = False  # its class line deleted (predict nests in the function above): neither side finds a class
    if said == "MISMATCH" and point.get("static_assumes_alike") and total and total["lo"] < total["hi"] \
            and total["lo"] <= sum(r["dynamic"] for r in point["ops"]) <= total["hi"] \
            and all(c["matches"] for c in point["calls"]) and not point.get("static_error"):
        bad = False  # the report says it assumes sites answer alike: a run mixing them differs line by line
    run_error = point.get("error") or {}
    where = (run_error.get("span") or {}).get("path"), (run_error.get("span") or {}).get("line")
    if said == "EXCEPTION" and exact and point.get("flops_used") == total["lo"] and not point.get("static_error") \
            and any(r["span"] and (r["span"]["path"], r["span"]["line"]) == where
                    and r["exc_type"] == run_error.get("type") for r in point.get("static_raises", ())):
        bad = False  # the raise the report predicts on some paths, after the exact count it claims
    if said == "EXCEPTION" and exact and not point.get("static_error") and point.get("flops_used", 0) <= total["hi"] \
            and any((p["span"]["path"], p["span"]["line"]) == where and p["exception"] == run_error.get("type")
                    for p in point.get("static_presumes_no_raise", ())):
        bad = False  # a raise at an op the report names as presumed not to raise: its count says so
    error = point.get("static_error") or point.get("error")
    return bad, f"{said} static={total} lower_bound={point.get('static_lower_bound')} " \
                f"counted={point.get('dynamic_total')} {str(error or '')[:160]}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=4)
    parser.add_argument("--only", default="", help="only files whose path contains this")
    parser.add_argument("--keep", default=str(Path(tempfile.gettempdir()) / "mutation_verify"))
    args = parser.parse_args()
    keep = Path(args.keep)
    keep.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in (f for f in test_mutations.FILES if args.only in str(f)):
        for i, mutant in enumerate(test_mutations.sample_mutants(path, args.per_file, args.seed,
                                                                 test_mutations.OP_NAMES)):
            width, depth, budget = (8, 1, 2**23) if i % 3 else (16, 2, 2**26)
            work = Path(tempfile.mkdtemp(prefix="mutant_"))
            root = submission_root(path)
            if root is not None:
                shutil.copytree(root, work / "sub")
                target, entry = work / "sub" / path.relative_to(root), work / "sub" / "estimator.py"
            else:
                target = entry = work / path.name
            target.write_text(mutant.text)
            try:
                bad, said = verdict(entry, width, depth, budget)
            except (subprocess.TimeoutExpired, json.JSONDecodeError, KeyError, IndexError) as exc:
                bad, said = True, f"no verdict: {type(exc).__name__}"
            count += 1
            if bad:
                kept = keep / f"s{args.seed}_{path.stem}_{i}"
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(work, kept)
                print(f"{path.relative_to(ROOT)} [{mutant.what}] {width}x{depth}: {said} -> {kept}", flush=True)
            shutil.rmtree(work, ignore_errors=True)
    print(f"{count} mutants verified", flush=True)


if __name__ == "__main__":
    main()
