"""`flopcast check PATHS...`: configuration, the checks, output and the exit code.

Exit codes: 0 nothing at error level (warnings allowed); 1 an error-level finding
remains (unless --exit-zero); 2 a usage error, or an analysis that failed so the
budget could not be checked, or a --calibrate run that failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from flopcast.check import engine
from flopcast.check.output import RENDERERS, Results
from flopcast.check.settings import settings_for
from flopcast.check.source import CheckUsageError, load_submission


def check_paths(ns: argparse.Namespace) -> list[engine.TargetResult]:
    jobs = []
    seen = set()
    for path in ns.paths or ["."]:
        submission = load_submission(path)
        if submission.entry.path in seen:
            continue
        seen.add(submission.entry.path)
        formulas = getattr(ns, "formula", True) and getattr(ns, "format", "text") in ("text", "json")
        jobs.append((submission, settings_for(path, ns), getattr(ns, "scorer_cast", True),
                     getattr(ns, "calibrate", None), formulas))
    workers = _workers(ns, len(jobs))
    if workers <= 1:
        return [_check_one(job) for job in jobs]
    # Each submission is analysed on its own, so they spread over the cores (as ruff does).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_check_one, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


def _check_one(job: tuple) -> engine.TargetResult:
    submission, settings, scorer_cast, calibrate, formulas = job
    analyzer = engine.session()  # the fixes' rewrites, here and on the formulas' grid, parsed once
    result = engine.check_target(
        submission, settings.point, settings.selection,
        per_file_ignores=settings.config.per_file_ignores,
        config_root=settings.config.root,
        scorer_cast=scorer_cast,
        calibrate=calibrate,
        analyzer=analyzer,
    )
    if formulas and result.report is not None:
        from flopcast.check.saving_formulas import with_saving_formulas

        result.findings = with_saving_formulas(result.findings, submission, settings.point, scorer_cast=scorer_cast,
                                               analyzer=analyzer)
    return result


def _workers(ns: argparse.Namespace, targets: int) -> int:
    """Processes to use: --jobs, else one per core; one when a test replaced the analyzer
    (a stand-in set in this process is not seen by a spawned one)."""
    if targets < 2 or engine.analyze is not engine._real_analyze:
        return 1
    wanted = getattr(ns, "jobs", None) or os.cpu_count() or 1
    return max(1, min(wanted, targets))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}es"


def run(ns: argparse.Namespace) -> int:
    if getattr(ns, "fix", False) or getattr(ns, "diff", False):
        from flopcast.check.fix.command import run_fix

        return run_fix(ns)
    started = time.perf_counter()
    try:
        targets = check_paths(ns)
    except CheckUsageError as exc:
        print(f"flopcast: error: {exc}", file=sys.stderr)
        return 2
    results = Results(targets)
    sys.stdout.write(RENDERERS[getattr(ns, "format", "text")](results))
    sys.stdout.flush()
    if getattr(ns, "statistics", False):
        elapsed = time.perf_counter() - started
        files = sum(len(t.submission.files) for t in targets)
        print(f"flopcast: checked {len(targets)} submissions ({files} files) in {elapsed:.2f} s: "
              f"{files / elapsed:.1f} files/s with {_plural(_workers(ns, len(targets)), 'process')}", file=sys.stderr)
    failed = [t for t in targets if t.analysis_error]
    for t in failed:
        print(
            f"flopcast: error: the FLOP analysis of {t.submission.given} failed ({t.analysis_error}); "
            "the budget and cost rules (FC001-FC003, FC101, FC204) were not checked. "
            "Run `flopcast analyze` on it for details, or deselect them with --ignore FC0,FC1,FC204.",
            file=sys.stderr,
        )
    uncalibrated = [t for t in targets if t.calibration_error]
    for t in uncalibrated:
        print(f"flopcast: error: {t.submission.given}: --calibrate: {t.calibration_error}", file=sys.stderr)
    if failed or uncalibrated:
        return 2
    if results.errors and not getattr(ns, "exit_zero", False):
        return 1
    return 0
